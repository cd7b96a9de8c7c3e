"""Typed fields and values to and from plain data: shared by problems and serialization.

What a field accepts when read back is decided by its kind (`spice_errors._fast_init`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, cast

import attrs

from spice_errors._errors import RetryHint, SpiceError, ValidationError, shown_fields
from spice_errors._fast_init import own_fields, own_kinds
from spice_errors._kinds import Kind
from spice_errors._redact import redact_text, shown_int
from spice_errors._text import in_range, is_int_at_least

__all__ = ["construct", "json_safe", "problem_member", "typed_fields"]

# Deeper structures than this are cut, so that self-references end.
_MAX_DEPTH: Final = 32
_CUT: Final = "..."
# Decimal digits per bit of an int (log10 2), to tell its length in digits without text.
_DIGITS_PER_BIT: Final = 0.30103
# An int of at most this many bits has fewer digits than any limit Python allows (640).
_SHORT_INT_BITS: Final = 2_000


def _hint_data(hint: RetryHint) -> dict[str, object]:
    return {
        "retry_after_ms": hint.retry_after_ms,
        "max_attempts": hint.max_attempts,
        "skip_retry": hint.skip_retry,
        "reason": hint.reason,
    }


def json_safe(value: object, *, redact: bool = True, depth: int = 0) -> object:  # noqa: PLR0911
    """A copy that ``json.dumps`` accepts as standard JSON.

    Mappings become dicts with text keys, sequences and sets become lists, non-finite
    floats and other objects become text (with URLs redacted when ``redact``). Ints are
    kept whole unless ``redact``, which shortens huge ones; an int Python cannot write as
    text (more digits than ``sys.get_int_max_str_digits()``) is always described.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return shown_int(value) if redact else _whole_int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth >= _MAX_DEPTH:
        return _CUT
    if isinstance(value, Mapping):
        items = cast("Mapping[object, object]", value).items()
        return {str(key): json_safe(item, redact=redact, depth=depth + 1) for key, item in items}
    if isinstance(value, list | tuple | set | frozenset):
        return [
            json_safe(item, redact=redact, depth=depth + 1)
            for item in cast("Iterable[object]", value)
        ]
    if isinstance(value, RetryHint):
        return _hint_data(value)
    text = str(value)
    return redact_text(text) if redact else text


def _whole_int(value: int) -> object:
    """``value`` itself, unless Python cannot write it as text (more digits than its limit).

    Only an int beyond ``sys.get_int_max_str_digits()`` is described instead: neither
    ``json.dumps`` nor ``str`` would take it.
    """
    bits = value.bit_length()
    if bits <= _SHORT_INT_BITS:
        return value
    limit = sys.get_int_max_str_digits()
    if limit == 0 or bits * _DIGITS_PER_BIT < limit:
        return value
    try:
        str(value)
    except ValueError:
        return f"<int of {bits} bits>"
    return value


def typed_fields(
    error: SpiceError, *, redact: bool, inner: Callable[[SpiceError], object]
) -> dict[str, object]:
    """The type's own fields that are set, as JSON-ready data (masked when ``redact``).

    Errors an error holds (``ValidationError.errors``) are each rendered by ``inner``.
    """
    fields = (
        shown_fields(error)
        if redact
        else [(name, getattr(error, name)) for name in own_fields(type(error))]
    )
    kinds = dict(own_kinds(type(error)))
    return {
        name: [inner(each) for each in getattr(error, name)]
        if kinds[name] == "errors"
        else json_safe(value, redact=redact)
        for name, value in fields
        if value is not None and value != ()
    }


def problem_member(error: SpiceError) -> dict[str, object]:
    """One of the problems a `ValidationError` holds, as a problem document lists it.

    ``detail``, ``field`` when it names one, ``pointer`` (a JSON Pointer into the
    request, from the context's ``pointer``) and ``code``, masked.
    """
    member: dict[str, object] = {"detail": redact_text(error.message)}
    field = getattr(error, "field", None)
    if isinstance(field, str):
        member["field"] = redact_text(field)
    pointer = error.context.get("pointer")
    if isinstance(pointer, str):
        member["pointer"] = redact_text(pointer)
    member["code"] = error.code
    return member


_MEMBER_KEYS: Final = frozenset({"detail", "field", "pointer", "code"})


def _member(item: object) -> ValidationError | None:
    """A `ValidationError` read from a problem member (`problem_member`'s form)."""
    if isinstance(item, ValidationError):
        return item
    if not isinstance(item, Mapping):
        return None
    member = cast("Mapping[object, object]", item)
    detail = member.get("detail")
    if not isinstance(detail, str):
        return None
    field, pointer, code = member.get("field"), member.get("pointer"), member.get("code")
    context: dict[str, object] = {
        str(key): value for key, value in member.items() if key not in _MEMBER_KEYS
    }
    if isinstance(pointer, str):
        context["pointer"] = pointer
    elif pointer is not None:
        context["member_pointer"] = pointer
    if code != ValidationError.code and code is not None:
        context["code"] = code
    if field is not None and not isinstance(field, str):
        context["member_field"] = field
    return ValidationError(detail, field=field if isinstance(field, str) else None, context=context)


_BAD: Final = object()


def _status(value: object) -> object:
    return value if in_range(value, 100, 599) else _BAD


def _duration(value: object) -> object:
    return value if is_int_at_least(value, 0) else _BAD


def _text(value: object) -> object:
    return value if isinstance(value, str) else _BAD


def _names(value: object) -> object:
    if isinstance(value, list | tuple):
        items = cast("list[object] | tuple[object, ...]", value)
        if all(isinstance(item, str) for item in items):
            return tuple(cast("list[str]", items))
    return _BAD


def _errors(value: object) -> object:
    if not isinstance(value, list | tuple):
        return _BAD
    read: list[ValidationError] = []
    for item in cast("list[object] | tuple[object, ...]", value):
        member = _member(item)
        if member is None:
            return _BAD
        read.append(member)
    return tuple(read)


def _any(value: object) -> object:
    return value


def _hint(value: object) -> object:
    if not isinstance(value, Mapping):
        return _BAD
    data = cast("Mapping[str, object]", value)
    reason, skip = data.get("reason"), data.get("skip_retry")
    after, attempts = data.get("retry_after_ms"), data.get("max_attempts")
    if not (after is None or is_int_at_least(after, 0)) or not (
        attempts is None or is_int_at_least(attempts, 1)
    ):
        return _BAD
    return RetryHint(
        retry_after_ms=cast("int | None", after),
        max_attempts=cast("int | None", attempts),
        skip_retry=skip is True,
        reason=reason if isinstance(reason, str) else None,
    )


_READERS: Final[dict[Kind, Callable[[object], object]]] = {
    "name": _text,
    "url": _text,
    "status": _status,
    "duration": _duration,
    "names": _names,
    "errors": _errors,
    "value": _any,
    "input": _any,
    "hint": _hint,
}
# What a required field holds when the data does not say (ToolError's `tool_name`).
_UNNAMED: Final = "unknown"


def construct(  # noqa: PLR0913 -- everything an error is made of
    cls: type[SpiceError],
    message: str,
    typed: Mapping[str, object],
    context: dict[str, object],
    *,
    cause: BaseException | None = None,
    timestamp: int | None = None,
) -> SpiceError:
    """Build ``cls``; typed values of the wrong shape, or unknown to it, go to the context."""
    kinds = dict(own_kinds(cls))
    accepted: dict[str, Any] = {}
    for key, value in typed.items():
        kind = kinds.get(key)
        converted = _BAD if kind is None else _READERS[kind](value)
        if converted is _BAD:
            context[key] = value
        else:
            accepted[key] = converted
    for field in attrs.fields(cls):
        if field.default is attrs.NOTHING and field.name != "message":
            accepted.setdefault(field.name, _UNNAMED)
    if timestamp is not None:
        accepted["timestamp"] = timestamp
    return cls(message, context=context, cause=cause, **accepted)
