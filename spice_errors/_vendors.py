"""What the APIs we call write in their error answers: their body shapes and their codes.

The data of `spice_errors.http.from_response`, in one place. `FORMATS` lists the body
shapes, most specific first, each with the public documentation it follows; `CODES`
maps a vendor's error code (or its error type, where the type is the only code it has)
to what it means for us. Adding an API is one row in each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final, Literal, TypeAlias, cast

from spice_errors._text import LazyPattern, is_int
from spice_errors._waits import duration_seconds

__all__ = [
    "CODES",
    "FORMATS",
    "GENERIC",
    "Outcome",
    "Said",
    "outcome_of",
    "read_body",
    "read_text",
]

Outcome: TypeAlias = Literal["rate_limit", "quota", "request", "credentials", "lock_timeout"]
"""What a code means: throttled (worth a wait), a spent quota (waiting will not help), a
request that can never succeed as sent, credentials refused, or a lock that timed out."""

# fmt: off
CODES: Final[Mapping[str, Outcome]] = {
    # AWS, JSON protocols and S3's XML; https://docs.aws.amazon.com/general/latest/gr/api-retries.html,
    # https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html,
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
    "ThrottlingException": "rate_limit",
    "Throttling": "rate_limit",
    "ThrottledException": "rate_limit",
    "TooManyRequestsException": "rate_limit",
    "RequestLimitExceeded": "rate_limit",
    "RequestThrottled": "rate_limit",
    "ProvisionedThroughputExceededException": "rate_limit",
    "SlowDown": "rate_limit",
    # https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
    "AccessDeniedException": "credentials",
    "UnrecognizedClientException": "credentials",
    "InvalidSignatureException": "credentials",
    "ExpiredTokenException": "credentials",
    "MissingAuthenticationTokenException": "credentials",
    # Google APIs' canonical codes, https://cloud.google.com/apis/design/errors#handling_errors,
    # and the classic APIs' reasons, https://developers.google.com/drive/api/guides/limits
    "RESOURCE_EXHAUSTED": "rate_limit",
    "rateLimitExceeded": "rate_limit",
    "userRateLimitExceeded": "rate_limit",
    "dailyLimitExceeded": "quota",
    "UNAUTHENTICATED": "credentials",
    "PERMISSION_DENIED": "credentials",
    # Gemini's ErrorInfo reason, https://ai.google.dev/gemini-api/docs/troubleshooting
    "API_KEY_INVALID": "credentials",
    # OpenAI, https://platform.openai.com/docs/guides/error-codes/api-errors
    "rate_limit_exceeded": "rate_limit",
    "insufficient_quota": "quota",
    "billing_hard_limit_reached": "quota",
    "context_length_exceeded": "request",
    "string_above_max_length": "request",
    "invalid_api_key": "credentials",
    # Anthropic (its error type is its code), https://docs.anthropic.com/en/api/errors
    "rate_limit_error": "rate_limit",
    "billing_error": "quota",
    "credit_balance_exhausted": "quota",
    "request_too_large": "request",
    "authentication_error": "credentials",
    "permission_error": "credentials",
    # Stripe, https://docs.stripe.com/error-codes
    "rate_limit": "rate_limit",
    "lock_timeout": "lock_timeout",
}
# fmt: on

GENERIC: Final = frozenset({"invalid_request_error", "api_error", "server_error", "error"})
"""Vendor types that say only "the request" or "the server": the status decides."""


def outcome_of(*codes: str | None) -> Outcome | None:
    """What the first of ``codes`` found in `CODES` means; generic types mean nothing."""
    for code in codes:
        if code is not None and code not in GENERIC and (found := CODES.get(code)) is not None:
            return found
    return None


class Said:
    """What a vendor's error body said, each fact ``None`` when it did not say it."""

    __slots__ = (
        "code",
        "count",
        "doc_url",
        "message",
        "param",
        "reasons",
        "request_id",
        "retry_delay",
        "type",
        "vendor",
    )

    def __init__(self, vendor: str, message: str | None) -> None:
        self.vendor = vendor
        self.message = message
        self.code: str | None = None
        self.type: str | None = None
        self.param: str | None = None
        self.doc_url: str | None = None
        self.request_id: str | None = None
        self.count: int | None = None
        self.reasons: tuple[str, ...] = ()
        self.retry_delay: float | None = None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _code(value: object) -> str | None:
    """A code as text: vendors send strings, and some send numbers (Azure's ``"429"``)."""
    if is_int(value):
        return str(value)
    return _text(value)


def _object(value: object) -> Mapping[str, object] | None:
    return cast("Mapping[str, object]", value) if isinstance(value, dict) else None


def _objects(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in map(_object, cast("list[object]", value)) if item is not None]


# -- the body shapes ---------------------------------------------------------------------


def _anthropic(data: Mapping[str, object]) -> Said | None:
    """``{"type": "error", "error": {"type", "message"}, "request_id"}``."""
    error = _object(data.get("error"))
    if data.get("type") != "error" or error is None:
        return None
    said = Said("anthropic", _text(error.get("message")))
    said.type = said.code = _text(error.get("type"))
    said.request_id = _text(data.get("request_id"))
    return said


def _google(data: Mapping[str, object]) -> Said | None:
    """``{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message", "details"}}``.

    The classic APIs write ``errors[]`` with ``reason`` codes instead of ``status``, and
    some answers carry only ``code`` and ``message``; the numeric ``code`` (the HTTP
    status, not a code of the vendor's) tells Google's shape from the others.
    """
    error = _object(data.get("error"))
    if error is None or not is_int(error.get("code")):
        return None
    said = Said("google", _text(error.get("message")))
    said.code = _text(error.get("status"))
    reasons = [_text(item.get("reason")) for item in _objects(error.get("errors"))]
    for detail in _objects(error.get("details")):
        kind = _text(detail.get("@type")) or ""
        if kind.endswith("google.rpc.ErrorInfo"):
            reasons.append(_text(detail.get("reason")))
        elif kind.endswith("google.rpc.RetryInfo") and said.retry_delay is None:
            delay = detail.get("retryDelay")
            said.retry_delay = duration_seconds(delay) if isinstance(delay, str) else None
        elif kind.endswith("google.rpc.Help"):
            links = _objects(detail.get("links"))
            said.doc_url = _text(links[0].get("url")) if links else None
    said.reasons = tuple(reason for reason in reasons if reason is not None)
    return said


def _error_object(data: Mapping[str, object]) -> Said | None:
    """``{"error": {"message", "type", "code", "param"}}``: OpenAI, Stripe, Azure and others."""
    error = _object(data.get("error"))
    if error is None or not any(
        isinstance(error.get(key), str) for key in ("message", "code", "type")
    ):
        return None
    said = Said("error-object", _text(error.get("message")))
    said.code = _code(error.get("code"))
    said.type = _text(error.get("type"))
    said.param = _text(error.get("param"))
    said.doc_url = _text(error.get("doc_url"))
    said.request_id = _text(error.get("request_id"))
    return said


def _oauth2(data: Mapping[str, object]) -> Said | None:
    """``{"error": "invalid_grant", "error_description", "error_uri"}``."""
    code = _text(data.get("error"))
    if code is None:
        return None
    said = Said("oauth2", _text(data.get("error_description")) or _text(data.get("message")))
    said.code = code
    said.doc_url = _text(data.get("error_uri"))
    return said


def _errors_list(data: Mapping[str, object]) -> Said | None:
    """The first error of a list: JSON:API's or GraphQL's ``errors[]``.

    JSON:API's message is ``detail``, else ``title``, its code ``code``; GraphQL's are
    ``message`` and ``extensions.code``.
    """
    errors = _objects(data.get("errors"))
    first: Mapping[str, object] = errors[0] if errors else {}
    if not any(isinstance(first.get(key), str) for key in ("message", "detail", "title")):
        return None  # GitHub's errors[] only qualify its top-level message
    graphql = "message" in first
    said = Said(
        "graphql" if graphql else "jsonapi",
        _text(first.get("message"))
        if graphql
        else _text(first.get("detail")) or _text(first.get("title")),
    )
    extensions = _object(first.get("extensions")) or {}
    said.code = _code(extensions.get("code") if graphql else first.get("code")) or _code(
        first.get("code")
    )
    said.count = len(errors) if len(errors) > 1 else None
    return said


_AWS_TYPE_PREFIX: Final = LazyPattern(r"^.*#")


def aws_code(value: str) -> str:
    """An AWS error type without its namespace and URL suffix (``ThrottlingException``)."""
    return _AWS_TYPE_PREFIX.get().sub("", value.partition(":")[0]).strip()


def _top_level(data: Mapping[str, object]) -> Said | None:
    """A top-level ``message`` or ``Message``.

    AWS JSON protocols (the code in ``__type``), GitHub (with ``documentation_url``),
    and the many APIs that write just that.
    """
    message = _text(data.get("message")) or _text(data.get("Message"))
    kind = _text(data.get("__type"))
    if message is None and kind is None:
        return None
    vendor = "aws" if kind is not None else "github" if "documentation_url" in data else "message"
    said = Said(vendor, message)
    said.code = aws_code(kind) if kind is not None else _code(data.get("code"))
    said.doc_url = _text(data.get("documentation_url"))
    said.request_id = _text(data.get("request_id")) or _text(data.get("requestId"))
    return said


FORMATS: Final[tuple[tuple[str, Callable[[Mapping[str, object]], Said | None]], ...]] = (
    # https://docs.anthropic.com/en/api/errors#error-shapes
    ("anthropic", _anthropic),
    # https://cloud.google.com/apis/design/errors#http_mapping (Vertex AI sends it in a
    # one-element array: https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429)
    ("google", _google),
    # https://platform.openai.com/docs/guides/error-codes, https://docs.stripe.com/api/errors,
    # https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#handling-errors
    ("error-object", _error_object),
    # https://www.rfc-editor.org/rfc/rfc6749#section-5.2
    ("oauth2", _oauth2),
    # https://jsonapi.org/format/#error-objects, https://spec.graphql.org/October2021/#sec-Errors
    ("errors-list", _errors_list),
    # https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization,
    # https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
    ("top-level", _top_level),
)


def read_body(data: object) -> Said | None:
    """What a JSON error body says, by the first of `FORMATS` that reads it."""
    if isinstance(data, list):
        items = cast("list[object]", data)
        if len(items) != 1:
            return None
        data = items[0]  # Vertex AI: [{"error": {...}}]
    found = _object(data)
    if found is None:
        return None
    for _, reader in FORMATS:
        said = reader(found)
        if said is not None:
            return said
    return None


# -- text bodies -------------------------------------------------------------------------

_MAX_TEXT: Final = 200
# S3-style XML, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
_XML_FIELD: Final = LazyPattern(r"<(Code|Message|RequestId)>([^<]{0,1000})</\1>", re.ASCII)


def read_text(text: str, content_type: str | None) -> Said | None:
    """An S3-style ``<Error>`` XML body, or the first line of a short ``text/plain`` one."""
    media = (content_type or "").lower()
    stripped = text.lstrip()
    if stripped.startswith("<") and "<Error>" in stripped[:200]:
        fields = dict(_XML_FIELD.get().findall(stripped[:20_000]))
        said = Said("aws-xml", _unescaped(fields.get("Message")))
        said.code = _unescaped(fields.get("Code"))
        said.request_id = _unescaped(fields.get("RequestId"))
        return said
    if media.startswith("text/plain") and len(stripped.rstrip()) <= _MAX_TEXT:
        first = stripped.split("\n", 1)[0].strip()
        if first:
            return Said("text", first)
    return None


def _unescaped(value: str | None) -> str | None:
    if not value:
        return None
    from html import unescape

    return unescape(value).strip() or None
