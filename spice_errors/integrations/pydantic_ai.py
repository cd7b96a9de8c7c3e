"""pydantic-ai tools that return a `SpiceResult`.

`tool` turns a failure into what the agent run should do with it: a failure the model
can fix by calling differently (`spice_errors.recoverable_by_model`) raises
pydantic-ai's ``ModelRetry`` with `SpiceError.for_model`, so the model reads it and
calls again; any other failure raises the error's `SpiceException`, which ends the run
and reaches the caller of ``agent.run``.

Examples:
    >>> import asyncio
    >>> from pydantic_ai import Agent
    >>> from pydantic_ai.models.test import TestModel
    >>> from spice_errors.integrations import pydantic_ai
    >>> agent = Agent(TestModel())
    >>> @agent.tool_plain
    ... @pydantic_ai.tool
    ... def stock(sku: str) -> SpiceResult[int]:
    ...     return Success(4)
    >>> asyncio.run(agent.run("How many?")).output
    '{"stock":4}'

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, ParamSpec, TypeVar, overload

from pydantic_ai.exceptions import ModelRetry

from spice_errors._classify import recoverable_by_model
from spice_errors._errors import SpiceError
from spice_errors._result import Failure, Success
from spice_errors._tools import wrap_tool

__all__ = ["tool"]

P = ParamSpec("P")
T = TypeVar("T")


def _raise(error: SpiceError) -> NoReturn:
    if recoverable_by_model(error):
        raise ModelRetry(error.for_model()) from error.to_exception()
    raise error.to_exception()


@overload
def tool(
    fn: Callable[P, Coroutine[Any, Any, Success[T] | Failure[SpiceError]]],
) -> Callable[P, Coroutine[Any, Any, T]]: ...
@overload
def tool(fn: Callable[P, Success[T] | Failure[SpiceError]]) -> Callable[P, T]: ...
def tool(fn: Callable[..., object]) -> Callable[..., object]:
    """Let a pydantic-ai tool function (sync or async) return a `SpiceResult`.

    The agent sees fn's parameters (a ``RunContext`` first one included) and, as the
    return annotation, the success type of its ``SpiceResult[T]``. A success returns
    its value. A failure, returned or raised as a `SpiceException`, raises
    ``ModelRetry(error.for_model())`` when the model can fix its call (a
    `ValidationError`, `ToolLookupError` or `RoutingError`; pydantic-ai gives up after
    the tool's ``retries``), else the error's `SpiceException`, which ends the run.

    Raises:
        TypeError: When fn is annotated to return what is not a `SpiceResult`.

    .. versionadded:: 0.2.0
    """
    return wrap_tool(fn, _raise)
