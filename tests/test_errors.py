"""The error values: types, codes, fields, factories, context, exceptions, pickling."""

from __future__ import annotations

import copy
import pickle
import time
import traceback
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import SpiceError
from spice_errors._errors import ALL_TYPES as _ALL_TYPES
from tests import strategies

CODES = {
    "AgentError": "AGENT_ERROR",
    "CommError": "COMM_ERROR",
    "ExecutionError": "EXECUTION_ERROR",
    "ToolError": "TOOL_ERROR",
    "ToolLookupError": "TOOL_LOOKUP_ERROR",
    "ConfigurationError": "CONFIG_ERROR",
    "ValidationError": "VALIDATION_ERROR",
    "NetworkError": "NETWORK_ERROR",
    "TimeoutError": "TIMEOUT_ERROR",
    "AuthenticationError": "AUTH_ERROR",
    "RateLimitError": "RATE_LIMIT_ERROR",
    "SerializationError": "SERIALIZATION_ERROR",
    "CheckpointError": "CHECKPOINT_ERROR",
    "RoutingError": "ROUTING_ERROR",
    "RetryableError": "RETRYABLE_ERROR",
    "UnknownError": "UNKNOWN_ERROR",
}

OWN_FIELDS = {
    "AgentError": ("agent_id",),
    "CommError": ("comm",),
    "ExecutionError": ("graph_id", "node_id"),
    "ToolError": ("tool_name",),
    "ToolLookupError": ("tool_name", "namespace", "available_tools"),
    "ConfigurationError": ("field",),
    "ValidationError": ("field", "expected_type", "actual_value", "errors"),
    "NetworkError": ("status_code", "endpoint"),
    "TimeoutError": ("timeout_ms", "operation"),
    "AuthenticationError": ("provider",),
    "RateLimitError": ("retry_after_ms", "limit_type"),
    "SerializationError": ("format",),
    "CheckpointError": ("checkpoint_id",),
    "RoutingError": ("engine_id", "result_id", "node_id", "available_targets"),
    "RetryableError": ("status_code", "error_code", "retry_hint"),
    "UnknownError": (),
}


def build(cls: type[SpiceError], message: str = "boom", **kwargs: Any) -> SpiceError:
    """An instance of any type, supplying ToolError's required tool name."""
    if cls is se.ToolError:
        kwargs.setdefault("tool_name", "calculator")
    return cls(message, **kwargs)


@pytest.mark.parametrize("cls", _ALL_TYPES, ids=lambda cls: cls.__name__)
class TestEveryType:
    """What holds for each of the 16 types."""

    def test_code_is_the_contracts(self, cls: type[SpiceError]) -> None:
        """Each type has its fixed code, as a class constant and on instances."""
        assert CODES[cls.__name__] == cls.code
        assert CODES[cls.__name__] == build(cls).code

    def test_fields_are_the_contracts(self, cls: type[SpiceError]) -> None:
        """Common fields first, then the type's own, in the contract's order."""
        names = tuple(field.name for field in attrs.fields(cls))
        assert ("message", "cause", "context", "timestamp", *OWN_FIELDS[cls.__name__]) == names

    def test_reachable_from_the_package_and_the_base(self, cls: type[SpiceError]) -> None:
        """`SpiceError.<Name>` and `spice_errors.<Name>` are the same class."""
        assert getattr(SpiceError, cls.__name__) is cls
        assert getattr(se, cls.__name__) is cls
        assert issubclass(cls, SpiceError)
        assert cls.__module__ == "spice_errors"

    def test_frozen_and_slotted(self, cls: type[SpiceError]) -> None:
        """Assignment raises; instances have no __dict__."""
        error = build(cls)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            error.message = "changed"  # type: ignore[misc]
        assert not hasattr(error, "__dict__")

    def test_sealed(self, cls: type[SpiceError]) -> None:
        """Subclassing outside the package raises TypeError, naming the way out."""
        with pytest.raises(TypeError, match=r"SpiceError is sealed.*with_context"):
            type("Custom", (cls,), {})

    def test_defaults(self, cls: type[SpiceError]) -> None:
        """Only the message is needed (and ToolError's tool name); the rest defaults."""
        before = time.time_ns() // 1_000_000
        error = build(cls)
        after = time.time_ns() // 1_000_000
        assert error.cause is None
        assert {} == dict(error.context)
        assert before <= error.timestamp <= after

    def test_message_is_the_one_positional_argument(self, cls: type[SpiceError]) -> None:
        """Everything but the message is keyword-only."""
        assert ("message",) == cls.__match_args__
        with pytest.raises(TypeError):
            cls("boom", None)  # type: ignore[call-arg]

    def test_str_is_code_and_message(self, cls: type[SpiceError]) -> None:
        """str(error) is "CODE: message"."""
        assert f"{cls.code}: it broke" == str(build(cls, "it broke"))

    def test_with_context_keeps_type_fields_and_timestamp(self, cls: type[SpiceError]) -> None:
        """with_context returns the same type with the same fields and timestamp."""
        error = build(cls, context={"a": 1}, timestamp=1234)
        evolved = error.with_context(b=2)
        assert type(error) is type(evolved)
        assert 1234 == evolved.timestamp
        assert {"a": 1, "b": 2} == dict(evolved.context)
        for name in OWN_FIELDS[cls.__name__]:
            assert getattr(error, name) == getattr(evolved, name)

    def test_pickles(self, cls: type[SpiceError]) -> None:
        """Errors pickle with their fields, context, cause and timestamp."""
        error = build(cls, context={"n": 1}, cause=ValueError("why"))
        restored = pickle.loads(pickle.dumps(error))
        assert error == restored
        assert error.timestamp == restored.timestamp
        assert "why" == str(restored.cause)
        assert isinstance(restored.context, type(error.context))

    def test_copies(self, cls: type[SpiceError]) -> None:
        """Copy and deepcopy give equal errors."""
        error = build(cls, context={"nested": {"n": 1}})
        assert error == copy.copy(error)
        assert error == copy.deepcopy(error)

    def test_attrs_evolve(self, cls: type[SpiceError]) -> None:
        """attrs.evolve works, keeping the timestamp unless told otherwise."""
        error = build(cls, timestamp=5)
        evolved = attrs.evolve(error, message="other")
        assert "other" == evolved.message
        assert 5 == evolved.timestamp


def test_base_is_never_built() -> None:
    """SpiceError itself is abstract: building it says what to do instead."""
    with pytest.raises(TypeError, match="build one of its 16 types"):
        SpiceError("boom")  # type: ignore[abstract]  # the point: it cannot be built


def test_equality_ignores_cause_and_timestamp() -> None:
    """== compares type, message, typed fields and context only."""
    one = se.NetworkError("down", status_code=503, cause=OSError("a"), timestamp=1)
    two = se.NetworkError("down", status_code=503, cause=None, timestamp=2)
    assert one == two
    assert one != se.NetworkError("down", status_code=502)
    assert one != se.NetworkError("up", status_code=503)
    other_type: SpiceError = se.RetryableError("down", status_code=503)
    assert one != other_type
    assert one != one.with_context(extra=True)


def test_hash_covers_type_and_message_only() -> None:
    """Errors with unhashable context values hash; equal errors hash alike."""
    error = se.ValidationError("bad", context={"items": [1, 2]}, actual_value=[1])
    assert hash(error) == hash(se.ValidationError("bad", context={"items": [3]}))
    assert {error} == {se.ValidationError("bad", context={"items": [1, 2]}, actual_value=[1])}
    assert hash(error) != hash(se.UnknownError("bad"))


@given(strategies.errors)
def test_generated_errors_equal_their_copies(error: SpiceError) -> None:
    """Any error equals its pickled copy and hashes the same."""
    restored = pickle.loads(pickle.dumps(error))
    assert error == restored
    assert hash(error) == hash(restored)


def test_context_is_read_only_and_not_shared() -> None:
    """The context cannot be changed, and changing the dict it came from changes nothing."""
    source = {"a": 1}
    error = se.UnknownError("x", context=source)
    source["a"] = 2
    assert 1 == error.context["a"]
    with pytest.raises(TypeError):
        error.context["a"] = 3  # type: ignore[index]


def test_context_that_is_not_a_mapping_is_rejected() -> None:
    """A context that is not a mapping gives a clear TypeError."""
    with pytest.raises(TypeError, match="context must be a mapping of names to values, got int"):
        se.UnknownError("x", context=5)  # type: ignore[arg-type]


def test_available_names_become_tuples() -> None:
    """Lists of available tools and targets are stored as tuples."""
    error = se.ToolLookupError("x", available_tools=["a", "b"])
    assert ("a", "b") == error.available_tools
    routing = se.RoutingError("x", available_targets=iter(["t"]))
    assert ("t",) == routing.available_targets


class TestWithContext:
    """with_context: merging context into a copy."""

    def test_positional_mapping_and_pairs(self) -> None:
        """A mapping (for keys that are not identifiers) and keyword pairs both work."""
        error = se.AgentError("x").with_context({"x-request-id": "abc"}, retry_count=3)
        assert {"x-request-id": "abc", "retry_count": 3} == dict(error.context)

    def test_new_keys_win(self) -> None:
        """Pairs override the mapping, which overrides the old context."""
        error = se.AgentError("x", context={"a": 1, "b": 1})
        evolved = error.with_context({"b": 2, "c": 2}, c=3)
        assert {"a": 1, "b": 2, "c": 3} == dict(evolved.context)

    def test_original_unchanged(self) -> None:
        """with_context never changes the error it is called on."""
        error = se.AgentError("x", context={"a": 1})
        error.with_context(a=2)
        assert {"a": 1} == dict(error.context)

    @given(strategies.errors, strategies.contexts, strategies.contexts)
    def test_merge_laws(
        self, error: SpiceError, first: dict[str, Any], second: dict[str, Any]
    ) -> None:
        """Merging is dict union, new keys winning; two steps equal one; no pairs is identity."""
        assert error == error.with_context()
        assert {**error.context, **first} == dict(error.with_context(first).context)
        stepwise = error.with_context(first).with_context(second)
        assert error.with_context({**first, **second}) == stepwise
        assert error.timestamp == stepwise.timestamp
        assert type(error) is type(stepwise)


class TestFactories:
    """The static factories on SpiceError."""

    def test_positional_order_follows_kotlin(self) -> None:
        """Factories take their arguments in the Kotlin framework's order."""
        cause = OSError("io")
        assert se.AgentError("m", agent_id="a", cause=cause) == SpiceError.agent_error(
            "m", "a", cause
        )
        assert se.CommError("m", comm={"to": "b"}) == SpiceError.comm_error("m", {"to": "b"})
        assert se.ExecutionError("m", graph_id="g", node_id="n") == SpiceError.execution_error(
            "m", "g", "n"
        )
        assert se.ToolError("m", tool_name="calc") == SpiceError.tool_error("m", "calc")
        assert se.ToolLookupError(
            "m", tool_name="t", namespace="ns", available_tools=("a",)
        ) == SpiceError.tool_lookup_error("m", "t", "ns", ["a"])
        assert se.ConfigurationError("m", field="f") == SpiceError.config_error("m", "f")
        assert se.ValidationError(
            "m", field="f", expected_type="int", actual_value="x"
        ) == SpiceError.validation_error("m", "f", "int", "x")
        assert se.NetworkError("m", status_code=500, endpoint="/e") == SpiceError.network_error(
            "m", 500, "/e"
        )
        assert se.TimeoutError("m", timeout_ms=5, operation="op") == SpiceError.timeout_error(
            "m", 5, "op"
        )
        assert se.AuthenticationError("m", provider="p") == SpiceError.auth_error("m", "p")
        assert se.RateLimitError("m", retry_after_ms=5, limit_type="rpm") == (
            SpiceError.rate_limit_error("m", 5, "rpm")
        )
        assert se.SerializationError("m", format="json") == SpiceError.serialization_error(
            "m", "json"
        )
        assert se.CheckpointError("m", checkpoint_id="c") == SpiceError.checkpoint_error("m", "c")
        assert se.RoutingError(
            "m", engine_id="e", result_id="r", node_id="n", available_targets=("t",)
        ) == SpiceError.routing_error("m", "e", "r", "n", ["t"])
        hint = se.RetryHint(retry_after_ms=1)
        assert se.RetryableError(
            "m", status_code=503, error_code="E", retry_hint=hint
        ) == SpiceError.retryable_error("m", 503, "E", hint)
        assert se.UnknownError("m") == SpiceError.unknown_error("m")

    def test_causes_are_kept(self) -> None:
        """Factories that take a cause keep it."""
        cause = OSError("io")
        made = [
            SpiceError.agent_error("m", cause=cause),
            SpiceError.comm_error("m", cause=cause),
            SpiceError.execution_error("m", cause=cause),
            SpiceError.tool_error("m", "t", cause=cause),
            SpiceError.tool_lookup_error("m", cause=cause),
            SpiceError.config_error("m", cause=cause),
            SpiceError.network_error("m", cause=cause),
            SpiceError.auth_error("m", cause=cause),
            SpiceError.serialization_error("m", cause=cause),
            SpiceError.checkpoint_error("m", cause=cause),
            SpiceError.routing_error("m", cause=cause),
            SpiceError.retryable_error("m", cause=cause),
            SpiceError.retryable_http_error(503, "m", cause=cause),
            SpiceError.unknown_error("m", cause=cause),
        ]
        assert all(error.cause is cause for error in made)

    def test_retryable_http_error(self) -> None:
        """The HTTP factory sets the status, a hint from Retry-After and the context."""
        error = SpiceError.retryable_http_error(503, "Service unavailable", 2.5)
        assert 503 == error.status_code
        assert {"status_code": 503} == dict(error.context)
        assert se.RetryHint(retry_after_ms=2500, reason="HTTP 503 Retry-After") == error.retry_hint
        assert error.has_retry_after_hint()
        assert 2500 == error.suggested_retry_delay_ms()

    def test_retryable_http_error_without_retry_after(self) -> None:
        """Without Retry-After there is no hint."""
        error = SpiceError.retryable_http_error(502, "Bad gateway")
        assert error.retry_hint is None
        assert not error.has_retry_after_hint()
        assert error.suggested_retry_delay_ms() is None

    def test_hint_without_wait(self) -> None:
        """A hint that only limits attempts is not a Retry-After hint."""
        error = SpiceError.retryable_error("m", retry_hint=se.RetryHint.with_max_attempts(2))
        assert not error.has_retry_after_hint()
        assert error.suggested_retry_delay_ms() is None


class TestDetailedMessage:
    """detailed_message on tool lookup and routing errors."""

    def test_lists_at_most_ten_names(self) -> None:
        """Ten names are listed, then how many more there are."""
        names = [f"tool{i}" for i in range(13)]
        error = SpiceError.tool_lookup_error("Tool 'x' not found", "x", None, names)
        expected = (
            "Tool 'x' not found. Available tools: " + ", ".join(names[:10]) + " ... and 3 more"
        )
        assert expected == error.detailed_message()

    def test_exactly_ten_names(self) -> None:
        """Ten names need no "more"."""
        names = [str(i) for i in range(10)]
        error = SpiceError.routing_error("No route", available_targets=names)
        assert (
            "No route. Available targets: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9" == error.detailed_message()
        )

    def test_no_names(self) -> None:
        """With nothing available, the message says so."""
        assert "No route. No targets are available." == (
            SpiceError.routing_error("No route").detailed_message()
        )
        assert "Gone. No tools are available." == (
            SpiceError.tool_lookup_error("Gone").detailed_message()
        )


class TestRetryHint:
    """RetryHint and its constructors."""

    def test_constructors(self) -> None:
        """Each constructor fills in what it is named for."""
        assert se.RetryHint(
            retry_after_ms=1500, reason="r"
        ) == se.RetryHint.from_retry_after_seconds(1.5, "r")
        assert se.RetryHint(retry_after_ms=2000) == se.RetryHint.from_duration(timedelta(seconds=2))
        assert se.RetryHint(retry_after_ms=250) == se.RetryHint.from_duration(0.25)
        assert se.RetryHint(skip_retry=True, reason="no") == se.RetryHint.skip("no")
        assert se.RetryHint(max_attempts=2, reason="r") == se.RetryHint.with_max_attempts(2, "r")

    def test_retry_after(self) -> None:
        """retry_after is a timedelta, or None without a wait."""
        assert timedelta(milliseconds=1500) == se.RetryHint(retry_after_ms=1500).retry_after
        assert se.RetryHint().retry_after is None

    def test_frozen(self) -> None:
        """A hint cannot be changed."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            se.RetryHint().skip_retry = True  # type: ignore[misc]

    @pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf"), -0.001])
    def test_bad_waits_are_rejected(self, seconds: float) -> None:
        """Negative, NaN and infinite waits raise ValueError naming the value."""
        with pytest.raises(ValueError, match="must be finite and >= 0"):
            se.RetryHint.from_retry_after_seconds(seconds)
        with pytest.raises(ValueError, match="must be finite and >= 0"):
            se.RetryHint.from_duration(seconds)

    @pytest.mark.parametrize("seconds", ["1", None, True])
    def test_waits_that_are_not_numbers_are_rejected(self, seconds: Any) -> None:
        """A wait must be a number."""
        with pytest.raises(TypeError, match="must be a number of seconds"):
            se.RetryHint.from_retry_after_seconds(seconds)
        with pytest.raises(TypeError, match=r"^duration must be a number of seconds, got "):
            se.RetryHint.from_duration(seconds)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("retry_after_ms", -1),
            ("retry_after_ms", 1.5),
            ("retry_after_ms", True),
            ("max_attempts", 0),
            ("max_attempts", "3"),
        ],
    )
    def test_bad_fields_are_rejected(self, field: str, value: object) -> None:
        """Negative waits, non-int waits and fewer than one attempt raise ValueError."""
        with pytest.raises(ValueError, match=field):
            se.RetryHint(**{field: value})  # type: ignore[arg-type]


class TestSpiceException:
    """SpiceException: an error that can be raised."""

    def test_carries_the_error(self) -> None:
        """The exception has the error, its code and context; str is the message."""
        error = se.NetworkError("down", status_code=503, context={"attempt": 2})
        exc = error.to_exception()
        assert isinstance(exc, se.SpiceException)
        assert error is exc.error
        assert "NETWORK_ERROR" == exc.code
        assert {"attempt": 2} == dict(exc.context)
        assert "down" == str(exc)

    def test_is_an_exception_and_never_an_os_error(self) -> None:
        """SpiceException is an Exception, not an OSError."""
        assert issubclass(se.SpiceException, Exception)
        assert not issubclass(se.SpiceException, OSError)

    def test_cause_is_the_errors_cause(self) -> None:
        """__cause__ is the error's cause, so tracebacks show the chain."""
        cause = ConnectionResetError("reset")
        exc = se.NetworkError("down", cause=cause).to_exception()
        assert cause is exc.__cause__

    def test_without_cause_the_context_is_not_suppressed(self) -> None:
        """An error without cause leaves Python's implicit chaining alone."""
        exc = se.UnknownError("x").to_exception()
        assert exc.__cause__ is None
        assert not exc.__suppress_context__

    def test_note_shows_code_and_redacted_context(self) -> None:
        """An uncaught one prints its code and context, secrets masked."""
        error = se.AuthenticationError("denied", context={"api_key": "S3cr3t-1", "user": "ann"})
        exc = error.to_exception()
        printed = "".join(traceback.format_exception(exc))
        assert "spice_errors: AUTH_ERROR" in printed
        assert "'user': 'ann'" in printed
        assert "S3cr3t-1" not in printed

    def test_note_without_context(self) -> None:
        """Without context the note is the code alone."""
        assert ["spice_errors: UNKNOWN_ERROR"] == se.UnknownError("x").to_exception().__notes__

    def test_pickles_with_its_error(self) -> None:
        """The exception pickles, error, cause and note included."""
        exc = se.NetworkError("down", status_code=503, cause=OSError("io")).to_exception()
        restored = pickle.loads(pickle.dumps(exc))
        assert exc.error == restored.error
        assert "io" == str(restored.__cause__)
        assert exc.__notes__ == restored.__notes__

    def test_raise_and_catch(self) -> None:
        """It can be raised and caught like any exception."""
        with pytest.raises(se.SpiceException, match="quota") as caught:
            raise se.RateLimitError("quota", retry_after_ms=10).to_exception()
        assert isinstance(caught.value.error, se.RateLimitError)
        assert 10 == caught.value.error.retry_after_ms


class TestRepr:
    """What repr and str show, and what they never show."""

    def test_shows_fields_context_and_cause_type(self) -> None:
        """Repr shows message, own fields, context and the cause's type."""
        error = se.NetworkError("down", status_code=503, endpoint="/v1", cause=OSError("x"))
        error = error.with_context(attempt=2)
        assert (
            "NetworkError('down', status_code=503, endpoint='/v1', context={'attempt': 2}, "
            "cause=OSError)"
        ) == repr(error)

    def test_without_context_or_cause(self) -> None:
        """Empty context and no cause are left out."""
        assert "UnknownError('x')" == repr(se.UnknownError("x"))

    def test_endpoint_is_redacted(self) -> None:
        """Userinfo and secret query values never show."""
        error = se.NetworkError(
            "down", endpoint="https://u:S3cr3t-pw@h.example/a?token=S3cr3t-t&n=1"
        )
        assert "endpoint='https://h.example/a?token=***&n=1'" in repr(error)
        assert "S3cr3t" not in repr(error)

    def test_urls_in_messages_and_fields_are_redacted(self) -> None:
        """URLs anywhere in the message or a text field are redacted in repr and str."""
        error = se.ToolError(
            "GET https://u:S3cr3t-pw@h.example/ failed", tool_name="fetch https://h?sig=S3cr3t-s"
        )
        assert "S3cr3t" not in repr(error)
        assert "S3cr3t" not in str(error)
        assert error.message == "GET https://u:S3cr3t-pw@h.example/ failed"

    def test_actual_value_of_a_secret_field_is_masked(self) -> None:
        """A rejected password is not shown back."""
        error = SpiceError.validation_error("too short", "password", "str", "S3cr3t-hunter2")
        assert "actual_value='***'" in repr(error)
        assert "S3cr3t" not in repr(error)
        assert "S3cr3t-hunter2" == error.actual_value

    def test_structured_fields_are_masked(self) -> None:
        """A message object or rejected value holding secrets is masked in repr."""
        error = SpiceError.comm_error("undeliverable", {"to": "bob", "auth_token": "S3cr3t-c"})
        assert "comm={'to': 'bob', 'auth_token': '***'}" in repr(error)
        tools = SpiceError.tool_lookup_error("none", available_tools=["a", "b"])
        assert "available_tools=('a', 'b')" in repr(tools)

    def test_actual_value_of_other_fields_is_shown(self) -> None:
        """An ordinary rejected value is shown, to help the caller."""
        assert "actual_value=-3" in repr(SpiceError.validation_error("negative", "age", "int", -3))

    @given(strategies.secret_keys, strategies.secret_values, strategies.errors)
    def test_secrets_never_show(self, key: str, secret: str, error: SpiceError) -> None:
        """A secret under any secret-named key, at any depth, is never in repr or str."""
        nested = error.with_context({key: secret, "nested": {key: secret}, "list": [{key: secret}]})
        for shown in (
            repr(nested),
            str(nested),
            "".join(traceback.format_exception(nested.to_exception())),
        ):
            assert secret not in shown
        assert secret == nested.context[key]


@given(st.sampled_from(_ALL_TYPES))
def test_timestamp_can_be_given(cls: type[SpiceError]) -> None:
    """A deserializer can give the timestamp."""
    assert 42 == build(cls, timestamp=42).timestamp


ABSTRACT_MESSAGE = (
    "SpiceError is the sealed base of the error hierarchy and is never built "
    "itself; build one of its 16 types, e.g. SpiceError.unknown_error(message)."
)


def test_base_refusal_message() -> None:
    """Building SpiceError itself fails with exactly this message."""
    with pytest.raises(TypeError) as raised:
        SpiceError("boom")  # type: ignore[abstract]  # the point: it cannot be built
    assert (ABSTRACT_MESSAGE,) == raised.value.args


def test_sealed_message_names_the_parent() -> None:
    """Subclassing a type from outside names the class and the type it tried to extend."""
    with pytest.raises(TypeError) as raised:
        type("Custom", (se.AgentError,), {})
    expected = (
        "SpiceError is sealed: Custom cannot subclass AgentError. Use one of its 16 types "
        "and put what is specific to your case in `context` (see `with_context`)."
    )
    assert (expected,) == raised.value.args


def test_detailed_message_with_one_name_over_the_limit() -> None:
    """Eleven names show ten and say one more."""
    names = [f"t{n}" for n in range(11)]
    error = SpiceError.tool_lookup_error("No tool", available_tools=names)
    shown = ", ".join(names[:10])
    assert f"No tool. Available tools: {shown} ... and 1 more" == error.detailed_message()
    exactly = SpiceError.tool_lookup_error("No tool", available_tools=names[:10])
    assert f"No tool. Available tools: {shown}" == exactly.detailed_message()


class TestRetryHintMessages:
    """The messages of RetryHint's constructors name the argument and what arrived."""

    def test_seconds_of_the_wrong_type(self) -> None:
        """A string of seconds is refused, naming its type."""
        with pytest.raises(TypeError) as raised:
            se.RetryHint.from_retry_after_seconds("5")  # type: ignore[arg-type]
        assert ("seconds must be a number of seconds, got str",) == raised.value.args

    def test_negative_seconds(self) -> None:
        """Negative seconds are refused, naming the argument."""
        with pytest.raises(ValueError, match=r"^seconds must be finite and >= 0, got -1$"):
            se.RetryHint.from_retry_after_seconds(-1)

    def test_negative_duration(self) -> None:
        """A negative duration is refused, naming the argument."""
        with pytest.raises(ValueError, match=r"^duration must be finite and >= 0, got -1\.0$"):
            se.RetryHint.from_duration(timedelta(seconds=-1))

    def test_duration_keeps_the_reason(self) -> None:
        """from_duration passes the reason on, for numbers and timedeltas."""
        assert "slow" == se.RetryHint.from_duration(2, reason="slow").reason
        hint = se.RetryHint.from_duration(timedelta(seconds=1.5), reason="later")
        assert (1500, "later") == (hint.retry_after_ms, hint.reason)


def test_endpoint_is_shown_as_a_redacted_url() -> None:
    """An endpoint is shown as one redacted URL, fragment secrets included.

    Other string fields are redacted as text, where a URL ends at characters such as
    ``<`` that end it in prose.
    """
    error = se.NetworkError("x", endpoint="https://h/p?a=1#token=z<z")
    assert "endpoint='https://h/p?a=1#token=***'" in repr(error)
    other = se.AgentError("x", agent_id="https://h/p?a=1#token=z<z")
    assert "agent_id='https://h/p?a=1#token=***<z'" in repr(other)


def test_actual_value_masked_when_the_expected_type_is_secret() -> None:
    """A value checked against a secret-named type is not shown back."""
    error = se.ValidationError("bad", expected_type="password", actual_value="S3cr3t")
    assert "actual_value='***'" in repr(error)
    assert "S3cr3t" not in repr(error)


def test_to_dict_can_keep_secrets() -> None:
    """to_dict(redact=False) keeps secret context values; the default masks them."""
    error = se.UnknownError("x", context={"api_key": "S3cr3t"})
    assert "S3cr3t" == error.to_dict(redact=False)["context"]["api_key"]  # type: ignore[index]
    assert "S3cr3t" not in repr(error.to_dict())


def test_retryable_http_error_keeps_the_message() -> None:
    """The factory's message is the error's message."""
    error = SpiceError.retryable_http_error(503, "try later", 2)
    assert "try later" == error.message
    assert 2000 == error.suggested_retry_delay_ms()
