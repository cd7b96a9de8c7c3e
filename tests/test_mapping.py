"""from_exception: every row of the table, its order, the registry, and hostile input."""

from __future__ import annotations

import asyncio
import builtins
import json
import pickle
import socket
import ssl
import sys
import threading
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import SpiceError


@pytest.fixture
def registry() -> Iterator[list[type[BaseException]]]:
    """Exception types registered by a test, unregistered when it ends."""
    registered: list[type[BaseException]] = []
    yield registered
    for exc_type in registered:
        se.unregister_exception_mapping(exc_type)


class TestRows:
    """One test per row of the table, in the table's order."""

    def test_spice_exception_gives_its_error_unchanged(self) -> None:
        """Row 1: a SpiceException maps to the very error it carries."""
        error = se.RateLimitError("slow down", retry_after_ms=5)
        assert error is se.from_exception(error.to_exception())

    def test_exception_group_gives_its_first_leaf(self) -> None:
        """Row 2: a group maps to its first leaf's error, with size and codes."""
        group = ExceptionGroup(
            "many",
            [
                ValueError("bad"),
                ExceptionGroup("inner", [KeyError("k"), TimeoutError()]),
                OSError(),
            ],
        )
        error = se.from_exception(group)
        assert isinstance(error, se.ValidationError)
        assert "bad" == error.message
        assert 4 == error.context["group_size"]
        assert [
            "VALIDATION_ERROR",
            "UNKNOWN_ERROR",
            "TIMEOUT_ERROR",
            "UNKNOWN_ERROR",
        ] == error.context["group_codes"]

    def test_base_exception_group_from_a_task_group(self) -> None:
        """Row 2: what asyncio.TaskGroup raises maps like any group."""

        async def fail(exc: Exception) -> None:
            await asyncio.sleep(0)
            raise exc

        async def main() -> None:
            async with asyncio.TaskGroup() as group:
                group.create_task(fail(ConnectionRefusedError(111, "refused")))

        with pytest.raises(ExceptionGroup) as caught:
            asyncio.run(main())
        error = se.from_exception(caught.value)
        assert isinstance(error, se.NetworkError)
        assert 1 == error.context["group_size"]
        assert ["NETWORK_ERROR"] == error.context["group_codes"]

    def test_group_holding_a_spice_exception(self) -> None:
        """A group's SpiceException leaf maps to its error."""
        inner = se.AuthenticationError("denied")
        error = se.from_exception(BaseExceptionGroup("g", [inner.to_exception()]))
        assert isinstance(error, se.AuthenticationError)
        assert ["AUTH_ERROR"] == error.context["group_codes"]

    def test_builtin_timeout(self) -> None:
        """Row 3: the builtin TimeoutError (socket.timeout and asyncio's too) is a timeout."""
        aliases = {socket.timeout, asyncio.TimeoutError}
        assert {builtins.TimeoutError} == aliases
        exc = builtins.TimeoutError("read timed out")
        error = se.from_exception(exc)
        assert isinstance(error, se.TimeoutError)
        assert exc is error.cause

    def test_timeout_message(self) -> None:
        """A timeout keeps its text, or says what happened."""
        assert (
            "read timed out" == se.from_exception(builtins.TimeoutError("read timed out")).message
        )
        assert "Operation timed out" == se.from_exception(builtins.TimeoutError()).message

    def test_gaierror(self) -> None:
        """Row 4: a DNS failure is an unknown host, in the connect phase."""
        exc = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        error = se.from_exception(exc)
        assert isinstance(error, se.NetworkError)
        assert error.message.startswith("Unknown host: ")
        assert "Name or service not known" in error.message
        assert "connect" == error.context["phase"]
        assert exc is error.cause

    def test_gaierror_from_a_real_lookup(self) -> None:
        """Row 4, with a real resolver failure (names under .invalid never resolve)."""
        try:
            socket.getaddrinfo("no-such-host.invalid", 80)
        except socket.gaierror as exc:
            error = se.from_exception(exc)
        else:  # pragma: no cover -- a resolver that answers .invalid is broken
            pytest.fail("no-such-host.invalid resolved")
        assert isinstance(error, se.NetworkError)
        assert "connect" == error.context["phase"]

    @pytest.mark.parametrize(
        "exc",
        [
            ssl.SSLError(1, "handshake failure"),
            ssl.SSLCertVerificationError(1, "certificate verify failed"),
        ],
        ids=["SSLError", "SSLCertVerificationError"],
    )
    def test_ssl_error(self, exc: BaseException) -> None:
        """Row 5: TLS failures are network errors marked tls (even the ValueError kind)."""
        error = se.from_exception(exc)
        assert isinstance(error, se.NetworkError)
        assert error.context["tls"] is True
        assert exc is error.cause

    def test_connection_refused(self) -> None:
        """Row 6: refused means the request never left: the connect phase."""
        error = se.from_exception(ConnectionRefusedError(111, "Connection refused"))
        assert isinstance(error, se.NetworkError)
        assert {"phase": "connect"} == dict(error.context)
        assert "[Errno 111] Connection refused" == error.message

    def test_connection_refused_by_a_real_port(self) -> None:
        """Row 6, against a real closed port on 127.0.0.1."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with pytest.raises(ConnectionRefusedError) as caught, socket.socket() as client:
            client.connect(("127.0.0.1", port))
        assert "connect" == se.from_exception(caught.value).context["phase"]

    @pytest.mark.parametrize(
        "exc",
        [ConnectionResetError("reset"), ConnectionAbortedError(), BrokenPipeError()],
        ids=["reset", "aborted", "broken pipe"],
    )
    def test_other_connection_errors(self, exc: BaseException) -> None:
        """Row 7: other connection errors happen while reading: the read phase."""
        error = se.from_exception(exc)
        assert isinstance(error, se.NetworkError)
        assert {"phase": "read"} == dict(error.context)
        assert error.message

    @pytest.mark.parametrize(
        ("exc", "format_name"),
        [
            (json.JSONDecodeError("Expecting value", "x", 0), "json"),
            (pickle.UnpicklingError("invalid load key"), "pickle"),
            (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "utf-8"),
            (UnicodeError("bad text"), "text"),
            (tomllib.TOMLDecodeError("Invalid value"), "toml"),
        ],
        ids=["json", "pickle", "unicode-decode", "unicode", "toml"],
    )
    def test_decoding_errors(self, exc: BaseException, format_name: str) -> None:
        """Row 9: decoding failures are serialization errors naming the format."""
        error = se.from_exception(exc)
        assert isinstance(error, se.SerializationError)
        assert format_name == error.format
        assert exc is error.cause

    def test_real_json_failure(self) -> None:
        """Row 9, from json.loads itself."""
        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads("{nope")
        assert "json" == se.from_exception(caught.value).format  # type: ignore[union-attr]

    @pytest.mark.parametrize("exc", [ValueError("age must be positive"), TypeError("not an int")])
    def test_value_and_type_errors(self, exc: BaseException) -> None:
        """Row 10: bad values are validation errors, and the cause is kept."""
        error = se.from_exception(exc)
        assert isinstance(error, se.ValidationError)
        assert str(exc) == error.message
        assert exc is error.cause

    def test_import_error(self) -> None:
        """Row 11: a missing module is configuration, naming the module."""
        with pytest.raises(ImportError) as caught:
            __import__("spice_errors_no_such_module")
        error = se.from_exception(caught.value)
        assert isinstance(error, se.ConfigurationError)
        assert "spice_errors_no_such_module" == error.context["module"]

    def test_import_error_without_a_name(self) -> None:
        """Row 11, when the import error names no module."""
        error = se.from_exception(ImportError("cannot import"))
        assert isinstance(error, se.ConfigurationError)
        assert {} == dict(error.context)

    @pytest.mark.parametrize(
        ("exc", "qualified"),
        [
            (KeyError("k"), "KeyError"),
            (RuntimeError("r"), "RuntimeError"),
            (BlockingIOError(11, "Resource temporarily unavailable"), "BlockingIOError"),
            (KeyboardInterrupt(), "KeyboardInterrupt"),
        ],
    )
    def test_anything_else(self, exc: BaseException, qualified: str) -> None:
        """Row 12: the rest are unknown errors naming the exception's class."""
        error = se.from_exception(exc)
        assert isinstance(error, se.UnknownError)
        assert {"exception_type": qualified} == dict(error.context)
        assert exc is error.cause

    def test_qualified_name_of_a_user_class(self) -> None:
        """Classes outside builtins are named with their module."""

        class Custom(Exception):
            pass

        error = se.from_exception(Custom())
        expected = f"{__name__}.TestRows.test_qualified_name_of_a_user_class.<locals>.Custom"
        assert expected == error.context["exception_type"]
        assert "Custom" == error.message


class TestPrecedence:
    """Where an exception fits several rows, the earlier, more specific one wins."""

    def test_json_decode_error_is_serialization_not_validation(self) -> None:
        """JSONDecodeError is a ValueError, but the more specific row wins."""
        assert issubclass(json.JSONDecodeError, ValueError)
        assert isinstance(
            se.from_exception(json.JSONDecodeError("x", "d", 0)), se.SerializationError
        )

    def test_unicode_error_is_serialization_not_validation(self) -> None:
        """UnicodeError is a ValueError, but the more specific row wins."""
        assert isinstance(
            se.from_exception(UnicodeEncodeError("ascii", "é", 0, 1, "no")), se.SerializationError
        )

    def test_connection_refused_is_connect_not_read(self) -> None:
        """ConnectionRefusedError is an OSError and a ConnectionError: the refused row wins."""
        assert issubclass(ConnectionRefusedError, OSError)
        assert "connect" == se.from_exception(ConnectionRefusedError()).context["phase"]

    def test_timeout_is_not_unknown_os_error(self) -> None:
        """TimeoutError is an OSError, yet it is a timeout."""
        assert isinstance(se.from_exception(builtins.TimeoutError()), se.TimeoutError)

    def test_cert_verification_is_tls_not_validation(self) -> None:
        """SSLCertVerificationError is also a ValueError: the TLS row comes first."""
        assert issubclass(ssl.SSLCertVerificationError, ValueError)
        assert se.from_exception(ssl.SSLCertVerificationError()).context["tls"] is True

    def test_subclass_of_a_row_follows_the_row(self) -> None:
        """A user's subclass of a builtin maps as its base does."""

        class BadAge(ValueError):
            pass

        assert isinstance(se.from_exception(BadAge("x")), se.ValidationError)


class TestRegistry:
    """Rows users add with register_exception_mapping."""

    def test_registered_mapping_wins_over_the_table(
        self, registry: list[type[BaseException]]
    ) -> None:
        """A registered ValueError subclass maps with its mapper, not the table."""

        class QuotaExceeded(ValueError):
            pass

        se.register_exception_mapping(
            QuotaExceeded, lambda exc: SpiceError.rate_limit_error(str(exc), 60_000)
        )
        registry.append(QuotaExceeded)
        error = se.from_exception(QuotaExceeded("daily quota"))
        assert se.RateLimitError("daily quota", retry_after_ms=60_000) == error
        assert isinstance(se.from_exception(ValueError("x")), se.ValidationError)

    def test_most_specific_registered_type_wins(self, registry: list[type[BaseException]]) -> None:
        """Between two registered bases, the nearer one in the MRO wins."""

        class Base(Exception):
            pass

        class Child(Base):
            pass

        se.register_exception_mapping(Base, lambda exc: SpiceError.unknown_error("base"))
        se.register_exception_mapping(Child, lambda exc: SpiceError.unknown_error("child"))
        registry.extend([Base, Child])
        assert "child" == se.from_exception(Child()).message
        assert "base" == se.from_exception(Base()).message

    def test_registration_applies_to_types_already_seen(
        self, registry: list[type[BaseException]]
    ) -> None:
        """Registering after a type was mapped once takes effect at once."""

        class Late(Exception):
            pass

        assert isinstance(se.from_exception(Late()), se.UnknownError)
        se.register_exception_mapping(Late, lambda exc: SpiceError.config_error("late"))
        registry.append(Late)
        assert isinstance(se.from_exception(Late()), se.ConfigurationError)

    def test_register_again_replaces(self, registry: list[type[BaseException]]) -> None:
        """A second registration for the same type replaces the first."""

        class Twice(Exception):
            pass

        se.register_exception_mapping(Twice, lambda exc: SpiceError.unknown_error("one"))
        se.register_exception_mapping(Twice, lambda exc: SpiceError.unknown_error("two"))
        registry.append(Twice)
        assert "two" == se.from_exception(Twice()).message

    def test_unregister(self) -> None:
        """Unregistering restores the table and says whether anything was there."""

        class Gone(Exception):
            pass

        se.register_exception_mapping(Gone, lambda exc: SpiceError.config_error("gone"))
        assert se.unregister_exception_mapping(Gone)
        assert not se.unregister_exception_mapping(Gone)
        assert isinstance(se.from_exception(Gone()), se.UnknownError)

    def test_spice_exception_row_comes_first(self, registry: list[type[BaseException]]) -> None:
        """A mapping registered for Exception never hides a SpiceException's error."""
        se.register_exception_mapping(Exception, lambda exc: SpiceError.unknown_error("caught all"))
        registry.append(Exception)
        error = se.AgentError("agent")
        assert error is se.from_exception(error.to_exception())
        assert "caught all" == se.from_exception(KeyError()).message

    def test_mapper_that_raises_falls_back(self, registry: list[type[BaseException]]) -> None:
        """A broken mapper falls back to the table, naming its failure."""

        class Flaky(ValueError):
            pass

        def broken(exc: Flaky) -> SpiceError:
            raise RuntimeError("mapper bug")

        se.register_exception_mapping(Flaky, broken)
        registry.append(Flaky)
        error = se.from_exception(Flaky("bad"))
        assert isinstance(error, se.ValidationError)
        assert "RuntimeError: mapper bug" == error.context["mapper_error"]

    def test_mapper_returning_a_non_error_falls_back(
        self, registry: list[type[BaseException]]
    ) -> None:
        """A mapper returning something else falls back, naming what it returned."""

        class Odd(Exception):
            pass

        se.register_exception_mapping(Odd, lambda exc: "not an error")  # type: ignore[arg-type, return-value]
        registry.append(Odd)
        error = se.from_exception(Odd())
        assert isinstance(error, se.UnknownError)
        assert "TypeError: mapper returned str, not a SpiceError" == error.context["mapper_error"]

    @pytest.mark.parametrize(
        ("exc_type", "mapper", "error", "match"),
        [
            (int, lambda exc: exc, TypeError, "exc_type must be an exception class"),
            ("ValueError", lambda exc: exc, TypeError, "exc_type must be an exception class"),
            (ValueError, "not callable", TypeError, "mapper must be callable, got str"),
            (se.SpiceException, lambda exc: exc, ValueError, "SpiceException always maps"),
        ],
    )
    def test_bad_registrations_are_rejected(
        self, exc_type: Any, mapper: Any, error: type[Exception], match: str
    ) -> None:
        """Registration checks its arguments and says what was wrong."""
        with pytest.raises(error, match=match):
            se.register_exception_mapping(exc_type, mapper)

    def test_registry_under_threads(self, registry: list[type[BaseException]]) -> None:
        """Mapping from 8 threads while registering and unregistering stays consistent."""

        class Toggled(Exception):
            pass

        registry.append(Toggled)
        results: list[str] = []
        barrier = threading.Barrier(9)

        def mapping_worker() -> None:
            barrier.wait()
            results.extend(se.from_exception(Toggled()).code for _ in range(2_000))

        def toggling_worker() -> None:
            barrier.wait()
            for _ in range(200):
                se.register_exception_mapping(Toggled, lambda exc: SpiceError.config_error("on"))
                se.unregister_exception_mapping(Toggled)

        threads = [threading.Thread(target=mapping_worker) for _ in range(8)]
        threads.append(threading.Thread(target=toggling_worker))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 16_000 == len(results)
        assert set(results) <= {"UNKNOWN_ERROR", "CONFIG_ERROR"}
        assert isinstance(se.from_exception(Toggled()), se.UnknownError)


def test_dispatch_cache_is_bounded() -> None:
    """Mapping thousands of distinct exception classes keeps the cache bounded."""
    from spice_errors import _from_exception as mapping

    for index in range(mapping._CACHE_LIMIT + 10):
        exc_type = type(f"Dynamic{index}", (Exception,), {})
        assert isinstance(se.from_exception(exc_type()), se.UnknownError)
    assert len(mapping._dispatch) <= mapping._CACHE_LIMIT


def test_same_leaf_twice_counts_twice() -> None:
    """A group listing one exception twice has two leaves."""
    leaf = ValueError("twice")
    error = se.from_exception(ExceptionGroup("g", [leaf, leaf]))
    assert 2 == error.context["group_size"]


class _HollowGroup(ExceptionGroup[Exception]):
    """A group subclass that claims to hold nothing."""

    @property
    def exceptions(self) -> tuple[Exception, ...]:
        return ()


def test_group_without_leaves_is_unknown() -> None:
    """A group that yields no leaves maps as an unknown error about itself."""
    group = _HollowGroup("hollow", [ValueError("hidden")])
    error = se.from_exception(group)
    assert isinstance(error, se.UnknownError)
    assert group is error.cause


def test_huge_groups_are_counted_but_not_all_kept() -> None:
    """A group of more leaves than the limit is counted whole."""
    from spice_errors import _from_exception as mapping

    count = mapping._MAX_GROUP_LEAVES + 5
    error = se.from_exception(ExceptionGroup("big", [ValueError(str(i)) for i in range(count)]))
    assert count == error.context["group_size"]
    codes = error.context["group_codes"]
    assert isinstance(codes, list)
    assert mapping._MAX_GROUP_LEAVES == len(codes)


# -- hostile exceptions ----------------------------------------------------------------


class _BrokenStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no str for you")


class _BrokenValueStr(ValueError):
    def __str__(self) -> str:
        raise ValueError("still no str")


class _Nameless(Exception):
    pass


class _Weird:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __str__(self) -> str:
        raise RuntimeError("no str")


# A module name that cannot be turned into text.
_Nameless.__module__ = _Weird()  # type: ignore[assignment]


class _BrokenAttr(UnicodeError):
    @property
    def encoding(self) -> str:
        raise RuntimeError("no encoding")


def _chain(depth: int, *, attribute: str) -> BaseException:
    root: BaseException = ValueError("root")
    for index in range(depth):
        outer = RuntimeError(f"level {index}")
        setattr(outer, attribute, root)
        root = outer
    return root


def _cycle() -> BaseException:
    first = RuntimeError("first")
    second = ValueError("second")
    first.__cause__ = second
    second.__cause__ = first
    first.__context__ = second
    second.__context__ = first
    return first


_odd_args = st.lists(
    st.none()
    | st.integers()
    | st.binary(max_size=8)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.builds(_Weird)
    | st.tuples(st.integers(), st.text(max_size=3)),
    max_size=4,
)

_exception_classes = st.sampled_from(
    [
        Exception,
        ValueError,
        TypeError,
        OSError,
        ConnectionError,
        ConnectionRefusedError,
        builtins.TimeoutError,
        UnicodeError,
        ImportError,
        KeyError,
        RuntimeError,
        _BrokenStr,
        _BrokenValueStr,
        _Nameless,
        _BrokenAttr,
        KeyboardInterrupt,
        SystemExit,
        GeneratorExit,
        asyncio.CancelledError,
    ]
)


@st.composite
def hostile_exceptions(draw: st.DrawFn) -> BaseException:
    """Exceptions built to break a careless mapper."""
    cls = draw(_exception_classes)
    exc = cls(*draw(_odd_args))
    shape = draw(st.sampled_from(["plain", "cycle", "self-cause", "group", "deep-cause"]))
    if shape == "cycle":
        exc.__cause__ = _cycle()
        exc.__context__ = exc.__cause__
    elif shape == "self-cause":
        exc.__cause__ = exc
        exc.__context__ = exc
    elif shape == "group":
        exc = BaseExceptionGroup("g", [exc, _cycle(), ExceptionGroup("inner", [_BrokenStr()])])
    elif shape == "deep-cause":
        exc.__cause__ = _chain(200, attribute="__cause__")
    return exc


@given(hostile_exceptions())
def test_from_exception_never_raises(exc: BaseException) -> None:
    """Whatever it is given, from_exception returns an error that can be shown."""
    error = se.from_exception(exc)
    assert isinstance(error, SpiceError)
    assert isinstance(repr(error), str)
    assert isinstance(str(error), str)
    assert error.code in str(error)


@pytest.mark.parametrize("attribute", ["__cause__", "__context__"])
def test_ten_thousand_deep_chains(attribute: str) -> None:
    """A 10 000-deep chain maps without recursion trouble."""
    exc = _chain(10_000, attribute=attribute)
    error = se.from_exception(exc)
    assert isinstance(error, se.UnknownError)
    assert "level 9999" == error.message


def test_broken_str_is_named_not_raised() -> None:
    """An exception whose __str__ raises gets a message naming its type."""
    error = se.from_exception(_BrokenValueStr())
    assert isinstance(error, se.ValidationError)
    assert "<unprintable _BrokenValueStr>" == error.message


def test_broken_class_name_still_maps() -> None:
    """A class whose module cannot be shown is named by __name__."""
    error = se.from_exception(_Nameless("x"))
    assert "_Nameless" == error.context["exception_type"]


def test_broken_attribute_falls_back_to_unknown() -> None:
    """If a row itself fails on the exception, the result is an UnknownError, not a crash."""
    exc = _BrokenAttr("bad")
    error = se.from_exception(exc)
    assert isinstance(error, se.UnknownError)
    assert exc is error.cause
    assert "RuntimeError" == error.context["mapper_error"]
    assert f"<unmappable {__name__}._BrokenAttr>" == error.message


def test_not_an_exception_at_all() -> None:
    """Even a non-exception passed by mistake gives a well-formed error, with no cause."""
    error = se.from_exception(42)  # type: ignore[arg-type]
    assert isinstance(error, se.UnknownError)
    assert "int" == error.context["exception_type"]
    assert "Not an exception: int" == error.message
    assert error.cause is None
    assert "UNKNOWN_ERROR" == error.to_exception().code
    assert error.report().startswith("UnknownError (UNKNOWN_ERROR): Not an exception: int")


def test_urls_in_messages_are_redacted() -> None:
    """A URL in an exception's message loses its userinfo and secret query values."""
    error = se.from_exception(
        RuntimeError("GET https://bob:S3cr3t@api.example/x?api_key=S3cr3t2 failed")
    )
    assert "GET https://api.example/x?api_key=*** failed" == error.message


def test_from_exception_is_also_a_static_method() -> None:
    """SpiceError.from_exception is the same mapping."""
    assert se.from_exception(KeyError("k")) == SpiceError.from_exception(KeyError("k"))


def test_table_does_not_import_modules_it_tests_for() -> None:
    """Mapping an exception does not import ssl, pickle or tomllib just to check."""
    import subprocess

    code = (
        "import sys, spice_errors as se\n"
        "se.from_exception(ValueError('x'))\n"
        "print(sorted(m for m in ('ssl', 'pickle', 'tomllib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "[]" == out.stdout.strip()
