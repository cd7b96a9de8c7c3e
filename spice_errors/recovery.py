"""Recovery strategies from the Spice guide, and a circuit breaker.

Each ``recover_*`` helper returns a function of the error that ``recover_with``
accepts. Errors a helper does not handle pass through unchanged, and helpers never
swallow exceptions: one raised by a branch propagates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final, Literal, TypeAlias, TypeVar

import attrs

from spice_errors._checks import is_int_at_least, is_number
from spice_errors.errors import (
    AnySpiceError,
    AuthenticationError,
    NetworkError,
    RateLimitError,
    RetryableError,
    RetryHint,
    SpiceError,
    ValidationError,
)
from spice_errors.mapping import from_exception
from spice_errors.result import Failure, SpiceResult, Success
from spice_errors.retries import _testing  # pyright: ignore[reportPrivateUsage]

__all__ = [
    "CircuitBreaker",
    "CircuitState",
    "UserMessage",
    "recover_network",
    "recover_network_async",
    "recover_rate_limit",
    "recover_rate_limit_async",
    "user_message",
]

T = TypeVar("T")
E = TypeVar("E", bound=SpiceError)
E2 = TypeVar("E2", bound=SpiceError)

_Branch: TypeAlias = Callable[[E], SpiceResult[T, SpiceError]]
_AsyncBranch: TypeAlias = Callable[[E], Awaitable[SpiceResult[T, SpiceError]]]
_FAIL_FAST: Final = frozenset({401, 403})
_NOT_FOUND: Final = 404


def _route(error: SpiceError) -> Literal["server", "not_found", "fail_fast", "otherwise", "pass"]:
    """Which branch of `recover_network` an error takes."""
    if isinstance(error, AuthenticationError):
        return "fail_fast"
    if not isinstance(error, NetworkError | RetryableError):
        return "pass"
    status = error.status_code
    if status is not None and 500 <= status <= 599:  # noqa: PLR2004 -- the 5xx range
        return "server"
    if status == _NOT_FOUND:
        return "not_found"
    if status in _FAIL_FAST:
        return "fail_fast"
    return "otherwise"


def recover_network(
    *,
    on_server_error: _Branch[SpiceError, T] | None = None,
    on_not_found: _Branch[SpiceError, T] | None = None,
    otherwise: _Branch[SpiceError, T] | None = None,
) -> Callable[[SpiceError], SpiceResult[T, SpiceError]]:
    """The guide's network recovery, as a function for ``recover_with``.

    A `NetworkError` or `RetryableError` with a 5xx status goes to ``on_server_error``
    (typically a retry); a 404 to ``on_not_found`` (typically a default); a 401 or 403,
    and every `AuthenticationError`, fails at once; any other status, or none, goes to
    ``otherwise`` (typically a cache), and if that fails too the original error comes
    back. A branch left as ``None`` passes the failure through.

    Examples:
        >>> recover = recover_network(on_not_found=lambda error: Success("default"))
        >>> Failure(SpiceError.network_error("Not found", 404)).recover_with(recover)
        Success('default')

    .. versionadded:: 0.1.0
    """

    def recover(error: SpiceError) -> SpiceResult[T, SpiceError]:
        route = _route(error)
        if route == "server" and on_server_error is not None:
            return on_server_error(error)
        if route == "not_found" and on_not_found is not None:
            return on_not_found(error)
        if route == "otherwise" and otherwise is not None:
            fallback = otherwise(error)
            return fallback if isinstance(fallback, Success) else Failure(error)
        return Failure(error)

    return recover


def recover_network_async(
    *,
    on_server_error: _AsyncBranch[SpiceError, T] | None = None,
    on_not_found: _AsyncBranch[SpiceError, T] | None = None,
    otherwise: _AsyncBranch[SpiceError, T] | None = None,
) -> Callable[[SpiceError], Awaitable[SpiceResult[T, SpiceError]]]:
    """`recover_network` with async branches, for ``recover_with_async``.

    .. versionadded:: 0.1.0
    """

    async def recover(error: SpiceError) -> SpiceResult[T, SpiceError]:
        route = _route(error)
        if route == "server" and on_server_error is not None:
            return await on_server_error(error)
        if route == "not_found" and on_not_found is not None:
            return await on_not_found(error)
        if route == "otherwise" and otherwise is not None:
            fallback = await otherwise(error)
            return fallback if isinstance(fallback, Success) else Failure(error)
        return Failure(error)

    return recover


def _rate_limit_wait(error: SpiceError, default_delay: float) -> float | None:
    if not isinstance(error, RateLimitError):
        return None
    if error.retry_after_ms is None:
        return default_delay
    return error.retry_after_ms / 1000


def _check_default_delay(default_delay: float) -> None:
    if not is_number(default_delay) or not 0 <= default_delay < float("inf"):
        msg = f"default_delay must be a finite number of seconds >= 0, got {default_delay!r}"
        raise ValueError(msg)


def recover_rate_limit(
    operation: Callable[[], SpiceResult[T, E2]],
    *,
    default_delay: float = 1.0,
    sleep: Callable[[float], object] = time.sleep,
) -> Callable[[E], SpiceResult[T, E | E2]]:
    """The guide's rate-limit recovery: wait as asked, then call ``operation`` once.

    A `RateLimitError` waits its ``retry_after_ms`` (else ``default_delay`` seconds)
    and returns ``operation()``; any other error passes through. Waits are skipped
    under `retry_testing`.

    Raises:
        ValueError: When ``default_delay`` is negative, NaN or infinite.

    .. versionadded:: 0.1.0
    """
    _check_default_delay(default_delay)

    def recover(error: E) -> SpiceResult[T, E | E2]:
        wait = _rate_limit_wait(error, default_delay)
        if wait is None:
            return Failure(error)
        if wait and not _testing.enabled:
            sleep(wait)
        return operation()

    return recover


def recover_rate_limit_async(
    operation: Callable[[], Awaitable[SpiceResult[T, E2]]],
    *,
    default_delay: float = 1.0,
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> Callable[[E], Awaitable[SpiceResult[T, E | E2]]]:
    """`recover_rate_limit` for async operations; waits with `asyncio.sleep`.

    .. versionadded:: 0.1.0
    """
    _check_default_delay(default_delay)

    async def recover(error: E) -> SpiceResult[T, E | E2]:
        wait = _rate_limit_wait(error, default_delay)
        if wait is None:
            return Failure(error)
        if wait and not _testing.enabled:
            if sleep is None:
                import asyncio

                await asyncio.sleep(wait)
            else:
                await sleep(wait)
        return await operation()

    return recover


@attrs.frozen
class UserMessage:
    """A message for the person who typed the input, and the field it is about.

    .. versionadded:: 0.1.0
    """

    field: str
    message: str


def user_message(error: SpiceError, messages: Mapping[str, str] | None = None) -> UserMessage:
    """The guide's validation recovery: what to tell the user about ``error``.

    For a `ValidationError`, the text for its field from ``messages`` when there is
    one, else the error's own message. The field is ``"unknown"`` when the error names
    none, or is not a `ValidationError`.

    Examples:
        >>> error = SpiceError.validation_error("bad format", field="email")
        >>> user_message(error, {"email": "Please enter a valid email address"})
        UserMessage(field='email', message='Please enter a valid email address')

    .. versionadded:: 0.1.0
    """
    field = error.field if isinstance(error, ValidationError) else None
    if field is None:
        return UserMessage(field="unknown", message=error.message)
    text = (messages or {}).get(field, error.message)
    return UserMessage(field=field, message=text)


# -- the circuit breaker ------------------------------------------------------------------

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
