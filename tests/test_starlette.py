"""The Starlette integration, with a real Starlette application and its own test client."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

import spice_errors as se
from spice_errors import SpiceError, SpiceException, _problems
from spice_errors.integrations.starlette import install_problem_handlers, problem_response

if TYPE_CHECKING:
    import httpx2
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Receive, Scope, Send
    from starlette.websockets import WebSocket

SERVER_LOG = "spice_errors.server"
DB_URL = "postgres://admin:hunter2@db.internal:5432/shop"

ERRORS: dict[str, SpiceError] = {
    "validation": SpiceError.validation_error("email is not valid", field="email"),
    "auth": SpiceError.auth_error("token expired", provider="oauth"),
    "missing": SpiceError.tool_lookup_error("No order 7", "7", "orders"),
    "conflict": se.NetworkError("Idempotency key reused", status_code=409),
    "limited": SpiceError.rate_limit_error("Slow down", 2500, "requests_per_minute"),
    "busy": SpiceError.retryable_http_error(503, "Maintenance", retry_after_seconds=30),
    "timeout": SpiceError.timeout_error("Upstream db.internal too slow", 5000, "fetch"),
    "secret": se.ConfigurationError("Bad config").with_context(api_key="S3cr3t-key", region="eu"),
    "relayed": se.http.from_response(
        401,
        {"X-Request-Id": "partner-req-1", "Retry-After": "60"},
        b'{"error": {"message": "key sk-partner expired", "code": "invalid_api_key"}}',
        method="POST",
        url="https://billing.partner.internal/v1/charges",
    ),
    "funds": se.ValidationError("Balance 3.00 is below 7.50").with_context(
        error_code="INSUFFICIENT_FUNDS"
    ),
    "fsdecoded": se.ValidationError("bad name").with_context(
        path=os.fsdecode(b"/srv/uploads/\xff.csv")
    ),
}


async def fail(request: Request) -> Response:
    raise ERRORS[request.path_params["kind"]].to_exception()


async def crash(request: Request) -> Response:
    raise KeyError(DB_URL)


async def http_error(request: Request) -> Response:
    status = int(request.path_params["status"])
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if status == 401 else None
    raise HTTPException(status, detail=request.query_params.get("detail"), headers=headers)


async def late_crash(request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        yield b"first part"
        raise RuntimeError(DB_URL)

    return StreamingResponse(body())


async def ok(request: Request) -> Response:
    return PlainTextResponse("fine")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


class RaisingMiddleware:
    """A user's middleware that refuses a path with a SpiceException, outside the handlers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/refused":
            raise se.RateLimitError("Too many", retry_after_ms=1000).to_exception()
        await self.app(scope, receive, send)


ROUTES = [
    Route("/fail/{kind}", fail),
    Route("/crash", crash),
    Route("/http/{status}", http_error),
    Route("/late", late_crash),
    Route("/ok", ok),
    Route("/refused", ok),
    WebSocketRoute("/ws", echo),
]


@pytest.fixture(autouse=True)
def funds_type() -> Iterator[None]:
    """The application's own problem type, for the tests that need it."""
    saved = _problems.snapshot_problem_types()
    se.http.register_problem_type("INSUFFICIENT_FUNDS", status=402, title="Insufficient funds")
    yield
    _problems.restore_problem_types(saved)


def make_app(**options: object) -> Starlette:
    app = Starlette(routes=ROUTES)
    app.add_middleware(RaisingMiddleware)
    install_problem_handlers(app, type_base="https://errors.example/", **options)  # type: ignore[arg-type]
    return app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(make_app()) as client:
        yield client


def get_logged(caplog: pytest.LogCaptureFixture, path: str) -> httpx2.Response:
    """GET ``path`` from an application of its own, its server log captured from INFO up."""
    with (
        caplog.at_level(logging.INFO, logger=SERVER_LOG),
        TestClient(make_app()) as client,
    ):
        return client.get(path)


@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        ("validation", 400, "Bad Request"),
        ("auth", 401, "Unauthorized"),
        ("missing", 404, "Not Found"),
        ("conflict", 409, "Conflict"),
        ("limited", 429, "Too Many Requests"),
    ],
)
def test_client_errors_say_their_message(
    client: TestClient, kind: str, status: int, title: str
) -> None:
    """A 4xx is answered with its status, title, code and message, at its path."""
    response = client.get(f"/fail/{kind}")
    assert status == response.status_code
    assert "application/problem+json" == response.headers["content-type"]
    error = ERRORS[kind]
    body = response.json()
    assert (status, title, error.code, error.message) == (
        body["status"],
        body["title"],
        body["code"],
        body["detail"],
    )
    assert f"https://errors.example/{error.code.lower()}" == body["type"]
    assert f"/fail/{kind}" == body["instance"]


@pytest.mark.parametrize(
    ("kind", "status", "detail"),
    [
        ("busy", 503, "The service is unavailable for now; try again later."),
        ("timeout", 504, "A service this server depends on did not answer in time."),
        ("secret", 500, "The server could not complete the request."),
    ],
)
def test_server_errors_say_a_generic_sentence(
    client: TestClient, kind: str, status: int, detail: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A 5xx tells the client nothing internal; the log has the masked report."""
    with caplog.at_level(logging.INFO, logger=SERVER_LOG):
        response = client.get(f"/fail/{kind}")
    assert status == response.status_code
    assert detail == response.json()["detail"]
    assert ERRORS[kind].message not in response.text
    (record,) = caplog.records
    assert logging.ERROR == record.levelno
    assert record.exc_info is None
    assert ERRORS[kind].message in record.getMessage()
    assert "S3cr3t" not in record.getMessage()
    assert (ERRORS[kind].code, status) == (record.error_code, record.http_status)  # type: ignore[attr-defined]


def test_retry_after_headers(client: TestClient) -> None:
    """This server's own waits become Retry-After headers, rounded up to whole seconds."""
    assert "3" == client.get("/fail/limited").headers["retry-after"]
    assert "30" == client.get("/fail/busy").headers["retry-after"]
    assert "retry-after" not in client.get("/fail/conflict").headers


def test_no_secret_and_no_context_leaves(client: TestClient) -> None:
    """Context is for logs: neither the secret nor any other fact reaches the client."""
    response = client.get("/fail/secret")
    assert "S3cr3t" not in response.text
    assert "region" not in response.json()


def test_a_relayed_partner_error(client: TestClient) -> None:
    """A partner's 401 passed on is this server's 502, with none of the partner's facts."""
    response = client.get("/fail/relayed")
    assert 502 == response.status_code
    assert {
        "type": "https://errors.example/auth_error",
        "title": "Bad Gateway",
        "status": 502,
        "detail": "A service this server depends on failed.",
        "instance": "/fail/relayed",
        "code": "AUTH_ERROR",
    } == response.json()
    assert "retry-after" not in response.headers
    for fact in ("partner", "sk-", "invalid_api_key", "401", "billing"):
        assert fact not in response.text


def test_a_registered_problem_type(client: TestClient) -> None:
    """The application's own kind of problem: its status and title."""
    response = client.get("/fail/funds")
    assert 402 == response.status_code
    body = response.json()
    assert ("Insufficient funds", "INSUFFICIENT_FUNDS") == (body["title"], body["error_code"])


def test_a_surrogate_escaped_value_still_answers_a_problem(client: TestClient) -> None:
    """A context value from os.fsdecode does not turn the answer into a bare 500."""
    response = client.get("/fail/fsdecoded")
    assert 400 == response.status_code
    assert "application/problem+json" == response.headers["content-type"]


def test_the_catch_all(caplog: pytest.LogCaptureFixture) -> None:
    """Any other exception: a generic 500 to the client, the masked report to the log."""
    response = get_logged(caplog, "/crash")
    assert 500 == response.status_code
    assert "application/problem+json" == response.headers["content-type"]
    assert {
        "type": "https://errors.example/unknown_error",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server could not complete the request.",
        "instance": "/crash",
        "code": "UNKNOWN_ERROR",
    } == response.json()
    for fact in ("db.internal", "hunter2", "KeyError", "postgres"):
        assert fact not in response.text
    (record,) = caplog.records
    logged = record.getMessage()
    assert record.exc_info is None
    assert "GET /crash answered 500" in logged
    assert "Caused by: KeyError: 'postgres://db.internal:5432/shop'" in logged
    assert "hunter2" not in logged
    assert "exception_type: 'KeyError'" in logged


def test_the_catch_all_keeps_the_exception_from_the_server() -> None:
    """The test client, which re-raises what reaches the server, sees nothing raised."""
    with TestClient(make_app()) as client:  # raise_server_exceptions=True
        assert 500 == client.get("/crash").status_code


def test_a_spice_exception_outside_the_handlers(client: TestClient) -> None:
    """Raised by a middleware, a SpiceException still answers with its own status."""
    response = client.get("/refused")
    assert 429 == response.status_code
    assert ("RATE_LIMIT_ERROR", "1") == (response.json()["code"], response.headers["retry-after"])


def test_a_failure_after_the_answer_started(caplog: pytest.LogCaptureFixture) -> None:
    """Once the answer has started, the failure can only be logged."""
    response = get_logged(caplog, "/late")
    assert 200 == response.status_code
    assert b"first part" == response.content
    (record,) = caplog.records
    assert "GET /late answered 500" in record.getMessage()
    assert "hunter2" not in record.getMessage()


def test_without_catch_all_starlette_answers_other_exceptions() -> None:
    """With catch_all=False, other exceptions get Starlette's own 500."""
    with TestClient(make_app(catch_all=False), raise_server_exceptions=False) as client:
        response = client.get("/crash")
    assert 500 == response.status_code
    assert "application/problem+json" != response.headers["content-type"]


def test_http_exceptions_keep_status_detail_and_headers(client: TestClient) -> None:
    """The application's HTTPException: its status, its detail for clients, its headers."""
    response = client.get("/http/401", params={"detail": "Sign in first"})
    assert 401 == response.status_code
    assert 'Bearer realm="api"' == response.headers["www-authenticate"]
    assert {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Sign in first",
        "instance": "/http/401",
    } == response.json()
    assert "Conflict" == client.get("/http/409").json()["detail"]


def test_an_http_exception_5xx_is_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """An application's own 5xx keeps its detail and is logged like any other."""
    with caplog.at_level(logging.INFO, logger=SERVER_LOG):
        response = client.get("/http/503", params={"detail": "Down for maintenance"})
    assert ("Down for maintenance", 503) == (response.json()["detail"], response.status_code)
    assert "answered 503" in caplog.records[0].getMessage()


def test_an_http_exception_that_is_not_an_error(client: TestClient) -> None:
    """A 304 raised as an HTTPException is answered as it is, with no body."""
    response = client.get("/http/304")
    assert 304 == response.status_code
    assert b"" == response.content


def test_unknown_routes_and_methods(client: TestClient) -> None:
    """404 and 405 are problems too; a 405 keeps its Allow header."""
    missing = client.get("/nowhere")
    assert (404, "application/problem+json") == (
        missing.status_code,
        missing.headers["content-type"],
    )
    assert ("Not Found", "/nowhere") == (missing.json()["title"], missing.json()["instance"])
    wrong = client.delete("/ok")
    assert 405 == wrong.status_code
    assert {"GET", "HEAD"} == set(wrong.headers["allow"].split(", "))
    assert "Method Not Allowed" == wrong.json()["title"]


def test_request_ids_are_echoed(client: TestClient) -> None:
    """An incoming X-Request-Id comes back on problem answers, when it is safe to echo."""
    assert "req-42" == client.get("/nowhere", headers={"X-Request-Id": "req-42"}).headers.get(
        "x-request-id"
    )
    assert "req-43" == client.get("/fail/auth", headers={"X-Request-Id": "req-43"}).headers.get(
        "x-request-id"
    )
    for unsafe in (b"x" * 201, b"has space", "caf\u00e9".encode()):
        headers = {b"X-Request-Id": unsafe}
        assert "x-request-id" not in client.get("/fail/auth", headers=headers).headers


def test_debug_shows_everything_masked() -> None:
    """debug=True: the message and the context, for development, still masked."""
    with TestClient(make_app(debug=True)) as client:
        body = client.get("/fail/secret").json()
        crashed = client.get("/crash").json()
    assert ("Bad config", "eu", "***") == (body["detail"], body["region"], body["api_key"])
    assert "'postgres://db.internal:5432/shop'" == crashed["detail"]
    assert "hunter2" not in json.dumps(crashed)


def test_a_logger_of_ones_own(caplog: pytest.LogCaptureFixture) -> None:
    """Records go to the logger given; a 4xx is one INFO line; a silent logger costs nothing."""
    logger = logging.getLogger("shop.errors")
    with caplog.at_level(logging.INFO, logger="shop.errors"):
        with TestClient(make_app(logger=logger)) as client:
            client.get("/fail/missing")
        (record,) = caplog.records
    assert (logging.INFO, "shop.errors") == (record.levelno, record.name)
    assert "GET /fail/missing answered 404: TOOL_LOOKUP_ERROR: No order 7" == record.getMessage()
    caplog.clear()
    with caplog.at_level(logging.CRITICAL, logger="shop.errors"):
        with TestClient(make_app(logger=logger)) as client:
            assert 500 == client.get("/fail/secret").status_code
        assert [] == caplog.records


def test_websockets_pass_through(client: TestClient) -> None:
    """The catch-all leaves other kinds of connection alone."""
    with client.websocket_connect("/ws") as websocket:
        websocket.send_text("hello")
        assert "hello" == websocket.receive_text()


def test_validation_errors_of_any_shape() -> None:
    """Items FastAPI never sends (not a mapping, no location, no text) are read safely."""
    from spice_errors.integrations.starlette import _validation_error

    error = _validation_error([1, {"loc": "body", "msg": 5}, {"loc": ["query", "a/b~c"]}])
    assert "The request is not valid: 2 problems" == error.message
    first, second = error.errors
    assert (None, "Invalid value", {}) == (first.field, first.message, dict(first.context))
    assert ("a/b~c", {"pointer": "#/query/a~1b~0c"}) == (second.field, dict(second.context))
    assert "The request is not valid: 0 problems" == _validation_error(None).message
    assert "1 problem" in _validation_error([{"loc": ["body"], "msg": "m"}]).message


def test_a_starlette_application_without_fastapi(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where FastAPI is not loaded, no validation handler is installed."""
    monkeypatch.delitem(sys.modules, "fastapi.exceptions", raising=False)
    app = Starlette(routes=ROUTES)
    install_problem_handlers(app, catch_all=False)
    assert {SpiceException, HTTPException} == set(app.exception_handlers)


def test_problem_response() -> None:
    """One response: extra headers kept, a server's own Retry-After not overwritten."""
    response = problem_response(
        ERRORS["limited"], headers={"retry-after": "9", "X-Request-Id": "r"}
    )
    assert "9" == response.headers["retry-after"]
    assert "r" == response.headers["x-request-id"]
    assert 429 == response.status_code
    chosen = problem_response(ERRORS["missing"], status=410, instance="/orders/7")
    assert 410 == chosen.status_code
    assert {"status": 410, "instance": "/orders/7", "title": "Gone"}.items() <= json.loads(
        bytes(chosen.body)
    ).items()


def test_the_former_module_name_is_an_alias() -> None:
    """`integrations.asgi` is the old name of `integrations.starlette`: the same functions."""
    from spice_errors.integrations import asgi, starlette

    assert asgi.install_problem_handlers is starlette.install_problem_handlers
    assert asgi.problem_response is starlette.problem_response
    assert asgi.problem_responses is starlette.problem_responses
