"""httpx2 and httpcore(2) map as httpx and httpcore do; status errors of unread streams.

Real clients against servers on 127.0.0.1. Tests of a package are skipped without it.
"""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
import requests

import spice_errors as se
from spice_errors._clients import client_row
from tests.http_server import Reply, ScriptedServer, closed_port
from tests.local_servers import caught

INVALID_HOST = "http://no-such-host.invalid/path?api_key=S3cr3t"


def _exception_names(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }


@pytest.fixture(scope="module")
def httpx2() -> ModuleType:
    module: ModuleType = pytest.importorskip("httpx2", reason="httpx2 is not installed")
    return module


@pytest.fixture(params=["httpcore", "httpcore2"])
def httpcore(request: pytest.FixtureRequest) -> ModuleType:
    """httpcore, then its successor."""
    module: ModuleType = pytest.importorskip(
        request.param, reason=f"{request.param} is not installed"
    )
    return module


def check_connect(error: se.SpiceError, *, dns: bool = False, tls: bool = False) -> None:
    assert isinstance(error, se.NetworkError)
    assert "connect" == error.context["phase"]
    assert error.message.startswith("Unknown host: ") is dns
    assert (error.context.get("tls") is True) is tls
    assert "S3cr3t" not in repr(error)


class TestHttpx2:
    """httpx2, pydantic's successor of httpx, maps exactly as httpx."""

    def test_every_class_has_the_row_of_its_httpx_namesake(self, httpx2: ModuleType) -> None:
        """Each httpx2 exception class gets the row of the httpx class of the same name."""
        shared = _exception_names(httpx) & _exception_names(httpx2)
        assert {"ConnectError", "HTTPStatusError", "ReadTimeout"} <= shared
        for name in shared:
            assert client_row(getattr(httpx, name)) is client_row(getattr(httpx2, name)), name

    def test_refused(self, httpx2: ModuleType) -> None:
        """A closed port: connect phase, retryable."""
        with httpx2.Client(trust_env=False) as client:
            error = se.from_exception(
                caught(lambda: client.get(f"http://127.0.0.1:{closed_port()}/"))
            )
        check_connect(error)
        assert isinstance(error.cause, httpx2.ConnectError)
        assert se.is_retryable(error)

    def test_dns(self, httpx2: ModuleType) -> None:
        """A name under .invalid: unknown host."""
        with httpx2.Client(trust_env=False) as client:
            check_connect(se.from_exception(caught(lambda: client.get(INVALID_HOST))), dns=True)

    def test_tls(self, httpx2: ModuleType, tls_url: str) -> None:
        """A certificate no one trusts: TLS, never retried."""
        with httpx2.Client(trust_env=False) as client:
            error = se.from_exception(caught(lambda: client.get(tls_url)))
        check_connect(error, tls=True)
        assert not se.is_retryable(error)

    def test_read_timeout(self, httpx2: ModuleType, server: ScriptedServer) -> None:
        """No answer in time: a timeout in the read phase."""
        url = server.script("/slow", Reply(200, delay=5))
        with httpx2.Client(trust_env=False, timeout=0.2) as client:
            error = se.from_exception(caught(lambda: client.get(url)))
        assert isinstance(error, se.TimeoutError)
        assert "read" == error.context["phase"]

    def test_remote_hang_up(self, httpx2: ModuleType, hang_up_url: str) -> None:
        """A server that closes without answering: the read phase."""
        with httpx2.Client(trust_env=False) as client:
            error = se.from_exception(caught(lambda: client.get(hang_up_url)))
        assert isinstance(error, se.NetworkError)
        assert "read" == error.context["phase"]

    def test_status_error_is_from_response(
        self, httpx2: ModuleType, server: ScriptedServer
    ) -> None:
        """raise_for_status's error is what from_response gives for the response."""
        url = server.script(
            "/limited",
            Reply.problem(429, {"Retry-After": "3", "X-Request-Id": "r-1"}, detail="Slow down"),
        )
        with httpx2.Client(trust_env=False) as client:
            response = client.get(url)
            error = se.from_exception(caught(response.raise_for_status))
        expected = se.http.from_response(
            429, response.headers, response.content, method="GET", url=url
        )
        assert expected == error
        assert isinstance(error, se.RateLimitError)
        assert 3000 == error.retry_after_ms
        assert "r-1" == error.context["request_id"]
        assert isinstance(error.cause, httpx2.HTTPStatusError)

    async def test_async_refused(self, httpx2: ModuleType) -> None:
        """The async client's failures map the same way."""
        async with httpx2.AsyncClient(trust_env=False) as client:
            try:
                await client.get(f"http://127.0.0.1:{closed_port()}/")
            except httpx2.ConnectError as exc:
                check_connect(se.from_exception(exc))


class TestHttpcore:
    """httpcore's own exceptions (and httpcore2's), raised without httpx around them."""

    def test_successor_has_the_rows_of_httpcore(self) -> None:
        """Each httpcore2 exception class gets the row of its httpcore namesake."""
        old = pytest.importorskip("httpcore", reason="httpcore is not installed")
        new = pytest.importorskip("httpcore2", reason="httpcore2 is not installed")
        shared = _exception_names(old) & _exception_names(new)
        assert {"ConnectError", "ReadTimeout", "PoolTimeout"} <= shared
        for name in shared:
            assert client_row(getattr(old, name)) is client_row(getattr(new, name)), name

    def test_refused(self, httpcore: ModuleType) -> None:
        """A closed port: connect phase."""
        with httpcore.ConnectionPool() as pool:
            error = se.from_exception(
                caught(lambda: pool.request("GET", f"http://127.0.0.1:{closed_port()}/"))
            )
        check_connect(error)
        assert isinstance(error.cause, httpcore.ConnectError)

    def test_read_timeout(self, httpcore: ModuleType, server: ScriptedServer) -> None:
        """No answer in time: a read timeout."""
        url = server.script("/slow", Reply(200, delay=5))
        with httpcore.ConnectionPool() as pool:
            error = se.from_exception(
                caught(lambda: pool.request("GET", url, extensions={"timeout": {"read": 0.2}}))
            )
        assert isinstance(error, se.TimeoutError)
        assert "read" == error.context["phase"]

    def test_remote_hang_up(self, httpcore: ModuleType, hang_up_url: str) -> None:
        """A server that closes without answering: a protocol error in the read phase."""
        with httpcore.ConnectionPool() as pool:
            exc = caught(lambda: pool.request("GET", hang_up_url))
        assert isinstance(exc, httpcore.RemoteProtocolError)
        error = se.from_exception(exc)
        assert isinstance(error, se.NetworkError)
        assert "read" == error.context["phase"]

    def test_unsupported_protocol(self, httpcore: ModuleType) -> None:
        """A scheme httpcore cannot speak is configuration."""
        with httpcore.ConnectionPool() as pool:
            error = se.from_exception(caught(lambda: pool.request("GET", "ftp://127.0.0.1/")))
        assert isinstance(error, se.ConfigurationError)

    @pytest.mark.parametrize(
        ("name", "cls", "phase"),
        [
            ("ConnectTimeout", se.TimeoutError, "connect"),
            ("PoolTimeout", se.TimeoutError, "connect"),
            ("WriteTimeout", se.TimeoutError, "read"),
            ("ProxyError", se.NetworkError, "connect"),
            ("WriteError", se.NetworkError, "read"),
            ("LocalProtocolError", se.NetworkError, "read"),
        ],
    )
    def test_rows(
        self, httpcore: ModuleType, name: str, cls: type[se.SpiceError], phase: str
    ) -> None:
        """The classes this machine does not provoke, built as httpcore raises them."""
        error = se.from_exception(getattr(httpcore, name)("https://u:S3cr3t@h/"))
        assert cls is type(error)
        assert phase == error.context["phase"]
        assert "S3cr3t" not in repr(error)


class TestUnreadStreams:
    """A status error of a streamed response whose body was never read."""

    @pytest.fixture
    def limited(self, server: ScriptedServer) -> str:
        return server.script(
            "/limited",
            Reply.problem(429, {"Retry-After": "3", "X-Request-Id": "r-2"}, detail="Slow down"),
        )

    @pytest.mark.parametrize("package", ["httpx", "httpx2"])
    def test_httpx(self, package: str, limited: str) -> None:
        """Status and headers decide; the stream is left unread."""
        module = pytest.importorskip(package, reason=f"{package} is not installed")
        with (
            module.Client(trust_env=False) as client,
            client.stream("GET", limited) as response,
        ):
            error = se.from_exception(caught(response.raise_for_status))
            assert not response.is_stream_consumed
            expected = se.http.from_response(429, response.headers, None, method="GET", url=limited)
        assert expected == error
        assert isinstance(error, se.RateLimitError)
        assert 3000 == error.retry_after_ms
        assert "r-2" == error.context["request_id"]
        assert isinstance(error.cause, module.HTTPStatusError)

    def test_requests(self, limited: str) -> None:
        """requests reads a streamed body when `.content` is asked for: it is not asked."""
        with requests.Session() as session:
            session.trust_env = False
            with session.get(limited, stream=True) as response:
                error = se.from_exception(caught(response.raise_for_status))
                assert not response._content_consumed
                expected = se.http.from_response(
                    429, response.headers, None, method="GET", url=limited
                )
        assert expected == error
        assert isinstance(error, se.RateLimitError)
        assert 3000 == error.retry_after_ms

    def test_httpx_read_body_still_decides(self, server: ScriptedServer) -> None:
        """A streamed response read before raise_for_status gives its body as well."""
        url = server.script("/missing", Reply.problem(404, detail="No such order"))
        with httpx.Client(trust_env=False) as client, client.stream("GET", url) as response:
            response.read()
            error = se.from_exception(caught(response.raise_for_status))
        assert "No such order" == error.message
