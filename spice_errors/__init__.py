"""spice_errors: typed, functional error handling.

Errors are immutable values of a sealed hierarchy (`SpiceError`), built
directly, through factories, or from any exception with `from_exception`.
Functions return them inside a `SpiceResult` (`Success` or `Failure`) instead of
raising them.

.. versionadded:: 0.1.0
"""

from typing import TYPE_CHECKING

from spice_errors import http as http
from spice_errors._breaker import CircuitBreaker, CircuitBreakers, CircuitState
from spice_errors._budget import RetryBudget
from spice_errors._catching import (
    AsyncResultDecorator,
    ExceptionTypes,
    ResultDecorator,
    as_result,
    as_result_async,
    catch_spice_error,
    catch_spice_error_async,
    catching,
    catching_async,
    catching_only,
    catching_only_async,
    from_returns,
)
from spice_errors._classify import (
    RetryClassifier,
    RetryDecision,
    classify,
    is_retryable,
    recoverable_by_model,
)
from spice_errors._collect import (
    as_results,
    as_results_async,
    collect,
    collect_all,
    filter_successes,
    filter_successes_async,
    partition,
    traverse,
    traverse_all,
    unwrap_successes,
    unwrap_successes_async,
    zip_all,
)
from spice_errors._collect import zip as zip  # noqa: A004 -- importable explicitly, kept out of __all__
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
    RetryHint,
    RoutingError,
    SerializationError,
    SpiceError,
    SpiceException,
    ToolError,
    ToolLookupError,
    UnknownError,
    ValidationError,
)
from spice_errors._errors import (
    TimeoutError as TimeoutError,  # noqa: A004 -- importable explicitly, kept out of __all__
)
from spice_errors._from_exception import (
    from_exception,
    register_exception_mapping,
    unregister_exception_mapping,
)
from spice_errors._policy import RetryPolicy
from spice_errors._recovery import (
    UserMessage,
    recover_network,
    recover_network_async,
    recover_rate_limit,
    recover_rate_limit_async,
    user_message,
)
from spice_errors._redact import is_secret_key, register_secret_names, secret_names
from spice_errors._result import (
    Failure,
    SpiceResult,
    Success,
    failure,
    is_failure,
    is_success,
    success,
)
from spice_errors._retry import (
    Attempt,
    Exhausted,
    RetryEvent,
    RetrySuccessEvent,
    current_attempt,
    retry,
    retry_async,
    retrying,
)
from spice_errors._serialization import (
    SerializedException,
    error_from_dict,
    error_from_json,
    result_from_dict,
    result_from_json,
)
from spice_errors._testing import is_testing, retry_testing, set_testing
from spice_errors._text import show_public_path

__all__ = [
    "AgentError",
    "AnySpiceError",
    "AsyncResultDecorator",
    "Attempt",
    "AuthenticationError",
    "CheckpointError",
    "CircuitBreaker",
    "CircuitBreakers",
    "CircuitState",
    "CommError",
    "ConfigurationError",
    "ExceptionTypes",
    "ExecutionError",
    "Exhausted",
    "Failure",
    "NetworkError",
    "RateLimitError",
    "ResultDecorator",
    "RetryBudget",
    "RetryClassifier",
    "RetryDecision",
    "RetryEvent",
    "RetryHint",
    "RetryPolicy",
    "RetrySuccessEvent",
    "RetryableError",
    "RoutingError",
    "SerializationError",
    "SerializedException",
    "SpiceError",
    "SpiceException",
    "SpiceResult",
    "Success",
    "ToolError",
    "ToolLookupError",
    "UnknownError",
    "UserMessage",
    "ValidationError",
    "as_result",
    "as_result_async",
    "as_results",
    "as_results_async",
    "catch_spice_error",
    "catch_spice_error_async",
    "catching",
    "catching_async",
    "catching_only",
    "catching_only_async",
    "classify",
    "collect",
    "collect_all",
    "current_attempt",
    "error_from_dict",
    "error_from_json",
    "failure",
    "filter_successes",
    "filter_successes_async",
    "from_exception",
    "from_returns",
    "is_failure",
    "is_retryable",
    "is_secret_key",
    "is_success",
    "is_testing",
    "partition",
    "recover_network",
    "recover_network_async",
    "recover_rate_limit",
    "recover_rate_limit_async",
    "recoverable_by_model",
    "register_exception_mapping",
    "register_secret_names",
    "result_from_dict",
    "result_from_json",
    "retry",
    "retry_async",
    "retry_testing",
    "retrying",
    "secret_names",
    "set_testing",
    "success",
    "traverse",
    "traverse_all",
    "unregister_exception_mapping",
    "unwrap_successes",
    "unwrap_successes_async",
    "user_message",
    "zip_all",
]


if TYPE_CHECKING:
    from spice_errors import jsonrpc as jsonrpc
    from spice_errors import mcp as mcp

    __version__: str
else:

    def __getattr__(name: str) -> object:
        """``__version__`` and the modules loaded on first use: `mcp`, `jsonrpc`.

        The version is read from the package's metadata, as attrs does: importing
        `importlib.metadata` costs more than the rest of the package together (about
        35 ms), so only code that asks for it pays for it. Hidden from type checkers,
        which would otherwise accept any attribute of the package.
        """
        if name in {"mcp", "jsonrpc"}:
            import importlib

            return importlib.import_module(f"{__name__}.{name}")
        if name != "__version__":
            msg = f"module {__name__!r} has no attribute {name!r}"
            raise AttributeError(msg)
        from importlib.metadata import version

        return version("spice-errors")


show_public_path(globals(), [*__all__, "TimeoutError", "zip"])
del show_public_path
