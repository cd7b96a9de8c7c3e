"""Return errors instead of raising them: ``SpiceResult = Success | Failure``.

A function that can fail returns ``Success(value)`` or ``Failure(error)``; callers chain
the results with ``map``, ``bind`` and ``recover_with``, or take them apart with
``match``. Both variants have every method, so a chain never needs to check which one it
holds.
"""

from __future__ import annotations

from collections.abc import (
    Awaitable,
    Callable,
)
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Generic,
    Literal,
    Never,
    NoReturn,
    TypeAlias,
    TypeVar,
    cast,
    final,
)

from attrs.exceptions import FrozenInstanceError

from spice_errors._errors import AnySpiceError, SpiceError
from spice_errors._from_exception import from_exception

if TYPE_CHECKING:
    from returns.result import Result
    from typing_extensions import TypeIs
    from typing_extensions import TypeVar as DefaultTypeVar

__all__ = [
    "Failure",
    "SpiceResult",
    "Success",
    "failure",
    "is_failure",
    "is_success",
    "success",
]

T_co = TypeVar("T_co", covariant=True)
if TYPE_CHECKING:
    E_co = DefaultTypeVar("E_co", bound=SpiceError, covariant=True, default=AnySpiceError)
else:
    # At run time the default lives in `_ResultAlias`, for two reasons. A type variable
    # with a default needs typing_extensions before 3.13 (about 1.9 ms, 9 % of
    # `import spice_errors`). And on CPython 3.13.0, subscribing a union alias whose type
    # variable has a default raises TypeError, so a real alias could not be subscribed.
    E_co = TypeVar("E_co", bound=SpiceError, covariant=True)
T = TypeVar("T")
if TYPE_CHECKING:
    # A callback that only ever succeeds (or only fails) leaves the other side's type
    # unsolved: it defaults to Never instead of Any (mypy) or Unknown (pyright).
    U = DefaultTypeVar("U", default=Never)
    E = DefaultTypeVar("E", bound=SpiceError, default=Never)
    E2 = DefaultTypeVar("E2", bound=SpiceError, default=Never)
else:
    U = TypeVar("U")
    E = TypeVar("E", bound=SpiceError)
    E2 = TypeVar("E2", bound=SpiceError)

if TYPE_CHECKING:
    # Typed as Any so that `x: Success[U] = _new(Success)` keeps its declared type.
    def _new(cls: type[object], /) -> Any: ...  # noqa: ANN401 -- see above

else:
    _new = object.__new__


def _frozen(self: object, name: str, _value: object = None) -> NoReturn:
    error = FrozenInstanceError()
    error.args = (f"{type(self).__name__} is immutable: cannot assign or delete {name!r}",)
    raise error


def _no_subclass(cls: type) -> None:
    msg = f"{cls.__mro__[1].__name__} is final: {cls.__qualname__} cannot subclass it"
    raise TypeError(msg)


@final
class Success(Generic[T_co]):
    """The result of an operation that worked, holding its ``value``.

    Immutable, hashable when its value is, and picklable.

    Examples:
        >>> Success(5).map(lambda x: x * 2).map(lambda x: x + 3)
        Success(13)

    .. versionadded:: 0.1.0
    """

    __match_args__ = ("value",)

    if TYPE_CHECKING:
        # Read-only for type checkers; at run time a slot guarded by __setattr__.
        @property
        def value(self) -> T_co: ...

    else:
        __slots__ = ("value",)

    is_success: Final[Literal[True]] = True
    """Always ``True`` here."""
    is_failure: Final[Literal[False]] = False
    """Always ``False`` here."""

    def __init__(self, value: T_co) -> None:
        _set_value(self, value)

    __setattr__ = _frozen
    __delattr__ = _frozen

    def __init_subclass__(cls) -> None:
        _no_subclass(cls)

    def __repr__(self) -> str:
        return f"Success({self.value!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Success):
            return bool(self.value == cast("Success[object]", other).value)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((Success, self.value))

    def __reduce__(self) -> tuple[Callable[[T_co], Success[T_co]], tuple[T_co]]:
        return success, (self.value,)

    # -- reading ------------------------------------------------------------------------

    def get_or_none(self) -> T_co:
        """The value, or ``None`` on a failure."""
        return self.value

    def get_or_default(self, default: object, /) -> T_co:
        """The value, or ``default`` on a failure."""
        return self.value

    def get_or_else(self, fn: Callable[[Never], object], /) -> T_co:
        """The value, or ``fn(error)`` on a failure."""
        return self.value

    def get_or_raise(self) -> T_co:
        """The value; on a failure, raise ``error.to_exception()``."""
        return self.value

    def error_or_none(self) -> None:
        """The error, or ``None`` on a success."""

    # -- transforming -------------------------------------------------------------------

    def map(self, fn: Callable[[T_co], U], /) -> Success[U]:
        """Apply ``fn`` to the value. An exception in ``fn`` propagates (as in Kotlin)."""
        result: Success[U] = _new(Success)
        _set_value(result, fn(self.value))
        return result

    def map_catching(self, fn: Callable[[T_co], U], /) -> SpiceResult[U, AnySpiceError]:
        """Apply ``fn`` to the value; an exception in ``fn`` becomes a failure."""
        try:
            return Success(fn(self.value))
        except Exception as exc:  # noqa: BLE001 -- turning exceptions into failures is the point
            return Failure(from_exception(exc))

    def bind(self, fn: Callable[[T_co], SpiceResult[U, E]], /) -> SpiceResult[U, E]:
        """Chain an operation that itself returns a result."""
        return fn(self.value)

    flat_map = bind

    def map_error(self, fn: Callable[[Never], SpiceError], /) -> Success[T_co]:
        """Transform the error of a failure; a success is returned as it is."""
        return self

    def recover(self, fn: Callable[[Never], object], /) -> Success[T_co]:
        """Turn a failure into a success with ``fn(error)``; a success is returned as it is."""
        return self

    def recover_with(
        self, fn: Callable[[Never], SpiceResult[object, SpiceError]], /
    ) -> Success[T_co]:
        """Replace a failure by the result of ``fn(error)``; a success is returned as it is."""
        return self

    def on_success(self, fn: Callable[[T_co], object], /) -> Success[T_co]:
        """Call ``fn(value)`` for its side effect and return this same result."""
        fn(self.value)
        return self

    def on_failure(self, fn: Callable[[Never], object], /) -> Success[T_co]:
        """Call ``fn(error)`` on a failure, for its side effect; return this same result."""
        return self

    def fold(self, on_success: Callable[[T_co], U], on_failure: Callable[[Never], U], /) -> U:
        """``on_success(value)`` or ``on_failure(error)``: the one result both sides give."""
        return on_success(self.value)

    # -- async twins --------------------------------------------------------------------

    async def map_async(self, fn: Callable[[T_co], Awaitable[U]], /) -> Success[U]:
        """`map` with a function whose result is awaited."""
        return Success(await fn(self.value))

    async def bind_async(
        self, fn: Callable[[T_co], Awaitable[SpiceResult[U, E]]], /
    ) -> SpiceResult[U, E]:
        """`bind` with a function whose result is awaited."""
        return await fn(self.value)

    async def recover_async(self, fn: Callable[[Never], Awaitable[object]], /) -> Success[T_co]:
        """`recover` with a function whose result is awaited."""
        return self

    async def recover_with_async(
        self, fn: Callable[[Never], Awaitable[SpiceResult[object, SpiceError]]], /
    ) -> Success[T_co]:
        """`recover_with` with a function whose result is awaited."""
        return self

    # -- interop ------------------------------------------------------------------------

    def to_dict(self, *, redact: bool = True) -> dict[str, object]:
        """This result as plain data; see `spice_errors.result_from_dict`."""
        from spice_errors._serialization import result_to_dict

        return result_to_dict(self, redact=redact)

    def to_json(self, *, redact: bool = True) -> str:
        """This result as a JSON document; see `spice_errors.result_from_json`."""
        from spice_errors._serialization import result_to_json

        return result_to_json(self, redact=redact)

    def to_returns(self) -> Result[T_co, Never]:
        """This result as a ``returns.result.Result``."""
        from returns.result import Success as ReturnsSuccess

        return ReturnsSuccess(self.value)


@final
class Failure(Generic[E_co]):
    """The result of an operation that failed, holding its ``error``.

    Immutable, hashable and picklable.

    Examples:
        >>> failed = Failure(SpiceError.network_error("down", 503))
        >>> failed.map(lambda x: x * 2).get_or_default(0)
        0

    .. versionadded:: 0.1.0
    """

    __match_args__ = ("error",)

    if TYPE_CHECKING:
        # Read-only for type checkers; at run time a slot guarded by __setattr__.
        @property
        def error(self) -> E_co: ...

    else:
        __slots__ = ("error",)

    is_success: Final[Literal[False]] = False
    """Always ``False`` here."""
    is_failure: Final[Literal[True]] = True
    """Always ``True`` here."""

    def __init__(self, error: E_co) -> None:
        _set_error(self, error)

    __setattr__ = _frozen
    __delattr__ = _frozen

    def __init_subclass__(cls) -> None:
        _no_subclass(cls)

    def __repr__(self) -> str:
        return f"Failure({self.error!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Failure):
            return bool(self.error == cast("Failure[SpiceError]", other).error)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((Failure, self.error))

    def __reduce__(self) -> tuple[Callable[[E_co], Failure[E_co]], tuple[E_co]]:
        return failure, (self.error,)

    # -- reading ------------------------------------------------------------------------

    def get_or_none(self) -> None:
        """The value, or ``None`` on a failure."""

    def get_or_default(self, default: U, /) -> U:
        """The value, or ``default`` on a failure."""
        return default

    def get_or_else(self, fn: Callable[[E_co], U], /) -> U:
        """The value, or ``fn(error)`` on a failure."""
        return fn(self.error)

    def get_or_raise(self) -> NoReturn:
        """The value; on a failure, raise ``error.to_exception()``.

        Inside a function decorated with `as_result`, this ends the function with
        this same error.
        """
        raise self.error.to_exception()

    def error_or_none(self) -> E_co:
        """The error, or ``None`` on a success."""
        return self.error

    # -- transforming -------------------------------------------------------------------

    def map(self, fn: Callable[[Never], object], /) -> Failure[E_co]:
        """Apply ``fn`` to the value of a success; a failure is returned as it is."""
        return self

    def map_catching(self, fn: Callable[[Never], object], /) -> Failure[E_co]:
        """Apply ``fn`` to the value of a success; a failure is returned as it is."""
        return self

    def bind(self, fn: Callable[[Never], SpiceResult[object, SpiceError]], /) -> Failure[E_co]:
        """Chain an operation on a success; a failure is returned as it is."""
        return self

    flat_map = bind

    def map_error(self, fn: Callable[[E_co], E2], /) -> Failure[E2]:
        """Transform the error, possibly into another error type."""
        return Failure(fn(self.error))

    def recover(self, fn: Callable[[E_co], U], /) -> Success[U]:
        """Turn this failure into a success with ``fn(error)``."""
        return Success(fn(self.error))

    def recover_with(self, fn: Callable[[E_co], SpiceResult[U, E2]], /) -> SpiceResult[U, E2]:
        """Replace this failure by the result of ``fn(error)``."""
        return fn(self.error)

    def on_success(self, fn: Callable[[Never], object], /) -> Failure[E_co]:
        """Call ``fn(value)`` on a success, for its side effect; return this same result."""
        return self

    def on_failure(self, fn: Callable[[E_co], object], /) -> Failure[E_co]:
        """Call ``fn(error)`` for its side effect and return this same result."""
        fn(self.error)
        return self

    def fold(self, on_success: Callable[[Never], U], on_failure: Callable[[E_co], U], /) -> U:
        """``on_success(value)`` or ``on_failure(error)``: the one result both sides give."""
        return on_failure(self.error)

    # -- async twins --------------------------------------------------------------------

    async def map_async(self, fn: Callable[[Never], Awaitable[object]], /) -> Failure[E_co]:
        """`map` with a function whose result is awaited."""
        return self

    async def bind_async(
        self, fn: Callable[[Never], Awaitable[SpiceResult[object, SpiceError]]], /
    ) -> Failure[E_co]:
        """`bind` with a function whose result is awaited."""
        return self

    async def recover_async(self, fn: Callable[[E_co], Awaitable[U]], /) -> Success[U]:
        """`recover` with a function whose result is awaited."""
        return Success(await fn(self.error))

    async def recover_with_async(
        self, fn: Callable[[E_co], Awaitable[SpiceResult[U, E2]]], /
    ) -> SpiceResult[U, E2]:
        """`recover_with` with a function whose result is awaited."""
        return await fn(self.error)

    # -- interop ------------------------------------------------------------------------

    def to_dict(self, *, redact: bool = True) -> dict[str, object]:
        """This result as plain data, its error's secrets masked unless told."""
        from spice_errors._serialization import result_to_dict

        return result_to_dict(self, redact=redact)

    def to_json(self, *, redact: bool = True) -> str:
        """This result as a JSON document; see `to_dict`."""
        from spice_errors._serialization import result_to_json

        return result_to_json(self, redact=redact)

    def to_returns(self) -> Result[Never, E_co]:
        """This result as a ``returns.result.Result``."""
        from returns.result import Failure as ReturnsFailure

        return ReturnsFailure(self.error)


_set_value = Success.__dict__["value"].__set__
_set_error = Failure.__dict__["error"].__set__


class _ResultAlias:
    """``SpiceResult`` at run time: subscripting it gives ``Success[T] | Failure[E]``.

    Type checkers see a real generic alias whose ``E`` has a default; this stand-in
    gives annotations evaluated at run time the same meaning (see ``E_co`` above for why
    it is not a real alias at run time).
    """

    __slots__ = ()

    def __getitem__(self, params: object) -> object:
        args: tuple[object, ...] = (
            cast("tuple[object, ...]", params) if isinstance(params, tuple) else (params,)
        )
        if len(args) == 1:
            args = (args[0], AnySpiceError)
        if len(args) != 2:  # noqa: PLR2004 -- a value type and an error type
            msg = f"SpiceResult takes one or two types (value, error), got {len(args)}"
            raise TypeError(msg)
        return Success[args[0]] | Failure[args[1]]  # type: ignore[valid-type]  # pyright: ignore[reportInvalidTypeArguments]

    def __instancecheck__(self, instance: object) -> bool:
        """``isinstance(x, SpiceResult)``: whether ``x`` is a `Success` or a `Failure`."""
        return isinstance(instance, Success | Failure)

    def __repr__(self) -> str:
        return "spice_errors.SpiceResult"


if TYPE_CHECKING:
    SpiceResult: TypeAlias = Success[T_co] | Failure[E_co]
    """``Success[T] | Failure[E]``: what a function that can fail returns.

    ``E`` defaults to `AnySpiceError`, the union of the 16 types, so ``SpiceResult[int]``
    is ``Success[int] | Failure[AnySpiceError]`` and a ``match`` over its errors is proved
    complete; it is covariant, so a ``Failure[RateLimitError]`` is a ``SpiceResult[int]``.
    """
else:
    SpiceResult = _ResultAlias()


# -- building results --------------------------------------------------------------------


def success(value: T, /) -> Success[T]:
    """Wrap ``value`` in a `Success`.

    .. versionadded:: 0.1.0
    """
    result: Success[T] = _new(Success)
    _set_value(result, value)
    return result


def failure(error: E, /) -> Failure[E]:
    """Wrap ``error`` in a `Failure`.

    .. versionadded:: 0.1.0
    """
    result: Failure[E] = _new(Failure)
    _set_error(result, error)
    return result


def is_success(result: SpiceResult[T, E], /) -> TypeIs[Success[T]]:
    """Tell whether ``result`` is a `Success`, narrowing its type.

    .. versionadded:: 0.1.0
    """
    return isinstance(result, Success)


def is_failure(result: SpiceResult[T, E], /) -> TypeIs[Failure[E]]:
    """Tell whether ``result`` is a `Failure`, narrowing its type.

    .. versionadded:: 0.1.0
    """
    return isinstance(result, Failure)
