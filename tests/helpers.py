"""What several test modules share: a fake clock, and a task that hangs until cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import attrs
import pytest


@attrs.define
class FakeTime:
    """A clock the test moves by hand, and that moves when the code under test sleeps.

    Pass ``clock`` (or the object itself, which is callable) where a clock is injected,
    and ``sleep`` / ``sleep_async`` where a sleep is; ``sleeps`` records every wait.
    """

    now: float = 1000.0
    sleeps: list[float] = attrs.field(factory=list)

    def __call__(self) -> float:
        return self.now

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def sleep_async(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


async def hang(started: asyncio.Event) -> object:
    """Signal ``started``, then wait for something that never happens."""
    started.set()
    await asyncio.Event().wait()
    raise AssertionError("unreachable")  # pragma: no cover


async def cancel_once_started(make: Callable[[asyncio.Event], Awaitable[object]]) -> None:
    """Run ``make(started)`` as a task, cancel it once it has started, expect the cancellation."""
    started = asyncio.Event()
    task = asyncio.ensure_future(make(started))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
