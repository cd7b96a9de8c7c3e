"""The human report of an error: `SpiceError.report`."""

from __future__ import annotations

from typing import Final, cast

from spice_errors._errors import SpiceError, SpiceException, shown_fields
from spice_errors._fast_init import own_kinds
from spice_errors._redact import redact_mapping, redact_text
from spice_errors._text import exception_text, next_cause, type_name

__all__ = ["cause_lines", "report"]

_MAX_CAUSES: Final = 32
_MAX_LINE: Final = 500
_MAX_CONTEXT_KEYS: Final = 50
# How far past the shown causes a chain is counted before the report gives up counting.
_MAX_COUNTED: Final = 100_000


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_LINE else f"{text[:_MAX_LINE]}... ({len(text)} characters)"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SpiceException):
        error = exc.error
        return f"SpiceException ({error.code}): {_clip(redact_text(error.message))}"
    name = type_name(exc)
    message = _clip(redact_text(exception_text(exc)))
    return f"{name}: {message}" if message else name


def cause_lines(cause: BaseException | None) -> list[str]:
    """The ``Caused by:`` lines of a chain: redacted, 32 at most, stopping at a loop."""
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


def _inner_lines(name: str, errors: tuple[SpiceError, ...]) -> list[str]:
    """The errors an error holds, one line each (``field: message``), 50 at the most."""
    lines = [f"  {name} ({len(errors)}):"]
    for inner in errors[:_MAX_CONTEXT_KEYS]:
        field = getattr(inner, "field", None)
        message = redact_text(inner.message)
        lines.append(f"    - {_clip(f'{redact_text(field)}: {message}' if field else message)}")
    if len(errors) > _MAX_CONTEXT_KEYS:
        lines.append(f"    ... and {len(errors) - _MAX_CONTEXT_KEYS} more")
    return lines


def report(error: SpiceError) -> str:
    """The type and code, message, typed fields, masked context, and the cause chain."""
    lines = [f"{type(error).__name__} ({error.code}): {_clip(redact_text(error.message))}"]
    kinds = dict(own_kinds(type(error)))
    for name, value in shown_fields(error):
        if kinds[name] == "errors" and value:
            lines.extend(_inner_lines(name, cast("tuple[SpiceError, ...]", value)))
        elif value is not None and value != ():
            lines.append(f"  {name}: {_clip(repr(value))}")
    if error.context:
        lines.append("  context:")
        items = list(redact_mapping(error.context).items())
        lines.extend(f"    {key}: {_clip(repr(value))}" for key, value in items[:_MAX_CONTEXT_KEYS])
        if len(items) > _MAX_CONTEXT_KEYS:
            lines.append(f"    ... and {len(items) - _MAX_CONTEXT_KEYS} more")
    lines.extend(cause_lines(error.cause))
    return "\n".join(lines)
