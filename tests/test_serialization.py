"""Errors and results through dicts, JSON and pickle, cause chains included."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import pickle
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, SerializedException, SpiceError, SpiceResult, Success
from spice_errors._serialization import error_to_dict, picklable_chain
from spice_errors._text import next_cause
from tests import strategies

CAUSE_TYPES = [ValueError, KeyError, RuntimeError, OSError, ConnectionResetError]
CUT = "the cause chain is cut here: it had more than 64 links"
"""The message of the link that ends a chain cut after 64 links."""


@st.composite
def cause_chains(draw: st.DrawFn) -> BaseException | None:
    """None, or a chain of one to five exceptions linked by __cause__."""
    links = draw(
        st.lists(st.tuples(st.sampled_from(CAUSE_TYPES), st.text(max_size=10)), max_size=5)
    )
    head: BaseException | None = None
    for cls, message in reversed(links):
        exc = cls(message)
        exc.__cause__ = head
        head = exc
    return head


@st.composite
def errors_with_causes(draw: st.DrawFn) -> SpiceError:
    error = draw(strategies.errors)
    import attrs

    return attrs.evolve(error, cause=draw(cause_chains()))


def chain(cause: BaseException | None) -> list[str]:
    """The messages along a cause chain (as tracebacks follow it), as str() shows them."""
    messages = []
    while cause is not None:
        messages.append(str(cause))
        cause = next_cause(cause)
    return messages


class TestRoundTrips:
    """What goes out comes back."""

    @given(errors_with_causes())
    def test_dict(self, error: SpiceError) -> None:
        """error_from_dict(e.to_dict(redact=False)) == e, timestamp and causes too."""
        back = se.error_from_dict(error.to_dict(redact=False))
        assert error == back
        assert error.timestamp == back.timestamp
        assert chain(error.cause) == chain(back.cause)

    @given(errors_with_causes())
    def test_json(self, error: SpiceError) -> None:
        """The same through JSON text."""
        text = error.to_json(redact=False)
        json.loads(text)  # standard JSON
        back = se.error_from_json(text)
        assert error == back
        assert chain(error.cause) == chain(back.cause)

    @given(
        st.one_of(
            st.integers().map(Success),
            st.text().map(Success),
            st.lists(st.integers()).map(Success),
            errors_with_causes().map(Failure),
        )
    )
    def test_results(self, result: SpiceResult[object]) -> None:
        """Results round-trip through dicts and JSON."""
        assert result == se.result_from_dict(result.to_dict(redact=False))
        assert result == se.result_from_json(result.to_json(redact=False).encode())

    @given(errors_with_causes())
    def test_pickle(self, error: SpiceError) -> None:
        """Any error pickles, its cause chain as far as Python pickles it."""
        back = pickle.loads(pickle.dumps(error))
        assert error == back
        if error.cause is not None:
            assert str(error.cause) == str(back.cause)

    def test_spice_exception_causes_keep_their_error(self) -> None:
        """A SpiceException in the chain comes back with its error, not as text."""
        last = se.NetworkError("Bad gateway", status_code=502, context={"attempt": 3})
        exhausted = se.ExecutionError(
            "Retry exhausted after 3 attempts: Bad gateway", cause=last.to_exception()
        )
        back = se.error_from_json(exhausted.to_json(redact=False))
        assert isinstance(back.cause, se.SpiceException)
        assert last == back.cause.error

    def test_result_values_become_json(self) -> None:
        """A result's value is made JSON-ready: tuples become lists, objects text."""
        assert Success([1, "x"]) == se.result_from_json(Success((1, "x")).to_json())
        assert {"success": True, "value": (1, 2)} == Success((1, 2)).to_dict()


class TestRedaction:
    """to_dict and to_json mask secrets unless told not to."""

    ERROR = se.NetworkError(
        "GET https://bob:S3cr3t-pw@api.example/v1?access_token=S3cr3t-q failed",
        status_code=401,
        endpoint="https://bob:S3cr3t-pw@api.example/v1?access_token=S3cr3t-q",
        context={"authorization": "Bearer S3cr3t-auth", "headers": {"Cookie": "S3cr3t-c"}},
        cause=ValueError("token=S3cr3t-cause"),
    )

    def test_default_is_masked(self) -> None:
        """No secret in the dict or the JSON."""
        assert "S3cr3t" not in json.dumps(self.ERROR.to_dict())
        assert "S3cr3t" not in self.ERROR.to_json()
        assert "S3cr3t" not in Failure(self.ERROR).to_json()

    def test_trusted_transport_keeps_everything(self) -> None:
        """redact=False is for trusted transport: everything is kept."""
        raw = self.ERROR.to_json(redact=False)
        assert raw.count("S3cr3t") >= 5
        assert self.ERROR == se.error_from_json(raw)

    def test_shape(self) -> None:
        """The documented keys, in order."""
        assert ["code", "type", "message", "timestamp", "context", "fields", "cause"] == list(
            self.ERROR.to_dict()
        )


class TestCauseChains:
    """Chains that loop or never end are cut."""

    def test_cycle(self) -> None:
        """A cause chain that loops is cut at the first repeat."""
        first, second = ValueError("first"), ValueError("second")
        first.__cause__, second.__cause__ = second, first
        back = se.error_from_dict(se.UnknownError("x", cause=first).to_dict(redact=False))
        assert ["first", "second"] == chain(back.cause)

    def test_long_chain(self) -> None:
        """A 10 000-deep chain is cut at 64 links."""
        head: BaseException | None = None
        for index in range(10_000):
            exc = RuntimeError(f"level {index}")
            exc.__cause__ = head
            head = exc
        data = se.UnknownError("deep", cause=head).to_dict()
        back = se.error_from_dict(data)
        assert [f"level {9999 - index}" for index in range(64)] == chain(back.cause)[:64]
        assert [CUT] == chain(back.cause)[64:]

    def test_implicit_context_is_followed(self) -> None:
        """Without __cause__, the implicit __context__ is the next link."""

        def inner() -> None:
            raise KeyError("inner")

        def fail() -> None:
            try:
                inner()
            except KeyError:
                raise RuntimeError("outer")  # noqa: B904 -- the implicit context is the point

        with pytest.raises(RuntimeError) as caught:
            fail()
        data = error_to_dict(se.UnknownError("x", cause=caught.value), redact=False)
        assert ["outer", "'inner'"] == chain(se.error_from_dict(data).cause)

    def test_broken_str(self) -> None:
        """A cause whose __str__ raises is named, not fatal."""

        class Broken(Exception):
            def __str__(self) -> str:
                raise RuntimeError("no")

        data = se.UnknownError("x", cause=Broken()).to_dict()
        assert data["cause"]["message"].endswith("Broken>")  # type: ignore[index]

    def test_serialized_exception(self) -> None:
        """The stand-in keeps the type name, the message and its chain through pickle."""
        exc = SerializedException("mylib.Boom", "boom")
        exc.__cause__ = SerializedException("builtins.OSError", "disk")
        back = pickle.loads(pickle.dumps(exc))
        assert ("mylib.Boom", "boom") == (back.type_name, str(back))
        assert "disk" == str(back.__cause__)
        assert "SerializedException('mylib.Boom', 'boom')" == repr(exc)
        data = se.UnknownError("x", cause=exc).to_dict()
        assert "mylib.Boom" == data["cause"]["type"]  # type: ignore[index]


class TestPickle:
    """Pickling across processes, and causes that will not pickle."""

    def test_unpicklable_cause_degrades_to_data(self) -> None:
        """A cause that cannot be pickled travels as data, chain and all."""

        class Handle(Exception):
            def __init__(self, lock: Any) -> None:
                super().__init__("lost the lock")
                self.lock = lock

        cause = Handle(threading.Lock())
        cause.__cause__ = OSError("underlying")
        error = se.CheckpointError("save failed", checkpoint_id="c1", cause=cause)
        back = pickle.loads(pickle.dumps(error))
        assert error == back
        assert isinstance(back.cause, SerializedException)
        assert back.cause.type_name.endswith("Handle")
        assert ["lost the lock", "underlying"] == chain(back.cause)

    def test_cause_that_fails_to_unpickle_degrades(self) -> None:
        """A cause that pickles but cannot be rebuilt (a required argument) degrades too."""
        [(degraded, _)] = picklable_chain(NeedsTwo("a", "b")) or ()
        assert isinstance(degraded, SerializedException)
        assert picklable_chain(None) is None
        plain = ValueError("fine")
        assert ((plain, False),) == picklable_chain(plain)

    def test_whole_chain_survives(self) -> None:
        """Pickle drops `__cause__` and `__context__`; an error's chain keeps every link."""
        root = OSError("disk full")
        middle = ValueError("bad frame")
        middle.__context__ = root  # implicit: raised while handling root
        top = ConnectionResetError("reset by peer")
        top.__cause__ = middle  # explicit: raise ... from middle
        back = pickle.loads(pickle.dumps(se.NetworkError("down", cause=top)))
        assert ["reset by peer", "bad frame", "disk full"] == chain(back.cause)
        assert isinstance(back.cause.__cause__, ValueError)
        assert back.cause.__suppress_context__
        assert back.cause.__cause__.__cause__ is None
        assert isinstance(back.cause.__cause__.__context__, OSError)
        assert not back.cause.__cause__.__suppress_context__

    def test_unpicklable_link_in_the_middle(self) -> None:
        """The links above an unpicklable one stay real; it and the rest travel as data."""
        top = ConnectionResetError("reset")
        top.__cause__ = NeedsTwo("half", "x")
        top.__cause__.__cause__ = OSError("root")
        back = pickle.loads(pickle.dumps(se.NetworkError("down", cause=top)))
        assert isinstance(back.cause, ConnectionResetError)
        assert isinstance(back.cause.__cause__, SerializedException)
        assert ["reset", "half", "root"] == chain(back.cause)

    def test_cyclic_and_long_chains_are_cut(self) -> None:
        """A cycle is cut at its first repeat, a long chain after 64 links."""
        first, second = ValueError("a"), ValueError("b")
        first.__cause__, second.__cause__ = second, first
        back = pickle.loads(pickle.dumps(se.UnknownError("x", cause=first)))
        assert ["a", "b"] == chain(back.cause)
        links = [ValueError(str(index)) for index in range(100)]
        for upper, lower in itertools.pairwise(links):
            upper.__cause__ = lower
        back = pickle.loads(pickle.dumps(se.UnknownError("x", cause=links[0])))
        assert [*[str(index) for index in range(64)], CUT] == chain(back.cause)

    def test_spice_exception_with_unpicklable_cause(self) -> None:
        """The exception form pickles too."""
        exc = se.UnknownError("x", cause=NeedsTwo("a", "b")).to_exception()
        back = pickle.loads(pickle.dumps(exc))
        assert exc.error == back.error
        assert "a" == str(back.__cause__)

    def test_through_a_process_pool(self) -> None:
        """Errors and results cross real process boundaries and still match."""
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            results = list(pool.map(produce, range(20)))
        assert [expected(index) for index in range(20)] == results
        for index, result in enumerate(results):
            match result:
                case Success(value):
                    assert index == value
                case Failure(se.NetworkError(status_code=status)):
                    assert 503 == status
                    assert "NeedsTwo" in result.error.cause.type_name  # type: ignore[union-attr]
                case Failure(error):
                    assert isinstance(error, se.RateLimitError)


class NeedsTwo(Exception):
    """An exception that pickles but cannot be unpickled: __init__ needs two arguments."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(first)
        self.second = second


def expected(index: int) -> SpiceResult[int]:
    """What `produce` returns for ``index``, built here."""
    if index % 3 == 0:
        return Success(index)
    if index % 3 == 1:
        return Failure(se.NetworkError("down", status_code=503, cause=NeedsTwo("a", "b")))
    return Failure(se.RateLimitError("slow", retry_after_ms=index))


def produce(index: int) -> SpiceResult[int]:
    """Runs in a worker process."""
    return expected(index)


class TestReaders:
    """The readers raise SpiceException carrying a SerializationError, and nothing else."""

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ([], "expected an object, got list"),
            ({"code": "NOPE"}, "unknown code 'NOPE'"),
            ({"code": "AUTH_ERROR"}, "'message' must be str, got NoneType"),
            ({"code": "AUTH_ERROR", "message": "x", "timestamp": "now"}, "'timestamp' must be int"),
            ({"code": "AUTH_ERROR", "message": "x", "timestamp": True}, "'timestamp' must be int"),
            ({"code": "AUTH_ERROR", "message": "x", "context": []}, "'context' must be an object"),
            (
                {"code": "AUTH_ERROR", "message": "x", "context": {1: 2}},
                "'context' must have text keys",
            ),
            ({"code": "AUTH_ERROR", "message": "x", "fields": 3}, "'fields' must be an object"),
            ({"code": "AUTH_ERROR", "message": "x", "cause": "oops"}, "a cause must be an object"),
            ({"code": "AUTH_ERROR", "message": "x", "cause": {"type": 1}}, "'type' must be str"),
        ],
    )
    def test_error_from_dict(self, data: Any, message: str) -> None:
        """Each problem is named."""
        with pytest.raises(se.SpiceException, match=message) as caught:
            se.error_from_dict(data)
        assert isinstance(caught.value.error, se.SerializationError)
        assert "dict" == caught.value.error.format

    def test_type_name_without_code(self) -> None:
        """The class can also come from the type name alone."""
        assert isinstance(
            se.error_from_dict({"type": "TimeoutError", "message": "slow"}), se.TimeoutError
        )

    def test_missing_timestamp_is_now(self) -> None:
        """Data without a timestamp gets the current one."""
        assert se.error_from_dict({"code": "AUTH_ERROR", "message": "x"}).timestamp > 0

    def test_typed_fields_of_the_wrong_shape_stay_in_context(self) -> None:
        """A field that cannot be read is kept in context, not lost."""
        error = se.error_from_dict(
            {"code": "NETWORK_ERROR", "message": "x", "fields": {"status_code": "503"}}
        )
        assert isinstance(error, se.NetworkError)
        assert error.status_code is None
        assert "503" == error.context["status_code"]

    def test_hints_are_read_back(self) -> None:
        """A RetryHint in fields comes back as one, or stays data when it is wrong."""
        hint = se.RetryHint(retry_after_ms=5, max_attempts=2, reason="r")
        good = se.error_from_dict(se.RetryableError("x", retry_hint=hint).to_dict())
        assert hint == good.retry_hint  # type: ignore[union-attr]
        bad = se.error_from_dict(
            {
                "code": "RETRYABLE_ERROR",
                "message": "x",
                "fields": {"retry_hint": {"max_attempts": 0}},
            }
        )
        assert bad.retry_hint is None  # type: ignore[union-attr]

    def test_too_long_chains_are_refused(self) -> None:
        """A cause chain deeper than any writer makes is refused."""
        cause: dict[str, object] | None = None
        for _ in range(70):
            cause = {"type": "builtins.ValueError", "message": "x", "cause": cause}
        with pytest.raises(se.SpiceException, match="longer than 64"):
            se.error_from_dict({"code": "UNKNOWN_ERROR", "message": "x", "cause": cause})

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"success": True}, "expected"),
            ({"success": "yes", "value": 1}, "expected"),
            ({"success": False}, "expected"),
            (7, "expected an object, got int"),
        ],
    )
    def test_result_from_dict(self, data: Any, message: str) -> None:
        """Malformed results are named too."""
        with pytest.raises(se.SpiceException, match=message):
            se.result_from_dict(data)

    @pytest.mark.parametrize("text", ["", "{", "[1]", b"\xff", 5, None, '"text"'])
    def test_json_readers(self, text: Any) -> None:
        """Bad JSON is a SpiceException from both JSON readers."""
        for reader in (se.error_from_json, se.result_from_json):
            with pytest.raises(se.SpiceException) as caught:
                reader(text)
            assert isinstance(caught.value.error, se.SerializationError)

    def test_unexpected_failures_are_wrapped(self) -> None:
        """A mapping that fails when read gives a SpiceException too."""

        class Hostile(dict[str, object]):
            def get(self, key: str, default: object = None) -> object:
                raise RuntimeError("unreadable")

        with pytest.raises(se.SpiceException, match=r"data \(RuntimeError\)") as caught:
            se.error_from_dict(Hostile())
        assert isinstance(caught.value.__cause__, RuntimeError)
        with pytest.raises(se.SpiceException):
            se.result_from_dict(Hostile())

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "code",
                        "type",
                        "message",
                        "timestamp",
                        "context",
                        "fields",
                        "cause",
                        "success",
                        "value",
                        "error",
                    ]
                )
                | st.text(max_size=5),
                children,
                max_size=6,
            )
        ),
        max_leaves=12,
    )

    @given(json_values)
    def test_fuzz_dicts(self, data: object) -> None:
        """Any JSON value: a value or a SpiceException, never anything else."""
        for reader in (se.error_from_dict, se.result_from_dict):
            outcome = read(reader, data)
            assert not isinstance(outcome, se.SpiceException) or isinstance(
                outcome.error, se.SerializationError
            )

    @given(st.binary(max_size=100) | st.text(max_size=100) | json_values.map(json.dumps))
    def test_fuzz_json(self, text: str | bytes) -> None:
        """Any bytes or text: a value or a SpiceException."""
        for reader in (se.error_from_json, se.result_from_json):
            outcome = read(reader, text)
            assert not isinstance(outcome, se.SpiceException) or isinstance(
                outcome.error, se.SerializationError
            )


def read(reader: Any, data: object) -> object:
    """What a reader returns, or the SpiceException it raises (any other escapes)."""
    try:
        return reader(data)
    except se.SpiceException as exc:
        return exc


def test_deep_context_is_cut() -> None:
    """A context nested deeper than 32 levels is cut when made JSON-ready."""
    nested: dict[str, object] = {}
    cursor = nested
    for _ in range(40):
        cursor["next"] = {}
        cursor = cursor["next"]  # type: ignore[assignment]
    text = se.UnknownError("x", context={"deep": nested}).to_json(redact=False)
    assert '"..."' in text


# -- chains through SpiceExceptions, cut at 64 links in every form --------------------------


def spice_chain(length: int) -> SpiceError:
    """``length`` errors, each the cause of the next through its SpiceException."""
    error = SpiceError.unknown_error("link 0")
    for index in range(1, length):
        error = SpiceError.unknown_error(f"link {index}", cause=error.to_exception())
    return error


def alternating_chain(length: int) -> SpiceError:
    """An error whose chain alternates plain exceptions and SpiceExceptions below them."""
    head: BaseException | None = None
    for index in range(length):
        if index % 2:
            head = SpiceError.unknown_error(f"link {index}", cause=head).to_exception()
        else:
            plain = RuntimeError(f"link {index}")
            plain.__cause__ = head
            head = plain
    return se.UnknownError("top", cause=head)


def every_form(error: SpiceError) -> dict[str, SpiceError]:
    """``error`` rebuilt from each of its forms: dict, JSON, pickle, and those of results."""
    failed = pickle.loads(pickle.dumps(Failure(error)))
    exc = pickle.loads(pickle.dumps(error.to_exception()))
    return {
        "dict": se.error_from_dict(error.to_dict(redact=False)),
        "json": se.error_from_json(error.to_json(redact=False)),
        "redacted json": se.error_from_json(error.to_json()),
        "pickle": pickle.loads(pickle.dumps(error)),
        "result dict": se.result_from_dict(Failure(error).to_dict()).error_or_none(),
        "result json": se.result_from_json(Failure(error).to_json()).error_or_none(),
        "result pickle": failed.error_or_none(),
        "exception pickle": exc.error,
    }


LINK_KINDS = ["plain", "implicit", "spice", "raised from", "unpicklable", "serialized"]
"""The kinds of link `mixed_chain` makes."""


class TestChainsThroughSpiceExceptions:
    """A SpiceException's error's chain goes on with the chain: 64 links in all, then a mark."""

    @pytest.mark.parametrize("length", [150, 500, 10_000])
    @pytest.mark.parametrize("build", [spice_chain, alternating_chain])
    def test_long_chains_are_cut_in_every_form(
        self, build: Callable[[int], SpiceError], length: int
    ) -> None:
        """No form recurses out; each keeps the first 64 links and marks the cut."""
        error = build(length)
        expected = [*chain(error.cause)[:64], CUT]
        for form, back in every_form(error).items():
            assert error == back, form
            assert expected == chain(back.cause), form
            last = last_link(back.cause)
            assert isinstance(last, SerializedException), form
            assert "..." == last.type_name, form

    def test_the_cut_in_the_data_form(self) -> None:
        """The last link of a cut chain says so, as the data form marks its other cuts."""
        data = spice_chain(100).to_dict()
        node: Any = data["cause"]
        for _ in range(64):
            node = node["error"]["cause"]
        assert {"type": "...", "message": CUT, "cause": None} == node

    def test_a_chain_of_64_is_whole(self) -> None:
        """Exactly 64 links travel whole, without a mark."""
        error = se.UnknownError("top", cause=spice_chain(64).to_exception())
        for form, back in every_form(error).items():
            assert chain(error.cause) == chain(back.cause), form

    def test_the_cut_mark_reads_back_the_same(self) -> None:
        """A chain rebuilt with its mark writes the same data again."""
        data = spice_chain(100).to_dict(redact=False)
        again = se.error_from_dict(data).to_dict(redact=False)
        assert strip_times(data) == strip_times(again)
        twice = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(spice_chain(100)))))
        assert [*chain(spice_chain(100).cause)[:64], CUT] == chain(twice.cause)

    def test_both_branches_of_a_spice_exception_share_the_64_links(self) -> None:
        """A SpiceException raised from something else than its error's cause keeps both.

        Its error's chain and its own chain are both written, and the 64 links are
        counted over the two.
        """
        below_error = plain_chain("error", 40)
        below_raise = plain_chain("raise", 40)
        exc = se.NetworkError("down", cause=below_error).to_exception()
        exc.__cause__ = below_raise  # raise error.to_exception() from below_raise
        error = se.UnknownError("top", cause=exc)
        for form, back in every_form(error).items():
            inner = back.cause
            assert isinstance(inner, se.SpiceException), form
            via_error, via_raise = chain(inner.error.cause), chain(inner.__cause__)
            assert [f"error {index}" for index in range(40)] == via_error, form
            assert [*[f"raise {index}" for index in range(23)], CUT] == via_raise, form

    def test_a_loop_through_a_spice_exception_ends(self) -> None:
        """A chain that loops back through a SpiceException's error is cut at the repeat."""
        plain = ValueError("plain")
        exc = se.NetworkError("down", cause=plain).to_exception()
        plain.__cause__ = exc
        error = se.UnknownError("top", cause=exc)
        for form, back in every_form(error).items():
            assert ["down", "plain"] == chain(back.cause), form

    def test_the_reader_counts_links_through_spice_exceptions(self) -> None:
        """Data holding more than 64 links, however nested, is refused."""
        data = spice_chain(66).to_dict(redact=False)
        node: Any = data["cause"]
        for _ in range(63):
            node = node["error"]["cause"]
        assert "..." == node["error"]["cause"]["type"]
        node["error"]["cause"] = {"type": "builtins.ValueError", "message": "65th", "cause": None}
        with pytest.raises(se.SpiceException, match="longer than 64 links"):
            se.error_from_dict(data)

    def test_the_reader_stops_at_the_mark(self) -> None:
        """Whatever follows a mark of a cut is not read."""
        cause = {"type": "...", "message": "cut", "cause": {"type": 1}}
        back = se.error_from_dict({"code": "UNKNOWN_ERROR", "message": "x", "cause": cause})
        assert ["cut"] == chain(back.cause)

    @given(st.lists(st.sampled_from(LINK_KINDS), max_size=200))
    def test_any_chain_travels(self, kinds: list[str]) -> None:
        """Any chain of mixed links (0 to 200) pickles and goes through JSON; 64 kept."""
        error = se.UnknownError("top", cause=mixed_chain(kinds))
        expected = chain(error.cause)
        if len(expected) > 64:
            expected = [*expected[:64], CUT]
        for back in (
            pickle.loads(pickle.dumps(error)),
            se.error_from_json(error.to_json(redact=False)),
        ):
            assert error == back
            assert expected == chain(back.cause)


def mixed_chain(kinds: list[str]) -> BaseException | None:
    """A chain with one link of each kind named, the first on top."""
    head: BaseException | None = None
    for index, kind in enumerate(reversed(kinds)):
        message = f"{kind} {index}"
        link: BaseException
        if kind == "spice":
            link = se.ValidationError(message, field="f", cause=head).to_exception()
        elif kind == "raised from":
            link = se.ValidationError(message).to_exception()
        elif kind == "unpicklable":
            link = NeedsTwo(message, "x")
        elif kind == "serialized":
            link = SerializedException("mylib.Gone", message)
        else:
            link = ValueError(message)
        if kind == "implicit":
            link.__context__ = head
        elif kind != "spice":
            link.__cause__ = head
        head = link
    return head


def plain_chain(name: str, length: int) -> BaseException:
    """``length`` plain exceptions, ``name 0`` on top."""
    links = [ValueError(f"{name} {index}") for index in range(length)]
    for upper, lower in itertools.pairwise(links):
        upper.__cause__ = lower
    return links[0]


def last_link(cause: BaseException | None) -> BaseException | None:
    """The last link of a chain (with no loop)."""
    while cause is not None and next_cause(cause) is not None:
        cause = next_cause(cause)
    return cause


def strip_times(data: object) -> object:
    """``data`` without its timestamps, which differ between errors made apart."""
    if isinstance(data, dict):
        return {key: strip_times(value) for key, value in data.items() if key != "timestamp"}
    return data


class TestNotes:
    """Notes (PEP 678) on the links of a chain travel with them."""

    def charging(self) -> se.SpiceException:
        exc = se.NetworkError("Card declined", status_code=402).to_exception()
        exc.add_note("while charging order 7")
        return exc

    def test_a_spice_exception_in_a_chain_keeps_its_notes(self) -> None:
        """Pickled as a cause: its own note with the code, once, and the note added."""
        exc = self.charging()
        assert ["spice_errors: NETWORK_ERROR", "while charging order 7"] == [
            note.partition(" context=")[0] for note in exc.__notes__
        ]
        error = se.UnknownError("checkout failed", cause=exc)
        for form in ("pickle", "exception pickle", "result pickle", "dict", "json"):
            back = every_form(error)[form].cause
            assert isinstance(back, se.SpiceException), form
            assert exc.__notes__ == back.__notes__, form

    def test_a_spice_exception_pickled_alone_keeps_its_notes(self) -> None:
        """pickle.loads(pickle.dumps(exc)) gives every note back, none doubled."""
        exc = self.charging()
        back = pickle.loads(pickle.dumps(exc))
        assert exc.__notes__ == back.__notes__
        assert exc.error == back.error

    def test_notes_in_the_data_form(self) -> None:
        """A link's added notes are data, masked unless redact=False."""
        exc = self.charging()
        exc.add_note("retrying https://bob:S3cr3t@pay.example/v1?token=S3cr3t")
        plain = ValueError("bad card")
        plain.add_note("token=S3cr3t-plain")
        exc.__cause__ = plain
        error = se.UnknownError("checkout failed", cause=exc)
        cause: Any = error.to_dict()["cause"]
        assert [
            "while charging order 7",
            "retrying https://pay.example/v1?token=***",
        ] == cause["notes"]
        assert ["token=***"] == cause["cause"]["notes"]
        raw: Any = error.to_dict(redact=False)["cause"]
        assert "token=S3cr3t-plain" == raw["cause"]["notes"][0]
        back = se.error_from_dict(error.to_dict(redact=False))
        assert isinstance(back.cause, se.SpiceException)
        assert exc.__notes__ == back.cause.__notes__
        assert ["token=S3cr3t-plain"] == back.cause.__cause__.__notes__  # type: ignore[union-attr]
        assert "S3cr3t" not in error.to_json()

    def test_a_plain_link_without_notes_has_no_notes_key(self) -> None:
        """The common link stays three keys."""
        cause: Any = se.UnknownError("x", cause=ValueError("v")).to_dict()["cause"]
        assert ["type", "message", "cause"] == list(cause)

    def test_notes_of_links_that_do_not_pickle(self) -> None:
        """A link in its data form, in a pickled chain, keeps its notes."""
        unpicklable = NeedsTwo("half", "x")
        unpicklable.add_note("seen in worker 3")
        stand_in = pickle.loads(pickle.dumps(se.UnknownError("x", cause=unpicklable))).cause
        assert isinstance(stand_in, SerializedException)
        assert ["seen in worker 3"] == stand_in.__notes__
        alone = SerializedException("mylib.Gone", "gone")
        alone.add_note("a note")
        assert ["a note"] == pickle.loads(pickle.dumps(alone)).__notes__

    @pytest.mark.parametrize("notes", ["a note", [1], {"a": 1}])
    def test_bad_notes_are_refused(self, notes: object) -> None:
        """Notes must be a list of text."""
        cause = {"type": "builtins.ValueError", "message": "x", "notes": notes, "cause": None}
        with pytest.raises(se.SpiceException, match="'notes' must be a list of text"):
            se.error_from_dict({"code": "UNKNOWN_ERROR", "message": "x", "cause": cause})


class TestSpiceExceptionText:
    """str() of a SpiceException is its message masked, also once rebuilt."""

    @pytest.mark.parametrize(
        "message",
        [
            "plain words",
            "GET https://bob:S3cr3t@api.example/v1?access_token=S3cr3t failed",
            "Authorization: Bearer S3cr3t-token was refused",
            "",
        ],
    )
    def test_rebuilt_from_pickle_or_json(self, message: str) -> None:
        """The same str from pickle (alone, and in a chain) and from both JSON forms."""
        exc = se.AuthenticationError(message, context={"api_key": "S3cr3t"}).to_exception()
        assert "S3cr3t" not in str(exc)
        error = se.UnknownError("x", cause=exc)
        rebuilt = [
            pickle.loads(pickle.dumps(exc)),
            pickle.loads(pickle.dumps(error)).cause,
            se.error_from_json(error.to_json()).cause,
            se.error_from_json(error.to_json(redact=False)).cause,
        ]
        for back in rebuilt:
            assert isinstance(back, se.SpiceException)
            assert str(exc) == str(back)
            assert exc.args == back.args

    @given(st.text(max_size=40))
    def test_any_message(self, message: str) -> None:
        """Whatever the message, pickle and trusted JSON give back the same str."""
        exc = se.UnknownError(message).to_exception()
        error = se.UnknownError("x", cause=exc)
        assert str(exc) == str(pickle.loads(pickle.dumps(exc)))
        assert str(exc) == str(se.error_from_json(error.to_json(redact=False)).cause)


class TestValuesJsonHolds:
    """redact=False keeps every value JSON can hold."""

    def test_a_677_digit_int(self) -> None:
        """Kept whole by redact=False, and read back equal."""
        error = se.UnknownError("x", context={"n": 10**676, "nested": [-(10**676)]})
        assert 677 == len(str(error.context["n"]))
        assert se.error_from_json(error.to_json(redact=False)).context == error.context
        assert 10**676 == error.to_dict(redact=False)["context"]["n"]  # type: ignore[index]
        json.loads(error.to_json())  # the masked form may shorten it, and is JSON still
        assert Success(10**676) == se.result_from_json(Success(10**676).to_json())

    def test_up_to_pythons_digit_limit(self) -> None:
        """An int of as many digits as Python writes is kept; one more is described."""
        limit = sys.get_int_max_str_digits()
        widest = 10**limit - 1
        error = se.UnknownError("x", context={"widest": widest, "over": 10**limit})
        context: Any = error.to_dict(redact=False)["context"]
        assert widest == context["widest"]
        assert f"<int of {(10**limit).bit_length()} bits>" == context["over"]
        back = se.error_from_json(error.to_json(redact=False))
        assert widest == back.context["widest"]

    @pytest.mark.parametrize("limit", [0, 640])
    def test_another_digit_limit(self, limit: int) -> None:
        """The limit is Python's as set now: none at all, or a lower one."""
        before = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(limit)
        try:
            context: Any = se.UnknownError("x", context={"n": 10**5000}).to_dict(redact=False)
        finally:
            sys.set_int_max_str_digits(before)
        expected = 10**5000 if limit == 0 else f"<int of {(10**5000).bit_length()} bits>"
        assert expected == context["context"]["n"]

    def test_lone_surrogates_are_escaped(self) -> None:
        """JSON text holding a lone surrogate still encodes as UTF-8, and reads back equal."""
        error = se.UnknownError("name \udcff", context={"path": "/srv/\udcff", "é": "é"})
        for redact in (True, False):
            text = error.to_json(redact=redact)
            text.encode()
            assert "\\udcff" in text
        back = se.error_from_json(error.to_json(redact=False))
        assert (error.message, error.context) == (back.message, back.context)
        assert '"é":"é"' in se.UnknownError("x", context={"é": "é"}).to_json()
