"""Errors and results as dicts and JSON, with their cause chains; the readers.

The dict form of an error::

    {"code": "NETWORK_ERROR", "type": "NetworkError", "message": "...", "timestamp": 1,
     "context": {...}, "fields": {"status_code": 503, ...},
     "cause": {"type": "builtins.ConnectionResetError", "message": "...", "cause": None}}

A cause travels as data (its type's qualified name, its message, the notes added to
it when it has some, its own cause; a `SpiceException` also carries its error, whose
chain goes on inside it) and comes back as a `SerializedException` whose ``str`` is the
original's. ``to_dict`` and ``to_json`` mask secrets unless told ``redact=False``, which
is for trusted transport only.

A chain keeps 64 links at most, in every form: they are counted on through the error
of each `SpiceException` in it, and a chain that had more ends with one more link,
``{"type": "...", "message": "the cause chain is cut here: ..."}``, as the data form
marks its other cuts with ``"..."``.

The four readers raise `SpiceException` carrying a `SerializationError` on input they
cannot read, and nothing else.
"""

from __future__ import annotations

import copyreg
import itertools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, NamedTuple, cast

from spice_errors._errors import (
    ALL_TYPES,
    BY_CODE,
    AnySpiceError,
    SerializationError,
    SpiceError,
    SpiceException,
)
from spice_errors._exception import NOTE_PREFIX
from spice_errors._fast_init import field_names, own_fields
from spice_errors._fields import construct, json_safe, typed_fields
from spice_errors._kinds import MAX_NESTING
from spice_errors._redact import redact_mapping, redact_text
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._text import exception_text, next_cause, type_name

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "SerializedException",
    "error_from_dict",
    "error_from_json",
    "error_to_dict",
    "error_to_json",
    "result_from_dict",
    "result_from_json",
    "result_to_dict",
    "result_to_json",
]

_NAMES: Final[dict[str, type[SpiceError]]] = {cls.__name__: cls for cls in ALL_TYPES}
# Cause chains are cut after this many links, counted on through the error of each
# SpiceException in them, and the cut is marked by one more link, `_CUT_TYPE`.
_MAX_CAUSES: Final = 64
_SPICE_EXCEPTION: Final = "spice_errors.SpiceException"
_CUT_TYPE: Final = "..."
_CUT_MESSAGE: Final = f"the cause chain is cut here: it had more than {_MAX_CAUSES} links"


class SerializedException(Exception):  # noqa: N818 -- it stands for any exception, not an error kind
    """An exception rebuilt from data: a cause that crossed JSON, or that could not pickle.

    ``str()`` is the original's message; ``type_name`` names its class. Where a cause
    chain was cut (after 64 links), its last link is one of these whose ``type_name``
    is ``"..."``.

    .. versionadded:: 0.1.0
    """

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"SerializedException({self.type_name!r}, {str(self)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        # Unlike other exceptions', this one's chain survives pickling, as links; the
        # first is a copy of this one without the rest, which pickles as it is.
        if next_cause(self) is None:
            return type(self), (self.type_name, str(self)), dict(self.__dict__)
        return relink, (picklable_chain(self),)


def _cut() -> SerializedException:
    """The link that ends a chain cut after 64 links."""
    return SerializedException(_CUT_TYPE, _CUT_MESSAGE)


# -- writing ------------------------------------------------------------------------------


def _type_name(exc: BaseException) -> str:
    """A link's type on the wire: always qualified, ``builtins.`` included."""
    if isinstance(exc, SerializedException):
        return exc.type_name
    return type_name(exc, builtins=True)


def _notes_of(exc: BaseException) -> list[str]:
    """``exc``'s PEP 678 notes (those that are text, as ``add_note`` demands), a copy."""
    notes: object = getattr(exc, "__notes__", None)
    if not isinstance(notes, list):
        return []
    return [note for note in cast("list[object]", notes) if isinstance(note, str)]


def _added_notes(exc: BaseException, *, redact: bool) -> list[str]:
    """The notes added to ``exc``: a `SpiceException`'s own note is made again when read."""
    notes = _notes_of(exc)
    if notes and isinstance(exc, SpiceException) and notes[0].startswith(NOTE_PREFIX):
        del notes[0]
    return [redact_text(note) for note in notes] if redact else notes


def cause_to_data(
    cause: BaseException | None, *, redact: bool, seen: set[int] | None = None
) -> dict[str, object] | None:
    """A cause chain as nested dicts, cut after 64 links and at the first repeat.

    The links are counted on through the error each `SpiceException` carries (``seen``,
    the links written so far, is shared with them); a cut chain ends with a link of type
    ``"..."`` saying so.
    """
    seen = set() if seen is None else seen
    head: dict[str, object] | None = None
    tail: dict[str, object] | None = None
    current = cause
    while current is not None and id(current) not in seen:
        if len(seen) >= _MAX_CAUSES:
            node: dict[str, object] = {"type": _CUT_TYPE, "message": _CUT_MESSAGE, "cause": None}
            current = None
        else:
            seen.add(id(current))
            node, current = _link_data(current, redact=redact, seen=seen)
        if tail is None:
            head = node
        else:
            tail["cause"] = node
        tail = node
    return head


def _link_data(
    exc: BaseException, *, redact: bool, seen: set[int]
) -> tuple[dict[str, object], BaseException | None]:
    """One link as data, and the link to write after it."""
    message = exception_text(exc)
    node: dict[str, object] = {
        "type": _type_name(exc),
        "message": redact_text(message) if redact else message,
    }
    if getattr(exc, "__notes__", None):
        notes = _added_notes(exc, redact=redact)
        if notes:
            node["notes"] = notes
    node["cause"] = None
    if not isinstance(exc, SpiceException):
        return node, next_cause(exc)
    node["type"] = _SPICE_EXCEPTION
    node["error"] = _error_data(exc.error, redact=redact, seen=seen)
    # The chain below the exception is its error's, written once, inside "error".
    return node, None if _carries_its_chain(exc) else next_cause(exc)


def _carries_its_chain(exc: SpiceException) -> bool:
    """Whether the chain below ``exc`` is its error's, as `to_exception` links it."""
    return exc.__cause__ is not None and exc.__cause__ is exc.error.cause


def error_to_dict(error: SpiceError, *, redact: bool = True) -> dict[str, object]:
    """``error`` as plain data, ready for JSON; secrets masked unless ``redact=False``.

    .. versionadded:: 0.1.0
    """
    return _error_data(error, redact=redact, seen=None)


def _error_data(error: SpiceError, *, redact: bool, seen: set[int] | None) -> dict[str, object]:
    """`error_to_dict`, its cause chain going on from the links ``seen`` above it."""
    context = redact_mapping(error.context) if redact else dict(error.context)
    return {
        "code": error.code,
        "type": type(error).__name__,
        "message": redact_text(error.message) if redact else error.message,
        "timestamp": error.timestamp,
        "context": json_safe(context, redact=redact),
        "fields": typed_fields(
            error, redact=redact, inner=lambda inner: error_to_dict(inner, redact=redact)
        ),
        "cause": cause_to_data(error.cause, redact=redact, seen=seen),
    }


def result_to_dict(
    result: SpiceResult[object, SpiceError], *, redact: bool = True
) -> dict[str, object]:
    """``result`` as plain data: ``{"success": true, "value": ...}``, or ``false`` and ``"error"``.

    The value is kept as it is; it must be JSON-ready for `result_to_json`.

    .. versionadded:: 0.1.0
    """
    if isinstance(result, Success):
        return {"success": True, "value": result.value}
    return {"success": False, "error": error_to_dict(result.error, redact=redact)}


def _dumps(data: object) -> str:
    import json

    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            # A lone surrogate (os.fsdecode makes them) is written as its escape, so the
            # document always encodes as UTF-8 and reads back the same.
            return json.dumps(data, allow_nan=False, separators=(",", ":"))
    return text


def error_to_json(error: SpiceError, *, redact: bool = True) -> str:
    """``error`` as a JSON document; secrets masked unless ``redact=False``.

    .. versionadded:: 0.1.0
    """
    return _dumps(error_to_dict(error, redact=redact))


def result_to_json(result: SpiceResult[object, SpiceError], *, redact: bool = True) -> str:
    """``result`` as a JSON document; its value is made JSON-ready as context values are.

    .. versionadded:: 0.1.0
    """
    data = result_to_dict(result, redact=redact)
    if "value" in data:
        data["value"] = json_safe(data["value"], redact=False)
    return _dumps(data)


# -- reading ------------------------------------------------------------------------------


def _unreadable(problem: str, *, fmt: str, cause: BaseException | None = None) -> SpiceException:
    return SerializationError(f"Cannot read the {problem}", format=fmt, cause=cause).to_exception()


def _kind(value: object) -> str:
    return type(value).__name__


def _as_mapping(value: object) -> Mapping[object, object] | None:
    # A dict is checked first: an ABC check is slow, and JSON gives dicts.
    if type(value) is dict or isinstance(value, Mapping):
        return cast("Mapping[object, object]", value)
    return None


def _text_field(data: Mapping[object, object], name: str, where: str, *, fmt: str) -> str:
    value = data.get(name)
    if isinstance(value, str):
        return value
    msg = f"{where}: {name!r} must be str, got {_kind(value)}"
    raise _unreadable(msg, fmt=fmt)


class _Read:
    """The links one chain being read has still room for, through its SpiceExceptions."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = _MAX_CAUSES


def _cause_from_data(data: object, *, fmt: str, read: _Read | None = None) -> BaseException | None:
    read = _Read() if read is None else read
    head: BaseException | None = None
    tail: BaseException | None = None
    current = data
    while current is not None:
        node = _as_mapping(current)
        if node is None:
            msg = f"error: a cause must be an object, got {_kind(current)}"
            raise _unreadable(msg, fmt=fmt)
        exc = _link_from(node, fmt=fmt, read=read)
        if tail is None:
            head = exc
        else:
            tail.__cause__ = exc
        tail = exc
        # The mark of a cut ends the chain, whatever follows it.
        current = None if _is_cut(exc) else node.get("cause")
    return head


def _is_cut(exc: BaseException) -> bool:
    return isinstance(exc, SerializedException) and exc.type_name == _CUT_TYPE


def _link_from(node: Mapping[object, object], *, fmt: str, read: _Read) -> BaseException:
    """One link of a chain, from its data; counted unless it marks a cut."""
    type_name = _text_field(node, "type", "cause", fmt=fmt)
    message = _text_field(node, "message", "cause", fmt=fmt)
    if type_name == _CUT_TYPE:
        return SerializedException(type_name, message)
    if read.left == 0:
        msg = f"error: the cause chain is longer than {_MAX_CAUSES} links"
        raise _unreadable(msg, fmt=fmt)
    read.left -= 1
    notes = _notes_from(node.get("notes"), fmt=fmt)
    exc: BaseException
    if type_name == _SPICE_EXCEPTION and "error" in node:
        exc = SpiceException(_error_from(node.get("error"), fmt=fmt, read=read))
    else:
        exc = SerializedException(type_name, message)
    for note in notes:
        exc.add_note(note)
    return exc


def _notes_from(value: object, *, fmt: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        notes = cast("list[object]", value)
        if all(isinstance(note, str) for note in notes):
            return cast("list[str]", notes)
    msg = "cause: 'notes' must be a list of text"
    raise _unreadable(msg, fmt=fmt)


def _class_of(mapping: Mapping[object, object], *, fmt: str) -> type[SpiceError]:
    code, name = mapping.get("code"), mapping.get("type")
    cls = (BY_CODE.get(code) if isinstance(code, str) else None) or (
        _NAMES.get(name) if isinstance(name, str) else None
    )
    if cls is None:
        msg = f"error: unknown code {code!r} and type {name!r}"
        raise _unreadable(msg, fmt=fmt)
    return cls


def _timestamp(mapping: Mapping[object, object], *, fmt: str) -> int | None:
    timestamp = mapping.get("timestamp")
    if timestamp is None or (type(timestamp) is int):
        return timestamp
    msg = f"error: 'timestamp' must be int, got {_kind(timestamp)}"
    raise _unreadable(msg, fmt=fmt)


def _error_from(
    data: object, *, fmt: str, depth: int = 0, read: _Read | None = None
) -> AnySpiceError:
    mapping = _as_mapping(data)
    if mapping is None:
        msg = f"error: expected an object, got {_kind(data)}"
        raise _unreadable(msg, fmt=fmt)
    cls = _class_of(mapping, fmt=fmt)
    message = _text_field(mapping, "message", "error", fmt=fmt)
    timestamp = _timestamp(mapping, fmt=fmt)
    context = _mapping(mapping.get("context", {}), "context", fmt=fmt)
    fields = _mapping(mapping.get("fields", {}), "fields", fmt=fmt)
    inner = fields.get("errors")
    if isinstance(inner, list):
        items = cast("list[object]", inner)
        fields["errors"] = [_inner_error(item, fmt=fmt, depth=depth) for item in items]
    cause = _cause_from_data(mapping.get("cause"), fmt=fmt, read=read)
    built = construct(cls, message, fields, context, cause=cause, timestamp=timestamp)
    return cast("AnySpiceError", built)


def _inner_error(item: object, *, fmt: str, depth: int) -> object:
    """An error an error holds, read back from `error_to_dict`'s form (other forms kept)."""
    mapping = _as_mapping(item)
    if mapping is None or "message" not in mapping:
        return item
    if depth >= MAX_NESTING:
        msg = f"error: 'errors' nested deeper than {MAX_NESTING} levels"
        raise _unreadable(msg, fmt=fmt)
    return _error_from(mapping, fmt=fmt, depth=depth + 1)


def _mapping(value: object, name: str, *, fmt: str) -> dict[str, object]:
    mapping = _as_mapping(value)
    if mapping is None:
        msg = f"error: {name!r} must be an object, got {_kind(value)}"
        raise _unreadable(msg, fmt=fmt)
    found: dict[str, object] = {key: item for key, item in mapping.items() if type(key) is str}
    if len(found) != len(mapping):
        msg = f"error: {name!r} must have text keys"
        raise _unreadable(msg, fmt=fmt)
    return found


def _guarded(
    read: Callable[[], SpiceResult[object, SpiceError] | AnySpiceError], *, fmt: str
) -> object:
    """Run a reader; anything but its own SpiceException becomes one."""
    try:
        return read()
    except SpiceException:
        raise
    except Exception as exc:
        msg = f"data ({type(exc).__name__})"
        raise _unreadable(msg, fmt=fmt, cause=exc) from exc


def error_from_dict(data: Mapping[str, object]) -> AnySpiceError:
    """Rebuild an error from `error_to_dict`'s form.

    Raises:
        SpiceException: Carrying a `SerializationError` saying what could not be read.

    .. versionadded:: 0.1.0
    """
    return cast("AnySpiceError", _guarded(lambda: _error_from(data, fmt="dict"), fmt="dict"))


def _result_from(data: object, *, fmt: str) -> SpiceResult[object, AnySpiceError]:
    mapping = _as_mapping(data)
    if mapping is None:
        msg = f"result: expected an object, got {_kind(data)}"
        raise _unreadable(msg, fmt=fmt)
    success = mapping.get("success")
    if success is True and "value" in mapping:
        return Success(mapping["value"])
    if success is False and "error" in mapping:
        return Failure(_error_from(mapping["error"], fmt=fmt))
    msg = 'result: expected {"success": true, "value": ...} or {"success": false, "error": ...}'
    raise _unreadable(msg, fmt=fmt)


def result_from_dict(data: Mapping[str, object]) -> SpiceResult[object, AnySpiceError]:
    """Rebuild a result from `result_to_dict`'s form.

    Raises:
        SpiceException: Carrying a `SerializationError` saying what could not be read.

    .. versionadded:: 0.1.0
    """
    read = _guarded(lambda: _result_from(data, fmt="dict"), fmt="dict")
    return cast("SpiceResult[object, AnySpiceError]", read)


def _loads(text: object) -> object:
    import json

    if not isinstance(text, str | bytes | bytearray):
        msg = f"JSON: expected text or bytes, got {type(text).__name__}"
        raise _unreadable(msg, fmt="json")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        msg = f"JSON: {type(exc).__name__}"
        raise _unreadable(msg, fmt="json", cause=exc) from exc


def error_from_json(text: str | bytes) -> AnySpiceError:
    """Rebuild an error from `error_to_json`'s document.

    Raises:
        SpiceException: Carrying a `SerializationError` saying what could not be read.

    .. versionadded:: 0.1.0
    """
    read = _guarded(lambda: _error_from(_loads(text), fmt="json"), fmt="json")
    return cast("AnySpiceError", read)


def result_from_json(text: str | bytes) -> SpiceResult[object, AnySpiceError]:
    """Rebuild a result from `result_to_json`'s document.

    Raises:
        SpiceException: Carrying a `SerializationError` saying what could not be read.

    .. versionadded:: 0.1.0
    """
    read = _guarded(lambda: _result_from(_loads(text), fmt="json"), fmt="json")
    return cast("SpiceResult[object, AnySpiceError]", read)


# -- pickling -----------------------------------------------------------------------------


def _survives_pickling(exc: BaseException) -> bool:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 -- our own bytes, just made
    except Exception:  # noqa: BLE001 -- any failure to pickle means: send the data form
        return False
    return True


class _SpiceLink(NamedTuple):
    """A `SpiceException` in a chain being pickled, its error's own chain left out.

    Pickled whole, the exception would pickle its error, which would pickle its own
    chain afresh, one level deeper for each SpiceException: the chain is one list
    instead, and ``cause`` says where the error's cause is in it.
    """

    kind: type[SpiceException]
    error_type: type[SpiceError]
    state: tuple[object, ...]
    notes: list[str]
    cause: bool | CauseLinks | None
    """True: the next link (as `to_exception` makes it); else its own links, or none."""

    def rebuilt(self) -> SpiceException:
        error = _restore(self.error_type, self.state)
        exc = self.kind(error)  # its error has no cause yet, so neither has it
        if isinstance(self.cause, tuple):
            object.__setattr__(error, "cause", relink(self.cause))
        exc.__notes__ = self.notes
        return exc


Link = BaseException | _SpiceLink
CauseLinks = tuple[tuple[Link, bool], ...]
"""A cause chain for pickling: each link, and whether the next one is its ``__cause__``."""


def picklable_chain(cause: BaseException | None, seen: set[int] | None = None) -> CauseLinks | None:
    """``cause`` and the links below it, each one able to pickle.

    Pickle keeps an exception's arguments and attributes but not its ``__cause__`` or
    ``__context__``, so the chain travels as a list and `relink` joins it again. A link
    that will not pickle travels in its data form. As in the data form, the chain is cut
    at its first repeat and after 64 links, counted through the error of each
    SpiceException (``seen``, the links taken so far, is shared with them), and a cut
    chain ends with a link saying so.
    """
    if cause is None:
        return None
    seen = set() if seen is None else seen
    links: list[tuple[Link, bool]] = []
    current: BaseException | None = cause
    while current is not None and id(current) not in seen:
        if len(seen) >= _MAX_CAUSES:
            links.append((_cut(), False))
            break
        seen.add(id(current))
        links.append((_picklable_link(current, seen), current.__cause__ is not None))
        current = next_cause(current)
    return tuple(links)


def _picklable_link(exc: BaseException, seen: set[int]) -> Link:
    """``exc`` as it travels in a pickled chain: itself, or a stand-in."""
    if isinstance(exc, SpiceException):
        error = exc.error
        carried = _carries_its_chain(exc)
        return _SpiceLink(
            type(exc) if type(exc).__init__ is SpiceException.__init__ else SpiceException,
            type(error),
            _state(error, None),
            _notes_of(exc),
            True if carried else picklable_chain(error.cause, seen),
        )
    if isinstance(exc, SerializedException) or not _survives_pickling(exc):
        # Its own chain is the rest of this one: a copy without it.
        stand_in = SerializedException(_type_name(exc), exception_text(exc))
        notes = _notes_of(exc)
        if notes:
            stand_in.__notes__ = notes
        return stand_in
    return exc


def _link(exc: BaseException, below: BaseException, *, explicit: bool) -> None:
    if explicit:
        exc.__cause__ = below
    else:
        exc.__context__ = below


def relink(links: CauseLinks) -> BaseException:
    """The head of a chain that `picklable_chain` took apart, joined again."""
    chain = [
        (link.rebuilt() if isinstance(link, _SpiceLink) else link, link, explicit)
        for link, explicit in links
    ]
    for (exc, link, explicit), (below, _, _) in itertools.pairwise(chain):
        _link(exc, below, explicit=explicit)
        if isinstance(link, _SpiceLink) and link.cause is True:
            object.__setattr__(cast("SpiceException", exc).error, "cause", below)
    return chain[0][0]


def _state(error: SpiceError, links: CauseLinks | None) -> tuple[object, ...]:
    """What `_restore` rebuilds ``error`` from, its cause as ``links``."""
    return (
        error.message,
        links,
        dict(error.context),
        error.timestamp,
        *[getattr(error, name) for name in own_fields(type(error))],
    )


def _reduce(error: SpiceError) -> tuple[object, tuple[type[SpiceError], tuple[object, ...]]]:
    """How an error pickles: its fields, with the cause as its chain of links.

    The read-only context proxy does not pickle; its dict does (`_restore` wraps it
    again). A cause travels as its chain of links (pickle drops ``__cause__``), and a
    link that would not survive pickling travels in its data form instead.
    """
    return _restore, (type(error), _state(error, picklable_chain(error.cause)))


def _restore(cls: type[SpiceError], state: tuple[object, ...]) -> SpiceError:
    """Rebuild an error from `_reduce`'s state, bypassing ``__init__``."""
    error = object.__new__(cls)
    for name, value in zip(field_names(cls), state, strict=True):
        object.__setattr__(error, name, value)
    object.__setattr__(error, "context", MappingProxyType(dict(error.context)))
    links = cast("CauseLinks | None", state[1])
    if links is not None:
        object.__setattr__(error, "cause", relink(links))
    return error


def _register_pickling() -> None:
    for cls in ALL_TYPES:
        copyreg.pickle(cls, _reduce)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


_register_pickling()
