"""The base of the error hierarchy: `SpiceError`, its fields and methods, its factories.

The 16 types that derive from it are declared in `spice_errors._errors`, and only there
(the base refuses any other subclass). Its factories reach them as attributes of the
base (``SpiceError.NetworkError``), set once the types exist, so this module needs
nothing of the one that declares them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Final, Self

import attrs

from spice_errors._exception import SpiceException
from spice_errors._fast_init import evolve_context, own_kinds
from spice_errors._hint import RetryHint
from spice_errors._kinds import EMPTY, Kind, check_keys
from spice_errors._namespace import Namespace
from spice_errors._redact import (
    MASK,
    is_secret_key,
    redact_mapping,
    redact_text,
    redact_url,
    redact_value,
)

if TYPE_CHECKING:
    from spice_errors._errors import (
        AgentError,
        AnySpiceError,
        AuthenticationError,
        CheckpointError,
        CommError,
        ConfigurationError,
        ExecutionError,
        NetworkError,
        RateLimitError,
        RetryableError,
        RoutingError,
        SerializationError,
        TimeoutError,  # noqa: A004 -- the contract's name, only for annotations here
        ToolError,
        ToolLookupError,
        UnknownError,
        ValidationError,
    )

__all__ = ["SpiceError", "sealed", "shown_fields"]

_TYPES_MODULE: Final = "spice_errors._errors"
_now_ns = time.time_ns
_lazy: dict[str, Callable[[SpiceError], str]] = {}
"""Functions of modules above this one, kept once a method has imported them."""


if TYPE_CHECKING:
    from abc import abstractmethod

    # Type checkers see attrs' own decorator, with the __init__ and __eq__ it implies.
    from attrs import frozen as sealed
else:

    def sealed(cls: type) -> type:
        """Attrs' frozen, slotted class without the __init__, __eq__ and repr it would make.

        Each type gets a faster __init__ and __eq__ of its own, generated on first use
        (`spice_errors._fast_init`): generating attrs' own for the 17 classes at import
        would add about 2.2 ms (10 %) to ``import spice_errors``.
        """
        return attrs.define(
            cls, frozen=True, init=False, eq=False, repr=False, hash=False, getstate_setstate=False
        )


@sealed
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
        if cls.__module__ != _TYPES_MODULE:
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
            check_keys(mapping)  # the old keys were checked when this error was built
            merged = {**self.context, **mapping, **pairs}
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

    def for_model(self) -> str:
        """What a language model that called a tool should read of this error.

        At most 600 characters in plain words, secrets masked: what failed (the code and
        the message), what to change (the arguments of a `ValidationError` with their
        expected types, the tools or targets a lookup or a routing error offers, ten at
        most) and whether trying again can help, and when (the classifier's decision and
        the wait the error asks for). Only the error's own fields are read: context stays
        out, as it is for the logs.

        Examples:
            >>> error = SpiceError.validation_error("Bad quantity", "quantity", "int", "7x")
            >>> print(error.for_model())
            VALIDATION_ERROR: Bad quantity
            Change the argument "quantity" (expected int, got str).
            Retry: yes, with the call changed; the same call fails again.
            >>> print(SpiceError.rate_limit_error("Slow down", 2000).for_model())
            RATE_LIMIT_ERROR: Slow down
            Retry: yes, after 2 s; the call itself was fine.

        .. versionadded:: 0.2.0
        """
        render = _lazy.get("for_model")
        if render is None:  # imported on first use: an import statement costs a microsecond
            from spice_errors._model import for_model

            render = _lazy["for_model"] = for_model
        return render(self)

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
        return SpiceError.AgentError(message, agent_id=agent_id, cause=cause)

    @staticmethod
    def comm_error(
        message: str,
        comm: object = None,
        cause: BaseException | None = None,
    ) -> CommError:
        """Build a `CommError`."""
        return SpiceError.CommError(message, comm=comm, cause=cause)

    @staticmethod
    def execution_error(
        message: str,
        graph_id: str | None = None,
        node_id: str | None = None,
        cause: BaseException | None = None,
    ) -> ExecutionError:
        """Build an `ExecutionError`."""
        return SpiceError.ExecutionError(message, graph_id=graph_id, node_id=node_id, cause=cause)

    @staticmethod
    def tool_error(
        message: str,
        tool_name: str,
        cause: BaseException | None = None,
    ) -> ToolError:
        """Build a `ToolError`."""
        return SpiceError.ToolError(message, tool_name=tool_name, cause=cause)

    @staticmethod
    def tool_lookup_error(
        message: str,
        tool_name: str | None = None,
        namespace: str | None = None,
        available_tools: Iterable[str] = (),
        cause: BaseException | None = None,
    ) -> ToolLookupError:
        """Build a `ToolLookupError`."""
        return SpiceError.ToolLookupError(
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
        return SpiceError.ConfigurationError(message, field=field, cause=cause)

    @staticmethod
    def validation_error(
        message: str,
        field: str | None = None,
        expected_type: str | None = None,
        actual_value: object = None,
    ) -> ValidationError:
        """Build a `ValidationError`."""
        return SpiceError.ValidationError(
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
        return SpiceError.NetworkError(
            message, status_code=status_code, endpoint=endpoint, cause=cause
        )

    @staticmethod
    def timeout_error(
        message: str,
        timeout_ms: int | None = None,
        operation: str | None = None,
    ) -> TimeoutError:
        """Build a `TimeoutError` (the library's, not the builtin)."""
        return SpiceError.TimeoutError(message, timeout_ms=timeout_ms, operation=operation)

    @staticmethod
    def auth_error(
        message: str,
        provider: str | None = None,
        cause: BaseException | None = None,
    ) -> AuthenticationError:
        """Build an `AuthenticationError`."""
        return SpiceError.AuthenticationError(message, provider=provider, cause=cause)

    @staticmethod
    def rate_limit_error(
        message: str,
        retry_after_ms: int | None = None,
        limit_type: str | None = None,
    ) -> RateLimitError:
        """Build a `RateLimitError`."""
        return SpiceError.RateLimitError(
            message, retry_after_ms=retry_after_ms, limit_type=limit_type
        )

    @staticmethod
    def serialization_error(
        message: str,
        format: str | None = None,  # noqa: A002 -- the field's name in the contract
        cause: BaseException | None = None,
    ) -> SerializationError:
        """Build a `SerializationError`."""
        return SpiceError.SerializationError(message, format=format, cause=cause)

    @staticmethod
    def checkpoint_error(
        message: str,
        checkpoint_id: str | None = None,
        cause: BaseException | None = None,
    ) -> CheckpointError:
        """Build a `CheckpointError`."""
        return SpiceError.CheckpointError(message, checkpoint_id=checkpoint_id, cause=cause)

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
        return SpiceError.RoutingError(
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
        return SpiceError.RetryableError(
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
        return SpiceError.RetryableError(
            message,
            status_code=status_code,
            retry_hint=hint,
            cause=cause,
            context={"status_code": status_code},
        )

    @staticmethod
    def unknown_error(message: str, cause: BaseException | None = None) -> UnknownError:
        """Build an `UnknownError`."""
        return SpiceError.UnknownError(message, cause=cause)

    @staticmethod
    def from_exception(exc: BaseException) -> AnySpiceError:
        """Map any exception to the error that describes it; never raises.

        The same as `from_exception`.
        """
        from spice_errors._from_exception import from_exception

        return from_exception(exc)


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
