"""How long a server asks us to wait: ``Retry-After``, its millisecond twins, rate-limit headers.

Pure functions of header values; none raises on what a server sends. Every wait is in
seconds, never negative, and at most 2**31 seconds (a longer one is no usable wait).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Final

from spice_errors._text import LazyPattern

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

__all__ = [
    "MAX_WAIT",
    "duration_seconds",
    "header_text",
    "milliseconds_header",
    "parse_retry_after",
    "rate_limit",
]

MAX_WAIT: Final = 2**31
"""The longest wait, in seconds, that a server can usefully ask for (about 68 years)."""


def header_text(value: object) -> str | None:
    """A header value as text: ``str`` as it is, bytes as Latin-1 (HTTP's), else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return None


# -- HTTP-dates (RFC 9110 section 5.6.7) -------------------------------------------------

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY: Final = r"(?:mon|tue|wed|thu|fri|sat|sun)"
_LONG_DAY: Final = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_CLOCK: Final = r"(\d{2}):(\d{2}):(\d{2})"
# IMF-fixdate, then the obsolete RFC 850 and asctime forms. ASCII only: HTTP digits are
# 0-9, not any Unicode digit, and "k" is not the Kelvin sign.
_NOCASE: Final = re.IGNORECASE | re.ASCII
_IMF_FIXDATE: Final = LazyPattern(
    rf"{_DAY}, (\d{{2}}) ([a-z]{{3}}) (\d{{4}}) {_CLOCK} gmt", _NOCASE
)
_RFC850: Final = LazyPattern(
    rf"{_LONG_DAY}, (\d{{2}})-([a-z]{{3}})-(\d{{2}}) {_CLOCK} gmt", _NOCASE
)
_ASCTIME: Final = LazyPattern(rf"{_DAY} ([a-z]{{3}}) (\d{{1,2}}) {_CLOCK} (\d{{4}})", _NOCASE)
_LEAP_SECOND: Final = 60


def _moment(  # noqa: PLR0913, PLR0917 -- the parts of a date, in their order
    year: int, month: str, day: str, hour: str, minute: str, second: str
) -> datetime | None:
    from datetime import UTC, datetime, timedelta

    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    seconds = int(second)
    # A leap second (23:59:60) is the moment after 23:59:59: datetime has no 60th second.
    leap = seconds == _LEAP_SECOND
    try:
        moment = datetime(
            year,
            month_number,
            int(day),
            int(hour),
            int(minute),
            seconds - leap,
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return moment + timedelta(seconds=1) if leap else moment


def http_date(value: str, now: datetime) -> datetime | None:
    """The moment an HTTP-date names, or None when it is not one.

    An RFC 850 date's two-digit year is read as RFC 9110 says: a moment more than 50
    years after ``now`` is taken as the most recent such year in the past.
    """
    text = " ".join(value.split())
    if found := _IMF_FIXDATE.get().fullmatch(text):
        day, month, year, hour, minute, second = found.groups()
        return _moment(int(year), month, day, hour, minute, second)
    if found := _RFC850.get().fullmatch(text):
        day, month, short_year, hour, minute, second = found.groups()
        year = now.year // 100 * 100 + int(short_year)
        moment = _moment(year, month, day, hour, minute, second)
        limit = _years_after(now, 50)
        if moment is not None and limit is not None and moment > limit:
            moment = _moment(year - 100, month, day, hour, minute, second)
        return moment
    if found := _ASCTIME.get().fullmatch(text):
        month, day, hour, minute, second, year = found.groups()
        return _moment(int(year), month, day, hour, minute, second)
    return None


def _years_after(moment: datetime, years: int) -> datetime | None:
    """The same moment ``years`` later; None past the year 9999, which no date exceeds."""
    year = moment.year + years
    if year > 9999:  # noqa: PLR2004 -- datetime's last year
        return None
    try:
        return moment.replace(year=year)
    except ValueError:  # 29 February, in a year that has none
        return moment.replace(year=year, day=28)


def _reference(now: datetime | None) -> datetime:
    from datetime import UTC, datetime

    reference = now if now is not None else datetime.now(UTC)
    return reference if reference.tzinfo is not None else reference.replace(tzinfo=UTC)


def _until(moment: datetime, date: object, reference: datetime) -> float | None:
    """Seconds from the response's ``Date`` (else ``reference``) to ``moment``, at least 0."""
    date_text = header_text(date)
    served = http_date(date_text.strip(), reference) if date_text else None
    seconds = (moment - (served or reference)).total_seconds()
    return None if seconds > MAX_WAIT else max(seconds, 0.0)


def parse_retry_after(
    value: str | bytes | None,
    *,
    now: datetime | None = None,
    date: str | bytes | None = None,
) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or ``None`` if there is no usable one.

    Reads delta-seconds (a fraction too) and all three HTTP-date forms of RFC 9110,
    leap second included. An HTTP-date is measured against ``date``, the response's
    ``Date`` header, when that is given and valid (which cancels any skew between the
    server's clock and ours), else against ``now``. A date in the past gives 0; a
    malformed value, or one over 2**31 seconds, gives ``None``.

    Args:
        value: The header's value.
        now: The current time, an aware ``datetime``; the current UTC time when omitted.
            A naive one is taken as UTC.
        date: The response's ``Date`` header value, if any.

    Examples:
        >>> parse_retry_after("120")
        120.0
        >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", date="Wed, 21 Oct 2015 07:27:30 GMT")
        30.0
        >>> parse_retry_after("soon") is None
        True

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 A leap second is read; a two-digit year is placed by the
       moment it names, not by its year alone.
    """
    text = header_text(value)
    if text is None:
        return None
    text = text.strip()
    if is_decimal(text):
        seconds = float(text)
        return seconds if seconds <= MAX_WAIT else None
    reference = _reference(now)
    moment = http_date(text, reference)
    return None if moment is None else _until(moment, date, reference)


def milliseconds_header(value: object) -> float | None:
    """Seconds from a wait in milliseconds (``retry-after-ms``, ``x-ms-retry-after-ms``)."""
    text = header_text(value)
    if text is None or not is_decimal(text := text.strip()):
        return None
    seconds = float(text) / 1000
    return seconds if seconds <= MAX_WAIT else None


# -- durations and rate-limit headers ----------------------------------------------------

# Go-style durations, as OpenAI writes its resets ("6m0s", "1.5s", "20ms", "1h2m3s"), and
# protobuf's JSON Duration, as Google writes a retryDelay ("57s", "0.5s").
_DURATION: Final = LazyPattern(
    r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?",
    re.ASCII,
)
_EPOCH_FROM: Final = 10**9
"""A reset above this many seconds is a moment (epoch seconds), not a delay (2001-09-09)."""


_UNIT_SECONDS: Final = {"h": 3600.0, "m": 60.0, "s": 1.0}


def is_decimal(text: str) -> bool:
    """Whether ``text`` is ASCII digits with at most one fraction: ``30``, ``2.5``."""
    whole, dot, fraction = text.partition(".")
    return (
        whole.isdigit()
        and whole.isascii()
        and (not dot or (fraction.isdigit() and fraction.isascii()))
    )


def duration_seconds(text: str) -> float | None:
    """Seconds from a duration such as ``6m0s``, ``1.5s`` or ``20ms``; None if not one."""
    text = text.strip()
    # One unit ("2.404s", "6ms", "57s") is read without the pattern: most resets are.
    if text.endswith("ms"):
        number, scale = text[:-2], 0.001
    else:
        number, scale = text[:-1], _UNIT_SECONDS.get(text[-1:], 0.0)
    if scale and is_decimal(number):
        total = float(number) * scale
    else:
        found = _DURATION.get().fullmatch(text)
        if found is None or not any(found.groups()):
            return None
        hours, minutes, seconds, millis = found.groups()
        total = (
            float(hours or 0) * 3600
            + float(minutes or 0) * 60
            + float(seconds or 0)
            + float(millis or 0) / 1000
        )
    return total if total <= MAX_WAIT else None


def reset_seconds(value: str, *, date: object, now: datetime | None) -> float | None:
    """Seconds until a rate limit resets, from how vendors write it.

    A number of seconds; above 10**9 an epoch time (GitHub's ``X-RateLimit-Reset``),
    measured against the response's ``Date``; a duration (``6m0s``); or an RFC 3339
    timestamp (Anthropic's ``anthropic-ratelimit-requests-reset``).
    """
    text = value.strip()
    if is_decimal(text):
        number = float(text)
        if number <= _EPOCH_FROM:
            return number
        from datetime import UTC, datetime

        try:
            moment = datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return _until(moment, date, _reference(now))
    if (seconds := duration_seconds(text)) is not None:
        return seconds
    return _rfc3339(text, date, now)


def _rfc3339(text: str, date: object, now: datetime | None) -> float | None:
    from datetime import UTC, datetime

    if not text[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _until(moment, date, _reference(now))


# The names a limit's numbers go by: the IETF draft's RateLimit-Limit/-Remaining/-Reset,
# the X-RateLimit-* headers (GitHub, many others), OpenAI's x-ratelimit-<part>-<which>
# and Anthropic's anthropic-ratelimit-<which>-<part>.
_LIMIT_HEADER: Final = LazyPattern(
    r"(?:x-)?ratelimit-(limit|remaining|reset)(?:-([a-z0-9-]+))?"
    r"|anthropic-ratelimit-([a-z0-9-]+?)-(limit|remaining|reset)",
    re.ASCII,
)
# The IETF draft's own fields: "limit=100, remaining=0, reset=30" (drafts up to 06) or
# '"default";r=0;t=30' with 'RateLimit-Policy: "default";q=100;w=60' (07 and later).
_DRAFT_FIELD: Final = LazyPattern(r"(?<![a-z0-9_-])(limit|remaining|reset|r|t|q)=(\d+)", re.ASCII)
_DRAFT_NAMES: Final = {"limit": "limit", "q": "limit", "remaining": "remaining", "r": "remaining"}


def rate_limit(
    pairs: Mapping[str, str], *, now: datetime | None = None
) -> dict[str, float | int] | None:
    """The numbers of the limit a response reports: ``limit``, ``remaining``, ``reset_s``.

    Of several limits (OpenAI's requests and tokens), the one that is spent (nothing
    remaining) and resets last, else the one that resets last; None without any.
    """
    groups = _limit_groups(pairs)
    if not groups:
        return None
    counted = [(_counts(fields), fields) for fields in groups.values()]
    spent = [pair for pair in counted if pair[0].get("remaining") == 0]
    # A spent limit is the one to wait for: only the resets of spent ones are worth reading.
    best: dict[str, float | int] | None = None
    for numbers, fields in spent or counted:
        reset = fields.get("reset")
        if reset is not None:
            seconds = reset_seconds(reset, date=pairs.get("date"), now=now)
            if seconds is not None and math.isfinite(seconds):
                numbers["reset_s"] = seconds
        if numbers and (best is None or numbers.get("reset_s", -1.0) > best.get("reset_s", -1.0)):
            best = numbers
    return best


def _limit_groups(pairs: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The rate-limit headers' values, by limit (``""`` for an unnamed one), then by number."""
    groups: dict[str, dict[str, str]] = {}
    names = _LIMIT_NAMES
    for name, value in pairs.items():
        named = names.get(name, _UNREAD)
        if named is _UNREAD:
            named = _limit_name(name)
        if named is None:
            continue
        if named is _DRAFT:
            _draft_fields(value, groups.setdefault("", {}))
            continue
        which, part = named
        fields = groups.get(which)
        if fields is None:
            groups[which] = {part: value}
        elif part not in fields:
            fields[part] = value
    return groups


_DRAFT: Final = ("", "")
"""What `_limit_name` gives the IETF draft's own headers, ``RateLimit`` and ``RateLimit-Policy``."""
_UNREAD: Final = ("?", "?")
_LIMIT_NAMES: dict[str, tuple[str, str] | None] = {}
"""Header names already read by `_limit_name`: the same few names come with every answer."""
_LIMIT_NAMES_KEPT: Final = 512


def _limit_name(name: str) -> tuple[str, str] | None:
    """The limit a header belongs to and which of its numbers it is; None if not a limit's."""
    named = None
    if name in {"ratelimit", "ratelimit-policy"}:
        named = _DRAFT
    elif "ratelimit" in name and (found := _LIMIT_HEADER.get().fullmatch(name)) is not None:
        part, which, anthropic_which, anthropic_part = found.groups()
        named = (which or anthropic_which or "", part or anthropic_part)
    if len(_LIMIT_NAMES) >= _LIMIT_NAMES_KEPT:
        _LIMIT_NAMES.clear()  # names a server made up one by one never grow it without end
    _LIMIT_NAMES[name] = named
    return named


def _draft_fields(value: str, fields: dict[str, str]) -> None:
    for key, number in _DRAFT_FIELD.get().findall(value.lower()):
        fields.setdefault(_DRAFT_NAMES.get(key, "reset"), number)


def _counts(fields: Mapping[str, str]) -> dict[str, float | int]:
    """A limit's ``limit`` and ``remaining``, where they are whole numbers."""
    numbers: dict[str, float | int] = {}
    if (limit := _count(fields.get("limit"))) is not None:
        numbers["limit"] = limit
    if (remaining := _count(fields.get("remaining"))) is not None:
        numbers["remaining"] = remaining
    return numbers


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if text.isdecimal() and text.isascii() and len(text) < 20:  # noqa: PLR2004 -- an int64's digits
        return int(text)
    return None
