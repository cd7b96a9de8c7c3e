"""SpiceResult against result 0.17, returns 0.30, expression 5.x and plain try/except.

Run from the repository root, after ``pip install -e . --group bench``:

    python benchmarks/bench_result.py

Every library is timed in this one process with ``timeit`` (best of several repeats),
on the same operations, and reported in nanoseconds and as ratios to ``result``.
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import sys
import timeit
from collections.abc import Callable
from typing import Any

import spice_errors as se

SETUP = """
import spice_errors as se
from spice_errors import Success, Failure
import result as rs
import returns.result as rt
import expression as ex

def inc(x):
    return x + 1

def plain_g(x):
    return x * 2

def se_g(x):
    return Success(x * 2)

def rs_g(x):
    return rs.Ok(x * 2)

def rt_g(x):
    return rt.Success(x * 2)

def ex_g(x):
    return ex.Ok(x * 2)

error = se.NetworkError("down", status_code=503)
se_ok, se_err = Success(1), Failure(error)
rs_ok, rs_err = rs.Ok(1), rs.Err(error)
rt_ok, rt_err = rt.Success(1), rt.Failure(error)
ex_ok, ex_err = ex.Ok(1), ex.Error(error)
"""

# One statement per library and operation; "plain" is the same work without a wrapper.
OPERATIONS: dict[str, dict[str, str]] = {
    "construct a success": {
        "spice_errors": "Success(1)",
        "result": "rs.Ok(1)",
        "returns": "rt.Success(1)",
        "expression": "ex.Ok(1)",
        "plain try/except": "try:\n    v = inc(1)\nexcept ValueError:\n    v = None",
    },
    "map on a success": {
        "spice_errors": "se_ok.map(inc)",
        "result": "rs_ok.map(inc)",
        "returns": "rt_ok.map(inc)",
        "expression": "ex_ok.map(inc)",
        "plain try/except": "try:\n    v = inc(1)\nexcept ValueError:\n    v = None",
    },
    "bind returning a success": {
        "spice_errors": "se_ok.bind(se_g)",
        "result": "rs_ok.and_then(rs_g)",
        "returns": "rt_ok.bind(rt_g)",
        "expression": "ex_ok.bind(ex_g)",
        "plain try/except": "try:\n    v = plain_g(1)\nexcept ValueError:\n    v = None",
    },
    "map on a failure": {
        "spice_errors": "se_err.map(inc)",
        "result": "rs_err.map(inc)",
        "returns": "rt_err.map(inc)",
        "expression": "ex_err.map(inc)",
        "plain try/except": "try:\n    raise ValueError\nexcept ValueError:\n    v = None",
    },
    "match on a success": {
        "spice_errors": ("match se_ok:\n    case Success(v): pass\n    case Failure(e): pass"),
        "result": "match rs_ok:\n    case rs.Ok(v): pass\n    case rs.Err(e): pass",
        "returns": "match rt_ok:\n    case rt.Success(v): pass\n    case rt.Failure(e): pass",
        "expression": (
            "match ex_ok:\n    case ex.Result(tag='ok', ok=v): pass\n"
            "    case ex.Result(tag='error', error=e): pass"
        ),
        "plain try/except": "try:\n    v = 1\nexcept ValueError as e:\n    pass",
    },
    "match on a failure": {
        "spice_errors": ("match se_err:\n    case Success(v): pass\n    case Failure(e): pass"),
        "result": "match rs_err:\n    case rs.Ok(v): pass\n    case rs.Err(e): pass",
        "returns": "match rt_err:\n    case rt.Success(v): pass\n    case rt.Failure(e): pass",
        "expression": (
            "match ex_err:\n    case ex.Result(tag='ok', ok=v): pass\n"
            "    case ex.Result(tag='error', error=e): pass"
        ),
        "plain try/except": "try:\n    raise ValueError\nexcept ValueError as e:\n    pass",
    },
    "success(x).map(f).bind(g), then match": {
        "spice_errors": (
            "match Success(1).map(inc).bind(se_g):\n"
            "    case Success(v): pass\n    case Failure(e): pass"
        ),
        "result": (
            "match rs.Ok(1).map(inc).and_then(rs_g):\n"
            "    case rs.Ok(v): pass\n    case rs.Err(e): pass"
        ),
        "returns": (
            "match rt.Success(1).map(inc).bind(rt_g):\n"
            "    case rt.Success(v): pass\n    case rt.Failure(e): pass"
        ),
        "expression": (
            "match ex.Ok(1).map(inc).bind(ex_g):\n"
            "    case ex.Result(tag='ok', ok=v): pass\n"
            "    case ex.Result(tag='error', error=e): pass"
        ),
        "plain try/except": ("try:\n    v = plain_g(inc(1))\nexcept ValueError as e:\n    pass"),
    },
}

LIBRARIES = ("spice_errors", "result", "returns", "expression", "plain try/except")


def best_ns(statement: str, repeat: int, setup: str = SETUP) -> float:
    """Best time per run of ``statement``, in nanoseconds."""
    timer = timeit.Timer(statement, setup=setup)
    number, _ = timer.autorange()
    number = max(number, 200_000)
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e9


def operations_table(repeat: int) -> None:
    """Print the table of per-operation times and ratios."""
    print("| operation | " + " | ".join(LIBRARIES) + " | spice/result | returns/spice |")
    print("|---" * (len(LIBRARIES) + 3) + "|")
    for operation, statements in OPERATIONS.items():
        times = {library: best_ns(statements[library], repeat) for library in LIBRARIES}
        cells = " | ".join(f"{times[library]:.0f}" for library in LIBRARIES)
        ours = times["spice_errors"]
        print(
            f"| {operation} | {cells} | {ours / times['result']:.2f} | "
            f"{times['returns'] / ours:.2f} |"
        )


def _hand_collect(results: list[se.SpiceResult[int]]) -> se.SpiceResult[list[int]]:
    values = []
    for result in results:
        if isinstance(result, se.Failure):
            return result
        values.append(result.value)
    return se.Success(values)


def _hand_partition(results: list[se.SpiceResult[int]]) -> tuple[list[int], list[se.SpiceError]]:
    values: list[int] = []
    errors: list[se.SpiceError] = []
    for result in results:
        if isinstance(result, se.Success):
            values.append(result.value)
        else:
            errors.append(result.error)
    return values, errors


def _once(fn: Callable[[], Any], repeat: int) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat)) * 1e3


def collections_table(repeat: int) -> None:
    """Print collect and partition against hand-written loops, at growing sizes."""
    error = se.UnknownError("x")
    print("\n| n | collect ms | hand loop ms | ratio | partition ms | hand loop ms | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (10_000, 100_000, 1_000_000):
        successes: list[se.SpiceResult[int]] = [se.Success(i) for i in range(size)]
        mixed: list[se.SpiceResult[int]] = [
            se.Success(i) if i % 2 else se.Failure(error) for i in range(size)
        ]
        collect = _once(functools.partial(se.collect, successes), repeat)
        hand_collect = _once(functools.partial(_hand_collect, successes), repeat)
        part = _once(functools.partial(se.partition, mixed), repeat)
        hand_part = _once(functools.partial(_hand_partition, mixed), repeat)
        print(
            f"| {size:,} | {collect:.1f} | {hand_collect:.1f} | {collect / hand_collect:.2f} | "
            f"{part:.1f} | {hand_part:.1f} | {part / hand_part:.2f} |"
        )


def _hand_collect_all(
    results: list[se.SpiceResult[int, se.ValidationError]],
) -> se.SpiceResult[list[int], se.ValidationError]:
    """What a careful hand loop does: every value, or every error kept in one."""
    values: list[int] = []
    errors: list[se.ValidationError] = []
    for result in results:
        if isinstance(result, se.Success):
            values.append(result.value)
        else:
            errors.append(result.error)
    if errors:
        return se.Failure(se.ValidationError(f"{len(errors)} invalid fields", errors=errors))
    return se.Success(values)


def every_error_table(repeat: int) -> None:
    """Print collect_all against a hand loop: all successes, and one in ten invalid."""
    print(
        "\n| n | collect_all ms | hand loop ms | ratio | 10 % invalid ms | hand loop ms | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (10_000, 100_000, 1_000_000):
        successes: list[se.SpiceResult[int, se.ValidationError]] = [
            se.Success(i) for i in range(size)
        ]
        invalid = se.Failure(se.ValidationError("required", field="name"))
        mixed: list[se.SpiceResult[int, se.ValidationError]] = [
            invalid if i % 10 == 0 else se.Success(i) for i in range(size)
        ]
        ours = _once(functools.partial(se.collect_all, successes), repeat)
        hand = _once(functools.partial(_hand_collect_all, successes), repeat)
        ours_mixed = _once(functools.partial(se.collect_all, mixed), repeat)
        hand_mixed = _once(functools.partial(_hand_collect_all, mixed), repeat)
        print(
            f"| {size:,} | {ours:.1f} | {hand:.1f} | {ours / hand:.2f} | "
            f"{ours_mixed:.1f} | {hand_mixed:.1f} | {ours_mixed / hand_mixed:.2f} |"
        )


def main() -> None:
    """Print the tables that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (best is kept)")
    args = parser.parse_args()
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("result", "returns", "expression")
    )
    print(f"Python {sys.version.split()[0]}; {versions}\n")
    operations_table(args.repeat)
    collections_table(args.repeat)
    every_error_table(args.repeat)
    print(f"\nsys.getsizeof(Success(1)) = {sys.getsizeof(se.Success(1))} bytes")


if __name__ == "__main__":
    main()
