"""HTTP client exceptions (httpx, httpcore, requests, aiohttp) recognised without importing them.

Each library's exceptions are known by the class names in their MRO, qualified by the
top-level package; ``httpx2`` and ``httpcore2``, pydantic's successors of httpx and
httpcore, keep their names and share their rows. A connect failure is told apart as
DNS, refused or TLS by walking the exception's causes, contexts and wrapped reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Final, TypeAlias, cast

import attrs

from spice_errors._errors import (
    AnySpiceError,
    ConfigurationError,
    NetworkError,
    SerializationError,
)
from spice_errors._errors import TimeoutError as SpiceTimeoutError
from spice_errors._redact import redact_text
from spice_errors._response import Headers, from_response
from spice_errors._text import exception_text, is_int

__all__ = [
    "Row",
    "answered",
    "attribute",
    "client_row",
    "message_of",
    "names_of",
    "read_body",
    "related",
    "transport",
]

Row: TypeAlias = Callable[[BaseException], AnySpiceError]

_LIBRARIES: Final = frozenset({"httpx", "httpx2", "httpcore", "httpcore2", "requests", "aiohttp"})
# https://github.com/pydantic/httpx2: the same classes under a new package name.
_SUCCESSORS: Final = {"httpx2": "httpx", "httpcore2": "httpcore"}
_MAX_RELATED: Final = 64


def names_of(cls: type) -> frozenset[str]:
    """``package.ClassName`` for every class in the MRO, e.g. ``httpx.ConnectError``."""
    names: set[str] = set()
    for base in cls.__mro__:
        module = getattr(base, "__module__", None)
        if isinstance(module, str):
            names.add(f"{module.partition('.')[0]}.{base.__name__}")
    return frozenset(names)


def related(exc: BaseException) -> Iterator[BaseException]:
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


def transport(exc: BaseException) -> str:
    """What a connect-level failure was: ``dns``, ``tls``, ``refused`` or ``other``."""
    try:
        for linked in related(exc):
            names = {base.__name__ for base in type(linked).__mro__}
            if names & {"gaierror", "NameResolutionError", "ClientConnectorDNSError"}:
                return "dns"
            if any("SSL" in name or "Certificate" in name for name in names):
                return "tls"
            if "ConnectionRefusedError" in names:
                return "refused"
    except Exception:  # noqa: BLE001 -- a strange exception must not break the mapping
        return "other"
    return "other"


def message_of(exc: BaseException) -> str:
    """The exception's text, redacted, or its class name when it has none."""
    return redact_text(exception_text(exc)) or type(exc).__name__


def _connect(exc: BaseException) -> AnySpiceError:
    kind = transport(exc)
    message = message_of(exc)
    context: dict[str, object] = {"phase": "connect"}
    if kind == "dns":
        message = f"Unknown host: {message}"
    elif kind == "tls":
        context["tls"] = True
    return NetworkError(message, cause=exc, context=context)


def _read(exc: BaseException) -> AnySpiceError:
    return NetworkError(message_of(exc), cause=exc, context={"phase": "read"})


def _ambiguous(exc: BaseException) -> AnySpiceError:
    """Requests' ConnectionError covers both phases: the causes tell which."""
    if transport(exc) != "other" or any(
        "NewConnectionError" in {base.__name__ for base in type(linked).__mro__}
        for linked in related(exc)
    ):
        return _connect(exc)
    return _read(exc)


def _timeout(phase: str | None) -> Row:
    def row(exc: BaseException) -> AnySpiceError:
        context = {} if phase is None else {"phase": phase}
        return SpiceTimeoutError(message_of(exc), cause=exc, context=context)

    return row


def _configuration(exc: BaseException) -> AnySpiceError:
    return ConfigurationError(message_of(exc), cause=exc)


def _decoding(exc: BaseException) -> AnySpiceError:
    return SerializationError(message_of(exc), format="http", cause=exc)


def attribute(obj: object, name: str) -> object:
    """``obj.name``, or None when it is missing or reading it raises (httpx's ``.request``)."""
    try:
        return getattr(obj, name, None)
    except Exception:  # noqa: BLE001 -- a property of a strange object must not break the mapping
        return None


def read_body(response: object) -> bytes | str | None:
    """The body of a response if it was already read, else None; never reads a stream.

    httpx, httpx2 and requests keep a read body in ``_content``; requests marks an unread
    one with ``False``, and httpx's ``.content`` raises ``ResponseNotRead`` (no I/O).
    """
    content = attribute(response, "_content")
    if content is None:
        content = attribute(response, "content")
    return content if isinstance(content, bytes | str) else None


def answered(  # noqa: PLR0913 -- what an answer carries, by name
    exc: BaseException,
    status: object,
    headers: object,
    body: bytes | str | Mapping[str, object] | None,
    *,
    method: object,
    url: object,
) -> AnySpiceError:
    """What `from_response` gives for an answer an exception carries, caused by ``exc``."""
    error = from_response(
        int(status) if is_int(status) else 0,  # int(): google.api_core's codes are HTTPStatus
        cast("Headers | None", headers),
        body,
        method=method if isinstance(method, str) else None,
        url=None if url is None else str(url) or None,
    )
    return attrs.evolve(error, cause=exc)


def _status(exc: BaseException) -> AnySpiceError:
    """An exception that carries an HTTP response: the error that response gives."""
    response = attribute(exc, "response")
    if response is None:
        # aiohttp's ClientResponseError carries the status and request, not a body.
        info = attribute(exc, "request_info")
        return answered(
            exc,
            attribute(exc, "status"),
            attribute(exc, "headers"),
            None,
            method=attribute(info, "method"),
            url=attribute(info, "real_url"),
        )
    request = attribute(response, "request") or attribute(exc, "request")
    return answered(
        exc,
        attribute(response, "status_code"),
        attribute(response, "headers"),
        read_body(response),
        method=attribute(request, "method"),
        url=attribute(request, "url"),
    )


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
    # httpcore's own, when used without httpx (httpx wraps them in its classes above)
    ("httpcore.ConnectTimeout", _timeout("connect")),
    ("httpcore.PoolTimeout", _timeout("connect")),
    ("httpcore.TimeoutException", _timeout("read")),
    ("httpcore.ConnectError", _connect),
    ("httpcore.ProxyError", _connect),
    ("httpcore.UnsupportedProtocol", _configuration),
    ("httpcore.NetworkError", _read),
    ("httpcore.ProtocolError", _read),
)


def _as_predecessor(name: str) -> str:
    package, dot, rest = name.partition(".")
    return f"{_SUCCESSORS.get(package, package)}{dot}{rest}"


def client_row(cls: type) -> Row | None:
    """The row for an httpx(2), httpcore(2), requests or aiohttp exception class, or None."""
    names = names_of(cls)
    if not any(name.partition(".")[0] in _LIBRARIES for name in names):
        return None
    names = frozenset(map(_as_predecessor, names))
    return next((row for name, row in _ROWS if name in names), None)
