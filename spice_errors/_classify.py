"""What is worth retrying: `RetryDecision`, `RetryClassifier`, `classify`, `is_retryable`.

The default rules are the Kotlin framework's: outages, timeouts and rate limits are
worth another attempt; a request the server refused (validation, authentication, a
4xx) is not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Final, Literal, TypeAlias, cast

import attrs

from spice_errors._errors import (
    ALL_TYPES,
    AuthenticationError,
    ConfigurationError,
    NetworkError,
    RateLimitError,
    RetryableError,
    RoutingError,
    SerializationError,
    SpiceError,
    ToolLookupError,
    ValidationError,
)
from spice_errors._errors import TimeoutError as SpiceTimeoutError
from spice_errors._redact import shown_int
from spice_errors._text import in_range, is_int, is_number

__all__ = [
    "RetryClassifier",
    "RetryDecision",
    "carried_status",
    "classify",
    "is_retryable",
    "proves_never_sent",
    "recoverable_by_model",
    "requested_wait",
    "verdict",
]


_RETRYABLE_4XX: Final = frozenset({408, 429})
_NEVER_RETRIED: Final[tuple[type[SpiceError], ...]] = (
    ValidationError,
    AuthenticationError,
    SerializationError,
    ConfigurationError,
    ToolLookupError,
    RoutingError,
)


def _retryable_status(status: object) -> bool:
    """408, 429 and 5xx are worth retrying; other statuses are the request's fault."""
    return status in _RETRYABLE_4XX or in_range(status, 500, 599)


def carried_status(error: SpiceError) -> int | None:
    """The HTTP status an error *carries* (a field, else its context), if any.

    Not the status a server answers with: that is `spice_errors.http.status_for`.
    """
    status = getattr(error, "status_code", None)
    if status is not None:
        return cast("int", status)  # a field's: an int, checked when the error was built
    status = error.context.get("http_status", error.context.get("status_code"))
    return status if is_int(status) else None


_MAX_WAIT_MS: Final = 2**31 * 1000
"""Longer than any usable wait (about 68 years): what an absurd one counts as."""


def requested_wait(error: SpiceError) -> float | None:
    """The wait, in seconds, that an error asks for, or None.

    A rate limit's ``retry_after_ms``, a hint's, or context ``retry_after_ms`` (which
    the readers leave on any error read from a response). A negative wait counts as 0,
    an absurd one (beyond any float) as 2**31 seconds: neither ever raises.
    """
    if isinstance(error, RateLimitError):
        waited: object = error.retry_after_ms
    elif isinstance(error, RetryableError) and error.retry_hint is not None:
        waited = error.retry_hint.retry_after_ms
    else:
        waited = None
    if waited is None:
        context = error.context
        if not context:
            return None
        waited = context.get("retry_after_ms")
    # An int, the common case, needs no more checks: not a bool, and no NaN.
    if type(waited) is not int and (
        not is_number(waited) or (isinstance(waited, float) and math.isnan(waited))
    ):
        return None
    # Comparisons, not min() and max(): each builtin call costs more than the rest of this.
    capped = waited if waited < _MAX_WAIT_MS else _MAX_WAIT_MS  # noqa: FURB136 -- see above
    return (0 if waited < 0 else capped) / 1000


def proves_never_sent(error: SpiceError) -> bool:
    """Whether a failure proves the request never reached the server (``phase="connect"``).

    Only such failures are retried for a call that is not idempotent: repeating
    anything else could repeat a write the server already did.
    """
    return error.context.get("phase") == "connect"


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


# Decisions are built positionally, the hot path of every failed attempt: keywords cost
# half as much again as the whole construction.
_RETRY: Final = True
_STOP: Final = False

_Verdict: TypeAlias = tuple[bool, str, bool]
"""What the default rules say of an error: retry or not, why, and whether its wait counts.

The rules decide a verdict, a tuple that is often a constant; `_decide` turns it into a
`RetryDecision` (the wait, `requested_wait`, is read only when it counts), and
`for_model` reads it as it is, with no decision built.
"""


def _decide(error: SpiceError) -> RetryDecision:
    """The Kotlin framework's default rules, after the server's own word."""
    retry, reason, waits = verdict(error)
    return RetryDecision(retry, reason, requested_wait(error) if waits else None)


_SERVER_SAID_STOP: Final = (_STOP, "the server said not to retry", False)
_TLS_FAILURE: Final = (_STOP, "TLS failure", False)
_SERVER_SAID_RETRY: Final = (_RETRY, "the server said to retry", True)


def verdict(error: SpiceError) -> _Verdict:
    """The default rules' verdict on ``error``: ``(should_retry, reason, the wait counts)``.

    The server's own word wins over any status: ``should_retry`` (read from its
    headers) and a TLS failure. Then the error's type decides, by the exact type: the 16
    types are sealed and final.
    """
    context = error.context
    if context:
        said = context.get("should_retry")
        if said is False:
            return _SERVER_SAID_STOP
        if context.get("tls") is True:
            return _TLS_FAILURE
        if said is True:
            return _SERVER_SAID_RETRY
    return _RULES[type(error)](error)


_QUOTA_SPENT: Final = (_STOP, "quota spent: waiting will not help", False)
_RATE_LIMITED: Final = (_RETRY, "rate limited", True)


def _rate_limit_rule(error: RateLimitError) -> _Verdict:
    return _QUOTA_SPENT if error.limit_type == "quota" else _RATE_LIMITED


_WITHOUT_STATUS: Final = (_RETRY, "network failure without a status", True)
_BY_STATUS: Final[dict[int, _Verdict]] = {
    status: (_RETRY, f"HTTP {status}", True)
    if _retryable_status(status)
    else (_STOP, f"HTTP {status}", False)
    for status in range(100, 600)
}
"""A network failure's verdict by the status it carries, made once for each status."""
_LOCK_TIMED_OUT: Final = (_RETRY, "HTTP 409: a lock timed out", True)


def _network_rule(error: NetworkError) -> _Verdict:
    status = carried_status(error)
    if status is None:
        return _WITHOUT_STATUS
    if status == 409 and error.context.get("error_code") == "lock_timeout":  # noqa: PLR2004 -- Conflict
        return _LOCK_TIMED_OUT
    # Outside 100-599 (no status a server sends, but an error can be built with any int),
    # never worth retrying: 408, 429 and the 5xx are all in the table.
    return _BY_STATUS.get(status) or (_STOP, f"HTTP {shown_int(status)}", False)


def _retryable_rule(error: RetryableError) -> _Verdict:
    hint = error.retry_hint
    if hint is not None and hint.skip_retry:
        return (_STOP, hint.reason or "the hint says skip", False)
    status = error.status_code
    if status is not None and not _retryable_status(status):
        # 1xx to 3xx are no failure at all, and a 4xx other than 408 or 429 is the request's.
        return (_STOP, f"HTTP {shown_int(status)}", False)
    return (_RETRY, (hint.reason if hint is not None else None) or "retryable error", True)


_MARKED: Final = (_RETRY, "marked retryable", False)
_NOT_MARKED: Final = (_STOP, "not marked retryable", False)


def _context_rule(error: SpiceError) -> _Verdict:
    """By the status an error carries, as Kotlin does; only without one, by ``retryable``."""
    status = error.context.get("status_code", error.context.get("http_status"))
    if is_int(status):
        if _retryable_status(status):
            return (_RETRY, f"status {shown_int(status)}", True)
        return (_STOP, f"status {shown_int(status)}", False)
    return _MARKED if error.context.get("retryable") is True else _NOT_MARKED


def _always(said: _Verdict) -> Callable[[SpiceError], _Verdict]:
    return lambda _error: said


# Each rule takes the type it is filed under: `verdict` looks it up by the exact type.
_RULES: Final[dict[type[SpiceError], Callable[[Any], _Verdict]]] = dict.fromkeys(
    ALL_TYPES, _context_rule
)
"""Each of the 16 types' rule; those with none of their own go by their context."""
_RULES.update(
    {cls: _always((_STOP, f"{cls.code} is never retried", False)) for cls in _NEVER_RETRIED}
)
_RULES.update(
    {
        RetryableError: _retryable_rule,
        NetworkError: _network_rule,
        RateLimitError: _rate_limit_rule,
        SpiceTimeoutError: _always((_RETRY, "timed out", False)),
    }
)


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


_FIXABLE: Final = (ValidationError, ToolLookupError, RoutingError)


def recoverable_by_model(error: SpiceError) -> bool:
    """Tell whether the model that made the call can fix it by calling differently.

    ``True`` exactly for a `ValidationError`, a `ToolLookupError` and a `RoutingError`:
    the arguments, the tool or the target were wrong, and another call can get them
    right. ``False`` for the other 13 types, which only time (a rate limit, an outage)
    or a person (credentials, configuration) can mend.

    Examples:
        >>> recoverable_by_model(SpiceError.validation_error("bad date", "when"))
        True
        >>> recoverable_by_model(SpiceError.rate_limit_error("Slow down", 2000))
        False

    .. versionadded:: 0.2.0
    """
    return isinstance(error, _FIXABLE)
