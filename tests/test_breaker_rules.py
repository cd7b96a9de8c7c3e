"""The breaker's 0.2 rules: which failures count, the rate mode, stale outcomes, the registry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import spice_errors as se
from spice_errors import CircuitBreaker, Failure, SpiceResult, Success
from tests.helpers import FakeTime


def state(breaker: CircuitBreaker) -> str:
    """The breaker's state, read afresh (checkers would narrow the property between reads)."""
    return breaker.state


def answer(status: int) -> Failure[se.NetworkError]:
    return Failure(se.NetworkError(f"HTTP {status}", status_code=status))


class TestWhatCounts:
    """Only failures that say the dependency is unwell move the breaker."""

    @pytest.mark.parametrize(
        "failure",
        [
            answer(400),
            answer(401),
            answer(404),
            Failure(se.ValidationError("bad")),
            Failure(se.AuthenticationError("who?")),
        ],
        ids=["400", "401", "404", "validation", "auth"],
    )
    def test_the_callers_problems_move_nothing(self, failure: Failure[se.SpiceError]) -> None:
        """Such a failure passes through: it neither counts nor resets the count."""
        breaker = CircuitBreaker(failure_threshold=2, clock=FakeTime())
        assert answer(503) == breaker.call(lambda: answer(503))
        for _ in range(5):
            assert failure == breaker.call(lambda: failure)
        assert ("closed", 1) == (state(breaker), breaker.failure_count)
        breaker.call(lambda: answer(503))
        assert "open" == state(breaker)

    @pytest.mark.parametrize(
        "failure",
        [
            answer(500),
            answer(503),
            answer(429),
            Failure(se.TimeoutError("slow")),
            Failure(se.NetworkError("refused")),
        ],
        ids=["500", "503", "429", "timeout", "connection"],
    )
    def test_an_unwell_dependency_counts(self, failure: Failure[se.SpiceError]) -> None:
        breaker = CircuitBreaker(failure_threshold=2, clock=FakeTime())
        breaker.call(lambda: failure)
        breaker.call(lambda: failure)
        assert "open" == state(breaker)

    def test_counts_is_the_users_predicate(self) -> None:
        """counts= decides: here every failure counts, a 404 too."""
        breaker = CircuitBreaker(failure_threshold=2, counts=lambda error: True, clock=FakeTime())
        breaker.call(lambda: answer(404))
        breaker.call(lambda: answer(404))
        assert "open" == state(breaker)
        with pytest.raises(TypeError):
            CircuitBreaker(counts="all")  # type: ignore[arg-type]

    def test_a_trial_that_is_the_callers_problem_keeps_it_half_open(self) -> None:
        """A 404 trial says nothing of the dependency: the next call is the trial."""
        fake = FakeTime()
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=fake)
        breaker.call(lambda: answer(503))
        fake.now += 10
        assert answer(404) == breaker.call(lambda: answer(404))
        assert "half_open" == state(breaker)
        assert Success(1) == breaker.call(lambda: Success(1))
        assert "closed" == state(breaker)


class TestStaleOutcomes:
    """Outcomes of calls admitted before the last state change change nothing."""

    def test_a_slow_failure_from_before_the_trial_never_reopens(self) -> None:
        """A call admitted while closed, ending after the breaker opened and closed again."""
        fake = FakeTime()
        changes: list[tuple[str, str]] = []
        breaker = CircuitBreaker(
            failure_threshold=1,
            reset_timeout=10,
            clock=fake,
            on_state_change=lambda old, new: changes.append((old, new)),
        )
        slow_started, release = threading.Event(), threading.Event()

        def slow() -> SpiceResult[int]:
            slow_started.set()
            release.wait(5)
            return answer(503)

        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(breaker.call, slow)
            assert slow_started.wait(5)
            breaker.call(lambda: answer(503))  # opens it
            fake.now += 10
            breaker.call(lambda: Success(1))  # the trial closes it
            release.set()
            assert answer(503) == pending.result(5)
        assert "closed" == state(breaker)
        assert 0 == breaker.failure_count
        assert [("closed", "open"), ("open", "half_open"), ("half_open", "closed")] == changes

    def test_a_slow_success_from_before_it_opened_never_closes(self) -> None:
        fake = FakeTime()
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=fake)
        release = threading.Event()
        started = threading.Event()

        def slow() -> SpiceResult[int]:
            started.set()
            release.wait(5)
            return Success(1)

        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(breaker.call, slow)
            assert started.wait(5)
            breaker.call(lambda: answer(503))
            release.set()
            assert Success(1) == pending.result(5)
        assert "open" == state(breaker)


class TestRateMode:
    """failure_rate: open on a share of failed calls in a window."""

    def test_opens_at_the_share_of_failures_once_enough_calls(self) -> None:
        fake = FakeTime()
        breaker = CircuitBreaker(failure_rate=0.5, minimum_calls=4, window=10, clock=fake)
        for outcome in [answer(503), answer(503), answer(503)]:
            breaker.call(lambda outcome=outcome: outcome)  # type: ignore[misc]
        assert "closed" == state(breaker)  # 3 calls: fewer than minimum_calls
        breaker.call(lambda: Success(1))
        assert "open" == state(breaker)  # 3 of 4 failed
        assert "failure_rate=0.5, window=10.0" in repr(breaker)

    def test_stays_closed_below_the_share(self) -> None:
        fake = FakeTime()
        breaker = CircuitBreaker(failure_rate=0.5, minimum_calls=4, window=10, clock=fake)
        for index in range(40):
            breaker.call(lambda index=index: answer(503) if index % 3 == 2 else Success(1))  # type: ignore[misc]
        assert "closed" == state(breaker)

    def test_old_calls_leave_the_window(self) -> None:
        fake = FakeTime()
        breaker = CircuitBreaker(failure_rate=0.5, minimum_calls=4, window=10, clock=fake)
        for _ in range(3):
            breaker.call(lambda: answer(503))
        fake.now += 11  # those three have left the window
        for _ in range(3):
            breaker.call(lambda: Success(1))
        breaker.call(lambda: answer(503))
        assert "closed" == state(breaker)  # 1 of 4 in the window

    def test_the_callers_problems_are_not_calls_of_the_rate(self) -> None:
        fake = FakeTime()
        breaker = CircuitBreaker(failure_rate=0.5, minimum_calls=2, window=10, clock=fake)
        breaker.call(lambda: answer(503))
        for _ in range(10):
            breaker.call(lambda: answer(404))
        breaker.call(lambda: answer(503))
        assert "open" == state(breaker)

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"failure_rate": 0}, "failure_rate must be a number above 0 and at most 1"),
            ({"failure_rate": 1.5}, "failure_rate must be"),
            ({"failure_rate": 0.5, "minimum_calls": 0}, "minimum_calls must be an int >= 1"),
            ({"failure_rate": 0.5, "window": 0}, "window must be a finite number of seconds > 0"),
            ({"failure_rate": 0.5, "window": float("inf")}, "window must be"),
        ],
    )
    def test_bad_settings(self, options: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            CircuitBreaker(**options)  # type: ignore[arg-type]


class TestRegistry:
    """CircuitBreakers: one breaker per key, shared safely."""

    def test_one_breaker_per_key(self) -> None:
        breakers = se.CircuitBreakers(failure_threshold=1, reset_timeout=30, clock=FakeTime())
        first = breakers.for_key("a.example")
        assert first is breakers.for_key("a.example")
        first.call(lambda: answer(503))
        assert ("open", "closed") == (first.state, breakers.for_key("b.example").state)
        assert 2 == len(breakers)
        assert "CircuitBreakers({'a.example': 'open', 'b.example': 'closed'})" == repr(breakers)

    def test_settings_are_checked_at_once(self) -> None:
        with pytest.raises(ValueError, match="failure_threshold"):
            se.CircuitBreakers(failure_threshold=0)

    def test_threads_share_one_breaker_per_key_with_exact_counts(self) -> None:
        """Threads asking for keys at once get one breaker each, counting every failure."""
        breakers = se.CircuitBreakers(failure_threshold=10_000)
        start = threading.Barrier(8)

        def hammer(index: int) -> None:
            start.wait()
            for _ in range(100):
                breakers.for_key(f"host-{index % 2}").call(lambda: answer(503))

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(hammer, range(8)))
        assert 2 == len(breakers)
        assert [400, 400] == [breakers.for_key(f"host-{i}").failure_count for i in range(2)]

    async def test_async_tasks_share_a_breaker(self) -> None:
        import asyncio

        breakers = se.CircuitBreakers(failure_threshold=50)

        async def failing() -> SpiceResult[int]:
            await asyncio.sleep(0)
            return answer(503)

        await asyncio.gather(*(breakers.for_key("h").call_async(failing) for _ in range(30)))
        assert 30 == breakers.for_key("h").failure_count
