"""The circuit breaker: stop calling a failing dependency for a while, then try once."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from typing import Literal, TypeAlias, TypeVar, cast

from spice_errors._errors import AnySpiceError, RetryableError, RetryHint, SpiceError
from spice_errors._from_exception import from_exception
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._text import check_callable, is_int_at_least, is_number

__all__ = ["CircuitBreaker", "CircuitState"]

T = TypeVar("T")
E = TypeVar("E", bound=SpiceError)


CircuitState: TypeAlias = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Stops calling a failing dependency for a while, then lets one trial call through.

    Closed, it counts consecutive failures; at ``failure_threshold`` it opens. Open, it
    fails at once without calling anything, with a `RetryableError` whose hint is the
    time left until it half-opens (context ``circuit="open"``). Half-open, exactly one
    trial call runs, while other callers fail at once (context
    ``circuit="half_open"``); the trial's success closes the breaker, its failure opens
    it again. A success while closed resets the count.

    Thread-safe and asyncio-safe: the state changes under a lock that is never held
    while an operation runs.

    Args:
        failure_threshold: Consecutive failures that open the breaker.
        reset_timeout: Seconds the breaker stays open before a trial call.
        clock: A monotonic clock in seconds.
        on_state_change: Called with the old and new state at every change, in order,
            while the breaker holds its lock: keep it short (it may read `state`).

    Raises:
        ValueError: When ``failure_threshold`` is not an int >= 1 or ``reset_timeout``
            is not a finite number >= 0.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_state_change: Callable[[CircuitState, CircuitState], object] | None = None,
    ) -> None:
        if not is_int_at_least(failure_threshold, 1):
            msg = f"failure_threshold must be an int >= 1, got {failure_threshold!r}"
            raise ValueError(msg)
        if not is_number(reset_timeout) or not 0 <= reset_timeout < float("inf"):
            msg = f"reset_timeout must be a finite number of seconds >= 0, got {reset_timeout!r}"
            raise ValueError(msg)
        self.failure_threshold = failure_threshold
        self.reset_timeout = float(reset_timeout)
        self._clock = clock
        self._on_state_change = on_state_change
        # Re-entrant, so that a listener may read `state` while it is told of a change.
        self._lock = threading.RLock()
        self._state: CircuitState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    def __repr__(self) -> str:
        return (
            f"CircuitBreaker(state={self.state!r}, failures={self._failures}, "
            f"failure_threshold={self.failure_threshold}, reset_timeout={self.reset_timeout})"
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
        """Consecutive failures counted while closed."""
        return self._failures

    def _change(self, new: CircuitState) -> None:
        """Under the lock: move to ``new`` and tell the listener, in the true order."""
        old, self._state = self._state, new
        if self._on_state_change is not None:
            self._on_state_change(old, new)

    def _admit(self) -> tuple[RetryableError | None, bool]:
        """Under the lock: refuse the call with an error, or admit it (as the trial?)."""
        with self._lock:
            if self._state == "open":
                left = self.reset_timeout - (self._clock() - self._opened_at)
                if left > 0:
                    return self._refusal("open", left), False
                self._change("half_open")
            if self._state == "half_open":
                if self._trial_running:
                    # If the trial fails, the breaker stays open this long again.
                    return self._refusal("half_open", self.reset_timeout), False
                self._trial_running = True
                return None, True
            return None, False

    def _refusal(self, state: CircuitState, left: float) -> RetryableError:
        return RetryableError(
            f"Circuit {state.replace('_', '-')}: the call was not made",
            retry_hint=RetryHint.from_retry_after_seconds(left, reason=f"circuit {state}"),
            context={"circuit": state, "failure_threshold": self.failure_threshold},
        )

    def _record(self, *, ok: bool, trial: bool) -> None:
        with self._lock:
            if trial:
                self._trial_running = False
                self._failures = 0
                if not ok:
                    self._opened_at = self._clock()
                self._change("closed" if ok else "open")
            elif self._state == "closed":
                self._failures = 0 if ok else self._failures + 1
                if self._failures >= self.failure_threshold:
                    self._opened_at = self._clock()
                    self._failures = 0
                    self._change("open")
            # Otherwise the call was let in before the breaker opened: its outcome is
            # stale and changes nothing, so only the trial decides what follows.

    def _abandon(self, *, trial: bool) -> None:
        """A call ended by cancellation or an interrupt: free the trial slot, count nothing."""
        if trial:
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
        refusal, trial = self._admit()
        if refusal is not None:
            return Failure(refusal)
        result: SpiceResult[T, E | AnySpiceError]
        try:
            result = operation()
        except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
            if not callable(cast("object", operation)):
                self._abandon(trial=trial)
                check_callable("CircuitBreaker.call()", operation)
            result = Failure(from_exception(exc))
        except BaseException:
            self._abandon(trial=trial)
            raise
        self._record(ok=isinstance(result, Success), trial=trial)
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
        refusal, trial = self._admit()
        if refusal is not None:
            return Failure(refusal)
        result: SpiceResult[T, E | AnySpiceError]
        try:
            result = await operation()
        except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
            if not callable(cast("object", operation)):
                self._abandon(trial=trial)
                check_callable("CircuitBreaker.call_async()", operation)
            result = Failure(from_exception(exc))
        except BaseException:
            self._abandon(trial=trial)
            raise
        self._record(ok=isinstance(result, Success), trial=trial)
        try:
            return result
        finally:
            # A raised exception's traceback holds this frame: holding no failure here
            # leaves no reference cycle.
            del result
