"""The demo's HTTP part: a scripted flaky server on 127.0.0.1, calls to it, a server's answer."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Generator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import spice_errors as se

__all__ = [
    "DemoServer",
    "Served",
    "ToolCalls",
    "call_a_tool",
    "demo_server",
    "get",
    "post",
    "serve_a_crash",
]

_PROBLEM = {"Content-Type": "application/problem+json"}

Reply = tuple[int, dict[str, str], bytes]


def _problem(status: int, headers: dict[str, str] | None = None, **members: object) -> Reply:
    return (
        status,
        {**_PROBLEM, **(headers or {})},
        json.dumps({"status": status, **members}).encode(),
    )


class DemoServer:
    """Answers each path from a list, in order; the last answer repeats."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {
            "/v1/invoices/42": [
                _problem(
                    403,
                    type="https://billing.example/problems/forbidden",
                    title="Forbidden",
                    detail="This key may read invoices of its own account only",
                    account="acct-7",
                )
            ],
            "/v1/reports": [
                _problem(429, {"Retry-After": "1"}, title="Too Many Requests", detail="Slow down"),
                (200, {"Content-Type": "application/json"}, b'{"rows": 3}'),
            ],
            "/v1/flaky": [_problem(503, title="Service Unavailable", detail="Database outage")],
            "/v1/orders/7": [(200, {"Content-Type": "application/json"}, b'{"id": 7}')],
            "/v1/search": [
                _problem(429, {"Retry-After": "2"}, title="Too Many Requests", detail="Slow down")
            ],
            "/v1/orders": [
                _problem(422, title="Unprocessable", detail="quantity must be positive")
            ],
            "/v1/payments": [
                _problem(503, title="Service Unavailable", detail="Try again"),
                (201, {"Content-Type": "application/json"}, b'{"id": "pay_1", "amount": 500}'),
            ],
        }
        self.keys: list[str | None] = []
        """The ``Idempotency-Key`` of each POST, in order."""
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server._lock:
                    server.keys.append(self.headers.get("Idempotency-Key"))
                self.do_GET()

            def do_GET(self) -> None:
                with server._lock:
                    script = server.scripts.get(self.path.split("?")[0], [(404, {}, b"")])
                    status, headers, body = script.pop(0) if len(script) > 1 else script[0]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base's name
                """The demo prints its own story."""

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def demo_server() -> Generator[DemoServer, None, None]:
    """A started server, always stopped afterwards."""
    server = DemoServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


DEMO_TOKEN = "sk-live-demo-0123456789"  # noqa: S105 -- a made-up key the demo shows hidden


def get(
    url: str, *, token: str = DEMO_TOKEN
) -> se.SpiceResult[dict[str, object], se.AnySpiceError]:
    """GET with urllib: the JSON body, or the error the answer or the failure describes."""
    return _send(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}))  # noqa: S310 -- http on 127.0.0.1 only


def post(
    url: str, body: dict[str, object], *, idempotency_key: str, token: str = DEMO_TOKEN
) -> se.SpiceResult[dict[str, object], se.AnySpiceError]:
    """POST JSON with an ``Idempotency-Key``, as `get` does a GET."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": idempotency_key,
    }
    data = json.dumps(body).encode()
    return _send(urllib.request.Request(url, data=data, headers=headers, method="POST"))  # noqa: S310 -- http on 127.0.0.1 only


def _send(request: urllib.request.Request) -> se.SpiceResult[dict[str, object], se.AnySpiceError]:
    url, method = request.full_url, request.get_method()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            return se.success(json.loads(response.read()))
    except urllib.error.HTTPError as answer:
        with answer:
            body = answer.read()
        return se.failure(
            se.http.from_response(answer.code, answer.headers.items(), body, method=method, url=url)
        )
    except urllib.error.URLError as exc:
        # urllib wraps the socket's own failure; that one says what happened.
        reason = exc.reason if isinstance(exc.reason, BaseException) else exc
        return se.failure(se.from_exception(reason))


class Served:
    """What a server answers for a route that crashed, in production and in development."""

    __slots__ = ("debug", "log", "public")

    def __init__(self, public: dict[str, object], debug: dict[str, object], log: list[str]) -> None:
        self.public = public
        self.debug = debug
        self.log = log


class _Lines(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def serve_a_crash() -> Served:
    """A route failing with a ``KeyError`` that names the database: answered and logged.

    The handlers of the Starlette integration do exactly this (without Starlette needed
    here): the client gets the public problem, the log the masked report.
    """
    from spice_errors.integrations.starlette import log_answer

    error = se.from_exception(KeyError("postgres://admin:hunter2@db.internal:5432/shop"))
    public = se.http.to_problem(error, status=500, instance="/v1/orders/9")
    debug = se.http.to_problem(error, status=500, instance="/v1/orders/9", debug=True)
    lines: list[str] = []
    logger = logging.getLogger("spice_errors.demo.server")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = _Lines(lines)
    logger.addHandler(handler)
    try:
        log_answer(logger, error, status=500, method="GET", path="/v1/orders/9")
    finally:
        logger.removeHandler(handler)
    return Served(public, debug, lines)


class ToolCalls:
    """Two calls of an MCP tool: the one the model got wrong, and the one it fixed."""

    __slots__ = ("fixed", "wrong")

    def __init__(self, wrong: dict[str, object], fixed: dict[str, object]) -> None:
        self.wrong = wrong
        self.fixed = fixed


def call_a_tool() -> ToolCalls | None:
    """An MCP server in memory whose tool returns a `SpiceResult`, called as a model would.

    The ``mcp`` SDK's own server and client (``pip install 'spice-errors[mcp]'``); None
    when it is not installed. The results are in their JSON form, as the model's host
    receives them.
    """
    import asyncio
    import importlib.util

    if importlib.util.find_spec("mcp") is None:
        return None
    from mcp import Client
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("orders")

    @server.tool()
    @se.mcp.tool
    def refund(order_id: str, amount_cents: int) -> se.SpiceResult[dict[str, object]]:
        """Refund part of an order."""
        if amount_cents > 10_000:  # noqa: PLR2004 -- the demo's limit
            return se.failure(
                se.ValidationError(
                    "Refunds above 100.00 need a person's approval",
                    field="amount_cents",
                    expected_type="an int of at most 10000",
                    actual_value=amount_cents,
                )
            )
        refunded: dict[str, object] = {"order_id": order_id, "refunded_cents": amount_cents}
        return se.success(refunded)

    async def calls() -> ToolCalls:
        async with Client(server) as client:
            wrong = await client.call_tool("refund", {"order_id": "o-7", "amount_cents": 25_000})
            fixed = await client.call_tool("refund", {"order_id": "o-7", "amount_cents": 9_000})
        hidden = {"meta", "result_type"}
        return ToolCalls(
            wrong.model_dump(by_alias=True, exclude_none=True, exclude=hidden),
            fixed.model_dump(by_alias=True, exclude_none=True, exclude=hidden),
        )

    return asyncio.run(calls())
