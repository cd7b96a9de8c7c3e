"""pydantic-ai tools returning a SpiceResult, run by a real Agent with offline models.

``FunctionModel`` plays the model: it calls a tool, reads what comes back and calls
again; ``TestModel`` calls every tool with arguments it makes from the schema. Neither
touches the network. Runs are awaited: ``run_sync`` leaves behind an event loop it made
and never closes.
"""

from __future__ import annotations

from typing import Any

import pytest

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success

pytest.importorskip("pydantic_ai", reason="pydantic-ai is a test dependency (pydantic-ai-slim)")

from pydantic_ai import Agent, RunContext
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from spice_errors.integrations import pydantic_ai

BAD_ID = SpiceError.validation_error("Not an order id", "order_id", "o-<n>")


def _returns(messages: list[ModelMessage]) -> list[ToolReturnPart]:
    return [
        part
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]


def _model_that_fixes_its_call(messages: list[ModelMessage], _info: AgentInfo) -> ModelResponse:
    """Call with a bad id, then, told why, with a good one; then answer with the value."""
    returned = _returns(messages)
    if not returned:
        return ModelResponse(parts=[ToolCallPart("quantity", {"order_id": "7"})])
    if returned[-1].outcome == "retried":
        return ModelResponse(parts=[ToolCallPart("quantity", {"order_id": "o-7"})])
    return ModelResponse(parts=[TextPart(f"quantity is {returned[-1].content}")])


def _agent() -> Agent[None, str]:
    agent: Agent[None, str] = Agent(FunctionModel(_model_that_fixes_its_call))

    @agent.tool
    @pydantic_ai.tool
    async def quantity(ctx: RunContext[None], order_id: str) -> SpiceResult[int]:
        """How many items an order holds."""
        assert ctx.retry in {0, 1}
        return Success(3) if order_id.startswith("o-") else Failure(BAD_ID)

    return agent


async def test_a_recoverable_failure_is_read_by_the_model_which_calls_again() -> None:
    """ModelRetry carries for_model(): the model sees it, fixes the id and gets the value."""
    result = await _agent().run("How many items in order 7?")
    assert "quantity is 3" == result.output
    retried = [part for part in _returns(result.all_messages()) if part.outcome == "retried"]
    assert [BAD_ID.for_model()] == [part.content for part in retried]


async def test_an_unrecoverable_failure_ends_the_run_with_the_error() -> None:
    """A person must act: the run stops, and the caller catches the error's SpiceException."""
    model = FunctionModel(lambda _messages, _info: ModelResponse(parts=[ToolCallPart("pay", {})]))
    agent = Agent(model)
    expired = SpiceError.auth_error("Token expired", "billing")

    @agent.tool_plain
    @pydantic_ai.tool
    def pay() -> SpiceResult[str]:
        """Pay the invoice."""
        return Failure(expired)

    with pytest.raises(se.SpiceException) as stopped:
        await agent.run("Pay it")
    assert expired == stopped.value.error


async def test_a_raised_spice_exception_is_handled_like_a_returned_failure() -> None:
    """Early return with get_or_raise(): a recoverable error still goes back to the model."""
    calls: list[str] = []

    @pydantic_ai.tool
    def quantity(order_id: str) -> SpiceResult[int]:
        calls.append(order_id)
        if not order_id.startswith("o-"):
            raise BAD_ID.to_exception()
        return Success(3)

    agent = Agent(FunctionModel(_model_that_fixes_its_call))
    agent.tool_plain(quantity)
    assert "quantity is 3" == (await agent.run("How many?")).output
    assert ["7", "o-7"] == calls


async def test_the_framework_sees_the_success_type_and_parameters() -> None:
    """TestModel calls the tool from its schema; no "unsupported return type" warning."""
    agent = Agent(TestModel())

    @agent.tool_plain
    @pydantic_ai.tool
    def stock(sku: str, warehouse: int = 1) -> SpiceResult[dict[str, int]]:
        """Items in stock."""
        return Success({sku: warehouse})

    assert '{"stock":{"a":1}}' == (await agent.run("How many?")).output
    tool: Any = agent._function_toolset.tools["stock"]
    assert {"sku", "warehouse"} == set(tool.function_schema.json_schema["properties"])
    assert "object" == tool.function_schema.return_schema["type"]


def test_the_decorated_function_returns_the_value() -> None:
    """Called directly, the wrapped tool is a plain function of the value."""

    @pydantic_ai.tool
    def stock(sku: str) -> SpiceResult[int]:
        return Success(len(sku))

    assert 3 == stock("abc")
    assert int is stock.__annotations__["return"]
