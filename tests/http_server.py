"""A scripted HTTP server on 127.0.0.1 for tests: each path answers from a list."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs


@attrs.frozen
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes = b""
    delay: float = 0.0

    @classmethod
    def problem(
        cls, status: int, headers: Mapping[str, str] | None = None, **members: object
    ) -> Reply:
        """An application/problem+json answer with the given members."""
        all_headers = {"Content-Type": "application/problem+json", **(headers or {})}
        return cls(status, all_headers, json.dumps({"status": status, **members}).encode())


@attrs.frozen
class Received:
    """What the server saw of one request."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    at: float


class ScriptedServer:
    """Answers each path from its script, in order, repeating the last answer."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = defaultdict(list)
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    parts: list[bytes] = []
                    while size := int(self.rfile.readline().split(b";")[0].strip(), 16):
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()  # the CRLF after each chunk
                    self.rfile.readline()  # the CRLF after the last, empty chunk
                    return b"".join(parts)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _answer(self) -> None:
                body = self._body()
                path = self.path.split("?")[0]
                with server._lock:
                    server.received.append(
                        Received(
                            self.command, self.path, dict(self.headers), body, time.monotonic()
                        )
                    )
                    script = server.scripts[path]
                    reply = (
                        script.pop(0) if len(script) > 1 else (script[0] if script else Reply(404))
                    )
                if reply.delay and server.stopping.wait(reply.delay):
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer  # noqa: N815 -- the handler's API

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base's name
                """Tests stay quiet."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> str:
        """Answer ``path`` with ``replies`` in order (the last one repeats); its URL."""
        with self._lock:
            self.scripts[path] = list(replies)
        return self.url(path)

    def requests_to(self, path: str) -> list[Received]:
        """The requests received for ``path``, in order."""
        with self._lock:
            return [request for request in self.received if request.path.split("?")[0] == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    """A started server, stopped and closed when the block ends."""
    server = ScriptedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def serving(httpd: ThreadingHTTPServer) -> Iterator[int]:
    """Serve ``httpd`` from a thread; its port. Shut down and closed when the block ends."""
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
