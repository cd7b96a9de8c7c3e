"""The HTTP transport's overhead: GETs to a local server, with and without retry layers.

Run with ``python benchmarks/bench_transport.py [--requests 2000] [--rounds 5]``. One
``httpx.Client`` per way of sending, all to the same keep-alive server on 127.0.0.1,
each answering 200: a plain client, one through ``spice_errors.http.RetryTransport``,
one through ``httpx_retries.RetryTransport``, and a plain client whose calls are wrapped
in ``tenacity.Retrying``. The ways are timed in turns, round by round (best round kept),
so that a slow spell of the machine falls on all of them alike.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import httpx_retries
import tenacity

import spice_errors as se


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the connection's setup is not measured
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base's name
        """Quiet."""


@contextmanager
def local_server() -> Iterator[str]:
    """A server on 127.0.0.1 answering every GET with 200; its URL. Stopped afterwards."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/items"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def ways(
    url: str, inner: Callable[[], httpx.BaseTransport], stack: list[httpx.Client]
) -> dict[str, Callable[[], object]]:
    """Each way of sending one GET over a fresh ``inner()``, its clients kept in ``stack``."""

    def client(transport: httpx.BaseTransport) -> httpx.Client:
        made = httpx.Client(transport=transport, trust_env=False, timeout=5)
        stack.append(made)
        return made

    plain = client(inner())
    ours = client(se.http.RetryTransport(inner(), on_retry=None, on_give_up=None))
    theirs = client(httpx_retries.RetryTransport(transport=inner()))
    wrapped = client(inner())
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(httpx.TransportError),
        stop=tenacity.stop_after_attempt(3),
        reraise=True,
    )
    return {
        "plain": lambda: plain.get(url),
        "spice_errors": lambda: ours.get(url),
        "httpx-retries": lambda: theirs.get(url),
        "tenacity": lambda: retrying(wrapped.get, url),
    }


def _answer(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"ok")


def timed(sends: dict[str, Callable[[], object]], requests: int, rounds: int) -> dict[str, float]:
    """Best seconds per request of each way over ``rounds`` interleaved rounds."""
    best: dict[str, float] = {}
    for send in sends.values():  # warm up: connections open, code paths taken
        for _ in range(50):
            send()
    for index in range(rounds):
        names = list(sends) if index % 2 == 0 else list(reversed(sends))
        for name in names:
            send = sends[name]
            started = time.perf_counter()
            for _ in range(requests):
                send()
            seconds = (time.perf_counter() - started) / requests
            best[name] = min(best.get(name, seconds), seconds)
    return best


def measure(requests: int, rounds: int) -> tuple[dict[str, float], dict[str, float]]:
    """Best seconds per request of each way: to the local server, and in process."""
    stack: list[httpx.Client] = []
    try:
        with local_server() as url:
            served = timed(ways(url, httpx.HTTPTransport, stack), requests, rounds)
        # The same ways over httpx.MockTransport: no network, only the layers' own cost.
        mock = ways("http://api.example/items", lambda: httpx.MockTransport(_answer), stack)
        in_process = timed(mock, requests, rounds)
    finally:
        for made in stack:
            made.close()
    return served, in_process


def main() -> None:
    """Print the table that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="GETs per way and round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, httpx {httpx.__version__}\n")
    served, in_process = measure(args.requests, args.rounds)
    labels = {
        "plain": "`httpx.Client`, no retry layer",
        "spice_errors": "through `se.http.RetryTransport`",
        "httpx-retries": "through `httpx_retries.RetryTransport`",
        "tenacity": "each call in `tenacity.Retrying`",
    }
    titles = (
        f"{args.requests} GETs to 127.0.0.1, 200 each",
        f"{args.requests} GETs to `httpx.MockTransport` (no network)",
    )
    for title, best in zip(titles, (served, in_process), strict=True):
        plain = best["plain"]
        print(f"\n| {title} (best of {args.rounds} rounds) | µs/request | x plain client |")
        print("|---|---:|---:|")
        for name, label in labels.items():
            print(f"| {label} | {best[name] * 1e6:.1f} | {best[name] / plain:.3f} |")


if __name__ == "__main__":
    main()
