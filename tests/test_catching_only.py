"""Catching only what you mean (SPEC section 2): ``catch=``, `catching_only`, `as_result_async`."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, SpiceResult, Success


def price_of(name: str) -> float:
    """A lookup that raises KeyError for an unknown name and ValueError for a bad price."""
    return float({"tea": "2.5", "cake": "lots"}[name])


async def price_of_async(name: str) -> float:
    await asyncio.sleep(0)
    return price_of(name)


def divide(a: int, b: int) -> SpiceResult[int, se.ValidationError]:
    if b == 0:
        return Failure(se.ValidationError("Division by zero", field="b"))
    return Success(a // b)


class TestCatchingOnly:
    """`catching_only` and its async twin: the classes listed, and only those."""

    def test_a_listed_exception_is_a_failure(self) -> None:
        failed = se.catching_only((KeyError,), price_of, "coffee")
        assert isinstance(failed, Failure)
        assert isinstance(failed.error, se.UnknownError)
        assert isinstance(failed.error.cause, KeyError)
        assert Success(2.5) == se.catching_only(KeyError, price_of, "tea")

    def test_another_exception_propagates(self) -> None:
        with pytest.raises(ValueError, match="could not convert string to float"):
            se.catching_only((KeyError,), price_of, "cake")

    def test_a_subclass_of_a_listed_class_is_caught(self) -> None:
        """As ``except`` does: LookupError covers KeyError."""
        assert isinstance(se.catching_only(LookupError, price_of, "coffee"), Failure)

    def test_a_spice_exception_is_its_own_error(self) -> None:
        """get_or_raise inside still returns that same error, whatever is listed."""
        failed = se.catching_only(KeyError, lambda: divide(1, 0).get_or_raise())
        assert Failure(se.ValidationError("Division by zero", field="b")) == failed

    async def test_async(self) -> None:
        assert Success(2.5) == await se.catching_only_async(KeyError, price_of_async, "tea")
        failed = await se.catching_only_async((KeyError,), price_of_async, "coffee")
        assert isinstance(failed, Failure)
        with pytest.raises(ValueError, match="could not convert"):
            await se.catching_only_async(KeyError, price_of_async, "cake")

    def test_not_callable_is_a_type_error_even_when_type_error_is_listed(self) -> None:
        with pytest.raises(TypeError, match=r"^catching_only\(\) takes a function to call"):
            se.catching_only(TypeError, cast("Any", 42))

    async def test_not_callable_async(self) -> None:
        with pytest.raises(TypeError, match=r"^catching_only_async\(\) takes a function"):
            await se.catching_only_async(TypeError, cast("Any", "fetch"))

    @pytest.mark.parametrize(
        ("catch", "shown"),
        [
            ((), "catch must name at least one exception class, got ()"),
            (KeyboardInterrupt, "got KeyboardInterrupt (it always propagates)"),
            ((ValueError, asyncio.CancelledError), "got CancelledError (it always propagates)"),
            (int, "got int"),
            ("ValueError", "got str"),
            ((ValueError, None), "got NoneType"),
        ],
    )
    def test_what_catch_takes(self, catch: object, shown: str) -> None:
        """Exception subclasses only: the others always propagate, by the contract."""
        with pytest.raises(TypeError, match=rf"^catching_only\(\): .*{_escaped(shown)}$"):
            se.catching_only(cast("Any", catch), price_of, "tea")
        with pytest.raises(TypeError, match=rf"^as_result: .*{_escaped(shown)}$"):
            se.as_result(catch=cast("Any", catch))

    @given(st.sampled_from(["tea", "cake", "coffee"]), st.sampled_from([KeyError, ValueError]))
    def test_exactly_the_listed_ones_become_failures(
        self, name: str, listed: type[Exception]
    ) -> None:
        """Property: the outcome is what ``try``/``except listed`` would give."""
        try:
            expected: object = Success(price_of(name))
        except listed as exc:
            expected = type(exc)
        except Exception as exc:
            with pytest.raises(type(exc)):
                se.catching_only(listed, price_of, name)
            return
        got = se.catching_only(listed, price_of, name)
        if isinstance(got, Failure):
            assert type(got.error.cause) is expected
        else:
            assert expected == got


def _escaped(text: str) -> str:
    import re

    return re.escape(text)


class TestAsResultCatch:
    """``@as_result(catch=...)``."""

    def test_sync(self) -> None:
        @se.as_result(catch=KeyError)
        def lookup(name: str) -> float:
            return price_of(name)

        assert Success(2.5) == lookup("tea")
        assert isinstance(lookup("coffee"), Failure)
        with pytest.raises(ValueError, match="could not convert"):
            lookup("cake")
        assert "lookup" == lookup.__name__

    def test_early_return_keeps_the_error(self) -> None:
        @se.as_result(catch=(KeyError,))
        def half_of(b: int) -> int:
            return divide(10, b).get_or_raise()

        assert Success(5) == half_of(2)
        assert Failure(se.ValidationError("Division by zero", field="b")) == half_of(0)

    def test_the_decorator_shows_what_it_catches(self) -> None:
        assert "as_result(catch=(KeyError, ValueError))" == repr(
            se.as_result(catch=(KeyError, ValueError))
        )
        assert "as_result_async(catch=(KeyError))" == repr(se.as_result_async(catch=KeyError))

    async def test_on_an_async_function(self) -> None:
        """``as_result(catch=...)`` on an ``async def`` gives an async wrapper at run time."""
        wrapped: Any = se.as_result(catch=KeyError)(price_of_async)
        assert inspect.iscoroutinefunction(wrapped)
        assert Success(2.5) == await wrapped("tea")
        assert isinstance(await wrapped("coffee"), Failure)
        with pytest.raises(ValueError, match="could not convert"):
            await wrapped("cake")

    def test_needs_a_function_or_catch(self) -> None:
        with pytest.raises(TypeError, match=r"^as_result\(\) takes a function, or catch="):
            cast("Any", se.as_result)()
        with pytest.raises(TypeError, match=r"^as_result_async\(\) takes a function, or catch="):
            cast("Any", se.as_result_async)()

    def test_the_decorator_refuses_what_is_not_callable(self) -> None:
        with pytest.raises(TypeError, match=r"^as_result takes a function to call, got int"):
            se.as_result(catch=KeyError)(cast("Any", 3))
        with pytest.raises(TypeError, match=r"^as_result_async takes a function to call"):
            se.as_result_async(catch=KeyError)(cast("Any", 3))
        with pytest.raises(TypeError, match=r"^as_result_async takes a function to call"):
            se.as_result_async(cast("Any", 3))


class TestAsResultAsync:
    """`as_result_async`: the decorator checkers see as async."""

    async def test_every_exception_bare(self) -> None:
        @se.as_result_async
        async def lookup(name: str) -> float:
            return await price_of_async(name)

        assert Success(2.5) == await lookup("tea")
        assert isinstance(await lookup("cake"), Failure)
        assert isinstance(await lookup("coffee"), Failure)
        assert inspect.iscoroutinefunction(lookup)

    async def test_catch(self) -> None:
        @se.as_result_async(catch=KeyError)
        async def lookup(name: str) -> float:
            return await price_of_async(name)

        assert isinstance(await lookup("coffee"), Failure)
        with pytest.raises(ValueError, match="could not convert"):
            await lookup("cake")

    async def test_bare_as_result_still_wraps_async_functions(self) -> None:
        """The contract: ``@as_result`` works on ``async def`` at run time."""
        wrapped = cast(
            "Any", se.as_result(price_of_async)
        )  # checkers type it as a plain function: as_result_async is the typed spelling
        coroutine = cast("Coroutine[object, object, SpiceResult[float]]", wrapped("coffee"))
        assert isinstance(await coroutine, Failure)

    async def test_cancellation_propagates(self) -> None:
        from tests.helpers import cancel_once_started, hang

        await cancel_once_started(se.as_result_async(hang))
        await cancel_once_started(se.as_result_async(catch=Exception)(hang))
