"""SpiceResult: Success and Failure, their methods, and the functions that build them."""

from __future__ import annotations

import asyncio
import copy
import inspect
import pickle
import sys
import typing
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success, _catching, _collect, _result
from tests import strategies
from tests.helpers import cancel_once_started, hang

NETWORK = se.NetworkError("Upstream failed", status_code=503)

T = TypeVar("T")


def divide(a: int, b: int) -> SpiceResult[int, se.ValidationError]:
    """The Kotlin guide's divide: fails on zero."""
    if b == 0:
        return Failure(SpiceError.validation_error("Division by zero", field="b"))
    return Success(a // b)


class TestKotlinBehaviours:
    """The Kotlin framework's own result behaviours, one test each."""

    def test_success_accessors(self) -> None:
        """A success holds its value and no error."""
        result = se.success(42)
        assert result.is_success
        assert not result.is_failure
        assert 42 == result.get_or_none()
        assert 42 == result.value
        # error_or_none is typed to return None on a success: that None is what is checked.
        assert result.error_or_none() is None  # type: ignore[func-returns-value]

    def test_failure_accessors(self) -> None:
        """A failure holds its error and no value."""
        result = se.failure(NETWORK)
        assert result.is_failure
        assert not result.is_success
        # get_or_none is typed to return None on a failure: that None is what is checked.
        assert result.get_or_none() is None  # type: ignore[func-returns-value]
        assert NETWORK is result.error_or_none()
        assert NETWORK is result.error

    def test_map_chain(self) -> None:
        """5 -> *2 -> +3 is 13."""
        assert Success(13) == se.success(5).map(lambda x: x * 2).map(lambda x: x + 3)

    def test_failure_preserved_through_map(self) -> None:
        """map never calls its function on a failure, which comes back unchanged."""
        calls: list[int] = []
        result = se.failure(NETWORK).map(calls.append).map(lambda _: 1)
        assert Failure(NETWORK) == result
        assert [] == calls

    def test_bind_with_divide(self) -> None:
        """bind chains a function that can fail; the first failure wins."""
        assert Success(5) == se.success(10).bind(lambda x: divide(x, 2))
        failed = se.success(10).bind(lambda x: divide(x, 0)).bind(lambda x: divide(x, 1))
        assert isinstance(failed, Failure)
        assert "Division by zero" == failed.error.message

    def test_flat_map_is_bind(self) -> None:
        """flat_map is the Kotlin name for bind."""
        assert se.success(8).bind(lambda x: divide(x, 2)) == se.success(8).flat_map(
            lambda x: divide(x, 2)
        )
        # Looked up in the class's namespace: mypy sees `flat_map = bind` as a generic
        # class variable, whose access through the class it calls ambiguous.
        assert vars(Failure)["flat_map"] is vars(Failure)["bind"]

    def test_recover(self) -> None:
        """recover turns a failure into a success; a success is untouched."""
        assert Success(0) == se.failure(NETWORK).recover(lambda error: 0)
        assert Success(7) == se.success(7).recover(lambda error: 0)

    def test_recover_with(self) -> None:
        """recover_with replaces a failure by another result, which may fail again."""
        fallback = se.UnknownError("cache empty")
        assert Success("cached") == se.failure(NETWORK).recover_with(
            lambda error: Success("cached")
        )
        assert Failure(fallback) == se.failure(NETWORK).recover_with(
            lambda error: Failure(fallback)
        )
        assert Success(7) == se.success(7).recover_with(lambda error: Success(0))

    def test_fold(self) -> None:
        """fold gives one value from either side."""
        assert "value 3" == se.success(3).fold(lambda v: f"value {v}", lambda e: e.code)
        assert "NETWORK_ERROR" == se.failure(NETWORK).fold(lambda v: f"value {v}", lambda e: e.code)

    def test_catching_a_returning_block(self) -> None:
        """catching wraps a returned value."""
        assert Success(42) == se.catching(lambda: 42)

    def test_catching_a_raising_block(self) -> None:
        """catching turns an exception into a failure through from_exception."""
        result = se.catching(lambda: int("nope"))
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.ValidationError)
        assert isinstance(result.error.cause, ValueError)

    def test_catching_passes_arguments(self) -> None:
        """catching calls fn with the arguments given."""
        assert Success(255) == se.catching(int, "ff", base=16)

    async def test_catching_async_on_a_returning_block(self) -> None:
        """catching_async awaits and wraps the value."""

        async def answer(n: int) -> int:
            return n

        assert Success(42) == await se.catching_async(answer, 42)

    async def test_catching_async_on_a_raising_block(self) -> None:
        """catching_async turns an exception into a failure."""

        async def broken() -> int:
            raise ConnectionRefusedError(111, "refused")

        result = await se.catching_async(broken)
        assert isinstance(result, Failure)
        assert "connect" == result.error.context["phase"]

    def test_on_success_runs_only_on_success(self) -> None:
        """on_success's side effect runs for a success only, and the result is unchanged."""
        seen: list[object] = []
        ok = se.success(1)
        assert ok is ok.on_success(seen.append)
        failed = se.failure(NETWORK)
        assert failed is failed.on_success(seen.append)
        assert [1] == seen

    def test_on_failure_runs_only_on_failure(self) -> None:
        """on_failure's side effect runs for a failure only, and the result is unchanged."""
        seen: list[object] = []
        failed = se.failure(NETWORK)
        assert failed is failed.on_failure(seen.append)
        ok = se.success(1)
        assert ok is ok.on_failure(seen.append)
        assert [NETWORK] == seen

    def test_get_or_default(self) -> None:
        """get_or_default gives the value, or the default on a failure."""
        assert 1 == se.success(1).get_or_default(0)
        assert 0 == se.failure(NETWORK).get_or_default(0)

    def test_get_or_else(self) -> None:
        """get_or_else computes a fallback from the error."""
        assert 1 == se.success(1).get_or_else(lambda error: -1)
        assert 503 == se.failure(NETWORK).get_or_else(lambda error: error.status_code)

    def test_spice_exception_carries_code_and_message(self) -> None:
        """get_or_raise on a failure raises a SpiceException with the code and message."""
        with pytest.raises(se.SpiceException) as caught:
            se.failure(NETWORK).get_or_raise()
        assert "NETWORK_ERROR" == caught.value.code
        assert "Upstream failed" == str(caught.value)
        assert NETWORK is caught.value.error
        assert 1 == se.success(1).get_or_raise()

    def test_map_error_can_change_the_type(self) -> None:
        """map_error transforms the error, possibly to another type."""
        result = se.failure(NETWORK).map_error(
            lambda error: se.UnknownError(f"wrapped: {error.message}")
        )
        assert Failure(se.UnknownError("wrapped: Upstream failed")) == result
        assert Success(1) == se.success(1).map_error(lambda error: se.UnknownError("never"))

    def test_map_does_not_catch(self) -> None:
        """map lets an exception in its function propagate, as Kotlin's does."""
        with pytest.raises(ZeroDivisionError):
            se.success(0).map(lambda x: 1 // x)

    def test_map_catching_does(self) -> None:
        """map_catching turns an exception in its function into a failure."""
        result = se.success(0).map_catching(lambda x: 1 // x)
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.UnknownError)
        assert "ZeroDivisionError" == result.error.context["exception_type"]
        assert Success(2) == se.success(1).map_catching(lambda x: x + 1)
        assert se.failure(NETWORK).map_catching(lambda x: x) == Failure(NETWORK)


class TestValues:
    """Success and Failure as values: immutable, equal, hashable, picklable, final."""

    @pytest.mark.parametrize("result", [Success(1), Failure(NETWORK)], ids=["success", "failure"])
    def test_immutable(self, result: SpiceResult[int]) -> None:
        """Assignment and deletion raise; there is no __dict__."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError, match="is immutable"):
            result.value = 2  # type: ignore[misc, union-attr]  # pyright: ignore[reportAttributeAccessIssue]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del result.other  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]
        assert not hasattr(result, "__dict__")

    def test_equality_and_hash(self) -> None:
        """Results are equal and hash alike by content and variant."""
        assert Success(1) == se.success(1)
        assert hash(Success(1)) == hash(se.success(1))
        assert Failure(NETWORK) == se.failure(se.NetworkError("Upstream failed", status_code=503))
        assert Success(1) != Success(2)
        assert Success(NETWORK) != Failure(NETWORK)
        assert Success(1) != 1
        assert Failure(NETWORK) != NETWORK
        assert len({Success(1), Success(1), Failure(NETWORK), Failure(NETWORK)}) == 2

    def test_repr(self) -> None:
        """repr shows the variant and its content."""
        assert "Success([1, 2])" == repr(Success([1, 2]))
        assert "Failure(UnknownError('x'))" == repr(Failure(se.UnknownError("x")))

    @given(
        st.one_of(st.integers(), st.text(), st.none()).map(Success) | strategies.errors.map(Failure)
    )
    def test_pickle_and_copy(self, result: SpiceResult[object]) -> None:
        """Any result survives pickling and copying."""
        assert result == pickle.loads(pickle.dumps(result))
        assert result == copy.copy(result)
        assert result == copy.deepcopy(result)

    @pytest.mark.parametrize("cls", [Success, Failure])
    def test_final(self, cls: type[Any]) -> None:
        """Neither variant can be subclassed."""
        with pytest.raises(TypeError, match="is final"):
            type("Custom", (cls,), {})

    def test_match_args(self) -> None:
        """match takes results apart positionally."""
        assert ("value",) == Success.__match_args__
        assert ("error",) == Failure.__match_args__

    def test_small(self) -> None:
        """A success is no bigger than an object with one slot."""
        assert sys.getsizeof(Success(1)) <= 56

    def test_subscripted_construction(self) -> None:
        """Success[int](1) works, though the instance cannot record its alias."""
        assert Success(1) == Success[int](1)

    def test_alias_defaults_its_error_type(self) -> None:
        """SpiceResult[int] is Success[int] | Failure[AnySpiceError] at run time too."""
        # mypy cannot subscript a union alias in an expression; the run-time value is the test.
        assert Success[int] | Failure[se.AnySpiceError] == SpiceResult[int]  # type: ignore[misc]
        assert Success[str] | Failure[se.NetworkError] == SpiceResult[str, se.NetworkError]  # type: ignore[misc]
        assert "spice_errors.SpiceResult" == repr(SpiceResult)

    def test_isinstance_of_the_alias(self) -> None:
        """isinstance(x, SpiceResult) tells a result from anything else, at run time."""
        alias: object = SpiceResult
        assert isinstance(Success(1), alias)  # type: ignore[arg-type]
        assert isinstance(Failure(NETWORK), alias)  # type: ignore[arg-type]
        assert not isinstance(1, alias)  # type: ignore[arg-type]
        assert not isinstance(NETWORK, alias)  # type: ignore[arg-type]

    def test_alias_takes_one_or_two_types(self) -> None:
        """More than two types is a clear error."""
        with pytest.raises(TypeError, match="one or two types"):
            SpiceResult[int, SpiceError, str]  # type: ignore[misc, type-arg]


class TestMatching:
    """match/case over results and the errors inside them."""

    @staticmethod
    def describe(result: SpiceResult[int, se.AnySpiceError]) -> str:
        """What a caller would say about each result."""
        match result:
            case Success(value):
                return f"got {value}"
            case Failure(SpiceError.RateLimitError(retry_after_ms=ms)):
                return f"wait {ms}"
            case Failure(error):
                return error.code

    def test_cases(self) -> None:
        """Each case matches what it names."""
        assert "got 3" == self.describe(Success(3))
        assert "wait 5" == self.describe(Failure(se.RateLimitError("slow", retry_after_ms=5)))
        assert "NETWORK_ERROR" == self.describe(Failure(NETWORK))

    def test_type_is_helpers(self) -> None:
        """is_success and is_failure tell the variants apart."""
        assert se.is_success(Success(1))
        assert not se.is_success(Failure(NETWORK))
        assert se.is_failure(Failure(NETWORK))
        assert not se.is_failure(Success(1))


class TestEarlyReturn:
    """get_or_raise inside @as_result ends the function with the same error."""

    def test_sync(self) -> None:
        """The first failing step's error is the function's result, unwrapped."""
        steps: list[str] = []

        @se.as_result
        def pipeline(a: int, b: int) -> int:
            half = divide(a, 2).get_or_raise()
            steps.append("half")
            quotient = divide(half, b).get_or_raise()
            steps.append("quotient")
            return quotient

        assert Success(5) == pipeline(20, 2)
        failed = pipeline(20, 0)
        assert isinstance(failed, Failure)
        assert isinstance(failed.error, se.ValidationError)
        assert "Division by zero" == failed.error.message
        assert ["half", "quotient", "half"] == steps

    async def test_async(self) -> None:
        """The same for async functions."""

        @se.as_result_async
        async def pipeline(b: int) -> int:
            return divide(10, b).get_or_raise()

        assert Success(5) == await pipeline(2)
        failed = await pipeline(0)
        assert isinstance(failed, Failure)
        assert "Division by zero" == failed.error.message

    def test_wraps_keeps_the_name(self) -> None:
        """The decorated function keeps its name and docstring."""

        @se.as_result
        def named() -> int:
            """Docs."""
            return 1

        assert "named" == named.__name__
        assert "Docs." == named.__doc__

    def test_kotlin_aliases(self) -> None:
        """catch_spice_error and its async twin are catching and catching_async."""
        assert se.catch_spice_error is se.catching
        assert se.catch_spice_error_async is se.catching_async


@pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit, GeneratorExit])
def test_base_exceptions_propagate(exc_type: type[BaseException]) -> None:
    """catching, as_result and map_catching never turn these into failures."""

    def interrupted(_: object = None) -> int:
        raise exc_type

    with pytest.raises(exc_type):
        se.catching(interrupted)
    with pytest.raises(exc_type):
        se.as_result(interrupted)()
    with pytest.raises(exc_type):
        se.success(1).map_catching(interrupted)
    with pytest.raises(exc_type):
        list(se.as_results(interrupted() for _ in range(1)))


class TestAsyncMethods:
    """The async twins of map, bind, recover and recover_with."""

    @staticmethod
    async def double(x: int) -> int:
        """Double, after a trip through the event loop."""
        await asyncio.sleep(0)
        return x * 2

    async def test_map_async(self) -> None:
        """map_async awaits its function on a success only."""
        assert Success(4) == await se.success(2).map_async(self.double)
        assert Failure(NETWORK) == await se.failure(NETWORK).map_async(self.double)

    async def test_bind_async(self) -> None:
        """bind_async awaits a function returning a result."""

        async def checked(x: int) -> SpiceResult[int, se.ValidationError]:
            return divide(x, x)

        assert Success(1) == await se.success(3).bind_async(checked)
        assert isinstance(await se.success(0).bind_async(checked), Failure)
        assert Failure(NETWORK) == await se.failure(NETWORK).bind_async(checked)

    async def test_recover_async(self) -> None:
        """recover_async awaits a fallback value on a failure only."""

        async def fallback(error: SpiceError) -> int:
            return len(error.message)

        assert Success(15) == await se.failure(NETWORK).recover_async(fallback)
        assert Success(1) == await se.success(1).recover_async(fallback)

    async def test_recover_with_async(self) -> None:
        """recover_with_async awaits a fallback result on a failure only."""

        async def fallback(error: SpiceError) -> SpiceResult[int]:
            return Success(0)

        assert Success(0) == await se.failure(NETWORK).recover_with_async(fallback)
        assert Success(1) == await se.success(1).recover_with_async(fallback)

    async def test_lambdas_returning_coroutines(self) -> None:
        """Any callable whose result is awaitable works, lambdas included."""
        double = self.double
        assert Success(6) == await se.success(3).map_async(lambda x: double(x + 0))


class TestMany:
    """collect, partition, zip and traverse."""

    def test_collect(self) -> None:
        """collect gathers values, or gives the first failure."""
        other = se.UnknownError("second")
        assert Success([1, 2]) == se.collect([Success(1), Success(2)])
        assert Success([]) == se.collect([])
        results: list[SpiceResult[int]] = [Success(1), Failure(NETWORK), Failure(other)]
        assert Failure(NETWORK) == se.collect(results)

    def test_collect_stops_consuming_at_the_first_failure(self) -> None:
        """Nothing after the first failure is pulled from the input."""
        pulled: list[int] = []

        def results() -> Any:
            for index in range(5):
                pulled.append(index)
                yield Failure(NETWORK) if index == 1 else Success(index)

        assert Failure(NETWORK) == se.collect(results())
        assert [0, 1] == pulled

    def test_partition(self) -> None:
        """partition splits values from errors, in order."""
        other = se.UnknownError("x")
        results: list[SpiceResult[int]] = [Success(1), Failure(NETWORK), Success(2), Failure(other)]
        values, errors = se.partition(results)
        assert [1, 2] == values
        assert [NETWORK, other] == errors

    def test_zip(self) -> None:
        """zip gives a tuple of values, or the first failure."""
        assert Success((1, "a")) == se.zip(Success(1), Success("a"))
        assert Success((1, 2, 3, 4, 5)) == se.zip(*(Success(n) for n in range(1, 6)))
        assert Failure(NETWORK) == se.zip(
            Success(1), Failure(NETWORK), Failure(se.UnknownError("x"))
        )
        assert Success(()) == se.zip()

    def test_traverse(self) -> None:
        """traverse applies a function that can fail, stopping at the first failure."""
        calls: list[int] = []

        def checked(b: int) -> SpiceResult[int, se.ValidationError]:
            calls.append(b)
            return divide(12, b)

        assert Success([6, 4]) == se.traverse([2, 3], checked)
        calls.clear()
        failed = se.traverse([2, 0, 3], checked)
        assert isinstance(failed, Failure)
        assert [2, 0] == calls

    @given(st.lists(st.integers() | st.none()))
    def test_collect_and_partition_agree(self, items: list[int | None]) -> None:
        """collect succeeds exactly when partition finds no errors."""
        results: list[SpiceResult[int]] = [
            Success(item) if item is not None else Failure(se.UnknownError("none"))
            for item in items
        ]
        values, errors = se.partition(results)
        collected = se.collect(results)
        if errors:
            assert Failure(errors[0]) == collected
        else:
            assert Success(values) == collected


class TestStreams:
    """filter_successes, unwrap_successes, as_results and their async twins."""

    RESULTS: tuple[SpiceResult[int], ...] = (Success(1), Failure(NETWORK), Success(2))

    def test_filter_successes(self) -> None:
        """Failures are skipped."""
        assert [1, 2] == list(se.filter_successes(self.RESULTS))

    def test_unwrap_successes(self) -> None:
        """Values flow until the first failure, which raises its SpiceException."""
        seen: list[int] = []
        with pytest.raises(se.SpiceException) as caught:
            seen.extend(se.unwrap_successes(self.RESULTS))
        assert [1] == seen
        assert NETWORK is caught.value.error

    def test_as_results(self) -> None:
        """Items become successes; an exception while iterating is a final failure."""

        def items() -> Any:
            yield 1
            yield 2
            raise ConnectionResetError("stream cut")

        results = list(se.as_results(items()))
        assert [Success(1), Success(2)] == results[:2]
        assert 3 == len(results)
        assert isinstance(results[2], Failure)
        assert isinstance(results[2].error, se.NetworkError)
        assert [Success(1)] == list(se.as_results([1]))

    @staticmethod
    async def aiter_of(items: Iterable[T]) -> AsyncIterator[T]:
        """An async iterator over ``items``, yielding to the loop between them."""
        for item in items:
            await asyncio.sleep(0)
            yield item

    async def test_filter_successes_async(self) -> None:
        """The async twin skips failures."""
        assert [1, 2] == [
            value async for value in se.filter_successes_async(self.aiter_of(self.RESULTS))
        ]

    async def test_unwrap_successes_async(self) -> None:
        """The async twin raises at the first failure."""
        seen: list[int] = []

        async def consume() -> None:
            async for value in se.unwrap_successes_async(self.aiter_of(self.RESULTS)):
                seen.append(value)  # noqa: PERF401 -- the loop must stop at the failure

        with pytest.raises(se.SpiceException):
            await consume()
        assert [1] == seen

    async def test_as_results_async(self) -> None:
        """The async twin turns a failing iteration into a final failure."""

        async def items() -> Any:
            yield "a"
            raise ValueError("bad item")

        results = [result async for result in se.as_results_async(items())]
        assert Success("a") == results[0]
        assert isinstance(results[1], Failure)
        assert isinstance(results[1].error, se.ValidationError)
        assert [Success(1)] == [r async for r in se.as_results_async(self.aiter_of([1]))]


class TestReturnsInterop:
    """to_returns and from_returns, with returns imported only when used."""

    def test_to_returns(self) -> None:
        """Each variant becomes its returns counterpart."""
        from returns.result import Failure as ReturnsFailure
        from returns.result import Success as ReturnsSuccess

        assert ReturnsSuccess(1) == se.success(1).to_returns()
        assert ReturnsFailure(NETWORK) == se.failure(NETWORK).to_returns()

    def test_from_returns(self) -> None:
        """Successes keep their value; failures keep errors and map exceptions."""
        from returns.result import Failure as ReturnsFailure
        from returns.result import Success as ReturnsSuccess

        assert Success(1) == se.from_returns(ReturnsSuccess(1))
        assert Failure(NETWORK) == se.from_returns(ReturnsFailure(NETWORK))
        mapped = se.from_returns(ReturnsFailure(ValueError("bad")))
        assert isinstance(mapped, Failure)
        assert isinstance(mapped.error, se.ValidationError)
        other = se.from_returns(ReturnsFailure("plain text"))
        assert isinstance(other, Failure)
        assert isinstance(other.error, se.UnknownError)
        assert "plain text" == other.error.context["failure_value"]

    def test_round_trip(self) -> None:
        """from_returns(r.to_returns()) == r."""
        for result in (se.success("x"), se.failure(NETWORK)):
            assert result == se.from_returns(result.to_returns())

    def test_returns_is_imported_lazily(self) -> None:
        """Importing spice_errors and using results does not import returns."""
        import subprocess

        code = (
            "import sys, spice_errors as se\n"
            "se.success(1).map(str).bind(lambda v: se.failure(se.UnknownError(v)))\n"
            "print('returns' in sys.modules)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "False" == done.stdout.strip()


class TestExhaustedStreams:
    """Streams of successes only run to their end."""

    def test_unwrap_successes_to_the_end(self) -> None:
        """All values come out when nothing fails."""
        assert [1, 2] == list(se.unwrap_successes([Success(1), Success(2)]))

    async def test_unwrap_successes_async_to_the_end(self) -> None:
        """The async twin too."""
        results = TestStreams.aiter_of([Success(1), Success(2)])
        assert [1, 2] == [value async for value in se.unwrap_successes_async(results)]


class TestCancellation:
    """asyncio.CancelledError passes through everything, never becoming a failure."""

    cancel_while_waiting = staticmethod(cancel_once_started)
    wait_forever = staticmethod(hang)

    async def test_catching_async(self) -> None:
        """Cancelling a task inside catching_async cancels it."""
        await self.cancel_while_waiting(
            lambda started: se.catching_async(self.wait_forever, started)
        )

    async def test_as_result(self) -> None:
        """Cancelling an @as_result_async coroutine cancels it."""
        wrapped = se.as_result_async(self.wait_forever)
        await self.cancel_while_waiting(wrapped)

    async def test_map_async(self) -> None:
        """Cancelling map_async's function cancels the call."""

        async def waiting(started: asyncio.Event) -> object:
            return await se.success(started).map_async(self.wait_forever)

        await self.cancel_while_waiting(waiting)

    async def test_stream_helpers(self) -> None:
        """Cancelling a consumer of any async stream helper cancels it."""

        async def endless(started: asyncio.Event) -> AsyncIterator[SpiceResult[int]]:
            yield Success(1)
            started.set()
            await asyncio.Event().wait()
            yield Success(2)  # pragma: no cover

        helpers: list[Callable[[AsyncIterator[SpiceResult[int]]], AsyncIterator[object]]] = [
            se.filter_successes_async,
            se.unwrap_successes_async,
            se.as_results_async,
        ]
        for helper in helpers:

            async def consume(started: asyncio.Event, helper: Any = helper) -> list[object]:
                return [item async for item in helper(endless(started))]

            await self.cancel_while_waiting(consume)


def _contains_any(annotation: object) -> bool:
    if annotation is Any:
        return True
    return any(_contains_any(arg) for arg in typing.get_args(annotation))


_RESULT_MODULES = (_result, _catching, _collect)


def _public_callables() -> list[tuple[str, Callable[..., object], dict[str, object]]]:
    found: list[tuple[str, Callable[..., object], dict[str, object]]] = []
    for module in _RESULT_MODULES:
        namespace = vars(module)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type):
                found.extend(
                    (f"{name}.{attr}", member, namespace)
                    for attr, member in vars(obj).items()
                    if not attr.startswith("_") and inspect.isfunction(member)
                )
            elif inspect.isfunction(obj):
                found.append((name, obj, namespace))
    return found


@pytest.mark.parametrize(
    ("name", "fn", "namespace"),
    [pytest.param(name, fn, namespace, id=name) for name, fn, namespace in _public_callables()],
)
def test_no_any_in_public_signatures(
    name: str, fn: Callable[..., object], namespace: dict[str, object]
) -> None:
    """No parameter or return type of the result API is, or contains, Any."""
    from returns.result import Result
    from typing_extensions import TypeIs

    hints = typing.get_type_hints(fn, globalns={**namespace, "Result": Result, "TypeIs": TypeIs})
    assert hints, name
    assert [] == [param for param, hint in hints.items() if _contains_any(hint)]


# -- exact messages, hashes and arguments passed on ----------------------------------------


def test_immutability_message() -> None:
    """Assigning to a result names its type and the attribute."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError) as raised:
        Success(1).value = 2  # type: ignore[misc]
    assert ("Success is immutable: cannot assign or delete 'value'",) == raised.value.args


def test_final_message() -> None:
    """Subclassing a result type names the final class and the would-be subclass."""
    with pytest.raises(TypeError) as raised:
        type("Mine", (Failure,), {})
    assert ("Failure is final: Mine cannot subclass it",) == raised.value.args


def test_hash_depends_on_the_content() -> None:
    """Results holding different values or errors hash apart (and equal ones alike)."""
    assert hash(Success(1)) != hash(Success(2))
    assert hash(Success(1)) == hash(Success(1))
    one, two = se.UnknownError("one"), se.UnknownError("two")
    assert hash(Failure(one)) != hash(Failure(two))
    assert hash(Failure(one)) == hash(Failure(se.UnknownError("one")))


def test_recover_gets_the_error() -> None:
    """recover calls its function with the failure's error."""
    assert Success("boom") == Failure(se.UnknownError("boom")).recover(lambda error: error.message)


def test_failure_to_dict_and_json_redact_by_default() -> None:
    """A failure's secrets are masked unless redact=False is passed."""
    failed = Failure(se.UnknownError("x", context={"api_key": "S3cr3t"}))
    assert "S3cr3t" not in repr(failed.to_dict())
    assert "S3cr3t" not in failed.to_json()
    assert "S3cr3t" == failed.to_dict(redact=False)["error"]["context"]["api_key"]  # type: ignore[index]
    assert "S3cr3t" in failed.to_json(redact=False)


async def test_catching_async_passes_keyword_arguments() -> None:
    """catching_async calls the function with the positional and keyword arguments given."""

    async def join(a: str, *, b: str) -> str:
        await asyncio.sleep(0)
        return a + b

    assert Success("xy") == await se.catching_async(join, "x", b="y")


def test_from_returns_names_the_failure_value_type() -> None:
    """A returns failure holding a plain value becomes an UnknownError naming its type."""
    from returns.result import Failure as ReturnsFailure

    converted = se.from_returns(ReturnsFailure(42))
    assert isinstance(converted, Failure)
    assert "returns failure holding int" == converted.error.message
    assert 42 == converted.error.context["failure_value"]
