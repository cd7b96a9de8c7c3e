"""Many results at once: `collect`, `partition`, `zip`, `traverse`, and streams."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final, Never, TypeVar, overload

from spice_errors._errors import AnySpiceError, SpiceError, ValidationError
from spice_errors._from_exception import from_exception
from spice_errors._result import Failure, SpiceResult, Success

__all__ = [
    "as_results",
    "as_results_async",
    "collect",
    "collect_all",
    "filter_successes",
    "filter_successes_async",
    "partition",
    "traverse",
    "traverse_all",
    "unwrap_successes",
    "unwrap_successes_async",
    "zip",
    "zip_all",
]

A = TypeVar("A")
if TYPE_CHECKING:
    # Results that can only succeed (literals, say) leave the error type unsolved: it
    # defaults to Never instead of Any (mypy) or Unknown (pyright).
    from typing_extensions import TypeVar as DefaultTypeVar

    # Results that can only fail leave the value type unsolved in the same way.
    T = DefaultTypeVar("T", default=Never)
    # zip's value types take defaults too: a type parameter with a default may not come
    # before one without.
    T1 = DefaultTypeVar("T1", default=Never)
    T2 = DefaultTypeVar("T2", default=Never)
    T3 = DefaultTypeVar("T3", default=Never)
    T4 = DefaultTypeVar("T4", default=Never)
    E = DefaultTypeVar("E", bound=SpiceError, default=Never)
    E1 = DefaultTypeVar("E1", bound=SpiceError, default=Never)
    E2 = DefaultTypeVar("E2", bound=SpiceError, default=Never)
    E3 = DefaultTypeVar("E3", bound=SpiceError, default=Never)
    E4 = DefaultTypeVar("E4", bound=SpiceError, default=Never)
else:
    T = TypeVar("T")
    T1 = TypeVar("T1")
    T2 = TypeVar("T2")
    T3 = TypeVar("T3")
    T4 = TypeVar("T4")
    E = TypeVar("E", bound=SpiceError)
    E1 = TypeVar("E1", bound=SpiceError)
    E2 = TypeVar("E2", bound=SpiceError)
    E3 = TypeVar("E3", bound=SpiceError)
    E4 = TypeVar("E4", bound=SpiceError)


def collect(results: Iterable[SpiceResult[T, E]], /) -> SpiceResult[list[T], E]:
    """``Success`` of all the values, or the first failure (the rest is not consumed).

    Examples:
        >>> collect([Success(1), Success(2)])
        Success([1, 2])

    .. versionadded:: 0.1.0
    """
    values: list[T] = []
    append = values.append
    for result in results:
        if isinstance(result, Failure):
            return result
        append(result.value)
    return Success(values)


def partition(results: Iterable[SpiceResult[T, E]], /) -> tuple[list[T], list[E]]:
    """Split results into the values of the successes and the errors of the failures.

    .. versionadded:: 0.1.0
    """
    values: list[T] = []
    errors: list[E] = []
    for result in results:
        if isinstance(result, Success):
            values.append(result.value)
        else:
            errors.append(result.error)
    return values, errors


@overload
def zip(
    r1: SpiceResult[T1, E1], r2: SpiceResult[T2, E2], /
) -> Success[tuple[T1, T2]] | Failure[E1] | Failure[E2]: ...
@overload
def zip(
    r1: SpiceResult[T1, E1], r2: SpiceResult[T2, E2], r3: SpiceResult[T3, E3], /
) -> Success[tuple[T1, T2, T3]] | Failure[E1] | Failure[E2] | Failure[E3]: ...
@overload
def zip(
    r1: SpiceResult[T1, E1],
    r2: SpiceResult[T2, E2],
    r3: SpiceResult[T3, E3],
    r4: SpiceResult[T4, E4],
    /,
) -> Success[tuple[T1, T2, T3, T4]] | Failure[E1] | Failure[E2] | Failure[E3] | Failure[E4]: ...
@overload
def zip(*results: SpiceResult[T, E]) -> SpiceResult[tuple[T, ...], E]: ...
def zip(*results: SpiceResult[object, SpiceError]) -> SpiceResult[tuple[object, ...], SpiceError]:
    """``Success`` of a tuple of all the values, or the first failure.

    Examples:
        >>> zip(Success(1), Success("a"))
        Success((1, 'a'))

    .. versionadded:: 0.1.0
    """
    collected = collect(results)
    if isinstance(collected, Failure):
        return collected
    return Success(tuple(collected.value))


def traverse(
    items: Iterable[A], fn: Callable[[A], SpiceResult[T, E]], /
) -> SpiceResult[list[T], E]:
    """Apply ``fn`` to each item: ``Success`` of all values, or the first failure.

    Stops at the first failure, calling ``fn`` no further.

    .. versionadded:: 0.1.0
    """
    return collect(fn(item) for item in items)


# -- every error, not only the first ---------------------------------------------------

_SHOWN_IN_MESSAGE: Final = 3
"""How many of the problems a combined error's message names; ``errors`` holds them all."""


def _problem(error: ValidationError) -> str:
    return f"{error.field}: {error.message}" if error.field else error.message


def combine_validation(errors: Sequence[ValidationError], /) -> ValidationError:
    """One `ValidationError` holding ``errors`` in order, its message counting them.

    Examples:
        >>> combine_validation(
        ...     [ValidationError("must be positive", field="age"), ValidationError("required")]
        ... ).message
        '2 invalid fields: age: must be positive; required'

    .. versionadded:: 0.2.0
    """
    count = len(errors)
    shown = "; ".join(_problem(error) for error in errors[:_SHOWN_IN_MESSAGE])
    more = f"; and {count - _SHOWN_IN_MESSAGE} more" if count > _SHOWN_IN_MESSAGE else ""
    noun = "invalid field" if count == 1 else "invalid fields"
    return ValidationError(f"{count} {noun}: {shown}{more}", errors=tuple(errors))


def _failed(errors: Sequence[E]) -> E | ValidationError:
    """The first error that is not a validation problem, else all of them as one."""
    for error in errors:
        if not isinstance(error, ValidationError):
            return error
    return combine_validation(errors)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # each is one, checked above


def collect_all(
    results: Iterable[SpiceResult[T, E]], /
) -> SpiceResult[list[T], E | ValidationError]:
    """``Success`` of all the values, or, when any failed, every failure considered.

    Everything is consumed. When every failure is a `ValidationError`, the failure is
    one `ValidationError` whose ``errors`` holds them all, in order (one too); otherwise
    it is the first failure that is not one, unchanged: an outage is not a problem with
    the input.

    Examples:
        >>> collect_all([Success(1), Success(2)])
        Success([1, 2])
        >>> failed = collect_all(
        ...     [
        ...         Failure(ValidationError("too short", field="name")),
        ...         Success(3),
        ...         Failure(ValidationError("must be positive", field="age")),
        ...     ]
        ... )
        >>> failed.error_or_none().message
        '2 invalid fields: name: too short; age: must be positive'
        >>> [error.field for error in failed.error_or_none().errors]
        ['name', 'age']

    .. versionadded:: 0.2.0
    """
    values: list[T] = []
    append = values.append
    errors: list[E] = []
    for result in results:
        if isinstance(result, Success):
            append(result.value)
        else:
            errors.append(result.error)
    if errors:
        return Failure(_failed(errors))
    return Success(values)


def traverse_all(
    items: Iterable[A], fn: Callable[[A], SpiceResult[T, E]], /
) -> SpiceResult[list[T], E | ValidationError]:
    """Apply ``fn`` to every item; the values, or the failures as `collect_all` combines them.

    ``fn`` is called on every item, whatever failed before.

    .. versionadded:: 0.2.0
    """
    return collect_all(fn(item) for item in items)


@overload
def zip_all(
    r1: SpiceResult[T1, E1], r2: SpiceResult[T2, E2], /
) -> Success[tuple[T1, T2]] | Failure[E1] | Failure[E2] | Failure[ValidationError]: ...
@overload
def zip_all(
    r1: SpiceResult[T1, E1], r2: SpiceResult[T2, E2], r3: SpiceResult[T3, E3], /
) -> (
    Success[tuple[T1, T2, T3]] | Failure[E1] | Failure[E2] | Failure[E3] | Failure[ValidationError]
): ...
@overload
def zip_all(
    r1: SpiceResult[T1, E1],
    r2: SpiceResult[T2, E2],
    r3: SpiceResult[T3, E3],
    r4: SpiceResult[T4, E4],
    /,
) -> (
    Success[tuple[T1, T2, T3, T4]]
    | Failure[E1]
    | Failure[E2]
    | Failure[E3]
    | Failure[E4]
    | Failure[ValidationError]
): ...
@overload
def zip_all(*results: SpiceResult[T, E]) -> SpiceResult[tuple[T, ...], E | ValidationError]: ...
def zip_all(
    *results: SpiceResult[object, SpiceError],
) -> SpiceResult[tuple[object, ...], SpiceError]:
    """``Success`` of a tuple of all the values, or the failures as `collect_all` combines them.

    Examples:
        >>> zip_all(Success(1), Success("a"))
        Success((1, 'a'))
        >>> zip_all(
        ...     Failure(ValidationError("required", field="name")),
        ...     Failure(ValidationError("required", field="email")),
        ... ).error_or_none().message
        '2 invalid fields: name: required; email: required'

    .. versionadded:: 0.2.0
    """
    collected = collect_all(results)
    if isinstance(collected, Failure):
        return collected
    return Success(tuple(collected.value))


# -- streams -----------------------------------------------------------------------------


def filter_successes(results: Iterable[SpiceResult[T, E]], /) -> Iterator[T]:
    """Yield the values of the successes, skipping failures.

    .. versionadded:: 0.1.0
    """
    for result in results:
        if isinstance(result, Success):
            yield result.value


def unwrap_successes(results: Iterable[SpiceResult[T, E]], /) -> Iterator[T]:
    """Yield the values; raise `SpiceException` at the first failure.

    .. versionadded:: 0.1.0
    """
    for result in results:
        yield result.get_or_raise()


def as_results(items: Iterable[T], /) -> Iterator[SpiceResult[T, AnySpiceError]]:
    """Yield each item as a `Success`; an exception while iterating ends with a `Failure`.

    .. versionadded:: 0.1.0
    """
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 -- the failure ends the stream, as data
            yield Failure(from_exception(exc))
            return
        yield Success(item)


async def filter_successes_async(results: AsyncIterable[SpiceResult[T, E]], /) -> AsyncIterator[T]:
    """`filter_successes` for async iterables.

    .. versionadded:: 0.1.0
    """
    async for result in results:
        if isinstance(result, Success):
            yield result.value


async def unwrap_successes_async(results: AsyncIterable[SpiceResult[T, E]], /) -> AsyncIterator[T]:
    """`unwrap_successes` for async iterables.

    .. versionadded:: 0.1.0
    """
    async for result in results:
        yield result.get_or_raise()


async def as_results_async(
    items: AsyncIterable[T], /
) -> AsyncIterator[SpiceResult[T, AnySpiceError]]:
    """`as_results` for async iterables; cancellation propagates.

    .. versionadded:: 0.1.0
    """
    iterator = aiter(items)
    while True:
        try:
            item = await anext(iterator)
        except StopAsyncIteration:
            return
        except Exception as exc:  # noqa: BLE001 -- the failure ends the stream, as data
            yield Failure(from_exception(exc))
            return
        yield Success(item)
