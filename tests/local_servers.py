"""Servers on 127.0.0.1 that fail in one way each, for the client and SDK tests."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme

from tests.http_server import serving


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_POST = do_GET  # noqa: N815 -- the handler's API

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base's name
        """Tests stay quiet."""


@contextmanager
def untrusted_tls() -> Iterator[str]:
    """The URL of an HTTPS server on 127.0.0.1 whose certificate no client trusts."""
    certificate = trustme.CA().issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    certificate.configure_cert(context)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    with serving(httpd) as port:
        yield f"https://127.0.0.1:{port}/"


@contextmanager
def hanging_up() -> Iterator[str]:
    """The URL of a server that reads a request and closes without answering."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def caught(call: Callable[[], object]) -> BaseException:
    """The exception ``call()`` raises."""
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("no exception")  # pragma: no cover
