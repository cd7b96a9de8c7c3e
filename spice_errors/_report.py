"""The human report of an error: `SpiceError.report`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from spice_errors._chains import next_cause
from spice_errors._redact import redact_mapping, redact_text

if TYPE_CHECKING:
    from spice_errors.errors import SpiceError

__all__ = ["report"]

_MAX_CAUSES: Final = 32
_MAX_LINE: Final = 500
_MAX_CONTEXT_KEYS: Final = 50
# How far past the shown causes a chain is counted before the report gives up counting.
_MAX_COUNTED: Final = 100_000


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_LINE else f"{text[:_MAX_LINE]}... ({len(text)} characters)"


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 -- a broken __str__ must not break a report
        return f"<unprintable {type(exc).__name__}>"


def _describe(exc: BaseException) -> str:
    from spice_errors.errors import SpiceException

    if isinstance(exc, SpiceException):
        error = exc.error
        return f"SpiceException ({error.code}): {_clip(redact_text(error.message))}"
    cls = type(exc)
    name = (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )
    message = _clip(redact_text(_safe_str(exc)))
    return f"{name}: {message}" if message else name


def _cause_lines(cause: BaseException | None) -> list[str]:
    lines: list[str] = []
    seen: set[int] = set()
    current = cause
    while current is not None:
        if id(current) in seen:
            lines.append("Caused by: ... (the chain loops back here)")
            break
        if len(seen) == _MAX_CAUSES:
            remaining = 0
            while current is not None and remaining < _MAX_COUNTED and id(current) not in seen:
                seen.add(id(current))
                remaining += 1
                current = next_cause(current)
            lines.append(f"Caused by: ... and {remaining} more")
            break
        seen.add(id(current))
        lines.append(f"Caused by: {_describe(current)}")
        current = next_cause(current)
    return lines


def report(error: SpiceError) -> str:
    """The type and code, message, typed fields, masked context, and the cause chain."""
    lines = [f"{type(error).__name__} ({error.code}): {_clip(redact_text(error.message))}"]
    # `_shown` is the masked view of a field, as repr shows it.
    shown = error._shown  # pyright: ignore[reportPrivateUsage]  # noqa: SLF001
    fields = [(name, shown(name)) for name in _own(error)]
    lines.extend(
        f"  {name}: {_clip(repr(value))}" for name, value in fields if value not in (None, ())
    )
    if error.context:
        lines.append("  context:")
        items = list(redact_mapping(error.context).items())
        lines.extend(f"    {key}: {_clip(repr(value))}" for key, value in items[:_MAX_CONTEXT_KEYS])
        if len(items) > _MAX_CONTEXT_KEYS:
            lines.append(f"    ... and {len(items) - _MAX_CONTEXT_KEYS} more")
    lines.extend(_cause_lines(error.cause))
    return "\n".join(lines)


def _own(error: SpiceError) -> tuple[str, ...]:
    from spice_errors.errors import own_fields

    return own_fields(type(error))
