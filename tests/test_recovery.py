"""Recovery strategies from the Spice guide, and the circuit breaker."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Never, cast

import attrs
import pytest

import spice_errors as se
from spice_errors import CircuitBreaker, CircuitState, Failure, SpiceError, SpiceResult, Success
from tests.helpers import FakeTime, cancel_once_started, hang

SERVER = se.NetworkError("Bad gateway", status_code=502)
NOT_FOUND = se.NetworkError("Not found", status_code=404)


def state_of(breaker: CircuitBreaker) -> CircuitState:
    """The breaker's state, read afresh.

    A call, not the property itself: mypy would narrow ``breaker.state`` at one assertion
    and call the next assertion's different state impossible.
    """
    return breaker.state


@attrs.define
class Branches:
    """Recording branches for recover_network."""

    calls: list[str] = attrs.field(factory=list)

    def server(self, error: SpiceError) -> SpiceResult[str]:
        self.calls.append("server")
        return Success("retried")

    def not_found(self, error: SpiceError) -> SpiceResult[str]:
        self.calls.append("not_found")
        return Success("default")

    def cache(self, error: SpiceError) -> SpiceResult[str]:
        self.calls.append("cache")
        return Success("cached")

    def empty_cache(self, error: SpiceError) -> SpiceResult[str]:
        self.calls.append("cache")
        return Failure(se.UnknownError("cache miss"))


class TestRecoverNetwork:
    """recover_network: the guide's routing by status."""

    @pytest.mark.parametrize(
        ("error", "expected", "branch"),
        [
            (SERVER, Success("retried"), "server"),
            (se.RetryableError("busy", status_code=503), Success("retried"), "server"),
            (NOT_FOUND, Success("default"), "not_found"),
            (se.NetworkError("conflict", status_code=409), Success("cached"), "cache"),
            (se.NetworkError("reset"), Success("cached"), "cache"),
        ],
        ids=["502", "retryable 503", "404", "409", "no status"],
    )
    def test_routes(self, error: SpiceError, expected: SpiceResult[str], branch: str) -> None:
        """5xx retries, 404 defaults, anything else tries the cache."""
        branches = Branches()
        recover = se.recover_network(
            on_server_error=branches.server,
            on_not_found=branches.not_found,
            otherwise=branches.cache,
        )
        assert expected == Failure(error).recover_with(recover)
        assert [branch] == branches.calls

    @pytest.mark.parametrize(
        "error",
        [
            se.NetworkError("unauthorized", status_code=401),
            se.NetworkError("forbidden", status_code=403),
            se.AuthenticationError("expired token"),
        ],
        ids=["401", "403", "auth"],
    )
    def test_auth_fails_fast(self, error: SpiceError) -> None:
        """401, 403 and authentication errors come back at once, no branch called."""
        branches = Branches()
        recover = se.recover_network(
            on_server_error=branches.server,
            on_not_found=branches.not_found,
            otherwise=branches.cache,
        )
        assert Failure(error) == Failure(error).recover_with(recover)
        assert [] == branches.calls

    def test_failed_fallback_returns_the_original_error(self) -> None:
        """If the cache fails too, the original error comes back, not the cache's."""
        branches = Branches()
        recover = se.recover_network(otherwise=branches.empty_cache)
        error = se.NetworkError("conflict", status_code=409)
        assert Failure(error) == Failure(error).recover_with(recover)
        assert ["cache"] == branches.calls

    def test_missing_branches_pass_through(self) -> None:
        """A branch left as None passes the failure through."""
        recover = se.recover_network()
        for error in (SERVER, NOT_FOUND, se.NetworkError("x", status_code=400)):
            assert Failure(error) == Failure(error).recover_with(recover)

    def test_other_errors_pass_through(self) -> None:
        """Errors that are not about the network are left alone."""
        branches = Branches()
        recover = se.recover_network(otherwise=branches.cache)
        error = se.ValidationError("bad")
        assert Failure(error) == Failure(error).recover_with(recover)
        assert [] == branches.calls

    def test_exceptions_in_branches_propagate(self) -> None:
        """Helpers never swallow exceptions."""

        def broken(error: SpiceError) -> SpiceResult[str]:
            raise RuntimeError("bug in the branch")

        with pytest.raises(RuntimeError, match="bug in the branch"):
            Failure(SERVER).recover_with(se.recover_network(on_server_error=broken))

    def test_successes_are_untouched(self) -> None:
        """recover_with on a success never calls the helper."""
        assert Success(1) == Success(1).recover_with(se.recover_network(otherwise=Branches().cache))

    async def test_async_twin(self) -> None:
        """recover_network_async routes the same way with async branches."""
        calls: list[str] = []

        async def server(error: SpiceError) -> SpiceResult[str]:
            calls.append("server")
            return Success("retried")

        async def not_found(error: SpiceError) -> SpiceResult[str]:
            calls.append("not_found")
            return Success("default")

        async def cache(error: SpiceError) -> SpiceResult[str]:
            calls.append("cache")
            return Failure(se.UnknownError("miss"))

        recover = se.recover_network_async(
            on_server_error=server, on_not_found=not_found, otherwise=cache
        )
        assert Success("retried") == await Failure(SERVER).recover_with_async(recover)
        assert Success("default") == await Failure(NOT_FOUND).recover_with_async(recover)
        conflict = se.NetworkError("conflict", status_code=409)
        assert Failure(conflict) == await Failure(conflict).recover_with_async(recover)
        auth = se.AuthenticationError("no")
        assert Failure(auth) == await Failure(auth).recover_with_async(recover)
        assert ["server", "not_found", "cache"] == calls
        cached = se.recover_network_async(otherwise=lambda error: asyncio.sleep(0, Success("c")))
        assert Success("c") == await Failure(conflict).recover_with_async(cached)


class TestRecoverRateLimit:
    """recover_rate_limit: wait as asked, then try once more."""

    def test_waits_then_calls_once(self) -> None:
        """The wait is retry_after_ms; the operation runs once after it."""
        sleeps: list[float] = []
        calls: list[int] = []

        def operation() -> SpiceResult[str]:
            calls.append(1)
            return Success("done")

        recover = se.recover_rate_limit(operation, sleep=sleeps.append)
        assert Success("done") == Failure(
            se.RateLimitError("slow", retry_after_ms=1500)
        ).recover_with(recover)
        assert [1.5] == sleeps
        assert [1] == calls

    def test_default_delay(self) -> None:
        """Without retry_after_ms, default_delay seconds."""
        sleeps: list[float] = []
        recover = se.recover_rate_limit(lambda: Success(1), default_delay=2.5, sleep=sleeps.append)
        assert Success(1) == Failure(se.RateLimitError("slow")).recover_with(recover)
        assert [2.5] == sleeps

    def test_second_failure_is_returned(self) -> None:
        """The operation's own failure is what comes back."""
        again = se.RateLimitError("still slow", retry_after_ms=10)
        recover: Callable[[se.RateLimitError], SpiceResult[Never, se.RateLimitError]] = (
            se.recover_rate_limit(lambda: Failure(again), sleep=lambda _: None)
        )
        assert Failure(again) == Failure(se.RateLimitError("slow")).recover_with(recover)

    def test_other_errors_pass_through(self) -> None:
        """Only rate limits are handled."""
        sleeps: list[float] = []
        recover = se.recover_rate_limit(lambda: Success(1), sleep=sleeps.append)
        assert Failure(SERVER) == Failure(SERVER).recover_with(recover)
        assert [] == sleeps

    def test_testing_mode_skips_the_wait(self) -> None:
        """retry_testing turns the wait off."""
        sleeps: list[float] = []
        recover = se.recover_rate_limit(lambda: Success(1), sleep=sleeps.append)
        with se.retry_testing():
            assert Success(1) == Failure(se.RateLimitError("x", retry_after_ms=5000)).recover_with(
                recover
            )
        assert [] == sleeps

    @pytest.mark.parametrize("delay", [-1, float("nan"), float("inf"), "1"])
    def test_bad_default_delay(self, delay: Any) -> None:
        """A default delay must be a finite number of seconds >= 0."""
        with pytest.raises(ValueError, match="default_delay must be a finite number"):
            se.recover_rate_limit(lambda: Success(1), default_delay=delay)
        with pytest.raises(ValueError, match="default_delay must be a finite number"):
            se.recover_rate_limit_async(lambda: asyncio.sleep(0, Success(1)), default_delay=delay)

    def test_a_wait_beyond_max_wait_is_not_waited(self) -> None:
        """Beyond max_wait the failure comes back at once, saying why; the operation is not run."""
        sleeps: list[float] = []
        calls: list[int] = []

        def operation() -> SpiceResult[None]:
            calls.append(1)
            return Success(None)

        recover = se.recover_rate_limit(operation, max_wait=10, sleep=sleeps.append)
        limited = se.RateLimitError("x", retry_after_ms=30_000)
        result = Failure(limited).recover_with(recover)
        assert Failure(limited.with_context(retry_stopped="retry_after_exceeds_limit")) == result
        assert ([], []) == (sleeps, calls)
        exactly = Failure(se.RateLimitError("x", retry_after_ms=10_000)).recover_with(recover)
        assert (Success(None), [10.0]) == (exactly, sleeps)

    def test_absurd_and_negative_waits_never_raise(self) -> None:
        """An absurd wait counts as too long; a negative one in context as none at all."""
        sleeps: list[float] = []
        recover = se.recover_rate_limit(lambda: Success(1), sleep=sleeps.append)
        absurd = Failure(se.RateLimitError("x", retry_after_ms=10**400)).recover_with(recover)
        assert isinstance(absurd, Failure)
        assert "retry_after_exceeds_limit" == absurd.error.context["retry_stopped"]
        negative = se.RateLimitError("x", context={"retry_after_ms": -5})
        assert Success(1) == Failure(negative).recover_with(recover)
        assert [] == sleeps

    async def test_async_max_wait(self) -> None:
        async def operation() -> SpiceResult[str]:
            raise AssertionError("not called")  # pragma: no cover

        recover = se.recover_rate_limit_async(operation, max_wait=1)
        result = await Failure(se.RateLimitError("x", retry_after_ms=5000)).recover_with_async(
            recover
        )
        assert isinstance(result, Failure)
        assert "retry_after_exceeds_limit" == result.error.context["retry_stopped"]
        with pytest.raises(ValueError, match="max_wait must be a finite number"):
            se.recover_rate_limit_async(operation, max_wait=-1)

    def test_real_wait(self) -> None:
        """With the real sleep, the wait lasts at least what the server asked."""
        recover = se.recover_rate_limit(lambda: Success("after"))
        started = time.monotonic()
        assert Success("after") == Failure(se.RateLimitError("x", retry_after_ms=30)).recover_with(
            recover
        )
        assert time.monotonic() - started >= 0.03

    async def test_async_twin(self) -> None:
        """The async twin waits with asyncio.sleep, or an injected sleep."""

        async def operation() -> SpiceResult[str]:
            return Success("after")

        started = time.monotonic()
        recover = se.recover_rate_limit_async(operation)
        limited = Failure(se.RateLimitError("x", retry_after_ms=30))
        assert Success("after") == await limited.recover_with_async(recover)
        assert time.monotonic() - started >= 0.03

        sleeps: list[float] = []

        async def fake_sleep(seconds: float) -> None:
            sleeps.append(seconds)

        recover = se.recover_rate_limit_async(operation, default_delay=0.5, sleep=fake_sleep)
        assert Success("after") == await Failure(se.RateLimitError("x")).recover_with_async(recover)
        assert [0.5] == sleeps
        assert Failure(SERVER) == await Failure(SERVER).recover_with_async(recover)
        with se.retry_testing():
            assert Success("after") == await Failure(se.RateLimitError("x")).recover_with_async(
                recover
            )
        assert [0.5] == sleeps


class TestUserMessage:
    """user_message: what to tell a person about a validation error."""

    MESSAGES = {  # noqa: RUF012 -- read-only test data
        "email": "Please enter a valid email address",
        "password": "Password must be at least 8 characters",
    }

    def test_per_field_text(self) -> None:
        """A field with a text gets that text."""
        error = SpiceError.validation_error("regex mismatch", field="email")
        assert se.UserMessage("email", "Please enter a valid email address") == se.user_message(
            error, self.MESSAGES
        )

    def test_own_message_otherwise(self) -> None:
        """A field without a text gets the error's own message."""
        error = SpiceError.validation_error("Age must be positive", field="age")
        assert se.UserMessage("age", "Age must be positive") == se.user_message(
            error, self.MESSAGES
        )
        assert se.UserMessage("age", "Age must be positive") == se.user_message(error)

    def test_unknown_field(self) -> None:
        """No field, or not a validation error: the field is "unknown"."""
        assert se.UserMessage("unknown", "bad") == se.user_message(
            se.ValidationError("bad"), self.MESSAGES
        )
        assert se.UserMessage("unknown", "Bad gateway") == se.user_message(SERVER, self.MESSAGES)


def failing() -> SpiceResult[str]:
    return Failure(SERVER)


def succeeding() -> SpiceResult[str]:
    return Success("ok")


class TestCircuitBreaker:
    """The breaker's state machine, one transition at a time."""

    def test_opens_at_the_threshold_of_consecutive_failures(self) -> None:
        """Closed counts consecutive failures; at the threshold it opens."""
        breaker = CircuitBreaker(failure_threshold=3, reset_timeout=10, clock=FakeTime(now=0.0))
        for _ in range(2):
            assert Failure(SERVER) == breaker.call(failing)
        assert "closed" == state_of(breaker)
        assert 2 == breaker.failure_count
        breaker.call(failing)
        assert "open" == state_of(breaker)

    def test_a_success_resets_the_count(self) -> None:
        """Failures must be consecutive."""
        breaker = CircuitBreaker(failure_threshold=2, clock=FakeTime(now=0.0))
        for _ in range(5):
            breaker.call(failing)
            breaker.call(succeeding)
        assert "closed" == state_of(breaker)
        assert 0 == breaker.failure_count

    def test_open_fails_at_once_with_the_time_left(self) -> None:
        """Open: no call, a RetryableError hinting the time until half-open."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
        breaker.call(failing)
        clock.now = 12
        calls: list[int] = []

        def recorded() -> SpiceResult[str]:
            calls.append(1)
            return Success("x")

        result = breaker.call(recorded)
        assert [] == calls
        assert isinstance(result, Failure)
        error = result.error
        assert isinstance(error, se.RetryableError)
        assert "open" == error.context["circuit"]
        assert 18_000 == error.suggested_retry_delay_ms()
        assert se.is_retryable(error)

    def test_half_open_trial_success_closes(self) -> None:
        """After the timeout one trial runs; its success closes the breaker."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
        breaker.call(failing)
        clock.now = 30
        assert "half_open" == state_of(breaker)
        assert Success("ok") == breaker.call(succeeding)
        assert "closed" == state_of(breaker)

    def test_half_open_trial_failure_reopens(self) -> None:
        """The trial's failure opens the breaker for another full timeout."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30, clock=clock)
        breaker.call(failing)
        clock.now = 31
        breaker.call(failing)
        assert "open" == state_of(breaker)
        clock.now = 60
        assert "open" == state_of(breaker)
        clock.now = 61
        assert "half_open" == state_of(breaker)

    def test_callers_during_the_trial_fail_at_once(self) -> None:
        """While the trial runs, others fail at once with circuit="half_open"."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=5, clock=clock)
        breaker.call(failing)
        clock.now = 5
        seen: list[SpiceResult[str]] = []

        def trial() -> SpiceResult[str]:
            seen.append(breaker.call(succeeding))
            return Success("trial")

        assert Success("trial") == breaker.call(trial)
        assert 1 == len(seen)
        refused = seen[0]
        assert isinstance(refused, Failure)
        assert "half_open" == refused.error.context["circuit"]
        assert "closed" == state_of(breaker)

    def test_exceptions_count_as_failures(self) -> None:
        """An exception is mapped to a failure and counted."""
        breaker = CircuitBreaker(failure_threshold=1, clock=FakeTime(now=0.0))

        def raises() -> SpiceResult[str]:
            raise ConnectionResetError("reset")

        result = breaker.call(raises)
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.NetworkError)
        assert "open" == state_of(breaker)

    def test_interrupted_trial_frees_the_slot(self) -> None:
        """A trial ended by an interrupt lets the next caller be the trial."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=1, clock=clock)
        breaker.call(failing)
        clock.now = 1

        def interrupted() -> SpiceResult[str]:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            breaker.call(interrupted)
        assert "half_open" == state_of(breaker)
        assert Success("ok") == breaker.call(succeeding)
        assert "closed" == state_of(breaker)

    def test_interrupt_while_closed_counts_nothing(self) -> None:
        """An interrupt outside a trial changes nothing."""
        breaker = CircuitBreaker(failure_threshold=1, clock=FakeTime(now=0.0))

        def interrupted() -> SpiceResult[str]:
            raise SystemExit

        with pytest.raises(SystemExit):
            breaker.call(interrupted)
        assert "closed" == state_of(breaker)
        assert 0 == breaker.failure_count

    def test_stale_outcomes_change_nothing(self) -> None:
        """A call let in before the breaker opened cannot close or reopen it."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=clock)
        results: list[SpiceResult[str]] = []

        def slow_success() -> SpiceResult[str]:
            results.append(breaker.call(failing))  # opens the breaker meanwhile
            return Success("late")

        assert Success("late") == breaker.call(slow_success)
        assert "open" == state_of(breaker)

    def test_state_changes_are_announced_in_order(self) -> None:
        """on_state_change hears every change, and may read the state."""
        clock = FakeTime(now=0.0)
        changes: list[tuple[str, str, str]] = []
        breaker: CircuitBreaker

        def listen(old: se.CircuitState, new: se.CircuitState) -> None:
            changes.append((old, new, breaker.state))

        breaker = CircuitBreaker(
            failure_threshold=1, reset_timeout=1, clock=clock, on_state_change=listen
        )
        breaker.call(failing)
        clock.now = 1
        breaker.call(failing)
        clock.now = 2
        breaker.call(succeeding)
        assert [
            ("closed", "open", "open"),
            ("open", "half_open", "half_open"),
            ("half_open", "open", "open"),
            ("open", "half_open", "half_open"),
            ("half_open", "closed", "closed"),
        ] == changes

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"failure_threshold": 0}, "failure_threshold must be an int >= 1"),
            ({"failure_threshold": 1.5}, "failure_threshold must be an int >= 1"),
            ({"reset_timeout": -1}, "reset_timeout must be a finite number"),
            ({"reset_timeout": float("inf")}, "reset_timeout must be a finite number"),
        ],
    )
    def test_bad_arguments(self, options: dict[str, Any], message: str) -> None:
        """Nonsense is refused at construction."""
        with pytest.raises(ValueError, match=message):
            CircuitBreaker(**options)

    def test_repr(self) -> None:
        """repr shows the state and settings."""
        assert (
            "CircuitBreaker(state='closed', failures=0, failure_threshold=5, reset_timeout=60.0)"
            == repr(CircuitBreaker())
        )

    async def test_call_async(self) -> None:
        """call_async runs the same machine for awaitable operations."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=1, clock=clock)

        async def fail() -> SpiceResult[str]:
            raise ConnectionResetError("reset")

        async def ok() -> SpiceResult[str]:
            return Success("ok")

        assert isinstance(await breaker.call_async(fail), Failure)
        refused = await breaker.call_async(ok)
        assert isinstance(refused, Failure)
        assert "open" == refused.error.context["circuit"]
        clock.now = 1
        assert Success("ok") == await breaker.call_async(ok)
        assert "closed" == state_of(breaker)

    async def test_cancelled_async_trial_frees_the_slot(self) -> None:
        """Cancelling the async trial lets the next caller try."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=1, clock=clock)
        await breaker.call_async(lambda: asyncio.sleep(0, Failure(SERVER)))
        clock.now = 1

        def trial(started: asyncio.Event) -> Callable[[], Awaitable[SpiceResult[str]]]:
            return lambda: cast("Awaitable[SpiceResult[str]]", hang(started))

        await cancel_once_started(lambda started: breaker.call_async(trial(started)))
        assert Success("ok") == await breaker.call_async(lambda: asyncio.sleep(0, Success("ok")))


def outcome(result: SpiceResult[object]) -> str:
    """Name a breaker's answer: a success, a refusal (and in which state), or a failure."""
    match result:
        case Success():
            return "success"
        case Failure(se.RetryableError(context=context)):
            return f"refused {context['circuit']}"
        case Failure():
            return "failure"


ALLOWED = {
    ("closed", "open"),
    ("open", "half_open"),
    ("half_open", "closed"),
    ("half_open", "open"),
}


def check_transitions(changes: list[tuple[str, str]]) -> None:
    """Every change is allowed and starts where the previous one ended."""
    assert set(changes) <= ALLOWED
    state = "closed"
    for old, new in changes:
        assert state == old
        state = new


class TestUnderLoad:
    """One breaker, many threads and tasks: no lost calls, no impossible changes, one trial."""

    def test_threads(self) -> None:
        """8 threads x 10 000 calls against one breaker."""
        changes: list[tuple[str, str]] = []
        breaker = CircuitBreaker(
            failure_threshold=3,
            reset_timeout=0.0005,
            on_state_change=lambda old, new: changes.append((old, new)),
        )
        executed = Counter[int]()
        outcomes = Counter[str]()
        lock = threading.Lock()

        def worker(index: int) -> None:
            local = Counter[str]()
            ran = 0
            for call in range(10_000):

                def operation(call: int = call) -> SpiceResult[int]:
                    nonlocal ran
                    ran += 1
                    # Mostly failures, with runs of successes, so every state is visited.
                    return Success(call) if (call // 50) % 3 == 0 else Failure(SERVER)

                local[outcome(breaker.call(operation))] += 1
            with lock:
                outcomes.update(local)
                executed[index] = ran

        threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 80_000 == sum(outcomes.values())
        assert sum(executed.values()) == outcomes["success"] + outcomes["failure"]
        check_transitions(changes)
        assert ("closed", "open") in changes
        assert ("open", "half_open") in changes
        assert outcomes["refused open"] > 0

    def test_exactly_one_trial_among_threads(self) -> None:
        """8 threads arriving together at a half-open breaker: one trial, seven refusals."""
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=1, clock=clock)
        breaker.call(failing)
        clock.now = 1
        barrier = threading.Barrier(8)
        release = threading.Event()
        ran: list[int] = []
        results: list[SpiceResult[str]] = []
        lock = threading.Lock()

        def trial() -> SpiceResult[str]:
            with lock:
                ran.append(1)
            release.wait(timeout=10)
            return Success("trial")

        def worker() -> None:
            barrier.wait(timeout=10)
            result = breaker.call(trial)
            with lock:
                results.append(result)
            if isinstance(result, Failure):
                with lock:
                    refused = sum(isinstance(r, Failure) for r in results)
                if refused == 7:
                    release.set()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert [1] == ran
        assert 1 == sum(isinstance(result, Success) for result in results)
        refusals = [result for result in results if isinstance(result, Failure)]
        assert 7 == len(refusals)
        assert all(refusal.error.context["circuit"] == "half_open" for refusal in refusals)
        assert "closed" == state_of(breaker)

    async def test_a_thousand_tasks(self) -> None:
        """1 000 concurrent tasks: the half-open breaker lets exactly one through."""
        clock = FakeTime(now=0.0)
        changes: list[tuple[str, str]] = []
        breaker = CircuitBreaker(
            failure_threshold=1,
            reset_timeout=1,
            clock=clock,
            on_state_change=lambda old, new: changes.append((old, new)),
        )
        await breaker.call_async(lambda: asyncio.sleep(0, Failure(SERVER)))
        clock.now = 1
        release = asyncio.Event()
        ran: list[int] = []
        refused: list[int] = []

        async def trial() -> SpiceResult[str]:
            ran.append(1)
            await release.wait()
            return Success("trial")

        async def caller() -> SpiceResult[str]:
            await asyncio.sleep(0)
            result = await breaker.call_async(trial)
            if isinstance(result, Failure):
                refused.append(1)
                if len(refused) == 999:
                    release.set()  # every other caller has been turned away: end the trial
            return result

        results = await asyncio.gather(*(caller() for _ in range(1_000)))
        assert [1] == ran
        assert 1 == sum(isinstance(result, Success) for result in results)
        assert 999 == sum(
            isinstance(result, Failure) and result.error.context["circuit"] == "half_open"
            for result in results
        )
        check_transitions(changes)
        assert [("closed", "open"), ("open", "half_open"), ("half_open", "closed")] == changes

    async def test_tasks_under_load(self) -> None:
        """1 000 tasks calling repeatedly: every call ends, every change is allowed."""
        changes: list[tuple[str, str]] = []
        clock = FakeTime(now=0.0)
        breaker = CircuitBreaker(
            failure_threshold=2,
            reset_timeout=3,
            clock=clock,
            on_state_change=lambda old, new: changes.append((old, new)),
        )
        counts = Counter[str]()

        async def operation(n: int) -> SpiceResult[int]:
            await asyncio.sleep(0)
            clock.now += 0.01
            return Success(n) if n % 4 == 0 else Failure(SERVER)

        async def caller(index: int) -> None:
            for call in range(10):
                result = await breaker.call_async(functools.partial(operation, index + call))
                counts[type(result).__name__] += 1

        await asyncio.gather(*(caller(index) for index in range(1_000)))
        assert 10_000 == sum(counts.values())
        check_transitions(changes)
        assert ("closed", "open") in changes
