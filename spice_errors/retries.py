"""Retry what is safe to repeat: classification, `RetryPolicy` and the retry loop.

The loop calls an operation that returns a `SpiceResult`. After a failure it asks a
`RetryClassifier` whether the error is worth another attempt, waits as the policy and
the server say (never sooner than the server asked, never past the policy's time
window), and tries again, until a success, a failure not worth retrying, or the end of
the attempts.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from functools import wraps
from typing import TYPE_CHECKING, ClassVar, Final, Literal, ParamSpec, Self, TypeVar, cast, overload

import attrs

from spice_errors._checks import is_int_at_least, is_number
from spice_errors._redact import redact_url
from spice_errors.errors import (
    AgentError,
    AnySpiceError,
    AuthenticationError,
    CheckpointError,
    CommError,
    ConfigurationError,
    ExecutionError,
    NetworkError,
    RateLimitError,
    RetryableError,
    RoutingError,
    SerializationError,
    SpiceError,
    ToolError,
    ToolLookupError,
    UnknownError,
    ValidationError,
)
from spice_errors.errors import TimeoutError as SpiceTimeoutError
from spice_errors.mapping import from_exception
from spice_errors.result import Failure, SpiceResult, Success

if TYPE_CHECKING:
    import logging
    from datetime import timedelta
    from types import TracebackType

__all__ = [
    "RetryClassifier",
    "RetryDecision",
    "RetryEvent",
    "RetryPolicy",
    "classify",
    "is_retryable",
    "retry",
    "retry_async",
    "retry_testing",
    "retrying",
]

T = TypeVar("T")
E = TypeVar("E", bound=SpiceError)
P = ParamSpec("P")

_RETRYABLE_4XX: Final = frozenset({408, 429})
_NEVER_RETRIED: Final[tuple[type[SpiceError], ...]] = (
    ValidationError,
    AuthenticationError,
    SerializationError,
    ConfigurationError,
    ToolLookupError,
    RoutingError,
)
_BY_CONTEXT: Final[tuple[type[SpiceError], ...]] = (
    AgentError,
    CommError,
    ToolError,
    ExecutionError,
    CheckpointError,
    UnknownError,
)


def _retryable_status(status: object) -> bool:
    """408, 429 and 5xx are worth retrying; other statuses are the request's fault."""
    if not isinstance(status, int) or isinstance(status, bool):
        return False
    return status in _RETRYABLE_4XX or 500 <= status <= 599  # noqa: PLR2004 -- the 5xx range


def status_of(error: SpiceError) -> int | None:
    """The HTTP status an error carries, from its field or its context, if any.

    .. versionadded:: 0.1.0
    """
    status = getattr(error, "status_code", None)
    if status is None:
        status = error.context.get("http_status", error.context.get("status_code"))
    return status if isinstance(status, int) and not isinstance(status, bool) else None


@attrs.frozen
class RetryDecision:
    """What a classifier says about one error.

    Attributes:
        should_retry: Whether another attempt is worth making.
        reason: Why, in a few words, for logs.
        suggested_delay: The wait the error asks for, in seconds (a server's
            ``Retry-After``, a `RetryHint`), or ``None``.

    .. versionadded:: 0.1.0
    """

    should_retry: bool
    reason: str
    suggested_delay: float | None = None


def _decide(error: SpiceError) -> RetryDecision:
    """The Kotlin framework's default rules."""
    if isinstance(error, RetryableError):
        return _decide_retryable(error)
    if isinstance(error, NetworkError):
        return _decide_network(error)
    if isinstance(error, RateLimitError):
        delay = None if error.retry_after_ms is None else error.retry_after_ms / 1000
        return RetryDecision(should_retry=True, reason="rate limited", suggested_delay=delay)
    if isinstance(error, SpiceTimeoutError):
        return RetryDecision(should_retry=True, reason="timed out")
    if isinstance(error, _NEVER_RETRIED):
        return RetryDecision(should_retry=False, reason=f"{error.code} is never retried")
    return _decide_by_context(error)


def _decide_network(error: NetworkError) -> RetryDecision:
    if error.context.get("tls") is True:
        return RetryDecision(should_retry=False, reason="TLS failure")
    if error.status_code is None:
        return RetryDecision(should_retry=True, reason="network failure without a status")
    if _retryable_status(error.status_code):
        return RetryDecision(should_retry=True, reason=f"HTTP {error.status_code}")
    return RetryDecision(should_retry=False, reason=f"HTTP {error.status_code}")


def _decide_retryable(error: RetryableError) -> RetryDecision:
    hint = error.retry_hint
    if hint is not None and hint.skip_retry:
        return RetryDecision(should_retry=False, reason=hint.reason or "the hint says skip")
    status = error.status_code
    if status is not None and 400 <= status <= 499 and status not in _RETRYABLE_4XX:  # noqa: PLR2004
        return RetryDecision(should_retry=False, reason=f"HTTP {status}")
    delay = None
    if hint is not None and hint.retry_after_ms is not None:
        delay = hint.retry_after_ms / 1000
    reason = (hint.reason if hint is not None else None) or "retryable error"
    return RetryDecision(should_retry=True, reason=reason, suggested_delay=delay)


def _decide_by_context(error: SpiceError) -> RetryDecision:
    status = error.context.get("status_code")
    if _retryable_status(status):
        return RetryDecision(should_retry=True, reason=f"status {status}")
    if error.context.get("retryable") is True:
        return RetryDecision(should_retry=True, reason="marked retryable")
    return RetryDecision(should_retry=False, reason="not marked retryable")


def _as_codes(codes: str | Iterable[str]) -> frozenset[str]:
    """One code or many, as a set: ``always="TIMEOUT_ERROR"`` reads naturally."""
    if isinstance(codes, str):
        return frozenset({codes})
    return frozenset(codes)


@attrs.frozen
class RetryClassifier:
    """Decides which errors are worth retrying.

    The base rules are the Kotlin framework's (``base="default"``), or nothing
    (``"never"``), or everything (``"always"``). On top of them, ``always`` and
    ``never`` name error codes that are always or never retried, and ``predicate``
    may decide any error (returning ``None`` leaves it to the other rules). A hint
    that says skip is honoured even by ``"always"``.

    Examples:
        >>> classifier = RetryClassifier(never={"TIMEOUT_ERROR"})
        >>> classifier.classify(SpiceError.timeout_error("slow")).should_retry
        False

    .. versionadded:: 0.1.0
    """

    DEFAULT: ClassVar[RetryClassifier]
    NEVER_RETRY: ClassVar[RetryClassifier]
    ALWAYS_RETRY: ClassVar[RetryClassifier]

    base: Literal["default", "never", "always"] = attrs.field(
        default="default",
        validator=attrs.validators.in_(("default", "never", "always")),
    )
    always: frozenset[str] = attrs.field(default=frozenset(), converter=_as_codes)
    never: frozenset[str] = attrs.field(default=frozenset(), converter=_as_codes)
    predicate: Callable[[SpiceError], bool | None] | None = None

    def classify(self, error: SpiceError) -> RetryDecision:
        """Decide whether ``error`` is worth another attempt."""
        decision = _decide(error)
        if self.predicate is not None:
            verdict = self.predicate(error)
            if verdict is not None:
                return attrs.evolve(decision, should_retry=verdict, reason="custom rule")
        if error.code in self.never:
            return attrs.evolve(decision, should_retry=False, reason=f"{error.code} never retried")
        if error.code in self.always:
            return attrs.evolve(decision, should_retry=True, reason=f"{error.code} always retried")
        if self.base == "never":
            return attrs.evolve(decision, should_retry=False, reason="retries disabled")
        if self.base == "always" and not _skips(error):
            return attrs.evolve(decision, should_retry=True, reason="always retry")
        return decision


def _skips(error: SpiceError) -> bool:
    hint = getattr(error, "retry_hint", None)
    return hint is not None and bool(hint.skip_retry)


RetryClassifier.DEFAULT = RetryClassifier()
RetryClassifier.NEVER_RETRY = RetryClassifier(base="never")
RetryClassifier.ALWAYS_RETRY = RetryClassifier(base="always")


def classify(error: SpiceError, classifier: RetryClassifier | None = None) -> RetryDecision:
    """Decide whether ``error`` is worth retrying, under the default rules unless told.

    .. versionadded:: 0.1.0
    """
    return (classifier or RetryClassifier.DEFAULT).classify(error)


def is_retryable(error: SpiceError) -> bool:
    """Tell whether the default rules would retry ``error``.

    Examples:
        >>> is_retryable(SpiceError.network_error("Service unavailable", 503))
        True
        >>> is_retryable(SpiceError.network_error("Not found", 404))
        False

    .. versionadded:: 0.1.0
    """
    return _decide(error).should_retry


# -- the policy ----------------------------------------------------------------------------


def _required_seconds(value: float | timedelta) -> float:
    """Seconds from a number or a ``timedelta``; anything else is left to the checks.

    Duck-typed so that ``import spice_errors`` need not import ``datetime``.
    """
    total_seconds = getattr(value, "total_seconds", None)
    return total_seconds() if callable(total_seconds) else value  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


def _seconds(value: float | timedelta | None) -> float | None:
    return None if value is None else _required_seconds(value)


def _check_delay(_policy: RetryPolicy, attribute: attrs.Attribute[float], value: float) -> None:
    if not is_number(value) or not math.isfinite(value) or value < 0:
        msg = f"{attribute.name} must be a finite number of seconds >= 0, got {value!r}"
        raise ValueError(msg)


def _default_random() -> Callable[[], float]:
    # Jitter only spreads clients out; it needs no cryptographic randomness, and only
    # jittered policies pay for importing `random`.
    from random import random

    return random


def _check_policy(policy: RetryPolicy) -> None:
    if not is_int_at_least(policy.max_attempts, 1):
        msg = (
            "max_attempts must be an int >= 1 (the first attempt included), "
            f"got {policy.max_attempts!r}"
        )
        raise ValueError(msg)
    if policy.max_delay < policy.initial_delay:
        msg = f"max_delay ({policy.max_delay}) must be >= initial_delay ({policy.initial_delay})"
        raise ValueError(msg)
    multiplier: object = policy.multiplier
    if not is_number(multiplier) or not math.isfinite(policy.multiplier) or policy.multiplier < 1:
        msg = f"multiplier must be a finite number >= 1, got {multiplier!r}"
        raise ValueError(msg)
    jitter: object = policy.jitter
    if not is_number(jitter) or not 0 <= policy.jitter <= 1:
        msg = f"jitter must be a number from 0 to 1 (a fraction of the delay), got {jitter!r}"
        raise ValueError(msg)
    window: object = policy.max_elapsed
    if window is not None and (
        not is_number(window)
        or not math.isfinite(policy.max_elapsed or 0)
        or (policy.max_elapsed or 0) <= 0
    ):
        msg = f"max_elapsed must be a finite number of seconds > 0, or None; got {window!r}"
        raise ValueError(msg)
    mode: object = policy.retry_after
    if mode not in {"cap", "strict"}:
        msg = f'retry_after must be "cap" or "strict", got {mode!r}'
        raise ValueError(msg)


@attrs.frozen
class RetryPolicy:
    """How often to try and how long to wait between attempts.

    Attributes:
        max_attempts: Attempts in all, the first included.
        initial_delay: The first backoff wait, in seconds (a ``timedelta`` is accepted).
        max_delay: The longest single wait, in seconds.
        multiplier: How much each backoff wait grows.
        jitter: The fraction of each backoff wait that is randomized (± that much).
        max_elapsed: The total time window for all attempts and waits, or ``None``.
        retry_after: What to do when a server asks for a wait longer than
            ``max_delay``: ``"cap"`` waits ``max_delay``; ``"strict"`` stops at once.

    Raises:
        ValueError: On construction, for values that make no sense, saying which.

    Examples:
        >>> list(RetryPolicy(max_attempts=5, jitter=0).delays())
        [0.2, 0.4, 0.8, 1.6]

    .. versionadded:: 0.1.0
    """

    DEFAULT: ClassVar[RetryPolicy]
    NO_RETRY: ClassVar[RetryPolicy]
    AGGRESSIVE: ClassVar[RetryPolicy]
    CONSERVATIVE: ClassVar[RetryPolicy]
    RATE_LIMIT_FRIENDLY: ClassVar[RetryPolicy]

    max_attempts: int = 3
    initial_delay: float = attrs.field(
        default=0.2, converter=_required_seconds, validator=_check_delay
    )
    max_delay: float = attrs.field(
        default=10.0, converter=_required_seconds, validator=_check_delay
    )
    multiplier: float = 2.0
    jitter: float = 0.1
    max_elapsed: float | None = attrs.field(default=None, converter=_seconds)
    retry_after: Literal["cap", "strict"] = "cap"

    def __attrs_post_init__(self) -> None:
        _check_policy(self)

    @property
    def retry_enabled(self) -> bool:
        """Whether the policy allows any retry at all (``max_attempts > 1``)."""
        return self.max_attempts > 1

    def should_retry(self, attempt: int) -> bool:
        """Whether attempt number ``attempt`` (1-based) is allowed."""
        return attempt <= self.max_attempts

    def has_more_retries(self, attempt: int) -> bool:
        """Whether another attempt may follow attempt number ``attempt``."""
        return attempt < self.max_attempts

    def calculate_delay(
        self,
        attempt: int,
        retry_after: float | timedelta | None = None,
        *,
        random: Callable[[], float] | None = None,
    ) -> float:
        """The wait after attempt number ``attempt`` (1-based), in seconds.

        Without a server's wait, the backoff ``initial_delay * multiplier**(attempt-1)``,
        capped at ``max_delay``, then moved by up to ``± jitter`` of itself, then kept
        within ``[0, max_delay]``. With a server's wait (``retry_after``, in seconds or a
        ``timedelta``), that wait capped at ``max_delay`` and never jittered.

        Args:
            attempt: The attempt that just failed, from 1.
            retry_after: The wait a server asked for, if any.
            random: A source of numbers in ``[0, 1)`` for the jitter; ``random.random``
                when omitted.
        """
        hint = _seconds(retry_after)
        if hint is not None:
            return min(max(hint, 0.0), self.max_delay)
        delay = min(self.initial_delay * self.multiplier ** max(attempt - 1, 0), self.max_delay)
        if self.jitter:
            draw = _default_random() if random is None else random
            delay += (2 * draw() - 1) * self.jitter * delay
        return min(max(delay, 0.0), self.max_delay)

    def delays(self, *, random: Callable[[], float] | None = None) -> list[float]:
        """The ``max_attempts - 1`` backoff waits between attempts, in order."""
        return [self.calculate_delay(n, random=random) for n in range(1, self.max_attempts)]


RetryPolicy.DEFAULT = RetryPolicy()
RetryPolicy.NO_RETRY = RetryPolicy(max_attempts=1)
RetryPolicy.AGGRESSIVE = RetryPolicy(
    max_attempts=5, initial_delay=0.1, max_delay=5.0, multiplier=1.5
)
RetryPolicy.CONSERVATIVE = RetryPolicy(
    max_attempts=3, initial_delay=1.0, max_delay=30.0, multiplier=3.0
)
RetryPolicy.RATE_LIMIT_FRIENDLY = RetryPolicy(
    max_attempts=5, initial_delay=1.0, max_delay=60.0, multiplier=2.0, jitter=0.2
)


# -- testing mode --------------------------------------------------------------------------


class _Testing:
    """The process-wide testing switch. Internal state: a plain class, cheap to import.

    ``enabled`` and ``attempts`` are what is in force, read by the retry loop without a
    lock. They come from the innermost open ``with retry_testing()`` block, in any thread
    or task (``blocks``, in the order they were entered), else from the last plain call
    (``base``).
    """

    __slots__ = ("attempts", "base", "blocks", "enabled")

    def __init__(self) -> None:
        self.enabled = False
        self.attempts: int | None = None
        self.base: tuple[bool, int | None] = (False, None)
        self.blocks: list[retry_testing] = []

    def apply(self) -> None:
        """Put in force what the open blocks, or the base setting, say (under the lock)."""
        self.enabled, self.attempts = self.blocks[-1].setting if self.blocks else self.base


_testing = _Testing()
_testing_lock = threading.Lock()


class retry_testing:  # noqa: N801 -- used like a function: `retry_testing()` or `with retry_testing():`
    """Switch retry waits off process-wide, for tests; also a context manager.

    While on, the retry loop never sleeps (waits are still computed, reported to hooks
    and counted), and ``attempts``, when given, replaces every policy's
    ``max_attempts``.

    Called plainly, it sets what is in force from then on. As a ``with`` block, it is in
    force while it is the innermost open block, in any thread or task; leaving the last
    open block puts back what plain calls set. Blocks in several threads may overlap in
    any order: leaving one never switches off another that is still open.

    Examples:
        >>> with retry_testing(attempts=2):
        ...     calls = []
        ...     result = retry(lambda: calls.append(1) or Failure(SpiceError.timeout_error("slow")))
        >>> len(calls), result.error_or_none().context["retries_exhausted"]
        (2, True)

    .. versionadded:: 0.1.0
    """

    def __init__(self, enabled: bool = True, *, attempts: int | None = None) -> None:  # noqa: FBT001, FBT002 -- reads as retry_testing(False)
        if attempts is not None and (isinstance(attempts, bool) or attempts < 1):
            msg = f"attempts must be an int >= 1 or None, got {attempts!r}"
            raise ValueError(msg)
        self.setting = (enabled, attempts)
        with _testing_lock:
            self._previous = _testing.base
            _testing.base = self.setting
            _testing.apply()

    def __enter__(self) -> Self:
        with _testing_lock:
            # A block, not a plain call after all: its setting lasts only while it is open.
            _testing.base = self._previous
            _testing.blocks.append(self)
            _testing.apply()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with _testing_lock:
            if self in _testing.blocks:
                _testing.blocks.remove(self)
            else:  # a plain call undone by hand: put back the setting it replaced
                _testing.base = self._previous
            _testing.apply()


# -- the loop ------------------------------------------------------------------------------


@attrs.frozen
class RetryEvent:
    """What a retry hook is told.

    Attributes:
        attempt: The attempt that just failed, from 1.
        max_attempts: How many attempts the call allows.
        error: The attempt's error; for ``on_give_up``, the error the call returns.
        wait: The wait before the next attempt, in seconds; ``None`` when giving up.
        elapsed: Seconds since the first attempt started.
        operation: The operation's name.
        reason: Why the call retries or gives up.

    .. versionadded:: 0.1.0
    """

    attempt: int
    max_attempts: int
    error: SpiceError
    wait: float | None
    elapsed: float
    operation: str
    reason: str


def _log(event: RetryEvent) -> None:
    """The default hook: one line on the ``spice_errors.retry`` logger, nothing secret."""
    error = event.error
    status = status_of(error)
    endpoint = getattr(error, "endpoint", None)
    parts = [
        f"{event.operation}: attempt {event.attempt}/{event.max_attempts} failed",
        f"code={error.code}",
    ]
    if status is not None:
        parts.append(f"status={status}")
    if isinstance(endpoint, str):
        parts.append(f"endpoint={redact_url(endpoint)}")
    logger = _logger()
    if event.wait is None:
        parts.append(f"giving up ({event.reason})")
        logger.warning(" ".join(parts))
    else:
        parts.append(f"retrying in {event.wait:.3f}s ({event.reason})")
        logger.info(" ".join(parts))


def _logger() -> logging.Logger:
    import logging

    logger = logging.getLogger("spice_errors.retry")
    if not logger.handlers:
        # A library never prints on its own: without the application's logging set
        # up, Python's last-resort handler would write warnings to stderr.
        logger.addHandler(logging.NullHandler())
    return logger


def _connect_phase(error: SpiceError) -> bool:
    return error.context.get("phase") == "connect"


class _Stop(Exception):  # noqa: N818 -- internal signal, never escapes
    def __init__(self, error: SpiceError, event: RetryEvent | None) -> None:
        super().__init__()
        # The hierarchy is sealed: every SpiceError is one of the 16 types.
        self.result: Failure[AnySpiceError] = Failure(cast("AnySpiceError", error))
        self.event = event


class _Attempts:
    """The state of one retry call: what the sync and async loops share."""

    __slots__ = (
        "attempt",
        "classifier",
        "clock",
        "first_code",
        "history",
        "idempotent",
        "max_attempts",
        "operation",
        "policy",
        "started",
        "total_delay",
    )

    def __init__(  # noqa: PLR0913 -- all keyword-only, from retry's own arguments
        self,
        policy: RetryPolicy,
        classifier: RetryClassifier,
        *,
        idempotent: bool,
        operation: str,
        clock: Callable[[], float],
        started: float,
    ) -> None:
        """The state after the first attempt failed; ``started`` is when it began."""
        self.policy = policy
        self.classifier = classifier
        self.idempotent = idempotent
        self.operation = operation
        self.clock = clock
        self.started = started
        self.max_attempts = _testing.attempts or policy.max_attempts
        self.attempt = 0
        self.history: list[str] = []
        self.total_delay = 0.0
        self.first_code: str | None = None

    def elapsed(self) -> float:
        return self.clock() - self.started

    def next_wait(self, error: SpiceError) -> RetryEvent:
        """After a failed attempt: the event for the wait before the next one.

        Raises:
            _Stop: When the call must end now, with the result to return.
        """
        self.attempt += 1
        self.history.append(error.code)
        if self.first_code is None:
            self.first_code = error.code
        if self.max_attempts == 1:
            raise _Stop(error, None)
        decision = self.classifier.classify(error)
        if not decision.should_retry or (not self.idempotent and not _connect_phase(error)):
            raise _Stop(error, None)
        limit = self._limit(error)
        if self.attempt >= limit:
            self._give_up(self._exhausted(error), decision.reason)
        wait = self._wait(error, decision)
        return RetryEvent(
            attempt=self.attempt,
            max_attempts=limit,
            error=error,
            wait=wait,
            elapsed=self.elapsed(),
            operation=self.operation,
            reason=decision.reason,
        )

    def _limit(self, error: SpiceError) -> int:
        hint = getattr(error, "retry_hint", None)
        hinted = getattr(hint, "max_attempts", None)
        return min(self.max_attempts, hinted) if isinstance(hinted, int) else self.max_attempts

    def _wait(self, error: SpiceError, decision: RetryDecision) -> float:
        asked = decision.suggested_delay
        if (
            asked is not None
            and asked > self.policy.max_delay
            and self.policy.retry_after == "strict"
        ):
            self._stop(error, "retry_after_exceeds_cap")
        wait = self.policy.calculate_delay(self.attempt, asked)
        window = self.policy.max_elapsed
        if window is not None and wait > window - self.elapsed():
            self._stop(error, "window_exhausted")
        return wait

    def _stop(self, error: SpiceError, why: str) -> None:
        stopped = error.with_context(retry_stopped=why, total_attempts=self.attempt)
        self._give_up(stopped, why)

    def _give_up(self, error: SpiceError, reason: str) -> None:
        event = RetryEvent(
            attempt=self.attempt,
            max_attempts=self._limit(error),
            error=error,
            wait=None,
            elapsed=self.elapsed(),
            operation=self.operation,
            reason=reason,
        )
        raise _Stop(error, event)

    def _exhausted(self, last: SpiceError) -> ExecutionError:
        return ExecutionError(
            f"Retry exhausted after {self.attempt} attempts: {last.message}",
            cause=last.to_exception(),
            context={
                "retries_exhausted": True,
                "total_attempts": self.attempt,
                "total_retry_delay_ms": round(self.total_delay * 1000),
                "elapsed_ms": round(self.elapsed() * 1000),
                "last_error_code": last.code,
                "last_status_code": status_of(last),
                "original_error_code": self.first_code,
                "error_history": list(self.history),
            },
        )


def _name_of(operation: Callable[..., object], name: str | None) -> str:
    if name is not None:
        return name
    return str(getattr(operation, "__qualname__", None) or type(operation).__qualname__)


def _call(operation: Callable[[], SpiceResult[T, E]]) -> SpiceResult[T, E | AnySpiceError]:
    try:
        return operation()
    except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
        return Failure(from_exception(exc))


def retry(  # noqa: PLR0913 -- every knob is keyword-only and optional
    operation: Callable[[], SpiceResult[T, E]],
    policy: RetryPolicy = RetryPolicy.DEFAULT,
    *,
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    idempotent: bool = True,
    on_retry: Callable[[RetryEvent], object] | None = _log,
    on_give_up: Callable[[RetryEvent], object] | None = _log,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    name: str | None = None,
) -> SpiceResult[T, E | AnySpiceError]:
    """Call ``operation`` until it succeeds, its failure is not worth retrying, or time is up.

    An exception the operation raises is mapped by `from_exception` and treated as a
    failure; ``KeyboardInterrupt``, ``SystemExit`` and cancellation propagate.

    Args:
        operation: A function of no arguments returning a `SpiceResult`.
        policy: How often to try and how long to wait.
        classifier: Which failures are worth retrying.
        idempotent: ``False`` for calls that must not be repeated once the server may
            have seen them: only failures that prove the request never left (context
            ``phase="connect"``) are retried.
        on_retry: Called before each wait; by default logs one line.
        on_give_up: Called when retrying gives up on a retryable failure (the
            dead-letter route); by default logs one line.
        sleep: How to wait; `time.sleep` by default.
        clock: A monotonic clock in seconds; `time.monotonic` by default.
        name: The operation's name in events and logs; its ``__qualname__`` by default.

    Returns:
        The first success; or a failure not worth retrying, unchanged; or, when a wait
        would pass the policy's limits, the last error with context ``retry_stopped``;
        or, after the last attempt, an `ExecutionError` "Retry exhausted after N
        attempts" whose context tells the story.

    .. versionadded:: 0.1.0
    """
    started = clock()
    try:
        result: SpiceResult[T, E | AnySpiceError] = operation()
    except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
        result = Failure(from_exception(exc))
    if type(result) is Success:
        # The common case pays for nothing more than the call and one clock reading.
        return result
    state = _Attempts(
        policy,
        classifier,
        idempotent=idempotent,
        operation=_name_of(operation, name),
        clock=clock,
        started=started,
    )
    event: RetryEvent | None = None
    try:
        while isinstance(result, Failure):
            try:
                event = state.next_wait(result.error)
            except _Stop as stop:
                return _finish(stop, on_give_up)
            if on_retry is not None:
                on_retry(event)
            if event.wait and not _testing.enabled:
                sleep(event.wait)
            state.total_delay += event.wait or 0.0
            result = _call(operation)
        return result
    finally:
        # The traceback of an exception the operation raised reaches this frame (through
        # its callee's f_back): holding no failure here leaves no reference cycle.
        del result, event


def _finish(
    stop: _Stop, on_give_up: Callable[[RetryEvent], object] | None
) -> Failure[AnySpiceError]:
    if stop.event is not None and on_give_up is not None:
        on_give_up(stop.event)
    return stop.result


async def _call_async(
    operation: Callable[[], Awaitable[SpiceResult[T, E]]],
) -> SpiceResult[T, E | AnySpiceError]:
    try:
        return await operation()
    except Exception as exc:  # noqa: BLE001 -- an exception is a failure like any other
        return Failure(from_exception(exc))


async def retry_async(  # noqa: PLR0913 -- every knob is keyword-only and optional
    operation: Callable[[], Awaitable[SpiceResult[T, E]]],
    policy: RetryPolicy = RetryPolicy.DEFAULT,
    *,
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    idempotent: bool = True,
    on_retry: Callable[[RetryEvent], object] | None = _log,
    on_give_up: Callable[[RetryEvent], object] | None = _log,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    clock: Callable[[], float] = time.monotonic,
    name: str | None = None,
) -> SpiceResult[T, E | AnySpiceError]:
    """`retry` for operations that return an awaitable; waits with `asyncio.sleep`.

    Cancellation propagates at once, during an attempt or a wait.

    .. versionadded:: 0.1.0
    """
    if sleep is None:
        import asyncio

        sleep = asyncio.sleep
    started = clock()
    result = await _call_async(operation)
    if isinstance(result, Success):
        return result
    state = _Attempts(
        policy,
        classifier,
        idempotent=idempotent,
        operation=_name_of(operation, name),
        clock=clock,
        started=started,
    )
    event: RetryEvent | None = None
    try:
        while isinstance(result, Failure):
            try:
                event = state.next_wait(result.error)
            except _Stop as stop:
                return _finish(stop, on_give_up)
            if on_retry is not None:
                on_retry(event)
            if event.wait and not _testing.enabled:
                await sleep(event.wait)
            state.total_delay += event.wait or 0.0
            result = await _call_async(operation)
        return result
    finally:
        # The traceback of an exception the operation raised reaches this frame (through
        # its callee's f_back): holding no failure here leaves no reference cycle.
        del result, event


class _Retrying:
    """The decorator `retrying` returns: `retry` around every call."""

    __slots__ = ("classifier", "clock", "idempotent", "name", "on_give_up", "on_retry", "policy")

    def __init__(  # noqa: PLR0913 -- the same knobs as retry, all keyword-only
        self,
        *,
        policy: RetryPolicy,
        classifier: RetryClassifier,
        idempotent: bool,
        on_retry: Callable[[RetryEvent], object] | None,
        on_give_up: Callable[[RetryEvent], object] | None,
        clock: Callable[[], float],
        name: str | None,
    ) -> None:
        self.policy = policy
        self.classifier = classifier
        self.idempotent = idempotent
        self.on_retry = on_retry
        self.on_give_up = on_give_up
        self.clock = clock
        self.name = name

    @overload
    def __call__(
        self, fn: Callable[P, Coroutine[object, object, SpiceResult[T, E]]]
    ) -> Callable[P, Coroutine[object, object, SpiceResult[T, E | AnySpiceError]]]: ...
    @overload
    def __call__(
        self, fn: Callable[P, SpiceResult[T, E]]
    ) -> Callable[P, SpiceResult[T, E | AnySpiceError]]: ...
    def __call__(
        self,
        fn: Callable[P, SpiceResult[T, E]]
        | Callable[P, Coroutine[object, object, SpiceResult[T, E]]],
    ) -> (
        Callable[P, SpiceResult[T, E | AnySpiceError]]
        | Callable[P, Coroutine[object, object, SpiceResult[T, E | AnySpiceError]]]
    ):
        import inspect

        name = self.name or _name_of(fn, None)
        if inspect.iscoroutinefunction(fn):
            run_async = cast("Callable[P, Coroutine[object, object, SpiceResult[T, E]]]", fn)

            @wraps(fn)
            async def async_wrapper(
                *args: P.args, **kwargs: P.kwargs
            ) -> SpiceResult[T, E | AnySpiceError]:
                return await retry_async(
                    lambda: run_async(*args, **kwargs),
                    self.policy,
                    classifier=self.classifier,
                    idempotent=self.idempotent,
                    on_retry=self.on_retry,
                    on_give_up=self.on_give_up,
                    clock=self.clock,
                    name=name,
                )

            return async_wrapper

        run = cast("Callable[P, SpiceResult[T, E]]", fn)

        @wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> SpiceResult[T, E | AnySpiceError]:
            return retry(
                lambda: run(*args, **kwargs),
                self.policy,
                classifier=self.classifier,
                idempotent=self.idempotent,
                on_retry=self.on_retry,
                on_give_up=self.on_give_up,
                clock=self.clock,
                name=name,
            )

        return wrapper


def retrying(  # noqa: PLR0913 -- the same knobs as retry
    policy: RetryPolicy = RetryPolicy.DEFAULT,
    *,
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    idempotent: bool = True,
    on_retry: Callable[[RetryEvent], object] | None = _log,
    on_give_up: Callable[[RetryEvent], object] | None = _log,
    clock: Callable[[], float] = time.monotonic,
    name: str | None = None,
) -> _Retrying:
    """Retry every call of the decorated function, plain or ``async``, like `retry`.

    Examples:
        >>> attempts = []
        >>> @retrying(RetryPolicy(max_attempts=3, initial_delay=0, jitter=0))
        ... def flaky() -> SpiceResult[str]:
        ...     attempts.append(1)
        ...     if len(attempts) < 3:
        ...         return Failure(SpiceError.network_error("Bad gateway", 502))
        ...     return Success("ok")
        >>> flaky(), len(attempts)
        (Success('ok'), 3)

    .. versionadded:: 0.1.0
    """
    return _Retrying(
        policy=policy,
        classifier=classifier,
        idempotent=idempotent,
        on_retry=on_retry,
        on_give_up=on_give_up,
        clock=clock,
        name=name,
    )
