"""The HTTP transport, through real httpx and httpx2 clients, against a server on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import httpx2
import pytest

import spice_errors as se
from spice_errors import RetryPolicy
from spice_errors.http import AsyncRetryTransport, RetryTransport
from tests.http_server import Reply, ScriptedServer, closed_port

FAST = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.05, jitter=0)

PACKAGES = pytest.mark.parametrize("package", [httpx, httpx2], ids=["httpx", "httpx2"])


class Sleeps:
    """An injected sleep that records each wait (and does not wait)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def client(package: ModuleType, **settings: Any) -> Any:
    """A client of ``package`` through the retry transport; no proxies from the environment."""
    settings.setdefault("policy", FAST)
    transport = RetryTransport(package.HTTPTransport(), **settings)
    return package.Client(transport=transport, trust_env=False, timeout=5)


def async_client(package: ModuleType, **settings: Any) -> Any:
    settings.setdefault("policy", FAST)
    transport = AsyncRetryTransport(package.AsyncHTTPTransport(), **settings)
    return package.AsyncClient(transport=transport, trust_env=False, timeout=5)


@PACKAGES
def test_503_503_200_is_three_requests_and_the_200(
    server: ScriptedServer, package: ModuleType
) -> None:
    url = server.script("/items", Reply(503), Reply(503), Reply(200, body=b"ok"))
    with client(package) as http:
        response = http.get(url)
    assert (200, b"ok") == (response.status_code, response.content)
    assert 3 == len(server.requests_to("/items"))


@PACKAGES
async def test_async_503_503_200(server: ScriptedServer, package: ModuleType) -> None:
    url = server.script("/items", Reply(503), Reply(502), Reply(200, body=b"ok"))
    async with async_client(package) as http:
        response = await http.get(url)
        again = await http.get(url)  # a success at once goes straight through
    assert (200, b"ok") == (response.status_code, response.content)
    assert 200 == again.status_code
    assert 4 == len(server.requests_to("/items"))


@PACKAGES
def test_the_final_answer_is_the_last_real_response(
    server: ScriptedServer, package: ModuleType
) -> None:
    """Out of attempts, the client gets the last response itself: its own checks still work."""
    url = server.script("/down", Reply(503, body=b"first"), Reply(503, body=b"last"))
    with client(package) as http:
        response = http.get(url)
        assert (503, b"last") == (response.status_code, response.content)
        with pytest.raises(package.HTTPStatusError):
            response.raise_for_status()
    assert 3 == len(server.requests_to("/down"))


def test_a_429_with_retry_after_1_waits_at_least_a_second(server: ScriptedServer) -> None:
    """The one real-time test: the wait the server asked for is really waited."""
    url = server.script("/slow", Reply(429, {"Retry-After": "1"}), Reply(200, body=b"ok"))
    with client(httpx, policy=RetryPolicy()) as http:
        started = time.monotonic()
        response = http.get(url)
    first, second = server.requests_to("/slow")
    assert 200 == response.status_code
    assert second.at - first.at >= 1.0
    assert time.monotonic() - started >= 1.0


@PACKAGES
def test_retry_after_30_is_waited_as_asked_by_default(
    server: ScriptedServer, package: ModuleType
) -> None:
    url = server.script("/slow", Reply(429, {"Retry-After": "30"}), Reply(200, body=b"ok"))
    sleeps = Sleeps()
    with client(package, policy=RetryPolicy(), sleep=sleeps) as http:
        assert 200 == http.get(url).status_code
    assert [30.0] == sleeps.waits


@PACKAGES
def test_a_wait_beyond_max_retry_after_returns_at_once(
    server: ScriptedServer, package: ModuleType
) -> None:
    url = server.script("/slow", Reply(429, {"Retry-After": "120"}, b"slow down"))
    sleeps = Sleeps()
    given_up: list[se.RetryEvent] = []
    with client(package, policy=RetryPolicy(), sleep=sleeps, on_give_up=given_up.append) as http:
        response = http.get(url)
    assert (429, b"slow down") == (response.status_code, response.content)
    assert [] == sleeps.waits
    assert ["retry_after_exceeds_limit"] == [event.reason for event in given_up]
    assert 1 == len(server.requests_to("/slow"))


@PACKAGES
def test_a_post_without_a_key_is_sent_once(server: ScriptedServer, package: ModuleType) -> None:
    url = server.script("/payments", Reply(503), Reply(200))
    with client(package) as http:
        assert 503 == http.post(url, json={"amount": 5}).status_code
    assert 1 == len(server.requests_to("/payments"))


@PACKAGES
def test_a_post_with_the_key_added_is_retried_with_one_key(
    server: ScriptedServer, package: ModuleType
) -> None:
    url = server.script("/payments", Reply(503), Reply(503), Reply(201, body=b"made"))
    with client(package, add_idempotency_key=True) as http:
        response = http.post(url, json={"amount": 5})
    assert 201 == response.status_code
    received = server.requests_to("/payments")
    keys = {request.headers.get("Idempotency-Key") for request in received}
    assert 3 == len(received)
    assert 1 == len(keys)
    assert None not in keys
    assert all(json.loads(request.body) == {"amount": 5} for request in received)


@PACKAGES
def test_a_post_that_carries_a_key_is_retried(server: ScriptedServer, package: ModuleType) -> None:
    url = server.script("/payments", Reply(503), Reply(200))
    with client(package) as http:
        response = http.post(url, json={}, headers={"Idempotency-Key": "k-1"})
    assert 200 == response.status_code
    assert ["k-1", "k-1"] == [r.headers["Idempotency-Key"] for r in server.requests_to("/payments")]


def test_no_idempotency_header_means_no_write_is_safe(server: ScriptedServer) -> None:
    url = server.script("/payments", Reply(503), Reply(200))
    with client(httpx, idempotency_header=None) as http:
        response = http.post(url, json={}, headers={"Idempotency-Key": "k-1"})
    assert 503 == response.status_code
    assert 1 == len(server.requests_to("/payments"))


def test_the_key_of_the_callers_own_retry(server: ScriptedServer) -> None:
    """Inside a retry of the caller's, the transport sends that retry's key: one write."""
    url = server.script("/orders", Reply(503), Reply(503), Reply(201))
    with client(httpx, add_idempotency_key=True, policy=RetryPolicy.NO_RETRY) as http:

        def create() -> se.SpiceResult[httpx.Response]:
            return se.http.result_of(http.post(url, json={}))

        with se.set_testing(True):
            result = se.retry(create, RetryPolicy(max_attempts=3), on_retry=None)
    assert isinstance(result, se.Success)
    keys = [request.headers["Idempotency-Key"] for request in server.requests_to("/orders")]
    assert 3 == len(keys)
    assert 1 == len(set(keys))


@PACKAGES
def test_a_post_to_a_closed_port_is_retried_then_raises(package: ModuleType) -> None:
    """A refused connection proves nothing was sent: even a POST is retried."""
    url = f"http://127.0.0.1:{closed_port()}/payments"
    events: list[se.RetryEvent] = []
    with client(package, on_retry=events.append) as http, pytest.raises(package.ConnectError):
        http.post(url, json={})
    assert 2 == len(events)
    assert all("connect" == event.error.context["phase"] for event in events)


async def test_an_async_get_to_a_closed_port_raises_the_last_exception() -> None:
    url = f"http://127.0.0.1:{closed_port()}/items"
    events: list[se.RetryEvent] = []
    async with async_client(httpx2, on_retry=events.append) as http:
        with pytest.raises(httpx2.ConnectError):
            await http.get(url)
    assert 2 == len(events)


def test_a_body_that_says_phase_connect_cannot_force_a_write(server: ScriptedServer) -> None:
    """A 503 problem with phase=connect on a POST: sent once, the member kept as problem_phase."""
    url = server.script(
        "/payments", Reply.problem(503, title="Service Unavailable", phase="connect")
    )
    events: list[se.RetryEvent] = []
    with client(httpx, on_retry=events.append) as http:
        response = http.post(url, json={})
    assert 503 == response.status_code
    assert 1 == len(server.requests_to("/payments"))
    assert [] == events
    error = se.http.result_of(response).error_or_none()
    assert error is not None
    assert "connect" == error.context["problem_phase"]
    assert "phase" not in error.context


def test_a_streamed_body_is_never_replayed(server: ScriptedServer) -> None:
    url = server.script("/upload", Reply(503), Reply(200))

    def chunks() -> Iterator[bytes]:
        yield b"part one, "
        yield b"part two"

    with client(httpx) as http:
        response = http.put(url, content=chunks())
    assert 503 == response.status_code
    assert 1 == len(server.requests_to("/upload"))


async def test_an_async_streamed_body_is_never_replayed(server: ScriptedServer) -> None:
    url = server.script("/upload", Reply(503), Reply(200))

    async def chunks() -> AsyncIterator[bytes]:
        yield b"part"

    async with async_client(httpx) as http:
        response = await http.put(url, content=chunks())
    assert 503 == response.status_code
    assert 1 == len(server.requests_to("/upload"))


@PACKAGES
def test_retried_bodies_are_closed(server: ScriptedServer, package: ModuleType) -> None:
    """Many retried answers leave no open connection behind (-W error would catch a leak)."""
    url = server.script("/flaky", *[Reply(503, body=b"x" * 1000)] * 2, Reply(200, body=b"ok"))
    with client(package) as http:
        for _ in range(5):
            server.script("/flaky", *[Reply(503, body=b"x" * 1000)] * 2, Reply(200, body=b"ok"))
            assert b"ok" == http.get(url).content
    assert 15 == len(server.requests_to("/flaky"))


@PACKAGES
def test_a_hosts_breaker_fails_fast_while_another_host_is_untouched(
    server: ScriptedServer, package: ModuleType
) -> None:
    breakers = se.CircuitBreakers(failure_threshold=2, reset_timeout=60)
    down = server.script("/down", Reply(503))
    other = f"http://localhost:{server.port}/up"
    server.script("/up", Reply(200, body=b"up"))
    with client(package, breakers=breakers, policy=RetryPolicy.NO_RETRY) as http:
        assert 503 == http.get(down).status_code
        assert 503 == http.get(down).status_code
        with pytest.raises(se.SpiceException) as raised:
            http.get(down)
        assert b"up" == http.get(other).content
    assert isinstance(raised.value.error, se.RetryableError)
    assert "open" == raised.value.error.context["circuit"]
    assert 2 == len(server.requests_to("/down"))
    assert ("open", "closed") == (
        breakers.for_key("127.0.0.1").state,
        breakers.for_key("localhost").state,
    )


async def test_the_async_breaker(server: ScriptedServer) -> None:
    breakers = se.CircuitBreakers(failure_threshold=1)
    down = server.script("/down", Reply(503))
    async with async_client(httpx, breakers=breakers, policy=RetryPolicy.NO_RETRY) as http:
        assert 503 == (await http.get(down)).status_code
        with pytest.raises(se.SpiceException):
            await http.get(down)
    assert 1 == len(server.requests_to("/down"))


def test_a_breaker_that_opens_during_the_retries_returns_the_last_response(
    server: ScriptedServer,
) -> None:
    """Once something was sent, the client gets what came back, not the breaker's refusal."""
    breakers = se.CircuitBreakers(failure_threshold=2)
    down = server.script("/down", Reply(503, body=b"down"))
    with client(httpx, breakers=breakers) as http:
        response = http.get(down)
    assert (503, b"down") == (response.status_code, response.content)
    assert 2 == len(server.requests_to("/down"))


def test_a_budget_is_shared_across_requests(server: ScriptedServer) -> None:
    """With one token in the budget, only one of many failing requests is retried."""
    budget = se.RetryBudget(ratio=0, min_per_second=0.1, ttl=10)
    url = server.script("/down", Reply(503))
    with client(httpx, budget=budget) as http:
        for _ in range(5):
            assert 503 == http.get(url).status_code
    assert 6 == len(server.requests_to("/down"))


async def test_an_async_budget(server: ScriptedServer) -> None:
    budget = se.RetryBudget(ratio=0, min_per_second=0.1, ttl=10)
    url = server.script("/down", Reply(503))
    sleeps = Sleeps()
    async with async_client(httpx, budget=budget, sleep=sleeps.asleep) as http:
        for _ in range(3):
            await http.get(url)
    assert 4 == len(server.requests_to("/down"))
    assert [0.01] == sleeps.waits


def test_a_400_is_sent_once(server: ScriptedServer) -> None:
    url = server.script("/search", Reply(400, {"Content-Type": "application/json"}, b"{}"))
    with client(httpx) as http:
        assert 400 == http.get(url).status_code
    assert 1 == len(server.requests_to("/search"))


def test_testing_mode_switches_the_waits_off(server: ScriptedServer) -> None:
    url = server.script("/slow", Reply(503, {"Retry-After": "30"}), Reply(200))
    with client(httpx, policy=RetryPolicy()) as http, se.set_testing(True):
        started = time.monotonic()
        assert 200 == http.get(url).status_code
    assert time.monotonic() - started < 30


class TestConstruction:
    """What the transport is made of, and what it refuses."""

    def test_it_is_the_wrapped_packages_transport(self) -> None:
        assert isinstance(RetryTransport(httpx.HTTPTransport()), httpx.BaseTransport)
        # For checkers it is both packages' transport; at run time only the one it wraps.
        wrapped: object = RetryTransport(httpx2.HTTPTransport())
        assert isinstance(wrapped, httpx2.BaseTransport)
        assert httpx.BaseTransport not in type(wrapped).__mro__
        assert isinstance(wrapped, RetryTransport)
        assert isinstance(
            AsyncRetryTransport(httpx2.AsyncHTTPTransport()), httpx2.AsyncBaseTransport
        )
        assert "RetryTransport" == type(wrapped).__name__
        assert repr(wrapped).startswith("RetryTransport(<httpx2.")

    def test_the_default_inner_transport_is_httpxs(self) -> None:
        transport = RetryTransport()
        assert isinstance(transport, httpx.BaseTransport)
        assert isinstance(AsyncRetryTransport(), httpx.AsyncBaseTransport)
        assert repr(AsyncRetryTransport()).startswith("AsyncRetryTransport(<httpx.")
        transport.close()

    def test_bad_settings(self) -> None:
        with pytest.raises(TypeError, match="an httpx or httpx2 transport"):
            RetryTransport(object())  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="needs an idempotency_header"):
            RetryTransport(idempotency_header=None, add_idempotency_key=True)
        with pytest.raises(ValueError, match="idempotency_header must be a header name"):
            RetryTransport(idempotency_header=" ")

    def test_a_subclass_is_made_for_the_package_too(self) -> None:
        """A user's subclass gets the wrapped package's base as the class itself does."""
        seen: list[str] = []

        class Logged(RetryTransport):
            def handle_request(self, request: Any) -> Any:
                seen.append(str(request.url))
                return super().handle_request(request)

        mock = httpx2.MockTransport(lambda request: httpx2.Response(204))
        transport = Logged(mock)
        assert isinstance(transport, Logged)
        assert isinstance(transport, httpx2.BaseTransport)
        assert type(transport) is type(Logged(mock))
        assert type(transport) is type(type(transport)(mock))  # the made class, made once
        with httpx2.Client(transport=transport) as http:
            assert 204 == http.get("https://api.example/v1").status_code
        assert ["https://api.example/v1"] == seen

    def test_the_default_package_when_httpx_is_absent(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without httpx the default inner transport is httpx2's; without either, a clear error."""
        import importlib.util

        real = importlib.util.find_spec
        absent: set[str] = {"httpx"}

        def find_spec(name: str, package: str | None = None) -> object:
            return None if name in absent else real(name, package)

        monkeypatch.setattr(importlib.util, "find_spec", find_spec)
        assert isinstance(RetryTransport(), httpx2.BaseTransport)
        absent.add("httpx2")
        with pytest.raises(ModuleNotFoundError, match="needs httpx or httpx2"):
            AsyncRetryTransport()

    def test_a_mock_transport_is_wrapped_too(self) -> None:
        answers = iter([httpx.Response(503), httpx.Response(200, text="ok")])
        mock = httpx.MockTransport(lambda request: next(answers))
        with httpx.Client(transport=RetryTransport(mock, policy=FAST)) as http:
            assert "ok" == http.get("https://api.example/v1").text


class TestResultOf:
    """result_of, call and call_async with real clients' responses."""

    def test_httpx(self, server: ScriptedServer) -> None:
        ok = server.script("/ok", Reply(200, body=b"ok"))
        missing = server.script(
            "/missing", Reply(404, {"Content-Type": "application/json"}, b'{"error": "no"}')
        )
        with httpx.Client(trust_env=False) as http:
            assert se.Success(200) == se.http.result_of(http.get(ok)).map(
                lambda response: response.status_code
            )
            error = se.http.result_of(http.get(missing + "?token=S3cr3t")).error_or_none()
        assert isinstance(error, se.NetworkError)
        assert 404 == error.status_code
        assert "GET" == error.context["method"]
        assert "S3cr3t" not in str(error.context["endpoint"])

    def test_expect_and_redirects(self, server: ScriptedServer) -> None:
        url = server.script("/moved", Reply(304))
        with httpx.Client(trust_env=False) as http:
            response = http.get(url)
        assert se.http.result_of(response, expect={304}).is_success
        assert se.http.result_of(response).is_failure

    def test_call_maps_a_raised_exception(self) -> None:
        with httpx.Client(trust_env=False) as http:
            result = se.http.call(http.get, f"http://127.0.0.1:{closed_port()}/")
        assert isinstance(result, se.Failure)
        assert "connect" == result.error.context["phase"]
        with pytest.raises(TypeError):
            se.http.call("not callable")  # type: ignore[arg-type]

    async def test_call_async(self, server: ScriptedServer) -> None:
        url = server.script("/busy", Reply(503, {"Retry-After": "2"}))
        async with httpx.AsyncClient(trust_env=False) as http:
            result = await se.http.call_async(http.get, url)
            refused = await se.http.call_async(http.get, f"http://127.0.0.1:{closed_port()}/")
        assert isinstance(result, se.Failure)
        assert 2000 == result.error.context["retry_after_ms"]
        assert isinstance(refused, se.Failure)
        with pytest.raises(TypeError):
            await se.http.call_async(None)  # type: ignore[arg-type]

    def test_requests(self, server: ScriptedServer) -> None:
        requests = pytest.importorskip("requests", reason="requests is a test dependency")
        url = server.script("/limited", Reply(429, {"Retry-After": "3"}, b"slow"))
        with requests.Session() as session:
            session.trust_env = False
            result = se.http.result_of(session.get(url, timeout=5))
        assert isinstance(result, se.Failure)
        assert isinstance(result.error, se.RateLimitError)
        assert 3000 == result.error.retry_after_ms

    async def test_aiohttp(self, server: ScriptedServer) -> None:
        aiohttp = pytest.importorskip("aiohttp", reason="aiohttp is a test dependency")
        url = server.script("/gone", Reply(410, body=b"gone"))
        async with aiohttp.ClientSession(trust_env=False) as session, session.get(url) as response:
            await response.read()
            result = se.http.result_of(response)
        assert isinstance(result, se.Failure)
        assert 410 == result.error.context["http_status"]
        assert "GET" == result.error.context["method"]

    def test_not_a_response(self) -> None:
        with pytest.raises(TypeError, match="an int status_code or status"):
            se.http.result_of(object())

    def test_headers_that_cannot_list_their_items(self) -> None:
        class Headers(dict[str, str]):
            def multi_items(self) -> list[tuple[str, str]]:
                raise RuntimeError("no")

        class Response:
            status_code = 429
            headers = Headers({"Retry-After": "4"})

        error = se.http.result_of(Response()).error_or_none()
        assert isinstance(error, se.RateLimitError)
        assert 4000 == error.retry_after_ms
