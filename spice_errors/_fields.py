"""Typed fields and values to and from plain data: shared by problems and serialization."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, cast

from spice_errors._checks import is_int_at_least
from spice_errors._redact import redact_text, shown_int
from spice_errors.errors import RetryHint, SpiceError, ToolError, own_fields

__all__ = ["BASE_FIELDS", "construct", "json_safe", "typed_fields"]

BASE_FIELDS: Final = frozenset({"message", "cause", "context", "timestamp"})
# Deeper structures than this are cut, so that self-references end.
_MAX_DEPTH: Final = 32
_CUT: Final = "..."


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
    floats and other objects become text (with URLs redacted when ``redact``).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return shown_int(value)
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


def typed_fields(error: SpiceError, *, redact: bool) -> dict[str, object]:
    """The type's own fields that are set, as JSON-ready data (masked when ``redact``)."""
    shown: dict[str, object] = {}
    for name in own_fields(type(error)):
        # `_shown` is the masked view of a field, as repr shows it.
        value = error._shown(name) if redact else getattr(error, name)  # pyright: ignore[reportPrivateUsage]  # noqa: SLF001
        if value is not None and value != ():
            shown[name] = json_safe(value, redact=redact)
    return shown


_BAD: Final = object()


def _integer(value: object) -> object:
    return value if isinstance(value, int) and not isinstance(value, bool) else _BAD


def _names(value: object) -> object:
    if isinstance(value, list | tuple):
        items = cast("list[object] | tuple[object, ...]", value)
        if all(isinstance(item, str) for item in items):
            return tuple(cast("list[str]", items))
    return _BAD


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


_READERS: Final[dict[str, Callable[[object], object]]] = {
    "status_code": _integer,
    "retry_after_ms": _integer,
    "timeout_ms": _integer,
    "available_tools": _names,
    "available_targets": _names,
    "retry_hint": _hint,
    "comm": _any,
    "actual_value": _any,
}


def _field_value(name: str, value: object) -> object:
    """A typed field's value read back from data, or `_BAD` when it cannot be."""
    reader = _READERS.get(name)
    if reader is not None:
        return reader(value)
    return value if isinstance(value, str) else _BAD


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
    names = own_fields(cls)
    accepted: dict[str, Any] = {}
    for key, value in typed.items():
        converted = _field_value(key, value) if key in names else _BAD
        if converted is _BAD:
            context[key] = value
        else:
            accepted[key] = converted
    if issubclass(cls, ToolError):
        accepted.setdefault("tool_name", "unknown")
    if timestamp is not None:
        accepted["timestamp"] = timestamp
    return cls(message, context=context, cause=cause, **accepted)
