"""Exceptions into results: `catching`, `as_result`, and results from ``returns``."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeAlias, TypeVar, cast, final, overload

from spice_errors._errors import AnySpiceError, SpiceError, UnknownError
from spice_errors._exception import SpiceException
from spice_errors._from_exception import from_exception
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._text import check_callable, type_name

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "AsyncResultDecorator",
    "ExceptionTypes",
    "ResultDecorator",
    "as_result",
    "as_result_async",
    "catch_spice_error",
    "catch_spice_error_async",
    "catching",
    "catching_async",
    "catching_only",
    "catching_only_async",
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


ExceptionTypes: TypeAlias = type[Exception] | tuple[type[Exception], ...]
"""What ``catch=`` takes: an exception class, or a tuple of them, as ``except`` does."""


def _caught(owner: str, exceptions: object) -> tuple[type[Exception], ...]:
    """The classes ``exceptions`` names, checked, with `SpiceException` added.

    A `SpiceException` carries an error already (``get_or_raise`` raises one), so it is
    always read back into its error: early return keeps working.
    """
    classes: tuple[object, ...] = (
        cast("tuple[object, ...]", exceptions) if isinstance(exceptions, tuple) else (exceptions,)
    )
    if not classes:
        msg = f"{owner}: catch must name at least one exception class, got ()"
        raise TypeError(msg)
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            shown = cls.__name__ if isinstance(cls, type) else type_name(cls)
            msg = (
                f"{owner}: catch takes Exception subclasses (a class or a tuple of them), "
                f"got {shown}"
                + (
                    " (it always propagates)"
                    if isinstance(cls, type) and issubclass(cls, BaseException)
                    else ""
                )
            )
            raise TypeError(msg)
    return (*cast("tuple[type[Exception], ...]", classes), SpiceException)


def catching_only(
    exceptions: ExceptionTypes, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> SpiceResult[T, AnySpiceError]:
    """Call ``fn`` now, turning only the ``exceptions`` listed into a `Failure`.

    Any other exception propagates: a bug stays a bug. A `SpiceException` (what
    ``get_or_raise`` raises) always becomes its own error again.

    Examples:
        >>> catching_only(ValueError, int, "forty-two").error_or_none().code
        'VALIDATION_ERROR'
        >>> catching_only((ValueError,), {}.__getitem__, "key")
        Traceback (most recent call last):
        ...
        KeyError: 'key'

    .. versionadded:: 0.2.0
    """
    caught = _caught("catching_only()", exceptions)
    try:
        return Success(fn(*args, **kwargs))
    except caught as exc:
        check_callable("catching_only()", fn)
        return Failure(from_exception(exc))


async def catching_only_async(
    exceptions: ExceptionTypes,
    fn: Callable[P, Awaitable[T]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> SpiceResult[T, AnySpiceError]:
    """`catching_only` for a function whose result is awaited.

    .. versionadded:: 0.2.0
    """
    caught = _caught("catching_only_async()", exceptions)
    try:
        return Success(await fn(*args, **kwargs))
    except caught as exc:
        check_callable("catching_only_async()", fn)
        return Failure(from_exception(exc))


def _sync_wrapper(
    fn: Callable[P, T], caught: tuple[type[Exception], ...] | None
) -> Callable[P, SpiceResult[T, AnySpiceError]]:
    if caught is None:

        @wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, AnySpiceError]:
            return catching(fn, *args, **kwargs)

        return wrapper

    @wraps(fn)
    def only(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, AnySpiceError]:
        try:
            return Success(fn(*args, **kwargs))
        except caught as exc:
            return Failure(from_exception(exc))

    return only


def _async_wrapper(
    fn: Callable[P, Awaitable[T]], caught: tuple[type[Exception], ...] | None
) -> Callable[P, Coroutine[object, object, SpiceResult[T, AnySpiceError]]]:
    if caught is None:

        @wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, AnySpiceError]:
            return await catching_async(fn, *args, **kwargs)

        return wrapper

    @wraps(fn)
    async def only(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, AnySpiceError]:
        try:
            return Success(await fn(*args, **kwargs))
        except caught as exc:
            return Failure(from_exception(exc))

    return only


def _wrap(fn: object, caught: tuple[type[Exception], ...] | None) -> object:
    """A result-returning wrapper of ``fn``: a coroutine function gets an async one."""
    if inspect.iscoroutinefunction(fn):
        return _async_wrapper(cast("Callable[..., Awaitable[object]]", fn), caught)
    return _sync_wrapper(cast("Callable[..., object]", fn), caught)


@final
class ResultDecorator:
    """What ``as_result(catch=...)`` returns: a decorator that catches only those.

    .. versionadded:: 0.2.0
    """

    __slots__ = ("_caught", "_owner")

    def __init__(self, caught: tuple[type[Exception], ...], owner: str) -> None:
        self._caught = caught
        self._owner = owner

    def __call__(self, fn: Callable[P, T], /) -> Callable[P, SpiceResult[T, AnySpiceError]]:
        """Decorate ``fn``."""
        check_callable(self._owner, fn)
        return cast("Callable[P, SpiceResult[T, AnySpiceError]]", _wrap(fn, self._caught))

    def __repr__(self) -> str:
        names = ", ".join(cls.__qualname__ for cls in self._caught[:-1])
        return f"{self._owner}(catch=({names}))"


@final
class AsyncResultDecorator:
    """What ``as_result_async(catch=...)`` returns: a decorator that catches only those.

    .. versionadded:: 0.2.0
    """

    __slots__ = ("_caught",)

    def __init__(self, caught: tuple[type[Exception], ...]) -> None:
        self._caught = caught

    def __call__(
        self, fn: Callable[P, Awaitable[T]], /
    ) -> Callable[P, Coroutine[object, object, SpiceResult[T, AnySpiceError]]]:
        """Decorate ``fn``."""
        check_callable("as_result_async", fn)
        return _async_wrapper(fn, self._caught)

    def __repr__(self) -> str:
        names = ", ".join(cls.__qualname__ for cls in self._caught[:-1])
        return f"as_result_async(catch=({names}))"


@overload
def as_result(fn: Callable[P, T], /) -> Callable[P, SpiceResult[T, AnySpiceError]]: ...
@overload
def as_result(*, catch: ExceptionTypes) -> ResultDecorator: ...
def as_result(
    fn: Callable[P, T] | None = None, /, *, catch: ExceptionTypes | None = None
) -> Callable[P, SpiceResult[T, AnySpiceError]] | ResultDecorator:
    """Make a function return a result instead of raising: a decorator.

    Bare, it turns every `Exception` into a `Failure`; with ``catch=`` only the
    exceptions listed (a class or a tuple), and any other propagates. Inside,
    ``r.get_or_raise()`` on a failure ends the function with that same error, which
    gives early return:

    Examples:
        >>> @as_result
        ... def total(prices: list[str]) -> float:
        ...     return sum(catching(float, price).get_or_raise() for price in prices)
        >>> total(["1.5", "2"])
        Success(3.5)
        >>> total(["1.5", "two"]).error_or_none().code
        'VALIDATION_ERROR'
        >>> @as_result(catch=KeyError)
        ... def price_of(name: str) -> float:
        ...     return {"tea": 2.5}[name]
        >>> price_of("coffee").error_or_none().code
        'UNKNOWN_ERROR'

    An ``async def`` function works too at run time and gets an async wrapper; for type
    checkers to see that, decorate it with `as_result_async`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``catch=``; typed for plain functions (generic ones too).
    """
    if fn is None:
        if catch is None:
            msg = "as_result() takes a function, or catch= with exception classes"
            raise TypeError(msg)
        return ResultDecorator(_caught("as_result", catch), "as_result")
    check_callable("as_result", fn)
    caught = None if catch is None else _caught("as_result", catch)
    return cast("Callable[P, SpiceResult[T, AnySpiceError]]", _wrap(fn, caught))


@overload
def as_result_async(
    fn: Callable[P, Awaitable[T]], /
) -> Callable[P, Coroutine[object, object, SpiceResult[T, AnySpiceError]]]: ...
@overload
def as_result_async(*, catch: ExceptionTypes) -> AsyncResultDecorator: ...
def as_result_async(
    fn: Callable[P, Awaitable[T]] | None = None, /, *, catch: ExceptionTypes | None = None
) -> Callable[P, Coroutine[object, object, SpiceResult[T, AnySpiceError]]] | AsyncResultDecorator:
    """`as_result` for ``async def`` functions, as type checkers see them.

    The wrapper is a coroutine function whose result is a `SpiceResult`; cancellation
    propagates. ``catch=`` as for `as_result`.

    Examples:
        >>> import asyncio
        >>> @as_result_async
        ... async def halve(n: int) -> float:
        ...     return 1 / n if n else int("zero")
        >>> asyncio.run(halve(0)).error_or_none().code
        'VALIDATION_ERROR'

    .. versionadded:: 0.2.0
    """
    if fn is None:
        if catch is None:
            msg = "as_result_async() takes a function, or catch= with exception classes"
            raise TypeError(msg)
        return AsyncResultDecorator(_caught("as_result_async", catch))
    check_callable("as_result_async", fn)
    return _async_wrapper(fn, None if catch is None else _caught("as_result_async", catch))


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
