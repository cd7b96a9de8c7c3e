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
    SerializationError,
    ValidationError,
)
from spice_errors._redact import redact_text, redact_url, shown_int
from spice_errors._text import RECEIVED, LazyPattern, in_range, is_int, is_number
from spice_errors._vendors import Outcome, Said, aws_code, outcome_of, read_body, read_text
from spice_errors._waits import (
    MAX_WAIT,
    header_text,
    milliseconds_header,
    parse_retry_after,
    rate_limit,
)

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "DECISION_KEYS",
    "PROBLEM_JSON_MEDIA_TYPE",
    "PROBLEM_MEMBERS",
    "Headers",
    "Problem",
    "from_response",
    "int_or_none",
    "json_object",
    "json_value",
    "parse_retry_after",
    "problem_context",
    "read_response",
    "text_of",
]

PROBLEM_JSON_MEDIA_TYPE: Final = "application/problem+json"
"""The media type of an RFC 9457 problem document."""

Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]
"""Response headers: a mapping in any case, or ``(name, value)`` pairs."""

PROBLEM_MEMBERS: Final = frozenset({"type", "title", "status", "detail", "instance"})
"""The members RFC 9457 defines; every other member of a problem is an extension."""


# -- headers -----------------------------------------------------------------------------


def _headers(headers: object) -> dict[str, str]:
    """Lower-cased names to their first value, from whatever was given; bad entries skipped."""
    found: dict[str, str] = {}
    if headers is None:
        return found
    try:
        if type(headers) is dict:  # the common case, read without a check per item
            return _dict_headers(cast("dict[object, object]", headers))
        if isinstance(headers, Mapping):
            pairs: Iterable[object] = cast("Mapping[object, object]", headers).items()
        else:
            pairs = (item for item in cast("Iterable[object]", headers) if _is_pair(item))
        for raw_name, raw_value in cast("Iterable[tuple[object, object]]", pairs):
            _add(found, raw_name, raw_value)
    except Exception:  # noqa: BLE001 -- headers from the wire never break the mapping
        return {}
    return found


def _dict_headers(headers: dict[object, object]) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw_name, raw_value in headers.items():
        if type(raw_name) is str and type(raw_value) is str:
            name = raw_name.strip().lower()
            if name not in found:
                found[name] = raw_value.strip()
        else:
            _add(found, raw_name, raw_value)
    return found


def _add(found: dict[str, str], raw_name: object, raw_value: object) -> None:
    name = raw_name if type(raw_name) is str else header_text(raw_name)
    value = raw_value if type(raw_value) is str else header_text(raw_value)
    if name is not None and value is not None:
        found.setdefault(name.strip().lower(), value.strip())


def _is_pair(item: object) -> bool:
    return isinstance(item, tuple | list) and len(cast("tuple[object, ...]", item)) == 2  # noqa: PLR2004


# -- problem documents -------------------------------------------------------------------


def json_object(body: object, content_type: str | None) -> dict[object, object] | None:
    """The body as a JSON object when it is one, else None; never raises."""
    parsed = json_value(body, content_type)
    return cast("dict[object, object]", parsed) if isinstance(parsed, dict) else None


def json_value(body: object, content_type: str | None) -> object:
    """The body parsed as JSON when it is an object or an array, else None; never raises."""
    if not isinstance(body, str | bytes | bytearray | memoryview):
        # Checked after the common case: an ABC check costs more than a type check.
        if isinstance(body, Mapping):
            return dict(cast("Mapping[object, object]", body))
        return list(cast("list[object]", body)) if isinstance(body, list) else None
    text = _decoded(cast("object", body))
    if text is None:
        return None
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")) and "json" not in (content_type or "").lower():
        return None
    try:
        parsed: object = _json_loads()(stripped)
    except (ValueError, RecursionError):
        return None
    return cast("object", parsed) if isinstance(parsed, dict | list) else None


def text_of(body: object) -> str | None:
    """A body as text, when it is text or UTF-8 bytes."""
    if isinstance(body, str | bytes | bytearray | memoryview):
        return _decoded(cast("object", body))
    return None


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
    """Whether a JSON object is an RFC 9457 problem document.

    It is when its media type says so, or when it has a string ``type`` and a ``title``
    or ``status``: ``{"type": "error", ...}`` alone (Anthropic's shape) is not one.
    """
    if PROBLEM_JSON_MEDIA_TYPE in (content_type or "").lower():
        return True
    return isinstance(data.get("type"), str) and ("title" in data or "status" in data)


DECISION_KEYS: Final = frozenset(
    {"phase", "tls", "retryable", "circuit", "retry_stopped", "retries_exhausted", RECEIVED}
)
"""Context keys the library decides by: a received document's member of such a name is
kept as ``problem_<name>``, so that another party's answer never decides for us."""
_RENAMED: Final = DECISION_KEYS | {"retry_after_ms"}


def problem_context(problem: Problem) -> dict[str, object]:
    """A problem's members as context: extensions (decision keys renamed), type, title, instance.

    Its ``retry_after_ms`` member is kept as ``problem_retry_after_ms``: context
    ``retry_after_ms`` is the wait the reader decided (`from_response` reads the member
    as one when it is a number of milliseconds).
    """
    context: dict[str, object] = {
        f"problem_{key}" if key in _RENAMED else key: value
        for key, value in problem.extensions.items()
    }
    context.update(problem.context())
    return context


# -- from_response -----------------------------------------------------------------------

_REQUEST_ID_HEADERS: Final = (
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-github-request-id",
)
_SHOULD_RETRY_HEADERS: Final = ("x-should-retry", "stripe-should-retry")
_RATE_LIMIT_TEXT: Final = LazyPattern(r"rate[ _-]?limit", re.IGNORECASE)


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unexpected HTTP status"


def _seconds(value: object) -> float | None:
    """Seconds from a problem's ``retry_after`` extension: a finite number, 0 to 2**31."""
    if not is_number(value):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds <= MAX_WAIT else None


def from_response(
    status: int,
    headers: Headers | None = None,
    body: bytes | str | Mapping[str, object] | None = None,
    *,
    method: str | None = None,
    url: str | None = None,
) -> AnySpiceError:
    """The error an HTTP response describes: what the server said, typed. Never raises.

    The status decides the class, the same for the same status: 3xx an unexpected
    redirect (`NetworkError`, ``location`` in context); 400 and 422 `ValidationError`;
    401 `AuthenticationError`; 403 `AuthenticationError` unless the answer says it is a
    rate limit; 429 `RateLimitError`; any other status a `NetworkError` with it. A
    vendor's code can name the class whatever the status (AWS's
    ``ThrottlingException`` is a rate limit, OpenAI's ``insufficient_quota`` a spent
    quota, ``context_length_exceeded`` a `ValidationError`): see `spice_errors._vendors`.

    The message is a problem's ``detail`` or ``title``, else the vendor body's message,
    else the status phrase with the method and redacted URL. The wait the server asks
    for (``retry-after-ms``, ``Retry-After``, a body's ``retry_after`` or Google's
    ``retryDelay``, else on a rate limit the reset of its rate-limit headers) is
    ``retry_after_ms``: the typed field of a `RateLimitError`, context on any other
    type. The context also holds ``http_status``, ``method``, ``endpoint``,
    ``request_id``, the vendor's ``error_code``, ``error_type``, ``param`` and
    ``doc_url``, ``should_retry`` (``x-should-retry``, ``Stripe-Should-Retry``),
    ``rate_limit`` and, for a problem document, its members.

    Examples:
        >>> error = from_response(
        ...     429,
        ...     {"Retry-After": "3", "Content-Type": "application/json"},
        ...     b'{"error": {"message": "Slow down", "code": "rate_limit_exceeded"}}',
        ...     method="POST",
        ...     url="https://api.example.com/v1/chat?api_key=secret",
        ... )
        >>> error
        RateLimitError('Slow down', retry_after_ms=3000, limit_type=None, context={...})
        >>> error.context["endpoint"], error.context["error_code"]
        ('https://api.example.com/v1/chat?api_key=***', 'rate_limit_exceeded')

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Vendor bodies, codes, waits and rate-limit headers are read;
       a 5xx with ``Retry-After`` is a `NetworkError` like any other 5xx.
    """
    try:
        return read_response(status, headers, body, method=method, url=url)
    except Exception as failure:  # noqa: BLE001 -- the contract: never raise
        return SerializationError(
            f"Could not read the HTTP response: {type(failure).__name__}",
            format="http",
            context={"http_status": int_or_none(status), RECEIVED: True},
        )


def int_or_none(value: object) -> int | None:
    """``value`` when it is an int (not a bool), else ``None``."""
    return value if is_int(value) else None


def read_response(  # noqa: PLR0913 -- everything a response carries, by name
    status: object,
    headers: object,
    body: object,
    *,
    method: object,
    url: object,
    now: datetime | None = None,
    facts: dict[str, object] | None = None,
) -> AnySpiceError:
    """`from_response` without its guard: the readers that must never raise call this.

    ``facts``, when given, receives how the answer was read, for ``explain``: the body's
    ``format`` and where the wait came from (``wait_from``).
    """
    pairs = _headers(headers)
    content_type = pairs.get("content-type")
    data: object = json_value(body, content_type)
    mapping = _as_dict(data)
    problem = (
        Problem(mapping) if mapping is not None and _is_problem(mapping, content_type) else None
    )
    said = None
    if problem is None:
        if data is not None:
            said = read_body(data)
        elif (text := text_of(body)) is not None:
            said = read_text(text, content_type)
    endpoint = redact_url(url) if isinstance(url, str) else None
    verb = method.upper() if isinstance(method, str) else None
    code = int_or_none(status) or 0
    context: dict[str, object] = {} if problem is None else problem_context(problem)
    context.update(_facts(said, pairs))
    context["http_status"] = code
    context["method"] = verb
    context["endpoint"] = endpoint
    context[RECEIVED] = True
    if (request_id := _request_id(pairs, said, data)) is not None:
        context["request_id"] = request_id
    message = _message(code, problem, said, verb, endpoint)
    if facts is not None:
        facts["format"] = "rfc9457" if problem is not None else said.vendor if said else None
    return _build(
        code,
        message,
        context=context,
        pairs=pairs,
        problem=problem,
        said=said,
        now=now,
        facts=facts,
    )


def _as_dict(data: object) -> dict[object, object] | None:
    return cast("dict[object, object]", data) if isinstance(data, dict) else None


def _facts(said: Said | None, pairs: Mapping[str, str]) -> dict[str, object]:
    """The vendor's code, type, parameter and link, and the server's word on retrying."""
    facts: dict[str, object] = {}
    if said is not None:
        code = said.code
        found = {
            "error_code": code,
            "error_type": said.type,
            "param": said.param,
            "doc_url": said.doc_url,
            "error_count": said.count,
        }
        facts.update((key, value) for key, value in found.items() if value is not None)
        if said.reasons:
            facts["error_reasons"] = list(said.reasons)
    if "error_code" not in facts and (kind := pairs.get("x-amzn-errortype")):
        facts["error_code"] = aws_code(kind)
    for name in _SHOULD_RETRY_HEADERS:
        word = pairs.get(name, "").strip().lower()
        if word in {"true", "false"}:
            facts["should_retry"] = word == "true"
            break
    return facts


def _request_id(pairs: Mapping[str, str], said: Said | None, data: object) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        if value := pairs.get(name):
            return value
    if said is not None and said.request_id:
        return said.request_id
    mapping = _as_dict(data)
    found = None if mapping is None else mapping.get("request_id")
    return found if isinstance(found, str) and found else None


def _message(
    status: int, problem: Problem | None, said: Said | None, method: str | None, url: str | None
) -> str:
    if problem is not None and (problem.detail or problem.title):
        return redact_text(problem.detail or problem.title or "")
    if said is not None and said.message:
        return redact_text(said.message)
    where = " ".join(part for part in (method, url) if part)
    phrase = _phrase(status)
    shown = shown_int(status)
    return f"{shown} {phrase} ({where})" if where else f"{shown} {phrase}"


def _outcome(
    status: int,
    context: Mapping[str, object],
    pairs: Mapping[str, str],
    said: Said | None,
    message: str,
) -> Outcome | None:
    """What the answer says it is, beyond its status: a vendor code, a 403 that is a rate limit."""
    code = context.get("error_code")
    kind = context.get("error_type")
    found = outcome_of(
        # Google's reasons say more than its canonical code (dailyLimitExceeded comes
        # with PERMISSION_DENIED).
        *(said.reasons if said is not None else ()),
        code if isinstance(code, str) else None,
        # A type names the class only where it is the only code the vendor has.
        kind if isinstance(kind, str) and code is None else None,
    )
    if found is not None:
        return found
    if status == 403 and (  # noqa: PLR2004 -- Forbidden
        pairs.get("x-ratelimit-remaining", "").strip() == "0"
        or _RATE_LIMIT_TEXT.get().search(message) is not None
    ):
        return "rate_limit"
    return None


def _build(  # noqa: PLR0913 -- everything a response carries, by name
    status: int,
    message: str,
    *,
    context: dict[str, object],
    pairs: dict[str, str],
    problem: Problem | None,
    said: Said | None,
    now: datetime | None,
    facts: dict[str, object] | None,
) -> AnySpiceError:
    # Only the server's own words can say "rate limit", never our URL in the fallback: the
    # message is theirs (already masked) when the problem or the vendor body gave one.
    told = (problem is not None and bool(problem.detail or problem.title)) or (
        said is not None and bool(said.message)
    )
    outcome = _outcome(status, context, pairs, said, message if told else "")
    limits = rate_limit(pairs, now=now)
    if limits is not None:
        context["rate_limit"] = limits
    wait, source = _wait(pairs, problem, said)
    limited = status == 429 or outcome in {"rate_limit", "quota"}  # noqa: PLR2004 -- Too Many Requests
    if wait is None and limited and limits is not None:
        wait = cast("float | None", limits.get("reset_s"))
        source = "the rate-limit headers' reset" if wait is not None else None
    if facts is not None:
        facts["wait_from"] = source
    retry_after_ms = None if wait is None else round(wait * 1000)
    if limited:
        limit_type = "quota" if outcome == "quota" else None
        return RateLimitError(
            message, retry_after_ms=retry_after_ms, limit_type=limit_type, context=context
        )
    if retry_after_ms is not None:
        context["retry_after_ms"] = retry_after_ms
    if outcome == "request":
        return ValidationError(message, context=context)
    if outcome == "credentials":
        return AuthenticationError(message, context=context)
    return _by_status(status, message, context=context, pairs=pairs)


def _by_status(
    status: int, message: str, *, context: dict[str, object], pairs: Mapping[str, str]
) -> AnySpiceError:
    endpoint = cast("str | None", context["endpoint"])
    if in_range(status, 300, 399):
        location = pairs.get("location")
        if location is not None:
            context["location"] = redact_url(location)
        return NetworkError(message, status_code=status, endpoint=endpoint, context=context)
    if status in {400, 422}:
        return ValidationError(message, context=context)
    if status in {401, 403}:
        return AuthenticationError(message, context=context)
    if not in_range(status, 300, 599):
        context.setdefault("unexpected_status", True)
    # A status no HTTP server sends (0, 700) stays in context: the typed field holds 100-599.
    typed = status if in_range(status, 100, 599) else None
    return NetworkError(message, status_code=typed, endpoint=endpoint, context=context)


def _wait(
    pairs: Mapping[str, str], problem: Problem | None, said: Said | None
) -> tuple[float | None, str | None]:
    """The wait the server asked for, in seconds, and where it said so; Nones if it did not.

    Milliseconds headers win, then ``Retry-After``, then the body's own (a problem's
    ``retry_after``, Google's ``retryDelay``).
    """
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        if (header := pairs.get(name)) is not None and (
            wait := milliseconds_header(header)
        ) is not None:
            return wait, f"the {name} header"
    header = pairs.get("retry-after")
    if (
        header is not None
        and (wait := parse_retry_after(header, date=pairs.get("date"))) is not None
    ):
        return wait, "the Retry-After header"
    if problem is not None:
        if (wait := _seconds(problem.extensions.get("retry_after"))) is not None:
            return wait, "the problem's retry_after member"
        milliseconds = problem.extensions.get("retry_after_ms")
        if is_number(milliseconds) and (wait := _seconds(milliseconds)) is not None:
            return wait / 1000, "the problem's retry_after_ms member"
    if said is not None and said.retry_delay is not None:
        return said.retry_delay, "the body's google.rpc.RetryInfo retryDelay"
    return None, None
