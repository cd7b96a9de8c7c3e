"""Text for a model: what a language model calling a tool should read of an error.

`for_model` writes at most `LIMIT` characters in three parts, one line or more each:
what failed (``CODE: message``), what to change (the arguments of a `ValidationError`,
the names a lookup or a routing error offers) and whether trying again can help, and
when. Every text the error holds is masked first and cut after, so a cut never undoes a
mask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

from spice_errors._classify import carried_status, default_decision
from spice_errors._errors import (
    AuthenticationError,
    ConfigurationError,
    RateLimitError,
    RoutingError,
    SpiceError,
    ToolLookupError,
    ValidationError,
)
from spice_errors._problems import strict_json
from spice_errors._redact import redact_text
from spice_errors._text import in_range, type_name

LIMIT: Final = 600
"""The most characters `for_model` writes."""
_MESSAGE_LIMIT: Final = 200
_NAME_LIMIT: Final = 48
_NAMES_SHOWN: Final = 10
_ELLIPSIS: Final = "…"


_CHANGED: Final = "Retry: yes, with the call changed; the same call fails again."


def for_model(error: SpiceError) -> str:
    """The text a model calling a tool should read of ``error``; see `SpiceError.for_model`."""
    head = f"{error.code}: {_shown(error.message, _MESSAGE_LIMIT)}"
    change = _CHANGES.get(type(error))  # the 16 types are final: the exact type decides
    if change is None:
        text = f"{head}\n{_retry_line(error)}"
    else:
        room = LIMIT - len(head) - len(_CHANGED) - 2  # the two line breaks
        text = "\n".join((head, *change(error, room), _CHANGED))
    return text


# -- what to change ------------------------------------------------------------------------


def _lookup_lines(error: SpiceError, room: int) -> list[str]:
    assert isinstance(error, ToolLookupError)  # noqa: S101 -- _CHANGES dispatches on the type
    asked = f' "{_name(error.tool_name)}"' if error.tool_name is not None else ""
    where = f' in "{_name(error.namespace)}"' if error.namespace is not None else ""
    intro = f"There is no tool{asked}{where}. "
    return [_names_line(intro, "Call one of these tools", error.available_tools, room)]


def _routing_lines(error: SpiceError, room: int) -> list[str]:
    assert isinstance(error, RoutingError)  # noqa: S101 -- _CHANGES dispatches on the type
    return [_names_line("", "Route to one of these targets", error.available_targets, room)]


def _validation_lines(error: SpiceError, room: int) -> list[str]:
    assert isinstance(error, ValidationError)  # noqa: S101 -- _CHANGES dispatches on the type
    if not error.errors:
        argument = _argument(error, told=False)
        return [_cut(f"Change the {argument}." if argument else "Change the arguments.", room)]
    lines = ["Change these arguments:"]
    used = len(lines[0])
    total = len(error.errors)
    for shown, each in enumerate(error.errors):
        more = f"- ... and {total - shown} more"
        line = f"- {_cut(_argument(each, told=True) or _shown(each.message, room), room)}"
        last = shown == total - 1
        if used + 1 + len(line) + (0 if last else 1 + len(more)) > room:
            lines.append(more)
            break
        lines.append(line)
        used += 1 + len(line)
    return lines


def _argument(error: ValidationError, *, told: bool) -> str | None:
    """``argument "quantity": must be positive (expected int, got str)``.

    ``told``: the message is shown here (a member of ``errors``), not in the first line.
    """
    if error.field is None and error.expected_type is None:
        return None
    parts = [f'argument "{_name(error.field)}"' if error.field is not None else "argument"]
    if told:
        parts.append(f": {_shown(error.message, _MESSAGE_LIMIT)}")
    if error.expected_type is not None:
        got = ""
        given = type_name(error.actual_value)
        if error.actual_value is not None and given != error.expected_type:
            got = f", got {_name(given)}"
        parts.append(f" (expected {_name(error.expected_type)}{got})")
    return "".join(parts)


def _names_line(intro: str, label: str, names: tuple[str, ...], room: int) -> str:
    if not names:
        return _cut(f"{intro}None are available.", room)
    line = f"{intro}{label}:"
    for shown, name in enumerate(names[:_NAMES_SHOWN]):
        more = len(names) - shown
        candidate = f"{line}{',' if shown else ''} {_name(name)}"
        tail = f" ... and {more - 1} more" if more > 1 else ""
        if len(candidate) + len(tail) > room and shown:
            return f"{line} ... and {more} more"
        line = candidate
    hidden = len(names) - _NAMES_SHOWN
    return f"{line} ... and {hidden} more" if hidden > 0 else line


_CHANGES: Final[dict[type[SpiceError], Callable[[SpiceError, int], list[str]]]] = {
    ValidationError: _validation_lines,
    ToolLookupError: _lookup_lines,
    RoutingError: _routing_lines,
}
"""What to change, for the three types the model can fix (`recoverable_by_model`)."""


# -- whether to try again ------------------------------------------------------------------


def _retry_line(error: SpiceError) -> str:
    """For an error the model cannot fix by calling differently: the classifier's word."""
    decision = default_decision(error)
    if decision.should_retry:
        when = _wait(decision.suggested_delay)
        return f"Retry: yes, {when}; the call itself was fine."
    return f"Retry: no; {_why_not(error)}"


def _wait(seconds: float | None) -> str:
    if seconds is None:
        return "after a short wait"
    if seconds < 1:
        return f"after {round(seconds * 1000)} ms"
    if seconds < 120:  # noqa: PLR2004 -- two minutes read better in seconds
        return f"after {int(seconds)} s" if seconds % 1 == 0 else f"after {seconds:.3g} s"
    return f"after {seconds / 60:.3g} min"


# Those only a person can mend: the model should say so rather than try another way.
_FOR_A_PERSON: Final[tuple[tuple[type[SpiceError], str], ...]] = (
    (AuthenticationError, "the credentials were refused, and only a person can fix them"),
    (ConfigurationError, "the tool is not set up right, and only a person can fix it"),
)


def _why_not(error: SpiceError) -> str:
    reason = next((why for cls, why in _FOR_A_PERSON if isinstance(error, cls)), None)
    if reason is None and isinstance(error, RateLimitError) and error.limit_type == "quota":
        reason = "the quota is spent, and waiting will not help"
    if reason is not None:
        return f"{reason}. Tell the user."
    status = carried_status(error)
    shown = f" (HTTP {status})" if in_range(status, 100, 599) else ""
    return f"the same call would fail again{shown}. Do something else, or tell the user."


# -- text of the error's own ---------------------------------------------------------------


def _name(name: str | None) -> str:
    return _shown(name or "", _NAME_LIMIT)


def _shown(text: str, limit: int) -> str:
    """``text`` masked, then made safe for UTF-8 JSON, then cut: no step undoes another.

    The text goes out as JSON in UTF-8 (an MCP tool result): a lone surrogate, as
    `os.fsdecode` keeps a byte that is not UTF-8, is shown escaped, before the cut
    counts characters.
    """
    if text.isidentifier() and len(text) <= limit:
        return text  # no mark any mask looks for (":", "=", "@", "/", "%", a space)
    text = redact_text(text)
    if not text.isascii():
        text = cast("str", strict_json(text))
    if len(text) > limit or not text.isprintable():
        text = _cut(text, limit)
    return text


def _cut(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, an ellipsis where it was cut."""
    flat = text if text.isprintable() else " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: max(limit - 1, 0)] + _ELLIPSIS
