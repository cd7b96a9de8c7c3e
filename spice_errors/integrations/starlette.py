"""Answer errors as RFC 9457 problems from Starlette and FastAPI applications.

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
    >>> response.status_code, response.headers["content-type"], response.json()["code"]
    (404, 'application/problem+json', 'TOOL_LOOKUP_ERROR')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from spice_errors._errors import SpiceError, SpiceException
from spice_errors._from_exception import from_exception
from spice_errors.http import PROBLEM_JSON_MEDIA_TYPE, status_for, to_problem

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["install_problem_handlers", "problem_response"]


class _App(Protocol):
    def add_exception_handler(
        self,
        exc_class_or_status_code: int | type[Exception],
        handler: Callable[[Request, Exception], Awaitable[Response]],
        /,
    ) -> None: ...


def problem_response(
    error: SpiceError,
    *,
    type_base: str = "urn:spice-errors:",
    headers: dict[str, str] | None = None,
) -> Response:
    """A Starlette response for ``error``: its problem document, its status, no secrets.

    A `RateLimitError` or a `RetryableError` with a wait also gets a ``Retry-After``
    header (whole seconds, rounded up).

    .. versionadded:: 0.1.0
    """
    from starlette.responses import JSONResponse

    problem = to_problem(error, type_base=type_base)
    all_headers = dict(headers or {})
    wait_ms = getattr(error, "retry_after_ms", None)
    hint = getattr(error, "retry_hint", None)
    if wait_ms is None and hint is not None:
        wait_ms = hint.retry_after_ms
    if isinstance(wait_ms, int) and wait_ms >= 0:
        all_headers.setdefault("Retry-After", str(-(-wait_ms // 1000)))
    return JSONResponse(
        problem,
        status_code=status_for(error),
        headers=all_headers,
        media_type=PROBLEM_JSON_MEDIA_TYPE,
    )


def install_problem_handlers(
    app: _App,
    *,
    type_base: str = "urn:spice-errors:",
    catch_all: bool = False,
) -> None:
    """Answer every `SpiceException` a route raises as ``application/problem+json``.

    With ``catch_all=True``, any other exception is mapped with `from_exception` and
    answered the same way (Starlette still reports it to its error middleware).

    .. versionadded:: 0.1.0
    """

    async def handle(_request: Request, exc: Exception) -> Response:
        error = exc.error if isinstance(exc, SpiceException) else from_exception(exc)
        return problem_response(error, type_base=type_base)

    app.add_exception_handler(SpiceException, handle)
    if catch_all:
        app.add_exception_handler(Exception, handle)
