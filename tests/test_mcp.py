"""MCP tool results: to_tool_result, from_tool_result, and se.mcp.tool on the real SDK.

The server and client are the ``mcp`` SDK's own (version 2): an ``MCPServer`` reached in
memory through ``mcp.Client(server)``, as the SDK's documentation shows for tests.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success
from tests.strategies import errors
from tests.test_jsonrpc import JSON


def _sdk() -> Any:
    return pytest.importorskip("mcp", reason="the mcp SDK is a test dependency (pip install mcp)")


# -- to_tool_result / from_tool_result, as data ---------------------------------------------


def test_a_failure_is_a_tool_result_the_model_reads() -> None:
    """isError, one text item holding for_model(), the public problem as structuredContent."""
    error = se.SpiceError.validation_error("Bad date", "when", "date")
    assert {
        "content": [{"type": "text", "text": error.for_model()}],
        "structuredContent": {"error": se.http.to_problem(error)},
        "isError": True,
    } == se.mcp.to_tool_result(error)


def test_a_server_failure_tells_the_model_and_hides_internals_from_the_problem() -> None:
    """The problem of a 5xx holds the public sentence only, as a server's answer does."""
    result = se.mcp.to_tool_result(se.SpiceError.config_error("pool db.internal:5432 exhausted"))
    problem = result["structuredContent"]["error"]  # type: ignore[index]
    assert "db.internal" not in json.dumps(problem)


@given(errors)
def test_every_error_comes_back_as_its_type(error: se.AnySpiceError) -> None:
    """to_tool_result then from_tool_result, as data and through JSON: same type and code."""
    result = se.mcp.to_tool_result(error)
    for sent in (result, json.loads(json.dumps(result))):
        back = se.mcp.from_tool_result(sent).error_or_none()
        assert back is not None
        assert type(error) is type(back)
        assert error.code == back.code
        assert back.context["received"] is True


@given(errors)
def test_the_text_alone_keeps_type_and_code(error: se.AnySpiceError) -> None:
    """A client that drops structuredContent: the first line of for_model() still tells."""
    result = se.mcp.to_tool_result(error)
    del result["structuredContent"]
    back = se.mcp.from_tool_result(result).error_or_none()
    assert back is not None
    assert type(error) is type(back)


def test_a_success_is_its_structured_content_else_its_content() -> None:
    """Structured content wins; without it, the content list as given."""
    content = [{"type": "text", "text": "3"}]
    assert Success({"result": 3}) == se.mcp.from_tool_result(
        {"content": content, "structuredContent": {"result": 3}, "isError": False}
    )
    assert Success(content) == se.mcp.from_tool_result({"content": content})


def test_another_tools_failure_in_words_is_a_tool_error() -> None:
    """Bare text (as the SDK writes for bad arguments) is a ToolError of the tool named."""
    said = {"content": [{"type": "text", "text": "Error executing tool add: b missing"}]}
    error = se.mcp.from_tool_result({**said, "isError": True}, tool_name="add").error_or_none()
    assert se.ToolError("Error executing tool add: b missing", tool_name="add").message == (
        error.message if error is not None else None
    )
    assert isinstance(error, se.ToolError)
    assert "add" == error.tool_name
    assert error.context["received"] is True
    unnamed = se.mcp.from_tool_result({"content": [], "isError": True}).error_or_none()
    assert isinstance(unnamed, se.ToolError)
    assert "unknown" == unnamed.tool_name
    assert "The tool failed and said nothing more." == unnamed.message


def test_a_foreign_problem_is_read_from_the_text() -> None:
    """structuredContent.error that is not ours does not pick a type: the text does."""
    result = {
        "content": [{"type": "text", "text": "TIMEOUT_ERROR: upstream slow"}, {"type": "image"}],
        "structuredContent": {"error": {"type": "https://partner.example/slow"}},
        "isError": True,
    }
    error = se.mcp.from_tool_result(result).error_or_none()
    assert isinstance(error, se.TimeoutError)
    assert "upstream slow" == error.message


@pytest.mark.parametrize(
    ("given_", "why"),
    [
        (None, "got NoneType"),
        ("text", "got str"),
        ({"isError": True}, "got dict"),
        ({"content": [], "isError": "yes"}, "isError is str, not a bool"),
        ({"content": "3", "isError": False}, "it has neither structuredContent nor a content list"),
    ],
)
def test_what_is_no_tool_result_is_a_serialization_error(given_: object, why: str) -> None:
    """Told in one sentence, format ``mcp``, marked received; never raised."""
    result = se.mcp.from_tool_result(given_)
    error = result.error_or_none()
    assert isinstance(error, se.SerializationError)
    assert f"Could not read the tool result: {why}" == error.message
    assert "mcp" == error.format


def test_a_result_that_breaks_on_reading_is_a_serialization_error() -> None:
    """An object whose attributes raise: a failure naming what failed, never an exception."""

    class Broken:
        content = ()

        @property
        def is_error(self) -> bool:
            raise RuntimeError

    error = se.mcp.from_tool_result(Broken()).error_or_none()
    assert isinstance(error, se.SerializationError)
    assert "reading it failed with RuntimeError" in error.message


@given(JSON)
def test_from_tool_result_never_raises_on_json(value: Any) -> None:
    """Any JSON value, or any JSON as a result's members: a result, never an exception."""
    for result in (
        value,
        {"content": value, "isError": True},
        {"content": [], "structuredContent": {"error": value}, "isError": True},
        {"content": [{"type": "text", "text": value}], "isError": True},
    ):
        assert isinstance(se.mcp.from_tool_result(result), Success | Failure)


@given(st.text())
def test_from_tool_result_never_raises_on_text(text: str) -> None:
    """Whatever a tool wrote: an error with that text, never an exception."""
    result = {"content": [{"type": "text", "text": text}], "isError": True}
    assert isinstance(se.mcp.from_tool_result(result).error_or_none(), se.SpiceError)


# -- se.mcp.tool on a real MCPServer, in memory ---------------------------------------------


def _server() -> Any:
    _sdk()
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("orders")

    @server.tool()
    @se.mcp.tool
    def quantity(order_id: str) -> SpiceResult[int]:
        """How many items an order holds."""
        if not order_id.startswith("o-"):
            return Failure(SpiceError.validation_error("Not an order id", "order_id", "o-<n>"))
        return Success(3)

    @server.tool()
    @se.mcp.tool
    async def cancel(order_id: str, reason: str = "asked") -> SpiceResult[dict[str, str]]:
        """Cancel an order."""
        if order_id == "o-9":
            raise SpiceError.auth_error("Token expired", "billing").to_exception()
        return Success({"cancelled": order_id, "reason": reason})

    @server.tool()
    @se.mcp.tool
    def crash() -> SpiceResult[int]:
        """A tool with a bug."""
        raise KeyError("postgres://admin:hunter2@db.internal/shop")

    return server


async def _call(name: str, arguments: dict[str, object]) -> Any:
    mcp = _sdk()
    async with mcp.Client(_server()) as client:
        return await client.call_tool(name, arguments)


async def test_the_sdk_sees_the_parameters_and_the_success_type() -> None:
    """Input schema from fn's parameters, output schema from the T of SpiceResult[T]."""
    mcp = _sdk()
    async with mcp.Client(_server()) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    quantity, cancel = tools["quantity"], tools["cancel"]
    assert "How many items an order holds." == quantity.description
    assert ["order_id"] == quantity.input_schema["required"]
    assert {"type": "integer"} == {"type": quantity.output_schema["properties"]["result"]["type"]}
    assert {"order_id", "reason"} == set(cancel.input_schema["properties"])
    assert {"type": "string"} == cancel.output_schema["additionalProperties"]


async def test_a_success_returns_its_value() -> None:
    """The model reads the value; the structured content is the SDK's for an int."""
    result = await _call("quantity", {"order_id": "o-1"})
    assert result.is_error is False
    assert {"result": 3} == result.structured_content
    assert Success({"result": 3}) == se.mcp.from_tool_result(result)
    cancelled = await _call("cancel", {"order_id": "o-1"})
    assert {"cancelled": "o-1", "reason": "asked"} == cancelled.structured_content


async def test_a_returned_failure_is_a_tool_result_with_the_problem() -> None:
    """isError, the for_model() text, the problem; read back as the same error type."""
    error = SpiceError.validation_error("Not an order id", "order_id", "o-<n>")
    result = await _call("quantity", {"order_id": "x"})
    assert result.is_error is True
    assert [error.for_model()] == [item.text for item in result.content]
    assert {"error": se.http.to_problem(error)} == result.structured_content
    back = se.mcp.from_tool_result(result).error_or_none()
    assert isinstance(back, se.ValidationError)
    assert ("VALIDATION_ERROR", "order_id") == (back.code, back.field)


async def test_a_raised_spice_exception_is_a_tool_result_too() -> None:
    """An async tool raising SpiceException: the model reads that a person must act."""
    result = await _call("cancel", {"order_id": "o-9"})
    assert result.is_error is True
    assert result.content[0].text.startswith("AUTH_ERROR: Token expired\nRetry: no;")
    assert "AUTH_ERROR" == result.structured_content["error"]["code"]
    assert isinstance(se.mcp.from_tool_result(result).error_or_none(), se.AuthenticationError)


async def test_a_crash_is_left_to_the_sdk_which_hides_its_text() -> None:
    """Any other exception: the SDK's generic failure, no word of the database URL."""
    result = await _call("crash", {})
    assert result.is_error is True
    assert "hunter2" not in result.model_dump_json()
    assert "db.internal" not in result.model_dump_json()


async def test_bad_arguments_are_a_tool_result_the_sdk_writes() -> None:
    """Arguments that fail the input schema never reach fn: a tool result, not a protocol error."""
    result = await _call("quantity", {"order_id": 5})
    assert result.is_error is True
    error = se.mcp.from_tool_result(result, tool_name="quantity").error_or_none()
    assert isinstance(error, se.ToolError)
    assert "quantity" == error.tool_name


def test_a_tool_returning_no_result_is_a_type_error() -> None:
    """Annotated or not, what fn returns must be a SpiceResult: a TypeError names the tool."""
    _sdk()

    def untyped():  # type: ignore[no-untyped-def]  # noqa: ANN202 -- the point is no annotation
        return 3

    wrapped: Any = se.mcp.tool(untyped)
    with pytest.raises(TypeError, match=r"tool .*untyped returned int, not a SpiceResult"):
        wrapped()


def test_a_tool_annotated_to_return_no_result_is_refused() -> None:
    """The mistake shows when the tool is defined, not when the model first calls it."""
    _sdk()

    def plain() -> int:
        return 3

    with pytest.raises(TypeError, match=r"must be annotated to return a SpiceResult, not <class"):
        se.mcp.tool(plain)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]


def test_without_the_sdk_the_decorator_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An ImportError naming the extra; the data functions work without the SDK."""
    monkeypatch.setitem(sys.modules, "mcp", None)
    monkeypatch.setitem(sys.modules, "mcp.types", None)

    def quantity() -> SpiceResult[int]:
        return Success(3)

    with pytest.raises(ImportError, match=r"pip install 'spice-errors\[mcp\]'"):
        se.mcp.tool(quantity)
    assert se.mcp.to_tool_result(se.UnknownError("x"))["isError"] is True
