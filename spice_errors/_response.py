"""Reading what a server answered: `from_response`, ``Retry-After``, problem bodies.

Everything here is pure: no HTTP client library is needed, and nothing raises on
what a server sends. Headers may be given as a mapping (any case) or as pairs, with
repeated names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final, TypeAlias, cast

from spice_errors._errors import (
    AnySpiceError,
    AuthenticationError,
    NetworkError,
    RateLimitError,
    RetryableError,
    RetryHint,
    SerializationError,
    ValidationError,
)
from spice_errors._redact import redact_text, redact_url, shown_int
from spice_errors._text import LazyPattern, in_range, is_int, is_number

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "PROBLEM_JSON_MEDIA_TYPE",
    "PROBLEM_MEMBERS",
    "Headers",
    "Problem",
    "from_response",
    "int_or_none",
    "json_object",
    "parse_retry_after",
    "read_response",
]

PROBLEM_JSON_MEDIA_TYPE: Final = "application/problem+json"
"""The media type of an RFC 9457 problem document."""

Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]
"""Response headers: a mapping in any case, or ``(name, value)`` pairs."""

_MAX_RETRY_AFTER: Final = 2**31
_REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id", "x-correlation-id")
PROBLEM_MEMBERS: Final = frozenset({"type", "title", "status", "detail", "instance"})
"""The members RFC 9457 defines; every other member of a problem is an extension."""


# -- headers -----------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return None


def _headers(headers: object) -> dict[str, str]:
    """Lower-cased names to their first value, from whatever was given; bad entries skipped."""
    found: dict[str, str] = {}
    if headers is None:
        return found
    try:
        if isinstance(headers, Mapping):
            pairs: Iterable[object] = cast("Mapping[object, object]", headers).items()
        else:
            pairs = (item for item in cast("Iterable[object]", headers) if _is_pair(item))
        for raw_name, raw_value in cast("Iterable[tuple[object, object]]", pairs):
            name = raw_name if type(raw_name) is str else _text(raw_name)
            value = raw_value if type(raw_value) is str else _text(raw_value)
            if name is not None and value is not None:
                found.setdefault(name.strip().lower(), value.strip())
    except Exception:  # noqa: BLE001 -- headers from the wire never break the mapping
        return {}
    return found


def _is_pair(item: object) -> bool:
    return isinstance(item, tuple | list) and len(cast("tuple[object, ...]", item)) == 2  # noqa: PLR2004


# -- Retry-After -------------------------------------------------------------------------

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY: Final = r"(?:mon|tue|wed|thu|fri|sat|sun)"
_LONG_DAY: Final = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_CLOCK: Final = r"(\d{2}):(\d{2}):(\d{2})"
# RFC 9110 section 5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime forms.
# ASCII only: HTTP digits are 0-9, not any Unicode digit, and "k" is not the Kelvin sign.
_NOCASE: Final = re.IGNORECASE | re.ASCII
_IMF_FIXDATE: Final = LazyPattern(
    rf"{_DAY}, (\d{{2}}) ([a-z]{{3}}) (\d{{4}}) {_CLOCK} gmt", _NOCASE
)
_RFC850: Final = LazyPattern(
    rf"{_LONG_DAY}, (\d{{2}})-([a-z]{{3}})-(\d{{2}}) {_CLOCK} gmt", _NOCASE
)
_ASCTIME: Final = LazyPattern(rf"{_DAY} ([a-z]{{3}}) (\d{{1,2}}) {_CLOCK} (\d{{4}})", _NOCASE)
_DELTA: Final = LazyPattern(r"\d+(?:\.\d+)?", re.ASCII)


def _http_date(value: str, now_year: int) -> datetime | None:
    """The moment an HTTP-date names, or None when it is not one."""
    from datetime import UTC, datetime

    text = " ".join(value.split())
    parts: tuple[str, ...]
    if found := _IMF_FIXDATE.get().fullmatch(text):
        day, month, year, hour, minute, second = found.groups()
    elif found := _RFC850.get().fullmatch(text):
        day, month, short_year, hour, minute, second = found.groups()
        # RFC 9110: a two-digit year more than 50 years in the future is in the past.
        year_number = now_year // 100 * 100 + int(short_year)
        if year_number > now_year + 50:
            year_number -= 100
        year = str(year_number)
    elif found := _ASCTIME.get().fullmatch(text):
        month, day, hour, minute, second, year = found.groups()
    else:
        return None
    parts = (year, month.lower(), day.strip(), hour, minute, second)
    month_number = _MONTHS.get(parts[1])
    if month_number is None:
        return None
    try:
        return datetime(
            int(parts[0]),
            month_number,
            int(parts[2]),
            int(parts[3]),
            int(parts[4]),
            int(parts[5]),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def parse_retry_after(
    value: str | bytes | None,
    *,
    now: datetime | None = None,
    date: str | bytes | None = None,
) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or ``None`` if there is no usable one.

    Reads delta-seconds and all three HTTP-date forms (RFC 9110). An HTTP-date is
    measured against ``date``, the response's ``Date`` header, when that is given and
    valid (which cancels any skew between the server's clock and ours), else against
    ``now``. A date in the past gives 0; a malformed value, or one over 2**31 seconds,
    gives ``None``.

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
    """
    text = _text(value)
    if text is None:
        return None
    text = text.strip()
    if text.isdecimal() and text.isascii():
        seconds = float(text)  # the common case: whole seconds
        return seconds if seconds <= _MAX_RETRY_AFTER else None
    if _DELTA.get().fullmatch(text):
        seconds = float(text)
        return seconds if seconds <= _MAX_RETRY_AFTER else None
    from datetime import UTC, datetime

    reference = now if now is not None else datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    moment = _http_date(text, reference.year)
    if moment is None:
        return None
    date_text = _text(date)
    served = _http_date(date_text.strip(), reference.year) if date_text else None
    seconds = (moment - (served or reference)).total_seconds()
    if seconds > _MAX_RETRY_AFTER:
        return None
    return max(seconds, 0.0)


# -- problem documents -------------------------------------------------------------------


def json_object(body: object, content_type: str | None) -> dict[object, object] | None:
    """The body as a JSON object when it is one, else None; never raises."""
    if not isinstance(body, str | bytes | bytearray | memoryview):
        # Checked after the common case: an ABC check costs more than a type check.
        return dict(cast("Mapping[object, object]", body)) if isinstance(body, Mapping) else None
    text = _decoded(cast("object", body))
    if text is None:
        return None
    stripped = text.lstrip()
    if not stripped.startswith("{") and "json" not in (content_type or "").lower():
        return None
    try:
        parsed: object = _json_loads()(stripped)
    except (ValueError, RecursionError):
        return None
    return cast("dict[object, object]", parsed) if isinstance(parsed, dict) else None


_loads: Callable[[str], object] | None = None


def _json_loads() -> Callable[[str], object]:
    """``json.loads``, imported on first use so that importing the package stays cheap."""
    global _loads  # noqa: PLW0603 -- a one-time lazy import
    if _loads is None:
        from json import loads

        _loads = loads
    return _loads


def _decoded(body: object) -> str | None:
    """Text from a body already known to be text or bytes; None when not UTF-8."""
    if isinstance(body, str):
        return body
    try:
        return bytes(cast("bytes", body)).decode("utf-8")
    except UnicodeDecodeError:
        return None


class Problem:
    """The members of a problem document, mistyped ones dropped (RFC 9457 section 3.1)."""

    def __init__(self, data: Mapping[object, object]) -> None:
        get = data.get
        self.type: str = _str_member(get("type")) or "about:blank"
        self.title = _str_member(get("title"))
        self.status = int_or_none(get("status"))
        self.detail = _str_member(get("detail"))
        self.instance = _str_member(get("instance"))
        self.extensions: dict[str, object] = {
            key: value
            for key, value in data.items()
            if type(key) is str and key not in PROBLEM_MEMBERS
        }

    def context(self) -> dict[str, object]:
        found = {"type": self.type, "title": self.title, "instance": self.instance}
        return {key: value for key, value in found.items() if value is not None}


def _str_member(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _is_problem(data: Mapping[object, object], content_type: str | None) -> bool:
    if PROBLEM_JSON_MEDIA_TYPE in (content_type or "").lower():
        return True
    return any(name in data for name in PROBLEM_MEMBERS)


# -- from_response -----------------------------------------------------------------------


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unexpected HTTP status"


def _retry_after_extension(problem: Problem | None) -> float | None:
    if problem is None:
        return None
    value = problem.extensions.get("retry_after")
    if not is_number(value):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds <= _MAX_RETRY_AFTER else None


def _message(status: int, problem: Problem | None, method: str | None, endpoint: str | None) -> str:
    if problem is not None and (problem.detail or problem.title):
        return redact_text(problem.detail or problem.title or "")
    where = " ".join(part for part in (method, endpoint) if part)
    phrase = _phrase(status)
    shown = shown_int(status)
    return f"{shown} {phrase} ({where})" if where else f"{shown} {phrase}"


def from_response(
    status: int,
    headers: Headers | None = None,
    body: bytes | str | Mapping[str, object] | None = None,
    *,
    method: str | None = None,
    url: str | None = None,
) -> AnySpiceError:
    """The error an HTTP response describes. Never raises.

    By status: 3xx is an unexpected redirect (`NetworkError`, ``location`` in
    context); 400 and 422 a `ValidationError`; 401 and 403 an `AuthenticationError`;
    429 a `RateLimitError` (``retry_after_ms`` from ``Retry-After``, else a problem's
    ``retry_after`` extension in seconds); a 5xx with a ``Retry-After`` (or that
    extension) a `RetryableError` with a hint; any other 4xx or 5xx a `NetworkError`
    with its status; anything outside 300-599 a `NetworkError` too.

    The message is the problem's ``detail``, else its ``title``, else the status phrase
    with the method and redacted URL. The context holds ``http_status``, ``method``,
    ``endpoint`` (redacted), ``request_id`` when a header gives one and, when the body
    is a problem, its ``type``, ``title``, ``instance`` and extension members.

    Examples:
        >>> error = from_response(
        ...     429,
        ...     {"Retry-After": "3", "Content-Type": "application/problem+json"},
        ...     b'{"title": "Too Many Requests", "detail": "Slow down"}',
        ...     method="GET",
        ...     url="https://api.example.com/v1/items?api_key=secret",
        ... )
        >>> error
        RateLimitError('Slow down', retry_after_ms=3000, limit_type=None, context={...})
        >>> error.context["endpoint"]
        'https://api.example.com/v1/items?api_key=***'

    .. versionadded:: 0.1.0
    """
    try:
        return read_response(status, headers, body, method=method, url=url)
    except Exception as failure:  # noqa: BLE001 -- the contract: never raise
        return SerializationError(
            f"Could not read the HTTP response: {type(failure).__name__}",
            format="http",
            context={"http_status": int_or_none(status)},
        )


def int_or_none(value: object) -> int | None:
    """``value`` when it is an int (not a bool), else ``None``."""
    return value if is_int(value) else None


def read_response(
    status: object,
    headers: object,
    body: object,
    *,
    method: object,
    url: object,
) -> AnySpiceError:
    pairs = _headers(headers)
    content_type = pairs.get("content-type")
    data = json_object(body, content_type)
    problem = Problem(data) if data is not None and _is_problem(data, content_type) else None
    endpoint = redact_url(url) if isinstance(url, str) else None
    verb = method.upper() if isinstance(method, str) else None
    code = int_or_none(status) or 0
    context: dict[str, object] = (
        {} if problem is None else {**problem.extensions, **problem.context()}
    )
    context["http_status"] = code
    context["method"] = verb
    context["endpoint"] = endpoint
    request_id = next((value for name in _REQUEST_ID_HEADERS if (value := pairs.get(name))), None)
    if request_id is not None:
        context["request_id"] = request_id
    message = _message(code, problem, verb, endpoint)
    return _by_status(
        code, message, context=context, pairs=pairs, problem=problem, endpoint=endpoint
    )


def _by_status(  # noqa: PLR0913 -- everything a response carries, by name
    status: int,
    message: str,
    *,
    context: dict[str, object],
    pairs: dict[str, str],
    problem: Problem | None,
    endpoint: str | None,
) -> AnySpiceError:
    if in_range(status, 300, 399):
        location = pairs.get("location")
        if location is not None:
            context["location"] = redact_url(location)
        return NetworkError(message, status_code=status, endpoint=endpoint, context=context)
    if status in {400, 422}:
        return ValidationError(message, context=context)
    if status in {401, 403}:
        return AuthenticationError(message, context=context)
    wait = _wait(pairs, problem)
    if status == 429:  # noqa: PLR2004 -- Too Many Requests
        retry_after_ms = None if wait is None else round(wait * 1000)
        return RateLimitError(message, retry_after_ms=retry_after_ms, context=context)
    if in_range(status, 500, 599) and wait is not None:
        hint = RetryHint.from_retry_after_seconds(wait, reason=f"HTTP {status} Retry-After")
        return RetryableError(message, status_code=status, retry_hint=hint, context=context)
    if not in_range(status, 400, 599):
        context.setdefault("unexpected_status", True)
    # A status no HTTP server sends (0, 700) stays in context: the typed field holds 100-599.
    typed = status if in_range(status, 100, 599) else None
    return NetworkError(message, status_code=typed, endpoint=endpoint, context=context)


def _wait(pairs: dict[str, str], problem: Problem | None) -> float | None:
    header = pairs.get("retry-after")
    wait = parse_retry_after(header, date=pairs.get("date")) if header is not None else None
    return wait if wait is not None else _retry_after_extension(problem)
