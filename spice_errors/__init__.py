"""spice_errors: typed, functional error handling.

Errors are immutable values of a sealed hierarchy (`SpiceError`), built
directly, through factories, or from any exception with `from_exception`.

.. versionadded:: 0.1.0
"""

from spice_errors._redact import is_secret_key, register_secret_names, secret_names
from spice_errors.errors import (
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
from spice_errors.errors import (
    TimeoutError as TimeoutError,  # noqa: A004 -- importable explicitly, kept out of __all__
)
from spice_errors.mapping import (
    from_exception,
    register_exception_mapping,
    unregister_exception_mapping,
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
    "from_exception",
    "is_secret_key",
    "register_exception_mapping",
    "register_secret_names",
    "secret_names",
    "unregister_exception_mapping",
]

__version__ = "0.1.0.dev0"


def _show_public_path() -> None:
    """Show the public path in reprs, tracebacks and pickles, not the private module's."""
    namespace = globals()
    for name in (*__all__, "TimeoutError"):
        obj = namespace[name]
        if getattr(obj, "__module__", "").startswith("spice_errors."):
            obj.__module__ = __name__


_show_public_path()
del _show_public_path
