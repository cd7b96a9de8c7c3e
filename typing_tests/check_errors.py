"""Type-checked, never run: what mypy and pyright must infer for the error API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Literal, assert_never, assert_type

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success

# -- each factory returns its own precise type ------------------------------------------
assert_type(SpiceError.agent_error("m", "agent"), se.AgentError)
assert_type(SpiceError.comm_error("m", object()), se.CommError)
assert_type(SpiceError.execution_error("m", "g", "n"), se.ExecutionError)
assert_type(SpiceError.tool_error("m", "calculator"), se.ToolError)
assert_type(SpiceError.tool_lookup_error("m", "t", "ns", ["a"]), se.ToolLookupError)
assert_type(SpiceError.config_error("m", "field"), se.ConfigurationError)
assert_type(SpiceError.validation_error("m", "f", "int", 3), se.ValidationError)
assert_type(SpiceError.network_error("m", 503, "/e"), se.NetworkError)
assert_type(SpiceError.timeout_error("m", 100, "op"), se.TimeoutError)
assert_type(SpiceError.auth_error("m", "provider"), se.AuthenticationError)
assert_type(SpiceError.rate_limit_error("m", 1000, "rpm"), se.RateLimitError)
assert_type(SpiceError.serialization_error("m", "json"), se.SerializationError)
assert_type(SpiceError.checkpoint_error("m", "c"), se.CheckpointError)
assert_type(SpiceError.routing_error("m", "e", "r", "n", ["t"]), se.RoutingError)
assert_type(SpiceError.retryable_error("m", 503, "E", se.RetryHint()), se.RetryableError)
assert_type(SpiceError.retryable_http_error(503, "m", 2.0), se.RetryableError)
assert_type(SpiceError.unknown_error("m"), se.UnknownError)

# -- errors built from outside data are the union ---------------------------------------
assert_type(se.from_exception(ValueError()), se.AnySpiceError)
assert_type(SpiceError.from_exception(ValueError()), se.AnySpiceError)
assert_type(se.SpiceException(se.UnknownError("m")).error, se.AnySpiceError)

# -- with_context gives back the same subtype -------------------------------------------
assert_type(se.NetworkError("m").with_context(retry_count=3), se.NetworkError)
assert_type(se.RateLimitError("m").with_context({"x-request-id": "abc"}), se.RateLimitError)
assert_type(SpiceError.tool_error("m", "t").with_context({"a": 1}, b=2), se.ToolError)

# -- context values are objects: code narrows them before use ---------------------------
assert_type(se.NetworkError("m").context, Mapping[str, object])
assert_type(se.UnknownError("m").to_exception().context, Mapping[str, object])
se.NetworkError("m").context["k"].upper()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


def connect_phase(error: se.AnySpiceError) -> bool:
    """A comparison of a context value is a bool, not Any (mypy: no "returning Any")."""
    return error.context["phase"] == "connect"


def phase_text(error: se.AnySpiceError) -> str:
    """A value used as text is narrowed first."""
    phase = error.context.get("phase")
    return phase.upper() if isinstance(phase, str) else ""


# -- fields have their declared types ---------------------------------------------------
assert_type(se.NetworkError("m").status_code, int | None)
assert_type(se.RateLimitError("m").retry_after_ms, int | None)
assert_type(se.ToolLookupError("m").available_tools, tuple[str, ...])
assert_type(se.ToolError("m", tool_name="t").tool_name, str)
assert_type(se.UnknownError("m").code, Literal["UNKNOWN_ERROR"])
assert_type(se.UnknownError("m").timestamp, int)
assert_type(se.RetryHint.from_duration(timedelta(seconds=1)).retry_after, timedelta | None)
assert_type(se.RetryableError("m").suggested_retry_delay_ms(), int | None)
assert_type(se.UnknownError("m").to_exception(), se.SpiceException)

# -- SpiceError.<Name> is the class itself ----------------------------------------------
error_class: type[se.RateLimitError] = SpiceError.RateLimitError
typed_as_nested: SpiceError.NetworkError = se.NetworkError("m")


def exhaustive(error: se.AnySpiceError) -> str:
    """Every type handled: both checkers accept assert_never in the last case."""
    match error:
        case SpiceError.RateLimitError(retry_after_ms=ms):
            assert_type(ms, int | None)
            return "rate"
        case se.NetworkError(status_code=status):
            assert_type(status, int | None)
            return "network"
        case (
            se.AgentError()
            | se.CommError()
            | se.ExecutionError()
            | se.ToolError()
            | se.ToolLookupError()
            | se.ConfigurationError()
            | se.ValidationError()
            | se.TimeoutError()
            | se.AuthenticationError()
            | se.SerializationError()
            | se.CheckpointError()
            | se.RoutingError()
            | se.RetryableError()
            | se.UnknownError()
        ):
            return error.code
        case _:
            assert_never(error)


def missing_a_case(error: se.AnySpiceError) -> str:
    """UnknownError is not handled: both checkers must reject assert_never."""
    match error:
        case (
            se.AgentError()
            | se.CommError()
            | se.ExecutionError()
            | se.ToolError()
            | se.ToolLookupError()
            | se.ConfigurationError()
            | se.ValidationError()
            | se.NetworkError()
            | se.TimeoutError()
            | se.AuthenticationError()
            | se.RateLimitError()
            | se.SerializationError()
            | se.CheckpointError()
            | se.RoutingError()
            | se.RetryableError()
        ):
            return error.code
        case _:
            assert_never(error)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


# -- what must not type-check -----------------------------------------------------------
se.ToolError("m")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
se.NetworkError("m", status_code="503")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
se.NetworkError("m").message = "changed"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
SpiceError.network_error("m", "503")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def by_match_on_errors(result: SpiceResult[int, se.AnySpiceError]) -> str:
    match result:
        case Success(value):
            return str(value)
        case Failure(SpiceError.RateLimitError(retry_after_ms=ms)):
            assert_type(ms, int | None)
            return "wait"
        case Failure(error):
            return error.code


# -- the tree is sealed for checkers too: no base instances, no subclasses ---------------
SpiceError("x")  # type: ignore[abstract]  # pyright: ignore[reportAbstractUsage]
se.NetworkError("fine")
SpiceError.network_error("fine too")


class MyNetworkError(se.NetworkError):  # type: ignore[misc]  # pyright: ignore[reportGeneralTypeIssues]
    """Refused: each of the 16 types is final."""


class MySuccess(Success[int]):  # type: ignore[misc]  # pyright: ignore[reportGeneralTypeIssues]
    """Refused: the two variants are final."""


class MyFailure(Failure[se.NetworkError]):  # type: ignore[misc]  # pyright: ignore[reportGeneralTypeIssues]
    """Refused: the two variants are final."""


# -- each code is its type's Literal, so comparing it narrows the union --------------------
assert_type(se.TimeoutError("m").code, Literal["TIMEOUT_ERROR"])
assert_type(se.RateLimitError("m").code, Literal["RATE_LIMIT_ERROR"])


def timeout_of(error: se.AnySpiceError) -> int | None:
    """A code comparison narrows: the timeout's own field is there to read."""
    if error.code == "TIMEOUT_ERROR":
        assert_type(error, se.TimeoutError)
        return error.timeout_ms
    return None


def wait_of(error: se.AnySpiceError) -> int | None:
    """A match on the code narrows in the same way."""
    match error.code:
        case "RATE_LIMIT_ERROR":
            return error.retry_after_ms
        case _:
            return None


# -- name lists and nested errors take any iterable, and are tuples --------------------
tools = se.ToolLookupError("No tool", available_tools=["search", "add"])
assert_type(tools.available_tools, tuple[str, ...])
assert_type(
    se.ValidationError(
        "2 problems", errors=[se.ValidationError("a"), se.ValidationError("b")]
    ).errors,
    tuple[se.ValidationError, ...],
)
se.ValidationError("x", errors=[se.NetworkError("down")])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
