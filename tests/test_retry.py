"""Retry: the classifier, RetryPolicy and its delays, the loops, hooks and testing mode."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, RetryClassifier, RetryPolicy, SpiceError, SpiceResult, Success
from spice_errors._classify import carried_status as status_of
from spice_errors._classify import requested_wait
from spice_errors._errors import ALL_TYPES
from tests import strategies
from tests.helpers import FakeTime, cancel_once_started, hang


@attrs.define
class Script:
    """An operation that answers from a list, then with success, counting its calls."""

    answers: list[SpiceResult[str] | BaseException]
    calls: int = 0

    def __call__(self) -> SpiceResult[str]:
        self.calls += 1
        answer = self.answers[self.calls - 1] if self.calls <= len(self.answers) else Success("ok")
        if isinstance(answer, BaseException):
            raise answer
        return answer

    async def async_call(self) -> SpiceResult[str]:
        await asyncio.sleep(0)
        return self()


def network(status: int | None = None, **context: object) -> Failure[se.NetworkError]:
    return Failure(se.NetworkError(f"HTTP {status}", status_code=status, context=context))


NO_JITTER = RetryPolicy(max_attempts=3, jitter=0)


RULE_STATUSES = st.none() | st.integers(-1, 700) | st.integers() | st.booleans() | st.just("503")


def _retryable_status(status: object) -> bool:
    retryable = isinstance(status, int) and (status in {408, 429} or 500 <= status <= 599)
    return retryable and not isinstance(status, bool)


BUILT_FROM_A_MESSAGE: list[Callable[..., SpiceError]] = [
    cls
    for cls in ALL_TYPES
    if all(field.default is not attrs.NOTHING for field in attrs.fields(cls)[1:])
]
"""The types that need nothing but a message (all but `ToolError`)."""

NEVER_RETRIED = (
    se.ValidationError,
    se.AuthenticationError,
    se.SerializationError,
    se.ConfigurationError,
    se.ToolLookupError,
    se.RoutingError,
)


def plain_rules(error: SpiceError) -> se.RetryDecision:
    """The default rules as the Kotlin framework's guide lists them: the first that applies.

    Each row: whether it applies, whether to retry, why, and whether the error's wait goes
    with the decision.
    """
    context, said = error.context, error.context.get("should_retry")
    status, own_status = status_of(error), getattr(error, "status_code", None)
    in_context = context.get("status_code", context.get("http_status"))
    hint = getattr(error, "retry_hint", None)
    hint_reason = hint.reason if hint is not None else None
    retryable, network = isinstance(error, se.RetryableError), isinstance(error, se.NetworkError)
    lock_timed_out = status == 409 and context.get("error_code") == "lock_timeout"
    rate_limited = isinstance(error, se.RateLimitError)
    context_status = isinstance(in_context, int) and not isinstance(in_context, bool)
    rows = [
        (said is False, False, "the server said not to retry", False),
        (context.get("tls") is True, False, "TLS failure", False),
        (said is True, True, "the server said to retry", True),
        (retryable and hint is not None and hint.skip_retry, False, hint_reason, False),
        (
            retryable and own_status is not None and not _retryable_status(own_status),
            False,
            f"HTTP {own_status}",
            False,
        ),
        (retryable, True, hint_reason or "retryable error", True),
        (network and status is None, True, "network failure without a status", True),
        (network and _retryable_status(status), True, f"HTTP {status}", True),
        (network and lock_timed_out, True, "HTTP 409: a lock timed out", True),
        (network, False, f"HTTP {status}", False),
        (
            rate_limited and getattr(error, "limit_type", None) == "quota",
            False,
            "quota spent: waiting will not help",
            False,
        ),
        (rate_limited, True, "rate limited", True),
        (isinstance(error, se.TimeoutError), True, "timed out", False),
        (isinstance(error, NEVER_RETRIED), False, f"{error.code} is never retried", False),
        (context_status and _retryable_status(in_context), True, f"status {in_context}", True),
        (context_status, False, f"status {in_context}", False),
        (context.get("retryable") is True, True, "marked retryable", False),
        (True, False, "not marked retryable", False),
    ]
    retry, reason, waits = next(
        (retry, why, waits) for applies, retry, why, waits in rows if applies
    )
    return se.RetryDecision(
        should_retry=retry,
        reason=reason or "the hint says skip",
        suggested_delay=requested_wait(error) if waits else None,
    )


def run(
    script: Script,
    policy: RetryPolicy = NO_JITTER,
    fake: FakeTime | None = None,
    **options: Any,
) -> SpiceResult[str, SpiceError]:
    fake = fake or FakeTime()
    options.setdefault("on_retry", None)
    options.setdefault("on_give_up", None)
    return se.retry(script, policy, sleep=fake.sleep, clock=fake.clock, **options)


class TestClassifier:
    """The Kotlin framework's default classification rules, one row each."""

    @pytest.mark.parametrize("status", [500, 502, 503, 504, 599, 408, 429])
    def test_retryable_statuses(self, status: int) -> None:
        """5xx, 408 and 429 are worth retrying."""
        assert se.is_retryable(se.NetworkError("x", status_code=status))

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
    def test_client_errors_are_not(self, status: int) -> None:
        """Other 4xx are the request's fault: retrying cannot help."""
        assert not se.is_retryable(se.NetworkError("x", status_code=status))

    def test_network_error_without_status(self) -> None:
        """A network failure without a status (refused, reset) is retryable..."""
        assert se.is_retryable(se.NetworkError("refused", context={"phase": "connect"}))

    def test_tls_failures_never(self) -> None:
        """...but a TLS failure never is."""
        assert not se.is_retryable(se.NetworkError("bad certificate", context={"tls": True}))

    def test_rate_limit_suggests_its_delay(self) -> None:
        """RateLimitError is retryable and suggests its retry_after_ms, in seconds."""
        decision = se.classify(se.RateLimitError("slow", retry_after_ms=1500))
        assert (
            se.RetryDecision(should_retry=True, reason="rate limited", suggested_delay=1.5)
            == decision
        )
        assert se.classify(se.RateLimitError("slow")).suggested_delay is None

    def test_timeout(self) -> None:
        """TimeoutError is retryable."""
        assert se.is_retryable(se.TimeoutError("slow"))

    def test_tool_error_by_status(self) -> None:
        """A ToolError without status is not retryable; with a retryable status it is."""
        assert not se.is_retryable(se.ToolError("x", tool_name="t"))
        assert se.is_retryable(se.ToolError("x", tool_name="t", context={"status_code": 503}))
        assert not se.is_retryable(se.ToolError("x", tool_name="t", context={"status_code": 400}))
        assert not se.is_retryable(se.ToolError("x", tool_name="t", context={"status_code": True}))

    @pytest.mark.parametrize(
        "cls", [se.AgentError, se.CommError, se.ExecutionError, se.CheckpointError, se.UnknownError]
    )
    def test_context_decides_for_the_rest(self, cls: type[SpiceError]) -> None:
        """Agent, comm, execution, checkpoint and unknown errors follow their context."""
        assert not se.is_retryable(cls("x"))
        assert se.is_retryable(cls("x", context={"status_code": 429}))
        assert se.is_retryable(cls("x", context={"retryable": True}))
        assert not se.is_retryable(cls("x", context={"retryable": "yes"}))

    @pytest.mark.parametrize(
        "error",
        [
            se.ValidationError("x", context={"retryable": True}),
            se.AuthenticationError("x", context={"status_code": 503}),
            se.ConfigurationError("x"),
            se.SerializationError("x"),
            se.ToolLookupError("x"),
            se.RoutingError("x"),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_never_retried(self, error: SpiceError) -> None:
        """Validation, auth, configuration, serialization, lookup and routing: never."""
        assert not se.is_retryable(error)

    def test_retryable_error(self) -> None:
        """RetryableError is retryable, suggesting its hint's wait and giving its reason."""
        hint = se.RetryHint.from_retry_after_seconds(2, "HTTP 503 Retry-After")
        decision = se.classify(se.RetryableError("x", status_code=503, retry_hint=hint))
        assert se.RetryDecision(
            should_retry=True, reason="HTTP 503 Retry-After", suggested_delay=2.0
        ) == (decision)
        assert se.classify(se.RetryableError("x")) == se.RetryDecision(
            should_retry=True, reason="retryable error"
        )

    def test_hint_with_skip_is_honoured(self) -> None:
        """A hint that says skip stops retrying, even under ALWAYS_RETRY."""
        error = se.RetryableError("x", retry_hint=se.RetryHint.skip("idempotency key reused"))
        assert se.RetryDecision(should_retry=False, reason="idempotency key reused") == se.classify(
            error
        )
        assert not RetryClassifier.ALWAYS_RETRY.classify(error).should_retry
        bare = se.RetryableError("x", retry_hint=se.RetryHint(skip_retry=True))
        assert "the hint says skip" == se.classify(bare).reason

    @pytest.mark.parametrize("status", [400, 404, 409])
    def test_retryable_error_with_a_client_status_is_not(self, status: int) -> None:
        """A RetryableError whose status is a 4xx other than 408 or 429 is not retried."""
        assert not se.is_retryable(se.RetryableError("x", status_code=status))

    def test_never_retry_rejects_all(self) -> None:
        """NEVER_RETRY rejects every error, even the most retryable."""
        for error in (
            se.NetworkError("x", status_code=503),
            se.RateLimitError("x"),
            se.TimeoutError("x"),
        ):
            assert not RetryClassifier.NEVER_RETRY.classify(error).should_retry

    def test_always_retry_accepts_all_but_skips(self) -> None:
        """ALWAYS_RETRY retries even validation errors."""
        assert RetryClassifier.ALWAYS_RETRY.classify(se.ValidationError("x")).should_retry

    def test_rules_by_code(self) -> None:
        """Codes can be always or never retried, one or many at a time."""
        classifier = RetryClassifier(
            always="VALIDATION_ERROR", never=["TIMEOUT_ERROR", "RATE_LIMIT_ERROR"]
        )
        assert classifier.classify(se.ValidationError("x")).should_retry
        assert not classifier.classify(se.TimeoutError("x")).should_retry
        assert classifier.classify(se.NetworkError("x", status_code=503)).should_retry
        assert frozenset({"TIMEOUT_ERROR", "RATE_LIMIT_ERROR"}) == classifier.never

    def test_custom_predicate(self) -> None:
        """A predicate decides first; None leaves the error to the other rules."""

        def quota(error: SpiceError) -> bool | None:
            return False if error.context.get("quota") == "daily" else None

        classifier = RetryClassifier(predicate=quota)
        daily = se.RateLimitError("x", retry_after_ms=100, context={"quota": "daily"})
        decision = classifier.classify(daily)
        assert not decision.should_retry
        assert "custom rule" == decision.reason
        assert classifier.classify(se.RateLimitError("x")).should_retry

    def test_bad_base_is_rejected(self) -> None:
        """The base must be one of the three names."""
        with pytest.raises(ValueError, match="'base' must be in"):
            RetryClassifier(base="sometimes")  # type: ignore[arg-type]

    def test_status_of(self) -> None:
        """The status comes from the field, then the context's http_status or status_code."""
        assert 503 == status_of(se.NetworkError("x", status_code=503))
        assert 502 == status_of(se.UnknownError("x", context={"http_status": 502}))
        assert 429 == status_of(se.ToolError("x", tool_name="t", context={"status_code": 429}))
        assert status_of(se.UnknownError("x", context={"status_code": "500"})) is None

    @given(
        strategies.errors,
        st.fixed_dictionaries(
            {},
            optional={
                "should_retry": st.none() | st.booleans() | st.just("yes"),
                "tls": st.booleans() | st.just(1),
                "status_code": RULE_STATUSES,
                "http_status": RULE_STATUSES,
                "retryable": st.booleans() | st.just("true"),
                "error_code": st.sampled_from(["lock_timeout", "conflict"]),
                "retry_after_ms": st.none() | st.integers(-5, 10**6) | st.floats(allow_nan=True),
            },
        ),
        st.none() | st.integers(100, 599),
    )
    def test_the_rules_in_one_plain_branch_each(
        self, error: se.AnySpiceError, context: dict[str, object], status: int | None
    ) -> None:
        """The decision is the Kotlin framework's rules, written here as its guide states them.

        The library decides by the exact type and keeps decisions it can make once (one
        per status); this reference reads each rule in order, with isinstance.
        """
        if isinstance(error, se.NetworkError | se.RetryableError):
            error = attrs.evolve(error, status_code=status)
        error = error.with_context(context)
        assert plain_rules(error) == se.classify(error)
        assert se.is_retryable(error) is plain_rules(error).should_retry

    @pytest.mark.parametrize("context", [{}, {"error_code": "lock_timeout"}, {"retry_after_ms": 5}])
    def test_every_status_of_every_type(self, context: dict[str, object]) -> None:
        """Each status from 100 to 599, in the field or in the context: as the rules say."""
        for status in range(100, 600):
            built = [
                se.NetworkError("x", status_code=status, context=context),
                se.RetryableError("x", status_code=status, context=context),
                se.ToolError("x", tool_name="t", context={**context, "status_code": status}),
                *(
                    cls("x", context={**context, "status_code": status})
                    for cls in BUILT_FROM_A_MESSAGE
                ),
            ]
            for error in built:
                assert plain_rules(error) == se.classify(error), error


class TestPolicy:
    """RetryPolicy: presets, validation and delay math."""

    def test_default_has_kotlins_backoff_and_honours_the_server(self) -> None:
        """DEFAULT is 3 attempts, 200 ms, 10 s, x2, jitter 0.1, no window; server waits honoured."""
        assert (
            RetryPolicy(
                max_attempts=3, initial_delay=0.2, max_delay=10.0, multiplier=2.0, jitter=0.1
            )
            == RetryPolicy.DEFAULT
        )
        assert RetryPolicy.DEFAULT.max_elapsed is None
        assert "honor" == RetryPolicy.DEFAULT.retry_after
        assert 60.0 == RetryPolicy.DEFAULT.max_retry_after

    def test_kotlin_preset_caps_server_waits(self) -> None:
        """KOTLIN is Kotlin's ExecutionRetryPolicy.DEFAULT: the same backoff, waits capped."""
        assert attrs.evolve(RetryPolicy.DEFAULT, retry_after="cap") == RetryPolicy.KOTLIN
        assert 10.0 == RetryPolicy.KOTLIN.calculate_delay(1, 30.0)

    def test_presets(self) -> None:
        """Each preset has its documented values."""
        assert 1 == RetryPolicy.NO_RETRY.max_attempts
        assert not RetryPolicy.NO_RETRY.retry_enabled
        assert (5, 0.1, 5.0, 1.5) == attrs.astuple(RetryPolicy.AGGRESSIVE)[:4]
        assert (3, 1.0, 30.0, 3.0) == attrs.astuple(RetryPolicy.CONSERVATIVE)[:4]
        assert (5, 1.0, 60.0, 2.0, 0.2) == attrs.astuple(RetryPolicy.RATE_LIMIT_FRIENDLY)[:5]

    def test_attempt_counting(self) -> None:
        """should_retry(n) is n <= max_attempts; has_more_retries(n) is n < max_attempts."""
        policy = RetryPolicy.DEFAULT
        assert [True, True, True, False] == [policy.should_retry(n) for n in (1, 2, 3, 4)]
        assert [True, True, False] == [policy.has_more_retries(n) for n in (1, 2, 3)]
        assert policy.retry_enabled

    def test_delay_sequence(self) -> None:
        """0.2, 0.4, 0.8, 1.6 s without jitter."""
        assert [0.2, 0.4, 0.8, 1.6] == RetryPolicy(max_attempts=5, jitter=0).delays()

    def test_delay_cap(self) -> None:
        """Waits stop growing at max_delay."""
        policy = RetryPolicy(max_attempts=6, max_delay=1.0, jitter=0)
        assert [0.2, 0.4, 0.8, 1.0, 1.0] == policy.delays()

    def test_timedelta_accepted(self) -> None:
        """Durations can be given as timedelta."""
        policy = RetryPolicy(
            initial_delay=timedelta(milliseconds=250),
            max_delay=timedelta(seconds=2),
            max_elapsed=timedelta(minutes=1),
        )
        assert (0.25, 2.0, 60.0) == (policy.initial_delay, policy.max_delay, policy.max_elapsed)

    def test_server_wait_is_honoured_and_never_jittered(self) -> None:
        """A hint is used as it is, beyond max_delay too, whatever the jitter."""
        policy = RetryPolicy(max_delay=5.0, jitter=1.0)
        assert 3.0 == policy.calculate_delay(1, 3.0, random=lambda: 0.0)
        assert 30.0 == policy.calculate_delay(1, timedelta(seconds=30))
        assert 0.0 == policy.calculate_delay(1, -1.0)
        assert 0.0 == policy.calculate_delay(1, math.nan)

    def test_server_wait_is_capped_under_cap(self) -> None:
        """Under "cap" (Kotlin's behaviour) a hint is cut to max_delay."""
        policy = RetryPolicy(max_delay=5.0, jitter=1.0, retry_after="cap")
        assert 3.0 == policy.calculate_delay(1, 3.0, random=lambda: 0.0)
        assert 5.0 == policy.calculate_delay(1, timedelta(seconds=30))
        assert 0.0 == policy.calculate_delay(1, -1.0)

    @given(st.floats(min_value=0, max_value=0.999), st.integers(min_value=5, max_value=2000))
    def test_jitter_at_the_cap_only_goes_down(self, draw: float, attempt: int) -> None:
        """At the cap a draw above max_delay is reflected below it: no clump at the cap."""
        policy = RetryPolicy(max_attempts=3000, max_delay=1.0, jitter=0.5)
        delay = policy.calculate_delay(attempt, random=lambda: draw)
        assert 0.5 - 1e-9 <= delay <= 1.0
        assert delay == pytest.approx(1.0 - abs(2 * draw - 1) * 0.5)

    def test_waits_at_the_cap_are_spread(self) -> None:
        """Many clients at the cap do not retry in lockstep: few waits equal max_delay."""
        policy = RetryPolicy(max_attempts=10, max_delay=1.0, jitter=0.2)
        delays = [policy.calculate_delay(9) for _ in range(200)]
        assert all(0.8 <= delay <= 1.0 for delay in delays)
        assert sum(delay == 1.0 for delay in delays) < 5
        assert len(set(delays)) > 150

    def test_a_huge_attempt_number_never_overflows(self) -> None:
        """The 2000th attempt of a doubling policy waits max_delay, and nothing raises."""
        assert 10.0 == RetryPolicy(max_attempts=3000, jitter=0).calculate_delay(2000)
        assert 0.0 == RetryPolicy(initial_delay=0, jitter=0).calculate_delay(5)

    @given(
        st.integers(min_value=1, max_value=40),
        st.floats(min_value=0, max_value=1),
        st.floats(min_value=0, max_value=0.999),
    )
    def test_jitter_stays_in_bounds(self, attempt: int, jitter: float, draw: float) -> None:
        """A jittered wait is within ± jitter of the backoff, and within [0, max_delay]."""
        policy = RetryPolicy(max_attempts=50, jitter=jitter)
        base = min(0.2 * 2.0 ** (attempt - 1), policy.max_delay)
        delay = policy.calculate_delay(attempt, random=lambda: draw)
        assert 0 <= delay <= policy.max_delay
        assert base * (1 - jitter) - 1e-9 <= delay <= base * (1 + jitter) + 1e-9

    def test_default_random(self) -> None:
        """Without a source, jitter uses random.random and stays in bounds."""
        delays = [RetryPolicy(jitter=0.5).calculate_delay(1) for _ in range(50)]
        assert all(0.1 <= delay <= 0.3 for delay in delays)
        assert len(set(delays)) > 1

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"max_attempts": 0}, "max_attempts must be an int >= 1"),
            ({"max_attempts": -2}, "max_attempts must be an int >= 1"),
            ({"max_attempts": 2.5}, "max_attempts must be an int >= 1"),
            ({"max_attempts": True}, "max_attempts must be an int >= 1"),
            ({"initial_delay": -0.1}, "initial_delay must be a finite number of seconds >= 0"),
            ({"initial_delay": math.nan}, "initial_delay must be a finite number"),
            ({"max_delay": math.inf}, "max_delay must be a finite number"),
            ({"max_delay": "10"}, "max_delay must be a finite number"),
            (
                {"initial_delay": 2.0, "max_delay": 1.0},
                r"max_delay \(1.0\) must be >= initial_delay",
            ),
            ({"multiplier": 0.5}, "multiplier must be a finite number >= 1"),
            ({"multiplier": math.nan}, "multiplier must be a finite number >= 1"),
            ({"jitter": 1.5}, "jitter must be a number from 0 to 1"),
            ({"jitter": -0.1}, "jitter must be a number from 0 to 1"),
            ({"max_elapsed": 0}, "max_elapsed must be a finite number of seconds > 0"),
            ({"max_elapsed": math.inf}, "max_elapsed must be a finite number"),
            ({"max_elapsed": -5}, "max_elapsed must be a finite number"),
            ({"retry_after": "ignore"}, 'retry_after must be "honor" or "cap"'),
            ({"retry_after": "strict"}, 'retry_after must be "honor" or "cap"'),
            ({"max_retry_after": -1}, "max_retry_after must be a finite number of seconds >= 0"),
            ({"max_retry_after": math.inf}, "max_retry_after must be a finite number"),
        ],
    )
    def test_bad_values_are_rejected(self, options: dict[str, Any], message: str) -> None:
        """Nonsense is refused at construction, saying what is wrong."""
        with pytest.raises(ValueError, match=message):
            RetryPolicy(**options)


class TestLoop:
    """The retry loop's behaviours, as in the Kotlin framework and beyond."""

    def test_success_first_time(self) -> None:
        """A success at once is one call and no wait."""
        script, fake = Script([]), FakeTime()
        assert Success("ok") == run(script, fake=fake)
        assert 1 == script.calls
        assert [] == fake.sleeps

    def test_success_after_a_retryable_failure(self) -> None:
        """503 then success: two calls, one backoff wait."""
        script, fake = Script([network(503)]), FakeTime()
        assert Success("ok") == run(script, fake=fake)
        assert 2 == script.calls
        assert [0.2] == fake.sleeps

    def test_exhaustion_returns_the_last_error_itself(self) -> None:
        """Three retryable failures exhaust the default policy: the last error, same type."""
        script, fake = Script([network(500), network(502), network(503)]), FakeTime()
        result = run(script, fake=fake)
        assert 3 == script.calls
        assert [0.2, 0.4] == fake.sleeps
        match result:
            case Failure(se.NetworkError(status_code=503) as error):
                pass
            case _:  # pragma: no cover -- the assertion below says what went wrong
                raise AssertionError(result)
        assert "HTTP 503" == error.message
        assert {
            "retries_exhausted": True,
            "total_attempts": 3,
            "total_retry_delay_ms": 600,
            "elapsed_ms": 600,
            "original_error_code": "NETWORK_ERROR",
            "error_history": ["NETWORK_ERROR", "NETWORK_ERROR", "NETWORK_ERROR"],
        } == dict(error.context)

    def test_exhaustion_as_kotlin_gives_an_execution_error(self) -> None:
        """exhausted="execution_error": Kotlin's form, telling the whole story."""
        script, fake = Script([network(500), network(502), network(503)]), FakeTime()
        result = run(script, fake=fake, exhausted="execution_error")
        assert 3 == script.calls
        assert [0.2, 0.4] == fake.sleeps
        assert isinstance(result, Failure)
        error = result.error
        assert isinstance(error, se.ExecutionError)
        assert "Retry exhausted after 3 attempts: HTTP 503" == error.message
        assert {
            "retries_exhausted": True,
            "total_attempts": 3,
            "total_retry_delay_ms": 600,
            "elapsed_ms": 600,
            "last_error_code": "NETWORK_ERROR",
            "last_status_code": 503,
            "original_error_code": "NETWORK_ERROR",
            "error_history": ["NETWORK_ERROR", "NETWORK_ERROR", "NETWORK_ERROR"],
        } == dict(error.context)
        assert isinstance(error.cause, se.SpiceException)
        assert isinstance(error.cause.error, se.NetworkError)
        assert 503 == error.cause.error.status_code

    def test_history_of_mixed_errors(self) -> None:
        """The history lists every attempt's code, the first one named."""
        script = Script(
            [se.failure(se.TimeoutError("slow")), network(503), Failure(se.RateLimitError("x"))]
        )
        result = run(script, exhausted="execution_error")
        assert isinstance(result, Failure)
        assert ["TIMEOUT_ERROR", "NETWORK_ERROR", "RATE_LIMIT_ERROR"] == result.error.context[
            "error_history"
        ]
        assert "TIMEOUT_ERROR" == result.error.context["original_error_code"]
        assert result.error.context["last_status_code"] is None
        last = run(Script([se.failure(se.TimeoutError("slow")), network(503), network(502)]))
        assert isinstance(last, Failure)
        assert "TIMEOUT_ERROR" == last.error.context["original_error_code"]
        assert network(502).error.with_context(dict(last.error.context)) == last.error

    def test_exhausted_must_be_one_of_two(self) -> None:
        """A typo in exhausted= is a ValueError at once, before anything is called."""
        script = Script([])
        with pytest.raises(ValueError, match='exhausted must be "last_error" or "execution_error"'):
            run(script, exhausted="last")
        with pytest.raises(ValueError, match="exhausted must be"):
            se.retrying(exhausted="kotlin")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="exhausted must be"):
            asyncio.run(se.retry_async(script.async_call, exhausted="all"))  # type: ignore[arg-type]
        assert 0 == script.calls

    async def test_async_exhaustion_as_kotlin(self) -> None:
        """retry_async(exhausted="execution_error") gives Kotlin's form too."""
        script = Script([network(503)] * 3)
        with se.set_testing(True):
            result = await se.retry_async(
                script.async_call, NO_JITTER, exhausted="execution_error", on_give_up=None
            )
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.ExecutionError)
        assert 3 == script.calls

    def test_non_retryable_failure_after_one_call(self) -> None:
        """A 404 comes back unchanged after one call."""
        script = Script([network(404)])
        assert network(404) == run(script)
        assert 1 == script.calls

    def test_single_attempt_returns_the_failure_unchanged(self) -> None:
        """Under max_attempts=1 any failure comes back as it is, and on_give_up stays silent."""
        given_up: list[se.RetryEvent] = []
        script = Script([network(503)])
        assert network(503) == run(script, RetryPolicy.NO_RETRY, on_give_up=given_up.append)
        assert 1 == script.calls
        assert [] == given_up

    def test_exceptions_are_failures(self) -> None:
        """An exception the operation raises is mapped and retried like any failure."""
        script = Script([ConnectionResetError("reset"), ConnectionRefusedError(111, "refused")])
        assert Success("ok") == run(script)
        assert 3 == script.calls

    def test_non_retryable_exception(self) -> None:
        """An exception that maps to a non-retryable error ends the call."""
        result = run(Script([ValueError("bad input")]))
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.ValidationError)

    @pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit])
    def test_interrupts_propagate(self, exc_type: type[BaseException]) -> None:
        """Interrupts are never retried or turned into failures."""
        script = Script([network(503), exc_type()])
        with pytest.raises(exc_type):
            run(script)
        assert 2 == script.calls

    def test_hint_limits_attempts(self) -> None:
        """A hint's max_attempts lowers the policy's."""
        hinted = Failure(se.RetryableError("x", retry_hint=se.RetryHint.with_max_attempts(2)))
        script = Script([hinted, hinted, hinted])
        result = run(script, RetryPolicy(max_attempts=5, jitter=0))
        assert 2 == script.calls
        assert isinstance(result, Failure)
        assert 2 == result.error.context["total_attempts"]

    def test_classifier_is_used(self) -> None:
        """The classifier given decides."""
        script = Script([network(503)])
        assert network(503) == run(script, classifier=RetryClassifier.NEVER_RETRY)
        assert 1 == script.calls

    def test_name_defaults_to_the_operations(self) -> None:
        """Events name the operation by its qualified name unless told."""
        events: list[se.RetryEvent] = []

        def fetch_user() -> SpiceResult[str]:
            return network(503) if not events else Success("ann")

        fake = FakeTime()
        se.retry(fetch_user, NO_JITTER, sleep=fake.sleep, clock=fake.clock, on_retry=events.append)
        assert events[0].operation.endswith("fetch_user")
        script = Script([network(503)])
        run(script, on_retry=events.append)
        assert "Script" == events[1].operation
        run(Script([network(503)]), on_retry=events.append, name="GET /users")
        assert "GET /users" == events[2].operation


class TestServerWaits:
    """Waits the server asked for: never jittered below, capped or strict, within the window."""

    def test_retry_after_is_waited_exactly(self) -> None:
        """A RateLimitError's retry_after_ms is the wait, however jittery the policy."""
        fake = FakeTime()
        script = Script([Failure(se.RateLimitError("slow", retry_after_ms=1500))])
        assert Success("ok") == run(script, RetryPolicy(jitter=1.0), fake)
        assert [1.5] == fake.sleeps

    def test_hint_is_waited_exactly(self) -> None:
        """A RetryableError's hint is the wait."""
        fake = FakeTime()
        error = se.SpiceError.retryable_http_error(503, "busy", retry_after_seconds=2)
        assert Success("ok") == run(Script([Failure(error)]), RetryPolicy(jitter=1.0), fake)
        assert [2.0] == fake.sleeps

    def test_longer_than_max_delay_is_waited_by_default(self) -> None:
        """By default a Retry-After beyond max_delay, within max_retry_after, is waited as asked."""
        fake = FakeTime()
        script = Script([Failure(se.RateLimitError("slow", retry_after_ms=30_000))])
        assert Success("ok") == run(script, RetryPolicy(max_delay=10, jitter=0), fake)
        assert [30.0] == fake.sleeps

    def test_longer_than_max_delay_is_capped_under_cap(self) -> None:
        """Under "cap" (Kotlin's), a Retry-After beyond max_delay waits max_delay, never stops."""
        fake = FakeTime()
        script = Script([Failure(se.RateLimitError("slow", retry_after_ms=120_000_000))])
        policy = RetryPolicy(max_delay=30, jitter=0, retry_after="cap")
        assert Success("ok") == run(script, policy, fake)
        assert [30.0] == fake.sleeps

    def test_longer_than_max_retry_after_stops(self) -> None:
        """Beyond max_retry_after it stops at once, saying why, and goes to on_give_up."""
        given_up: list[se.RetryEvent] = []
        fake = FakeTime()
        script = Script([Failure(se.RateLimitError("slow", retry_after_ms=120_000))])
        result = run(script, RetryPolicy(max_retry_after=60), fake, on_give_up=given_up.append)
        assert 1 == script.calls
        assert [] == fake.sleeps
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.RateLimitError)
        assert 120_000 == result.error.retry_after_ms
        assert "retry_after_exceeds_limit" == result.error.context["retry_stopped"]
        assert 1 == result.error.context["total_attempts"]
        assert ["retry_after_exceeds_limit"] == [event.reason for event in given_up]
        assert given_up[0].wait is None

    def test_longer_than_the_window_stops(self) -> None:
        """A Retry-After longer than what is left of max_elapsed stops at once."""
        fake = FakeTime()
        script = Script([Failure(se.RateLimitError("slow", retry_after_ms=8_000))])
        result = run(script, RetryPolicy(max_delay=30, max_elapsed=5), fake)
        assert [] == fake.sleeps
        assert isinstance(result, Failure)
        assert "window_exhausted" == result.error.context["retry_stopped"]

    def test_backoff_longer_than_what_is_left_stops(self) -> None:
        """A computed backoff that would pass the window's end stops too: no partial sleeps."""
        fake = FakeTime()
        policy = RetryPolicy(max_attempts=10, initial_delay=1, max_delay=8, jitter=0, max_elapsed=6)
        result = run(Script([network(503)] * 10), policy, fake)
        assert [1.0, 2.0] == fake.sleeps  # 1 + 2 = 3 s used; 4 s would pass 6 s
        assert isinstance(result, Failure)
        assert "window_exhausted" == result.error.context["retry_stopped"]
        assert 3 == result.error.context["total_attempts"]

    @given(
        st.lists(st.floats(min_value=0, max_value=5), min_size=1, max_size=8),
        st.floats(min_value=0.5, max_value=20),
        st.lists(st.integers(min_value=0, max_value=10_000) | st.none(), min_size=10, max_size=10),
    )
    def test_no_sleep_passes_the_window(
        self, costs: list[float], window: float, retry_afters: list[int | None]
    ) -> None:
        """Whatever the attempts cost and the server asks, waits end within max_elapsed."""
        fake = FakeTime()
        start = fake.now
        answers = iter(retry_afters)

        def operation() -> SpiceResult[str]:
            fake.now += costs[min(len(fake.sleeps), len(costs) - 1)]
            return Failure(se.RateLimitError("slow", retry_after_ms=next(answers, None)))

        policy = RetryPolicy(max_attempts=10, initial_delay=0.1, max_delay=4, max_elapsed=window)
        se.retry(
            operation, policy, sleep=fake.sleep, clock=fake.clock, on_retry=None, on_give_up=None
        )
        ends = []
        for index, wait in enumerate(fake.sleeps):
            spent = sum(costs[min(i, len(costs) - 1)] for i in range(index + 1)) + sum(
                fake.sleeps[:index]
            )
            ends.append(spent + wait)
        assert all(end <= window + 1e-9 for end in ends)
        assert fake.now - start >= sum(fake.sleeps) - 1e-9


class TestIdempotency:
    """Calls that must not be repeated are retried only when the request never left."""

    def test_connect_failures_are_retried(self) -> None:
        """Refused, DNS and connect timeouts prove the server never saw the request."""
        refused = Failure(se.NetworkError("refused", context={"phase": "connect"}))
        timeout = Failure(se.TimeoutError("connect timeout", context={"phase": "connect"}))
        script = Script([refused, timeout])
        assert Success("ok") == run(script, idempotent=False)
        assert 3 == script.calls

    @pytest.mark.parametrize(
        "failure",
        [
            network(503),
            Failure(se.TimeoutError("read timeout", context={"phase": "read"})),
            Failure(se.RateLimitError("slow", retry_after_ms=10)),
            Failure(se.NetworkError("reset", context={"phase": "read"})),
        ],
        ids=["503", "read timeout", "429", "reset"],
    )
    def test_others_are_not(self, failure: SpiceResult[str]) -> None:
        """5xx, read timeouts, 429 and resets may have reached the server: one call only."""
        script = Script([failure])
        assert failure == run(script, idempotent=False)
        assert 1 == script.calls


class TestHooks:
    """on_retry and on_give_up, and the default log line."""

    def test_events(self) -> None:
        """on_retry hears each planned wait; on_give_up hears the exhausted result."""
        retried: list[se.RetryEvent] = []
        given_up: list[se.RetryEvent] = []
        fake = FakeTime()
        result = run(
            Script([network(503)] * 3),
            fake=fake,
            on_retry=retried.append,
            on_give_up=given_up.append,
            name="GET /orders",
        )
        assert [(1, 0.2, 0.0), (2, 0.4, pytest.approx(0.2))] == [
            (e.attempt, e.wait, e.elapsed) for e in retried
        ]
        assert all(
            event.operation == "GET /orders" and event.max_attempts == 3 for event in retried
        )
        assert all(event.reason == "HTTP 503" for event in retried)
        assert network(503).error == retried[0].error
        assert 1 == len(given_up)
        assert isinstance(result, Failure)
        assert result.error is given_up[0].error
        assert given_up[0].wait is None
        assert 3 == given_up[0].attempt

    def test_give_up_is_not_called_for_non_retryable_failures(self) -> None:
        """Failures that were never retryable are not dead letters."""
        given_up: list[se.RetryEvent] = []
        run(Script([network(400)]), on_give_up=given_up.append)
        assert [] == given_up

    def test_default_log_lines(self, caplog: pytest.LogCaptureFixture) -> None:
        """By default each retry and the give-up log one redacted line, and nothing secret."""
        caplog.set_level(logging.INFO, logger="spice_errors.retry")
        secret = se.NetworkError(
            "upstream said: token=S3cr3t-body",
            status_code=503,
            endpoint="https://bob:S3cr3t-pw@api.example/v1?api_key=S3cr3t-key",
            context={"authorization": "S3cr3t-auth"},
        )
        fake = FakeTime()
        se.retry(
            Script([Failure(secret)] * 3),
            NO_JITTER,
            sleep=fake.sleep,
            clock=fake.clock,
            name="fetch",
        )
        lines = [record.getMessage() for record in caplog.records]
        assert [
            (
                "fetch: attempt 1/3 failed code=NETWORK_ERROR status=503 "
                "endpoint=https://api.example/v1?api_key=*** retrying in 0.200s (HTTP 503)"
            ),
            (
                "fetch: attempt 2/3 failed code=NETWORK_ERROR status=503 "
                "endpoint=https://api.example/v1?api_key=*** retrying in 0.400s (HTTP 503)"
            ),
            (
                "fetch: attempt 3/3 failed code=NETWORK_ERROR status=503 "
                "endpoint=https://api.example/v1?api_key=*** giving up (HTTP 503)"
            ),
        ] == lines
        assert [logging.INFO, logging.INFO, logging.WARNING] == [r.levelno for r in caplog.records]
        assert not any("S3cr3t" in line for line in lines)

    def test_logger_is_quiet_without_configuration(self) -> None:
        """The library's logger has a NullHandler, so nothing reaches stderr by default."""
        from spice_errors._retry import _logger

        logger = _logger()
        assert any(isinstance(handler, logging.NullHandler) for handler in logger.handlers)
        assert _logger() is logger
        assert 1 == len(logger.handlers)


class TestTestingMode:
    """retry_testing: no waits, optional attempt count, scoped or process-wide."""

    def test_no_waits(self) -> None:
        """Waits are computed and reported but never slept."""
        fake = FakeTime()
        retried: list[se.RetryEvent] = []
        with se.retry_testing():
            assert Success("ok") == run(
                Script([network(503)] * 2), fake=fake, on_retry=retried.append
            )
        assert [] == fake.sleeps
        assert [0.2, 0.4] == [event.wait for event in retried]

    def test_attempts_override(self) -> None:
        """attempts replaces every policy's max_attempts while on."""
        script = Script([network(503)] * 10)
        with se.retry_testing(attempts=4):
            result = run(script, RetryPolicy(max_attempts=10))
        assert 4 == script.calls
        assert isinstance(result, Failure)
        assert 4 == result.error.context["total_attempts"]

    def test_process_wide_and_restored(self) -> None:
        """Called without with, it stays on; a with block restores what was before."""
        from spice_errors._testing import STATE

        switch = se.retry_testing(attempts=2)
        try:
            assert (True, 2) == (STATE.enabled, STATE.attempts)
            with se.retry_testing(enabled=False):
                assert (False, None) == (STATE.enabled, STATE.attempts)
            assert (True, 2) == (STATE.enabled, STATE.attempts)
        finally:
            switch.__exit__(None, None, None)
        assert (False, None) == (STATE.enabled, STATE.attempts)

    @pytest.mark.parametrize("attempts", [0, -1, True])
    def test_bad_attempts(self, attempts: int) -> None:
        """attempts must be a positive int."""
        with pytest.raises(ValueError, match="attempts must be an int >= 1"):
            se.retry_testing(attempts=attempts)

    def test_real_sleep_is_skipped(self) -> None:
        """With the default sleep, testing mode makes a long policy return at once."""
        policy = RetryPolicy(max_attempts=3, initial_delay=60, max_delay=60, jitter=0)
        started = time.monotonic()
        with se.retry_testing():
            result = se.retry(Script([network(503)] * 3), policy, on_retry=None, on_give_up=None)
        assert isinstance(result, Failure)
        assert 120_000 == result.error.context["total_retry_delay_ms"]
        assert time.monotonic() - started < 60


class TestAsync:
    """retry_async and the decorator, on a real event loop."""

    async def test_retry_async(self) -> None:
        """The async loop retries like the sync one, awaiting its sleeps."""
        fake = FakeTime()
        script = Script([network(503), Failure(se.RateLimitError("x", retry_after_ms=300))])
        result = await se.retry_async(
            script.async_call, NO_JITTER, sleep=fake.sleep_async, clock=fake.clock, on_retry=None
        )
        assert Success("ok") == result
        assert [0.2, 0.3] == fake.sleeps

    async def test_async_success_first_time(self) -> None:
        """A success at once is one call, in the async loop too."""
        script = Script([])
        assert Success("ok") == await se.retry_async(script.async_call)
        assert 1 == script.calls

    async def test_retry_async_gives_up(self) -> None:
        """Exhaustion and non-retryable failures end the async loop too."""
        given_up: list[se.RetryEvent] = []
        fake = FakeTime()
        result = await se.retry_async(
            Script([network(503)] * 3).async_call,
            NO_JITTER,
            sleep=fake.sleep_async,
            clock=fake.clock,
            on_retry=None,
            on_give_up=given_up.append,
        )
        assert isinstance(result, Failure)
        assert isinstance(result.error, se.NetworkError)
        assert result.error.context["retries_exhausted"] is True
        assert 1 == len(given_up)

    async def test_async_exceptions_are_failures(self) -> None:
        """An exception in the awaited operation is a failure."""
        fake = FakeTime()
        script = Script([ConnectionRefusedError(111, "refused")])
        result = await se.retry_async(
            script.async_call, NO_JITTER, sleep=fake.sleep_async, clock=fake.clock
        )
        assert Success("ok") == result

    async def test_real_asyncio_sleep(self) -> None:
        """By default the async loop waits with asyncio.sleep, at least as long as planned."""
        policy = RetryPolicy(max_attempts=2, initial_delay=0.02, jitter=0)
        started = time.monotonic()
        result = await se.retry_async(Script([network(503)]).async_call, policy, on_retry=None)
        assert Success("ok") == result
        assert time.monotonic() - started >= 0.02

    async def test_testing_mode_skips_async_sleeps(self) -> None:
        """Testing mode applies to the async loop as well."""
        fake = FakeTime()
        with se.retry_testing():
            await se.retry_async(
                Script([network(503)]).async_call,
                NO_JITTER,
                sleep=fake.sleep_async,
                clock=fake.clock,
            )
        assert [] == fake.sleeps

    async def test_cancellation_during_a_wait(self) -> None:
        """Cancelling a retry while it waits cancels it; nothing is turned into a failure."""
        policy = RetryPolicy(max_attempts=3, initial_delay=30, max_delay=30, jitter=0)
        task = asyncio.ensure_future(
            se.retry_async(Script([network(503)] * 3).async_call, policy, on_retry=None)
        )
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    async def test_cancellation_during_an_attempt(self) -> None:
        """Cancelling a retry while its operation runs cancels it."""

        def operation(started: asyncio.Event) -> Callable[[], Awaitable[SpiceResult[str]]]:
            return lambda: cast("Awaitable[SpiceResult[str]]", hang(started))

        await cancel_once_started(lambda started: se.retry_async(operation(started)))


class TestDecorator:
    """@retrying on plain and async functions."""

    def test_sync(self) -> None:
        """Each call of the decorated function is retried."""
        script = Script([network(503)])
        events: list[se.RetryEvent] = []

        @se.retrying(RetryPolicy(max_attempts=2, initial_delay=0, jitter=0), on_retry=events.append)
        def fetch(suffix: str) -> SpiceResult[str]:
            return script().map(lambda body: body + suffix)

        assert Success("ok!") == fetch("!")
        assert 2 == script.calls
        assert events[0].operation.endswith("fetch")
        assert "fetch" == fetch.__name__

    async def test_async(self) -> None:
        """Async functions are retried with retry_async."""
        script = Script([network(503), network(502)])

        @se.retrying(
            RetryPolicy(max_attempts=3, initial_delay=0, jitter=0), name="load", on_retry=None
        )
        async def load() -> SpiceResult[str]:
            return await script.async_call()

        assert Success("ok") == await load()
        assert 3 == script.calls

    def test_non_idempotent(self) -> None:
        """The decorator passes idempotent and the classifier on."""
        script = Script([network(503)])

        @se.retrying(idempotent=False)
        def post() -> SpiceResult[str]:
            return script()

        assert network(503) == post()
        assert 1 == script.calls

    def test_a_first_call_that_raises_is_retried(self) -> None:
        """The decorator's own first call maps an exception and retries, like `retry`."""
        calls: list[int] = []

        @se.retrying(RetryPolicy(max_attempts=3, initial_delay=0, jitter=0), on_retry=None)
        def flaky(n: int) -> SpiceResult[int]:
            calls.append(n)
            if len(calls) < 3:
                raise ConnectionResetError("reset by peer")
            return Success(n * 2)

        assert Success(42) == flaky(21)
        assert [21, 21, 21] == calls

    async def test_an_async_first_call_that_raises_is_retried(self) -> None:
        """The same for an async function: its exception is a failure worth retrying."""
        calls: list[int] = []

        @se.retrying(RetryPolicy(max_attempts=2, initial_delay=0, jitter=0), on_retry=None)
        async def flaky() -> SpiceResult[str]:
            calls.append(1)
            if len(calls) == 1:
                raise TimeoutError("slow")
            return Success("ok")

        assert Success("ok") == await flaky()
        assert 2 == len(calls)

    async def test_an_async_first_success_is_returned_as_it_is(self) -> None:
        """An async function's success at once is that very result, with no loop."""
        done = Success("ok")

        @se.retrying()
        async def fetch() -> SpiceResult[str]:
            return done

        assert await fetch() is done

    def test_the_first_call_is_made_directly(self) -> None:
        """A success on the first call returns that very result, without entering the loop."""
        done = Success("ok")

        @se.retrying()
        def fetch() -> SpiceResult[str]:
            return done

        assert fetch() is done


def test_retry_hint_reason_in_events() -> None:
    """Events give the hint's reason as the decision's reason."""
    events: list[se.RetryEvent] = []
    run(
        Script([Failure(SpiceError.retryable_http_error(503, "busy", retry_after_seconds=0))]),
        on_retry=events.append,
    )
    assert ["HTTP 503 Retry-After"] == [event.reason for event in events]
    assert [0.0] == [event.wait for event in events]


# -- exact decisions, boundaries and the knobs passed on ----------------------------------

Decision = se.RetryDecision


class TestExactDecisions:
    """The default rules' verdicts and reasons, as hooks and logs show them."""

    @pytest.mark.parametrize(
        ("error", "decision"),
        [
            (se.TimeoutError("slow"), Decision(should_retry=True, reason="timed out")),
            (
                se.ValidationError("bad"),
                Decision(should_retry=False, reason="VALIDATION_ERROR is never retried"),
            ),
            (
                se.NetworkError("tls", context={"tls": True}),
                Decision(should_retry=False, reason="TLS failure"),
            ),
            (
                se.NetworkError("down"),
                Decision(should_retry=True, reason="network failure without a status"),
            ),
            (
                se.NetworkError("gone", status_code=404),
                Decision(should_retry=False, reason="HTTP 404"),
            ),
            (
                se.NetworkError("edge", status_code=599),
                Decision(should_retry=True, reason="HTTP 599"),
            ),
            (
                se.NetworkError("moved", status_code=308),
                Decision(should_retry=False, reason="HTTP 308"),
            ),
            (
                se.RetryableError("client", status_code=499),
                Decision(should_retry=False, reason="HTTP 499"),
            ),
            (
                se.RetryableError("server", status_code=500),
                Decision(should_retry=True, reason="retryable error"),
            ),
            (
                se.UnknownError("u", context={"status_code": 503}),
                Decision(should_retry=True, reason="status 503"),
            ),
            (
                se.UnknownError("u", context={"retryable": True}),
                Decision(should_retry=True, reason="marked retryable"),
            ),
            (se.UnknownError("u"), Decision(should_retry=False, reason="not marked retryable")),
        ],
        ids=lambda value: type(value).__name__,
    )
    def test_default_rules(self, error: SpiceError, decision: se.RetryDecision) -> None:
        """Each rule's verdict and its exact reason."""
        assert decision == se.classify(error)

    def test_classifier_overrides(self) -> None:
        """Predicate, never, always and the two other bases: verdict and reason each."""
        timeout = se.TimeoutError("slow")
        unknown = se.UnknownError("u")
        assert Decision(should_retry=True, reason="custom rule") == RetryClassifier(
            predicate=lambda _error: True
        ).classify(unknown)
        assert Decision(should_retry=False, reason="custom rule") == RetryClassifier(
            predicate=lambda _error: False
        ).classify(timeout)
        assert Decision(
            should_retry=False, reason="TIMEOUT_ERROR never retried"
        ) == RetryClassifier(never="TIMEOUT_ERROR").classify(timeout)
        assert Decision(
            should_retry=True, reason="UNKNOWN_ERROR always retried"
        ) == RetryClassifier(always="UNKNOWN_ERROR").classify(unknown)
        assert Decision(
            should_retry=False, reason="retries disabled"
        ) == RetryClassifier.NEVER_RETRY.classify(timeout)
        assert Decision(
            should_retry=True, reason="always retry"
        ) == RetryClassifier.ALWAYS_RETRY.classify(unknown)


class TestPolicyEdges:
    """The smallest allowed values and the exact messages of the policy's checks."""

    def test_smallest_allowed_values(self) -> None:
        """One attempt and a multiplier of exactly 1 (or 1.5) are allowed."""
        assert 1 == RetryPolicy(max_attempts=1).max_attempts
        assert 1 == RetryPolicy(multiplier=1).multiplier
        assert 1.5 == RetryPolicy(multiplier=1.5).multiplier

    def test_max_attempts_message(self) -> None:
        """Zero attempts are refused with the full explanation."""
        with pytest.raises(ValueError, match="max_attempts") as raised:
            RetryPolicy(max_attempts=0)
        assert (
            "max_attempts must be an int >= 1 (the first attempt included), got 0",
        ) == raised.value.args

    def test_jitter_moves_the_delay_by_the_draw(self) -> None:
        """A draw of 0.75 with jitter 0.5 adds a quarter of the delay; 0.25 takes it off."""
        policy = RetryPolicy(initial_delay=1.0, max_delay=10.0, jitter=0.5)
        assert 1.25 == policy.calculate_delay(1, random=lambda: 0.75)
        assert 0.75 == policy.calculate_delay(1, random=lambda: 0.25)

    def test_delays_use_the_given_random(self) -> None:
        """delays() passes its random source on to every wait."""
        policy = RetryPolicy(max_attempts=3, initial_delay=1.0, multiplier=2.0, jitter=0.5)
        assert [1.5, 3.0] == policy.delays(random=lambda: 1.0)

    def test_testing_attempts_of_one(self) -> None:
        """retry_testing(attempts=1) is allowed: every call is tried once."""
        script = Script([network(503)])
        with se.retry_testing(attempts=1):
            result = run(script)
        assert 1 == script.calls
        assert isinstance(result, Failure)

    def test_a_fresh_testing_switch_is_off(self) -> None:
        """The process-wide switch starts disabled, with no attempts override."""
        from spice_errors._testing import _Testing

        switch = _Testing()
        assert switch.enabled is False
        assert switch.attempts is None
        assert (False, None) == switch.base
        assert [] == switch.blocks
        switch.enabled = True
        switch.apply()  # no block open: the base setting is put back in force
        assert (False, None) == (switch.enabled, switch.attempts)


class TestLoopEdges:
    """Exact edges of the loop's waits and what its events carry."""

    def test_wait_equal_to_max_retry_after_is_kept(self) -> None:
        """A server wait of exactly max_retry_after is waited, not refused."""
        fake = FakeTime()
        hint = se.RetryHint.from_retry_after_seconds(2)
        script = Script([Failure(se.RetryableError("busy", retry_hint=hint))])
        policy = RetryPolicy(max_attempts=3, max_delay=1.0, jitter=0, max_retry_after=2.0)
        assert Success("ok") == run(script, policy, fake)
        assert [2.0] == fake.sleeps

    def test_wait_that_exactly_fills_the_window_is_kept(self) -> None:
        """A wait ending exactly at max_elapsed is still waited."""
        fake = FakeTime()
        policy = RetryPolicy(max_attempts=3, initial_delay=1.0, jitter=0, max_elapsed=1.0)
        assert Success("ok") == run(Script([network(503)]), policy, fake)
        assert [1.0] == fake.sleeps

    def test_give_up_event_after_a_stop_on_a_long_wait(self) -> None:
        """The give-up event carries the elapsed time and the hint's attempt limit."""
        fake = FakeTime()
        events: list[se.RetryEvent] = []
        hint = se.RetryHint(retry_after_ms=5000, max_attempts=2)
        script = Script([Failure(se.RetryableError("busy", retry_hint=hint))])
        policy = RetryPolicy(max_attempts=5, max_delay=1.0, max_retry_after=4.0)
        result = run(script, policy, fake, on_give_up=events.append)
        assert isinstance(result, Failure)
        assert "retry_after_exceeds_limit" == result.error.context["retry_stopped"]
        [event] = events
        assert 2 == event.max_attempts
        assert 0.0 == event.elapsed
        assert event.wait is None

    def test_zero_waits_add_nothing_to_the_total(self) -> None:
        """Waits of 0 count as 0 in total_retry_delay_ms."""
        result = run(Script([network(503)] * 3), RetryPolicy(max_attempts=3, initial_delay=0))
        assert isinstance(result, Failure)
        assert 0 == result.error.context["total_retry_delay_ms"]

    async def test_async_total_delay_and_name(self) -> None:
        """The async loop sums its waits, counts 0 as 0 and names the operation."""
        fake = FakeTime()
        events: list[se.RetryEvent] = []
        policy = RetryPolicy(max_attempts=3, initial_delay=0.1, multiplier=2.0, jitter=0)
        script = Script([network(503)] * 3)
        result = await se.retry_async(
            script.async_call,
            policy,
            sleep=fake.sleep_async,
            clock=fake.clock,
            on_retry=events.append,
            on_give_up=None,
            name="fetch",
        )
        assert isinstance(result, Failure)
        assert 300 == result.error.context["total_retry_delay_ms"]
        assert ["fetch", "fetch"] == [event.operation for event in events]
        zero = await se.retry_async(
            Script([network(503)] * 3).async_call,
            RetryPolicy(max_attempts=3, initial_delay=0),
            sleep=fake.sleep_async,
            on_retry=None,
            on_give_up=None,
        )
        assert isinstance(zero, Failure)
        assert 0 == zero.error.context["total_retry_delay_ms"]

    async def test_async_default_name_is_the_qualname(self) -> None:
        """Without a name, events name the operation by its __qualname__."""
        events: list[se.RetryEvent] = []
        script = Script([network(503)])
        await se.retry_async(
            script.async_call, RetryPolicy(initial_delay=0), on_retry=events.append
        )
        assert ["Script.async_call"] == [event.operation for event in events]

    def test_decorator_passes_name_and_give_up_hook(self) -> None:
        """retrying(name=..., on_give_up=...) reaches every call's events."""
        given_up: list[se.RetryEvent] = []
        retried: list[se.RetryEvent] = []

        @se.retrying(
            RetryPolicy(max_attempts=2, initial_delay=0),
            name="custom",
            on_retry=retried.append,
            on_give_up=given_up.append,
        )
        def always_down() -> SpiceResult[str]:
            return network(503)

        result = always_down()
        assert isinstance(result, Failure)
        assert ["custom"] == [event.operation for event in retried]
        assert ["custom"] == [event.operation for event in given_up]

    def test_logger_gets_a_null_handler(self) -> None:
        """The retry logger gets a NullHandler when it has none.

        A library never prints on its own.
        """
        from spice_errors import _retry

        logger = logging.getLogger("spice_errors.retry")
        saved = logger.handlers[:]
        logger.handlers.clear()
        cached = _retry._logger_cache
        _retry._logger_cache = None
        try:
            run(Script([network(503)]), RetryPolicy(initial_delay=0), on_retry=_retry.log_event)
            assert [logging.NullHandler] == [type(handler) for handler in logger.handlers]
            assert logger is _retry._logger_cache
        finally:
            logger.handlers[:] = saved
            _retry._logger_cache = cached
