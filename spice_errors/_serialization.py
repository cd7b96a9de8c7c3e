"""Errors and results as dicts and JSON, with their cause chains; the readers.

The dict form of an error::

    {"code": "NETWORK_ERROR", "type": "NetworkError", "message": "...", "timestamp": 1,
     "context": {...}, "fields": {"status_code": 503, ...},
     "cause": {"type": "builtins.ConnectionResetError", "message": "...", "cause": None}}

A cause travels as data (its type's qualified name, its message, its own cause; a
`SpiceException` also carries its error) and comes back as a `SerializedException`
whose ``str`` is the original's. ``to_dict`` and ``to_json`` mask secrets unless told
``redact=False``, which is for trusted transport only.

The four readers raise `SpiceException` carrying a `SerializationError` on input they
cannot read, and nothing else.
"""

from __future__ import annotations

import copyreg
import itertools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, cast

from spice_errors._errors import (
    ALL_TYPES,
    BY_CODE,
    AnySpiceError,
    SerializationError,
    SpiceError,
    SpiceException,
)
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
# Cause chains longer than this are cut: the rest is summarized in one last link.
_MAX_CAUSES: Final = 64
_SPICE_EXCEPTION: Final = "spice_errors.SpiceException"


class SerializedException(Exception):  # noqa: N818 -- it stands for any exception, not an error kind
    """An exception rebuilt from data: a cause that crossed JSON, or that could not pickle.

    ``str()`` is the original's message; ``type_name`` names its class.

    .. versionadded:: 0.1.0
    """

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"SerializedException({self.type_name!r}, {str(self)!r})"

    def __reduce__(self) -> tuple[type[SerializedException], tuple[str, str], dict[str, object]]:
        # Unlike other exceptions', this one's cause survives pickling: it is the chain.
        return type(self), (self.type_name, str(self)), {"__cause__": self.__cause__}


# -- writing ------------------------------------------------------------------------------


def _type_name(exc: BaseException) -> str:
    """A link's type on the wire: always qualified, ``builtins.`` included."""
    if isinstance(exc, SerializedException):
        return exc.type_name
    return type_name(exc, builtins=True)


def cause_to_data(cause: BaseException | None, *, redact: bool) -> dict[str, object] | None:
    """A cause chain as nested dicts, cut at 64 links and at the first repeat."""
    head: dict[str, object] | None = None
    tail: dict[str, object] | None = None
    seen: set[int] = set()
    current = cause
    while current is not None:
        if id(current) in seen or len(seen) >= _MAX_CAUSES:
            break
        seen.add(id(current))
        message = exception_text(current)
        node: dict[str, object] = {
            "type": _type_name(current),
            "message": redact_text(message) if redact else message,
            "cause": None,
        }
        if tail is None:
            head = node
        else:
            tail["cause"] = node
        tail = node
        if isinstance(current, SpiceException):
            node["type"] = _SPICE_EXCEPTION
            node["error"] = error_to_dict(current.error, redact=redact)
            if _carries_its_chain(current):
                break  # the rest of the chain is written once, inside "error"
        current = next_cause(current)
    return head


def _carries_its_chain(exc: SpiceException) -> bool:
    """Whether the chain below ``exc`` is its error's, as `to_exception` links it."""
    return exc.__cause__ is not None and exc.__cause__ is exc.error.cause


def error_to_dict(error: SpiceError, *, redact: bool = True) -> dict[str, object]:
    """``error`` as plain data, ready for JSON; secrets masked unless ``redact=False``.

    .. versionadded:: 0.1.0
    """
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
        "cause": cause_to_data(error.cause, redact=redact),
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

    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


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


def _cause_from_data(data: object, *, fmt: str) -> BaseException | None:
    head: BaseException | None = None
    tail: BaseException | None = None
    current = data
    depth = 0
    while current is not None:
        if depth > _MAX_CAUSES:
            msg = f"error: the cause chain is longer than {_MAX_CAUSES} links"
            raise _unreadable(msg, fmt=fmt)
        node = _as_mapping(current)
        if node is None:
            msg = f"error: a cause must be an object, got {_kind(current)}"
            raise _unreadable(msg, fmt=fmt)
        type_name = _text_field(node, "type", "cause", fmt=fmt)
        message = _text_field(node, "message", "cause", fmt=fmt)
        exc: BaseException
        if type_name == _SPICE_EXCEPTION and "error" in node:
            exc = SpiceException(_error_from(node.get("error"), fmt=fmt))
        else:
            exc = SerializedException(type_name, message)
        if tail is None:
            head = exc
        else:
            tail.__cause__ = exc
        tail = exc
        current = node.get("cause")
        depth += 1
    return head


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


def _error_from(data: object, *, fmt: str, depth: int = 0) -> AnySpiceError:
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
    cause = _cause_from_data(mapping.get("cause"), fmt=fmt)
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


def _as_data(exc: BaseException) -> BaseException:
    """``exc`` and its chain rebuilt from their data form: `SerializedException` links."""
    return cast("BaseException", _cause_from_data(cause_to_data(exc, redact=False), fmt="pickle"))


CauseLinks = tuple[tuple[BaseException, bool], ...]
"""A cause chain for pickling: each link, and whether the next one is its ``__cause__``."""


def picklable_chain(cause: BaseException | None) -> CauseLinks | None:
    """``cause`` and the links below it, each one able to pickle.

    Pickle keeps an exception's arguments and attributes but not its ``__cause__`` or
    ``__context__``, so the chain travels as a list and `relink` joins it again. A link
    that will not pickle travels in its data form, which carries the rest of the chain.
    The chain is cut at its first repeat and after 64 links, like its data form.
    """
    if cause is None:
        return None
    links: list[tuple[BaseException, bool]] = []
    seen: set[int] = set()
    current: BaseException | None = cause
    while current is not None and id(current) not in seen and len(links) < _MAX_CAUSES:
        seen.add(id(current))
        if isinstance(current, SpiceException) and _carries_its_chain(current):
            # Its error pickles the rest of the chain, degrading what must be: no trial.
            links.append((current, True))
            break
        if not _survives_pickling(current):
            links.append((_as_data(current), True))
            break
        links.append((current, current.__cause__ is not None))
        current = next_cause(current)
    return tuple(links)


def relink(links: CauseLinks) -> BaseException:
    """The head of a chain that `picklable_chain` took apart, joined again."""
    for (exc, explicit), (below, _) in itertools.pairwise(links):
        if explicit:
            exc.__cause__ = below
        else:
            exc.__context__ = below
    return links[0][0]


def _reduce(error: SpiceError) -> tuple[object, tuple[type[SpiceError], tuple[object, ...]]]:
    """How an error pickles: its fields, with the cause as its chain of links.

    The read-only context proxy does not pickle; its dict does (`_restore` wraps it
    again). A cause travels as its chain of links (pickle drops ``__cause__``), and a
    link that would not survive pickling travels in its data form instead.
    """
    state = (
        error.message,
        picklable_chain(error.cause),
        dict(error.context),
        error.timestamp,
        *[getattr(error, name) for name in own_fields(type(error))],
    )
    return _restore, (type(error), state)


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
