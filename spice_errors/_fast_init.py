"""The generated ``__init__``, ``__eq__`` and context copy of each error type.

They are built from the type's fields and the kind each declares (`_kinds`): the
``__init__`` checks each argument as its kind says, then stores it. They are compiled
on the type's first use, so that ``import spice_errors`` compiles nothing. Their source
is registered with `linecache`, as attrs does, so a traceback through them shows their
lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from spice_errors._hint import RetryHint
from spice_errors._kinds import (
    EMPTY,
    KIND,
    Kind,
    check_cause,
    check_duration,
    check_hint,
    check_message,
    check_status,
    check_text,
    check_timestamp,
    errors_tuple,
    freeze_context,
    names_tuple,
)

if TYPE_CHECKING:
    from spice_errors._errors import SpiceError

__all__ = [
    "BASE_FIELDS",
    "evolve_context",
    "field_names",
    "own_fields",
    "own_kinds",
    "prepare",
]

BASE_FIELDS: Final = ("message", "cause", "context", "timestamp")

_new = object.__new__
_now_ns = time.time_ns
_FIELD_NAMES: Final[dict[type[SpiceError], tuple[str, ...]]] = {}
_OWN_KINDS: Final[dict[type[SpiceError], tuple[tuple[str, Kind], ...]]] = {}
_OWN_FIELDS: Final[dict[type[SpiceError], tuple[str, ...]]] = {}
_EVOLVE: Final[dict[type[SpiceError], Callable[[Any, Mapping[str, Any]], Any]]] = {}


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

    Each argument is checked first, with a fast test of its exact type inline (``type(x)
    is str``) and a call to its kind's check only when that fails, so a valid argument
    costs one comparison. attrs' own ``__init__`` for a frozen class sets each slot through
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
    checks = "".join(_CHECKS[kind].format(name=name) for name, kind in own)
    own_sets = "".join(f"    {prefix}_{name}(self, {name})\n" for name, _ in own)
    copies = "".join(f"    {prefix}_{name}(new, self.{name})\n" for name, _ in own)
    compared = "".join(f"\n        and self.{name} == other.{name}" for name, _ in own)
    return (
        f"def {prefix}__init__(self, message, *, cause=None, context=None, timestamp=None"
        f"{params}):\n"
        "    if type(message) is not str:\n"
        "        check_message(OWNER, message)\n"
        "    if cause is not None and not isinstance(cause, BaseException):\n"
        "        check_cause(OWNER, cause)\n"
        "    if timestamp is not None and type(timestamp) is not int:\n"
        "        check_timestamp(OWNER, timestamp)\n"
        f"{checks}"
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


# Each kind's check, as lines of the generated __init__ (formatted with the field's name).
# The fast path tests the exact type inline; the kind's check accepts subclasses or raises.
_TEXT_CHECK: Final = (
    "    if {name} is not None and type({name}) is not str:\n"
    "        check_text(OWNER, '{name}', {name})\n"
)
_CHECKS: Final[dict[Kind, str]] = {
    "name": _TEXT_CHECK,
    "url": _TEXT_CHECK,
    "status": (
        "    if {name} is not None and (type({name}) is not int or not 100 <= {name} <= 599):\n"
        "        check_status(OWNER, '{name}', {name})\n"
    ),
    "duration": (
        "    if {name} is not None and (type({name}) is not int or {name} < 0):\n"
        "        check_duration(OWNER, '{name}', {name})\n"
    ),
    "names": (
        "    if {name} is not NO_NAMES:\n        {name} = names_tuple(OWNER, '{name}', {name})\n"
    ),
    "errors": (
        "    if {name} is not NO_NAMES:\n"
        "        {name} = errors_tuple(OWNER_TYPE, '{name}', {name})\n"
    ),
    "value": "",
    "input": "",
    "hint": (
        "    if {name} is not None and type({name}) is not RetryHint:\n"
        "        check_hint(OWNER, '{name}', {name})\n"
    ),
}
NO_NAMES: Final[tuple[str, ...]] = ()

_SHARED: Final[dict[str, object]] = {
    "_new": _new,
    "_now_ns": _now_ns,
    "EMPTY": EMPTY,
    "NO_NAMES": NO_NAMES,
    "RetryHint": RetryHint,
    "freeze_context": freeze_context,
    "check_message": check_message,
    "check_cause": check_cause,
    "check_timestamp": check_timestamp,
    "check_text": check_text,
    "check_status": check_status,
    "check_duration": check_duration,
    "names_tuple": names_tuple,
    "errors_tuple": errors_tuple,
    "check_hint": check_hint,
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
    namespace: dict[str, Any] = {**_SHARED, prefix: cls, "OWNER": prefix, "OWNER_TYPE": cls}
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
