"""The generated __init__, __eq__ and context copy of each error type, and field kinds.

Each type's functions are generated and compiled on first use, and the import-time
set-up runs once. The tests below put the types back to their state before first use
(or run the set-up again), so that the generated code is built and checked afresh, then
restore everything they changed.
"""

from __future__ import annotations

import linecache
import pickle
import time
import traceback
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import attrs
import pytest

import spice_errors as se
from spice_errors import SpiceError, _errors, _fast_init
from spice_errors._errors import ALL_TYPES
from spice_errors._serialization import _restore
from tests.test_errors import ABSTRACT_MESSAGE, OWN_FIELDS, build

_TUPLE_FIELDS = frozenset({"available_tools", "available_targets", "errors"})


@pytest.fixture
def pristine() -> Iterator[None]:
    """Reset every type to its state before first use; restore everything afterwards.

    Saves what the set-up writes: each type's __init__, __eq__ and __hash__, its
    attribute on SpiceError, SpiceError.__init__ and the per-type tables.
    """
    saved = {
        cls: {name: cls.__dict__[name] for name in ("__init__", "__eq__", "__hash__")}
        for cls in ALL_TYPES
    }
    base_init = SpiceError.__dict__["__init__"]
    on_base = {cls: SpiceError.__dict__[cls.__name__] for cls in ALL_TYPES}
    tables: list[tuple[dict[Any, Any], dict[Any, Any]]] = [
        (table, dict(table))
        for table in (
            _fast_init._FIELD_NAMES,
            _fast_init._OWN_FIELDS,
            _fast_init._OWN_KINDS,
            _fast_init._EVOLVE,
        )
    ]
    for cls in ALL_TYPES:
        _fast_init.prepare(cls, SpiceError.__hash__)
    try:
        yield
    finally:
        for cls in ALL_TYPES:
            for name, value in saved[cls].items():
                setattr(cls, name, value)
            setattr(SpiceError, cls.__name__, on_base[cls])
        setattr(SpiceError, "__init__", base_init)  # noqa: B010 -- mypy forbids assigning to a method
        for table, content in tables:
            table.clear()
            table.update(content)


_GIVEN_BY_KIND: dict[str, object] = {
    "status": 503,
    "duration": 1500,
    "hint": se.RetryHint(retry_after_ms=10),
}


def _given_fields(cls: type[SpiceError]) -> dict[str, Any]:
    """A distinct, valid value for each of ``cls``'s own fields; lists for the tuple fields."""
    given: dict[str, Any] = {}
    for name, kind in _fast_init.own_kinds(cls):
        if kind == "names":
            given[name] = [f"{name}-1", f"{name}-2"]
        elif kind == "errors":
            given[name] = [se.ValidationError(f"{name}-1"), se.ValidationError(f"{name}-2")]
        else:
            given[name] = _GIVEN_BY_KIND.get(kind, f"{name}-value")
    return given


def _changed(kind: str, value: object) -> object:
    """Another valid value of the same kind."""
    if kind == "names":
        return ["changed"]
    if kind == "errors":
        return [se.ValidationError("changed")]
    if isinstance(value, int):
        return value + 1
    if isinstance(value, se.RetryHint):
        return se.RetryHint(retry_after_ms=20)
    return "changed"


@pytest.mark.usefixtures("pristine")
@pytest.mark.parametrize("cls", ALL_TYPES, ids=lambda cls: cls.__name__)
class TestFirstUseCompiles:
    """A type's first construction compiles its functions; the compiled code is pinned."""

    def test_first_call_installs_a_named_init(self, cls: type[SpiceError]) -> None:
        """The first call replaces `_first_init` with a compiled, method-like __init__.

        Before first use __init__ is `_first_init`; afterwards it is a compiled function
        named, placed and attributed like a method of the class, and later calls keep it.
        """
        assert cls.__dict__["__init__"] is _fast_init._first_init
        assert cls.__dict__["__eq__"] is _fast_init._first_eq
        assert cls not in _fast_init._EVOLVE
        build(cls)
        init = cls.__dict__["__init__"]
        assert init is not _fast_init._first_init
        assert "__init__" == init.__name__
        assert f"{cls.__qualname__}.__init__" == init.__qualname__
        assert "spice_errors" == init.__module__
        assert f"<spice_errors generated {cls.__qualname__}>" == init.__code__.co_filename
        eq = cls.__dict__["__eq__"]
        assert "__eq__" == eq.__name__
        assert f"{cls.__qualname__}.__eq__" == eq.__qualname__
        assert cls in _fast_init._EVOLVE
        # Later calls use the installed function and compile nothing more.
        build(cls)
        assert cls.__dict__["__init__"] is init

    def test_source_is_in_linecache(self, cls: type[SpiceError]) -> None:
        """A traceback through the generated __init__ shows its source line."""
        build(cls)
        filename = cls.__dict__["__init__"].__code__.co_filename
        assert linecache.getline(filename, 1).startswith(f"def {cls.__name__}__init__(")
        with pytest.raises(TypeError) as raised:
            cls("boom", context=42, **_given_fields(cls))  # type: ignore[arg-type]
        shown = "".join(traceback.format_exception(raised.value))
        assert "freeze_context(context)" in shown

    def test_every_field_is_set_from_its_argument(self, cls: type[SpiceError]) -> None:
        """message (positional or keyword), cause, context, timestamp and each own field."""
        cause = ValueError("why")
        source: dict[str, object] = {"a": 1}
        given = _given_fields(cls)
        error = cls("boom", cause=cause, context=source, timestamp=1234, **given)
        assert "boom" == error.message
        assert cause is error.cause
        assert 1234 == error.timestamp
        assert isinstance(error.context, MappingProxyType)
        assert {"a": 1} == dict(error.context)
        source["a"] = 2  # the context is a copy of the dict given
        assert 1 == error.context["a"]
        for name, value in given.items():
            if name in _TUPLE_FIELDS:
                assert tuple(value) == getattr(error, name)
                assert tuple is type(getattr(error, name))
            else:
                assert value == getattr(error, name)
        by_keyword = cls(message="kw", **given)
        assert "kw" == by_keyword.message

    def test_defaults(self, cls: type[SpiceError]) -> None:
        """Omitted fields are None, () for tuple fields, an empty read-only context and now."""
        before = time.time_ns() // 1_000_000
        error = build(cls)
        after = time.time_ns() // 1_000_000
        assert error.cause is None
        assert isinstance(error.context, MappingProxyType)
        assert {} == dict(error.context)
        assert before <= error.timestamp <= after
        for name in OWN_FIELDS[cls.__name__]:
            if cls is se.ToolError:
                continue  # its one field is required
            expected: object = () if name in _TUPLE_FIELDS else None
            assert expected == getattr(error, name)
            assert type(expected) is type(getattr(error, name))

    def test_only_the_message_is_positional(self, cls: type[SpiceError]) -> None:
        """A second positional argument is refused by the compiled __init__."""
        build(cls)
        with pytest.raises(TypeError):
            cls("boom", None)  # type: ignore[call-arg]

    def test_eq_compares_message_context_and_every_own_field(self, cls: type[SpiceError]) -> None:
        """The generated __eq__: same type, message, context and each own field; not the rest."""
        given = _given_fields(cls)
        error = cls("boom", context={"a": 1}, timestamp=1, **given)
        same = cls("boom", context={"a": 1}, timestamp=2, cause=ValueError(), **given)
        assert error == same
        assert error != cls("other", context={"a": 1}, **given)
        assert error != cls("boom", context={"a": 2}, **given)
        for name, kind in _fast_init.own_kinds(cls):
            changed = {**given, name: _changed(kind, given[name])}
            assert error != cls("boom", context={"a": 1}, **changed)
        other = next(kind for kind in ALL_TYPES if kind is not cls)
        assert error != build(other)
        assert error.__eq__(object()) is NotImplemented

    def test_eq_of_an_unpickled_error_compiles_first(self, cls: type[SpiceError]) -> None:
        """An error rebuilt without __init__ (unpickled) compares equal before any build."""
        state: tuple[object, ...] = ("boom", None, {}, 5, *[None for _ in OWN_FIELDS[cls.__name__]])
        restored = _restore(cls, state)
        assert cls.__dict__["__eq__"] is _fast_init._first_eq
        assert restored == _restore(cls, state)
        assert cls.__dict__["__eq__"] is not _fast_init._first_eq

    def test_with_context_compiles_when_not_cached(self, cls: type[SpiceError]) -> None:
        """with_context compiles the copy function when it is not cached yet.

        The copy keeps the message, cause, timestamp and every own field.
        """
        cause = ValueError("why")
        error = cls("boom", cause=cause, context={"a": 1}, timestamp=7, **_given_fields(cls))
        del _fast_init._EVOLVE[cls]
        evolved = error.with_context({"b": 2}, c=3)
        assert cls in _fast_init._EVOLVE
        assert type(evolved) is cls
        assert "boom" == evolved.message
        assert cause is evolved.cause
        assert 7 == evolved.timestamp
        assert {"a": 1, "b": 2, "c": 3} == dict(evolved.context)
        assert isinstance(evolved.context, MappingProxyType)
        for name in OWN_FIELDS[cls.__name__]:
            assert getattr(error, name) == getattr(evolved, name)

    def test_with_context_reuses_the_cached_function(self, cls: type[SpiceError]) -> None:
        """Once compiled, with_context neither recompiles nor replaces the __init__."""
        error = build(cls)
        init = cls.__dict__["__init__"]
        evolve = _fast_init._EVOLVE[cls]
        assert {"n": 1} == dict(error.with_context(n=1).context)
        assert cls.__dict__["__init__"] is init
        assert _fast_init._EVOLVE[cls] is evolve

    def test_prepare_sets_a_type_up(self, cls: type[SpiceError]) -> None:
        """prepare (idempotent) sets a type up again, whatever was there before.

        It records the field names and kinds, resets __init__ and __eq__ to their
        first-use forms and gives the type the hash it is handed.
        """
        build(cls)
        setattr(cls, "__hash__", None)  # noqa: B010 -- undone by the fixture
        _fast_init._FIELD_NAMES[cls] = ()
        _fast_init._OWN_FIELDS[cls] = ()
        _fast_init.prepare(cls, SpiceError.__hash__)
        own = OWN_FIELDS[cls.__name__]
        assert ("message", "cause", "context", "timestamp", *own) == _fast_init.field_names(cls)
        assert own == _fast_init.own_fields(cls)
        assert own == tuple(name for name, _ in _fast_init.own_kinds(cls))
        assert cls not in _fast_init._EVOLVE
        assert cls.__dict__["__init__"] is _fast_init._first_init
        assert cls.__dict__["__eq__"] is _fast_init._first_eq
        assert cls.__dict__["__hash__"] is SpiceError.__hash__
        error = build(cls)
        assert hash((cls, "boom")) == hash(error)


@pytest.mark.usefixtures("pristine")
def test_compiled_init_requires_the_tool_name() -> None:
    """ToolError's compiled __init__ has no default for its required tool_name."""
    with pytest.raises(TypeError, match="tool_name"):
        se.ToolError("boom")  # type: ignore[call-arg]
    assert "calc" == se.ToolError("boom", tool_name="calc").tool_name


@pytest.mark.usefixtures("pristine")
def test_finish_all_sets_the_hierarchy_up() -> None:
    """_finish_all makes SpiceError abstract and sets each of the 16 types up again."""
    setattr(SpiceError, "__init__", _fast_init._first_init)  # noqa: B010 -- undone by the fixture
    for cls in ALL_TYPES:
        build(cls)
        setattr(SpiceError, cls.__name__, None)
    _errors._finish_all()
    assert SpiceError.__dict__["__init__"] is _errors._abstract_init
    for cls in ALL_TYPES:
        assert cls.__dict__["__init__"] is _fast_init._first_init
        assert getattr(SpiceError, cls.__name__) is cls
        assert "boom" == build(cls).message
    with pytest.raises(TypeError) as raised:
        SpiceError("boom")  # type: ignore[abstract]  # the point: it cannot be built
    assert raised.value.args == (ABSTRACT_MESSAGE,)


def test_every_own_field_declares_a_kind() -> None:
    """Each own field of the 16 types names its kind; the kinds are the documented ones."""
    kinds = {kind for cls in ALL_TYPES for _, kind in _fast_init.own_kinds(cls)}
    assert {
        "name",
        "url",
        "status",
        "duration",
        "names",
        "errors",
        "value",
        "input",
        "hint",
    } == kinds
    assert ("status_code", "status") in _fast_init.own_kinds(se.NetworkError)
    assert ("endpoint", "url") in _fast_init.own_kinds(se.NetworkError)


def test_a_field_without_a_kind_is_refused() -> None:
    """A type whose field names no kind cannot be prepared: the message says what to add."""

    @attrs.define(init=False, eq=False, repr=False, hash=False)
    class Stray:
        message: str
        cause: object = None
        context: object = None
        timestamp: int = 0
        extra: int = 0

    with pytest.raises(TypeError, match="field extra declares no kind"):
        _fast_init.prepare(Stray, hash)  # type: ignore[arg-type]


def test_restore_rejects_a_state_of_the_wrong_length() -> None:
    """The pickle reconstructor refuses a state with too many or too few values."""
    state: tuple[object, ...] = ("m", None, {}, 1)
    assert "m" == _restore(se.UnknownError, state).message
    with pytest.raises(ValueError, match="zip"):
        _restore(se.UnknownError, (*state, "extra"))
    with pytest.raises(ValueError, match="zip"):
        _restore(se.NetworkError, state)


def test_errors_pickle_through_the_registered_reducer() -> None:
    """Pickling goes through the reducer the serialization module registers (copyreg)."""
    import copyreg

    assert all(cls in copyreg.dispatch_table for cls in ALL_TYPES)
    error = se.NetworkError("down", status_code=503, cause=ValueError("why"))
    back: Any = pickle.loads(pickle.dumps(error))
    assert error == back
    assert "why" == str(back.cause)
