"""How often to try and how long to wait: `RetryPolicy` and its delay math."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

import attrs

from spice_errors._text import check_seconds, is_int_at_least, is_number

if TYPE_CHECKING:
    from datetime import timedelta

__all__ = ["RetryPolicy"]


def _required_seconds(value: float | timedelta) -> float:
    """Seconds from a number or a ``timedelta``; anything else is left to the checks.

    Duck-typed so that ``import spice_errors`` need not import ``datetime``.
    """
    total_seconds = getattr(value, "total_seconds", None)
    return total_seconds() if callable(total_seconds) else value  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


def _seconds(value: float | timedelta | None) -> float | None:
    return None if value is None else _required_seconds(value)


def _check_delay(_policy: RetryPolicy, attribute: attrs.Attribute[float], value: float) -> None:
    check_seconds(attribute.name, value)


_random: Callable[[], float] | None = None


def _default_random() -> Callable[[], float]:
    """``random.random``, imported on first use and kept.

    Jitter only spreads clients out; it needs no cryptographic randomness, and only
    jittered policies pay for importing `random`.
    """
    global _random  # noqa: PLW0603 -- a one-time lazy import
    if _random is None:
        from random import random

        _random = random
    return _random


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
    if mode not in {"honor", "cap"}:
        msg = f'retry_after must be "honor" or "cap", got {mode!r}'
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
        retry_after: What to do with a wait the server asked for: ``"honor"`` (the
            default) waits it exactly, even beyond ``max_delay``, when it is at most
            ``max_retry_after``, and stops retrying when it is longer; ``"cap"`` (Kotlin's
            behaviour, a shorter wait than asked) waits at most ``max_delay``.
        max_retry_after: Under ``"honor"``, the longest server wait worth waiting, in
            seconds: a longer one stops retrying at once.

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
    KOTLIN: ClassVar[RetryPolicy]

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
    retry_after: Literal["honor", "cap"] = "honor"
    max_retry_after: float = attrs.field(
        default=60.0, converter=_required_seconds, validator=_check_delay
    )

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
        capped at ``max_delay``, then moved by up to ``± jitter`` of itself and kept
        within ``[0, max_delay]``: a draw above ``max_delay`` is reflected below it, so
        that at the cap the jitter only goes down and clients at the cap do not retry
        in lockstep. With a server's wait (``retry_after``, in seconds or a
        ``timedelta``; a negative one counts as 0), that wait itself under ``"honor"``,
        at most ``max_delay`` under ``"cap"``; never jittered.

        Args:
            attempt: The attempt that just failed, from 1.
            retry_after: The wait a server asked for, if any.
            random: A source of numbers in ``[0, 1)`` for the jitter; ``random.random``
                when omitted.

        Examples:
            >>> policy = RetryPolicy(max_delay=10.0)
            >>> policy.calculate_delay(1, retry_after=30), RetryPolicy.KOTLIN.calculate_delay(1, 30)
            (30.0, 10.0)
            >>> policy.calculate_delay(9, random=lambda: 0.99) < 10.0
            True
        """
        hint = _seconds(retry_after)
        if hint is not None:
            hint = float(hint) if hint >= 0 else 0.0  # a negative wait, or NaN, is none
            return hint if self.retry_after == "honor" else min(hint, self.max_delay)
        try:
            growth = self.multiplier ** max(attempt - 1, 0)
        except OverflowError:  # the thousandth attempt of a doubling policy
            growth = math.inf
        delay = min(self.initial_delay * growth, self.max_delay) if self.initial_delay else 0.0
        if self.jitter:
            draw = _default_random() if random is None else random
            delay += (2 * draw() - 1) * self.jitter * delay
            if delay > self.max_delay:
                delay = 2 * self.max_delay - delay
        return max(delay, 0.0)

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
RetryPolicy.KOTLIN = RetryPolicy(
    max_attempts=3, initial_delay=0.2, max_delay=10.0, multiplier=2.0, jitter=0.1, retry_after="cap"
)
"""Kotlin's ``ExecutionRetryPolicy.DEFAULT``: a server's wait is capped at ``max_delay``."""
