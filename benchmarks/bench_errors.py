"""Error values: construction, with_context and from_exception, against raise-and-catch.

Run from the repository root:

    python benchmarks/bench_errors.py

Everything is timed in this one process with ``timeit`` (best of several repeats), and
reported in nanoseconds per operation and as ratios to the baselines. The import-time
figures come from ``python -X importtime`` in fresh interpreters, ``spice_errors`` and
``attrs`` in turns (median and best of several).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

import spice_errors as se

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@attrs.frozen
class DefaultFrozenAttrs:
    """The same six fields as a NetworkError, as a default frozen attrs class."""

    message: str
    cause: BaseException | None = attrs.field(default=None, kw_only=True)
    context: Mapping[str, Any] = attrs.field(default=_EMPTY, kw_only=True)
    timestamp: int = attrs.field(factory=lambda: time.time_ns() // 1_000_000, kw_only=True)
    status_code: int | None = attrs.field(default=None, kw_only=True)
    endpoint: str | None = attrs.field(default=None, kw_only=True)


class PlainSlotted:
    """The same six fields in a plain, mutable slotted class: the floor for Python code."""

    __slots__ = ("cause", "context", "endpoint", "message", "status_code", "timestamp")

    def __init__(  # noqa: PLR0913 -- the shape being measured
        self,
        message: str,
        *,
        cause: BaseException | None = None,
        context: Mapping[str, Any] | None = None,
        timestamp: int | None = None,
        status_code: int | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.message = message
        self.cause = cause
        self.context = _EMPTY if context is None else MappingProxyType(dict(context))
        self.timestamp = time.time_ns() // 1_000_000 if timestamp is None else timestamp
        self.status_code = status_code
        self.endpoint = endpoint


RAISE_AND_CATCH = """
try:
    raise ValueError("Upstream failed")
except ValueError:
    pass
"""

CASES = {
    "raise and catch ValueError": RAISE_AND_CATCH,
    "plain mutable slotted class (floor)": (
        "PlainSlotted('Upstream failed', status_code=503, endpoint='/v1/users')"
    ),
    "default frozen attrs class": (
        "DefaultFrozenAttrs('Upstream failed', status_code=503, endpoint='/v1/users')"
    ),
    "NetworkError(...) with two fields": (
        "se.NetworkError('Upstream failed', status_code=503, endpoint='/v1/users')"
    ),
    "error.with_context(retry_count=3)": "error.with_context(retry_count=3)",
    "from_exception(ValueError(...))": "se.from_exception(exc)",
}


EQUALITY = {
    "== of two equal default frozen attrs objects": "attrs_a == attrs_b",
    "== of two equal NetworkErrors": "error_a == error_b",
}


def measure(statement: str, namespace: dict[str, Any], repeat: int) -> float:
    """Best time per operation, in nanoseconds."""
    timer = timeit.Timer(statement, globals=namespace)
    number, _ = timer.autorange()
    number = max(number, 100_000)
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e9


def import_times(
    modules: Sequence[str], runs: int, path: Path | None = None
) -> dict[str, list[float]]:
    """Cumulative import times of each module in fresh interpreters, in ms.

    The modules take turns, run by run (the order reversed every other run), so that a
    slow spell of a noisy machine falls on all of them alike. The package is
    byte-compiled first, as ``pip install`` does for installed packages, so that the
    figure does not include compiling source (which happens when
    ``PYTHONDONTWRITEBYTECODE`` is set and no ``.pyc`` exists yet). ``path``, when
    given, is a directory of other packages (an earlier version's, say): it goes first
    on the interpreters' ``PYTHONPATH``, and is byte-compiled too.
    """
    compileall.compile_dir(Path(se.__file__).parent, quiet=1)
    if path is not None:
        compileall.compile_dir(path, quiet=1)
    samples: dict[str, list[float]] = {module: [] for module in modules}
    for index in range(runs):
        for module in modules if index % 2 == 0 else modules[::-1]:
            samples[module].append(_import_ms(module, path))
    return samples


def _import_ms(module: str, path: Path | None = None) -> float:
    pattern = re.compile(rf"import time:\s+\d+ \|\s+(\d+) \|\s+{re.escape(module)}$", re.MULTILINE)
    env = None
    if path is not None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(path), os.environ.get("PYTHONPATH")])),
        }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found = pattern.search(done.stderr)
    assert found is not None, done.stderr
    return int(found.group(1)) / 1000


def main() -> None:
    """Print the tables that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (best is kept)")
    parser.add_argument("--import-runs", type=int, default=15, help="fresh interpreters")
    parser.add_argument("--only-import", action="store_true", help="the import table alone")
    args = parser.parse_args()
    if args.only_import:
        import_table(args.import_runs)
        return

    namespace: dict[str, Any] = {
        "se": se,
        "PlainSlotted": PlainSlotted,
        "DefaultFrozenAttrs": DefaultFrozenAttrs,
        "error": se.NetworkError("Upstream failed", status_code=503, endpoint="/v1/users"),
        "exc": ValueError("age must be positive"),
        "error_a": se.NetworkError("Upstream failed", status_code=503, endpoint="/v1/users"),
        "error_b": se.NetworkError("Upstream failed", status_code=503, endpoint="/v1/users"),
        "attrs_a": DefaultFrozenAttrs("Upstream failed", status_code=503, endpoint="/v1/users"),
        "attrs_b": DefaultFrozenAttrs("Upstream failed", status_code=503, endpoint="/v1/users"),
    }
    results = {name: measure(stmt, namespace, args.repeat) for name, stmt in CASES.items()}
    baseline = results["raise and catch ValueError"]
    construct = results["NetworkError(...) with two fields"]

    print(f"Python {sys.version.split()[0]}, attrs {attrs.__version__}\n")
    print("| operation | ns/op | x raise-and-catch | x construction |")
    print("|---|---:|---:|---:|")
    for name, ns in results.items():
        print(f"| {name} | {ns:.0f} | {ns / baseline:.2f} | {ns / construct:.2f} |")

    equality = {name: measure(stmt, namespace, args.repeat) for name, stmt in EQUALITY.items()}
    attrs_eq = equality["== of two equal default frozen attrs objects"]
    print("\n| equality | ns/op | x attrs' own __eq__ |")
    print("|---|---:|---:|")
    for name, ns in equality.items():
        print(f"| {name} | {ns:.0f} | {ns / attrs_eq:.2f} |")

    import_table(args.import_runs)


def import_table(runs: int) -> None:
    """``import spice_errors`` beside ``import attrs``, interleaved: median and best."""
    samples = import_times(("attrs", "spice_errors"), runs)
    median = {module: statistics.median(times) for module, times in samples.items()}
    best = {module: min(times) for module, times in samples.items()}
    print(f"\n| import ({runs} interleaved runs) | median ms | x attrs | best ms | x attrs |")
    print("|---|---:|---:|---:|---:|")
    for module in samples:
        ratios = f"{median[module] / median['attrs']:.2f}"
        shown = f"{median[module]:.1f} | {ratios} | {best[module]:.1f}"
        print(f"| import {module} | {shown} | {best[module] / best['attrs']:.2f} |")


if __name__ == "__main__":
    main()
