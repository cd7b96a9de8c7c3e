"""What each typed field of an error holds, and how its value is checked.

Each field of an error type says what kind of value it holds in its attrs
``metadata`` (``metadata=STATUS``): the generated ``__init__`` (`_fast_init`), the
readers (`_fields`), the reprs and the tests' strategies all derive what they do with a
field from its kind, so adding a field is one edit.

The checks are what a generated ``__init__`` calls when an argument is not of the exact
type its fast path expects; each either accepts the value (a ``str`` subclass, say) or
raises, naming the type, the field, what it takes and what it was given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final, Literal, NoReturn, TypeAlias, cast

from spice_errors._hint import RetryHint
from spice_errors._text import is_int

__all__ = [
    "DURATION",
    "EMPTY",
    "ERRORS",
    "HINT",
    "INPUT",
    "KIND",
    "MAX_NESTING",
    "NAME",
    "NAMES",
    "STATUS",
    "URL",
    "VALUE",
    "Kind",
    "check_cause",
    "check_duration",
    "check_hint",
    "check_keys",
    "check_message",
    "check_status",
    "check_text",
    "check_timestamp",
    "errors_tuple",
    "freeze_context",
    "names_tuple",
]

Kind: TypeAlias = Literal[
    "name", "url", "status", "duration", "names", "errors", "value", "input", "hint"
]
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
ERRORS: Final = MappingProxyType({KIND: "errors"})
"""Errors of the owning type (``ValidationError.errors``): any iterable of them, stored
as a tuple."""
VALUE: Final = MappingProxyType({KIND: "value"})
"""Any object (``comm``), shown masked."""
INPUT: Final = MappingProxyType({KIND: "input"})
"""The value given for the field an error names (``actual_value``): masked when that
field's name is a secret's."""
HINT: Final = MappingProxyType({KIND: "hint"})
"""A `RetryHint` or ``None``."""

EMPTY: Final[Mapping[str, object]] = MappingProxyType({})
"""The context of an error given none: one read-only mapping shared by all."""


def _wrong(owner: str, field: str, expected: str, value: object) -> NoReturn:
    msg = f"{owner}: {field} must be {expected}, got {type(value).__name__}"
    raise TypeError(msg)


def check_message(owner: str, value: object) -> None:
    """A message is a ``str`` (a subclass too)."""
    if not isinstance(value, str):
        _wrong(owner, "message", "a str", value)


def check_cause(owner: str, value: object) -> NoReturn:
    """Called for a cause that is neither ``None`` nor an exception: always refused."""
    _wrong(owner, "cause", "an exception or None", value)


def check_timestamp(owner: str, value: object) -> None:
    """A timestamp is an ``int`` of epoch milliseconds (not a ``bool``)."""
    if not is_int(value):
        _wrong(owner, "timestamp", "an int (epoch milliseconds) or None", value)


def check_text(owner: str, field: str, value: object) -> None:
    """A name or URL field holds a ``str`` or ``None``."""
    if not isinstance(value, str):
        _wrong(owner, field, "a str or None", value)


def check_status(owner: str, field: str, value: object) -> None:
    """An HTTP status is an ``int`` (not a ``bool``) from 100 to 599."""
    if not is_int(value):
        _wrong(owner, field, "an int (an HTTP status) or None", value)
    if not 100 <= value <= 599:  # noqa: PLR2004 -- HTTP's range
        msg = f"{owner}: {field} must be an HTTP status from 100 to 599, got {value!r}"
        raise ValueError(msg)


def check_duration(owner: str, field: str, value: object) -> None:
    """A duration is an ``int`` of milliseconds (not a ``bool``), never negative."""
    if not is_int(value):
        _wrong(owner, field, "an int of milliseconds or None", value)
    if value < 0:
        msg = f"{owner}: {field} must be >= 0 milliseconds, got {value!r}"
        raise ValueError(msg)


def names_tuple(owner: str, field: str, value: object) -> tuple[str, ...]:
    """Names, from any iterable of ``str`` (but not one ``str``), as a tuple."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        _wrong(owner, field, "an iterable of str (a list or tuple of names)", value)
    names = tuple(cast("Iterable[object]", value))
    for name in names:
        if not isinstance(name, str):
            _wrong(owner, f"each of {field}", "a str", name)
    return cast("tuple[str, ...]", names)


MAX_NESTING: Final = 32
"""How deep errors may hold errors that hold errors: far more than any real use, few
enough that every rendering of them stays shallow."""


def errors_tuple(owner: type, field: str, value: object) -> tuple[object, ...]:
    """Errors of type ``owner``, from any iterable of them, as a tuple."""
    name = owner.__name__
    given: object = value  # as given, for the message: not narrowed by the test below
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        _wrong(name, field, f"an iterable of {name} (a list or tuple of errors)", given)
    errors = tuple(cast("Iterable[object]", value))
    for error in errors:
        if type(error) is not owner:
            _wrong(name, f"each of {field}", f"a {name}", error)
        if getattr(error, field) and nesting(error, field) >= MAX_NESTING:
            msg = f"{name}: {field} may nest at most {MAX_NESTING} levels deep"
            raise ValueError(msg)
    return errors


def nesting(error: object, field: str) -> int:
    """How many levels of ``field`` lie below ``error`` (0 for an error that holds none)."""
    inner: tuple[object, ...] = getattr(error, field)
    return 1 + max(nesting(each, field) for each in inner) if inner else 0


def check_hint(owner: str, field: str, value: object) -> None:
    """A hint is a `RetryHint` or ``None``."""
    if not isinstance(value, RetryHint):
        _wrong(owner, field, "a RetryHint or None", value)


def freeze_context(context: object) -> Mapping[str, object]:
    """Copy ``context`` into a read-only mapping nobody else holds; its keys are ``str``."""
    # `type(...) is dict` first: the ABC check costs more, and nearly every context is a dict.
    if type(context) is not dict and not isinstance(context, Mapping):
        msg = f"context must be a mapping of names to values, got {type(context).__name__}"
        raise TypeError(msg)
    frozen: dict[object, object] = dict(cast("Mapping[object, object]", context))
    check_keys(frozen)
    return MappingProxyType(cast("dict[str, object]", frozen))


def check_keys(context: Iterable[object]) -> None:
    """Every key of a context is a ``str``: it names a fact (and JSON keys are text)."""
    for key in context:
        if type(key) is not str and not isinstance(key, str):
            msg = f"context keys must be str, got {type(key).__name__} ({key!r:.40})"
            raise TypeError(msg)
