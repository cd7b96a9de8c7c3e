"""Immutable error values: the sealed `SpiceError` hierarchy.

The tree, with each type's code:

    SpiceError                      (sealed, never instantiated itself)
    ├── AgentError                  AGENT_ERROR
    ├── CommError                   COMM_ERROR
    ├── ExecutionError              EXECUTION_ERROR
    ├── ToolError                   TOOL_ERROR
    ├── ToolLookupError             TOOL_LOOKUP_ERROR
    ├── ConfigurationError          CONFIG_ERROR
    ├── ValidationError             VALIDATION_ERROR
    ├── NetworkError                NETWORK_ERROR
    ├── TimeoutError                TIMEOUT_ERROR
    ├── AuthenticationError         AUTH_ERROR
    ├── RateLimitError              RATE_LIMIT_ERROR
    ├── SerializationError          SERIALIZATION_ERROR
    ├── CheckpointError             CHECKPOINT_ERROR
    ├── RoutingError                ROUTING_ERROR
    ├── RetryableError              RETRYABLE_ERROR
    └── UnknownError                UNKNOWN_ERROR

    SpiceException(Exception)       carries a SpiceError through ``raise``

Errors are values, not exceptions: functions return them (usually inside a
``Failure``), and `to_exception` turns one into an exception when it
has to be raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import ClassVar, Final, Literal, TypeAlias, cast, final, get_args

import attrs

from spice_errors._base import SpiceError, sealed, shown_fields
from spice_errors._exception import SpiceException
from spice_errors._fast_init import prepare
from spice_errors._hint import RetryHint
from spice_errors._kinds import (
    DURATION,
    ERRORS,
    HINT,
    INPUT,
    NAME,
    NAMES,
    STATUS,
    URL,
    VALUE,
)
from spice_errors._namespace import Leaf


def _as_names(names: Iterable[str]) -> tuple[str, ...]:
    """A names field's attrs converter: any iterable of ``str``, kept as a tuple.

    attrs does not make the ``__init__`` (`_fast_init` does, checking each item as
    `spice_errors._kinds.names_tuple` says); the converter tells type checkers, and
    anything reading the attrs fields, what the field takes.
    """
    return tuple(names)


def _as_errors(errors: Iterable[ValidationError]) -> tuple[ValidationError, ...]:
    """``ValidationError.errors``' attrs converter: any iterable of them, kept as a tuple.

    As `_as_names`; the generated ``__init__`` checks each item (`_kinds.errors_tuple`).
    """
    return tuple(errors)


__all__ = [
    "ALL_TYPES",
    "BY_CODE",
    "AgentError",
    "AnySpiceError",
    "AuthenticationError",
    "CheckpointError",
    "CommError",
    "ConfigurationError",
    "ExecutionError",
    "NetworkError",
    "RateLimitError",
    "RetryHint",
    "RetryableError",
    "RoutingError",
    "SerializationError",
    "SpiceError",
    "SpiceException",
    "ToolError",
    "ToolLookupError",
    "UnknownError",
    "ValidationError",
    "shown_fields",
]

_DETAIL_LIMIT: Final = 10


def _name_list(message: str, label: str, names: tuple[str, ...]) -> str:
    if not names:
        return f"{message}. No {label} are available."
    shown = ", ".join(names[:_DETAIL_LIMIT])
    more = len(names) - _DETAIL_LIMIT
    suffix = f" ... and {more} more" if more > 0 else ""
    return f"{message}. Available {label}: {shown}{suffix}"


@final
@sealed
class AgentError(Leaf, SpiceError):
    """An agent failed to process a communication, to start, or is in a bad state."""

    code: ClassVar[Literal["AGENT_ERROR"]] = "AGENT_ERROR"
    agent_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class CommError(Leaf, SpiceError):
    """A communication was malformed, could not be routed or was not delivered."""

    code: ClassVar[Literal["COMM_ERROR"]] = "COMM_ERROR"
    comm: object = attrs.field(default=None, kw_only=True, metadata=VALUE)


@final
@sealed
class ExecutionError(Leaf, SpiceError):
    """Running a graph or one of its nodes failed; also what exhausted retries return."""

    code: ClassVar[Literal["EXECUTION_ERROR"]] = "EXECUTION_ERROR"
    graph_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    node_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class ToolError(Leaf, SpiceError):
    """A tool ran and failed."""

    code: ClassVar[Literal["TOOL_ERROR"]] = "TOOL_ERROR"
    tool_name: str = attrs.field(kw_only=True, metadata=NAME)


@final
@sealed
class ToolLookupError(Leaf, SpiceError):
    """A tool was asked for by name and not found."""

    code: ClassVar[Literal["TOOL_LOOKUP_ERROR"]] = "TOOL_LOOKUP_ERROR"
    tool_name: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    namespace: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    available_tools: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, metadata=NAMES, converter=_as_names
    )

    def detailed_message(self) -> str:
        """The message followed by at most 10 of the available tools' names.

        Examples:
            >>> SpiceError.tool_lookup_error(
            ...     "No tool 'add'", "add", None, ["sum", "mul"]
            ... ).detailed_message()
            "No tool 'add'. Available tools: sum, mul"
        """
        return _name_list(self.message, "tools", self.available_tools)


@final
@sealed
class ConfigurationError(Leaf, SpiceError):
    """Configuration is missing or invalid; also a missing optional dependency."""

    code: ClassVar[Literal["CONFIG_ERROR"]] = "CONFIG_ERROR"
    field: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class ValidationError(Leaf, SpiceError):
    """Input did not match what was expected. An HTTP 400 or 422."""

    code: ClassVar[Literal["VALIDATION_ERROR"]] = "VALIDATION_ERROR"
    field: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    expected_type: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    actual_value: object = attrs.field(default=None, kw_only=True, metadata=INPUT)
    errors: tuple[ValidationError, ...] = attrs.field(
        default=(), kw_only=True, metadata=ERRORS, converter=_as_errors
    )
    """Every problem found, in order, when there were several (`collect_all`); any
    iterable of `ValidationError` is accepted and kept as a tuple.

    .. versionadded:: 0.2.0
    """


@final
@sealed
class NetworkError(Leaf, SpiceError):
    """A request failed on the way (DNS, connect, TLS, read) or the server answered an error."""

    code: ClassVar[Literal["NETWORK_ERROR"]] = "NETWORK_ERROR"
    status_code: int | None = attrs.field(default=None, kw_only=True, metadata=STATUS)
    endpoint: str | None = attrs.field(default=None, kw_only=True, metadata=URL)


@final
@sealed
class TimeoutError(Leaf, SpiceError):  # noqa: A001 -- the contract's name; left out of `__all__` of the package
    """An operation did not finish in time."""

    code: ClassVar[Literal["TIMEOUT_ERROR"]] = "TIMEOUT_ERROR"
    timeout_ms: int | None = attrs.field(default=None, kw_only=True, metadata=DURATION)
    operation: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class AuthenticationError(Leaf, SpiceError):
    """Credentials are missing, invalid, expired or lack a permission (HTTP 401, 403)."""

    code: ClassVar[Literal["AUTH_ERROR"]] = "AUTH_ERROR"
    provider: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class RateLimitError(Leaf, SpiceError):
    """Too many requests (HTTP 429); ``retry_after_ms`` says how long to wait."""

    code: ClassVar[Literal["RATE_LIMIT_ERROR"]] = "RATE_LIMIT_ERROR"
    retry_after_ms: int | None = attrs.field(default=None, kw_only=True, metadata=DURATION)
    limit_type: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class SerializationError(Leaf, SpiceError):
    """Data could not be encoded or decoded; ``format`` names the format."""

    code: ClassVar[Literal["SERIALIZATION_ERROR"]] = "SERIALIZATION_ERROR"
    format: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class CheckpointError(Leaf, SpiceError):
    """A checkpoint could not be saved or restored."""

    code: ClassVar[Literal["CHECKPOINT_ERROR"]] = "CHECKPOINT_ERROR"
    checkpoint_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@sealed
class RoutingError(Leaf, SpiceError):
    """A result could not be routed to a target."""

    code: ClassVar[Literal["ROUTING_ERROR"]] = "ROUTING_ERROR"
    engine_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    result_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    node_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    available_targets: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, metadata=NAMES, converter=_as_names
    )

    def detailed_message(self) -> str:
        """The message followed by at most 10 of the available targets' names."""
        return _name_list(self.message, "targets", self.available_targets)


@final
@sealed
class RetryableError(Leaf, SpiceError):
    """A failure known to be worth retrying, possibly with a `RetryHint`."""

    code: ClassVar[Literal["RETRYABLE_ERROR"]] = "RETRYABLE_ERROR"
    status_code: int | None = attrs.field(default=None, kw_only=True, metadata=STATUS)
    error_code: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    retry_hint: RetryHint | None = attrs.field(default=None, kw_only=True, metadata=HINT)

    def has_retry_after_hint(self) -> bool:
        """Tell whether the hint asks for a specific wait."""
        return self.retry_hint is not None and self.retry_hint.retry_after_ms is not None

    def suggested_retry_delay_ms(self) -> int | None:
        """The wait the hint asks for, in milliseconds, or ``None``."""
        return None if self.retry_hint is None else self.retry_hint.retry_after_ms


@final
@sealed
class UnknownError(Leaf, SpiceError):
    """Anything that fits no other type; ``context["exception_type"]`` names its origin."""

    code: ClassVar[Literal["UNKNOWN_ERROR"]] = "UNKNOWN_ERROR"


AnySpiceError: TypeAlias = (
    AgentError
    | CommError
    | ExecutionError
    | ToolError
    | ToolLookupError
    | ConfigurationError
    | ValidationError
    | NetworkError
    | TimeoutError
    | AuthenticationError
    | RateLimitError
    | SerializationError
    | CheckpointError
    | RoutingError
    | RetryableError
    | UnknownError
)
"""The union of the 16 error types: match over it and type checkers prove you covered all."""

ALL_TYPES: Final = cast("tuple[type[AnySpiceError], ...]", get_args(AnySpiceError))
"""The 16 types, in the order of the tree (from `AnySpiceError`)."""
BY_CODE: Final[Mapping[str, type[AnySpiceError]]] = MappingProxyType(
    {cls.code: cls for cls in ALL_TYPES}
)
"""Each code's type."""


def _abstract_init(_self: SpiceError, *_args: object, **_kwargs: object) -> None:
    msg = (
        "SpiceError is the sealed base of the error hierarchy and is never built "
        "itself; build one of its 16 types, e.g. SpiceError.unknown_error(message)."
    )
    raise TypeError(msg)


def _finish_all() -> None:
    setattr(SpiceError, "__init__", _abstract_init)  # noqa: B010 -- mypy forbids assigning to a method
    for cls in ALL_TYPES:
        prepare(cls, SpiceError.__hash__)
        setattr(SpiceError, cls.__name__, cls)


_finish_all()
