"""Answer errors as RFC 9457 problems from FastAPI applications, and describe them in OpenAPI.

The handlers are those of `spice_errors.integrations.starlette` (FastAPI is Starlette):
on a FastAPI application `install_problem_handlers` also answers
``RequestValidationError`` as a 422 problem whose ``errors`` name each field.
`problem_responses` gives a route's ``responses=``, so that its OpenAPI document shows
the problem answers instead of FastAPI's ``{"detail": ...}``.

Examples:
    >>> from fastapi import FastAPI
    >>> from fastapi.testclient import TestClient
    >>> from spice_errors.integrations.fastapi import install_problem_handlers, problem_responses
    >>> app = FastAPI()
    >>> @app.get("/items/{item_id}", responses=problem_responses(404, 422))
    ... async def item(item_id: int) -> dict[str, int]:
    ...     return {"id": item_id}
    >>> install_problem_handlers(app)
    >>> with TestClient(app) as client:
    ...     problem = client.get("/items/seven").json()
    >>> problem["status"], problem["errors"][0]["pointer"]
    (422, '#/path/item_id')

.. versionadded:: 0.2.0
"""

from typing import Final

from fastapi.exceptions import RequestValidationError

from spice_errors.integrations.starlette import (
    install_problem_handlers,
    problem_response,
    problem_responses,
)

__all__ = ["install_problem_handlers", "problem_response", "problem_responses"]

# This module needs FastAPI (importing it fails at once without): the handlers answer its
# validation errors, which `install_problem_handlers` finds once FastAPI is loaded.
HANDLED: Final = (RequestValidationError,)
