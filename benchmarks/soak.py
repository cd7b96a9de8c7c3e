"""Soak: a million failures made, chained, serialized and dropped, with no leak and no cycle.

Run from the repository root:

    python benchmarks/soak.py [--iterations N] [--only STEP ...]

Each iteration runs every step of `STEPS`: errors built from chained exceptions and
given context twice, failures mapped and recovered, round trips through JSON, dicts,
problem documents and pickle, reprs and reports; then the paths on which the library
itself catches exceptions: `catching`, `map_catching`, HTTP bodies that are not JSON,
`retry` and `retry_async` under `set_testing`, the circuit breaker. Everything made
is dropped at once.

A caught exception's traceback holds the frame that caught it, and a frame that has
returned holds its caller's (``f_back``): any of those frames whose locals still hold
a result carrying the exception closes a cycle. So the script builds its exceptions
without ``raise``, or raises them in helpers that bind nothing, and never keeps a
result in a local: the cycles counted are the library's, not the script's. (The
script's frames may still be listed among what cycled, held by a library frame's
``f_back``.)

Two measurements, from a baseline taken after a warm-up (so that caches and code
compiled on first use count as the start):

* memory: the bytes `tracemalloc` sees still allocated after the loop and a full
  collection, against the baseline; it must be within the limit (5 MB by default);
* cycles: the cyclic garbage collector is off during the loop, and a collection every
  `CHUNK` iterations counts the objects that only it could free. There must be none;
  when there are, the types of the objects that cycled are printed (frames with the
  function they ran), and they are freed so that the memory figure stays about leaks.

The exit status is 0 when both hold, 1 otherwise. Tracing every allocation makes the
loop several times slower: a million iterations of every step take about 25 minutes
of CPU (Python 3.11); ``--only`` runs some steps, ``--iterations`` fewer iterations.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import pickle
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Final, NoReturn

import attrs

import spice_errors as se

Step = Callable[[int], object]
"""One iteration of a soak: given the iteration's index, makes things and drops them."""

CHUNK: Final = 10_000
"""Iterations between two collections of the cycle count."""
MEMORY_LIMIT: Final = 5_000_000
"""Bytes the memory may grow by over the whole loop."""
WARMUP: Final = 2_000

_TWO_ATTEMPTS: Final = se.RetryPolicy(max_attempts=2, initial_delay=0.5, jitter=0)


# -- exceptions, made without raising them -------------------------------------------------


def chained_exception(index: int) -> ConnectionResetError:
    """A connection reset caused by an OS error, as ``raise ... from ...`` would chain it."""
    exc = ConnectionResetError(104, f"connection {index} reset by peer")
    exc.__cause__ = OSError(104, "ECONNRESET")
    return exc


def _raise_reset() -> NoReturn:
    """Raise from a frame that binds nothing, so its traceback holds no result."""
    raise ConnectionResetError(104, "reset by peer")


async def _raise_reset_async() -> NoReturn:
    raise ConnectionResetError(104, "reset by peer")


def _down(index: int) -> se.SpiceResult[int]:
    return se.Failure(se.SpiceError.network_error(f"upstream {index} down", 503))


async def _down_async(index: int) -> se.SpiceResult[int]:
    return _down(index)


def _ok(index: int) -> se.SpiceResult[int]:
    return se.Success(index)


# -- the steps -----------------------------------------------------------------------------


def values(index: int) -> object:
    """Errors and failures as values: built, chained, transformed and round-tripped."""
    exc = chained_exception(index)
    if index % 2:
        error: se.AnySpiceError = se.from_exception(exc)
    else:
        error = se.SpiceError.network_error("Upstream failed", 503, f"/v1/users/{index}", exc)
    error = error.with_context(request_id=f"req-{index}", api_key=f"sk-live-{index:08d}")
    error = error.with_context({"attempt": index % 5, "phase": "read"}, tenant="acme")
    failure: se.SpiceResult[int] = se.Failure(error)
    mapped = failure.map(lambda value: value + 1).map_error(lambda e: e.with_context(seen=True))
    recovered: se.SpiceResult[int] = mapped.recover_with(lambda e: se.Success(len(e.message)))
    fallback = se.Failure(error).recover_with(se.recover_network(otherwise=_ok_error))
    assert se.error_from_json(error.to_json()).code == error.code
    assert se.error_from_dict(error.to_dict(redact=False)) == error
    assert se.result_from_json(failure.to_json()).is_failure
    assert pickle.loads(pickle.dumps(failure)) == failure  # noqa: S301 -- its own pickle
    problem = se.http.to_problem(error)
    text = repr(error) + str(error) + error.report() + repr(mapped) + repr(problem)
    assert "sk-live" not in text
    return recovered.get_or_default(0) + fallback.get_or_default(0) + len(text)


def _ok_error(error: se.SpiceError) -> se.SpiceResult[int]:
    return se.Success(len(error.code))


def catching(index: int) -> object:
    """The library's own except clauses on values: catching, map_catching, HTTP bodies."""
    return (
        se.catching(int, f"request {index}").error_or_none(),
        se.Success(index).map_catching(lambda value: value / 0).error_or_none(),
        se.http.from_response(502, {"content-type": "application/json"}, b"{not json").code,
        se.http.from_response(500, None, b"\xff\xfe not utf-8").code,
    )


def retry_returning(index: int) -> object:
    """`retry` under `set_testing` over an operation that fails twice by returning."""
    with se.set_testing(True, attempts=2):
        return se.retry(lambda: _down(index), on_retry=None, on_give_up=None).error_or_none()


def retry_raising(index: int) -> object:
    """`retry` under `set_testing` over an operation that raises on both attempts."""
    with se.set_testing(True):
        return se.retry(
            _raise_reset, _TWO_ATTEMPTS, on_retry=None, on_give_up=None, name=f"op-{index}"
        ).is_failure


def breaker(index: int) -> object:
    """Circuit breakers that open on returned failures, refuse, and close on a trial."""
    reopening = se.CircuitBreaker(failure_threshold=2, reset_timeout=0)
    refusing = se.CircuitBreaker(failure_threshold=1, reset_timeout=60)
    return (
        reopening.call(lambda: _down(index)).is_failure,
        reopening.call(lambda: _down(index)).is_failure,
        reopening.call(lambda: _ok(index)).is_success,
        refusing.call(lambda: _down(index)).is_failure,
        refusing.call(lambda: _ok(index)).error_or_none(),
        reopening.state,
    )


def breaker_raising(index: int) -> object:
    """A circuit breaker over an operation that raises."""
    return se.CircuitBreaker(failure_threshold=10).call(_raise_reset).is_failure, index


async def breaker_raising_async(index: int) -> object:
    """A circuit breaker over an operation that raises, awaited."""
    closed = se.CircuitBreaker(failure_threshold=10)
    return (await closed.call_async(_raise_reset_async)).is_failure, index


async def async_paths(index: int) -> object:
    """`retry_async` over an operation that raises, `catching_async`, `call_async`."""
    with se.set_testing(True, attempts=2):
        retried = (
            await se.retry_async(
                _raise_reset_async, on_retry=None, on_give_up=None, name=f"op-{index}"
            )
        ).is_failure
    opening = se.CircuitBreaker(failure_threshold=1, reset_timeout=0)
    return (
        retried,
        (await se.catching_async(_raise_reset_async)).is_failure,
        (await opening.call_async(lambda: _down_async(index))).is_failure,
        (await opening.call_async(lambda: _down_async(index))).is_failure,
        opening.state,
    )


AsyncStep = Callable[[int], Coroutine[object, object, object]]
"""A step whose work is awaited; `workload` runs it on its event loop."""

STEPS: Final[dict[str, Step | AsyncStep]] = {
    "values": values,
    "catching": catching,
    "retry": retry_returning,
    "retry-raising": retry_raising,
    "breaker": breaker,
    "breaker-raising": breaker_raising,
    "breaker-raising-async": breaker_raising_async,
    "async": async_paths,
}
"""Every step of the default iteration, by name, in order."""


def _on_loop(step: AsyncStep, loop: asyncio.AbstractEventLoop) -> Step:
    def run(index: int) -> object:
        return loop.run_until_complete(step(index))

    return run


@contextmanager
def workload(names: Sequence[str] = tuple(STEPS)) -> Iterator[Step]:
    """One iteration that runs the named steps in order; async steps share an event loop.

    Raises:
        KeyError: For a name that is not in `STEPS`.
    """
    chosen = [STEPS[name] for name in names]
    loop = asyncio.new_event_loop()
    steps = [_on_loop(step, loop) if inspect.iscoroutinefunction(step) else step for step in chosen]

    def iteration(index: int) -> None:
        # Results are never bound: a frame that held one, as its traceback's caller,
        # would cycle with it.
        for step in steps:
            step(index)

    try:
        yield iteration
    finally:
        loop.close()


# -- the soak ------------------------------------------------------------------------------


@attrs.frozen
class SoakReport:
    """What a soak measured.

    Attributes:
        iterations: Iterations measured, the warm-up not included.
        seconds: Wall time of the measured loop.
        cpu_seconds: CPU time of this process during the loop.
        start_bytes: Bytes traced at the baseline.
        end_bytes: Bytes traced after the loop and a full collection.
        peak_bytes: The most bytes traced during the loop.
        limit_bytes: How far above the baseline the end may be.
        collectable: Objects that only the cyclic collector could free.
        cycled: How many of them there were of each type (frames by their function).
    """

    iterations: int
    seconds: float
    cpu_seconds: float
    start_bytes: int
    end_bytes: int
    peak_bytes: int
    limit_bytes: int
    collectable: int
    cycled: Counter[str]

    @property
    def growth(self) -> int:
        """Bytes still allocated after the loop, above the baseline."""
        return self.end_bytes - self.start_bytes

    @property
    def peak_growth(self) -> int:
        """The most bytes allocated above the baseline during the loop."""
        return self.peak_bytes - self.start_bytes

    @property
    def leaked(self) -> bool:
        """Whether memory grew past the limit."""
        return self.growth > self.limit_bytes

    @property
    def passed(self) -> bool:
        """No leak and no cycle."""
        return not self.leaked and self.collectable == 0

    def lines(self) -> list[str]:
        """The report, for people."""
        rate = self.iterations / self.cpu_seconds if self.cpu_seconds else float("inf")
        lines = [
            f"iterations:  {self.iterations:,}",
            f"time:        {self.seconds:.1f} s wall, {self.cpu_seconds:.1f} s CPU",
            f"rate:        {rate:,.0f} iterations per CPU second",
            f"memory:      start {_mb(self.start_bytes)}, end {_mb(self.end_bytes)}",
            f"growth:      {_mb(self.growth)} (limit {_mb(self.limit_bytes)})",
            f"peak:        {_mb(self.peak_bytes)}, {_mb(self.peak_growth)} above the start",
            f"gc:          {self.collectable:,} collectable objects (reference cycles)",
        ]
        if self.cycled:
            lines.append("cycled:      objects only the cyclic collector freed, by type:")
            lines.extend(f"  {count:>10,}  {name}" for name, count in self.cycled.most_common())
        lines.append(f"result:      {'PASS' if self.passed else 'FAIL'}")
        return lines


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.3f} MB"


def _kind(obj: object) -> str:
    """An object's type, and for a frame the function it ran."""
    if isinstance(obj, FrameType):
        return f"frame of {obj.f_code.co_qualname}"
    cls = type(obj)
    return (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )


def _collect_cycles(cycled: Counter[str]) -> int:
    """Collect; count what only the cyclic collector could free, by type; free it."""
    debug, saved = gc.get_debug(), len(gc.garbage)
    gc.set_debug(debug | gc.DEBUG_SAVEALL)
    try:
        found = gc.collect()
        cycled.update(_kind(obj) for obj in gc.garbage[saved:])
    finally:
        del gc.garbage[saved:]
        gc.set_debug(debug)
    # Now that gc.garbage no longer holds them, the cycles are unreachable again.
    gc.collect()
    return found


def soak(
    iterations: int,
    step: Step,
    *,
    warmup: int = WARMUP,
    limit_bytes: int = MEMORY_LIMIT,
    chunk: int = CHUNK,
) -> SoakReport:
    """Run ``step`` ``warmup`` times, then ``iterations`` times measured; see the module."""
    for index in range(warmup):
        step(index)
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    cycled = Counter[str]()
    collectable = 0
    try:
        start_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        started, cpu_started = time.perf_counter(), time.process_time()
        for first in range(0, iterations, chunk):
            for index in range(warmup + first, warmup + min(first + chunk, iterations)):
                step(index)
            collectable += _collect_cycles(cycled)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        end_bytes, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        if was_enabled:
            gc.enable()
        if not was_tracing:
            tracemalloc.stop()
    return SoakReport(
        iterations=iterations,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        start_bytes=start_bytes,
        end_bytes=end_bytes,
        peak_bytes=peak_bytes,
        limit_bytes=limit_bytes,
        collectable=collectable,
        cycled=cycled,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak and print its report; 0 when it passes, 1 when it does not."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000, help="measured iterations")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="iterations before the start")
    parser.add_argument(
        "--limit-mb", type=float, default=MEMORY_LIMIT / 1_000_000, help="allowed growth, MB"
    )
    parser.add_argument(
        "--only", nargs="+", choices=tuple(STEPS), default=tuple(STEPS), help="steps to run"
    )
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, spice_errors {se.__version__}")
    print(f"steps:       {', '.join(args.only)}")
    with workload(args.only) as step:
        report = soak(
            args.iterations,
            step,
            warmup=args.warmup,
            limit_bytes=round(args.limit_mb * 1_000_000),
        )
    print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
