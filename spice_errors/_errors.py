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

import time
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Final, Literal, Self, TypeAlias, cast, final, get_args

import attrs

from spice_errors._exception import SpiceException
from spice_errors._fast_init import evolve_context, own_kinds, prepare
from spice_errors._hint import RetryHint
from spice_errors._kinds import (
    DURATION,
    EMPTY,
    HINT,
    INPUT,
    NAME,
    NAMES,
    STATUS,
    URL,
    VALUE,
    Kind,
    check_keys,
)
from spice_errors._namespace import Leaf, Namespace
from spice_errors._redact import (
    MASK,
    is_secret_key,
    redact_mapping,
    redact_text,
    redact_url,
    redact_value,
)

__all__ = [
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
]

_DETAIL_LIMIT: Final = 10
_now_ns = time.time_ns


def _name_list(message: str, label: str, names: tuple[str, ...]) -> str:
    if not names:
        return f"{message}. No {label} are available."
    shown = ", ".join(names[:_DETAIL_LIMIT])
    more = len(names) - _DETAIL_LIMIT
    suffix = f" ... and {more} more" if more > 0 else ""
    return f"{message}. Available {label}: {shown}{suffix}"


if TYPE_CHECKING:
    from abc import abstractmethod

    # Type checkers see attrs' own decorator, with the __init__ and __eq__ it implies.
    from attrs import frozen as _sealed
else:

    def _sealed(cls: type) -> type:
        """Attrs' frozen, slotted class without the __init__, __eq__ and repr it would make.

        Each type gets a faster __init__ and __eq__ of its own, generated on first use
        (`spice_errors._fast_init`): generating attrs' own for the 17 classes at import
        would add about 2.2 ms (10 %) to ``import spice_errors``.
        """
        return attrs.define(
            cls, frozen=True, init=False, eq=False, repr=False, hash=False, getstate_setstate=False
        )


@_sealed
class SpiceError(Namespace):
    """Base of the sealed error hierarchy. Use one of its 16 types.

    Every error has a ``message`` (the one positional argument), a per-type ``code``,
    an optional ``cause`` (the exception behind it), a read-only ``context`` of
    debugging facts and a ``timestamp`` in epoch milliseconds.

    Equality compares the type, message, typed fields and context; ``cause`` and
    ``timestamp`` are left out. The hash covers the type and message only, so errors
    holding unhashable context values still hash.

    .. versionadded:: 0.1.0
    """

    code: ClassVar[str] = "SPICE_ERROR"

    if TYPE_CHECKING:

        @abstractmethod
        def _one_of_the_sixteen(self) -> None:
            """A marker only type checkers see: `SpiceError` itself cannot be built."""

    message: str
    cause: BaseException | None = attrs.field(default=None, kw_only=True, eq=False)
    context: Mapping[str, object] = attrs.field(default=EMPTY, kw_only=True)
    timestamp: int = attrs.field(
        factory=lambda: _now_ns() // 1_000_000,
        kw_only=True,
        eq=False,
    )

    def __init_subclass__(cls, **kwargs: object) -> None:
        # attrs rebuilds each slotted class, so this runs twice per type, both times here.
        if cls.__module__ != __name__:
            msg = (
                f"SpiceError is sealed: {cls.__qualname__} cannot subclass "
                f"{cls.__mro__[1].__qualname__}. Use one of its 16 types and put what "
                f"is specific to your case in `context` (see `with_context`)."
            )
            raise TypeError(msg)
        super().__init_subclass__(**kwargs)

    def __hash__(self) -> int:
        return hash((type(self), self.message))

    def __str__(self) -> str:
        return f"{self.code}: {redact_text(self.message)}"

    def __repr__(self) -> str:
        parts = [repr(redact_text(self.message))]
        parts.extend(f"{name}={value!r}" for name, value in shown_fields(self))
        if self.context:
            parts.append(f"context={redact_mapping(self.context)!r}")
        if self.cause is not None:
            parts.append(f"cause={type(self.cause).__qualname__}")
        return f"{type(self).__qualname__}({', '.join(parts)})"

    def with_context(self, mapping: Mapping[str, object] | None = None, /, **pairs: object) -> Self:
        """Return a copy of this error whose context also holds the given pairs.

        New keys win over old ones; the type, fields and ``timestamp`` are kept.

        Examples:
            >>> error = SpiceError.network_error("Upstream failed", 503)
            >>> error.with_context(retry_count=3).with_context({"x-request-id": "abc"}).context
            mappingproxy({'retry_count': 3, 'x-request-id': 'abc'})

        .. versionadded:: 0.1.0
        """
        if mapping is None:
            merged = {**self.context, **pairs}
        else:
            merged = {**self.context, **mapping, **pairs}
            check_keys(merged)
        evolved: Self = evolve_context(self, MappingProxyType(merged))
        return evolved

    def to_dict(self, *, redact: bool = True) -> dict[str, object]:
        """This error as plain data, cause chain included; secrets masked unless told.

        ``redact=False`` keeps secrets and is meant for trusted transport only.
        `spice_errors.error_from_dict` reads it back.

        .. versionadded:: 0.1.0
        """
        from spice_errors._serialization import error_to_dict

        return error_to_dict(self, redact=redact)

    def to_json(self, *, redact: bool = True) -> str:
        """This error as a JSON document; see `to_dict`.

        .. versionadded:: 0.1.0
        """
        from spice_errors._serialization import error_to_json

        return error_to_json(self, redact=redact)

    def report(self) -> str:
        """A multi-line report for people: type and code, message, fields, context, causes.

        The context is masked, and the cause chain is followed to its root through
        ``__cause__`` (or ``__context__``) as ``Caused by:`` lines, 32 at the most,
        stopping where a chain loops back.

        Examples:
            >>> error = SpiceError.network_error(
            ...     "Upstream failed", 503, cause=ConnectionResetError("reset by peer")
            ... )
            >>> print(error.with_context(api_key="sk-1", attempt=2).report())
            NetworkError (NETWORK_ERROR): Upstream failed
              status_code: 503
              context:
                api_key: '***'
                attempt: 2
            Caused by: ConnectionResetError: reset by peer

        .. versionadded:: 0.1.0
        """
        from spice_errors._report import report

        return report(self)

    def to_exception(self) -> SpiceException:
        """Wrap this error in a `SpiceException`, ready to ``raise``.

        .. versionadded:: 0.1.0
        """
        return SpiceException(self)

    # -- factories, in the Kotlin framework's argument order ---------------------------

    @staticmethod
    def agent_error(
        message: str,
        agent_id: str | None = None,
        cause: BaseException | None = None,
    ) -> AgentError:
        """Build an `AgentError`."""
        return AgentError(message, agent_id=agent_id, cause=cause)

    @staticmethod
    def comm_error(
        message: str,
        comm: object = None,
        cause: BaseException | None = None,
    ) -> CommError:
        """Build a `CommError`."""
        return CommError(message, comm=comm, cause=cause)

    @staticmethod
    def execution_error(
        message: str,
        graph_id: str | None = None,
        node_id: str | None = None,
        cause: BaseException | None = None,
    ) -> ExecutionError:
        """Build an `ExecutionError`."""
        return ExecutionError(message, graph_id=graph_id, node_id=node_id, cause=cause)

    @staticmethod
    def tool_error(
        message: str,
        tool_name: str,
        cause: BaseException | None = None,
    ) -> ToolError:
        """Build a `ToolError`."""
        return ToolError(message, tool_name=tool_name, cause=cause)

    @staticmethod
    def tool_lookup_error(
        message: str,
        tool_name: str | None = None,
        namespace: str | None = None,
        available_tools: Iterable[str] = (),
        cause: BaseException | None = None,
    ) -> ToolLookupError:
        """Build a `ToolLookupError`."""
        return ToolLookupError(
            message,
            tool_name=tool_name,
            namespace=namespace,
            available_tools=tuple(available_tools),
            cause=cause,
        )

    @staticmethod
    def config_error(
        message: str,
        field: str | None = None,
        cause: BaseException | None = None,
    ) -> ConfigurationError:
        """Build a `ConfigurationError`."""
        return ConfigurationError(message, field=field, cause=cause)

    @staticmethod
    def validation_error(
        message: str,
        field: str | None = None,
        expected_type: str | None = None,
        actual_value: object = None,
    ) -> ValidationError:
        """Build a `ValidationError`."""
        return ValidationError(
            message,
            field=field,
            expected_type=expected_type,
            actual_value=actual_value,
        )

    @staticmethod
    def network_error(
        message: str,
        status_code: int | None = None,
        endpoint: str | None = None,
        cause: BaseException | None = None,
    ) -> NetworkError:
        """Build a `NetworkError`."""
        return NetworkError(message, status_code=status_code, endpoint=endpoint, cause=cause)

    @staticmethod
    def timeout_error(
        message: str,
        timeout_ms: int | None = None,
        operation: str | None = None,
    ) -> TimeoutError:
        """Build a `TimeoutError` (the library's, not the builtin)."""
        return TimeoutError(message, timeout_ms=timeout_ms, operation=operation)

    @staticmethod
    def auth_error(
        message: str,
        provider: str | None = None,
        cause: BaseException | None = None,
    ) -> AuthenticationError:
        """Build an `AuthenticationError`."""
        return AuthenticationError(message, provider=provider, cause=cause)

    @staticmethod
    def rate_limit_error(
        message: str,
        retry_after_ms: int | None = None,
        limit_type: str | None = None,
    ) -> RateLimitError:
        """Build a `RateLimitError`."""
        return RateLimitError(message, retry_after_ms=retry_after_ms, limit_type=limit_type)

    @staticmethod
    def serialization_error(
        message: str,
        format: str | None = None,  # noqa: A002 -- the field's name in the contract
        cause: BaseException | None = None,
    ) -> SerializationError:
        """Build a `SerializationError`."""
        return SerializationError(message, format=format, cause=cause)

    @staticmethod
    def checkpoint_error(
        message: str,
        checkpoint_id: str | None = None,
        cause: BaseException | None = None,
    ) -> CheckpointError:
        """Build a `CheckpointError`."""
        return CheckpointError(message, checkpoint_id=checkpoint_id, cause=cause)

    @staticmethod
    def routing_error(  # noqa: PLR0913, PLR0917 -- mirrors the Kotlin factory's parameters
        message: str,
        engine_id: str | None = None,
        result_id: str | None = None,
        node_id: str | None = None,
        available_targets: Iterable[str] = (),
        cause: BaseException | None = None,
    ) -> RoutingError:
        """Build a `RoutingError`."""
        return RoutingError(
            message,
            engine_id=engine_id,
            result_id=result_id,
            node_id=node_id,
            available_targets=tuple(available_targets),
            cause=cause,
        )

    @staticmethod
    def retryable_error(
        message: str,
        status_code: int | None = None,
        error_code: str | None = None,
        retry_hint: RetryHint | None = None,
        cause: BaseException | None = None,
    ) -> RetryableError:
        """Build a `RetryableError`."""
        return RetryableError(
            message,
            status_code=status_code,
            error_code=error_code,
            retry_hint=retry_hint,
            cause=cause,
        )

    @staticmethod
    def retryable_http_error(
        status_code: int,
        message: str,
        retry_after_seconds: float | None = None,
        cause: BaseException | None = None,
    ) -> RetryableError:
        """Build a `RetryableError` for an HTTP answer, with its ``Retry-After``.

        Raises:
            ValueError: When ``retry_after_seconds`` is negative, NaN or infinite.
        """
        hint = None
        if retry_after_seconds is not None:
            hint = RetryHint.from_retry_after_seconds(
                retry_after_seconds,
                reason=f"HTTP {status_code} Retry-After",
            )
        return RetryableError(
            message,
            status_code=status_code,
            retry_hint=hint,
            cause=cause,
            context={"status_code": status_code},
        )

    @staticmethod
    def unknown_error(message: str, cause: BaseException | None = None) -> UnknownError:
        """Build an `UnknownError`."""
        return UnknownError(message, cause=cause)

    @staticmethod
    def from_exception(exc: BaseException) -> AnySpiceError:
        """Map any exception to the error that describes it; never raises.

        The same as `from_exception`.
        """
        from spice_errors._from_exception import from_exception

        return from_exception(exc)


@final
@_sealed
class AgentError(Leaf, SpiceError):
    """An agent failed to process a communication, to start, or is in a bad state."""

    code: ClassVar[Literal["AGENT_ERROR"]] = "AGENT_ERROR"
    agent_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class CommError(Leaf, SpiceError):
    """A communication was malformed, could not be routed or was not delivered."""

    code: ClassVar[Literal["COMM_ERROR"]] = "COMM_ERROR"
    comm: object = attrs.field(default=None, kw_only=True, metadata=VALUE)


@final
@_sealed
class ExecutionError(Leaf, SpiceError):
    """Running a graph or one of its nodes failed; also what exhausted retries return."""

    code: ClassVar[Literal["EXECUTION_ERROR"]] = "EXECUTION_ERROR"
    graph_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    node_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class ToolError(Leaf, SpiceError):
    """A tool ran and failed."""

    code: ClassVar[Literal["TOOL_ERROR"]] = "TOOL_ERROR"
    tool_name: str = attrs.field(kw_only=True, metadata=NAME)


@final
@_sealed
class ToolLookupError(Leaf, SpiceError):
    """A tool was asked for by name and not found."""

    code: ClassVar[Literal["TOOL_LOOKUP_ERROR"]] = "TOOL_LOOKUP_ERROR"
    tool_name: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    namespace: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    available_tools: tuple[str, ...] = attrs.field(default=(), kw_only=True, metadata=NAMES)

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
@_sealed
class ConfigurationError(Leaf, SpiceError):
    """Configuration is missing or invalid; also a missing optional dependency."""

    code: ClassVar[Literal["CONFIG_ERROR"]] = "CONFIG_ERROR"
    field: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class ValidationError(Leaf, SpiceError):
    """Input did not match what was expected. An HTTP 400 or 422."""

    code: ClassVar[Literal["VALIDATION_ERROR"]] = "VALIDATION_ERROR"
    field: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    expected_type: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    actual_value: object = attrs.field(default=None, kw_only=True, metadata=INPUT)


@final
@_sealed
class NetworkError(Leaf, SpiceError):
    """A request failed on the way (DNS, connect, TLS, read) or the server answered an error."""

    code: ClassVar[Literal["NETWORK_ERROR"]] = "NETWORK_ERROR"
    status_code: int | None = attrs.field(default=None, kw_only=True, metadata=STATUS)
    endpoint: str | None = attrs.field(default=None, kw_only=True, metadata=URL)


@final
@_sealed
class TimeoutError(Leaf, SpiceError):  # noqa: A001 -- the contract's name; left out of `__all__` of the package
    """An operation did not finish in time."""

    code: ClassVar[Literal["TIMEOUT_ERROR"]] = "TIMEOUT_ERROR"
    timeout_ms: int | None = attrs.field(default=None, kw_only=True, metadata=DURATION)
    operation: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class AuthenticationError(Leaf, SpiceError):
    """Credentials are missing, invalid, expired or lack a permission (HTTP 401, 403)."""

    code: ClassVar[Literal["AUTH_ERROR"]] = "AUTH_ERROR"
    provider: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class RateLimitError(Leaf, SpiceError):
    """Too many requests (HTTP 429); ``retry_after_ms`` says how long to wait."""

    code: ClassVar[Literal["RATE_LIMIT_ERROR"]] = "RATE_LIMIT_ERROR"
    retry_after_ms: int | None = attrs.field(default=None, kw_only=True, metadata=DURATION)
    limit_type: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class SerializationError(Leaf, SpiceError):
    """Data could not be encoded or decoded; ``format`` names the format."""

    code: ClassVar[Literal["SERIALIZATION_ERROR"]] = "SERIALIZATION_ERROR"
    format: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class CheckpointError(Leaf, SpiceError):
    """A checkpoint could not be saved or restored."""

    code: ClassVar[Literal["CHECKPOINT_ERROR"]] = "CHECKPOINT_ERROR"
    checkpoint_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)


@final
@_sealed
class RoutingError(Leaf, SpiceError):
    """A result could not be routed to a target."""

    code: ClassVar[Literal["ROUTING_ERROR"]] = "ROUTING_ERROR"
    engine_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    result_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    node_id: str | None = attrs.field(default=None, kw_only=True, metadata=NAME)
    available_targets: tuple[str, ...] = attrs.field(default=(), kw_only=True, metadata=NAMES)

    def detailed_message(self) -> str:
        """The message followed by at most 10 of the available targets' names."""
        return _name_list(self.message, "targets", self.available_targets)


@final
@_sealed
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
@_sealed
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


def shown_fields(error: SpiceError) -> list[tuple[str, object]]:
    """An error's own fields as they may be shown: secrets masked, URLs redacted."""
    return [(name, _shown(error, name, kind)) for name, kind in own_kinds(type(error))]


def _shown(error: SpiceError, name: str, kind: Kind) -> object:
    value: object = getattr(error, name)
    if kind == "url" and isinstance(value, str):
        return redact_url(value)
    if kind == "input" and (
        is_secret_key(getattr(error, "field", None))
        or is_secret_key(getattr(error, "expected_type", None))
    ):
        return MASK
    return redact_value(value)


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
