"""Answer errors as RFC 9457 problems from Starlette (and FastAPI) applications.

`install_problem_handlers` makes every error answer of an application a public problem
document (``application/problem+json``): the `SpiceException` its routes raise,
Starlette's and FastAPI's ``HTTPException``, unknown routes and methods, FastAPI's
request validation errors, and, with ``catch_all``, any other exception, whose text
never leaves the server. What a client may not see goes to the server's log, as a
masked `SpiceError.report`.

Examples:
    >>> from starlette.applications import Starlette
    >>> from starlette.routing import Route
    >>> from starlette.testclient import TestClient
    >>> from spice_errors.integrations.starlette import install_problem_handlers
    >>> async def order(request):
    ...     raise SpiceError.tool_lookup_error("No order 7", "7", "orders").to_exception()
    >>> app = Starlette(routes=[Route("/orders/7", order)])
    >>> install_problem_handlers(app)
    >>> with TestClient(app) as client:
    ...     response = client.get("/orders/7")
    >>> response.status_code, response.headers["content-type"], response.json()["instance"]
    (404, 'application/problem+json', '/orders/7')

.. versionadded:: 0.1.0
.. versionchanged:: 0.2.0 ``HTTPException``, unknown routes and methods, FastAPI's
   validation errors, the server log, ``instance``, request ids; ``catch_all`` is on by
   default and never shows an exception's text.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, cast
from urllib.parse import quote

from spice_errors._errors import SpiceError, SpiceException, ValidationError
from spice_errors._from_exception import from_exception
from spice_errors._problems import (
    generic_detail,
    is_received,
    own_wait,
    problem_schema,
    status_for,
    strict_json,
    title_for,
    to_problem,
)
from spice_errors._redact import redact_text
from spice_errors._response import PROBLEM_JSON_MEDIA_TYPE
from spice_errors._text import is_int

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["install_problem_handlers", "log_answer", "problem_response", "problem_responses"]

SERVER_LOGGER: Final = "spice_errors.server"
"""The logger `install_problem_handlers` reports to unless given another."""

_REQUEST_ID: Final = "x-request-id"
_MAX_REQUEST_ID: Final = 200
_DEFAULT_STATUSES: Final = (400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504)


def _retry_after(wait_ms: int) -> str:
    """Whole seconds, rounded up: ``Retry-After`` takes no fraction."""
    return str(-(-wait_ms // 1000))


def problem_response(  # noqa: PLR0913 -- to_problem's arguments, and the headers
    error: SpiceError,
    *,
    type_base: str = "urn:spice-errors:",
    status: int | None = None,
    instance: str | None = None,
    expose: Iterable[str] = (),
    debug: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A Starlette response for ``error``: its public problem document and status.

    The arguments are `spice_errors.http.to_problem`'s. A wait this server asks for (a
    `RateLimitError`'s, a `RetryableError`'s hint) also becomes a ``Retry-After`` header
    in whole seconds, rounded up, unless ``headers`` has one.

    .. versionadded:: 0.1.0
    """
    from starlette.responses import JSONResponse

    problem = to_problem(
        error, type_base=type_base, status=status, instance=instance, expose=expose, debug=debug
    )
    all_headers = dict(headers or {})
    wait_ms = None if is_received(error) else own_wait(error)
    if wait_ms is not None and not any(name.lower() == "retry-after" for name in all_headers):
        all_headers["Retry-After"] = _retry_after(wait_ms)
    return JSONResponse(
        problem,
        status_code=cast("int", problem["status"]),
        headers=all_headers,
        media_type=PROBLEM_JSON_MEDIA_TYPE,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """FastAPI's ``responses=`` for problem answers, so that OpenAPI describes them.

    Each status (by default the common 4xx and 5xx ones) is documented with its reason
    phrase and the problem document's schema under ``application/problem+json``.
    Giving 422 also replaces FastAPI's own validation error response, as the handlers
    do.

    Examples:
        >>> responses = problem_responses(404, 429)
        >>> sorted(responses), list(responses[404]["content"])
        ([404, 429], ['application/problem+json'])

    Raises:
        TypeError: When a status is not an int.
        ValueError: When a status is not from 400 to 599.

    .. versionadded:: 0.2.0
    """
    chosen = statuses or _DEFAULT_STATUSES
    for status in chosen:
        if type(status) is not int:
            msg = f"statuses must be ints, got {type(status).__name__}"
            raise TypeError(msg)
        if not 400 <= status <= 599:  # noqa: PLR2004 -- error statuses
            msg = f"statuses must be 4xx or 5xx, got {status}"
            raise ValueError(msg)
    return {
        status: {
            "description": title_for(status),
            "content": {PROBLEM_JSON_MEDIA_TYPE: {"schema": problem_schema()}},
        }
        for status in chosen
    }


class _Settings:
    """What `install_problem_handlers` was given, shared by its handlers."""

    __slots__ = ("debug", "logger", "type_base")

    def __init__(self, type_base: str, *, debug: bool, logger: logging.Logger) -> None:
        self.type_base = type_base
        self.debug = debug
        self.logger = logger

    def answer(
        self,
        request: Request,
        error: SpiceError,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """The problem response for ``error``, logged: 5xx with the whole masked report."""
        shown = status_for(error) if status is None else status
        all_headers = _echoed(request)
        all_headers.update(headers or {})
        self.log(request, error, shown)
        return problem_response(
            error,
            type_base=self.type_base,
            status=status,
            instance=request.url.path,
            debug=self.debug,
            headers=all_headers,
        )

    def log(self, request: Request, error: SpiceError, status: int) -> None:
        """The record of one answer: see `log_answer`."""
        log_answer(
            self.logger,
            error,
            status=status,
            method=request.method,
            path=request.url.path,
            request_id=_request_id(request),
        )


def log_answer(  # noqa: PLR0913 -- what one record says, by name
    logger: logging.Logger,
    error: SpiceError,
    *,
    status: int,
    method: str,
    path: str,
    request_id: str | None = None,
) -> None:
    """Log one problem answer: a 5xx at ERROR with the masked report, a 4xx as an INFO line.

    The record never carries a traceback, whose text could hold a secret; its fields
    ``error_code``, ``http_status`` and ``request_id`` are for structured handlers.
    """
    level = logging.ERROR if status >= 500 else logging.INFO  # noqa: PLR2004 -- 5xx
    if not logger.isEnabledFor(level):
        return
    text = error.report() if status >= 500 else str(error)  # noqa: PLR2004 -- 5xx
    logger.log(
        level,
        "%s %s answered %d: %s",
        method,
        redact_text(path),
        status,
        text,
        extra={"error_code": error.code, "http_status": status, "request_id": request_id},
    )


def _request_id(request: Request) -> str | None:
    """The request's ``X-Request-Id``, when it is short, visible ASCII: safe to echo."""
    value = request.headers.get(_REQUEST_ID)
    if value is None or not 0 < len(value) <= _MAX_REQUEST_ID:
        return None
    if not all("!" <= character <= "~" for character in value):
        return None
    return value


def _echoed(request: Request) -> dict[str, str]:
    found = _request_id(request)
    return {} if found is None else {"X-Request-Id": found}


def _pointer(location: Iterable[object]) -> str:
    """A JSON Pointer (RFC 6901, as a URI fragment) from FastAPI's error location."""
    parts = (str(part).replace("~", "~0").replace("/", "~1") for part in location)
    return "#/" + "/".join(quote(part, safe="~!$&'()*+,;=:@") for part in parts)


def _validation_error(errors: object) -> ValidationError:
    """FastAPI's validation errors as one `ValidationError` listing each field."""
    items = cast("list[object]", errors) if isinstance(errors, list) else []
    members: list[ValidationError] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        entry = cast("Mapping[str, object]", item)
        raw_location = entry.get("loc")
        location = (
            tuple(cast("Iterable[object]", raw_location))
            if isinstance(raw_location, list | tuple)
            else ()
        )
        names = [str(part) for part in location[1:]] or [str(part) for part in location]
        message = entry.get("msg")
        kind = entry.get("type")
        context: dict[str, object] = {"pointer": _pointer(location)} if location else {}
        if isinstance(kind, str):
            context["error_type"] = kind
        members.append(
            ValidationError(
                redact_text(message) if isinstance(message, str) else "Invalid value",
                field=".".join(names) or None,
                context=context,
            )
        )
    count = len(members)
    summary = "1 problem" if count == 1 else f"{count} problems"
    return ValidationError(f"The request is not valid: {summary}", errors=members)


class _CatchAll:
    """ASGI middleware: any exception no handler took becomes a generic 500 problem.

    It sits inside Starlette's error middleware, so the exception stops here: the
    server logs the masked report, never a raw traceback whose text could hold a
    secret. An exception after the response has started can only be logged.
    """

    def __init__(self, app: ASGIApp, settings: _Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as failure:  # noqa: BLE001 -- the catch-all's whole point
            from starlette.requests import Request

            request = Request(scope)
            # A SpiceException raised outside the handlers' reach (in a middleware) keeps
            # its error's status; any other exception is this server's own failure.
            if isinstance(failure, SpiceException):
                error, status = failure.error, None
            else:
                error, status = from_exception(failure), 500
            if started:
                self.settings.log(request, error, status or status_for(error))
                return
            response = self.settings.answer(request, error, status=status)
            await response(scope, receive, send)


def install_problem_handlers(
    app: Starlette,
    *,
    type_base: str = "urn:spice-errors:",
    catch_all: bool = True,
    debug: bool = False,
    logger: logging.Logger | None = None,
) -> None:
    """Answer every error of ``app`` as an RFC 9457 problem, safe for the public.

    Handled: each `SpiceException` a route raises (its error's `status_for`);
    Starlette's and FastAPI's ``HTTPException`` (its status, its detail and its headers,
    such as ``WWW-Authenticate`` and ``Allow``), which also answers unknown routes (404)
    and methods (405); FastAPI's ``RequestValidationError`` as a 422 whose ``errors``
    name each field, with a JSON Pointer from its location; and with ``catch_all`` any
    other exception, as a 500 with a generic detail. ``instance`` is the request's path,
    an incoming ``X-Request-Id`` is echoed, a wait this server asks for is a
    ``Retry-After`` header. 5xx answers are logged on ``logger`` (``spice_errors.server``
    by default) with the masked `SpiceError.report`, 4xx ones as one line; no record
    carries a traceback. ``debug=True`` answers with everything the error holds
    (masked): for development only.

    Call it before the application starts (it adds a middleware for ``catch_all``).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``catch_all`` is on by default; ``debug`` and ``logger``;
       every handler above.
    """
    settings = _Settings(type_base, debug=debug, logger=logger or logging.getLogger(SERVER_LOGGER))
    from starlette.exceptions import HTTPException

    async def spice_handler(request: Request, exc: Exception) -> Response:
        return settings.answer(request, cast("SpiceException", exc).error)

    async def http_handler(request: Request, exc: Exception) -> Response:
        return _http_answer(settings, request, cast("HTTPException", exc))

    app.add_exception_handler(SpiceException, spice_handler)
    app.add_exception_handler(HTTPException, http_handler)
    fastapi = sys.modules.get("fastapi.exceptions")
    validation = getattr(fastapi, "RequestValidationError", None)
    if isinstance(validation, type) and issubclass(validation, Exception):

        async def validation_handler(request: Request, exc: Exception) -> Response:
            errors = getattr(exc, "errors", None)
            found = errors() if callable(errors) else None
            return settings.answer(request, _validation_error(found), status=422)

        app.add_exception_handler(validation, validation_handler)
    if catch_all:
        app.add_middleware(_CatchAll, settings=settings)


def _http_answer(settings: _Settings, request: Request, exc: object) -> Response:
    """An ``HTTPException`` as a problem of type ``about:blank``: status, detail, headers.

    A status that is not an error's (a 304 or a redirect raised as one) is answered as
    it is, without a body.
    """
    from starlette.responses import JSONResponse, Response

    status = getattr(exc, "status_code", 500)
    status = status if is_int(status) and 100 <= status <= 599 else 500  # noqa: PLR2004
    headers = _echoed(request)
    given = getattr(exc, "headers", None)
    if isinstance(given, Mapping):
        headers.update(cast("Mapping[str, str]", given))
    if status < 400:  # noqa: PLR2004 -- not an error: nothing to describe
        return Response(status_code=status, headers=headers)
    detail = getattr(exc, "detail", None)
    problem: dict[str, object] = {
        "type": "about:blank",
        "title": title_for(status),
        "status": status,
        "detail": redact_text(detail) if isinstance(detail, str) else generic_detail(status),
        "instance": redact_text(request.url.path),
    }
    if status >= 500:  # noqa: PLR2004 -- an application's own 5xx: logged like any other
        error = SpiceError.network_error(str(problem["detail"]), status)
        settings.log(request, error, status)
    return JSONResponse(
        strict_json(problem),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_JSON_MEDIA_TYPE,
    )
