"""Exceptions into results: `catching`, `as_result`, and results from ``returns``."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast, overload

from spice_errors._errors import AnySpiceError, SpiceError, UnknownError
from spice_errors._from_exception import from_exception
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._text import check_callable

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "as_result",
    "catch_spice_error",
    "catch_spice_error_async",
    "catching",
    "catching_async",
    "from_returns",
]

T = TypeVar("T")
E = TypeVar("E", bound=SpiceError)
P = ParamSpec("P")


def catching(
    fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> SpiceResult[T, AnySpiceError]:
    """Call ``fn`` now: its value becomes a `Success`, an exception a `Failure`.

    Only `Exception` is caught: ``KeyboardInterrupt``, ``SystemExit``,
    ``GeneratorExit`` and ``asyncio.CancelledError`` propagate.

    Examples:
        >>> catching(int, "42")
        Success(42)
        >>> catching(int, "forty-two").error_or_none().code
        'VALIDATION_ERROR'

    .. versionadded:: 0.1.0
    """
    try:
        return Success(fn(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 -- turning exceptions into failures is the point
        check_callable("catching()", fn)
        return Failure(from_exception(exc))


async def catching_async(
    fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
) -> SpiceResult[T, AnySpiceError]:
    """Await ``fn(*args, **kwargs)``: its value becomes a `Success`, an exception a `Failure`.

    Cancellation (``asyncio.CancelledError``) propagates, as do ``KeyboardInterrupt``
    and ``SystemExit``.

    .. versionadded:: 0.1.0
    """
    try:
        return Success(await fn(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 -- turning exceptions into failures is the point
        check_callable("catching_async()", fn)
        return Failure(from_exception(exc))


catch_spice_error = catching
"""The Kotlin framework's name for `catching`."""
catch_spice_error_async = catching_async
"""The Kotlin framework's name for `catching_async`."""


@overload
def as_result(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
    fn: Callable[P, Coroutine[object, object, T]], /
) -> Callable[P, Coroutine[object, object, SpiceResult[T, AnySpiceError]]]: ...
@overload
def as_result(fn: Callable[P, T], /) -> Callable[P, SpiceResult[T, AnySpiceError]]: ...
def as_result(
    fn: Callable[P, T] | Callable[P, Coroutine[object, object, T]], /
) -> (
    Callable[P, SpiceResult[T, AnySpiceError]]
    | Callable[P, Coroutine[object, object, SpiceResult[T, AnySpiceError]]]
):
    """Make a function return a result instead of raising: a decorator.

    Works on plain and ``async`` functions. Inside, ``r.get_or_raise()`` on a failure
    ends the function with that same error, which gives early return:

    Examples:
        >>> @as_result
        ... def total(prices: list[str]) -> float:
        ...     return sum(catching(float, price).get_or_raise() for price in prices)
        >>> total(["1.5", "2"])
        Success(3.5)
        >>> total(["1.5", "two"]).error_or_none().code
        'VALIDATION_ERROR'

    .. versionadded:: 0.1.0
    """
    check_callable("as_result", fn)
    if inspect.iscoroutinefunction(fn):
        run = fn

        @wraps(fn)
        async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, AnySpiceError]:
            return await catching_async(run, *args, **kwargs)

        return async_wrapper

    plain = cast("Callable[P, T]", fn)

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, AnySpiceError]:
        return catching(plain, *args, **kwargs)

    return wrapper


# -- returns interop ---------------------------------------------------------------------


@overload
def from_returns(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
    result: Result[T, E], /
) -> SpiceResult[T, E]: ...
@overload
def from_returns(result: Result[T, object], /) -> SpiceResult[T, AnySpiceError]: ...
def from_returns(result: Result[T, object], /) -> SpiceResult[T, SpiceError]:
    """Convert a ``returns.result.Result`` into a `SpiceResult`.

    A failure holding a `SpiceError` keeps it; one holding an exception maps through
    `from_exception`; any other failure value becomes an `UnknownError` that shows it.

    .. versionadded:: 0.1.0
    """
    from returns.result import Success as ReturnsSuccess

    if isinstance(result, ReturnsSuccess):
        return Success(result.unwrap())
    value = result.failure()
    if isinstance(value, SpiceError):
        return Failure(value)
    if isinstance(value, BaseException):
        return Failure(from_exception(value))
    return Failure(
        UnknownError(
            f"returns failure holding {type(value).__qualname__}",
            context={"failure_value": value},
        )
    )
