"""JSON-RPC 2.0 errors: the code table, to_error and from_error, real SDK answers included.

The foreign answers are the ``mcp`` SDK's own (version 2.3), made by a real server: an
MCP server in a child process over stdio, and in memory through ``mcp.Client``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import jsonrpc
from spice_errors._errors import ALL_TYPES
from tests.strategies import errors

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def test_every_type_has_its_own_code() -> None:
    """JSON-RPC's four where they fit; the other 12 in -32099..-32000, all distinct."""
    assert {cls.code for cls in ALL_TYPES} == set(jsonrpc.CODES)
    assert 16 == len(set(jsonrpc.CODES.values()))
    assert -32700 == jsonrpc.CODES["SERIALIZATION_ERROR"]
    assert -32601 == jsonrpc.CODES["TOOL_LOOKUP_ERROR"]
    assert -32602 == jsonrpc.CODES["VALIDATION_ERROR"]
    assert -32603 == jsonrpc.CODES["UNKNOWN_ERROR"]
    standard = {"SERIALIZATION_ERROR", "TOOL_LOOKUP_ERROR", "VALIDATION_ERROR", "UNKNOWN_ERROR"}
    others = {code: number for code, number in jsonrpc.CODES.items() if code not in standard}
    assert 12 == len(others)
    assert all(-32099 <= number <= -32000 for number in others.values())
    # clear of what the MCP specification gives that range
    assert not {-32000, -32001, -32020, -32021, -32022, -32042} & set(others.values())


def test_the_codes_are_documented() -> None:
    """The reference page lists each code beside its type."""
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "reference" / "agent-tools.md").read_text(
        encoding="utf-8"
    )
    for code, number in jsonrpc.CODES.items():
        assert f"| `{code}` | {number} |" in page, code


def test_an_error_object_carries_the_public_problem() -> None:
    """code from the table, message the problem's detail, data the problem itself."""
    error = se.SpiceError.validation_error("Bad date", "when", "date")
    assert {
        "code": -32602,
        "message": "Bad date",
        "data": se.http.to_problem(error),
    } == jsonrpc.to_error(error)


def test_a_server_failure_shows_nothing_internal() -> None:
    """A 5xx's message and data are the fixed public sentence, not the internal text."""
    wire = jsonrpc.to_error(se.SpiceError.config_error("pool db.internal:5432 exhausted"))
    assert -32054 == wire["code"]
    assert "db.internal" not in json.dumps(wire)
    assert "The server could not complete the request." == wire["message"]


@given(errors)
def test_every_error_comes_back_as_its_type(error: se.AnySpiceError) -> None:
    """to_error then from_error: the same type and code, marked received, through JSON too."""
    wire = jsonrpc.to_error(error)
    for sent in (wire, json.dumps(wire), {"jsonrpc": "2.0", "id": 1, "error": wire}):
        back = jsonrpc.from_error(sent)
        assert type(error) is type(back)
        assert error.code == back.code
        assert back.context["received"] is True


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (-32700, se.SerializationError),
        (-32600, se.ValidationError),
        (-32602, se.ValidationError),
        (-32601, se.ToolLookupError),
        (-32603, se.UnknownError),
        (-32000, se.UnknownError),
        (-32058, se.UnknownError),  # our code without our problem: read as another party's
        (1234, se.UnknownError),
    ],
)
def test_another_partys_error_is_read_by_its_code(code: int, cls: type[se.SpiceError]) -> None:
    """Message kept; code, data and the envelope's id go to context."""
    envelope = {"jsonrpc": "2.0", "id": "r-1", "error": {"code": code, "message": "No", "data": 5}}
    error = jsonrpc.from_error(envelope)
    assert cls is type(error)
    assert "No" == error.message
    assert {"jsonrpc_code": code, "jsonrpc_data": 5, "jsonrpc_id": "r-1", "received": True} == dict(
        error.context
    )


def test_a_problem_of_our_type_without_a_code_is_ours() -> None:
    """Data whose ``type`` is under ``type_base`` picks the type, as from_problem reads it."""
    data = {"type": "https://api.example/problems/rate_limit_error", "detail": "Slow down"}
    wire = {"code": -32058, "message": "Slow down", "data": data}
    assert isinstance(jsonrpc.from_error(wire), se.UnknownError)
    error = jsonrpc.from_error(wire, type_base="https://api.example/problems/")
    assert isinstance(error, se.RateLimitError)
    assert "Slow down" == error.message


def test_a_bare_error_object_has_no_id_and_an_empty_message_a_default() -> None:
    """No envelope, no id; a message that is empty or not text is replaced."""
    error = jsonrpc.from_error({"code": -32601, "message": ""})
    assert "JSON-RPC error -32601" == error.message
    assert {"jsonrpc_code": -32601, "received": True} == dict(error.context)
    assert "JSON-RPC error -32603" == jsonrpc.from_error({"code": -32603, "message": 7}).message
    # an id JSON-RPC does not allow is not kept
    odd = jsonrpc.from_error({"id": [1], "error": {"code": -32603, "message": "x"}})
    assert "jsonrpc_id" not in odd.context


@pytest.mark.parametrize(
    ("given_", "why"),
    [
        ("not json", "got str of length 8, not a JSON object"),
        (b"[1, 2]", "got bytes of length 6, not a JSON object"),
        (None, "got NoneType"),
        (42, "got int"),
        ({"message": "no code"}, "it has no code"),
        ({"code": "-32601", "message": "text code"}, "its code is str, not an int"),
        ({"code": True, "message": "bool code"}, "its code is bool, not an int"),
        ({"jsonrpc": "2.0", "id": 1, "result": {}}, "it has no code"),
        (
            {"jsonrpc": "2.0", "id": 1, "error": "broken"},
            "its error member is str of length 6, not a JSON object",
        ),
        ({"jsonrpc": "2.0", "id": 1, "error": 5}, "its error member is int"),
        (ValueError("no error attribute"), "got NoneType"),
    ],
)
def test_what_is_no_error_object_is_a_serialization_error(given_: object, why: str) -> None:
    """Told in one sentence, format ``json-rpc``, marked received."""
    error = jsonrpc.from_error(given_)
    assert isinstance(error, se.SerializationError)
    assert "json-rpc" == error.format
    assert f"Could not read a JSON-RPC error: {why}" == error.message


def test_an_object_that_breaks_on_reading_is_a_serialization_error() -> None:
    """A model whose attributes raise: the reader still answers, naming what failed."""

    class Broken:
        @property
        def code(self) -> int:
            raise RuntimeError

    error = jsonrpc.from_error(Broken())
    assert isinstance(error, se.SerializationError)
    assert "reading it failed with RuntimeError" in error.message


@given(JSON)
def test_from_error_never_raises_on_json(value: Any) -> None:
    """Any JSON value, as data or as text: an error, never an exception."""
    assert isinstance(jsonrpc.from_error(value), se.SpiceError)
    assert isinstance(jsonrpc.from_error(json.dumps(value)), se.SpiceError)
    assert isinstance(jsonrpc.from_error({"code": -32000, "data": value}), se.SpiceError)


# -- the mcp SDK's own errors --------------------------------------------------------------


def _sdk() -> Any:
    return pytest.importorskip("mcp", reason="the mcp SDK is a test dependency (pip install mcp)")


_STDIO_SERVER = textwrap.dedent(
    """
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("orders")

    @server.tool()
    def add(a: int, b: int) -> int:
        return a + b

    server.run("stdio")
    """
)


def _exchange(requests: list[dict[str, object]]) -> list[dict[str, Any]]:
    """Send JSON-RPC lines to a real MCP server process; its answer to each request."""
    with subprocess.Popen(
        [sys.executable, "-c", _STDIO_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdin is not None
        assert child.stdout is not None
        answers: list[dict[str, Any]] = []
        try:
            for request in requests:
                child.stdin.write(json.dumps(request) + "\n")
                child.stdin.flush()
                if "id" in request:
                    answers.append(json.loads(child.stdout.readline()))
        finally:
            child.stdin.close()
            child.wait(timeout=30)
    return answers


def test_the_real_sdks_envelopes_over_stdio() -> None:
    """-32601 for a method the server lacks, -32602 for an unknown resource, read as such."""
    _sdk()
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t"}}
    answers = _exchange(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "orders/cancel"},
            {"jsonrpc": "2.0", "id": 3, "method": "resources/read", "params": {"uri": "x://7"}},
        ]
    )
    missing, unknown = answers[1], answers[2]
    assert -32601 == missing["error"]["code"]
    lookup = jsonrpc.from_error(missing)
    assert isinstance(lookup, se.ToolLookupError)
    assert missing["error"]["message"] == lookup.message
    assert 2 == lookup.context["jsonrpc_id"]
    assert -32602 == unknown["error"]["code"]
    invalid = jsonrpc.from_error(json.dumps(unknown))
    assert isinstance(invalid, se.ValidationError)
    assert {"uri": "x://7"} == invalid.context["jsonrpc_data"]


async def test_the_real_sdks_error_data_and_mcp_error() -> None:
    """In memory: ErrorData from a server with no prompts, MCPError for a missing resource."""
    mcp = _sdk()
    from mcp.server import Server
    from mcp.server.mcpserver import MCPServer

    async with mcp.Client(Server("bare")) as client:
        with pytest.raises(mcp.MCPError) as no_method:
            await client.list_prompts()
    assert -32601 == no_method.value.error.code
    assert isinstance(jsonrpc.from_error(no_method.value.error), se.ToolLookupError)
    assert isinstance(jsonrpc.from_error(no_method.value), se.ToolLookupError)

    async with mcp.Client(MCPServer("orders")) as client:
        with pytest.raises(mcp.MCPError) as no_resource:
            await client.read_resource("x://7")
    error = jsonrpc.from_error(no_resource.value)
    assert isinstance(error, se.ValidationError)
    assert no_resource.value.error.message == error.message
    assert {"uri": "x://7"} == error.context["jsonrpc_data"]


def test_our_error_in_the_sdks_models_comes_back() -> None:
    """to_error inside the SDK's JSONRPCError and ErrorData models: the same type."""
    mcp = _sdk()
    wire = jsonrpc.to_error(se.SpiceError.rate_limit_error("Slow down", 2000))
    data = mcp.types.ErrorData.model_validate(wire)
    envelope = mcp.types.JSONRPCError(jsonrpc="2.0", id=9, error=data)
    for sent in (data, envelope, envelope.model_dump(mode="json")):
        back = jsonrpc.from_error(sent)
        assert isinstance(back, se.RateLimitError)
        assert 2000 == back.retry_after_ms
