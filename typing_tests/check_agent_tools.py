"""Type-checked, never run: errors for agent tools (MCP, JSON-RPC, pydantic-ai)."""

from __future__ import annotations

from typing import assert_type

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic_ai import Agent
from pydantic_ai.models.test import TestModel

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success, jsonrpc, mcp
from spice_errors.integrations import pydantic_ai

error = SpiceError.validation_error("Bad date", "when", "date")

assert_type(error.for_model(), str)
assert_type(se.recoverable_by_model(error), bool)

# -- se.mcp and se.jsonrpc: reachable from the package, and as modules --------------------
assert_type(se.mcp.to_tool_result(error), dict[str, object])
assert_type(mcp.from_tool_result({"content": []}), SpiceResult[object, se.AnySpiceError])
assert_type(mcp.from_tool_result({}, tool_name="add", type_base="urn:x:"), SpiceResult[object])
assert_type(se.jsonrpc.to_error(error), dict[str, object])
assert_type(jsonrpc.from_error({"code": -32601, "message": "No"}), se.AnySpiceError)
assert_type(jsonrpc.CODES["VALIDATION_ERROR"], int)

# A failure read back is matched to the end like any other.
match mcp.from_tool_result({"content": []}):
    case Success(value):
        assert_type(value, object)
    case Failure(SpiceError.ValidationError(field=field)):
        assert_type(field, str | None)
    case Failure(other):
        assert_type(other, se.AnySpiceError)


# -- the decorators keep the parameters and give the success type -------------------------
def quantity(order_id: str, *, unit: str = "item") -> SpiceResult[int]:
    return Success(len(order_id + unit))


async def cancel(order_id: str) -> Success[dict[str, str]] | Failure[se.AuthenticationError]:
    return Success({"cancelled": order_id})


assert_type(mcp.tool(quantity)("o-1", unit="box"), int | CallToolResult)
bad_call = mcp.tool(quantity)(7)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

server = MCPServer("orders")
server.tool()(mcp.tool(quantity))
server.tool()(mcp.tool(cancel))

assert_type(pydantic_ai.tool(quantity)("o-1"), int)
bad_keyword: object = pydantic_ai.tool(quantity)(unit=3)  # type: ignore[call-arg, arg-type]  # pyright: ignore[reportCallIssue, reportUnknownVariableType]


async def awaited() -> None:
    """Async tools stay coroutine functions of the value (or the SDK's result)."""
    assert_type(await mcp.tool(cancel)("o-1"), dict[str, str] | CallToolResult)
    assert_type(await pydantic_ai.tool(cancel)("o-1"), dict[str, str])


agent = Agent(TestModel())
agent.tool_plain(pydantic_ai.tool(quantity))
agent.tool_plain(pydantic_ai.tool(cancel))


# A function that does not return a result is refused.
def plain(order_id: str) -> int:
    return len(order_id)


mcp.tool(plain)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]
pydantic_ai.tool(plain)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]
