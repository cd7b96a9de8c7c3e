"""HTTP client exceptions (httpx, requests, aiohttp) recognised without importing them.

Each library's exceptions are known by the class names in their MRO, qualified by the
top-level package. A connect failure is told apart as DNS, refused or TLS by walking
the exception's causes, contexts and wrapped reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final, TypeAlias

import attrs

from spice_errors._errors import (
    AnySpiceError,
    ConfigurationError,
    NetworkError,
    SerializationError,
)
from spice_errors._errors import TimeoutError as SpiceTimeoutError
from spice_errors._redact import redact_text
from spice_errors._response import from_response
from spice_errors._text import exception_text

__all__ = ["client_row", "names_of"]

Row: TypeAlias = Callable[[BaseException], AnySpiceError]

_LIBRARIES: Final = frozenset({"httpx", "requests", "aiohttp"})
_MAX_RELATED: Final = 64


def names_of(cls: type) -> frozenset[str]:
    """``package.ClassName`` for every class in the MRO, e.g. ``httpx.ConnectError``."""
    names: set[str] = set()
    for base in cls.__mro__:
        module = getattr(base, "__module__", None)
        if isinstance(module, str):
            names.add(f"{module.partition('.')[0]}.{base.__name__}")
    return frozenset(names)


def _related(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and what libraries wrap (``reason``, args)."""
    pending = [exc]
    seen: set[int] = set()
    while pending and len(seen) < _MAX_RELATED:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked.extend(current.args)
        pending.extend(item for item in linked if isinstance(item, BaseException))


def _transport(exc: BaseException) -> str:
    """What a connect-level failure was: ``dns``, ``tls``, ``refused`` or ``other``."""
    try:
        for related in _related(exc):
            names = {base.__name__ for base in type(related).__mro__}
            if names & {"gaierror", "NameResolutionError", "ClientConnectorDNSError"}:
                return "dns"
            if any("SSL" in name or "Certificate" in name for name in names):
                return "tls"
            if "ConnectionRefusedError" in names:
                return "refused"
    except Exception:  # noqa: BLE001 -- a strange exception must not break the mapping
        return "other"
    return "other"


def _text(exc: BaseException) -> str:
    return redact_text(exception_text(exc)) or type(exc).__name__


def _connect(exc: BaseException) -> AnySpiceError:
    kind = _transport(exc)
    message = _text(exc)
    context: dict[str, object] = {"phase": "connect"}
    if kind == "dns":
        message = f"Unknown host: {message}"
    elif kind == "tls":
        context["tls"] = True
    return NetworkError(message, cause=exc, context=context)


def _read(exc: BaseException) -> AnySpiceError:
    return NetworkError(_text(exc), cause=exc, context={"phase": "read"})


def _ambiguous(exc: BaseException) -> AnySpiceError:
    """Requests' ConnectionError covers both phases: the causes tell which."""
    if _transport(exc) != "other" or any(
        "NewConnectionError" in {base.__name__ for base in type(related).__mro__}
        for related in _related(exc)
    ):
        return _connect(exc)
    return _read(exc)


def _timeout(phase: str | None) -> Row:
    def row(exc: BaseException) -> AnySpiceError:
        context = {} if phase is None else {"phase": phase}
        return SpiceTimeoutError(_text(exc), cause=exc, context=context)

    return row


def _configuration(exc: BaseException) -> AnySpiceError:
    return ConfigurationError(_text(exc), cause=exc)


def _decoding(exc: BaseException) -> AnySpiceError:
    return SerializationError(_text(exc), format="http", cause=exc)


def _status(exc: BaseException) -> AnySpiceError:
    """An exception that carries an HTTP response: the error that response gives."""
    response = getattr(exc, "response", None)
    if response is not None:
        request = getattr(response, "request", None) or getattr(exc, "request", None)
        error = from_response(
            getattr(response, "status_code", 0),
            getattr(response, "headers", None),
            getattr(response, "content", None),
            method=getattr(request, "method", None),
            url=str(getattr(request, "url", "")) or None,
        )
    else:
        # aiohttp's ClientResponseError carries the status and request, not a body.
        info = getattr(exc, "request_info", None)
        error = from_response(
            getattr(exc, "status", 0),
            getattr(exc, "headers", None),
            None,
            method=getattr(info, "method", None),
            url=str(getattr(info, "real_url", "")) or None,
        )
    return attrs.evolve(error, cause=exc)


# Most specific first: the first name found in an exception's MRO decides.
_ROWS: Final[tuple[tuple[str, Row], ...]] = (
    ("httpx.HTTPStatusError", _status),
    ("requests.HTTPError", _status),
    ("aiohttp.ContentTypeError", _decoding),
    ("aiohttp.ClientResponseError", _status),
    ("httpx.ConnectTimeout", _timeout("connect")),
    ("httpx.PoolTimeout", _timeout("connect")),
    ("httpx.TimeoutException", _timeout("read")),
    ("requests.ConnectTimeout", _timeout("connect")),
    ("requests.ReadTimeout", _timeout("read")),
    ("requests.Timeout", _timeout(None)),
    ("httpx.ConnectError", _connect),
    ("httpx.ProxyError", _connect),
    ("requests.SSLError", _connect),
    ("requests.ProxyError", _connect),
    ("aiohttp.ClientConnectorError", _connect),
    ("aiohttp.ClientSSLError", _connect),
    ("aiohttp.ServerFingerprintMismatch", _connect),
    ("requests.ConnectionError", _ambiguous),
    ("httpx.DecodingError", _decoding),
    ("requests.ContentDecodingError", _decoding),
    ("requests.JSONDecodeError", _decoding),
    ("httpx.InvalidURL", _configuration),
    ("httpx.UnsupportedProtocol", _configuration),
    ("requests.InvalidURL", _configuration),
    ("requests.MissingSchema", _configuration),
    ("requests.InvalidSchema", _configuration),
    ("aiohttp.InvalidURL", _configuration),
    ("httpx.TooManyRedirects", _read),
    ("requests.TooManyRedirects", _read),
    ("httpx.TransportError", _read),
    ("requests.RequestException", _read),
    ("aiohttp.ClientError", _read),
)


def client_row(cls: type) -> Row | None:
    """The row for an httpx, requests or aiohttp exception class, or None."""
    names = names_of(cls)
    if not any(name.partition(".")[0] in _LIBRARIES for name in names):
        return None
    return next((row for name, row in _ROWS if name in names), None)
