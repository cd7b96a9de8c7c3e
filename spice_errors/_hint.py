"""`RetryHint`: what a failure says about retrying it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from spice_errors._redact import redact_text
from spice_errors._text import is_int_at_least, is_number

if TYPE_CHECKING:
    from datetime import timedelta

__all__ = ["RetryHint"]


def _nonnegative_ms(value: object, what: str) -> int:
    if not is_number(value):
        msg = f"{what} must be a number of seconds, got {type(value).__name__}"
        raise TypeError(msg)
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0:
        msg = f"{what} must be finite and >= 0, got {value!r}"
        raise ValueError(msg)
    return round(seconds * 1000)


def _check_retry_after_ms(_hint: RetryHint, _attribute: object, value: int | None) -> None:
    if value is not None and not is_int_at_least(value, 0):
        msg = f"retry_after_ms must be an int >= 0 or None, got {value!r}"
        raise ValueError(msg)


def _check_max_attempts(_hint: RetryHint, _attribute: object, value: int | None) -> None:
    if value is not None and not is_int_at_least(value, 1):
        msg = f"max_attempts must be an int >= 1 or None, got {value!r}"
        raise ValueError(msg)


@attrs.frozen(repr=False)
class RetryHint:
    """What a failure says about retrying it: wait this long, try at most so often, or skip.

    Its ``repr`` (and ``str``) shows the reason with secrets masked, as every rendering
    of an error does; the ``reason`` attribute itself is kept as given.

    Attributes:
        retry_after_ms: The wait the server (or the producer of the error) asked for.
        max_attempts: An upper bound on attempts for this failure.
        skip_retry: ``True`` when the failure must not be retried at all.
        reason: Why, for logs and reports.

    .. versionadded:: 0.1.0
    """

    retry_after_ms: int | None = attrs.field(default=None, validator=_check_retry_after_ms)
    max_attempts: int | None = attrs.field(default=None, validator=_check_max_attempts)
    skip_retry: bool = False
    reason: str | None = None

    @classmethod
    def from_retry_after_seconds(cls, seconds: float, reason: str | None = None) -> RetryHint:
        """Build a hint from a ``Retry-After`` value in seconds.

        Raises:
            ValueError: When ``seconds`` is negative, NaN or infinite.
        """
        return cls(retry_after_ms=_nonnegative_ms(seconds, "seconds"), reason=reason)

    @classmethod
    def from_duration(cls, duration: timedelta | float, reason: str | None = None) -> RetryHint:
        """Build a hint from a `timedelta` or a number of seconds.

        Raises:
            TypeError: When the duration is neither a `timedelta` nor a number.
            ValueError: When the duration is negative, NaN or infinite.
        """
        # Duck-typed: importing datetime here would cost every `import spice_errors`.
        total_seconds = getattr(duration, "total_seconds", None)
        seconds = total_seconds() if callable(total_seconds) else duration
        return cls(retry_after_ms=_nonnegative_ms(seconds, "duration"), reason=reason)

    @classmethod
    def skip(cls, reason: str) -> RetryHint:
        """Build a hint that forbids retrying, saying why."""
        return cls(skip_retry=True, reason=reason)

    @classmethod
    def with_max_attempts(cls, n: int, reason: str | None = None) -> RetryHint:
        """Build a hint that limits the number of attempts to ``n``.

        Raises:
            ValueError: When ``n`` is not an int >= 1.
        """
        return cls(max_attempts=n, reason=reason)

    def __repr__(self) -> str:
        return (
            f"RetryHint(retry_after_ms={self.retry_after_ms!r}, "
            f"max_attempts={self.max_attempts!r}, skip_retry={self.skip_retry!r}, "
            f"reason={self._redacted().reason!r})"
        )

    def _redacted(self) -> RetryHint:
        """This hint with its reason masked: what renderings of an error show and write."""
        if not isinstance(self.reason, str):
            return self  # None, or whatever a caller put there despite the annotation
        reason = redact_text(self.reason)
        return self if reason == self.reason else attrs.evolve(self, reason=reason)

    @property
    def retry_after(self) -> timedelta | None:
        """The requested wait as a `timedelta`, or ``None``."""
        if self.retry_after_ms is None:
            return None
        from datetime import timedelta

        return timedelta(milliseconds=self.retry_after_ms)
