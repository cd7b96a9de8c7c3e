"""Answering as a server: the status for an error, and RFC 9457 problems in and out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, cast

import attrs

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
from spice_errors._report import cause_lines
from spice_errors._response import (
    DECISION_KEYS,
    PROBLEM_JSON_MEDIA_TYPE,
    PROBLEM_MEMBERS,
    Problem,
    int_or_none,
    json_object,
    read_response,
)
from spice_errors._text import (
    RECEIVED,
    CopyOnWriteDict,
    is_error_status,
    is_int,
    is_int_at_least,
)

__all__ = [
    "ProblemType",
    "from_problem",
    "is_received",
    "register_problem_type",
    "restore_problem_types",
    "snapshot_problem_types",
    "status_for",
    "to_problem",
    "unregister_problem_type",
]

# Every typed field of any type: read back as fields when the class has them.
_TYPED_NAMES: Final = frozenset(name for cls in ALL_TYPES for name in own_fields(cls))


def is_received(error: SpiceError) -> bool:
    """Whether ``error`` was built from another service's answer (the readers' mark)."""
    return error.context.get(RECEIVED) is True


# -- registered problem types ------------------------------------------------------------


@attrs.frozen
class ProblemType:
    """An application's own kind of problem: what `register_problem_type` recorded.

    .. versionadded:: 0.2.0
    """

    error_code: str
    status: int
    title: str
    type_uri: str | None = None
    detail: str | None = None


_problem_types: CopyOnWriteDict[str, ProblemType] = CopyOnWriteDict()


def _check_text(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        expected = "str or None" if optional else "str"
        msg = f"{name} must be a {expected}, got {type(value).__name__}"
        raise TypeError(msg)
    if not value.strip():
        msg = f"{name} must not be empty"
        raise ValueError(msg)


def _check_status(name: str, value: object, low: int) -> int:
    if not is_int(value):
        msg = f"{name} must be an int, got {type(value).__name__}"
        raise TypeError(msg)
    if not low <= value <= 599:  # noqa: PLR2004 -- the last HTTP status
        msg = f"{name} must be an HTTP status from {low} to 599, got {value}"
        raise ValueError(msg)
    return value


def register_problem_type(
    error_code: str,
    *,
    status: int,
    title: str,
    type_uri: str | None = None,
    detail: str | None = None,
) -> None:
    """Answer errors whose context ``error_code`` is ``error_code`` as this kind of problem.

    An application's own kinds of problem (``"INSUFFICIENT_FUNDS"`` a 402,
    ``"VERSION_CONFLICT"`` a 409) without leaving the sealed tree: an error this
    program made with ``context["error_code"] == error_code`` is answered by
    `status_for` and `to_problem` with ``status``, ``title`` and ``type_uri`` (by
    default the problem type base and the code in lower case). ``detail``, when given,
    is the fixed detail of a 5xx, whose own message stays in the logs. An error
    received from another service never takes a registered type, whatever its code.
    Registering a code again replaces its type.

    Examples:
        >>> register_problem_type("INSUFFICIENT_FUNDS", status=402, title="Insufficient funds")
        >>> error = SpiceError.validation_error("Balance 3.00, price 7.50")
        >>> status_for(error.with_context(error_code="INSUFFICIENT_FUNDS"))
        402

    Raises:
        TypeError: When an argument has the wrong type.
        ValueError: When ``error_code`` or ``title`` is empty, or ``status`` is not
            a 4xx or 5xx status.

    .. versionadded:: 0.2.0
    """
    _check_text("error_code", error_code)
    checked = _check_status("status", status, 400)
    _check_text("title", title)
    _check_text("type_uri", type_uri, optional=True)
    _check_text("detail", detail, optional=True)
    kind = ProblemType(error_code, checked, title, type_uri, detail)
    _problem_types.register(error_code, kind)


def unregister_problem_type(error_code: str) -> bool:
    """Forget the problem type registered for ``error_code``; whether there was one.

    .. versionadded:: 0.2.0
    """
    return _problem_types.unregister(error_code)


def snapshot_problem_types() -> object:
    """The registered problem types as they are now, for `restore_problem_types` (tests)."""
    return _problem_types.current


def restore_problem_types(saved: object) -> None:
    """Put back the problem types `snapshot_problem_types` saw."""
    _problem_types.restore(saved)


def _registered(error: SpiceError) -> ProblemType | None:
    """The registered type of an error this program made; never of a received one."""
    if not _problem_types.current:
        return None
    code = error.context.get("error_code")
    if not isinstance(code, str) or is_received(error):
        return None
    return _problem_types.current.get(code)


# -- status_for --------------------------------------------------------------------------


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

    A registered problem type's status (`register_problem_type`); else, for an error
    received from another service (built by `from_response`, `from_problem` or from an
    HTTP client's or vendor SDK's exception), 504 for a timeout and 502 for anything
    else: the caller of this server did nothing wrong, whatever the other service
    answered. Else 400 for a `ValidationError`, 401 for an `AuthenticationError`, 429 for
    a `RateLimitError`, a `NetworkError`'s or `RetryableError`'s own 4xx/5xx status (502
    and 503 when it has none), 504 for a `TimeoutError`, 404 for a `ToolLookupError`,
    and 500 for everything else.

    Examples:
        >>> status_for(SpiceError.rate_limit_error("Slow down", 2000))
        429
        >>> from spice_errors.http import from_response
        >>> status_for(from_response(401, url="https://partner.example/v1/orders"))
        502

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Registered problem types; received errors answer 502 or
       504; context ``http_status`` no longer decides.
    """
    if is_received(error):
        return 504 if isinstance(error, SpiceTimeoutError) else 502
    registered = _registered(error)
    if registered is not None:
        return registered.status
    if isinstance(error, NetworkError):
        return _error_status(error.status_code) or 502
    if isinstance(error, RetryableError):
        return _error_status(error.status_code) or 503
    return next((status for cls, status in _STATUS_BY_TYPE if isinstance(error, cls)), 500)


# -- to_problem --------------------------------------------------------------------------

_GENERIC_DETAILS: Final[dict[int, str]] = {
    500: "The server could not complete the request.",
    501: "The server does not support this request.",
    502: "A service this server depends on failed.",
    503: "The service is unavailable for now; try again later.",
    504: "A service this server depends on did not answer in time.",
}
_GENERIC_SERVER: Final = _GENERIC_DETAILS[500]


# RFC 9110's names where Python before 3.13 still uses RFC 7231's: the same on every version.
_RFC_9110_PHRASES: Final = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


def title_for(status: int) -> str:
    """The title of a problem of ``status``: its reason phrase (RFC 9110's)."""
    from http import HTTPStatus

    if (phrase := _RFC_9110_PHRASES.get(status)) is not None:
        return phrase
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Server Error" if status >= 500 else "Client Error"  # noqa: PLR2004 -- 5xx


def generic_detail(status: int) -> str:
    """The fixed sentence a problem of ``status`` says instead of an error's own text."""
    if status >= 500:  # noqa: PLR2004 -- 5xx
        return _GENERIC_DETAILS.get(status, _GENERIC_SERVER)
    return f"{title_for(status)}."


def own_wait(error: SpiceError) -> int | None:
    """The wait, in milliseconds, that an error of this server's own asks its client for."""
    if isinstance(error, RateLimitError):
        wait: object = error.retry_after_ms
    elif isinstance(error, RetryableError):
        wait = error.suggested_retry_delay_ms()
    else:
        wait = error.context.get("retry_after_ms")
    return wait if is_int_at_least(wait, 0) else None  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


_TEXT: Final = {"type": "string"}
_PROBLEM_SCHEMA: Final[dict[str, object]] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document.",
    "type": "object",
    "properties": {
        "type": {**_TEXT, "format": "uri-reference", "default": "about:blank"},
        "title": _TEXT,
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "detail": _TEXT,
        "instance": {**_TEXT, "format": "uri-reference"},
        "code": {**_TEXT, "description": "The error's code, such as RATE_LIMIT_ERROR."},
        "error_code": {**_TEXT, "description": "The application's own kind of problem."},
        "retry_after_ms": {
            "type": "integer",
            "minimum": 0,
            "description": "How long to wait before trying again, in milliseconds.",
        },
        "field": _TEXT,
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "detail": _TEXT,
                    "field": _TEXT,
                    "pointer": {**_TEXT, "description": "A JSON Pointer into the request."},
                    "code": _TEXT,
                },
                "required": ["detail"],
            },
        },
    },
    "additionalProperties": True,
}


def problem_schema() -> dict[str, object]:
    """The JSON Schema of the problem documents `to_problem` makes (a fresh copy)."""
    import copy

    return copy.deepcopy(_PROBLEM_SCHEMA)


def _shown_value(key: str, value: object) -> object:
    return MASK if is_secret_key(key) else json_safe(redact_value(value))


def to_problem(  # noqa: PLR0913 -- the contract's keyword arguments
    error: SpiceError,
    *,
    type_base: str = "urn:spice-errors:",
    status: int | None = None,
    instance: str | None = None,
    expose: Iterable[str] = (),
    debug: bool = False,
) -> dict[str, object]:
    """Render ``error`` as an RFC 9457 problem document that is safe to send to anyone.

    Members: ``type`` (a registered type's URI, else ``type_base`` and the code in lower
    case), ``title`` (a registered title, else the status's reason phrase), ``status``
    (``status`` when given, else `status_for`), ``detail`` (the redacted message for a
    4xx; for a 5xx a fixed, generic sentence, or the registered type's ``detail``: a
    server's internal failure text is for its logs) and ``instance`` (given, else
    context ``instance``). Extensions, and only these: ``code``, ``error_code`` when
    registered, ``retry_after_ms`` for a wait this server asks for, the ``field`` and
    ``errors`` of a `ValidationError`, and the typed fields and context keys named in
    ``expose`` (masked as everywhere). An error received from another service shows
    nothing of what it received: its message, status, endpoint, method, type, title,
    instance, extensions and wait stay in its context, for the logs.

    ``debug=True`` renders everything the error holds, still masked: for development,
    never for the public. The result is always JSON (no NaN, no lone surrogate, text
    keys), whatever the error holds.

    Examples:
        >>> to_problem(SpiceError.rate_limit_error("Slow down", 2000))
        {'type': 'urn:spice-errors:rate_limit_error', 'title': 'Too Many Requests',
         'status': 429, 'detail': 'Slow down', 'code': 'RATE_LIMIT_ERROR',
         'retry_after_ms': 2000}
        >>> to_problem(SpiceError.config_error("pool db.internal:5432 exhausted"))["detail"]
        'The server could not complete the request.'

    Raises:
        TypeError: When ``status`` is not an int or ``instance`` not a str.
        ValueError: When ``status`` is not from 100 to 599.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Public by default (``expose``, ``debug``), reason-phrase
       titles, generic 5xx details, ``status`` and ``instance`` arguments, registered
       problem types.
    """
    shown_status = status_for(error) if status is None else _check_status("status", status, 100)
    if instance is not None and not isinstance(cast("object", instance), str):
        msg = f"instance must be a str or None, got {type(instance).__name__}"
        raise TypeError(msg)
    names = _names(expose)
    received = is_received(error)
    registered = _registered(error)
    problem: dict[str, object] = {
        "type": registered.type_uri
        if registered is not None and registered.type_uri is not None
        else f"{type_base}{(registered.error_code if registered else error.code).lower()}",
        "title": registered.title if registered is not None else title_for(shown_status),
        "status": shown_status,
        "detail": _detail(error, shown_status, registered, received=received, debug=debug),
    }
    if instance is None and (debug or not received):
        found = error.context.get("instance")
        instance = found if isinstance(found, str) else None
    if instance is not None:
        problem["instance"] = redact_url(instance)
    problem["code"] = error.code
    if registered is not None:
        problem["error_code"] = registered.error_code
    if debug:
        _add_everything(problem, error)
    else:
        _add_public(problem, error, received=received)
        _add_exposed(problem, error, names)
    return cast("dict[str, object]", strict_json(problem))


def _detail(
    error: SpiceError,
    status: int,
    registered: ProblemType | None,
    *,
    received: bool,
    debug: bool,
) -> str:
    if debug:
        return redact_text(error.message)
    if status >= 500:  # noqa: PLR2004 -- 5xx: the failure text is for the logs
        if registered is not None and registered.detail is not None:
            return registered.detail
        return generic_detail(status)
    return generic_detail(status) if received else redact_text(error.message)


def _add_public(problem: dict[str, object], error: SpiceError, *, received: bool) -> None:
    if received:
        return
    wait = own_wait(error)
    if wait is not None:
        problem["retry_after_ms"] = wait
    if isinstance(error, ValidationError):
        if error.field is not None:
            problem["field"] = redact_text(error.field)
        if error.errors:
            problem["errors"] = [problem_member(each) for each in error.errors]


def _names(expose: Iterable[str]) -> tuple[str, ...]:
    if isinstance(expose, str):
        msg = "expose must be an iterable of names, not a str"
        raise TypeError(msg)
    names = tuple(expose)
    for name in cast("tuple[object, ...]", names):
        if not isinstance(name, str):
            msg = f"expose must hold str names, got {type(name).__name__}"
            raise TypeError(msg)
    return names


def _add_exposed(problem: dict[str, object], error: SpiceError, names: tuple[str, ...]) -> None:
    own = own_fields(type(error))
    typed = _typed_fields(error) if any(name in own for name in names) else {}
    for name in names:
        if name in problem or name in PROBLEM_MEMBERS:
            continue
        if name in own:
            if name in typed:  # a field that is set
                problem[name] = typed[name]
        elif name in error.context:
            problem[name] = _shown_value(name, error.context[name])


def _add_everything(problem: dict[str, object], error: SpiceError) -> None:
    problem.update(_typed_fields(error))
    for key, value in error.context.items():
        if key in problem or key in PROBLEM_MEMBERS:
            continue
        problem[key] = _shown_value(key, value)
    causes = cause_lines(error.cause)
    if causes:
        problem["causes"] = [line.removeprefix("Caused by: ") for line in causes]


def strict_json(value: object) -> object:
    r"""``value`` (JSON data from `json_safe`) with no text strict UTF-8 output would refuse.

    Web frameworks encode with ``allow_nan=False`` and to UTF-8: a lone surrogate (as
    `os.fsdecode` makes of a byte that is not UTF-8) is shown escaped, ``\udcff``.
    """
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        items = cast("dict[str, object]", value).items()
        return {_clean_text(key): strict_json(item) for key, item in items}
    if isinstance(value, list):
        return [strict_json(item) for item in cast("list[object]", value)]
    return value  # numbers are finite already: `json_safe` made every value JSON


def _clean_text(text: str) -> str:
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _typed_fields(error: SpiceError) -> dict[str, object]:
    return typed_fields(error, redact=True, inner=problem_member)


# -- from_problem ------------------------------------------------------------------------


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
            f"Could not read the problem document: {type(failure).__name__}",
            format="problem+json",
            context={RECEIVED: True},
        )


def _from_problem(data: object, status: int | None, type_base: str) -> AnySpiceError:
    parsed = json_object(data, "json")
    if parsed is None:
        return SerializationError(
            f"A problem document must be a JSON object, got {_describe(data)}",
            format="problem+json",
            context={RECEIVED: True},
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
    context[RECEIVED] = True
    message = next((text for text in (problem.detail, problem.title) if text is not None), cls.code)
    return cast("AnySpiceError", construct(cls, message, typed, context))


def _describe(data: object) -> str:
    if isinstance(data, str | bytes | bytearray):
        return f"{type(data).__name__} of length {len(data)} that is not a JSON object"
    return type(data).__name__
