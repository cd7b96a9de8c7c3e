"""Recovery strategies from the Spice guide: network, rate limit, and user messages.

Each ``recover_*`` helper returns a function of the error that ``recover_with``
accepts. Errors a helper does not handle pass through unchanged, and helpers never
swallow exceptions: one raised by a branch propagates.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Final, Literal, Never, TypeAlias, TypeVar, cast

import attrs

from spice_errors._classify import requested_wait
from spice_errors._errors import (
    AnySpiceError,
    AuthenticationError,
    NetworkError,
    RateLimitError,
    RetryableError,
    SpiceError,
    ValidationError,
)
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._testing import STATE
from spice_errors._text import check_seconds, in_range

__all__ = [
    "UserMessage",
    "recover_network",
    "recover_network_async",
    "recover_rate_limit",
    "recover_rate_limit_async",
    "user_message",
]

if TYPE_CHECKING:
    # With no branch given, nothing says what a recovery could succeed with or fail as;
    # the error it is handed is one of the 16 unless the result it recovers says more.
    from typing_extensions import TypeVar as DefaultTypeVar

    T = DefaultTypeVar("T", default=Never)
    E = DefaultTypeVar("E", bound=SpiceError, default=AnySpiceError)
    E2 = DefaultTypeVar("E2", bound=SpiceError, default=Never)
else:
    T = TypeVar("T")
    E = TypeVar("E", bound=SpiceError)
    E2 = TypeVar("E2", bound=SpiceError)

_Routed: TypeAlias = NetworkError | RetryableError
"""What the branches of `recover_network` are called with: the errors it routes."""
_Branch: TypeAlias = Callable[[_Routed], SpiceResult[T, E2]]
_AsyncBranch: TypeAlias = Callable[[_Routed], Awaitable[SpiceResult[T, E2]]]
_FAIL_FAST: Final = frozenset({401, 403})
_NOT_FOUND: Final = 404


def _route(error: SpiceError) -> Literal["server", "not_found", "fail_fast", "otherwise", "pass"]:
    """Which branch of `recover_network` an error takes."""
    if isinstance(error, AuthenticationError):
        return "fail_fast"
    if not isinstance(error, NetworkError | RetryableError):
        return "pass"
    status = error.status_code
    if in_range(status, 500, 599):
        return "server"
    if status == _NOT_FOUND:
        return "not_found"
    if status in _FAIL_FAST:
        return "fail_fast"
    return "otherwise"


def recover_network(
    *,
    on_server_error: _Branch[T, E2] | None = None,
    on_not_found: _Branch[T, E2] | None = None,
    otherwise: _Branch[T, E2] | None = None,
) -> Callable[[E], SpiceResult[T, E | E2]]:
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

    def recover(error: E) -> SpiceResult[T, E | E2]:
        route = _route(error)
        routed = cast("_Routed", error)  # `_route` sends only these to a branch
        if route == "server" and on_server_error is not None:
            return on_server_error(routed)
        if route == "not_found" and on_not_found is not None:
            return on_not_found(routed)
        if route == "otherwise" and otherwise is not None:
            fallback = otherwise(routed)
            return fallback if isinstance(fallback, Success) else Failure(error)
        return Failure(error)

    return recover


def recover_network_async(
    *,
    on_server_error: _AsyncBranch[T, E2] | None = None,
    on_not_found: _AsyncBranch[T, E2] | None = None,
    otherwise: _AsyncBranch[T, E2] | None = None,
) -> Callable[[E], Awaitable[SpiceResult[T, E | E2]]]:
    """`recover_network` with async branches, for ``recover_with_async``.

    .. versionadded:: 0.1.0
    """

    async def recover(error: E) -> SpiceResult[T, E | E2]:
        route = _route(error)
        routed = cast("_Routed", error)  # `_route` sends only these to a branch
        if route == "server" and on_server_error is not None:
            return await on_server_error(routed)
        if route == "not_found" and on_not_found is not None:
            return await on_not_found(routed)
        if route == "otherwise" and otherwise is not None:
            fallback = await otherwise(routed)
            return fallback if isinstance(fallback, Success) else Failure(error)
        return Failure(error)

    return recover


def _rate_limit_wait(error: SpiceError, default_delay: float) -> float | None:
    if not isinstance(error, RateLimitError):
        return None
    wait = requested_wait(error)
    return default_delay if wait is None else wait


def _check_delays(default_delay: float, max_wait: float) -> None:
    check_seconds("default_delay", default_delay)
    check_seconds("max_wait", max_wait)


def recover_rate_limit(
    operation: Callable[[], SpiceResult[T, E2]],
    *,
    default_delay: float = 1.0,
    max_wait: float = 60.0,
    sleep: Callable[[float], object] = time.sleep,
) -> Callable[[E], SpiceResult[T, E | E2]]:
    """The guide's rate-limit recovery: wait as asked, then call ``operation`` once.

    A `RateLimitError` waits its ``retry_after_ms`` (else ``default_delay`` seconds)
    and returns ``operation()``; any other error passes through. A wait longer than
    ``max_wait`` seconds is not waited: the failure comes back at once, with context
    ``retry_stopped="retry_after_exceeds_limit"``. A negative wait counts as 0 and an
    absurd one as too long; neither raises. Waits are skipped under `set_testing`.

    Raises:
        ValueError: When ``default_delay`` or ``max_wait`` is negative, NaN or infinite.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``max_wait``.
    """
    _check_delays(default_delay, max_wait)

    def recover(error: E) -> SpiceResult[T, E | E2]:
        wait = _rate_limit_wait(error, default_delay)
        if wait is None:
            return Failure(error)
        if wait > max_wait:
            return Failure(error.with_context(retry_stopped="retry_after_exceeds_limit"))
        if wait and not STATE.enabled:
            sleep(wait)
        return operation()

    return recover


def recover_rate_limit_async(
    operation: Callable[[], Awaitable[SpiceResult[T, E2]]],
    *,
    default_delay: float = 1.0,
    max_wait: float = 60.0,
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> Callable[[E], Awaitable[SpiceResult[T, E | E2]]]:
    """`recover_rate_limit` for async operations; waits with `asyncio.sleep`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``max_wait``.
    """
    _check_delays(default_delay, max_wait)

    async def recover(error: E) -> SpiceResult[T, E | E2]:
        wait = _rate_limit_wait(error, default_delay)
        if wait is None:
            return Failure(error)
        if wait > max_wait:
            return Failure(error.with_context(retry_stopped="retry_after_exceeds_limit"))
        if wait and not STATE.enabled:
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
