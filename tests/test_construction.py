"""Construction checks its arguments at once: a wrong type or value never builds an error.

Each field is checked as its kind says (SPEC section 1): a wrong type is a `TypeError`
that names the type being built, the field, what it takes and the type given; a value
out of range is a `ValueError`.
"""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import SpiceError, _fast_init
from spice_errors._errors import ALL_TYPES
from tests.test_errors import build

# Values of the wrong type for each kind, whatever the field.
_WRONG: dict[str, st.SearchStrategy[object]] = {
    "name": st.integers() | st.floats() | st.binary() | st.lists(st.text(), max_size=2),
    "url": st.integers() | st.binary() | st.dictionaries(st.text(), st.text(), max_size=2),
    "status": st.text(max_size=5) | st.floats() | st.booleans() | st.binary(max_size=3),
    "duration": st.text(max_size=5) | st.floats() | st.booleans(),
    "names": st.integers() | st.text(max_size=5) | st.lists(st.integers(), min_size=1),
    "hint": st.integers() | st.text(max_size=5) | st.dictionaries(st.text(), st.integers()),
    "errors": st.integers()
    | st.text(max_size=5)
    | st.dictionaries(st.text(), st.text(), max_size=2)
    | st.lists(st.integers() | st.text() | st.just(se.NetworkError("down")), min_size=1),
}
_CHECKED = [
    (cls, name, kind)
    for cls in ALL_TYPES
    for name, kind in _fast_init.own_kinds(cls)
    if kind in _WRONG
]


def _type_of(value: object) -> str:
    return type(value).__name__


@pytest.mark.parametrize(
    ("cls", "name", "kind"), _CHECKED, ids=[f"{c.__name__}.{n}" for c, n, _ in _CHECKED]
)
@given(data=st.data())
def test_a_field_of_the_wrong_type_is_refused(
    cls: type[SpiceError], name: str, kind: str, data: st.DataObject
) -> None:
    """TypeError naming the type, the field and the type given; nothing is built."""
    value = data.draw(_WRONG[kind])
    fields: dict[str, Any] = {name: value}
    with pytest.raises(TypeError) as raised:
        build(cls, **fields)
    message = str(raised.value)
    assert message.startswith(f"{cls.__name__}: ")
    assert name in message
    listed = kind in {"names", "errors"} and isinstance(value, list)
    shown = _type_of(next(iter(cast("list[object]", value)))) if listed else None
    assert message.endswith(f"got {shown or _type_of(value)}")


@pytest.mark.parametrize("cls", ALL_TYPES, ids=lambda cls: cls.__name__)
@given(
    message=st.integers() | st.binary() | st.none() | st.lists(st.text(), max_size=2),
    cause=st.text(max_size=5) | st.integers() | st.just(ValueError),
    timestamp=st.text(max_size=5) | st.floats() | st.booleans(),
)
def test_the_base_fields_are_checked(
    cls: type[SpiceError], message: object, cause: object, timestamp: object
) -> None:
    """The message is a str, the cause an exception or None, the timestamp an int."""
    expected = f"{cls.__name__}: message must be a str, got {_type_of(message)}"
    with pytest.raises(TypeError, match=f"^{re.escape(expected)}$"):
        build(cls, message)  # type: ignore[arg-type]
    expected = f"{cls.__name__}: cause must be an exception or None, got {_type_of(cause)}"
    with pytest.raises(TypeError, match=f"^{re.escape(expected)}$"):
        build(cls, cause=cause)
    with pytest.raises(TypeError, match=f"^{cls.__name__}: timestamp must be an int"):
        build(cls, timestamp=timestamp)


@pytest.mark.parametrize("status", [0, 99, 600, -503, 10**20])
def test_a_status_out_of_range_is_a_value_error(status: int) -> None:
    """A status field holds an HTTP status: 100 to 599."""
    for cls in (se.NetworkError, se.RetryableError):
        with pytest.raises(
            ValueError, match=f"status_code must be an HTTP status from 100 to 599, got {status}"
        ):
            cls("x", status_code=status)
    assert 100 == se.NetworkError("x", status_code=100).status_code
    assert 599 == se.RetryableError("x", status_code=599).status_code


def test_a_negative_duration_is_a_value_error() -> None:
    """Durations are milliseconds, never negative; 0 is allowed."""
    with pytest.raises(ValueError, match="retry_after_ms must be >= 0 milliseconds, got -1"):
        se.RateLimitError("x", retry_after_ms=-1)
    with pytest.raises(ValueError, match="timeout_ms must be >= 0 milliseconds, got -5"):
        se.TimeoutError("x", timeout_ms=-5)
    assert 0 == se.RateLimitError("x", retry_after_ms=0).retry_after_ms


def test_a_duration_as_a_timedelta_is_refused() -> None:
    """A timedelta is not milliseconds: refused at once, not later inside `retry`."""
    from datetime import timedelta

    with pytest.raises(TypeError, match="got timedelta"):
        se.RateLimitError("x", retry_after_ms=timedelta(seconds=1))  # type: ignore[arg-type]


def test_a_bool_is_never_an_int() -> None:
    """True is an int to Python, not a status, a duration or a timestamp."""
    with pytest.raises(TypeError, match="status_code must be an int"):
        se.NetworkError("x", status_code=True)
    with pytest.raises(TypeError, match="timeout_ms must be an int"):
        se.TimeoutError("x", timeout_ms=False)
    with pytest.raises(TypeError, match="timestamp must be an int"):
        se.UnknownError("x", timestamp=True)


def test_subclasses_of_the_right_type_are_accepted() -> None:
    """A str subclass is a str, an int subclass (not bool) is an int, as for isinstance."""

    class Text(str):
        __slots__ = ()

    class Number(int):
        pass

    class Hint(se.RetryHint):
        pass

    error = se.NetworkError(Text("down"), status_code=Number(503), endpoint=Text("/x"))
    assert ("down", 503, "/x") == (error.message, error.status_code, error.endpoint)
    assert 7 == se.UnknownError("x", timestamp=Number(7)).timestamp
    assert 3 == se.TimeoutError("x", timeout_ms=Number(3)).timeout_ms
    assert (
        Hint(retry_after_ms=1)
        == se.RetryableError("x", retry_hint=Hint(retry_after_ms=1)).retry_hint
    )


def test_names_are_any_iterable_of_str_but_not_one_str() -> None:
    """A generator of names becomes a tuple; a single string is refused, not split."""
    # At run time any iterable: checkers see the stored type, a tuple.
    names = (name for name in ["a", "b"])
    error = se.ToolLookupError("x", available_tools=names)
    assert ("a", "b") == error.available_tools
    with pytest.raises(TypeError, match="available_tools must be an iterable of str"):
        se.ToolLookupError("x", available_tools="calculator")
    with pytest.raises(TypeError, match="each of available_targets must be a str, got int"):
        se.RoutingError("x", available_targets=["a", 2])  # type: ignore[list-item]


def test_context_is_a_mapping_with_str_keys() -> None:
    """At construction and in with_context, the context's keys name facts: str only."""
    with pytest.raises(TypeError, match="context must be a mapping of names to values, got list"):
        se.UnknownError("x", context=[("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"context keys must be str, got int \(1\)"):
        se.UnknownError("x", context={1: "a"})  # type: ignore[dict-item]
    error = se.UnknownError("x", context={"a": 1})
    with pytest.raises(TypeError, match="context keys must be str, got tuple"):
        error.with_context({("a", "b"): 1})  # type: ignore[dict-item]
    assert {"a": 1, "b": 2} == dict(error.with_context({"b": 2}).context)


def test_a_hint_is_a_retry_hint() -> None:
    """A dict that looks like a hint is refused: build a RetryHint."""
    with pytest.raises(TypeError, match="retry_hint must be a RetryHint or None, got dict"):
        se.RetryableError("x", retry_hint={"retry_after_ms": 5})  # type: ignore[arg-type]


@given(st.sampled_from(ALL_TYPES), st.dictionaries(st.text(max_size=8), st.integers()))
def test_shown_forms_never_raise(cls: type[SpiceError], context: dict[str, Any]) -> None:
    """Whatever a valid error holds, str, repr and report give text."""
    error = build(cls, context=context)
    assert str(error).startswith(f"{error.code}: ")
    assert repr(error).startswith(f"{cls.__name__}(")
    assert error.report().startswith(f"{cls.__name__} ({error.code})")


# -- a call given something it cannot call is a bug in the call, not a failure ------------

_NOT_CALLABLE = se.Failure(se.NetworkError("down"))


def test_retry_refuses_a_result_in_place_of_a_function() -> None:
    """retry(fetch()) instead of retry(fetch) is a TypeError at once, saying what to do."""
    with pytest.raises(
        TypeError, match=r"^retry\(\) takes a function to call, got spice_errors\.Failure: "
    ):
        se.retry(_NOT_CALLABLE)  # type: ignore[arg-type]


async def test_retry_async_refuses_a_result_in_place_of_a_function() -> None:
    """The async twin checks before it starts."""
    with pytest.raises(TypeError, match=r"^retry_async\(\) takes a function to call"):
        await se.retry_async(_NOT_CALLABLE)  # type: ignore[arg-type]


def test_the_decorators_refuse_what_they_cannot_call() -> None:
    """@as_result and @retrying check what they decorate."""
    with pytest.raises(TypeError, match=r"^as_result takes a function to call, got int"):
        se.as_result(42)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"^retrying\(\.\.\.\) takes a function to call"):
        se.retrying()(42)  # type: ignore[call-overload]


async def test_catching_refuses_what_it_cannot_call() -> None:
    """catching and catching_async raise TypeError; a callable that raises is a failure."""
    with pytest.raises(TypeError, match=r"^catching\(\) takes a function to call, got str"):
        se.catching("int", "42")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^catching_async\(\) takes a function to call"):
        await se.catching_async("fetch")  # type: ignore[arg-type]
    assert isinstance(se.catching(int, "forty-two"), se.Failure)


async def test_the_breaker_refuses_what_it_cannot_call_and_stays_closed() -> None:
    """A bug in the call neither counts as a failure nor holds the half-open trial."""
    breaker = se.CircuitBreaker(failure_threshold=1)
    with pytest.raises(TypeError, match=r"^CircuitBreaker\.call\(\) takes a function to call"):
        breaker.call(_NOT_CALLABLE)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^CircuitBreaker\.call_async\(\) takes a function"):
        await breaker.call_async(_NOT_CALLABLE)  # type: ignore[arg-type]
    assert "closed" == breaker.state
    assert se.Success(1) == breaker.call(lambda: se.Success(1))


class TestNestedErrors:
    """``ValidationError.errors``: errors of that type, kept as a tuple, nested a bounded depth."""

    def test_any_iterable_is_kept_as_a_tuple(self) -> None:
        inner = [se.ValidationError("too short", field="name"), se.ValidationError("required")]
        error = se.ValidationError("2 problems", errors=iter(inner))
        assert tuple(inner) == error.errors
        assert () == se.ValidationError("x").errors
        assert error == se.ValidationError("2 problems", errors=tuple(inner))
        assert error != se.ValidationError("2 problems", errors=inner[:1])

    def test_nesting_is_bounded(self) -> None:
        """32 levels are allowed; deeper is a ValueError, so every rendering stays shallow."""
        error = se.ValidationError("leaf")
        for level in range(32):
            error = se.ValidationError(f"level {level}", errors=[error])
        with pytest.raises(ValueError, match="errors may nest at most 32 levels deep"):
            se.ValidationError("too deep", errors=[error])
        assert repr(error).count("ValidationError(") == 33
        assert error.report().startswith("ValidationError (VALIDATION_ERROR): level 31")
