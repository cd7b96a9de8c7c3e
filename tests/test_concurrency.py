"""Consistency under 8 threads and hundreds of asyncio tasks at once.

Retry testing mode, the exception-mapping registry and a circuit breaker are shared by
every thread and task of a process: nothing they record is lost or mixed, no state is
impossible, and nothing is left behind. Threads start together at a barrier and run
while the event loop runs its tasks; nothing waits on a timer to synchronize.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import partial

import attrs
import pytest

import spice_errors as se
from spice_errors import (
    CircuitBreaker,
    Failure,
    RetryPolicy,
    SpiceResult,
    Success,
    _redact,
    _testing,
)
from spice_errors import _from_exception as mapping

THREADS = 8
TASKS = 200
TIMEOUT = 30  # seconds; only ever reached when something is broken
PAUSE = 5  # seconds a paused mapping waits at most to be resumed


@pytest.fixture(autouse=True)
def _global_state_restored() -> Iterator[None]:
    """Each test starts with testing mode off; the registry, secret names and mode are restored."""
    registry, names = mapping.snapshot_registry(), _redact.snapshot_names()
    testing = _testing.STATE
    saved = (testing.enabled, testing.attempts, testing.base, list(testing.blocks))
    testing.enabled, testing.attempts, testing.base, testing.blocks[:] = (
        False,
        None,
        (False, None),
        [],
    )
    yield
    testing.enabled, testing.attempts, testing.base, testing.blocks[:] = saved
    _redact.restore_names(names)
    mapping.restore_registry(registry)


def start(targets: Sequence[Callable[[], object]]) -> list[threading.Thread]:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    return threads


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)


# -- retry testing mode --------------------------------------------------------------------


@attrs.define
class RetryRecord:
    """One retry call, and what it saw: attempts, the waits it was told of, how it ended."""

    ident: int
    calls: int = 0
    waits: list[tuple[int, float | None, str, int, str]] = attrs.field(factory=list)
    gave_up: list[tuple[int, str]] = attrs.field(factory=list)
    slept: list[float] = attrs.field(factory=list)
    result: SpiceResult[str] | None = None

    @property
    def delay(self) -> float:
        """This call's own first backoff wait, so that waits cannot be mixed up unseen."""
        return (self.ident + 1) / 1000

    @property
    def policy(self) -> RetryPolicy:
        """Ten attempts, which testing mode must cut to three."""
        return RetryPolicy(max_attempts=10, initial_delay=self.delay, max_delay=60, jitter=0)

    def message(self, attempt: int) -> str:
        return f"retry {self.ident} attempt {attempt}"

    def attempt(self) -> SpiceResult[str]:
        """Fail: odd calls raise, even ones return a failure, each naming itself."""
        self.calls += 1
        if self.ident % 2:
            raise ConnectionResetError(self.message(self.calls))
        return Failure(se.NetworkError(self.message(self.calls), status_code=503))

    async def attempt_async(self) -> SpiceResult[str]:
        await asyncio.sleep(0)
        return self.attempt()

    def on_retry(self, event: se.RetryEvent) -> None:
        error, operation = event.error.message, event.operation
        self.waits.append((event.attempt, event.wait, error, event.max_attempts, operation))

    def on_give_up(self, event: se.RetryEvent) -> None:
        self.gave_up.append((event.attempt, event.error.message))

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    async def sleep_async(self, seconds: float) -> None:
        self.slept.append(seconds)

    def run(self) -> None:
        self.result = se.retry(
            self.attempt,
            self.policy,
            on_retry=self.on_retry,
            on_give_up=self.on_give_up,
            sleep=self.sleep,
            name=f"retry-{self.ident}",
        )

    async def run_async(self) -> None:
        self.result = await se.retry_async(
            self.attempt_async,
            self.policy,
            on_retry=self.on_retry,
            on_give_up=self.on_give_up,
            sleep=self.sleep_async,
            name=f"retry-{self.ident}",
        )

    def check(self) -> None:
        """Three attempts, no sleep, this call's own waits and errors, totals that add up."""
        assert 3 == self.calls
        expected = [
            (1, self.delay, self.message(1), 3, f"retry-{self.ident}"),
            (2, self.delay * 2, self.message(2), 3, f"retry-{self.ident}"),
        ]
        assert expected == self.waits
        assert [] == self.slept
        assert [(3, self.message(3))] == self.gave_up
        assert isinstance(self.result, Failure)
        error = self.result.error
        assert isinstance(error, se.NetworkError)
        assert self.message(3) == error.message
        assert error.context["retries_exhausted"] is True
        assert 3 == error.context["total_attempts"]
        assert round((self.delay + self.delay * 2) * 1000) == error.context["total_retry_delay_ms"]
        assert ["NETWORK_ERROR"] * 3 == error.context["error_history"]


def run_all(barrier: threading.Barrier, records: list[RetryRecord]) -> None:
    barrier.wait(timeout=TIMEOUT)
    for record in records:
        record.run()


async def run_all_async(records: list[RetryRecord]) -> None:
    for record in records:
        await record.run_async()


async def test_testing_mode_holds_for_every_thread_and_task() -> None:
    """Testing mode on: 8 threads and 200 tasks retrying at once each see their own story.

    Every retry makes exactly the three attempts testing mode allows (not the ten of
    its policy), is told of its own two waits and errors, sleeps not at all, gives up
    once, and ends with its own totals.
    """
    barrier = threading.Barrier(THREADS + 1)
    by_thread = [[RetryRecord(t * 100 + n) for n in range(60)] for t in range(THREADS)]
    by_task = [[RetryRecord(10_000 + t * 10 + n) for n in range(4)] for t in range(TASKS)]
    with se.retry_testing(attempts=3):
        threads = start([partial(run_all, barrier, records) for records in by_thread])
        barrier.wait(timeout=TIMEOUT)
        await asyncio.gather(*(run_all_async(records) for records in by_task))
        join(threads)

    records = [record for group in by_thread + by_task for record in group]
    assert THREADS * 60 + TASKS * 4 == len({record.ident for record in records})
    for record in records:
        record.check()


def fails_three_times() -> tuple[int, list[float]]:
    """Retry an operation that always fails: how many attempts, and which waits were slept."""
    calls = Counter[str]()
    slept: list[float] = []

    def attempt() -> SpiceResult[str]:
        calls["attempt"] += 1
        return Failure(se.TimeoutError("slow"))

    se.retry(
        attempt,
        RetryPolicy(max_attempts=3, initial_delay=0.1, jitter=0),
        on_retry=None,
        on_give_up=None,
        sleep=slept.append,
    )
    return calls["attempt"], slept


async def fails_three_times_async() -> tuple[int, list[float]]:
    calls = Counter[str]()
    slept: list[float] = []

    async def attempt() -> SpiceResult[str]:
        calls["attempt"] += 1
        await asyncio.sleep(0)
        return Failure(se.TimeoutError("slow"))

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    await se.retry_async(
        attempt,
        RetryPolicy(max_attempts=3, initial_delay=0.1, jitter=0),
        on_retry=None,
        on_give_up=None,
        sleep=sleep,
    )
    return calls["attempt"], slept


def test_testing_mode_is_process_wide_between_threads() -> None:
    """Switched on in one thread, testing mode holds in every other thread until it leaves.

    A thread that never entered it retries without sleeping and with the attempts it
    sets while another thread is inside the block; after that thread has left, the
    same retry sleeps its waits and makes its policy's attempts again.
    """
    entered, checked = threading.Event(), threading.Event()

    def holder() -> None:
        with se.retry_testing(attempts=2):
            entered.set()
            checked.wait(timeout=TIMEOUT)

    (thread,) = start([holder])
    assert entered.wait(timeout=TIMEOUT)
    inside = fails_three_times()
    checked.set()
    join([thread])
    assert (2, []) == inside
    assert (3, [0.1, 0.2]) == fails_three_times()


async def test_testing_mode_is_not_scoped_to_a_task() -> None:
    """Testing mode is not a context variable: one task's block holds for tasks made before it."""
    entered, checked = asyncio.Event(), asyncio.Event()
    seen: list[tuple[int, list[float]]] = []

    async def holder() -> None:
        with se.retry_testing(attempts=2):
            entered.set()
            await checked.wait()

    async def other() -> None:
        await entered.wait()
        seen.append(await fails_three_times_async())
        checked.set()

    await asyncio.gather(other(), holder())
    seen.append(await fails_three_times_async())
    assert [(2, []), (3, [0.1, 0.2])] == seen


def test_overlapping_blocks_in_two_threads() -> None:
    """Blocks in two threads that overlap without nesting: on inside both, off after both."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    inside_second: list[tuple[int, list[float]]] = []

    def first() -> None:
        with se.retry_testing():
            first_in.set()
            second_in.wait(timeout=TIMEOUT)
        first_out.set()

    def second() -> None:
        first_in.wait(timeout=TIMEOUT)
        with se.retry_testing():
            second_in.set()
            first_out.wait(timeout=TIMEOUT)
            inside_second.append(fails_three_times())

    join(start([first, second]))
    after = (_testing.STATE.enabled, _testing.STATE.attempts)
    # Inside the second block: three attempts, no sleep. After both: off, as before them.
    assert ([(3, [])], (False, None)) == (inside_second, after)


# -- the exception-mapping registry ---------------------------------------------------------


class Base(Exception):
    """Mapped by a registration that stays for the whole test."""


class Child(Base):
    """Mapped by a registration toggled on and off, over its parent's."""


class Other(Exception):
    """Mapped by a registration toggled on and off, over the built-in table."""


def base_error(exc: Base) -> se.SpiceError:
    return se.ConfigurationError("base")


def child_error(exc: Child) -> se.SpiceError:
    return se.AuthenticationError("child")


def other_error(exc: Other) -> se.SpiceError:
    return se.TimeoutError("other")


ALLOWED_MAPPINGS = {
    # The registered mapper, or what is left when it is not: the parent's, the table's.
    "Base": {("CONFIG_ERROR", "base")},
    "Child": {("AUTH_ERROR", "child"), ("CONFIG_ERROR", "base")},
    "Other": {("TIMEOUT_ERROR", "other"), ("UNKNOWN_ERROR", "Other")},
}


EXCEPTIONS = (Base("b"), Child("c"), Other("Other"))


def mapped(exc: Exception) -> tuple[str, str, str]:
    error = se.from_exception(exc)
    return type(exc).__name__, error.code, error.message


def map_in_thread(barrier: threading.Barrier, seen: list[tuple[str, str, str]]) -> None:
    barrier.wait(timeout=TIMEOUT)
    seen.extend([mapped(EXCEPTIONS[n % 3]) for n in range(3_000)])


def toggle_in_thread(barrier: threading.Barrier) -> None:
    barrier.wait(timeout=TIMEOUT)
    for _ in range(300):
        se.register_exception_mapping(Child, child_error)
        se.unregister_exception_mapping(Child)


async def map_in_task(index: int, seen: list[tuple[str, str, str]]) -> None:
    for n in range(30):
        seen.append(mapped(EXCEPTIONS[(index + n) % 3]))
        await asyncio.sleep(0)


async def toggle_in_task() -> None:
    for _ in range(300):
        se.register_exception_mapping(Other, other_error)
        await asyncio.sleep(0)
        se.unregister_exception_mapping(Other)
        await asyncio.sleep(0)


async def test_registry_under_threads_and_tasks() -> None:
    """Mapping from threads and tasks while a thread and a task register and unregister.

    Every mapping is the registered mapper's or, when it is not registered, its
    parent's or the table's: never anything else, whatever was registered at the time;
    the parent's mapping is never disturbed. When toggling ends, by unregistering, the
    registry holds what it held before plus the parent's registration, and mapping
    follows it.
    """
    before = dict(mapping._registry)
    se.register_exception_mapping(Base, base_error)
    barrier = threading.Barrier(THREADS + 1)
    seen: list[tuple[str, str, str]] = []
    threads = start(
        [partial(map_in_thread, barrier, seen) for _ in range(THREADS - 1)]
        + [partial(toggle_in_thread, barrier)]
    )
    barrier.wait(timeout=TIMEOUT)
    await asyncio.gather(toggle_in_task(), *(map_in_task(index, seen) for index in range(TASKS)))
    join(threads)

    assert (THREADS - 1) * 3_000 + TASKS * 30 == len(seen)
    for name, code, message in seen:
        assert (code, message) in ALLOWED_MAPPINGS[name]
    assert {**before, Base: base_error} == mapping._registry
    assert [
        ("Base", "CONFIG_ERROR", "base"),
        ("Child", "CONFIG_ERROR", "base"),
        ("Other", "UNKNOWN_ERROR", "Other"),
    ] == [mapped(exc) for exc in EXCEPTIONS]


class _Pausing(type):
    """Pauses the thread it is armed for in its second hash of the class.

    `from_exception` hashes the class to look it up in the dispatch cache, then again
    to look it up in the registry it has just read: a pause there is a thread switch
    at the worst moment, made to happen every time.
    """

    armed: threading.Thread | None = None
    hashes = 0
    paused = threading.Event()
    resume = threading.Event()

    def __hash__(cls) -> int:
        if _Pausing.armed is threading.current_thread():
            _Pausing.hashes += 1
            if _Pausing.hashes == 2:
                _Pausing.paused.set()
                _Pausing.resume.wait(timeout=PAUSE)
        return id(cls) >> 4


class Paused(Exception, metaclass=_Pausing):
    """An exception whose mapping can be paused in the middle."""


def paused_error(exc: Paused) -> se.SpiceError:
    return se.ValidationError("registered")


def register_paused() -> None:
    se.register_exception_mapping(Paused, paused_error)


def unregister_paused() -> None:
    se.unregister_exception_mapping(Paused)


@pytest.mark.parametrize(
    ("registered_before", "change", "expected_after"),
    [
        (True, unregister_paused, "UNKNOWN_ERROR"),
        (False, register_paused, "VALIDATION_ERROR"),
    ],
    ids=["unregister", "register"],
)
def test_a_change_is_not_undone_by_a_mapping_in_flight(
    *, registered_before: bool, change: Callable[[], None], expected_after: str
) -> None:
    """A (un)registration made while another thread maps the type holds once it returns."""
    if registered_before:
        register_paused()
    _Pausing.hashes = 0
    _Pausing.paused.clear()
    _Pausing.resume.clear()
    during: list[str] = []

    def mapping_thread() -> None:
        _Pausing.armed = threading.current_thread()
        try:
            during.append(se.from_exception(Paused()).code)
        finally:
            _Pausing.armed = None

    (thread,) = start([mapping_thread])
    try:
        assert _Pausing.paused.wait(timeout=TIMEOUT)
        change()
    finally:
        _Pausing.resume.set()
        join([thread])
    assert 1 == len(during)
    assert expected_after == se.from_exception(Paused()).code


# -- the circuit breaker --------------------------------------------------------------------

SERVER = se.NetworkError("Bad gateway", status_code=502)
ALLOWED_CHANGES = {
    ("closed", "open"),
    ("open", "half_open"),
    ("half_open", "closed"),
    ("half_open", "open"),
}


def outcome(result: SpiceResult[object]) -> str:
    """Name a breaker's answer: a success, a refusal (and in which state), or a failure."""
    match result:
        case Success():
            return "success"
        case Failure(se.RetryableError(context={"circuit": str(state)})):
            return f"refused {state}"
        case _:
            return "failure"


def check_changes(changes: list[tuple[str, str]]) -> None:
    """Every change is allowed, starts where the previous one ended, and trials add up."""
    assert set(changes) <= ALLOWED_CHANGES
    state = "closed"
    for old, new in changes:
        assert state == old
        state = new
    counts = Counter(changes)
    trials = counts["open", "half_open"]
    assert trials == counts["half_open", "closed"] + counts["half_open", "open"]


def answer(n: int) -> SpiceResult[int]:
    """Mostly failures, one in five raised, with runs of successes, so every state is seen."""
    if (n // 40) % 3 == 0:
        return Success(n)
    if n % 5 == 0:
        raise ConnectionResetError("reset by peer")
    return Failure(SERVER)


@attrs.define
class Load:
    """Threads and tasks calling one breaker, and what they counted.

    Threads add up under the lock; tasks, all in the event loop's thread, apart.
    """

    breaker: CircuitBreaker
    barrier: threading.Barrier
    lock: threading.Lock = attrs.field(factory=threading.Lock)
    outcomes: Counter[str] = attrs.field(factory=Counter)
    task_outcomes: Counter[str] = attrs.field(factory=Counter)
    ran: dict[str, int] = attrs.field(factory=lambda: {"threads": 0, "tasks": 0})

    def thread(self, index: int) -> None:
        local, executed = Counter[str](), 0

        def operation(n: int) -> SpiceResult[int]:
            nonlocal executed
            executed += 1
            return answer(n)

        self.barrier.wait(timeout=TIMEOUT)
        for call in range(3_000):
            local[outcome(self.breaker.call(partial(operation, index + call)))] += 1
        with self.lock:
            self.outcomes.update(local)
            self.ran["threads"] += executed

    async def operation_async(self, n: int) -> SpiceResult[int]:
        self.ran["tasks"] += 1
        await asyncio.sleep(0)
        return answer(n)

    async def task(self, index: int) -> None:
        for call in range(30):
            result = await self.breaker.call_async(partial(self.operation_async, index + call))
            self.task_outcomes[outcome(result)] += 1


async def test_breaker_shared_by_threads_and_tasks() -> None:
    """One breaker, 8 threads calling and 200 tasks awaiting at once: every count exact.

    Every call gets one answer; an operation runs exactly when its call is not
    refused; refusals say open or half-open; every state change is allowed and
    continues from the previous one; every trial ends in exactly one change, and none
    is left running.
    """
    ticks = itertools.count()
    changes: list[tuple[str, str]] = []
    breaker = CircuitBreaker(
        failure_threshold=3,
        reset_timeout=0.02,
        clock=lambda: next(ticks) / 1000,  # each reading is a millisecond later
        on_state_change=lambda old, new: changes.append((old, new)),
    )
    load = Load(breaker, threading.Barrier(THREADS + 1))
    threads = start([partial(load.thread, index) for index in range(THREADS)])
    load.barrier.wait(timeout=TIMEOUT)
    await asyncio.gather(*(load.task(index) for index in range(TASKS)))
    join(threads)

    outcomes = load.outcomes + load.task_outcomes
    assert THREADS * 3_000 + TASKS * 30 == outcomes.total()
    assert load.ran["threads"] + load.ran["tasks"] == outcomes["success"] + outcomes["failure"]
    assert set(outcomes) <= {"success", "failure", "refused open", "refused half_open"}
    check_changes(changes)
    assert {("closed", "open"), ("open", "half_open")} <= set(changes)
    assert outcomes["refused open"] > 0
    assert not breaker._trial_running
    assert breaker.failure_count < breaker.failure_threshold


async def test_one_trial_among_threads_and_tasks() -> None:
    """8 threads and 200 tasks reach a half-open breaker together: exactly one trial runs.

    The trial, a thread's or a task's, lasts until every other caller has been turned
    away as half-open; its success then closes the breaker.
    """
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=1, clock=lambda: now[0])
    breaker.call(lambda: Failure(SERVER))
    now[0] = 1.0
    loop = asyncio.get_running_loop()
    released, released_async = threading.Event(), asyncio.Event()
    trials: list[str] = []
    results: list[SpiceResult[str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS + 1)

    def record(result: SpiceResult[str]) -> None:
        with lock:
            results.append(result)
            refused = sum(isinstance(result, Failure) for result in results)
        if refused == THREADS + TASKS - 1:
            released.set()
            loop.call_soon_threadsafe(released_async.set)

    def trial() -> SpiceResult[str]:
        trials.append("thread")
        released.wait(timeout=TIMEOUT)
        return Success("trial")

    async def trial_async() -> SpiceResult[str]:
        trials.append("task")
        await asyncio.wait_for(released_async.wait(), TIMEOUT)
        return Success("trial")

    def thread_worker() -> None:
        barrier.wait(timeout=TIMEOUT)
        record(breaker.call(trial))

    async def task_worker() -> None:
        await asyncio.sleep(0)
        record(await breaker.call_async(trial_async))

    threads = start([thread_worker] * THREADS)
    barrier.wait(timeout=TIMEOUT)
    await asyncio.gather(*(task_worker() for _ in range(TASKS)))
    await asyncio.to_thread(join, threads)

    assert 1 == len(trials)
    assert [Success("trial")] == [result for result in results if isinstance(result, Success)]
    refusals = Counter(outcome(result) for result in results if isinstance(result, Failure))
    assert Counter({"refused half_open": THREADS + TASKS - 1}) == refusals
    assert "closed" == breaker.state
