"""A retry budget shared by many calls: retries stay a fraction of the calls made.

Shaped like Finagle's ``RetryBudget`` and gRPC's retry throttling: each call deposits a
fraction of a token, a retry withdraws a whole one, deposits and withdrawals expire
after ``ttl`` seconds, and a standing reserve lets a quiet client retry at all. When a
dependency is down every call fails, the deposits cannot keep up with the retries, and
the budget runs dry: clients stop multiplying the load on it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Final

from spice_errors._text import is_number

__all__ = ["RetryBudget"]

_SCALE: Final = 1000
"""Tokens are counted in thousandths, as integers: shared counts stay exact."""
_SLICES: Final = 10
"""The window of ``ttl`` seconds is kept as this many slices, each expiring whole."""


def _check(name: str, value: object, *, positive: bool = False) -> float:
    if not is_number(value) or not math.isfinite(value) or value < 0 or (positive and not value):
        bound = "> 0" if positive else ">= 0"
        msg = f"{name} must be a finite number {bound}, got {value!r}"
        raise ValueError(msg)
    return float(value)


class RetryBudget:
    """Retries as a share of calls, shared by every call that uses it (a client, a host).

    Each call deposits ``ratio`` tokens (not each attempt); each retry needs and
    withdraws one whole token; deposits and withdrawals expire after ``ttl`` seconds;
    ``min_per_second * ttl`` tokens are a standing reserve (0 allowed). With the budget
    spent, `retry` returns the failure at once, with context
    ``retry_stopped="budget_exhausted"``.

    Thread-safe: counts are integers (thousandths of a token) changed under a lock, so
    threads and tasks sharing a budget keep exact counts.

    Args:
        ratio: Tokens each call deposits: ``0.2`` allows one retry for five calls.
        min_per_second: Retries allowed per second whatever the calls (the reserve).
        ttl: Seconds a deposit or withdrawal counts for.
        clock: A monotonic clock in seconds.

    Raises:
        ValueError: When a number is negative, NaN or infinite, or ``ttl`` is 0.

    Examples:
        >>> budget = RetryBudget(ratio=0.5, min_per_second=0)
        >>> budget.deposit()
        >>> budget.deposit()
        >>> budget.try_withdraw(), budget.try_withdraw()
        (True, False)

    .. versionadded:: 0.2.0
    """

    __slots__ = ("_clock", "_deposit", "_lock", "_reserve", "_slice", "_slices", "ratio", "ttl")

    def __init__(
        self,
        ratio: float = 0.2,
        min_per_second: float = 10.0,
        ttl: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ratio = _check("ratio", ratio)
        reserve = _check("min_per_second", min_per_second) * _check("ttl", ttl, positive=True)
        self.ttl = float(ttl)
        self._deposit = round(self.ratio * _SCALE)
        self._reserve = round(reserve * _SCALE)
        self._slice = self.ttl / _SLICES
        self._clock = clock
        self._lock = threading.Lock()
        # slice number -> net thousandths deposited in it (withdrawals negative)
        self._slices: dict[int, int] = {}

    def __repr__(self) -> str:
        return (
            f"RetryBudget(ratio={self.ratio}, min_per_second={self._reserve / _SCALE / self.ttl}, "
            f"ttl={self.ttl}, balance={self.balance:.3f})"
        )

    def _current(self) -> int:
        """Under the lock: the slice of now, with the slices older than ``ttl`` dropped."""
        now = math.floor(self._clock() / self._slice)
        slices = self._slices
        if slices:
            oldest = now - _SLICES + 1
            for expired in [number for number in slices if number < oldest]:
                del slices[expired]
        return now

    def _balance(self) -> int:
        return self._reserve + sum(self._slices.values())

    @property
    def balance(self) -> float:
        """Tokens available now: the reserve and the unexpired deposits, less withdrawals."""
        with self._lock:
            self._current()
            return self._balance() / _SCALE

    def deposit(self) -> None:
        """Record a call: ``ratio`` tokens more, for ``ttl`` seconds."""
        if not self._deposit:
            return
        with self._lock:
            now = self._current()
            self._slices[now] = self._slices.get(now, 0) + self._deposit

    def try_withdraw(self) -> bool:
        """Take one token for a retry, if there is one; ``False`` (nothing taken) if not."""
        with self._lock:
            now = self._current()
            if self._balance() < _SCALE:
                return False
            self._slices[now] = self._slices.get(now, 0) - _SCALE
            return True

    def refund(self) -> None:
        """Give back a token taken for a retry that was then not made."""
        with self._lock:
            now = self._current()
            self._slices[now] = self._slices.get(now, 0) + _SCALE
