"""The FastAPI integration, with a real FastAPI application and its test client."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

import spice_errors as se
from spice_errors import _problems
from spice_errors.integrations.fastapi import install_problem_handlers, problem_responses

SERVER_LOG = "spice_errors.server"


class Line(BaseModel):
    """One line of an order."""

    sku: str
    quantity: int = Field(gt=0)


class Order(BaseModel):
    """An order, as a client posts it."""

    customer: str
    lines: list[Line]


app = FastAPI()


@app.post("/orders", responses=problem_responses(400, 402, 422, 502))
async def create_order(order: Order, dry_run: bool = False) -> dict[str, int]:  # noqa: FBT001, FBT002 -- a query parameter, as FastAPI declares them
    if order.customer == "broke":
        raise (
            se.ValidationError("Balance 3.00 is below 7.50")
            .with_context(error_code="INSUFFICIENT_FUNDS")
            .to_exception()
        )
    if order.customer == "partner":
        raise se.http.from_response(
            401,
            {"X-Request-Id": "partner-req-1"},
            b'{"error": {"message": "key sk-partner expired", "code": "invalid_api_key"}}',
            method="POST",
            url="https://billing.partner.internal/v1/charges",
        ).to_exception()
    if order.customer == "crash":
        raise KeyError("postgres://admin:hunter2@db.internal:5432/shop")
    return {"lines": len(order.lines)}


@app.get("/me")
async def me() -> dict[str, str]:
    raise HTTPException(401, detail="Sign in first", headers={"WWW-Authenticate": "Bearer"})


@app.get("/limited")
async def limited() -> dict[str, str]:
    raise se.RateLimitError("Slow down", retry_after_ms=1200).to_exception()


@app.get("/structured")
async def structured() -> dict[str, str]:
    raise HTTPException(409, detail={"reason": "stale"})


install_problem_handlers(app, type_base="https://shop.example/problems/")


@pytest.fixture
def client() -> Iterator[TestClient]:
    saved = _problems.snapshot_problem_types()
    se.http.register_problem_type("INSUFFICIENT_FUNDS", status=402, title="Insufficient funds")
    try:
        with TestClient(app) as client:
            yield client
    finally:
        _problems.restore_problem_types(saved)


GOOD = {"customer": "ada", "lines": [{"sku": "tea", "quantity": 1}]}


def test_a_good_request(client: TestClient) -> None:
    """The handlers change nothing of a route that succeeds."""
    response = client.post("/orders", json=GOOD)
    assert (200, {"lines": 1}) == (response.status_code, response.json())


def test_validation_errors_are_a_422_problem(client: TestClient) -> None:
    """Each field is named, with a JSON Pointer from its location and what is wrong."""
    response = client.post(
        "/orders",
        params={"dry_run": "perhaps"},
        json={"lines": [{"sku": "tea", "quantity": 0}]},
        headers={"X-Request-Id": "req-7"},
    )
    assert 422 == response.status_code
    assert "application/problem+json" == response.headers["content-type"]
    assert "req-7" == response.headers["x-request-id"]
    body = response.json()
    assert {
        "type": "https://shop.example/problems/validation_error",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "The request is not valid: 3 problems",
        "instance": "/orders",
        "code": "VALIDATION_ERROR",
    }.items() <= body.items()
    assert [
        (
            "dry_run",
            "#/query/dry_run",
            "Input should be a valid boolean, unable to interpret input",
        ),
        ("customer", "#/body/customer", "Field required"),
        ("lines.0.quantity", "#/body/lines/0/quantity", "Input should be greater than 0"),
    ] == [(each["field"], each["pointer"], each["detail"]) for each in body["errors"]]


def test_a_body_that_is_not_json(client: TestClient) -> None:
    """A body FastAPI cannot decode is a 422 problem too."""
    response = client.post(
        "/orders", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert 422 == response.status_code
    assert "#/body/1" == response.json()["errors"][0]["pointer"]


def test_a_registered_problem_type(client: TestClient) -> None:
    """The application's 402."""
    response = client.post("/orders", json={**GOOD, "customer": "broke"})
    assert 402 == response.status_code
    assert ("Insufficient funds", "INSUFFICIENT_FUNDS", "Balance 3.00 is below 7.50") == (
        response.json()["title"],
        response.json()["error_code"],
        response.json()["detail"],
    )


def test_a_relayed_partner_error(client: TestClient) -> None:
    """A partner's 401 is this server's 502: no partner fact in the answer."""
    response = client.post("/orders", json={**GOOD, "customer": "partner"})
    assert 502 == response.status_code
    assert "A service this server depends on failed." == response.json()["detail"]
    for fact in ("sk-partner", "billing", "invalid_api_key", "partner-req-1", "401"):
        assert fact not in response.text


def test_the_catch_all(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    """The KeyError's text stays on the server, masked, in the log."""
    with caplog.at_level(logging.ERROR, logger=SERVER_LOG):
        response = client.post("/orders", json={**GOOD, "customer": "crash"})
    assert 500 == response.status_code
    for fact in ("db.internal", "hunter2", "KeyError"):
        assert fact not in response.text
    (record,) = caplog.records
    assert "db.internal" in record.getMessage()
    assert "hunter2" not in record.getMessage()
    assert record.exc_info is None


def test_http_exceptions(client: TestClient) -> None:
    """FastAPI's HTTPException keeps its status, detail and headers; unknown routes and methods."""
    response = client.get("/me")
    assert (401, "Bearer", "Sign in first") == (
        response.status_code,
        response.headers["www-authenticate"],
        response.json()["detail"],
    )
    assert "Conflict." == client.get("/structured").json()["detail"]
    assert 404 == client.get("/nowhere").json()["status"]
    wrong = client.put("/me")
    assert (405, "GET") == (wrong.status_code, wrong.headers["allow"])
    assert "application/problem+json" == wrong.headers["content-type"]


def test_retry_after(client: TestClient) -> None:
    """A rate limit of this server's own is a Retry-After header, in whole seconds."""
    response = client.get("/limited")
    assert (429, "2", 1200) == (
        response.status_code,
        response.headers["retry-after"],
        response.json()["retry_after_ms"],
    )


def test_openapi_lists_the_problem_responses() -> None:
    """The OpenAPI document describes the problem answers, 422 included, as problem+json."""
    responses = app.openapi()["paths"]["/orders"]["post"]["responses"]
    assert {"200", "400", "402", "422", "502"} == set(responses)
    for status, phrase in (
        ("400", "Bad Request"),
        ("402", "Payment Required"),
        ("422", "Unprocessable Content"),
        ("502", "Bad Gateway"),
    ):
        assert phrase == responses[status]["description"]
        schema = responses[status]["content"]["application/problem+json"]["schema"]
        assert "Problem" == schema["title"]
        assert {"type", "title", "status", "detail", "instance", "code", "errors"} <= set(
            schema["properties"]
        )
        assert "application/json" not in responses[status]["content"]


def test_problem_responses_defaults_and_checks() -> None:
    """Without statuses, the common error ones; a status must be a 4xx or 5xx int."""
    assert [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504] == list(problem_responses())
    first, second = problem_responses(404)[404], problem_responses(404)[404]
    assert first == second
    assert first is not second
    with pytest.raises(TypeError, match="statuses must be ints"):
        problem_responses("404")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="statuses must be ints"):
        problem_responses(True)  # noqa: FBT003 -- the wrong argument under test
    with pytest.raises(ValueError, match="4xx or 5xx"):
        problem_responses(200)
