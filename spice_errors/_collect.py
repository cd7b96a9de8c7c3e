"""Many results at once: `collect`, `partition`, `zip`, `traverse`, and streams."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Never, TypeVar, overload

from spice_errors._errors import AnySpiceError, SpiceError
from spice_errors._from_exception import from_exception
from spice_errors._result import Failure, SpiceResult, Success

__all__ = [
    "as_results",
    "as_results_async",
    "collect",
    "filter_successes",
    "filter_successes_async",
    "partition",
    "traverse",
    "unwrap_successes",
    "unwrap_successes_async",
    "zip",
]

T = TypeVar("T")
A = TypeVar("A")
if TYPE_CHECKING:
    # Results that can only succeed (literals, say) leave the error type unsolved: it
    # defaults to Never instead of Any (mypy) or Unknown (pyright).
    from typing_extensions import TypeVar as DefaultTypeVar

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
