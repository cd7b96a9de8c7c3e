"""The circuit breaker: stop calling a failing dependency for a while, then try once."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Final, Literal, Never, TypeAlias, TypeVar, cast

from spice_errors._classify import RetryClassifier
from spice_errors._errors import AnySpiceError, RetryableError, RetryHint, SpiceError
from spice_errors._from_exception import from_exception
from spice_errors._result import Failure, SpiceResult
from spice_errors._text import check_callable, check_seconds, is_int_at_least, is_number

__all__ = ["CircuitBreaker", "CircuitBreakers", "CircuitState", "dependency_unwell"]

if TYPE_CHECKING:
    # An operation that can only fail (or only succeed) leaves a type unsolved: it
    # defaults to Never instead of Any (mypy) or Unknown (pyright).
    from typing_extensions import TypeVar as DefaultTypeVar

    T = DefaultTypeVar("T", default=Never)
    E = DefaultTypeVar("E", bound=SpiceError, default=Never)
else:
    T = TypeVar("T")
    E = TypeVar("E", bound=SpiceError)


CircuitState: TypeAlias = Literal["closed", "open", "half_open"]


def dependency_unwell(error: SpiceError) -> bool:
    """The default of ``counts=``: failures that say the dependency is unwell.

    Those the default classifier calls retryable: 5xx, 408, 429, timeouts, connection
    failures. A 400, 401, 403, 404 or a validation error is the caller's problem.
    """
    return RetryClassifier.DEFAULT.classify(error).should_retry


_SLICES: Final = 10
"""The rate window is kept as this many slices of calls and failures, each expiring whole."""


class _Rate:
    """Calls and failures in the last ``window`` seconds, in slices (the rate mode's count)."""

    __slots__ = ("failure_rate", "minimum_calls", "slice", "slices", "window")

    def __init__(self, failure_rate: float, minimum_calls: int, window: float) -> None:
        self.failure_rate = failure_rate
        self.minimum_calls = minimum_calls
        self.window = window
        self.slice = window / _SLICES
        self.slices: dict[int, list[int]] = {}  # slice -> [calls, failures]

    def add(self, now: float, *, failed: bool) -> bool:
        """Count one call; whether the failures now reach the rate (enough calls made)."""
        current = math.floor(now / self.slice)
        for expired in [number for number in self.slices if number <= current - _SLICES]:
            del self.slices[expired]
        counts = self.slices.setdefault(current, [0, 0])
        counts[0] += 1
        counts[1] += failed
        calls = sum(counts[0] for counts in self.slices.values())
        failures = sum(counts[1] for counts in self.slices.values())
        return calls >= self.minimum_calls and failures >= self.failure_rate * calls

    def clear(self) -> None:
        self.slices.clear()


def _check_rate(failure_rate: float | None, minimum_calls: int, window: float) -> _Rate | None:
    if failure_rate is None:
        return None
    if not is_number(failure_rate) or not 0 < failure_rate <= 1:
        msg = f"failure_rate must be a number above 0 and at most 1, or None; got {failure_rate!r}"
        raise ValueError(msg)
    if not is_int_at_least(minimum_calls, 1):
        msg = f"minimum_calls must be an int >= 1, got {minimum_calls!r}"
        raise ValueError(msg)
    if not is_number(window) or not 0 < window < math.inf:
        msg = f"window must be a finite number of seconds > 0, got {window!r}"
        raise ValueError(msg)
    return _Rate(float(failure_rate), minimum_calls, float(window))


class _Admission:
    """A call let through: whether it is the trial, and the state it was admitted in."""

    __slots__ = ("generation", "trial")

    def __init__(self, generation: int, *, trial: bool) -> None:
        self.generation = generation
        self.trial = trial


class CircuitBreaker:
    """Stops calling a failing dependency for a while, then lets one trial call through.

    Closed, it counts consecutive failures; at ``failure_threshold`` it opens (or, with
    ``failure_rate``, it opens when that share of the calls in the last ``window``
    seconds failed). Open, it fails at once without calling anything, with a
    `RetryableError` whose hint is the time left until it half-opens (context
    ``circuit="open"``). Half-open, exactly one trial call runs, while other callers
    fail at once (context ``circuit="half_open"``); the trial's success closes the
    breaker, its failure opens it again. A success while closed resets the count.

    Only failures that say the dependency is unwell count (``counts``; by default 5xx,
    timeouts, connection failures and 429): a 400, 401, 403, 404 or a validation error
    is the caller's problem, passes through and moves nothing. An outcome of a call
    admitted before the last state change is stale and changes nothing: a slow failure
    from before a successful trial never reopens the breaker.

    Thread-safe and asyncio-safe: the state changes under a lock that is never held
    while an operation runs.

    Args:
        failure_threshold: Consecutive failures that open the breaker.
        reset_timeout: Seconds the breaker stays open before a trial call.
        counts: Which failures count against the dependency (a predicate of the error).
        failure_rate: Open by rate instead: the share of failed calls (0 to 1) in the
            last ``window`` seconds that opens it, once ``minimum_calls`` were made.
        minimum_calls: Calls in the window before the rate decides anything.
        window: The rate's window, in seconds.
        clock: A monotonic clock in seconds.
        on_state_change: Called with the old and new state at every change, in order,
            while the breaker holds its lock: keep it short (it may read `state`).

    Raises:
        ValueError: When ``failure_threshold`` is not an int >= 1, ``reset_timeout`` is
            not a finite number >= 0, or a rate setting is out of its range.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``counts``, the rate mode, and stale outcomes ignored.
    """

    def __init__(  # noqa: PLR0913 -- every setting by name
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 60.0,
        *,
        counts: Callable[[SpiceError], bool] = dependency_unwell,
        failure_rate: float | None = None,
        minimum_calls: int = 20,
        window: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        on_state_change: Callable[[CircuitState, CircuitState], object] | None = None,
    ) -> None:
        if not is_int_at_least(failure_threshold, 1):
            msg = f"failure_threshold must be an int >= 1, got {failure_threshold!r}"
            raise ValueError(msg)
        check_seconds("reset_timeout", reset_timeout)
        check_callable("CircuitBreaker(counts=...)", counts)
        self.failure_threshold = failure_threshold
        self.reset_timeout = float(reset_timeout)
        self.counts = counts
        self._rate = _check_rate(failure_rate, minimum_calls, window)
        self._clock = clock
        self._on_state_change = on_state_change
        # Re-entrant, so that a listener may read `state` while it is told of a change.
        self._lock = threading.RLock()
        self._state: CircuitState = "closed"
        self._generation = 0
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    def __repr__(self) -> str:
        mode = (
            f"failure_threshold={self.failure_threshold}"
            if self._rate is None
            else f"failure_rate={self._rate.failure_rate}, window={self._rate.window}"
        )
        return (
            f"CircuitBreaker(state={self.state!r}, failures={self._failures}, "
            f"{mode}, reset_timeout={self.reset_timeout})"
        )

    @property
    def state(self) -> CircuitState:
        """``"closed"``, ``"open"`` or ``"half_open"``, as of now."""
        with self._lock:
            if self._state == "open" and self._clock() - self._opened_at >= self.reset_timeout:
                return "half_open"
            return self._state

    @property
    def failure_count(self) -> int:
        """Consecutive counted failures while closed (the threshold mode's count)."""
        return self._failures

    def _change(self, new: CircuitState) -> None:
        """Under the lock: move to ``new`` and tell the listener, in the true order."""
        old, self._state = self._state, new
        self._generation += 1
        if self._on_state_change is not None:
            self._on_state_change(old, new)

    def _admit(self) -> RetryableError | _Admission:
        """Under the lock: refuse the call with an error, or admit it (as the trial?)."""
        with self._lock:
            if self._state == "open":
                left = self.reset_timeout - (self._clock() - self._opened_at)
                if left > 0:
                    return self._refusal("open", left)
                self._change("half_open")
            if self._state == "half_open":
                if self._trial_running:
                    # If the trial fails, the breaker stays open this long again.
                    return self._refusal("half_open", self.reset_timeout)
                self._trial_running = True
                return _Admission(self._generation, trial=True)
            return _Admission(self._generation, trial=False)

    def _refusal(self, state: CircuitState, left: float) -> RetryableError:
        return RetryableError(
            f"Circuit {state.replace('_', '-')}: the call was not made",
            retry_hint=RetryHint.from_retry_after_seconds(left, reason=f"circuit {state}"),
            context={"circuit": state, "failure_threshold": self.failure_threshold},
        )

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._failures = 0
        if self._rate is not None:
            self._rate.clear()
        self._change("open")

    def _record(self, result: SpiceResult[object, SpiceError], admission: _Admission) -> None:
        failed = isinstance(result, Failure)
        # Outside the lock: a user's predicate never runs while the breaker is held.
        counted = isinstance(result, Failure) and bool(self.counts(result.error))
        with self._lock:
            if admission.generation != self._generation:
                return  # admitted before the last change: stale, it changes nothing
            if admission.trial:
                self._trial_running = False
            if failed and not counted:
                return  # the caller's problem says nothing of the dependency
            if admission.trial:
                if counted:
                    self._open()
                else:
                    self._failures = 0
                    self._change("closed")
            elif self._reaches_the_limit(failed=counted):
                self._open()

    def _reaches_the_limit(self, *, failed: bool) -> bool:
        """Under the lock, closed: count one outcome; whether the breaker must open."""
        if self._rate is not None:
            return self._rate.add(self._clock(), failed=failed)
        self._failures = self._failures + 1 if failed else 0
        return self._failures >= self.failure_threshold

    def _abandon(self, admission: _Admission) -> None:
        """A call ended by cancellation or an interrupt: free the trial slot, count nothing."""
        if admission.trial:
            with self._lock:
                self._trial_running = False

    def call(self, operation: Callable[[], SpiceResult[T, E]]) -> SpiceResult[T, E | AnySpiceError]:
        """Call ``operation`` through the breaker; an exception it raises is a failure.

        Examples:
            >>> breaker = CircuitBreaker(failure_threshold=1, reset_timeout=30)
            >>> breaker.call(lambda: Failure(SpiceError.network_error("down", 503))).is_failure
            True
            >>> breaker.state, breaker.call(lambda: Success(1)).error_or_none().context["circuit"]
            ('open', 'open')
        """
        admission = self._admit()
        if isinstance(admission, RetryableError):
            return Failure(admission)
        result: SpiceResult[T, E | AnySpiceError]
        try:
            result = operation()
        except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
            if not callable(cast("object", operation)):
                self._abandon(admission)
                check_callable("CircuitBreaker.call()", operation)
            result = Failure(from_exception(exc))
        except BaseException:
            self._abandon(admission)
            raise
        self._record(result, admission)
        try:
            return result
        finally:
            # A raised exception's traceback holds this frame: holding no failure here
            # leaves no reference cycle.
            del result

    async def call_async(
        self, operation: Callable[[], Awaitable[SpiceResult[T, E]]]
    ) -> SpiceResult[T, E | AnySpiceError]:
        """`call` for an operation whose result is awaited; cancellation propagates."""
        admission = self._admit()
        if isinstance(admission, RetryableError):
            return Failure(admission)
        result: SpiceResult[T, E | AnySpiceError]
        try:
            result = await operation()
        except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
            if not callable(cast("object", operation)):
                self._abandon(admission)
                check_callable("CircuitBreaker.call_async()", operation)
            result = Failure(from_exception(exc))
        except BaseException:
            self._abandon(admission)
            raise
        self._record(result, admission)
        try:
            return result
        finally:
            # A raised exception's traceback holds this frame: holding no failure here
            # leaves no reference cycle.
            del result


class CircuitBreakers:
    """One `CircuitBreaker` per key (a host, an endpoint, a tenant), made on first use.

    Every breaker gets the settings given here. Thread-safe: two threads asking for a
    new key at once get the same breaker.

    Examples:
        >>> breakers = CircuitBreakers(failure_threshold=1, reset_timeout=30)
        >>> _ = breakers.for_key("api.example").call(
        ...     lambda: Failure(SpiceError.network_error("down", 503))
        ... )
        >>> breakers.for_key("api.example").state, breakers.for_key("other.example").state
        ('open', 'closed')

    .. versionadded:: 0.2.0
    """

    def __init__(  # noqa: PLR0913 -- CircuitBreaker's settings, by name
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 60.0,
        *,
        counts: Callable[[SpiceError], bool] = dependency_unwell,
        failure_rate: float | None = None,
        minimum_calls: int = 20,
        window: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        def make() -> CircuitBreaker:
            return CircuitBreaker(
                failure_threshold,
                reset_timeout,
                counts=counts,
                failure_rate=failure_rate,
                minimum_calls=minimum_calls,
                window=window,
                clock=clock,
            )

        make()  # the settings are checked now, not at the first call
        self._make = make
        self._breakers: dict[Hashable, CircuitBreaker] = {}

    def for_key(self, key: Hashable) -> CircuitBreaker:
        """The breaker for ``key``, made with the shared settings on first use."""
        breaker = self._breakers.get(key)
        if breaker is None:
            # setdefault is atomic: of two threads making one at once, both get the first.
            breaker = self._breakers.setdefault(key, self._make())
        return breaker

    def __len__(self) -> int:
        return len(self._breakers)

    def __repr__(self) -> str:
        states = ", ".join(
            f"{key!r}: {breaker.state!r}" for key, breaker in list(self._breakers.items())
        )
        return f"CircuitBreakers({{{states}}})"
