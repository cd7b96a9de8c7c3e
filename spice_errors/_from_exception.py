"""From exceptions to errors: `from_exception` and the user's mapping registry.

The built-in table, first match wins:

    SpiceException                  its .error, unchanged
    BaseExceptionGroup              the error of its first leaf, with group_size and group_codes
    builtin TimeoutError            TimeoutError
    socket.gaierror                 NetworkError "Unknown host: ...", phase="connect"
    ssl.SSLError                    NetworkError, tls=True
    ConnectionRefusedError          NetworkError, phase="connect"
    other ConnectionError           NetworkError, phase="read"
    httpx(2), httpcore(2),          by class name: timeouts, connect (DNS, refused, TLS),
    requests, aiohttp               read failures; status errors as from_response gives
    openai, anthropic, botocore,    by class name and package, before every row above:
    google.api_core                 status errors as from_response gives, timeouts,
                                    connection errors with the phase their cause proves
    missing file or directory,      ConfigurationError with path and errno
    PermissionError
    JSON/pickle/Unicode/TOML errors SerializationError with format
    ValueError, TypeError           ValidationError
    ImportError                     ConfigurationError
    anything else                   UnknownError, exception_type

Rows registered with `register_exception_mapping` come before the table (after
the ``SpiceException`` row), the most specific registered type winning.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, Final, TypeAlias, TypeVar, cast

from spice_errors._clients import client_row
from spice_errors._errors import (
    AnySpiceError,
    ConfigurationError,
    NetworkError,
    SerializationError,
    SpiceError,
    SpiceException,
    UnknownError,
    ValidationError,
)
from spice_errors._errors import TimeoutError as SpiceTimeoutError
from spice_errors._redact import redact_text
from spice_errors._text import RECEIVED, CopyOnWriteDict, exception_text, is_int, type_name

__all__ = [
    "from_exception",
    "register_exception_mapping",
    "restore_registry",
    "snapshot_registry",
    "unregister_exception_mapping",
]

ExcT = TypeVar("ExcT", bound=BaseException)
# What a user registers; its return value is checked, not trusted.
_Mapper: TypeAlias = Callable[[Any], object]
_Row: TypeAlias = Callable[[BaseException], AnySpiceError]

# Leaves collected from a group before the rest are only counted.
_MAX_GROUP_LEAVES: Final = 10_000
_CACHE_LIMIT: Final = 1024


def _message(exc: BaseException, default: str) -> str:
    """``str(exc)`` redacted, for any exception (even a broken one), or ``default``."""
    return redact_text(exception_text(exc)) or default


def _timeout(exc: BaseException) -> AnySpiceError:
    return SpiceTimeoutError(_message(exc, "Operation timed out"), cause=exc)


def _unknown_host(exc: BaseException) -> AnySpiceError:
    detail = _message(exc, "name resolution failed")
    return NetworkError(f"Unknown host: {detail}", cause=exc, context={"phase": "connect"})


def _tls(exc: BaseException) -> AnySpiceError:
    return NetworkError(
        _message(exc, "TLS handshake failed"),
        cause=exc,
        context={"phase": "connect", "tls": True},
    )


def _refused(exc: BaseException) -> AnySpiceError:
    return NetworkError(
        _message(exc, "Connection refused"), cause=exc, context={"phase": "connect"}
    )


def _connection(exc: BaseException) -> AnySpiceError:
    return NetworkError(_message(exc, "Connection failed"), cause=exc, context={"phase": "read"})


def _serialization(format_name: str) -> _Row:
    def row(exc: BaseException) -> AnySpiceError:
        return SerializationError(
            _message(exc, f"Invalid {format_name} data"),
            format=format_name,
            cause=exc,
        )

    return row


def _path(filename: object) -> str | None:
    """A file name as redacted text; None for no name or a file descriptor."""
    try:
        name = os.fspath(cast("str | bytes | os.PathLike[str] | os.PathLike[bytes]", filename))
    except Exception:  # noqa: BLE001 -- None, an int, or a path object that fails
        return None
    text = name.decode("utf-8", "backslashreplace") if isinstance(name, bytes) else name
    return redact_text(text)


def _file(exc: BaseException) -> AnySpiceError:
    """A file that is missing, of the wrong kind or not ours to read: configuration."""
    context: dict[str, object] = {}
    path = _path(getattr(exc, "filename", None))
    if path is not None:
        context["path"] = path
    errno = getattr(exc, "errno", None)
    if is_int(errno):
        context["errno"] = errno
    return ConfigurationError(_message(exc, type(exc).__name__), cause=exc, context=context)


def _unicode(exc: BaseException) -> AnySpiceError:
    encoding = getattr(exc, "encoding", None)
    format_name = encoding if isinstance(encoding, str) and encoding else "text"
    return SerializationError(_message(exc, "Invalid text"), format=format_name, cause=exc)


def _validation(exc: BaseException) -> AnySpiceError:
    return ValidationError(_message(exc, type(exc).__name__), cause=exc)


def _configuration(exc: BaseException) -> AnySpiceError:
    module = getattr(exc, "name", None)
    context = {"module": module} if isinstance(module, str) else {}
    return ConfigurationError(_message(exc, "Import failed"), cause=exc, context=context)


def _unknown(exc: BaseException) -> AnySpiceError:
    return UnknownError(
        _message(exc, type(exc).__name__),
        cause=exc,
        context={"exception_type": type_name(exc)},
    )


def _loaded_class(module: str, name: str) -> type[BaseException] | None:
    """A class from a module only if that module is already imported.

    An exception of a module's class cannot exist before its module is imported, so
    the table never imports ``ssl``, ``pickle`` or ``tomllib`` just to test for theirs,
    and ``import spice_errors`` stays cheap.
    """
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


# The built-in table, in order; each row names its class by module and name. The rows
# for vendor SDKs come first (see `_sdks`: botocore's timeouts are OSErrors), those for
# HTTP client libraries between the two halves (see `_clients`).
_EARLY: Final[tuple[tuple[str, str, _Row], ...]] = (
    ("builtins", "TimeoutError", _timeout),
    ("socket", "gaierror", _unknown_host),
    ("ssl", "SSLError", _tls),
    ("builtins", "ConnectionRefusedError", _refused),
    ("builtins", "ConnectionError", _connection),
)
_LATE: Final[tuple[tuple[str, str, _Row], ...]] = (
    ("builtins", "FileNotFoundError", _file),
    ("builtins", "NotADirectoryError", _file),
    ("builtins", "IsADirectoryError", _file),
    ("builtins", "PermissionError", _file),
    ("json", "JSONDecodeError", _serialization("json")),
    ("pickle", "UnpicklingError", _serialization("pickle")),
    ("builtins", "UnicodeError", _unicode),
    ("tomllib", "TOMLDecodeError", _serialization("toml")),
    ("builtins", "ValueError", _validation),
    ("builtins", "TypeError", _validation),
    ("builtins", "ImportError", _configuration),
)


def _first(rows: tuple[tuple[str, str, _Row], ...], cls: type[BaseException]) -> _Row | None:
    for module, name, row in rows:
        base = _loaded_class(module, name)
        if base is not None and issubclass(cls, base):
            return row
    return None


def _builtin_row(cls: type[BaseException]) -> _Row:
    """The first row of the built-in table that handles ``cls``."""
    # Imported on first use, once per new class: `import spice_errors` does not pay for it.
    from spice_errors._sdks import sdk_row

    if (sdk := sdk_row(cls)) is not None:
        return _received(sdk)
    if (early := _first(_EARLY, cls)) is not None:
        return early
    if (client := client_row(cls)) is not None:
        return _received(client)
    return _first(_LATE, cls) or _unknown


def _received(row: _Row) -> _Row:
    """``row``, whose errors carry the mark of an answer received from another service.

    An HTTP client's or a vendor SDK's exception tells of another service: a server that
    passes the error on answers 502 or 504 (`status_for`), never the other's status.
    """

    def marked(exc: BaseException) -> AnySpiceError:
        error = row(exc)
        if error.context.get(RECEIVED) is True:
            return error
        return error.with_context({RECEIVED: True})

    return marked


# type -> (registered mapper or None, built-in row); rebuilt lazily after registration.
_dispatch: dict[type, tuple[_Mapper | None, _Row]] = {}
_registry: CopyOnWriteDict[type[BaseException], _Mapper] = CopyOnWriteDict(_dispatch.clear)


def _resolve(cls: type[BaseException]) -> tuple[_Mapper | None, _Row]:
    found = _dispatch.get(cls)
    if found is None:
        registry = _registry.current
        mapper = next((registry[base] for base in cls.__mro__ if base in registry), None)
        found = (mapper, _builtin_row(cls))
        with _registry.lock:
            # A (un)registration since `registry` was read has cleared the cache: storing
            # what was found in the old registry would bring the old mapping back.
            if _registry.current is registry:
                if len(_dispatch) >= _CACHE_LIMIT:
                    _dispatch.clear()
                _dispatch[cls] = found
    return found


def _is_exception_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)


def _is_callable(value: object) -> bool:
    return callable(value)


def register_exception_mapping(exc_type: type[ExcT], mapper: Callable[[ExcT], SpiceError]) -> None:
    """Map exceptions of ``exc_type`` (and its subclasses) with ``mapper``.

    Registered mappings come before the built-in table; when several registered types
    are in an exception's MRO, the most specific wins. A mapper that raises, or returns
    something other than a `SpiceError`, falls back to the built-in table with
    the failure named in context ``mapper_error``. Registering a type again replaces
    its mapper.

    Examples:
        >>> class QuotaExceeded(Exception): ...
        >>> register_exception_mapping(
        ...     QuotaExceeded, lambda exc: SpiceError.rate_limit_error(str(exc), 60_000)
        ... )
        >>> from_exception(QuotaExceeded("daily quota used up")).retry_after_ms
        60000
        >>> unregister_exception_mapping(QuotaExceeded)
        True

    Raises:
        TypeError: When ``exc_type`` is not an exception class or ``mapper`` is not callable.
        ValueError: For `SpiceException`, which always maps to its own error.

    .. versionadded:: 0.1.0
    """
    if not _is_exception_class(exc_type):
        msg = f"exc_type must be an exception class, got {exc_type!r}"
        raise TypeError(msg)
    if issubclass(exc_type, SpiceException):
        msg = "SpiceException always maps to the error it carries; it cannot be remapped"
        raise ValueError(msg)  # noqa: TRY004 -- the class is right, the choice is not allowed
    if not _is_callable(mapper):
        msg = f"mapper must be callable, got {type(mapper).__name__}"
        raise TypeError(msg)
    _registry.register(exc_type, mapper)


def unregister_exception_mapping(exc_type: type[BaseException]) -> bool:
    """Remove the mapping registered for exactly ``exc_type``.

    Returns:
        Whether a mapping was registered for it.

    .. versionadded:: 0.1.0
    """
    return _registry.unregister(exc_type)


def snapshot_registry() -> object:
    """The registered mappings as they are now, for `restore_registry` (tests use it)."""
    return _registry.current


def restore_registry(saved: object) -> None:
    """Put back the mappings `snapshot_registry` saw."""
    _registry.restore(saved)


def _run_mapper(mapper: _Mapper, exc: BaseException, row: _Row) -> AnySpiceError:
    try:
        mapped: object = mapper(exc)
    except Exception as failure:  # noqa: BLE001 -- a user's mapper must not break mapping
        problem = f"{type(failure).__qualname__}: {redact_text(exception_text(failure))}"
    else:
        if isinstance(mapped, SpiceError):
            return cast("AnySpiceError", mapped)
        problem = f"TypeError: mapper returned {type(mapped).__qualname__}, not a SpiceError"
    return row(exc).with_context(mapper_error=problem)


def _leaves(group: BaseExceptionGroup[BaseException]) -> tuple[list[BaseException], int]:
    """The group's leaf exceptions, depth first, and how many there are in all."""
    leaves: list[BaseException] = []
    count = 0
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop()
        if isinstance(current, BaseExceptionGroup):
            nested = cast("BaseExceptionGroup[BaseException]", current).exceptions
            pending.extend(reversed(nested))
        else:
            count += 1
            if len(leaves) < _MAX_GROUP_LEAVES:
                leaves.append(current)
    return leaves, count


def _from_group(group: BaseExceptionGroup[BaseException]) -> AnySpiceError:
    leaves, count = _leaves(group)
    if not leaves:
        return _unknown(group)
    errors = [_map(leaf) for leaf in leaves]
    return errors[0].with_context(group_size=count, group_codes=[error.code for error in errors])


def _map(exc: BaseException) -> AnySpiceError:
    if isinstance(exc, SpiceException):
        return exc.error
    if isinstance(exc, BaseExceptionGroup):
        return _from_group(exc)  # pyright: ignore[reportUnknownArgumentType]
    mapper, row = _resolve(type(exc))
    if mapper is None:
        return row(exc)
    return _run_mapper(mapper, exc, row)


def from_exception(exc: BaseException) -> AnySpiceError:
    """Map any exception to the `SpiceError` that describes it. Never raises.

    The original exception is kept as the error's ``cause``.

    Examples:
        >>> error = from_exception(ValueError("age must be positive"))
        >>> error
        ValidationError('age must be positive', field=None, ..., cause=ValueError)
        >>> error.cause
        ValueError('age must be positive')
        >>> from_exception(ConnectionRefusedError(111, "Connection refused")).context["phase"]
        'connect'

    Args:
        exc: Any exception, however broken.

    Returns:
        The matching error; see the module's table.

    .. versionadded:: 0.1.0
    """
    if not isinstance(cast("object", exc), BaseException):
        # A bug in the caller, not an error to describe: named, and kept out of `cause`.
        name = type_name(exc)
        return UnknownError(f"Not an exception: {name}", context={"exception_type": name})
    try:
        return _map(exc)
    except Exception as failure:  # noqa: BLE001 -- the contract: never raise
        return UnknownError(
            f"<unmappable {type_name(exc)}>",
            cause=exc,
            context={"exception_type": type_name(exc), "mapper_error": type(failure).__qualname__},
        )
