"""Results and errors made in the worker processes of a real dask.distributed cluster.

Ten thousand results, successes and failures of all 16 error types, are made by task
functions in two worker processes and come back to the client whole: equal to what the
client builds for the same index, of the same type, with their timestamps, their cause
chains and the secrets in their context (redaction applies to rendering, never to
transport), and they still match by ``case``. The task functions live in
``tests/_distributed_tasks.py``, a module the spawned workers import.
"""

from __future__ import annotations

import copyreg
import logging
import os
from collections import Counter
from collections.abc import Iterator
from typing import TypeVar

import pytest

import spice_errors as se
from spice_errors import Failure, SerializedException, SpiceError, SpiceResult, Success
from tests import _distributed_tasks as tasks

# Importing distributed runs `tblib.pickling_support.install()`: it registers a reducer
# with copyreg for every exception class that exists at that moment, for the whole
# process. Such a reducer wins over a class's own `__reduce__` (SpiceException's among
# them), so the rest of the suite would pickle exceptions differently, depending on which
# test modules were imported first. The client does not need the registrations
# (unpickling never consults copyreg), so they are undone at once, and again when the
# cluster closes; the worker processes keep theirs.
_PICKLERS = dict(copyreg.dispatch_table)


def restore_picklers() -> None:
    """Put copyreg's table back as it was before distributed was imported."""
    copyreg.dispatch_table.clear()
    copyreg.dispatch_table.update(_PICKLERS)


pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (the test dependency group has it)"
)

from distributed import Client, Future, LocalCluster  # noqa: E402 -- only once it is known to import

restore_picklers()

TOTAL = 10_000
BATCH = 50  # 200 tasks of 50 results: 10 000 tasks of one would take ~20 s of overhead
GENEROUS = 300  # seconds; a slow machine waits, nothing is timed
TASKS_MODULE = "tests._distributed_tasks"

Result = SpiceResult[object, se.AnySpiceError]
T = TypeVar("T")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A client of two single-threaded worker processes, all on 127.0.0.1, closed at the end."""
    scratch = str(tmp_path_factory.mktemp("dask"))  # not the shared /tmp/dask-scratch-space
    with (
        LocalCluster(  # type: ignore[no-untyped-call]  # distributed does not type it
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # No dashboard. The scheduler still serves its bare HTTP routes (health,
            # metrics): on a free loopback port, as 8787 may be taken by someone else.
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0", "local_directory": scratch},
            local_directory=scratch,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, timeout=GENEROUS) as client,  # type: ignore[no-untyped-call]
    ):
        client.wait_for_workers(2, timeout=GENEROUS)
        yield client
    restore_picklers()


@pytest.fixture(scope="module")
def expected() -> list[Result]:
    """The 10 000 results as the client builds them itself."""
    return [tasks.outcome(index) for index in range(TOTAL)]


@pytest.fixture(scope="module")
def shipped(client: Client) -> list[Result]:
    """The 10 000 results, each made by a task function in a worker and gathered here."""
    starts = range(0, TOTAL, BATCH)
    futures = client.map(tasks.outcomes, starts, [start + BATCH for start in starts])
    return [result for batch in results_of(futures) for result in batch]


def results_of(futures: list[Future[T]]) -> list[T]:
    """What each future computed, in order, waiting as long as it takes."""
    return [future.result(timeout=GENEROUS) for future in futures]


def chain(cause: BaseException | None) -> list[tuple[str, str]]:
    """Each link of a ``__cause__`` chain as (type's qualified name, message)."""
    links = []
    while cause is not None:
        if isinstance(cause, SerializedException):
            name = cause.type_name
        else:
            name = f"{type(cause).__module__}.{type(cause).__qualname__}"
        links.append((name, str(cause)))
        cause = cause.__cause__
    return links


def cause_kind(index: int) -> str:
    return tasks.CAUSE_KINDS[(index // tasks.CYCLE) % len(tasks.CAUSE_KINDS)]


def failures(results: list[Result]) -> Iterator[tuple[int, se.AnySpiceError]]:
    """The index and error of every failure in ``results``."""
    for index, result in enumerate(results):
        if isinstance(result, Failure):
            yield index, result.error


def matched(result: Result) -> tuple[str, object]:  # noqa: C901, PLR0911, PLR0912 -- a case per type is the point
    """Take a result apart by ``case``: the name of the case that matched, and what it bound."""
    match result:
        case Success(value):
            return "Success", value
        case Failure(SpiceError.AgentError(agent_id=agent_id)):
            return "AgentError", agent_id
        case Failure(SpiceError.CommError(comm=comm)):
            return "CommError", comm
        case Failure(SpiceError.ExecutionError(graph_id=graph_id, node_id=node_id)):
            return "ExecutionError", (graph_id, node_id)
        case Failure(SpiceError.ToolError(tool_name=tool_name)):
            return "ToolError", tool_name
        case Failure(SpiceError.ToolLookupError(available_tools=[*tools])):
            return "ToolLookupError", tools
        case Failure(SpiceError.ConfigurationError(field=field)):
            return "ConfigurationError", field
        case Failure(SpiceError.ValidationError(field="password", actual_value=value)):
            return "ValidationError", value
        case Failure(SpiceError.NetworkError(status_code=int(status), endpoint=endpoint)):
            return "NetworkError", (status, endpoint)
        case Failure(SpiceError.TimeoutError(timeout_ms=timeout_ms)):
            return "TimeoutError", timeout_ms
        case Failure(SpiceError.AuthenticationError(provider=provider)):
            return "AuthenticationError", provider
        case Failure(SpiceError.RateLimitError(retry_after_ms=ms)):
            return "RateLimitError", ms
        case Failure(SpiceError.SerializationError(format=fmt)):
            return "SerializationError", fmt
        case Failure(SpiceError.CheckpointError(checkpoint_id=checkpoint_id)):
            return "CheckpointError", checkpoint_id
        case Failure(SpiceError.RoutingError(available_targets=(*targets,))):
            return "RoutingError", targets
        case Failure(SpiceError.RetryableError(retry_hint=se.RetryHint(retry_after_ms=ms))):
            return "RetryableError", ms
        case Failure(SpiceError.UnknownError(message=message)):
            return "UnknownError", message
        case _:
            return "no case matched", result


def test_the_workers_are_other_processes(client: Client) -> None:
    """Two worker processes, neither of them this one, on the loopback interface only."""
    pids = client.run(os.getpid)
    assert 2 == len(pids)
    assert os.getpid() not in pids.values()
    assert all(address.startswith("tcp://127.0.0.1:") for address in pids)
    assert client.scheduler_info()["address"].startswith("tcp://127.0.0.1:")


def test_every_result_arrives_equal_and_of_its_type(
    shipped: list[Result], expected: list[Result]
) -> None:
    """All 10 000 arrive, in order, equal to the client's own, types and timestamps kept."""
    assert TOTAL == len(shipped)
    assert expected == shipped
    for index, (back, own) in enumerate(zip(shipped, expected, strict=True)):
        assert type(own) is type(back), index
        if isinstance(own, Failure):
            assert isinstance(back, Failure)
            assert type(own.error) is type(back.error), index
            assert tasks.EPOCH_MS + index == back.error.timestamp
        else:
            assert own.value == back.value  # type: ignore[union-attr]


def test_all_16_types_and_each_cause_kind_travel(shipped: list[Result]) -> None:
    """The mix covers every error type with every kind of cause chain, and successes."""
    assert 16 == len(tasks.ERROR_TYPES)
    assert set(tasks.ERROR_TYPES) == {type(error) for _, error in failures(shipped)}
    kinds = {(type(error), cause_kind(index)) for index, error in failures(shipped)}
    assert 16 * len(tasks.CAUSE_KINDS) == len(kinds)
    assert 2_000 == sum(isinstance(result, Success) for result in shipped)


def test_secrets_travel_unmasked(shipped: list[Result]) -> None:
    """Context, messages and fields keep their secrets in transit; only rendering masks them."""
    for index, error in failures(shipped):
        assert tasks.secret_context(index) == dict(error.context)
        assert f"sk-live-{index}" == error.context["api_key"]
        assert f"pw-{index}" == error.context["password"]
        assert f"https://svc:pw{index}@api.example/v1" in error.message
        rendered = repr(error)
        assert f"sk-live-{index}" not in rendered
        assert "'api_key': '***'" in rendered
        assert f"pw{index}@" not in str(error)
        if isinstance(error, se.NetworkError):
            assert f"https://svc:pw{index}@api.example/v1?token=t{index}" == error.endpoint
        if isinstance(error, se.ValidationError):
            assert f"hunter{index}" == error.actual_value
    for index, result in enumerate(shipped):
        if index % tasks.CYCLE == 3:
            assert {"api_key": f"sk-{index}", "rows": [index, index + 1]} == result.value  # type: ignore[union-attr]


def test_cause_chains_survive(shipped: list[Result], expected: list[Result]) -> None:
    """Every link of every cause chain keeps its type and message.

    A SpiceException cause keeps its error, an unpicklable cause arrives as data, chain
    and all, and plain exceptions keep their own ``__cause__``.
    """
    for index, error in failures(shipped):
        own = expected[index].error  # type: ignore[union-attr]
        assert chain(own.cause) == chain(error.cause), index
        match cause_kind(index):
            case "none":
                assert error.cause is None
            case "two plain links":
                # dask's workers pickle exceptions with tblib, which keeps __cause__.
                assert isinstance(error.cause, ConnectionResetError)
                assert [
                    ("builtins.ConnectionResetError", f"reset by peer #{index}"),
                    ("builtins.ValueError", f"bad frame #{index}"),
                ] == chain(error.cause)
            case "spice exception":
                assert isinstance(error.cause, se.SpiceException)
                assert isinstance(own.cause, se.SpiceException)
                assert own.cause.error == error.cause.error
                assert own.cause.error.timestamp == error.cause.error.timestamp
                assert f"tok-{index}" == error.cause.error.context["token"]
                assert error.cause.__cause__ is error.cause.error.cause
                assert [
                    ("spice_errors.SpiceException", f"upstream #{index}"),
                    ("builtins.ValueError", f"bad byte #{index}"),
                ] == chain(error.cause)
            case kind:
                assert "unpicklable" == kind
                assert isinstance(error.cause, SerializedException)
                assert [
                    (f"{TASKS_MODULE}.LockHolder", f"locked out #{index}"),
                    ("builtins.KeyError", f"'slot-{index}'"),
                ] == chain(error.cause)


def test_results_match_by_case(shipped: list[Result], expected: list[Result]) -> None:
    """Every result is taken apart by the ``case`` of its type, binding the same values."""
    counts: Counter[str] = Counter()
    for index, (back, own) in enumerate(zip(shipped, expected, strict=True)):
        name, bound = matched(back)
        counts[name] += 1
        assert matched(own) == (name, bound), index
        if isinstance(own, Failure):
            assert type(own.error).__name__ == name
        if name in {"RateLimitError", "RetryableError"}:
            assert index == bound
    per_type = TOTAL // tasks.CYCLE
    assert {
        "Success": per_type * tasks.SUCCESS_KINDS,
        **{cls.__name__: per_type for cls in tasks.ERROR_TYPES},
    } == counts


def test_each_result_as_its_own_task(client: Client, expected: list[Result]) -> None:
    """Results sent one per task, as ``client.map`` over indexes sends them, arrive whole."""
    indexes = range(0, TOTAL, 23)  # 435 tasks; 23 and 20 are coprime: every slot and kind
    results = results_of(client.map(tasks.outcome, indexes))
    assert [expected[index] for index in indexes] == results
    for index, back in zip(indexes, results, strict=True):
        assert matched(expected[index]) == matched(back)
        if isinstance(back, Failure):
            assert tasks.secret_context(index) == dict(back.error.context)
            assert chain(expected[index].error.cause) == chain(back.error.cause)  # type: ignore[union-attr]


def test_submit_returns_a_failure(client: Client) -> None:
    """``client.submit`` of a function returning a Failure: ``result()`` gives it back."""
    index = tasks.CYCLE * 2 + tasks.SUCCESS_KINDS + tasks.ERROR_TYPES.index(se.RateLimitError)
    assert "spice exception" == cause_kind(index)
    future = client.submit(tasks.outcome, index)
    result: Result = future.result(timeout=GENEROUS)
    assert tasks.outcome(index) == result
    match result:
        case Failure(SpiceError.RateLimitError(retry_after_ms=ms, context={"api_key": key})):
            assert index == ms
            assert f"sk-live-{index}" == key
            assert isinstance(result.error.cause, se.SpiceException)
            assert 502 == result.error.cause.error.status_code  # type: ignore[union-attr]
        case _:
            pytest.fail(f"not a RateLimitError failure: {result!r}")


def test_an_exception_raised_in_a_worker_maps(client: Client) -> None:
    """A builtin exception raised by a task arrives as itself; from_exception maps it."""
    future = client.submit(tasks.explode, "refused", pure=False)
    with pytest.raises(ConnectionRefusedError) as raised:
        future.result(timeout=GENEROUS)
    error = se.from_exception(raised.value)
    assert isinstance(error, se.NetworkError)
    assert "connection refused by 127.0.0.1:9" == error.message
    assert "connect" == error.context["phase"]
    assert error.cause is raised.value


def test_a_spice_exception_raised_in_a_worker_keeps_its_error(client: Client) -> None:
    """A SpiceException raised by a task arrives with its error; from_exception returns it."""
    future = client.submit(tasks.explode, "spice", pure=False)
    with pytest.raises(se.SpiceException) as raised:
        future.result(timeout=GENEROUS)
    error = se.from_exception(raised.value)
    assert error is raised.value.error
    assert (
        se.RateLimitError(
            "too many requests", retry_after_ms=1500, context={"api_key": "sk-raised"}
        )
        == error
    )
    assert tasks.EPOCH_MS == error.timestamp
    assert "sk-raised" == error.context["api_key"]


@pytest.mark.xfail(
    # Not strict: whether it passes is dask's choice, not this library's (see the docs).
    strict=False,
    raises=AssertionError,
    reason="dask's limit: the tblib reducer distributed installs for a raised exception's "
    "class wins over SpiceException.__reduce__ and pickles its cause as it is; an "
    "unpicklable cause fails the pickle, and dask sends a bare Exception(repr) instead",
)
def test_a_spice_exception_with_an_unpicklable_cause_keeps_its_error(client: Client) -> None:
    """A SpiceException whose cause cannot pickle, raised by a task, still brings its error."""
    future = client.submit(tasks.explode, "spice, unpicklable cause", pure=False)
    try:
        future.result(timeout=GENEROUS)
    except Exception as exc:
        arrived = exc
    assert isinstance(arrived, se.SpiceException), repr(arrived)
    assert "sk-raised" == arrived.error.context["api_key"]
    assert "locked out" == str(arrived.__cause__)
