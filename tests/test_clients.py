"""from_exception on real httpx, requests and aiohttp failures, on this machine only."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import aiohttp
import httpx
import pytest
import requests

import spice_errors as se
from spice_errors._clients import client_row, names_of
from tests.http_server import Reply, ScriptedServer, closed_port
from tests.local_servers import caught

INVALID_HOST = "http://no-such-host.invalid/path?api_key=S3cr3t"


def check_connect(error: se.SpiceError, *, dns: bool = False, tls: bool = False) -> None:
    assert isinstance(error, se.NetworkError)
    assert "connect" == error.context["phase"]
    assert error.message.startswith("Unknown host: ") is dns
    assert (error.context.get("tls") is True) is tls
    assert "S3cr3t" not in repr(error)


class TestHttpx:
    """httpx, sync and async."""

    def test_refused(self) -> None:
        """A closed port: connect phase, retryable, not TLS."""
        with httpx.Client(trust_env=False) as client:
            error = se.from_exception(
                caught(lambda: client.get(f"http://127.0.0.1:{closed_port()}/"))
            )
        check_connect(error)
        assert se.is_retryable(error)

    def test_dns(self) -> None:
        """A name under .invalid: unknown host."""
        with httpx.Client(trust_env=False) as client:
            check_connect(se.from_exception(caught(lambda: client.get(INVALID_HOST))), dns=True)

    def test_tls(self, tls_url: str) -> None:
        """A self-signed certificate: TLS, never retried."""
        with httpx.Client(trust_env=False) as client:
            error = se.from_exception(caught(lambda: client.get(tls_url)))
        check_connect(error, tls=True)
        assert not se.is_retryable(error)

    def test_read_timeout(self, server: ScriptedServer) -> None:
        """A server that never answers in time: a timeout in the read phase."""
        url = server.script("/slow", Reply(200, delay=5))
        with httpx.Client(trust_env=False, timeout=0.2) as client:
            error = se.from_exception(caught(lambda: client.get(url)))
        assert isinstance(error, se.TimeoutError)
        assert "read" == error.context["phase"]
        assert isinstance(error.cause, httpx.ReadTimeout)

    def test_status_error_is_from_response(self, server: ScriptedServer) -> None:
        """raise_for_status's error maps to exactly what from_response gives."""
        url = server.script(
            "/limited",
            Reply.problem(429, {"Retry-After": "3", "X-Request-Id": "r-1"}, detail="Slow down"),
        )
        with httpx.Client(trust_env=False) as client:
            response = client.get(url)
            error = se.from_exception(caught(response.raise_for_status))
        expected = se.http.from_response(
            429, response.headers, response.content, method="GET", url=url
        )
        assert expected == error
        assert isinstance(error, se.RateLimitError)
        assert 3000 == error.retry_after_ms
        assert "r-1" == error.context["request_id"]
        assert isinstance(error.cause, httpx.HTTPStatusError)

    def test_remote_hang_up(self, hang_up_url: str) -> None:
        """A server that closes without answering: the read phase."""
        with httpx.Client(trust_env=False) as client:
            error = se.from_exception(caught(lambda: client.get(hang_up_url)))
        assert isinstance(error, se.NetworkError)
        assert "read" == error.context["phase"]

    async def test_async_refused(self) -> None:
        """The async client's failures map the same way."""
        async with httpx.AsyncClient(trust_env=False) as client:
            try:
                await client.get(f"http://127.0.0.1:{closed_port()}/")
            except httpx.ConnectError as exc:
                check_connect(se.from_exception(exc))


class TestRequests:
    """requests, with a session that ignores proxy settings."""

    @pytest.fixture
    def session(self) -> Iterator[requests.Session]:
        with requests.Session() as session:
            session.trust_env = False
            yield session

    def test_refused(self, session: requests.Session) -> None:
        """Connection refused: connect phase."""
        check_connect(
            se.from_exception(caught(lambda: session.get(f"http://127.0.0.1:{closed_port()}/")))
        )

    def test_dns(self, session: requests.Session) -> None:
        """Name resolution failure: unknown host, and the query secret masked."""
        check_connect(se.from_exception(caught(lambda: session.get(INVALID_HOST))), dns=True)

    def test_tls(self, session: requests.Session, tls_url: str) -> None:
        """Certificate verification failure: TLS."""
        check_connect(se.from_exception(caught(lambda: session.get(tls_url))), tls=True)

    def test_read_timeout(self, session: requests.Session, server: ScriptedServer) -> None:
        """No answer within the timeout: a read timeout."""
        url = server.script("/slow", Reply(200, delay=5))
        error = se.from_exception(caught(lambda: session.get(url, timeout=0.2)))
        assert isinstance(error, se.TimeoutError)
        assert "read" == error.context["phase"]

    def test_remote_hang_up(self, session: requests.Session, hang_up_url: str) -> None:
        """Connection aborted mid-request: the read phase."""
        error = se.from_exception(caught(lambda: session.get(hang_up_url)))
        assert isinstance(error, se.NetworkError)
        assert "read" == error.context["phase"]

    def test_status_error_is_from_response(
        self, session: requests.Session, server: ScriptedServer
    ) -> None:
        """raise_for_status's HTTPError maps to what from_response gives."""
        url = server.script(
            "/missing", Reply.problem(404, title="Not Found", detail="No such order")
        )
        response = session.get(url)
        error = se.from_exception(caught(response.raise_for_status))
        assert (
            se.http.from_response(404, response.headers, response.content, method="GET", url=url)
            == error
        )
        assert "No such order" == error.message

    def test_missing_schema(self, session: requests.Session) -> None:
        """A URL without a scheme is configuration."""
        assert isinstance(
            se.from_exception(caught(lambda: session.get("example.invalid"))), se.ConfigurationError
        )


class TestAiohttp:
    """aiohttp, on a real event loop."""

    async def test_refused_dns_tls(self, tls_url: str) -> None:
        """Refused, unknown host and TLS, as aiohttp reports them."""
        async with aiohttp.ClientSession(trust_env=False) as session:
            for url, dns, tls in (
                (f"http://127.0.0.1:{closed_port()}/", False, False),
                (INVALID_HOST, True, False),
                (tls_url, False, True),
            ):
                try:
                    async with session.get(url):
                        pass  # pragma: no cover
                except aiohttp.ClientError as exc:
                    check_connect(se.from_exception(exc), dns=dns, tls=tls)

    async def test_status_error(self, server: ScriptedServer) -> None:
        """raise_for_status maps by status, with the request's method and URL."""
        url = server.script("/busy", Reply(503, {"Retry-After": "2"}))
        async with aiohttp.ClientSession(trust_env=False, raise_for_status=True) as session:
            with pytest.raises(aiohttp.ClientResponseError) as refused:
                async with session.get(url):
                    pass  # pragma: no cover
            error = se.from_exception(refused.value)
        assert isinstance(error, se.NetworkError)
        assert 2000 == error.context["retry_after_ms"]
        assert "GET" == error.context["method"]
        assert url == error.context["endpoint"]

    async def test_timeout(self, server: ScriptedServer) -> None:
        """aiohttp's timeouts are asyncio timeouts: the builtin row maps them."""
        url = server.script("/slow", Reply(200, delay=5))
        async with aiohttp.ClientSession(
            trust_env=False, timeout=aiohttp.ClientTimeout(total=0.2)
        ) as session:
            with pytest.raises(TimeoutError) as timed_out:
                async with session.get(url):
                    pass  # pragma: no cover
        assert isinstance(se.from_exception(timed_out.value), se.TimeoutError)


def fake(library_module: str, name: str, *bases: type[BaseException]) -> type[BaseException]:
    """A class named like a library's exception, for rows this machine cannot provoke."""
    return type(name, bases or (Exception,), {"__module__": library_module})


class TestRowsByName:
    """Rows matched by class name alone, without the library."""

    @pytest.mark.parametrize(
        ("module", "name", "cls", "phase"),
        [
            ("httpx", "ConnectTimeout", se.TimeoutError, "connect"),
            ("httpx", "PoolTimeout", se.TimeoutError, "connect"),
            ("httpx", "WriteTimeout", se.TimeoutError, None),
            ("requests.exceptions", "Timeout", se.TimeoutError, None),
            ("requests.exceptions", "ConnectTimeout", se.TimeoutError, "connect"),
            ("httpx", "ProxyError", se.NetworkError, "connect"),
            ("httpx", "DecodingError", se.SerializationError, None),
            ("requests.exceptions", "ContentDecodingError", se.SerializationError, None),
            ("aiohttp.client_exceptions", "ContentTypeError", se.SerializationError, None),
            ("httpx", "InvalidURL", se.ConfigurationError, None),
            ("httpx", "UnsupportedProtocol", se.ConfigurationError, None),
            ("aiohttp.client_exceptions", "InvalidURL", se.ConfigurationError, None),
            ("httpx", "TooManyRedirects", se.NetworkError, "read"),
            ("requests.exceptions", "ChunkedEncodingError", se.NetworkError, None),
            ("aiohttp.client_exceptions", "ServerDisconnectedError", se.NetworkError, None),
        ],
    )
    def test_rows(
        self, module: str, name: str, cls: type[se.SpiceError], phase: str | None
    ) -> None:
        """Each name maps to its row."""
        # Give each fake the library's base classes by name, as the real ones have.
        bases = {
            "httpx": ("TransportError",),
            "requests.exceptions": ("RequestException",),
            "aiohttp.client_exceptions": ("ClientError",),
        }[module]
        base = fake(module, bases[0])
        if name in {"WriteTimeout", "ConnectTimeout", "PoolTimeout"} and module == "httpx":
            base = fake(module, "TimeoutException", base)
        error = se.from_exception(fake(module, name, base)("https://u:S3cr3t@h/"))
        assert cls is type(error)
        if phase is not None:
            assert phase == error.context["phase"]
        assert "S3cr3t" not in repr(error)

    def test_other_library_names_are_ignored(self) -> None:
        """A class named like httpx's but from elsewhere is not an httpx exception."""
        assert client_row(fake("mylib", "ConnectError")) is None
        assert client_row(fake("httpx", "SomethingNew")) is None

    def test_names_of(self) -> None:
        """Names are qualified by the top-level package."""
        assert {"httpx.ConnectError", "httpx.TransportError", "builtins.Exception"} <= names_of(
            httpx.ConnectError
        )

    def test_odd_module_names(self) -> None:
        """A class whose __module__ is not text is named without it."""
        odd = type("Odd", (Exception,), {})
        odd.__module__ = None  # type: ignore[assignment]
        assert "Odd" not in {name.split(".")[-1] for name in names_of(odd)}

    def test_wrapped_reasons_are_followed(self) -> None:
        """Causes hidden in a `reason` attribute or the args are found (urllib3 style)."""
        connection_error = fake(
            "requests.exceptions",
            "ConnectionError",
            fake("requests.exceptions", "RequestException"),
        )
        inner = socket.gaierror(-2, "Name or service not known")
        wrapper = Exception("max retries")
        wrapper.reason = inner  # type: ignore[attr-defined]
        check_connect(se.from_exception(connection_error(wrapper)), dns=True)

    def test_a_reason_that_raises_is_survived(self) -> None:
        """A related exception that fails when read does not break the mapping."""

        class Treacherous(Exception):
            @property
            def reason(self) -> object:
                raise RuntimeError("no reason")

        connection_error = fake("httpx", "ConnectError", fake("httpx", "TransportError"))
        error = se.from_exception(connection_error(Treacherous()))
        check_connect(error)

    def test_cycles_are_survived(self) -> None:
        """A cause chain that loops ends the walk."""
        connection_error = fake("httpx", "ConnectError", fake("httpx", "TransportError"))
        first, second = connection_error("first"), ValueError("second")
        first.__cause__, second.__cause__ = second, first
        check_connect(se.from_exception(first))

    def test_broken_str(self) -> None:
        """A client exception whose __str__ raises is named by its class, as every other is."""

        def broken(self: object) -> str:
            raise RuntimeError("no text")

        cls = type(
            "ReadError",
            (fake("httpx", "TransportError"),),
            {"__module__": "httpx", "__str__": broken},
        )
        error = se.from_exception(cls())
        assert "<unprintable ReadError>" == error.message

    def test_status_error_without_response(self) -> None:
        """An aiohttp-style error with status but no response object."""
        cls = fake(
            "aiohttp.client_exceptions",
            "ClientResponseError",
            fake("aiohttp.client_exceptions", "ClientError"),
        )
        exc = cls("boom")
        exc.status = 401  # type: ignore[attr-defined]
        exc.headers = {"X-Request-Id": "x"}  # type: ignore[attr-defined]
        error = se.from_exception(exc)
        assert isinstance(error, se.AuthenticationError)
        assert "x" == error.context["request_id"]
        assert error.context["endpoint"] is None
