"""Type-checked, never run: what mypy and pyright must infer for SpiceResult.

mypy checks this file with ``disallow_any_expr``: no expression here may be ``Any``, so
no ``Any`` leaks out of the result API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Never, TypeVar, assert_never, assert_type

from returns.result import Result

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success

T = TypeVar("T")


def some_int() -> SpiceResult[int]:
    return Success(1)


def some_network_int() -> SpiceResult[int, se.NetworkError]:
    return Success(1)


# -- the alias and its default ----------------------------------------------------------
ok = some_int()
assert_type(ok, Success[int] | Failure[se.AnySpiceError])
narrow: SpiceResult[int, se.NetworkError] = Failure(se.NetworkError("down"))

# -- covariance: a more precise failure or success is a SpiceResult[int] ------------------
rate_limited: SpiceResult[int] = Failure(se.RateLimitError("slow down"))
precise: Failure[se.RateLimitError] = Failure(se.RateLimitError("slow down"))
widened: SpiceResult[int] = precise
bools: Success[bool] = Success(True)  # noqa: FBT003 -- a literal is what is being typed
numbers: SpiceResult[int] = bools


def returns_int_result() -> SpiceResult[int]:
    return Failure(se.RateLimitError("slow down"))


# -- constructors -----------------------------------------------------------------------
assert_type(se.success(1), Success[int])
assert_type(se.failure(se.TimeoutError("slow")), Failure[se.TimeoutError])
assert_type(se.catching(int, "1"), Success[int] | Failure[se.AnySpiceError])
assert_type(se.catch_spice_error(int, "1"), Success[int] | Failure[se.AnySpiceError])


async def fetch(n: int) -> str:
    return str(n)


async def check_async() -> None:
    assert_type(await se.catching_async(fetch, 1), Success[str] | Failure[se.AnySpiceError])
    assert_type(await se.catch_spice_error_async(fetch, 1), SpiceResult[str, se.AnySpiceError])
    assert_type(await fetched(1), SpiceResult[str, se.AnySpiceError])
    assert_type(await fetched_only(1), SpiceResult[str, se.AnySpiceError])
    assert_type(
        await se.catching_only_async(KeyError, fetch, 1), SpiceResult[str, se.AnySpiceError]
    )
    assert_type(await ok.map_async(fetch), Success[str] | Failure[se.AnySpiceError])
    assert_type(
        await ok.bind_async(lambda n: se.catching_async(fetch, n)),
        Success[str] | Failure[se.AnySpiceError] | Failure[se.AnySpiceError],
    )


@se.as_result
def parse(text: str) -> int:
    return int(text)


@se.as_result_async
async def fetched(n: int) -> str:
    return str(n)


@se.as_result_async(catch=(KeyError, ValueError))
async def fetched_only(n: int) -> str:
    return str(n)


@se.as_result
def first(items: list[T]) -> T:
    return items[0]


@se.as_result(catch=IndexError)
def first_only(items: list[T]) -> T:
    return items[0]


# A generic function keeps its type variable (mypy once took the async overload here).
assert_type(first([1, 2]), SpiceResult[int, se.AnySpiceError])
assert_type(first_only(["a"]), SpiceResult[str, se.AnySpiceError])
assert_type(se.catching_only((KeyError,), int, "1"), SpiceResult[int, se.AnySpiceError])
se.as_result(catch=KeyboardInterrupt)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
se.catching_only("KeyError", int, "1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


assert_type(parse("1"), SpiceResult[int, se.AnySpiceError])
coroutine: Coroutine[object, object, SpiceResult[str, se.AnySpiceError]] = fetched(1)

# -- reading ----------------------------------------------------------------------------
assert_type(ok.get_or_none(), int | None)
assert_type(ok.get_or_default("none"), int | str)
assert_type(ok.get_or_else(lambda error: len(error.message)), int)
assert_type(ok.get_or_raise(), int)
assert_type(ok.error_or_none(), se.AnySpiceError | None)
assert_type(ok.is_success, bool)

# -- transforming -----------------------------------------------------------------------
assert_type(ok.map(str), Success[str] | Failure[se.AnySpiceError])
assert_type(ok.map(lambda n: n * 2.5), Success[float] | Failure[se.AnySpiceError])
assert_type(
    ok.map_catching(lambda n: 10 // n),
    SpiceResult[int, se.AnySpiceError] | Failure[se.AnySpiceError],
)


def to_network(n: int) -> SpiceResult[str, se.NetworkError]:
    return Success(str(n)) if n else Failure(se.NetworkError("zero"))


# bind can change the error type: the union says which errors can come out.
assert_type(
    ok.bind(to_network), Success[str] | Failure[se.NetworkError] | Failure[se.AnySpiceError]
)
assert_type(ok.flat_map(to_network), SpiceResult[str, se.NetworkError] | Failure[se.AnySpiceError])
assert_type(
    ok.map_error(lambda error: se.UnknownError(error.message)),
    Success[int] | Failure[se.UnknownError],
)
assert_type(ok.recover(lambda error: 0), Success[int])
assert_type(ok.recover(lambda error: "default"), Success[int] | Success[str])
assert_type(
    ok.recover_with(lambda error: to_network(0)), Success[int] | SpiceResult[str, se.NetworkError]
)
assert_type(ok.on_success(print), Success[int] | Failure[se.AnySpiceError])
assert_type(ok.on_failure(print), Success[int] | Failure[se.AnySpiceError])
assert_type(ok.fold(str, lambda error: error.code), str)


# -- narrowing --------------------------------------------------------------------------
def by_match(result: SpiceResult[int, se.NetworkError]) -> str:
    match result:
        case Success(value):
            assert_type(value, int)
            return str(value)
        case Failure(error):
            assert_type(error, se.NetworkError)
            return error.code
        case _:
            assert_never(result)


def by_helper(result: SpiceResult[int, se.NetworkError]) -> int:
    if se.is_success(result):
        assert_type(result, Success[int])
        return result.value
    assert_type(result, Failure[se.NetworkError])
    return 0


def by_failure_helper(result: SpiceResult[int, se.NetworkError]) -> int:
    if se.is_failure(result):
        assert_type(result, Failure[se.NetworkError])
        return 0
    assert_type(result, Success[int])
    return result.value


def by_isinstance(result: SpiceResult[int]) -> int:
    if isinstance(result, Success):
        return result.value
    assert_type(result, Failure[se.AnySpiceError])
    return -1


# -- many results -----------------------------------------------------------------------
results = [some_network_int()]
assert_type(se.collect(results), SpiceResult[list[int], se.NetworkError])
assert_type(se.partition(results), tuple[list[int], list[se.NetworkError]])
assert_type(se.traverse(["1", "2"], parse), SpiceResult[list[int], se.AnySpiceError])
assert_type(
    se.zip(ok, to_network(1)),
    Success[tuple[int, str]] | Failure[se.AnySpiceError] | Failure[se.NetworkError],
)
assert_type(
    se.zip(ok, ok, to_network(1)),
    Success[tuple[int, int, str]] | Failure[se.AnySpiceError] | Failure[se.NetworkError],
)
assert_type(se.zip(ok, ok, ok, ok), Success[tuple[int, int, int, int]] | Failure[se.AnySpiceError])
assert_type(se.zip(ok, ok, ok, ok, ok), SpiceResult[tuple[int, ...], se.AnySpiceError])
assert_type(se.filter_successes(results), Iterator[int])
assert_type(se.unwrap_successes(results), Iterator[int])
assert_type(se.as_results([1, 2]), Iterator[SpiceResult[int, se.AnySpiceError]])


async def stream() -> AsyncIterator[SpiceResult[int, se.NetworkError]]:
    yield Success(1)


async def numbers_stream() -> AsyncIterator[int]:
    yield 1


assert_type(se.filter_successes_async(stream()), AsyncIterator[int])
assert_type(se.unwrap_successes_async(stream()), AsyncIterator[int])
assert_type(
    se.as_results_async(numbers_stream()), AsyncIterator[SpiceResult[int, se.AnySpiceError]]
)

# -- returns interop --------------------------------------------------------------------
assert_type(ok.to_returns(), Result[int, Never] | Result[Never, se.AnySpiceError])
converted: Result[int, SpiceError] = ok.to_returns()


def from_returns_checks(
    spice_failure: Result[int, se.TimeoutError], exception_failure: Result[int, ValueError]
) -> None:
    assert_type(se.from_returns(spice_failure), SpiceResult[int, se.TimeoutError])
    assert_type(se.from_returns(exception_failure), SpiceResult[int, se.AnySpiceError])


# -- what must not type-check -----------------------------------------------------------
Success(1).value = 2  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
se.failure(ValueError("not an error"))  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
text_result = se.success("text")
wrong: SpiceResult[int] = text_result  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


# -- a callback that only succeeds, or only fails, leaves no type unsolved --------------
# (each was `Any` in mypy, "Need type annotation", and partly Unknown in pyright)
def parse_port(text: str) -> SpiceResult[int, se.ValidationError]:
    return Success(int(text)) if text.isdigit() else Failure(se.ValidationError("not a port"))


refused = parse_port("80").bind(lambda port: Failure(se.ValidationError(f"{port} is taken")))
assert_type(refused, Success[Never] | Failure[se.ValidationError])
kept = parse_port("x").recover_with(lambda error: Success(0))
assert_type(kept, Success[int] | Failure[Never])
chained = parse_port("80").bind(lambda port: Success(port * 2)).map_error(lambda error: error)
# pyright keeps a `Failure[Never]` member that mypy folds away: both accept this.
chained_as_declared: SpiceResult[int, se.ValidationError] = chained
collected = se.collect([Success(1), Success(2)])
assert_type(collected, Success[list[int]] | Failure[Never])
split = se.partition([Success(1), Success(2)])
assert_type(split, tuple[list[int], list[Never]])
zipped = se.zip(Success(1), Success("a"))
assert_type(zipped, Success[tuple[int, str]] | Failure[Never])


def to_int(text: str) -> Success[int]:
    return Success(int(text))


traversed = se.traverse(["1", "2"], to_int)
assert_type(traversed, Success[list[int]] | Failure[Never])


# -- the default error type is the union of the 16, so matching it is proved complete ----
# (check_errors.py proves a 16-case match over AnySpiceError complete)
def failure_code(result: SpiceResult[int]) -> str:
    """A plain SpiceResult[int]'s error is an AnySpiceError: no annotation needed."""
    if isinstance(result, Success):
        return "ok"
    assert_type(result.error, se.AnySpiceError)
    return result.error.code


# -- every error, not only the first ----------------------------------------------------
def validated(n: int) -> SpiceResult[int, se.ValidationError]:
    return Success(n) if n > 0 else Failure(se.ValidationError("must be positive"))


assert_type(
    se.collect_all([validated(1), validated(2)]),
    Success[list[int]] | Failure[se.ValidationError],
)
assert_type(
    se.collect_all([Success(1), Success(2)]), Success[list[int]] | Failure[se.ValidationError]
)
assert_type(se.traverse_all([1, 2], validated), Success[list[int]] | Failure[se.ValidationError])
assert_type(
    se.collect_all([some_network_int()]),
    Success[list[int]] | Failure[se.NetworkError | se.ValidationError],
)
assert_type(
    se.zip_all(validated(1), Success("a")),
    Success[tuple[int, str]] | Failure[se.ValidationError] | Failure[Never],
)
combined = se.collect_all([validated(1), validated(-1)])
if se.is_failure(combined):
    assert_type(combined.error.errors, tuple[se.ValidationError, ...])
# Results that can only fail leave no value type unsolved.
assert_type(
    se.collect_all([Failure(se.ValidationError("a")), Failure(se.ValidationError("b"))]),
    Success[list[Never]] | Failure[se.ValidationError],
)
assert_type(
    se.collect([Failure(se.TimeoutError("slow"))]), Success[list[Never]] | Failure[se.TimeoutError]
)
