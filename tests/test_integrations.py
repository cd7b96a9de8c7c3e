"""The stamina and tenacity integrations, each against the real library."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import stamina
import tenacity
from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

import spice_errors as se
from spice_errors import Failure, SpiceResult, Success
from spice_errors.integrations.stamina import retry_on
from spice_errors.integrations.tenacity import retry_if_retryable, wait_server_or


@pytest.fixture
def stamina_waits() -> Iterator[list[float]]:
    """The waits stamina plans, heard through its instrumentation hooks."""
    waits: list[float] = []
    saved = get_on_retry_hooks()
    set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    yield waits
    set_on_retry_hooks(saved)


class TestStaminaPredicate:
    """retry_on: the predicate itself."""

    def test_decisions(self) -> None:
        """Retryable exceptions say True, others False, server waits their seconds."""
        on = retry_on()
        assert on(ConnectionResetError("reset")) is True
        assert on(ValueError("bad input")) is False
        assert 2.5 == on(se.RateLimitError("slow", retry_after_ms=2500).to_exception())
        assert on(se.NetworkError("down", status_code=404).to_exception()) is False

    def test_cap_and_idempotency(self) -> None:
        """Server waits are capped on request; non-idempotent calls retry connect failures only."""
        assert 1.0 == retry_on(max_delay=1.0)(
            se.RateLimitError("slow", retry_after_ms=9000).to_exception()
        )
        post = retry_on(idempotent=False)
        assert post(ConnectionRefusedError(111, "refused")) is True
        assert post(se.NetworkError("down", status_code=503).to_exception()) is False

    def test_classifier(self) -> None:
        """A classifier given is used."""
        assert retry_on(se.RetryClassifier.NEVER_RETRY)(ConnectionResetError()) is False


class TestStaminaEndToEnd:
    """stamina.retry driven by the predicate."""

    def test_retries_what_is_retryable(self, stamina_waits: list[float]) -> None:
        """A reset then a success: stamina retries once, with its own backoff."""
        answers: list[Exception | str] = [ConnectionResetError("reset"), "ok"]

        @stamina.retry(on=retry_on(), attempts=3, wait_initial=0.001, wait_max=0.002, wait_jitter=0)
        def fetch() -> str:
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        assert "ok" == fetch()
        assert 1 == len(stamina_waits)
        assert stamina_waits[0] <= 0.002

    def test_waits_what_the_server_asked(self, stamina_waits: list[float]) -> None:
        """A 429 with Retry-After makes stamina wait exactly that, in real time."""
        calls: list[float] = []

        @stamina.retry(on=retry_on(), attempts=2, wait_initial=5, wait_jitter=0)
        def fetch() -> SpiceResult[str]:
            calls.append(time.monotonic())
            if len(calls) == 1:
                se.failure(se.RateLimitError("slow", retry_after_ms=30)).get_or_raise()
            return Success("ok")

        assert Success("ok") == fetch()
        assert [0.03] == stamina_waits
        assert calls[1] - calls[0] >= 0.03

    def test_does_not_retry_the_rest(self, stamina_waits: list[float]) -> None:
        """A validation failure is raised at once."""
        calls: list[int] = []

        @stamina.retry(on=retry_on(), attempts=5)
        def fetch() -> None:
            calls.append(1)
            raise ValueError("bad input")

        with pytest.raises(ValueError, match="bad input"):
            fetch()
        assert [1] == calls
        assert [] == stamina_waits


class TestTenacity:
    """tenacity.Retrying with our retry= and wait= callables."""

    @staticmethod
    def retrying(sleeps: list[float], attempts: int = 4) -> tenacity.Retrying:
        return tenacity.Retrying(
            retry=retry_if_retryable(),
            wait=wait_server_or(tenacity.wait_fixed(0.5), max_delay=10),
            stop=tenacity.stop_after_attempt(attempts),
            sleep=sleeps.append,
            reraise=True,
        )

    def test_returned_failures_and_raised_exceptions(self) -> None:
        """Both a returned Failure and a raised exception are retried; waits honour the server."""
        sleeps: list[float] = []
        answers: list[SpiceResult[str] | Exception] = [
            Failure(se.NetworkError("down", status_code=503)),
            se.RateLimitError("slow", retry_after_ms=1500).to_exception(),
            Failure(se.RateLimitError("slower", retry_after_ms=60_000)),
            Success("ok"),
        ]

        def fetch() -> SpiceResult[str]:
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        assert Success("ok") == self.retrying(sleeps)(fetch)
        assert [0.5, 1.5, 10] == sleeps

    def test_stops_on_what_is_not_retryable(self) -> None:
        """A non-retryable failure is returned after one attempt; a success too."""
        sleeps: list[float] = []
        not_found = Failure(se.NetworkError("missing", status_code=404))
        assert not_found == self.retrying(sleeps)(lambda: not_found)
        assert Success(1) == self.retrying(sleeps)(lambda: Success(1))
        assert "plain" == self.retrying(sleeps)(lambda: "plain")
        assert [] == sleeps

    def test_exceptions_not_worth_retrying_are_raised(self) -> None:
        """An exception that is not retryable goes straight to the caller."""
        sleeps: list[float] = []

        def fetch() -> None:
            raise ValueError("bad input")

        with pytest.raises(ValueError, match="bad input"):
            self.retrying(sleeps)(fetch)
        assert [] == sleeps

    def test_idempotency(self) -> None:
        """Non-idempotent calls retry only what never reached the server."""
        sleeps: list[float] = []
        retrying = tenacity.Retrying(
            retry=retry_if_retryable(idempotent=False),
            wait=wait_server_or(tenacity.wait_none()),
            stop=tenacity.stop_after_attempt(3),
            sleep=sleeps.append,
        )
        server_error = Failure(se.NetworkError("down", status_code=503))
        assert server_error == retrying(lambda: server_error)
        answers = [ConnectionRefusedError(111, "refused")]

        def post() -> str:
            if answers:
                raise answers.pop()
            return "created"

        assert "created" == retrying(post)
        assert [0.0] == sleeps

    def test_uncapped_wait(self) -> None:
        """Without max_delay the server's wait is used as it is."""
        wait = wait_server_or(tenacity.wait_none())
        state = tenacity.RetryCallState(
            retry_object=tenacity.Retrying(), fn=None, args=(), kwargs={}
        )
        state.set_result(Failure(se.RateLimitError("slow", retry_after_ms=90_000)))
        assert 90.0 == wait(state)
        empty = tenacity.RetryCallState(
            retry_object=tenacity.Retrying(), fn=None, args=(), kwargs={}
        )
        assert not retry_if_retryable()(empty)


def test_stamina_details_type() -> None:
    """The hook fixture relies on stamina's RetryDetails carrying wait_for."""
    assert "wait_for" in RetryDetails.__annotations__


def problem_response(status: int, method: str, **members: object) -> httpx.HTTPStatusError:
    """A real httpx error for a problem answer, as ``raise_for_status`` raises it."""
    request = httpx.Request(method, "https://api.example/v1/payments")
    response = httpx.Response(
        status,
        headers={"Content-Type": "application/problem+json"},
        json={"status": status, **members},
        request=request,
    )
    try:
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        return exc
    raise AssertionError("not an error status")  # pragma: no cover


class TestTheSameRulesAsRetry:
    """The integrations honour a server's wait as `retry` does, and no body forces a write."""

    def test_stamina_honours_a_wait_up_to_max_retry_after(self) -> None:
        on = retry_on()
        assert 30.0 == on(se.RateLimitError("slow", retry_after_ms=30_000).to_exception())
        assert on(se.RateLimitError("slow", retry_after_ms=120_000).to_exception()) is False
        assert 120.0 == retry_on(max_retry_after=300)(
            se.RateLimitError("slow", retry_after_ms=120_000).to_exception()
        )
        assert 10.0 == retry_on(max_delay=10)(
            se.RateLimitError("slow", retry_after_ms=120_000).to_exception()
        )

    def test_tenacity_stops_on_a_wait_beyond_max_retry_after(self) -> None:
        sleeps: list[float] = []
        retrying = tenacity.Retrying(
            retry=retry_if_retryable(),
            wait=wait_server_or(tenacity.wait_none()),
            stop=tenacity.stop_after_attempt(3),
            sleep=sleeps.append,
        )
        long_wait = Failure(se.RateLimitError("slow", retry_after_ms=120_000))
        assert long_wait == retrying(lambda: long_wait)
        assert [] == sleeps
        uncapped = retry_if_retryable(max_retry_after=None)
        state = tenacity.RetryCallState(
            retry_object=tenacity.Retrying(), fn=None, args=(), kwargs={}
        )
        state.set_result(long_wait)
        assert uncapped(state)

    @pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
    def test_bad_limits(self, bad: float) -> None:
        with pytest.raises(ValueError, match="max_retry_after must be a finite number"):
            retry_on(max_retry_after=bad)
        with pytest.raises(ValueError, match="max_delay must be a finite number"):
            wait_server_or(tenacity.wait_none(), max_delay=bad)
        with pytest.raises(ValueError, match="max_retry_after must be a finite number"):
            retry_if_retryable(max_retry_after=bad)

    def test_a_body_saying_phase_connect_never_retries_a_post(self) -> None:
        """A 503 problem with phase=connect: stamina's and tenacity's predicates say no."""
        exc = problem_response(503, "POST", title="Service Unavailable", phase="connect")
        assert retry_on(idempotent=False)(exc) is False
        assert retry_on()(exc) is True  # a read would be retried: the 503 is real
        retrying = tenacity.Retrying(
            retry=retry_if_retryable(idempotent=False),
            stop=tenacity.stop_after_attempt(3),
            sleep=lambda _: None,
            reraise=True,
        )
        calls: list[int] = []

        def post() -> None:
            calls.append(1)
            raise exc

        with pytest.raises(httpx.HTTPStatusError):
            retrying(post)
        assert [1] == calls
