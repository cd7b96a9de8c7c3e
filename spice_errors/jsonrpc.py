"""JSON-RPC 2.0 errors: an error as a JSON-RPC error object, and back.

`to_error` writes ``{"code", "message", "data"}`` with ``data`` the public problem
document of `spice_errors.http.to_problem`, so nothing internal leaves the server; the
code comes from `CODES`. `from_error` reads an error object, a whole response envelope,
a line of JSON text, or the ``mcp`` SDK's ``ErrorData`` (and its ``MCPError``), and never
raises.

The codes: JSON-RPC's own where one fits (parse error, method not found, invalid
params, internal error), and for the other 12 types a block of the range JSON-RPC leaves
to servers (-32099 to -32000), from -32050 to -32061. The block keeps clear of the
codes the MCP specification gives that range (-32000 connection closed, -32001 request
timeout, -32020 to -32022, -32042 URL elicitation required).

Examples:
    >>> from spice_errors import jsonrpc
    >>> wire = jsonrpc.to_error(SpiceError.tool_lookup_error("No tool 'sum'", "sum"))
    >>> wire["code"], wire["message"], wire["data"]["code"]
    (-32601, "No tool 'sum'", 'TOOL_LOOKUP_ERROR')
    >>> type(jsonrpc.from_error(wire)).__name__
    'ToolLookupError'
    >>> envelope = {"jsonrpc": "2.0", "id": 7, "error": {"code": -32601, "message": "No method"}}
    >>> error = jsonrpc.from_error(envelope)
    >>> type(error).__name__, error.message, error.context["jsonrpc_id"]
    ('ToolLookupError', 'No method', 7)

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, cast

from spice_errors._errors import (
    AnySpiceError,
    SerializationError,
    SpiceError,
    ToolLookupError,
    UnknownError,
    ValidationError,
)
from spice_errors._problems import from_problem, to_problem
from spice_errors._response import json_object
from spice_errors._text import RECEIVED, is_int, show_public_path, type_name
from spice_errors._tools import our_problem

__all__ = ["CODES", "from_error", "to_error"]

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
METHOD_NOT_FOUND: Final = -32601
INVALID_PARAMS: Final = -32602
INTERNAL_ERROR: Final = -32603

CODES: Final[Mapping[str, int]] = MappingProxyType(
    {
        "SERIALIZATION_ERROR": PARSE_ERROR,  # the request could not be read
        "TOOL_LOOKUP_ERROR": METHOD_NOT_FOUND,  # no such tool or method
        "VALIDATION_ERROR": INVALID_PARAMS,  # the arguments are wrong
        "UNKNOWN_ERROR": INTERNAL_ERROR,  # a failure with no better name
        "AGENT_ERROR": -32050,
        "COMM_ERROR": -32051,
        "EXECUTION_ERROR": -32052,
        "TOOL_ERROR": -32053,
        "CONFIG_ERROR": -32054,
        "NETWORK_ERROR": -32055,
        "TIMEOUT_ERROR": -32056,
        "AUTH_ERROR": -32057,
        "RATE_LIMIT_ERROR": -32058,
        "CHECKPOINT_ERROR": -32059,
        "ROUTING_ERROR": -32060,
        "RETRYABLE_ERROR": -32061,
    }
)
"""The JSON-RPC code `to_error` gives each error code."""

# What another party's codes mean, when its data is not one of our problems.
_BY_NUMBER: Final[
    Mapping[int, type[SerializationError | ValidationError | ToolLookupError | UnknownError]]
] = MappingProxyType(
    {
        PARSE_ERROR: SerializationError,
        INVALID_REQUEST: ValidationError,
        INVALID_PARAMS: ValidationError,
        METHOD_NOT_FOUND: ToolLookupError,
    }
)


def to_error(error: SpiceError, *, type_base: str = "urn:spice-errors:") -> dict[str, object]:
    """``error`` as a JSON-RPC 2.0 error object: ``{"code", "message", "data"}``.

    ``code`` is the error's in `CODES`; ``data`` its public problem document
    (`spice_errors.http.to_problem` with ``type_base``) and ``message`` that document's
    ``detail``: the redacted message of an error the caller can fix, a fixed sentence
    for a failure of the server's own, so the message shows no more than the data.

    .. versionadded:: 0.2.0
    """
    problem = to_problem(error, type_base=type_base)
    return {"code": CODES[error.code], "message": problem["detail"], "data": problem}


def from_error(obj: object, *, type_base: str = "urn:spice-errors:") -> AnySpiceError:
    """The error a JSON-RPC error describes (an error, not a result). Never raises.

    ``obj`` is an error object (``{"code", "message", "data"?}``), a whole response
    envelope (``{"jsonrpc", "id", "error"}``), either as JSON text, or the ``mcp`` SDK's
    ``ErrorData``, ``JSONRPCError`` or ``MCPError``. One of ours (``data`` a problem with
    one of the 16 codes, or a ``type`` under ``type_base``) comes back as its own type
    through `spice_errors.http.from_problem`. Another party's is read by its code:
    -32700 is a `SerializationError`, -32600 and -32602 a `ValidationError`, -32601 a
    `ToolLookupError`, anything else an `UnknownError`; its message is kept, and its
    code, ``data`` and the envelope's ``id`` go to context (``jsonrpc_code``,
    ``jsonrpc_data``, ``jsonrpc_id``). What is no JSON-RPC error at all is a
    `SerializationError` saying what arrived. Every error is marked received.

    .. versionadded:: 0.2.0
    """
    try:
        return _from_error(obj, type_base)
    except Exception as failure:  # noqa: BLE001 -- the contract: never raise
        return _unreadable(f"reading it failed with {type(failure).__name__}")


def _from_error(obj: object, type_base: str) -> AnySpiceError:
    found = _error_object(obj)
    if isinstance(found, str):
        return _unreadable(found)
    error, request_id = found
    if "code" not in error:
        return _unreadable("it has no code")
    code = error.get("code")
    if not is_int(code):
        return _unreadable(f"its code is {type_name(code)}, not an int")
    message = error.get("message")
    data = error.get("data")
    if our_problem(data, type_base) is not None:
        return from_problem(data, type_base=type_base)
    context: dict[str, object] = {"jsonrpc_code": code}
    if "data" in error:
        context["jsonrpc_data"] = data
    if request_id is not None:
        context["jsonrpc_id"] = request_id
    context[RECEIVED] = True
    cls = _BY_NUMBER.get(code, UnknownError)
    text = message if isinstance(message, str) and message else f"JSON-RPC error {code}"
    return cls(text, context=context)


def _error_object(obj: object) -> tuple[dict[object, object], object] | str:
    """The error object in ``obj`` and the envelope's id (or None); else why there is none."""
    if isinstance(obj, BaseException):
        obj = getattr(obj, "error", None)  # the mcp SDK's MCPError carries its ErrorData
    data = _members(obj)
    if data is None:
        return f"got {_describe(obj)}"
    inner = data.get("error")
    if "code" in data or inner is None:
        return data, None
    inner_data = _members(inner)
    if inner_data is None:
        return f"its error member is {_describe(inner)}"
    return inner_data, _id(data.get("id"))


def _members(obj: object) -> dict[object, object] | None:
    if isinstance(obj, str | bytes | bytearray | Mapping):
        return json_object(cast("object", obj), "json")
    return _model_fields(obj)


def _model_fields(obj: object) -> dict[object, object] | None:
    """The fields of an SDK model (``ErrorData``, ``JSONRPCError``), read, not imported."""
    if obj is None or not (hasattr(obj, "code") or hasattr(obj, "error")):
        return None
    names = ("code", "message", "data", "error", "id")
    return {name: getattr(obj, name) for name in names if hasattr(obj, name)}


def _id(value: object) -> object:
    """A request id as JSON-RPC allows it: a str or an int; anything else is not kept."""
    return value if isinstance(value, str) or is_int(value) else None


def _unreadable(why: str) -> SerializationError:
    return SerializationError(
        f"Could not read a JSON-RPC error: {why}", format="json-rpc", context={RECEIVED: True}
    )


def _describe(obj: object) -> str:
    if isinstance(obj, str | bytes | bytearray):
        return f"{type(obj).__name__} of length {len(obj)}, not a JSON object"
    return type_name(obj)


show_public_path(globals(), __all__)
del show_public_path
