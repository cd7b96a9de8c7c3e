"""Errors for MCP tools: tool results the model reads, and the problem a client reads.

The MCP specification asks that a tool's own failures, bad arguments included, come back
as tool results with ``isError`` set, which the model sees and can act on, not as
protocol errors. `to_tool_result` writes one: the text of `SpiceError.for_model` for
the model and, for programs, the public problem document in ``structuredContent``.
`from_tool_result` reads any tool result back into a `SpiceResult`, and `tool` lets a
tool function of the ``mcp`` SDK (version 2) return a `SpiceResult`.

Only `tool` needs the ``mcp`` package (``pip install 'spice-errors[mcp]'``), and imports
it when it is applied.

Examples:
    >>> from spice_errors import mcp
    >>> answer = mcp.to_tool_result(SpiceError.validation_error("Bad date", "when", "date"))
    >>> answer["isError"], answer["structuredContent"]["error"]["code"]
    (True, 'VALIDATION_ERROR')
    >>> print(answer["content"][0]["text"])
    VALIDATION_ERROR: Bad date
    Change the argument "when" (expected date).
    Retry: yes, with the call changed; the same call fails again.
    >>> mcp.from_tool_result(answer).error_or_none().field
    'when'

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar, cast, overload

from spice_errors._errors import (
    BY_CODE,
    AnySpiceError,
    SerializationError,
    SpiceError,
    ToolError,
    ToolLookupError,
)
from spice_errors._fields import construct
from spice_errors._problems import from_problem, to_problem
from spice_errors._result import Failure, SpiceResult, Success, failure, success
from spice_errors._text import RECEIVED, show_public_path, type_name
from spice_errors._tools import our_problem, wrap_tool

if TYPE_CHECKING:
    from mcp.types import CallToolResult

__all__ = ["from_tool_result", "to_tool_result", "tool"]

P = ParamSpec("P")
T = TypeVar("T")

_NAMED_TOOL: Final = (ToolError, ToolLookupError)


def to_tool_result(error: SpiceError, *, type_base: str = "urn:spice-errors:") -> dict[str, object]:
    """``error`` as an MCP ``CallToolResult`` (its JSON form): a failure the model can read.

    ``isError`` is true, the one text content item holds `SpiceError.for_model`, and
    ``structuredContent`` is ``{"error": <the public problem document>}``
    (`spice_errors.http.to_problem` with ``type_base``).

    .. versionadded:: 0.2.0
    """
    return {
        "content": [{"type": "text", "text": error.for_model()}],
        "structuredContent": {"error": to_problem(error, type_base=type_base)},
        "isError": True,
    }


def from_tool_result(
    result: object, *, tool_name: str | None = None, type_base: str = "urn:spice-errors:"
) -> SpiceResult[object, AnySpiceError]:
    """A tool result read as a `SpiceResult`. Never raises.

    ``result`` is the JSON form of a ``CallToolResult`` or the ``mcp`` SDK's own object.
    A success is ``Success(structuredContent)``, or, without structured content,
    ``Success(content)`` (the list of content items, as given). A failure
    (``isError``) is rebuilt from the problem of `to_tool_result` (its type and code),
    else from the text: from the ``CODE: message`` line `SpiceError.for_model` starts
    with, else as a `ToolError` of ``tool_name`` (``"unknown"`` when not given) with
    the text as its message. What is no tool result is a `SerializationError`. Every
    error is marked received.

    .. versionadded:: 0.2.0
    """
    try:
        return _from_tool_result(result, tool_name, type_base)
    except Exception as error:  # noqa: BLE001 -- the contract: never raise
        return failure(_unreadable(f"reading it failed with {type(error).__name__}"))


def _from_tool_result(
    result: object, tool_name: str | None, type_base: str
) -> SpiceResult[object, AnySpiceError]:
    parts = _parts(result)
    if parts is None:
        return failure(_unreadable(f"got {type_name(result)}"))
    is_error, structured, content = parts
    if not isinstance(is_error, bool):
        return failure(_unreadable(f"isError is {type_name(is_error)}, not a bool"))
    if not is_error:
        return _success(structured, content)
    problem = our_problem(
        cast("Mapping[object, object]", structured).get("error")
        if isinstance(structured, Mapping)
        else None,
        type_base,
    )
    if problem is not None:
        return failure(from_problem(problem, type_base=type_base))
    return failure(_from_text(_text_of(content), tool_name))


def _success(structured: object, content: object) -> SpiceResult[object, AnySpiceError]:
    if structured is not None:
        return success(structured)
    if isinstance(content, list):
        return success(cast("list[object]", content))
    return failure(_unreadable("it has neither structuredContent nor a content list"))


def _parts(result: object) -> tuple[object, object, object] | None:
    """``isError``, ``structuredContent`` and ``content`` of a result, in either form."""
    if isinstance(result, Mapping):
        members = cast("Mapping[object, object]", result)
        if "content" not in members and "structuredContent" not in members:
            return None
        return (
            members.get("isError", False),
            members.get("structuredContent"),
            members.get("content"),
        )
    if hasattr(result, "content") and hasattr(result, "is_error"):  # the SDK's CallToolResult
        return (
            getattr(result, "is_error", False),
            getattr(result, "structured_content", None),
            getattr(result, "content", None),
        )
    return None


def _text_of(content: object) -> str:
    """The text items of a content list, one after another."""
    if not isinstance(content, list | tuple):
        return ""
    texts: list[str] = []
    for item in cast("list[object]", content):
        if isinstance(item, Mapping):
            kind: object = cast("Mapping[object, object]", item).get("type")
            text: object = cast("Mapping[object, object]", item).get("text")
        else:
            kind, text = getattr(item, "type", None), getattr(item, "text", None)
        if kind == "text" and isinstance(text, str):
            texts.append(text)
    return "\n".join(texts)


def _from_text(text: str, tool_name: str | None) -> AnySpiceError:
    first, _, _ = text.partition("\n")
    code, found, message = first.partition(": ")
    cls = BY_CODE.get(code) if found else None
    if cls is None:
        cls, message = ToolError, text.strip() or "The tool failed and said nothing more."
    typed: dict[str, object] = {}
    if tool_name is not None and cls in _NAMED_TOOL:
        typed["tool_name"] = tool_name
    return cast("AnySpiceError", construct(cls, message, typed, {RECEIVED: True}))


def _unreadable(why: str) -> SerializationError:
    return SerializationError(
        f"Could not read the tool result: {why}", format="mcp", context={RECEIVED: True}
    )


# -- the mcp SDK's tools -------------------------------------------------------------------


@overload
def tool(
    fn: Callable[P, Coroutine[Any, Any, Success[T] | Failure[SpiceError]]],
) -> Callable[P, Coroutine[Any, Any, T | CallToolResult]]: ...
@overload
def tool(fn: Callable[P, Success[T] | Failure[SpiceError]]) -> Callable[P, T | CallToolResult]: ...
def tool(fn: Callable[..., object]) -> Callable[..., object]:
    """Let an ``mcp`` SDK tool function (sync or async) return a `SpiceResult`.

    The SDK sees fn's parameters and, as the return annotation, the success type of its
    ``SpiceResult[T]``, for the tool's input and output schemas. A success returns its
    value; a failure, returned or raised as a `SpiceException`, returns the SDK's
    ``CallToolResult`` built from `to_tool_result`, which the model reads as a tool
    failure and a client reads as a problem. (The SDK's ``ToolError`` would reach the
    client as bare text.) Any other exception is the SDK's to handle, as a crash whose
    text the client never sees.

    Examples:
        >>> from mcp.server.mcpserver import MCPServer
        >>> server = MCPServer("orders")
        >>> @server.tool()
        ... @mcp.tool
        ... def quantity(order_id: str) -> SpiceResult[int]:
        ...     if not order_id.startswith("o-"):
        ...         return Failure(SpiceError.validation_error("Not an order id", "order_id"))
        ...     return Success(3)

    Raises:
        TypeError: When fn is annotated to return what is not a `SpiceResult`.
        ImportError: When the ``mcp`` package is not installed.

    .. versionadded:: 0.2.0
    """
    try:
        from mcp.types import CallToolResult
    except ImportError as missing:
        msg = "spice_errors.mcp.tool needs the mcp package: pip install 'spice-errors[mcp]'"
        raise ImportError(msg, name="mcp") from missing

    def on_failure(error: SpiceError) -> CallToolResult:
        return CallToolResult.model_validate(to_tool_result(error))

    return wrap_tool(fn, on_failure)


show_public_path(globals(), __all__)
del show_public_path
