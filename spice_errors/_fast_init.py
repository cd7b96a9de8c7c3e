"""The generated ``__init__``, ``__eq__`` and context copy of each error type, and field kinds.

Each field of an error type says what kind of value it holds in its attrs
``metadata`` (``metadata=STATUS``): this module, the readers (`_fields`), the reprs and
the tests' strategies all derive what they do with a field from its kind, so adding a
field is one edit.

The functions for a type are generated from its fields and compiled on its first use,
so that ``import spice_errors`` compiles nothing. Their source is registered with
`linecache`, as attrs does, so a traceback through them shows their lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

if TYPE_CHECKING:
    from spice_errors._errors import SpiceError

__all__ = [
    "BASE_FIELDS",
    "DURATION",
    "EMPTY",
    "HINT",
    "INPUT",
    "KIND",
    "NAME",
    "NAMES",
    "STATUS",
    "URL",
    "VALUE",
    "Kind",
    "evolve_context",
    "field_names",
    "freeze_context",
    "own_fields",
    "own_kinds",
    "prepare",
]

Kind: TypeAlias = Literal["name", "url", "status", "duration", "names", "value", "input", "hint"]
"""What a typed field holds; each kind is read, checked and shown in one way."""

KIND: Final = "spice_errors.kind"
NAME: Final = MappingProxyType({KIND: "name"})
"""A name or short text (``agent_id``, ``field``, ``provider``): a ``str`` or ``None``."""
URL: Final = MappingProxyType({KIND: "url"})
"""A URL (``endpoint``): a ``str`` or ``None``, shown without its secrets."""
STATUS: Final = MappingProxyType({KIND: "status"})
"""An HTTP status (``status_code``): an ``int`` or ``None``."""
DURATION: Final = MappingProxyType({KIND: "duration"})
"""Milliseconds (``retry_after_ms``, ``timeout_ms``): an ``int`` or ``None``."""
NAMES: Final = MappingProxyType({KIND: "names"})
"""Names (``available_tools``): any iterable of ``str``, stored as a tuple."""
VALUE: Final = MappingProxyType({KIND: "value"})
"""Any object (``comm``), shown masked."""
INPUT: Final = MappingProxyType({KIND: "input"})
"""The value given for the field an error names (``actual_value``): masked when that
field's name is a secret's."""
HINT: Final = MappingProxyType({KIND: "hint"})
"""A `RetryHint` or ``None``."""

BASE_FIELDS: Final = ("message", "cause", "context", "timestamp")
EMPTY: Final[Mapping[str, object]] = MappingProxyType({})

_new = object.__new__
_now_ns = time.time_ns
_FIELD_NAMES: Final[dict[type[SpiceError], tuple[str, ...]]] = {}
_OWN_KINDS: Final[dict[type[SpiceError], tuple[tuple[str, Kind], ...]]] = {}
_OWN_FIELDS: Final[dict[type[SpiceError], tuple[str, ...]]] = {}
_EVOLVE: Final[dict[type[SpiceError], Callable[[Any, Mapping[str, Any]], Any]]] = {}


def freeze_context(context: Mapping[str, object]) -> Mapping[str, object]:
    """Copy ``context`` into a read-only mapping nobody else holds."""
    try:
        return MappingProxyType(dict(context))
    except (TypeError, ValueError):
        msg = f"context must be a mapping of names to values, got {type(context).__name__}"
        raise TypeError(msg) from None


def field_names(cls: type[SpiceError]) -> tuple[str, ...]:
    """All of an error type's field names, the base ones first, in order."""
    return _FIELD_NAMES[cls]


def own_fields(cls: type[SpiceError]) -> tuple[str, ...]:
    """The names of an error type's own fields, in order (not message, cause, ...)."""
    return _OWN_FIELDS[cls]


def own_kinds(cls: type[SpiceError]) -> tuple[tuple[str, Kind], ...]:
    """An error type's own fields with their kinds, in order."""
    return _OWN_KINDS[cls]


def evolve_context(error: SpiceError, context: Mapping[str, Any]) -> Any:  # noqa: ANN401 -- the caller's type, as `Self`
    """A copy of ``error`` with ``context`` (already read-only), every other field kept."""
    cls = type(error)
    evolve = _EVOLVE.get(cls) or _compile(cls)
    return evolve(error, context)


def _source(cls: type[SpiceError]) -> str:
    """The source of ``cls``'s ``__init__``, ``__eq__`` and context copy.

    attrs' own ``__init__`` for a frozen class sets each slot through
    ``object.__setattr__``; calling the slots' descriptors directly, as here, skips a
    lookup per field (measured: 497 ns against 604 ns for attrs' own, see
    docs/explanation/performance.md). Each type's descriptors are globals named after
    it (``NetworkError_status_code``), so that all types could share one namespace.
    """
    prefix = cls.__name__
    fields = {field.name: field for field in attrs.fields(cls)}
    own = _OWN_KINDS[cls]
    params = "".join(
        f", {name}"
        if fields[name].default is attrs.NOTHING
        else f", {name}={fields[name].default!r}"
        for name, _ in own
    )
    own_sets = "".join(
        f"    {prefix}_{name}(self, tuple({name}))\n"
        if kind == "names"
        else f"    {prefix}_{name}(self, {name})\n"
        for name, kind in own
    )
    copies = "".join(f"    {prefix}_{name}(new, self.{name})\n" for name, _ in own)
    compared = "".join(f"\n        and self.{name} == other.{name}" for name, _ in own)
    return (
        f"def {prefix}__init__(self, message, *, cause=None, context=None, timestamp=None"
        f"{params}):\n"
        f"    {prefix}_message(self, message)\n"
        f"    {prefix}_cause(self, cause)\n"
        f"    {prefix}_context(self, EMPTY if context is None else freeze_context(context))\n"
        f"    {prefix}_timestamp(self, "
        "_now_ns() // 1_000_000 if timestamp is None else timestamp)\n"
        f"{own_sets}"
        "\n"
        f"def {prefix}__eq__(self, other):\n"
        "    if other.__class__ is not self.__class__:\n"
        "        return NotImplemented\n"
        "    return (\n"
        "        self.message == other.message\n"
        f"        and self.context == other.context{compared}\n"
        "    )\n"
        "\n"
        f"def {prefix}__evolve_context(self, context):\n"
        f"    new = _new({prefix})\n"
        f"    {prefix}_message(new, self.message)\n"
        f"    {prefix}_cause(new, self.cause)\n"
        f"    {prefix}_context(new, context)\n"
        f"    {prefix}_timestamp(new, self.timestamp)\n"
        f"{copies}"
        "    return new\n"
    )


_SHARED: Final[dict[str, object]] = {
    "_new": _new,
    "_now_ns": _now_ns,
    "EMPTY": EMPTY,
    "freeze_context": freeze_context,
}


def _method(function: Any, cls: type, name: str) -> Any:  # noqa: ANN401 -- a compiled function
    function.__name__ = name
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    function.__module__ = cls.__module__
    return function


def _compile(cls: type[SpiceError]) -> Callable[[Any, Mapping[str, Any]], Any]:
    """Compile and install ``cls``'s ``__init__`` and ``__eq__``; return its context copy.

    Two threads doing it at once each install equal functions: no harm done.
    """
    prefix = cls.__name__
    namespace: dict[str, Any] = {**_SHARED, prefix: cls}
    namespace.update({f"{prefix}_{name}": getattr(cls, name).__set__ for name in _FIELD_NAMES[cls]})
    source = _source(cls)
    filename = f"<spice_errors generated {cls.__qualname__}>"
    # As attrs does: the source in linecache makes tracebacks through it show lines.
    import linecache  # on first use: it costs ``import spice_errors`` about 1 ms

    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 -- built from field names only
    setattr(cls, "__init__", _method(namespace[f"{prefix}__init__"], cls, "__init__"))  # noqa: B010 -- mypy forbids assigning to a method
    setattr(cls, "__eq__", _method(namespace[f"{prefix}__eq__"], cls, "__eq__"))  # noqa: B010 -- as above
    evolve: Callable[[Any, Mapping[str, Any]], Any] = namespace[f"{prefix}__evolve_context"]
    _EVOLVE[cls] = evolve
    return evolve


def _first_init(self: SpiceError, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 -- passed on as they came
    """Every type's ``__init__`` until its first use: compile the real one, then run it."""
    cls = type(self)
    _compile(cls)
    cls.__init__(self, *args, **kwargs)


def _first_eq(self: SpiceError, other: object) -> bool:
    """Every type's ``__eq__`` until its first use (an unpickled error may come first)."""
    cls = type(self)
    _compile(cls)
    return cls.__eq__(self, other)


def _kind(field: attrs.Attribute[object]) -> Kind:
    kind = field.metadata.get(KIND)
    if kind is None:
        msg = f"field {field.name} declares no kind: give it metadata=NAME, STATUS, ..."
        raise TypeError(msg)
    return kind  # type: ignore[no-any-return]  # metadata is untyped


def prepare(cls: type[SpiceError], hash_function: Callable[[Any], int]) -> None:
    """Record ``cls``'s fields and give it the lazy ``__init__`` and ``__eq__``."""
    fields = attrs.fields(cls)
    _FIELD_NAMES[cls] = tuple(field.name for field in fields)
    _OWN_KINDS[cls] = tuple((field.name, _kind(field)) for field in fields[len(BASE_FIELDS) :])
    _OWN_FIELDS[cls] = tuple(name for name, _ in _OWN_KINDS[cls])
    _EVOLVE.pop(cls, None)
    for name, value in {
        "__init__": _first_init,
        "__eq__": _first_eq,
        "__hash__": hash_function,
    }.items():
        setattr(cls, name, value)
