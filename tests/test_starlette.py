"""The Starlette integration, with Starlette's own test client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

import spice_errors as se
from spice_errors import SpiceError
from spice_errors.integrations.starlette import install_problem_handlers, problem_response

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import JSONResponse

ERRORS: dict[str, SpiceError] = {
    "validation": SpiceError.validation_error("email is not valid", field="email"),
    "auth": SpiceError.auth_error("token expired", provider="oauth"),
    "forbidden": se.AuthenticationError("not yours", context={"http_status": 403}),
    "missing": SpiceError.tool_lookup_error("No order 7", "7", "orders"),
    "conflict": se.NetworkError("Idempotency key reused", status_code=409),
    "limited": SpiceError.rate_limit_error("Slow down", 2500, "requests_per_minute"),
    "busy": SpiceError.retryable_http_error(503, "Maintenance", retry_after_seconds=30),
    "timeout": SpiceError.timeout_error("Upstream too slow", 5000, "fetch"),
    "secret": se.ConfigurationError("Bad config").with_context(api_key="S3cr3t-key", region="eu"),
}


async def fail(request: Request) -> JSONResponse:
    raise ERRORS[request.path_params["kind"]].to_exception()


async def crash(request: Request) -> JSONResponse:
    raise KeyError("lost")


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = Starlette(routes=[Route("/fail/{kind}", fail), Route("/crash", crash)])
    install_problem_handlers(app, type_base="https://errors.example/")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("validation", 400),
        ("auth", 401),
        ("forbidden", 403),
        ("missing", 404),
        ("conflict", 409),
        ("limited", 429),
        ("busy", 503),
        ("timeout", 504),
        ("secret", 500),
    ],
)
def test_every_error_is_a_problem(client: TestClient, kind: str, status: int) -> None:
    """Each error is answered with its status, as application/problem+json."""
    response = client.get(f"/fail/{kind}")
    assert status == response.status_code
    assert "application/problem+json" == response.headers["content-type"]
    body = response.json()
    error = ERRORS[kind]
    assert status == body["status"]
    assert error.code == body["code"]
    assert error.message == body["detail"]
    assert f"https://errors.example/{error.code.lower()}" == body["type"]


def test_retry_after_headers(client: TestClient) -> None:
    """Waits become Retry-After headers, rounded up to whole seconds."""
    assert "3" == client.get("/fail/limited").headers["retry-after"]
    assert "30" == client.get("/fail/busy").headers["retry-after"]
    assert "retry-after" not in client.get("/fail/conflict").headers


def test_no_secret_leaves(client: TestClient) -> None:
    """Secret context never reaches the client."""
    response = client.get("/fail/secret")
    assert "S3cr3t" not in response.text
    assert "eu" == response.json()["region"]


def test_the_problem_reads_back(client: TestClient) -> None:
    """A client reading the answer with from_response gets the same kind of error."""
    response = client.get("/fail/limited")
    error = se.http.from_response(response.status_code, response.headers, response.content)
    assert isinstance(error, se.RateLimitError)
    assert 3000 == error.retry_after_ms
    assert "Slow down" == error.message


def test_other_exceptions_are_left_to_starlette(client: TestClient) -> None:
    """Without catch_all, other exceptions get Starlette's own 500."""
    response = client.get("/crash")
    assert 500 == response.status_code
    assert "application/problem+json" != response.headers["content-type"]


def test_catch_all() -> None:
    """With catch_all, any exception is mapped and answered as a problem."""
    app = Starlette(routes=[Route("/crash", crash)])
    install_problem_handlers(app, catch_all=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/crash")
    assert 500 == response.status_code
    assert "application/problem+json" == response.headers["content-type"]
    assert "UNKNOWN_ERROR" == response.json()["code"]
    assert "KeyError" == response.json()["exception_type"]


def test_problem_response_headers() -> None:
    """Extra headers are kept; a server's own Retry-After is not overwritten."""
    response = problem_response(
        ERRORS["limited"], headers={"Retry-After": "9", "X-Request-Id": "r"}
    )
    assert "9" == response.headers["retry-after"]
    assert "r" == response.headers["x-request-id"]


def test_the_former_module_name_is_an_alias() -> None:
    """`integrations.asgi` is the old name of `integrations.starlette`: the same functions."""
    from spice_errors.integrations import asgi, starlette

    assert asgi.install_problem_handlers is starlette.install_problem_handlers
    assert asgi.problem_response is starlette.problem_response
