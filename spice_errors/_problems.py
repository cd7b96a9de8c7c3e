"""Answering as a server: the status for an error, and RFC 9457 problems in and out."""

from __future__ import annotations

from typing import Final, cast

from spice_errors._errors import (
    ALL_TYPES,
    BY_CODE,
    AnySpiceError,
    AuthenticationError,
    NetworkError,
    RateLimitError,
    RetryableError,
    SerializationError,
    SpiceError,
    ToolLookupError,
    UnknownError,
    ValidationError,
)
from spice_errors._errors import TimeoutError as SpiceTimeoutError
from spice_errors._fast_init import own_fields
from spice_errors._fields import construct, json_safe, problem_member, typed_fields
from spice_errors._redact import MASK, is_secret_key, redact_text, redact_url, redact_value
from spice_errors._response import (
    DECISION_KEYS,
    PROBLEM_JSON_MEDIA_TYPE,
    PROBLEM_MEMBERS,
    Problem,
    int_or_none,
    json_object,
    read_response,
)
from spice_errors._text import is_error_status

__all__ = ["from_problem", "status_for", "to_problem"]

# Every typed field of any type: read back as fields when the class has them.
_TYPED_NAMES: Final = frozenset(name for cls in ALL_TYPES for name in own_fields(cls))


def _error_status(value: object) -> int | None:
    return value if is_error_status(value) else None


_STATUS_BY_TYPE: Final[tuple[tuple[type[SpiceError], int], ...]] = (
    (ValidationError, 400),
    (AuthenticationError, 401),
    (RateLimitError, 429),
    (SpiceTimeoutError, 504),
    (ToolLookupError, 404),
)


def status_for(error: SpiceError) -> int:
    """The HTTP status a server should answer ``error`` with.

    Context ``http_status`` when it is a 4xx or 5xx; else 400 for a `ValidationError`,
    401 for an `AuthenticationError`, 429 for a `RateLimitError`, a `NetworkError`'s
    4xx/5xx status else 502, a `RetryableError`'s status else 503, 504 for a
    `TimeoutError`, 404 for a `ToolLookupError`, and 500 for everything else.

    .. versionadded:: 0.1.0
    """
    given = _error_status(error.context.get("http_status"))
    if given is not None:
        return given
    if isinstance(error, NetworkError):
        return _error_status(error.status_code) or 502
    if isinstance(error, RetryableError):
        return _error_status(error.status_code) or 503
    return next((status for cls, status in _STATUS_BY_TYPE if isinstance(error, cls)), 500)


# -- to_problem / from_problem -----------------------------------------------------------


def _typed_fields(error: SpiceError) -> dict[str, object]:
    return typed_fields(error, redact=True, inner=problem_member)


def to_problem(error: SpiceError, *, type_base: str = "urn:spice-errors:") -> dict[str, object]:
    """Render ``error`` as an RFC 9457 problem document, ready for ``json.dumps``.

    Members: ``type`` (``type_base`` and the code in lower case), ``title`` (the
    code), ``status`` (`status_for`), ``detail`` (the message), ``instance`` when the
    context has one; extensions: ``code``, the typed fields that are set, and the
    context, with secrets masked.

    Examples:
        >>> to_problem(SpiceError.rate_limit_error("Slow down", 2000))
        {'type': 'urn:spice-errors:rate_limit_error', 'title': 'RATE_LIMIT_ERROR',
         'status': 429, 'detail': 'Slow down', 'code': 'RATE_LIMIT_ERROR',
         'retry_after_ms': 2000}

    .. versionadded:: 0.1.0
    """
    problem: dict[str, object] = {
        "type": f"{type_base}{error.code.lower()}",
        "title": error.code,
        "status": status_for(error),
        "detail": redact_text(error.message),
    }
    instance = error.context.get("instance")
    if isinstance(instance, str):
        problem["instance"] = redact_url(instance)
    problem["code"] = error.code
    problem.update(_typed_fields(error))
    for key, value in error.context.items():
        if key in problem or key in PROBLEM_MEMBERS:
            continue
        problem[key] = MASK if is_secret_key(key) else json_safe(redact_value(value))
    return problem


def _class_from_type(type_uri: str, type_base: str) -> type[AnySpiceError] | None:
    """The class a ``type`` URI of ours names; another party's URI never picks one."""
    if not type_base or not type_uri.startswith(type_base):
        return None
    return BY_CODE.get(type_uri[len(type_base) :].strip("/").upper())


def from_problem(
    data: object, status: int | None = None, *, type_base: str = "urn:spice-errors:"
) -> AnySpiceError:
    """The error an RFC 9457 problem document describes. Never raises.

    The class comes from the ``code`` extension when it is one of the 16 codes, else
    from a ``type`` URI that starts with ``type_base`` (another party's URI never picks
    a class, whatever its last segment says), else from the status as `from_response`
    maps it; with neither status nor code it is an `UnknownError`. A ``status``
    argument (the real response status) wins over the document's own. Mistyped members
    are ignored, ``type`` defaults to ``about:blank``, typed fields are read back from
    extensions of their name (``errors`` into `ValidationError.errors`), a ``code``
    that is not one of ours is kept as context ``code``, other extensions become
    context (a decision key such as ``retryable`` as ``problem_retryable``). Data that
    is not a JSON object becomes a `SerializationError` describing what arrived.

    Examples:
        >>> error = from_problem(to_problem(SpiceError.rate_limit_error("Slow down", 2000)))
        >>> type(error).__name__, error.message, error.retry_after_ms
        ('RateLimitError', 'Slow down', 2000)

    .. versionadded:: 0.1.0
    """
    try:
        return _from_problem(data, status, type_base)
    except Exception as failure:  # noqa: BLE001 -- the contract: never raise
        return SerializationError(
            f"Could not read the problem document: {type(failure).__name__}", format="problem+json"
        )


def _from_problem(data: object, status: int | None, type_base: str) -> AnySpiceError:
    parsed = json_object(data, "json")
    if parsed is None:
        return SerializationError(
            f"A problem document must be a JSON object, got {_describe(data)}",
            format="problem+json",
        )
    problem = Problem(parsed)
    real_status = int_or_none(status) if status is not None else problem.status
    code = problem.extensions.get("code")
    cls = BY_CODE.get(code) if isinstance(code, str) else None
    cls = cls or _class_from_type(problem.type, type_base)
    if cls is None:
        if real_status is None:
            cls = UnknownError
        else:
            return read_response(
                real_status,
                {"content-type": PROBLEM_JSON_MEDIA_TYPE},
                parsed,
                method=None,
                url=None,
            )
    return _build(cls, problem, real_status)


def _build(cls: type[SpiceError], problem: Problem, status: int | None) -> AnySpiceError:
    typed: dict[str, object] = {}
    context: dict[str, object] = {}
    for key, value in problem.extensions.items():
        if key in _TYPED_NAMES:
            typed[key] = value
        elif key == "code":
            if value != cls.code:
                context["code"] = value  # another party's code, kept
        else:
            context[f"problem_{key}" if key in DECISION_KEYS else key] = value
    context.update(problem.context())
    if status is not None:
        context["http_status"] = status
    message = next((text for text in (problem.detail, problem.title) if text is not None), cls.code)
    return cast("AnySpiceError", construct(cls, message, typed, context))


def _describe(data: object) -> str:
    if isinstance(data, str | bytes | bytearray):
        return f"{type(data).__name__} of length {len(data)} that is not a JSON object"
    return type(data).__name__
