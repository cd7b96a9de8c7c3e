"""Text for a model: what a language model calling a tool should read of an error.

`for_model` writes at most `LIMIT` characters in three parts, one line or more each:
what failed (``CODE: message``), what to change (the arguments of a `ValidationError`,
the names a lookup or a routing error offers) and whether trying again can help, and
when. Every text the error holds is masked first and cut after, so a cut never undoes a
mask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, cast

from spice_errors._classify import carried_status, requested_wait, verdict
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
from spice_errors._text import PLAIN_NAMES, in_range, type_name

LIMIT: Final = 600
"""The most characters `for_model` writes."""
_MESSAGE_LIMIT: Final = 200
_NAME_LIMIT: Final = 48
_NAMES_SHOWN: Final = 10
_ELLIPSIS: Final = "…"


_CHANGED: Final = "Retry: yes, with the call changed; the same call fails again."


def for_model(error: SpiceError) -> str:
    """The text a model calling a tool should read of ``error``; see `SpiceError.for_model`."""
    message = redact_text(error.message)  # as str(error) does; more only for a rare message
    if len(message) > _MESSAGE_LIMIT or not (message.isascii() and message.isprintable()):
        message = _safe(message, _MESSAGE_LIMIT)
    head = f"{error.code}: {message}"
    change = _CHANGES.get(type(error))  # the 16 types are final: the exact type decides
    if change is not None:
        room = LIMIT - len(head) - len(_CHANGED) - 2  # the two line breaks
        return f"{head}\n{change(error, room)}\n{_CHANGED}"
    # The model cannot fix it by calling differently: the default rules' word, and the wait.
    retry, _reason, waits = verdict(error)  # no decision built: its fields are all we need
    if retry:
        when = _wait(requested_wait(error) if waits else None)
        return f"{head}\nRetry: yes, {when}; the call itself was fine."
    return f"{head}\nRetry: no; {_why_not(error)}"


# -- what to change ------------------------------------------------------------------------


def _lookup_change(error: ToolLookupError, room: int) -> str:
    asked = f' "{_name(error.tool_name)}"' if error.tool_name is not None else ""
    where = f' in "{_name(error.namespace)}"' if error.namespace is not None else ""
    intro = f"There is no tool{asked}{where}. "
    return _names_line(intro, "Call one of these tools", error.available_tools, room)


def _routing_change(error: RoutingError, room: int) -> str:
    return _names_line("", "Route to one of these targets", error.available_targets, room)


def _validation_change(error: ValidationError, room: int) -> str:
    if not error.errors:
        # At most 185 characters (three names of _NAME_LIMIT), and room is at least 315.
        argument = _argument(error, told=False)
        return f"Change the {argument}." if argument else "Change the arguments."
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
    return "\n".join(lines)


def _argument(error: ValidationError, *, told: bool) -> str | None:
    """``argument "quantity": must be positive (expected int, got str)``.

    ``told``: the message is shown here (a member of ``errors``), not in the first line.
    """
    field, expected = error.field, error.expected_type
    if field is None and expected is None:
        return None
    named = "" if field is None else f' "{_name(field)}"'
    said = f": {_shown(error.message, _MESSAGE_LIMIT)}" if told else ""
    if expected is None:
        return f"argument{named}{said}"
    actual = error.actual_value
    given = None if actual is None else PLAIN_NAMES.get(type(actual)) or type_name(actual)
    got = "" if given is None or given == expected else f", got {_name(given)}"
    return f"argument{named}{said} (expected {_name(expected)}{got})"


def _names_line(intro: str, label: str, names: tuple[str, ...], room: int) -> str:
    if not names:
        return _cut(f"{intro}None are available.", room)
    listed = names[:_NAMES_SHOWN]
    if not (all(map(str.isidentifier, listed)) and max(map(len, listed)) <= _NAME_LIMIT):
        listed = tuple(map(_name, listed))  # one of them may need a mask or a cut
    hidden = len(names) - len(listed)
    line = f"{intro}{label}: {', '.join(listed)}"
    if hidden > 0:
        line = f"{line} ... and {hidden} more"
    if len(line) <= room:
        return line  # all ten fit, as they mostly do
    # Else the longest run of them that fits, told how many more there are; one at least.
    shorter = (
        f"{intro}{label}: {', '.join(listed[:count])} ... and {len(names) - count} more"
        for count in range(len(listed) - 1, 1, -1)
    )
    one = f"{intro}{label}: {listed[0]} ... and {len(names) - 1} more"
    return next((each for each in shorter if len(each) <= room), one)


# Each function takes the type it is filed under: `for_model` looks it up by the exact type.
_CHANGES: Final[dict[type[SpiceError], Callable[[Any, int], str]]] = {
    ValidationError: _validation_change,
    ToolLookupError: _lookup_change,
    RoutingError: _routing_change,
}
"""What to change, for the three types the model can fix (`recoverable_by_model`)."""


# -- whether to try again ------------------------------------------------------------------


_WAITS_KEPT: Final = 256
_WAITS: Final[dict[float, str]] = {}
"""The words for each wait told so far (servers ask for few): numbers are slow to format."""


def _wait(seconds: float | None) -> str:
    if seconds is None:
        return "after a short wait"
    told = _WAITS.get(seconds)
    if told is None:
        told = _wait_words(seconds)
        if len(_WAITS) >= _WAITS_KEPT:
            _WAITS.clear()
        _WAITS[seconds] = told
    return told


def _wait_words(seconds: float) -> str:
    if seconds < 1:
        return f"after {round(seconds * 1000)} ms"
    if seconds < 120:  # noqa: PLR2004 -- two minutes read better in seconds
        whole = int(seconds)
        return f"after {whole} s" if whole == seconds else f"after {seconds:.3g} s"
    return f"after {seconds / 60:.3g} min"


# Those only a person can mend: the model should say so rather than try another way.
_FOR_A_PERSON: Final[dict[type[SpiceError], str]] = {
    AuthenticationError: "the credentials were refused, and only a person can fix them",
    ConfigurationError: "the tool is not set up right, and only a person can fix it",
}


def _why_not(error: SpiceError) -> str:
    reason = _FOR_A_PERSON.get(type(error))  # the 16 types are final: the exact type decides
    if reason is None and isinstance(error, RateLimitError) and error.limit_type == "quota":
        reason = "the quota is spent, and waiting will not help"
    if reason is not None:
        return f"{reason}. Tell the user."
    status = carried_status(error)
    shown = f" (HTTP {status})" if in_range(status, 100, 599) else ""
    return f"the same call would fail again{shown}. Do something else, or tell the user."


# -- text of the error's own ---------------------------------------------------------------


def _name(name: str | None) -> str:
    return _shown(name, _NAME_LIMIT) if name else ""


def _shown(text: str, limit: int) -> str:
    """``text`` masked, then made safe for UTF-8 JSON, then cut: no step undoes another.

    The text goes out as JSON in UTF-8 (an MCP tool result): a lone surrogate, as
    `os.fsdecode` keeps a byte that is not UTF-8, is shown escaped, before the cut
    counts characters.
    """
    if text.isidentifier() and len(text) <= limit:
        return text  # no mark any mask looks for (":", "=", "@", "/", "%", a space)
    return _safe(redact_text(text), limit)


def _safe(text: str, limit: int) -> str:
    """Masked ``text`` made safe for UTF-8 JSON, then cut to ``limit`` characters."""
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
