"""Retry's 0.2 rules: the attempt an operation sees, the budget, on_success, the window."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, RetryPolicy, SpiceResult, Success
from tests.helpers import FakeTime

NO_JITTER = RetryPolicy(max_attempts=3, jitter=0)


def unavailable() -> Failure[se.NetworkError]:
    return Failure(se.NetworkError("HTTP 503", status_code=503))


def record(attempts: list[se.Attempt | None]) -> SpiceResult[None]:
    """An operation that notes the attempt it runs as, and succeeds."""
    attempts.append(se.current_attempt())
    return Success(None)


class Counted:
    """An operation that always fails with a 503, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> SpiceResult[str]:
        self.calls += 1
        return unavailable()


class TestCurrentAttempt:
    """What an operation learns from `current_attempt()`."""

    def test_outside_a_retry_there_is_none(self) -> None:
        assert se.current_attempt() is None

    def test_number_elapsed_remaining_and_one_key(self) -> None:
        """Each attempt sees its number, the time so far and left, and the same key."""
        fake = FakeTime()
        seen: list[se.Attempt] = []
        keys: list[str] = []

        def operation() -> SpiceResult[str]:
            attempt = se.current_attempt()
            assert attempt is not None
            seen.append(attempt)
            keys.append(attempt.idempotency_key)
            return unavailable() if attempt.number < 3 else Success("done")

        policy = RetryPolicy(max_attempts=3, initial_delay=1.0, jitter=0, max_elapsed=10.0)
        result = se.retry(operation, policy, sleep=fake.sleep, clock=fake.clock, on_retry=None)
        assert Success("done") == result
        assert [1, 2, 3] == [attempt.number for attempt in seen]
        assert [0.0, 1.0, 3.0] == [attempt.elapsed for attempt in seen]
        assert [10.0, 9.0, 7.0] == [attempt.remaining for attempt in seen]
        assert 1 == len(set(keys))
        assert 36 == len(keys[0])  # a UUID, one per call
        assert se.current_attempt() is None

    def test_each_call_has_its_own_key(self) -> None:
        keys: list[str] = []

        def operation() -> SpiceResult[str]:
            attempt = se.current_attempt()
            assert attempt is not None
            keys.append(attempt.idempotency_key)
            return Success("ok")

        se.retry(operation)
        se.retry(operation)
        assert 2 == len(set(keys))

    def test_no_window_means_no_remaining(self) -> None:
        attempts: list[se.Attempt | None] = []
        se.retry(lambda: record(attempts))
        [attempt] = attempts
        assert attempt is not None
        assert attempt.remaining is None
        assert 1 == attempt.number
        assert repr(attempt).startswith("Attempt(number=1, elapsed=")

    def test_an_attempt_is_immutable(self) -> None:
        attempts: list[se.Attempt | None] = []
        se.retry(lambda: record(attempts))
        attempt = attempts[0]
        assert attempt is not None
        with pytest.raises(AttributeError, match="immutable"):
            attempt.number = 2  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
        with pytest.raises(AttributeError, match="immutable"):
            attempt.note = "x"  # type: ignore[attr-defined]

    def test_the_decorator_and_nested_calls(self) -> None:
        """A nested retry has its own attempt; the outer one comes back after it."""
        seen: list[tuple[str, int]] = []

        @se.retrying(NO_JITTER, on_retry=None, on_give_up=None)
        def inner() -> SpiceResult[str]:
            attempt = se.current_attempt()
            assert attempt is not None
            seen.append(("inner", attempt.number))
            return Success("in")

        @se.retrying(NO_JITTER, on_retry=None, on_give_up=None)
        def outer() -> SpiceResult[str]:
            attempt = se.current_attempt()
            assert attempt is not None
            inner()
            after = se.current_attempt()
            assert after is not None
            seen.append(("outer", after.number))
            return unavailable() if attempt.number == 1 else Success("out")

        with se.set_testing(True):
            assert Success("out") == outer()
        assert [("inner", 1), ("outer", 1), ("inner", 1), ("outer", 2)] == seen

    async def test_async_tasks_each_see_their_own(self) -> None:
        """Concurrent async retries never see each other's attempt or key."""
        keys: dict[int, set[str]] = {}

        async def operation(ident: int) -> SpiceResult[int]:
            attempt = se.current_attempt()
            assert attempt is not None
            keys.setdefault(ident, set()).add(attempt.idempotency_key)
            await asyncio.sleep(0)
            return Failure(se.TimeoutError("slow")) if attempt.number < 2 else Success(ident)

        async def one(ident: int) -> SpiceResult[int]:
            return await se.retry_async(lambda: operation(ident), NO_JITTER, on_retry=None)

        with se.set_testing(True):
            results = await asyncio.gather(*(one(ident) for ident in range(20)))
        assert [Success(ident) for ident in range(20)] == results
        assert all(1 == len(found) for found in keys.values())
        assert 20 == len(set().union(*keys.values()))

    async def test_the_async_decorator(self) -> None:
        numbers: list[int] = []

        @se.retrying(NO_JITTER, on_retry=None)
        async def fetch() -> SpiceResult[str]:
            attempt = se.current_attempt()
            assert attempt is not None
            numbers.append(attempt.number)
            return unavailable() if attempt.number == 1 else Success("ok")

        with se.set_testing(True):
            assert Success("ok") == await fetch()
        assert [1, 2] == numbers


class TestBudget:
    """RetryBudget: a share of the calls, a reserve, expiry, and exact shared counts."""

    def test_ratio_and_reserve(self) -> None:
        fake = FakeTime()
        budget = se.RetryBudget(ratio=0.2, min_per_second=0.5, ttl=4.0, clock=fake.clock)
        assert 2.0 == budget.balance  # the reserve: 0.5 per second for 4 s
        for _ in range(10):
            budget.deposit()
        assert 4.0 == budget.balance
        assert [True] * 4 + [False] == [budget.try_withdraw() for _ in range(5)]
        budget.refund()
        assert 1.0 == budget.balance

    def test_deposits_and_withdrawals_expire(self) -> None:
        fake = FakeTime()
        budget = se.RetryBudget(ratio=1.0, min_per_second=0, ttl=10.0, clock=fake.clock)
        budget.deposit()
        fake.now += 5
        budget.deposit()
        assert budget.try_withdraw()
        assert 1.0 == budget.balance
        fake.now += 6  # the first deposit has expired; the withdrawal has not
        assert 0.0 == budget.balance
        fake.now += 10
        assert 0.0 == budget.balance
        assert not budget.try_withdraw()
        assert "RetryBudget(ratio=1.0, min_per_second=0.0, ttl=10.0, balance=0.000)" == repr(budget)

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"ratio": -0.1}, "ratio must be a finite number >= 0"),
            ({"ratio": float("nan")}, "ratio must be a finite number"),
            ({"min_per_second": float("inf")}, "min_per_second must be a finite number"),
            ({"ttl": 0}, "ttl must be a finite number > 0"),
            ({"ttl": "10"}, "ttl must be a finite number > 0"),
        ],
    )
    def test_bad_settings(self, options: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            se.RetryBudget(**options)  # type: ignore[arg-type]

    def test_a_spent_budget_stops_retrying(self) -> None:
        """With no token left, the failure comes back at once, saying why."""
        fake = FakeTime()
        budget = se.RetryBudget(ratio=0.0, min_per_second=0, clock=fake.clock)
        given_up: list[se.RetryEvent] = []
        operation = Counted()
        result = se.retry(
            operation,
            NO_JITTER,
            budget=budget,
            sleep=fake.sleep,
            clock=fake.clock,
            on_give_up=given_up.append,
        )
        assert 1 == operation.calls
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.NetworkError)
        assert "budget_exhausted" == result.error.context["retry_stopped"]
        assert 1 == result.error.context["total_attempts"]
        assert ["budget_exhausted"] == [event.reason for event in given_up]

    def test_an_outage_retries_a_share_of_the_calls(self) -> None:
        """100 failing calls with ratio 0.1 and no reserve make about 10 retries, not 200."""
        fake = FakeTime()
        budget = se.RetryBudget(ratio=0.1, min_per_second=0, clock=fake.clock)
        operation = Counted()
        with se.set_testing(True):
            for _ in range(100):
                se.retry(
                    operation,
                    NO_JITTER,
                    budget=budget,
                    clock=fake.clock,
                    on_retry=None,
                    on_give_up=None,
                )
        assert 110 == operation.calls

    def test_the_decorator_deposits_per_call(self) -> None:
        """Each call of a @retrying function deposits; its retries withdraw."""
        budget = se.RetryBudget(ratio=0.5, min_per_second=0)
        answers: Iterator[SpiceResult[str]] = iter(
            [Success("a"), Success("b"), unavailable(), Success("c")]
        )

        @se.retrying(NO_JITTER, budget=budget, on_retry=None)
        def fetch() -> SpiceResult[str]:
            return next(answers)

        with se.set_testing(True):
            assert [Success("a"), Success("b"), Success("c")] == [fetch(), fetch(), fetch()]
        assert 0.5 == budget.balance  # three deposits of 0.5, one retry

    def test_threads_keep_exact_counts(self) -> None:
        """Threads sharing one budget withdraw exactly the tokens there are."""
        budget = se.RetryBudget(ratio=0.5, min_per_second=0, ttl=3600)
        for _ in range(400):
            budget.deposit()
        start = threading.Barrier(8)

        def take() -> int:
            start.wait()
            return sum(budget.try_withdraw() for _ in range(100))

        with ThreadPoolExecutor(8) as pool:
            taken = sum(pool.map(lambda _: take(), range(8)))
        assert 200 == taken
        assert 0.0 == budget.balance

    async def test_tasks_share_one_budget(self) -> None:
        """Async retries draw on one budget: with 3 tokens, 3 of 10 failing calls retry."""
        budget = se.RetryBudget(ratio=0.0, min_per_second=0.3, ttl=10)
        calls: list[int] = []

        async def failing() -> SpiceResult[str]:
            calls.append(1)
            await asyncio.sleep(0)
            return unavailable()

        with se.set_testing(True):
            results = await asyncio.gather(
                *(
                    se.retry_async(
                        failing,
                        RetryPolicy(max_attempts=2, jitter=0),
                        budget=budget,
                        on_retry=None,
                        on_give_up=None,
                    )
                    for _ in range(10)
                )
            )
        assert 13 == len(calls)
        stops = [r.error.context.get("retry_stopped") for r in results if isinstance(r, Failure)]
        assert 7 == stops.count("budget_exhausted")


class TestOnSuccess:
    """on_success: told of a success that came after retries."""

    def test_called_after_retries_only(self) -> None:
        fake = FakeTime()
        told: list[se.RetrySuccessEvent] = []
        answers: Iterator[SpiceResult[str]] = iter(
            [unavailable(), Failure(se.TimeoutError("slow")), Success("ok")]
        )
        result = se.retry(
            lambda: next(answers),
            NO_JITTER,
            on_success=told.append,
            sleep=fake.sleep,
            clock=fake.clock,
            on_retry=None,
            name="GET /items",
        )
        assert Success("ok") == result
        assert [(3, "GET /items")] == [(event.attempts, event.operation) for event in told]
        assert 0.6 == pytest.approx(told[0].total_delay)
        assert 0.6 == pytest.approx(told[0].elapsed)
        se.retry(lambda: Success(1), on_success=told.append)
        assert 1 == len(told)

    async def test_async(self) -> None:
        told: list[se.RetrySuccessEvent] = []
        answers: Iterator[SpiceResult[str]] = iter([unavailable(), Success("ok")])

        async def operation() -> SpiceResult[str]:
            return next(answers)

        with se.set_testing(True):
            await se.retry_async(operation, NO_JITTER, on_success=told.append, on_retry=None)
        assert [2] == [event.attempts for event in told]


class TestWindowAfterHooks:
    """The window is checked again after on_retry has run."""

    def test_a_slow_hook_leaves_no_time_to_sleep(self) -> None:
        """An on_retry that takes 5 s under max_elapsed=1 is not followed by a sleep."""
        fake = FakeTime()
        given_up: list[se.RetryEvent] = []
        budget = se.RetryBudget(ratio=0, min_per_second=0.1, ttl=10, clock=fake.clock)

        def slow_hook(event: se.RetryEvent) -> None:
            fake.now += 5

        result = se.retry(
            unavailable,
            RetryPolicy(max_attempts=5, jitter=0, max_elapsed=1.0),
            on_retry=slow_hook,
            on_give_up=given_up.append,
            budget=budget,
            sleep=fake.sleep,
            clock=fake.clock,
        )
        assert [] == fake.sleeps
        assert isinstance(result, Failure)
        assert "window_exhausted" == result.error.context["retry_stopped"]
        assert ["window_exhausted"] == [event.reason for event in given_up]
        assert 1.0 == budget.balance  # the token taken for the retry was given back

    async def test_async(self) -> None:
        fake = FakeTime()

        def slow_hook(event: se.RetryEvent) -> None:
            fake.now += 5

        async def operation() -> SpiceResult[str]:
            return unavailable()

        result = await se.retry_async(
            operation,
            RetryPolicy(max_attempts=5, jitter=0, max_elapsed=1.0),
            on_retry=slow_hook,
            on_give_up=None,
            sleep=fake.sleep_async,
            clock=fake.clock,
        )
        assert [] == fake.sleeps
        assert isinstance(result, Failure)
        assert "window_exhausted" == result.error.context["retry_stopped"]


class TestServerWaitsOfAnySize:
    """Server waits of any size, sign or kind never raise."""

    @given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
    def test_never_raises(self, wait: float) -> None:
        """Any retry_after_ms in context (negative, huge, NaN) is handled without raising."""
        fake = FakeTime()
        error = se.NetworkError("HTTP 503", status_code=503, context={"retry_after_ms": wait})
        answers: Iterator[SpiceResult[str]] = iter([Failure(error), Success("ok")])
        result = se.retry(
            lambda: next(answers),
            NO_JITTER,
            sleep=fake.sleep,
            clock=fake.clock,
            on_retry=None,
            on_give_up=None,
        )
        if isinstance(result, Success):
            assert all(0 < slept <= 60 for slept in fake.sleeps)  # a wait of 0 is not slept
            assert len(fake.sleeps) <= 1
        else:
            assert "retry_after_exceeds_limit" == result.error.context["retry_stopped"]

    def test_negative_counts_as_none_and_huge_as_too_long(self) -> None:
        fake = FakeTime()
        waits: list[float | None] = []
        negative = se.NetworkError("x", status_code=503, context={"retry_after_ms": -5000})
        answers: Iterator[SpiceResult[str]] = iter([Failure(negative), Success("ok")])
        assert Success("ok") == se.retry(
            lambda: next(answers),
            sleep=fake.sleep,
            clock=fake.clock,
            on_retry=lambda event: waits.append(event.wait),
        )
        assert [0.0] == waits
        assert [] == fake.sleeps
        huge = Failure(se.RateLimitError("x", retry_after_ms=10**400))
        result = se.retry(lambda: huge, sleep=fake.sleep, clock=fake.clock, on_give_up=None)
        assert isinstance(result, Failure)
        assert "retry_after_exceeds_limit" == result.error.context["retry_stopped"]
