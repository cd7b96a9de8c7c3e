"""The HTTP transport: the library's retry decisions inside any httpx or httpx2 client.

`RetryTransport` and `AsyncRetryTransport` wrap another transport. Each answer is read
with `from_response` and each transport exception with `from_exception`, and `retry`
decides: the server's waits honoured, writes repeated only when they are safe, a
shared `RetryBudget` and a breaker per host. What the client finally gets is the last
real response (its own status checks still work) or the last transport exception.

Wrapping an ``httpx2`` transport gives an ``httpx2`` transport, an ``httpx`` one an
``httpx`` transport: the class made is a subclass of that package's ``BaseTransport``,
so only the package in use is imported. The ``openai`` (3 and later) and
``anthropic`` (2 and later) SDKs are built on ``httpx2``: pass them
``http_client=httpx2.Client(transport=RetryTransport(httpx2.HTTPTransport()))``.

`result_of`, `call` and `call_async` turn a client's response, or the exception it
raised, into a `SpiceResult`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast, overload

import attrs

from spice_errors._breaker import CircuitBreaker, CircuitBreakers
from spice_errors._classify import RetryClassifier
from spice_errors._clients import attribute, read_body
from spice_errors._errors import AnySpiceError, SpiceError
from spice_errors._from_exception import from_exception
from spice_errors._policy import RetryPolicy
from spice_errors._redact import redact_url
from spice_errors._response import Headers, from_response
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._retry import (
    RetryEvent,
    RetrySettings,
    current_attempt,
    log_event,
    retry_after_first,
    retry_after_first_async,
)
from spice_errors._text import check_callable, is_int

if TYPE_CHECKING:
    import httpx
    import httpx2

    from spice_errors._budget import RetryBudget

__all__ = ["AsyncRetryTransport", "RetryTransport", "call", "call_async", "result_of"]

R = TypeVar("R")

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods repeated freely (RFC 9110 section 9.2.2 lists TRACE too, which clients never send)."""
_WRITES: Final = frozenset({"POST", "PATCH"})
_FIRST_ERROR_STATUS: Final = 400


def _base_package(cls: type) -> str | None:
    """``"httpx"`` or ``"httpx2"`` when ``cls`` is that package's (async) transport, else None.

    By identity, not by module name: a package may rename its classes' modules (the
    ``openai`` SDK gives httpx2's classes its own). A class of a package is only made
    once the package is imported, so only the imported ones are looked at.
    """
    for package in ("httpx", "httpx2"):
        module = sys.modules.get(package)
        bases = (
            getattr(module, "BaseTransport", None),
            getattr(module, "AsyncBaseTransport", None),
        )
        if any(isinstance(base, type) and issubclass(cls, base) for base in bases):
            return package
    return None


def _package_of(transport: object) -> str:
    """``"httpx"`` or ``"httpx2"``: the package of ``transport``, else the installed one."""
    if transport is None:
        return _installed()
    package = _base_package(type(transport))
    if package is not None:
        return package
    msg = (
        "transport must be an httpx or httpx2 transport (such as httpx.HTTPTransport()), "
        f"got {type(transport).__name__}"
    )
    raise TypeError(msg)


def _installed() -> str:
    """The package of the default inner transport: ``httpx`` when installed, else ``httpx2``."""
    from importlib.util import find_spec

    for package in ("httpx", "httpx2"):
        if find_spec(package) is not None:
            return package
    msg = "RetryTransport needs httpx or httpx2: pip install httpx"
    raise ModuleNotFoundError(msg)


def _not_in_circuit(
    user: Callable[[SpiceError], bool | None] | None,
) -> Callable[[SpiceError], bool | None]:
    """A predicate that never retries a breaker's refusal, then asks the user's own."""

    def predicate(error: SpiceError) -> bool | None:
        if error.context.get("circuit") in {"open", "half_open"}:
            return False
        return None if user is None else user(error)

    return predicate


class _Settings:
    """What a transport was told: shared by the sync and async classes."""

    __slots__ = (
        "add_idempotency_key",
        "breakers",
        "idempotency_header",
        "loops",
        "policy",
        "sleep",
    )

    def __init__(  # noqa: PLR0913 -- the transport's settings, by name
        self,
        *,
        policy: RetryPolicy,
        classifier: RetryClassifier,
        breakers: CircuitBreakers | None,
        budget: RetryBudget | None,
        idempotency_header: str | None,
        add_idempotency_key: bool,
        on_retry: Callable[[RetryEvent], object] | None,
        on_give_up: Callable[[RetryEvent], object] | None,
        sleep: Callable[[float], Any] | None,
        clock: Callable[[], float],
    ) -> None:
        header = cast("object", idempotency_header)
        if header is not None and not (isinstance(header, str) and header.strip()):
            msg = f"idempotency_header must be a header name or None, got {idempotency_header!r}"
            raise ValueError(msg)
        if add_idempotency_key and idempotency_header is None:
            msg = "add_idempotency_key=True needs an idempotency_header to send the key in"
            raise ValueError(msg)
        self.policy = policy
        self.breakers = breakers
        self.idempotency_header = idempotency_header
        self.add_idempotency_key = add_idempotency_key
        self.sleep = sleep
        checked = attrs.evolve(classifier, predicate=_not_in_circuit(classifier.predicate))
        # The retry loop's settings for each kind of request, made once: (replayable,
        # idempotent) -> settings. A body that cannot be sent again gets one attempt.
        self.loops = {
            (replayable, idempotent): RetrySettings(
                policy if replayable else RetryPolicy.NO_RETRY,
                checked,
                idempotent=idempotent,
                on_retry=on_retry,
                on_give_up=on_give_up,
                on_success=None,
                budget=budget,
                exhausted="last_error",
                clock=clock,
            )
            for replayable in (True, False)
            for idempotent in (True, False)
        }

    def loop_for(self, request: Any) -> RetrySettings:  # noqa: ANN401 -- either package's Request
        """The retry loop's settings for this request; the idempotency key added if asked."""
        method = request.method  # both packages keep it upper-cased
        if method in IDEMPOTENT_METHODS:
            return self.loops[_replayable(request), True]
        header = self.idempotency_header
        keyed = header is not None and header in request.headers
        if not keyed and header is not None and self.add_idempotency_key and method in _WRITES:
            attempt = current_attempt()
            # Inside a retry of the caller's own, its key: the server sees one write.
            request.headers[header] = attempt.idempotency_key if attempt is not None else _new_key()
            keyed = True
        return self.loops[_replayable(request), keyed]

    def breaker(self, request: Any) -> CircuitBreaker | None:  # noqa: ANN401 -- either package's Request
        if self.breakers is None:
            return None
        return self.breakers.for_key(str(request.url.host))  # keyed by host, as the SPEC says

    def name(self, request: Any) -> str:  # noqa: ANN401 -- either package's Request
        return f"{str(request.method).upper()} {redact_url(str(request.url))}"


def _new_key() -> str:
    import uuid

    return str(uuid.uuid4())


def _replayable(request: Any) -> bool:  # noqa: ANN401 -- either package's Request
    """Whether the request's body can be sent again: bytes, not a stream read once."""
    try:
        request.content  # noqa: B018 -- raises RequestNotRead for a streamed body
    except Exception:  # noqa: BLE001 -- httpx's or httpx2's RequestNotRead
        return False
    return True


class _Exchange:
    """One request's attempts: the last real response or exception, and the breaker's word."""

    __slots__ = ("breaker", "exception", "inner", "refusal", "request", "response")

    def __init__(self, inner: Any, request: Any, breaker: CircuitBreaker | None) -> None:  # noqa: ANN401 -- either package's types
        self.inner = inner
        self.request = request
        self.breaker = breaker
        self.response: Any = None
        self.exception: Exception | None = None
        self.refusal: SpiceError | None = None

    def attempt(self) -> SpiceResult[Any]:
        """One attempt, through the host's breaker when there is one."""
        if self.breaker is None:
            return self.send()
        return self._refused(self.breaker.call(self.send))

    async def attempt_async(self) -> SpiceResult[Any]:
        if self.breaker is None:
            return await self.send_async()
        return self._refused(await self.breaker.call_async(self.send_async))

    def send(self) -> SpiceResult[Any]:
        if self.response is not None:
            self.response.close()  # a retried answer's body is closed
        try:
            response = self.inner.handle_request(self.request)
        except Exception as exc:  # noqa: BLE001 -- a transport exception is a failure
            return self._failed(exc)
        if response.status_code < _FIRST_ERROR_STATUS:
            self.response, self.exception = response, None
            return Success(response)
        response.read()
        return self._answered(response)

    async def send_async(self) -> SpiceResult[Any]:
        if self.response is not None:
            await self.response.aclose()  # a retried answer's body is closed
        try:
            response = await self.inner.handle_async_request(self.request)
        except Exception as exc:  # noqa: BLE001 -- a transport exception is a failure
            return self._failed(exc)
        if response.status_code < _FIRST_ERROR_STATUS:
            self.response, self.exception = response, None
            return Success(response)
        await response.aread()
        return self._answered(response)

    def _answered(self, response: Any) -> SpiceResult[Any]:  # noqa: ANN401 -- either package's Response
        """An error's answer, its body read: the error it describes."""
        self.response, self.exception = response, None
        request = self.request
        return Failure(
            from_response(
                response.status_code,
                _header_pairs(response.headers),
                read_body(response),
                method=str(request.method),
                url=str(request.url),
            )
        )

    def _failed(self, exc: Exception) -> Failure[AnySpiceError]:
        self.response, self.exception = None, exc
        return Failure(from_exception(exc))

    def _refused(self, result: SpiceResult[Any]) -> SpiceResult[Any]:
        if isinstance(result, Failure) and result.error.context.get("circuit") is not None:
            self.refusal = result.error
        return result

    def outcome(self) -> Any:  # noqa: ANN401 -- either package's Response
        """The last real response, or raise the last transport exception (or the refusal)."""
        if self.response is not None:
            return self.response
        if self.exception is not None:
            raise self.exception
        assert self.refusal is not None  # noqa: S101 -- nothing sent and no answer: refused
        raise self.refusal.to_exception()


class _SyncRetryTransport:
    """The sync transport's behaviour; `RetryTransport` adds the package's ``BaseTransport``."""

    _inner: Any
    _settings: _Settings

    def handle_request(self, request: Any) -> Any:  # noqa: ANN401 -- either package's types
        settings = self._settings
        loop = settings.loop_for(request)
        exchange = _Exchange(self._inner, request, settings.breaker(request))
        call = loop.start()
        # The first attempt is made here: a request that succeeds at once pays for no loop.
        first = exchange.attempt()
        if type(first) is not Success:
            retry_after_first(
                exchange.attempt,
                first,
                call=call,
                settings=loop,
                sleep=settings.sleep or time.sleep,
                name=settings.name(request),
            )
        return exchange.outcome()

    def close(self) -> None:
        self._inner.close()


class _AsyncRetryTransport:
    """The async transport's behaviour; `AsyncRetryTransport` adds the package's base."""

    _inner: Any
    _settings: _Settings

    async def handle_async_request(self, request: Any) -> Any:  # noqa: ANN401 -- either package's types
        settings = self._settings
        loop = settings.loop_for(request)
        exchange = _Exchange(self._inner, request, settings.breaker(request))
        call = loop.start()
        first = await exchange.attempt_async()
        if type(first) is not Success:
            await retry_after_first_async(
                exchange.attempt_async,
                first,
                call=call,
                settings=loop,
                sleep=settings.sleep,
                name=settings.name(request),
            )
        return exchange.outcome()

    async def aclose(self) -> None:
        await self._inner.aclose()


_CLASSES: dict[tuple[type, str, bool], type] = {}


def _made(cls: type, transport: object, *, sync: bool) -> type:
    """The class to make: ``cls`` with the wrapped package's (async) ``BaseTransport``.

    A class that has one already (made here, or a user's subclass of one) is kept.
    """
    if _base_package(cls) is not None:
        return cls
    package = _package_of(transport)
    found = _CLASSES.get((cls, package, sync))
    if found is None:
        from importlib import import_module

        module = import_module(package)
        transport_base = module.BaseTransport if sync else module.AsyncBaseTransport
        found = type(cls.__name__, (cls, transport_base), {"__module__": cls.__module__})
        found.__qualname__ = cls.__qualname__
        _CLASSES[cls, package, sync] = found
    return found


def _inner_or_default(transport: object, package: str, *, sync: bool) -> object:
    if transport is not None:
        return transport
    from importlib import import_module

    module = import_module(package)
    return module.HTTPTransport() if sync else module.AsyncHTTPTransport()


_DOC_ARGS: Final = """
    Args:
        transport: The transport to wrap; the installed package's default
            ``HTTPTransport()`` (``httpx`` first, else ``httpx2``) when omitted.
        policy: How often to try and how long to wait; a server's wait is honoured up
            to the policy's ``max_retry_after``.
        classifier: Which failures are worth retrying.
        breakers: A `CircuitBreakers` keyed by host name (``"api.example"``, the port
            left out): while a host's circuit is open,
            nothing is sent and the transport raises a `SpiceException` carrying the
            breaker's `RetryableError` (context ``circuit="open"``).
        budget: A `RetryBudget` shared by every request through the transport (and any
            other user of it): each request deposits, each retry withdraws.
        idempotency_header: The header that makes a ``POST`` or ``PATCH`` safe to
            repeat when the request carries it; ``None``: no write is ever taken as safe.
        add_idempotency_key: Add that header, one random key for all the attempts of
            a request (the key of `current_attempt` inside a `retry`), to a ``POST`` or
            ``PATCH`` without one. Only for servers that honour such keys: one that
            ignores the header would see a write repeated.
        on_retry: Called before each wait; by default logs one redacted line.
        on_give_up: Called when retrying gives up on a retryable failure.
        sleep: How to wait; `time.sleep` (or `asyncio.sleep`) by default.
        clock: A monotonic clock in seconds.

    Raises:
        TypeError: When ``transport`` is neither package's transport.
        ValueError: When ``add_idempotency_key`` is set without a header to send it in.
"""


def _retry_transport_init(  # noqa: PLR0913 -- the transport's settings, by name
    self: Any,  # noqa: ANN401 -- either class
    transport: object = None,
    *,
    policy: RetryPolicy = RetryPolicy.DEFAULT,
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    breakers: CircuitBreakers | None = None,
    budget: RetryBudget | None = None,
    idempotency_header: str | None = "Idempotency-Key",
    add_idempotency_key: bool = False,
    on_retry: Callable[[RetryEvent], object] | None = log_event,
    on_give_up: Callable[[RetryEvent], object] | None = log_event,
    sleep: Callable[[float], Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sync: bool,
) -> None:
    self._settings = _Settings(
        policy=policy,
        classifier=classifier,
        breakers=breakers,
        budget=budget,
        idempotency_header=idempotency_header,
        add_idempotency_key=add_idempotency_key,
        on_retry=on_retry,
        on_give_up=on_give_up,
        sleep=sleep,
        clock=clock,
    )
    package = cast("str", _base_package(cast("type[object]", type(self))))  # made for it
    self._inner = _inner_or_default(transport, package, sync=sync)


if TYPE_CHECKING:
    # For checkers the transport is both packages' transport, so that a client of either
    # takes it with no cast; at run time each instance is only the one it wraps.

    class RetryTransport(httpx.BaseTransport, httpx2.BaseTransport):
        def __init__(  # noqa: PLR0913 -- the transport's settings, by name
            self,
            transport: httpx.BaseTransport | httpx2.BaseTransport | None = None,
            *,
            policy: RetryPolicy = ...,
            classifier: RetryClassifier = ...,
            breakers: CircuitBreakers | None = None,
            budget: RetryBudget | None = None,
            idempotency_header: str | None = "Idempotency-Key",
            add_idempotency_key: bool = False,
            on_retry: Callable[[RetryEvent], object] | None = ...,
            on_give_up: Callable[[RetryEvent], object] | None = ...,
            sleep: Callable[[float], object] | None = None,
            clock: Callable[[], float] = ...,
        ) -> None: ...
        @overload
        def handle_request(self, request: httpx.Request) -> httpx.Response: ...
        @overload
        def handle_request(self, request: httpx2.Request) -> httpx2.Response: ...
        def handle_request(
            self, request: httpx.Request | httpx2.Request
        ) -> httpx.Response | httpx2.Response: ...
        def close(self) -> None: ...

    class AsyncRetryTransport(httpx.AsyncBaseTransport, httpx2.AsyncBaseTransport):
        def __init__(  # noqa: PLR0913 -- the transport's settings, by name
            self,
            transport: httpx.AsyncBaseTransport | httpx2.AsyncBaseTransport | None = None,
            *,
            policy: RetryPolicy = ...,
            classifier: RetryClassifier = ...,
            breakers: CircuitBreakers | None = None,
            budget: RetryBudget | None = None,
            idempotency_header: str | None = "Idempotency-Key",
            add_idempotency_key: bool = False,
            on_retry: Callable[[RetryEvent], object] | None = ...,
            on_give_up: Callable[[RetryEvent], object] | None = ...,
            sleep: Callable[[float], Awaitable[object]] | None = None,
            clock: Callable[[], float] = ...,
        ) -> None: ...
        @overload
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response: ...
        @overload
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response: ...
        async def handle_async_request(
            self, request: httpx.Request | httpx2.Request
        ) -> httpx.Response | httpx2.Response: ...
        async def aclose(self) -> None: ...

else:

    class RetryTransport(_SyncRetryTransport):
        def __new__(cls, transport: object = None, **_settings: Any) -> Any:  # noqa: ANN401 -- the package's class
            return object.__new__(_made(cls, transport, sync=True))

        def __init__(self, transport: object = None, **settings: Any) -> None:  # noqa: ANN401 -- RetryTransport's settings
            _retry_transport_init(self, transport, sync=True, **settings)

        def __repr__(self) -> str:
            return f"RetryTransport({self._inner!r}, policy={self._settings.policy!r})"

    class AsyncRetryTransport(_AsyncRetryTransport):
        def __new__(cls, transport: object = None, **_settings: Any) -> Any:  # noqa: ANN401 -- the package's class
            return object.__new__(_made(cls, transport, sync=False))

        def __init__(self, transport: object = None, **settings: Any) -> None:  # noqa: ANN401 -- RetryTransport's settings
            _retry_transport_init(self, transport, sync=False, **settings)

        def __repr__(self) -> str:
            return f"AsyncRetryTransport({self._inner!r}, policy={self._settings.policy!r})"


RetryTransport.__doc__ = (
    """A transport that retries as the library decides, wrapping another one.

    Pass it as a client's ``transport=``: every request then gets the library's retry
    decisions. ``GET``, ``HEAD``, ``OPTIONS``, ``PUT`` and ``DELETE`` are retried on
    retryable failures; ``POST`` and ``PATCH`` only when the request carries the
    idempotency header (else only on failures that prove the request never left, such
    as a refused connection). A request whose body is a stream read once is never
    retried. Response bodies of retried attempts are closed; what the client gets is
    the last real response, or the last transport exception is raised.

    Examples:
        >>> import httpx
        >>> transport = RetryTransport(httpx.MockTransport(lambda request: httpx.Response(200)))
        >>> with httpx.Client(transport=transport) as client:
        ...     client.get("https://api.example/v1/items").status_code
        200
"""
    + _DOC_ARGS
    + """
    .. versionadded:: 0.2.0
    """
)
AsyncRetryTransport.__doc__ = (
    """`RetryTransport` for async clients (``httpx.AsyncClient``, ``httpx2.AsyncClient``).
"""
    + _DOC_ARGS
    + """
    .. versionadded:: 0.2.0
    """
)


# -- responses as results ----------------------------------------------------------------


def result_of(response: R, *, expect: Collection[int] | None = None) -> SpiceResult[R]:
    """A client's response as a result: `Success` for a 2xx (or a status in ``expect``).

    Any other status is a `Failure` of `from_response` of it (its status, headers, body
    when already read, method and URL). Works with ``httpx``, ``httpx2``, ``requests``
    and ``aiohttp`` responses (``aiohttp``'s body only when it was read).

    Raises:
        TypeError: When ``response`` has no integer ``status_code`` or ``status``.

    Examples:
        >>> import httpx
        >>> request = httpx.Request("GET", "https://api.example/v1/items/7")
        >>> result_of(httpx.Response(404, request=request)).error_or_none()
        NetworkError('404 Not Found (GET https://api.example/v1/items/7)', status_code=404, ...)

    .. versionadded:: 0.2.0
    """
    status = attribute(response, "status_code")
    if not is_int(status):
        status = attribute(response, "status")
    if not is_int(status):
        msg = (
            "result_of() needs a response with an int status_code or status, "
            f"got {type(response).__name__}"
        )
        raise TypeError(msg)
    if 200 <= status <= 299 or (expect is not None and status in expect):  # noqa: PLR2004 -- the 2xx range
        return Success(response)
    request = attribute(response, "request")
    method = attribute(request, "method") or attribute(response, "method")
    url = attribute(response, "url") or attribute(request, "url")
    return Failure(
        from_response(
            status,
            _header_pairs(attribute(response, "headers")),
            _body_of(response),
            method=method if isinstance(method, str) else None,
            url=None if url is None else str(url),
        )
    )


def _header_pairs(headers: object) -> Headers | None:
    """Headers as pairs where they are a multi-mapping (repeated names kept), else as given."""
    multi = attribute(headers, "multi_items")
    pairs: object = headers
    if callable(multi):
        try:
            pairs = list(cast("Callable[[], list[tuple[str, str]]]", multi)())
        except Exception:  # noqa: BLE001 -- a strange headers object: read it as a mapping
            pairs = headers
    # from_response reads any mapping or pairs, and skips what it cannot read.
    return cast("Headers | None", pairs)


def _body_of(response: object) -> bytes | str | None:
    """The body already read: httpx's, httpx2's and requests' ``content``, aiohttp's ``_body``."""
    body = attribute(response, "_body")
    if body is None:
        return read_body(response)
    return body if isinstance(body, bytes) else None


def call(fn: Callable[..., R], /, *args: object, **kwargs: object) -> SpiceResult[R]:
    """Run a client call and return `result_of` its response; a raised exception is a failure.

    Examples:
        >>> import httpx
        >>> client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
        >>> call(client.get, "https://api.example/v1/items").error_or_none().status_code
        503
        >>> client.close()

    .. versionadded:: 0.2.0
    """
    check_callable("call()", fn)
    try:
        response = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 -- a client exception is a failure like any other
        return Failure(from_exception(exc))
    return result_of(response)


async def call_async(
    fn: Callable[..., Awaitable[R]], /, *args: object, **kwargs: object
) -> SpiceResult[R]:
    """Await an async client call and return `result_of` its response, as `call` does.

    .. versionadded:: 0.2.0
    """
    check_callable("call_async()", fn)
    try:
        response = await fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 -- a client exception is a failure like any other
        return Failure(from_exception(exc))
    return result_of(response)
