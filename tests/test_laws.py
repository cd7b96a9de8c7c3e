"""Functor and monad laws for SpiceResult, checked by Hypothesis."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st

from spice_errors import Failure, SpiceError, SpiceResult, Success, failure, success
from tests import strategies

T = TypeVar("T")

values = st.integers()
results: st.SearchStrategy[SpiceResult[int]] = values.map(Success) | strategies.errors.map(Failure)
int_functions = st.functions(like=lambda x: x, returns=values, pure=True)
result_functions = st.functions(like=lambda x: x, returns=results, pure=True)
error_functions = st.functions(like=lambda e: e, returns=strategies.errors, pure=True)
recoveries = st.functions(like=lambda e: e, returns=results, pure=True)


def identity(value: T) -> T:
    return value


@given(results)
def test_functor_identity(result: SpiceResult[int]) -> None:
    """Mapping the identity changes nothing."""
    assert result == result.map(identity)


@given(results, int_functions, int_functions)
def test_functor_composition(
    result: SpiceResult[int], f: Callable[[int], int], g: Callable[[int], int]
) -> None:
    """Mapping f then g is mapping their composition."""
    assert result.map(lambda x: g(f(x))) == result.map(f).map(g)


@given(values, result_functions)
def test_bind_left_identity(value: int, f: Callable[[int], SpiceResult[int]]) -> None:
    """success(a).bind(f) is f(a)."""
    assert f(value) == success(value).bind(f)


@given(results)
def test_bind_right_identity(result: SpiceResult[int]) -> None:
    """m.bind(success) is m."""
    assert result == result.bind(success)


@given(results, result_functions, result_functions)
def test_bind_associativity(
    result: SpiceResult[int],
    f: Callable[[int], SpiceResult[int]],
    g: Callable[[int], SpiceResult[int]],
) -> None:
    """m.bind(f).bind(g) is m.bind(lambda x: f(x).bind(g))."""
    assert result.bind(lambda x: f(x).bind(g)) == result.bind(f).bind(g)


@given(strategies.errors, recoveries)
def test_recover_with_left_identity(
    error: SpiceError, h: Callable[[SpiceError], SpiceResult[int]]
) -> None:
    """failure(e).recover_with(h) is h(e)."""
    assert h(error) == failure(error).recover_with(h)


@given(results)
def test_recover_with_right_identity(result: SpiceResult[int]) -> None:
    """m.recover_with(failure) is m."""
    assert result == result.recover_with(failure)


@given(results, recoveries, recoveries)
def test_recover_with_associativity(
    result: SpiceResult[int],
    h: Callable[[SpiceError], SpiceResult[int]],
    k: Callable[[SpiceError], SpiceResult[int]],
) -> None:
    """m.recover_with(h).recover_with(k) is m.recover_with(lambda e: h(e).recover_with(k))."""
    assert result.recover_with(lambda e: h(e).recover_with(k)) == result.recover_with(
        h
    ).recover_with(k)


@given(results)
def test_map_error_identity(result: SpiceResult[int]) -> None:
    """Mapping the identity over the error changes nothing."""
    assert result == result.map_error(identity)


@given(results, error_functions, error_functions)
def test_map_error_composition(
    result: SpiceResult[int],
    f: Callable[[SpiceError], SpiceError],
    g: Callable[[SpiceError], SpiceError],
) -> None:
    """Mapping f then g over the error is mapping their composition."""
    assert result.map_error(lambda e: g(f(e))) == result.map_error(f).map_error(g)


@given(results, int_functions)
def test_map_is_bind_of_success(result: SpiceResult[int], f: Callable[[int], int]) -> None:
    """map(f) is bind(success . f)."""
    assert result.bind(lambda x: success(f(x))) == result.map(f)


@given(results, values)
def test_fold_agrees_with_get_or_default(result: SpiceResult[int], default: int) -> None:
    """fold(identity, const default) is get_or_default(default)."""
    assert result.get_or_default(default) == result.fold(lambda v: v, lambda _: default)
