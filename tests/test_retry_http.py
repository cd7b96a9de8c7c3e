"""Retries against a real HTTP server on 127.0.0.1, driven by a real httpx client."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

import spice_errors as se
from spice_errors import Failure, RetryPolicy, SpiceResult, Success
from tests.http_server import Reply, ScriptedServer, closed_port


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """An httpx client that ignores proxy settings and is closed afterwards."""
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def request(client: httpx.Client, method: str, url: str) -> SpiceResult[str]:
    """One HTTP call as a result: the body, or the error the response describes."""
    response = client.request(method, url)
    if response.is_success:
        return Success(response.text)
    return Failure(
        se.http.from_response(
            response.status_code, response.headers, response.content, method=method, url=url
        )
    )


def test_503_twice_then_200(server: ScriptedServer, client: httpx.Client) -> None:
    """Two 503s then a 200: retried to success, three requests in all."""
    url = server.script("/orders", Reply(503), Reply(503), Reply(200, body=b"orders"))
    policy = RetryPolicy(max_attempts=3, initial_delay=0.01, jitter=0)
    result = se.retry(lambda: request(client, "GET", url), policy)
    assert Success("orders") == result
    assert 3 == len(server.requests_to("/orders"))


def test_429_waits_at_least_retry_after(server: ScriptedServer, client: httpx.Client) -> None:
    """A 429 with Retry-After: 1 is retried no sooner than one second later (real time)."""
    url = server.script(
        "/limited",
        Reply.problem(429, {"Retry-After": "1"}, title="Too Many Requests"),
        Reply(200, body=b"ok"),
    )
    events: list[se.RetryEvent] = []
    result = se.retry(
        lambda: request(client, "GET", url), RetryPolicy(jitter=1.0), on_retry=events.append
    )
    assert Success("ok") == result
    first, second = server.requests_to("/limited")
    assert second.at - first.at >= 1.0
    assert [1.0] == [event.wait for event in events]


def test_retry_after_over_max_delay_is_waited(server: ScriptedServer, client: httpx.Client) -> None:
    """By default a Retry-After beyond max_delay is waited as asked: never sooner."""
    url = server.script("/slow", Reply(429, {"Retry-After": "30"}), Reply(200, body=b"ok"))
    sleeps: list[float] = []
    result = se.retry(
        lambda: request(client, "GET", url), RetryPolicy(max_delay=2), sleep=sleeps.append
    )
    assert Success("ok") == result
    assert [30.0] == sleeps


def test_retry_after_over_max_delay_is_capped_as_kotlin(
    server: ScriptedServer, client: httpx.Client
) -> None:
    """Under the KOTLIN preset a Retry-After beyond max_delay is waited as max_delay."""
    url = server.script("/slow", Reply(429, {"Retry-After": "120"}), Reply(200, body=b"ok"))
    sleeps: list[float] = []
    result = se.retry(lambda: request(client, "GET", url), RetryPolicy.KOTLIN, sleep=sleeps.append)
    assert Success("ok") == result
    assert [10.0] == sleeps


def test_retry_after_over_max_retry_after_stops(
    server: ScriptedServer, client: httpx.Client
) -> None:
    """Beyond max_retry_after it stops at once, saying why."""
    url = server.script("/slow", Reply(429, {"Retry-After": "120"}))
    sleeps: list[float] = []
    result = se.retry(lambda: request(client, "GET", url), sleep=sleeps.append)
    assert isinstance(result, Failure)
    assert isinstance(result.error, se.RateLimitError)
    assert 120_000 == result.error.retry_after_ms
    assert "retry_after_exceeds_limit" == result.error.context["retry_stopped"]
    assert [] == sleeps
    assert 1 == len(server.requests_to("/slow"))


def test_retry_after_beyond_the_window_stops(server: ScriptedServer, client: httpx.Client) -> None:
    """A Retry-After longer than what is left of max_elapsed stops at once."""
    url = server.script("/busy", Reply(503, {"Retry-After": "30"}))
    sleeps: list[float] = []
    policy = RetryPolicy(max_delay=60, max_elapsed=10)
    result = se.retry(lambda: request(client, "GET", url), policy, sleep=sleeps.append)
    assert isinstance(result, Failure)
    assert isinstance(result.error, se.NetworkError)
    assert "window_exhausted" == result.error.context["retry_stopped"]
    assert 1 == result.error.context["total_attempts"]
    assert [] == sleeps


def test_post_that_gets_503_is_not_retried(server: ScriptedServer, client: httpx.Client) -> None:
    """A write the server may have processed is never repeated."""
    url = server.script("/payments", Reply(503))
    result = se.retry(lambda: request(client, "POST", url), idempotent=False)
    assert isinstance(result, Failure)
    assert 503 == result.error.context["http_status"]
    assert 1 == len(server.requests_to("/payments"))


def test_a_body_saying_phase_connect_cannot_force_a_retried_write(
    server: ScriptedServer, client: httpx.Client
) -> None:
    """A 503 problem body with phase=connect: `retry(idempotent=False)` sends the POST once."""
    url = server.script(
        "/payments", Reply.problem(503, title="Service Unavailable", phase="connect")
    )
    result = se.retry(lambda: request(client, "POST", url), idempotent=False)
    assert isinstance(result, Failure)
    assert "connect" == result.error.context["problem_phase"]
    assert 1 == len(server.requests_to("/payments"))


def test_post_to_a_closed_port_is_retried(client: httpx.Client) -> None:
    """Connection refused proves the request never left: even a POST is retried."""
    url = f"http://127.0.0.1:{closed_port()}/payments"
    events: list[se.RetryEvent] = []
    policy = RetryPolicy(max_attempts=3, initial_delay=0.01, jitter=0)
    result = se.retry(
        lambda: request(client, "POST", url), policy, idempotent=False, on_retry=events.append
    )
    assert 2 == len(events)
    assert all(event.error.context["phase"] == "connect" for event in events)
    assert isinstance(result, Failure)
    assert isinstance(result.error, se.NetworkError)
    assert "connect" == result.error.context["phase"]
    assert 3 == result.error.context["total_attempts"]


async def test_async_client(server: ScriptedServer) -> None:
    """The async loop against the same server, with an httpx.AsyncClient."""
    url = server.script("/async", Reply(502), Reply(200, body=b"done"))

    async def call() -> SpiceResult[str]:
        response = await http.get(url)
        if response.is_success:
            return Success(response.text)
        return Failure(
            se.http.from_response(response.status_code, response.headers, response.content)
        )

    async with httpx.AsyncClient(trust_env=False, timeout=5) as http:
        started = time.monotonic()
        result = await se.retry_async(call, RetryPolicy(initial_delay=0.05, jitter=0))
    assert Success("done") == result
    assert time.monotonic() - started >= 0.05
