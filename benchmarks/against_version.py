"""The hot paths now against an earlier version of the library, side by side in one process.

Run from the repository root, naming any git revision:

    python benchmarks/against_version.py dd37c5c

The package as it was at that revision is taken with ``git archive``, renamed to
``spice_errors_then`` in a temporary directory and imported beside the current one, so
that both run in the same interpreter, interleaved round by round, and machine noise
falls on both alike. Only public names are used, so any revision since 0.1 works.
"""

from __future__ import annotations

import argparse
import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import spice_errors as now

ROOT = Path(__file__).resolve().parent.parent


def load_revision(revision: str, into: Path) -> ModuleType:
    """The package at ``revision``, importable as ``spice_errors_then``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "spice_errors"],  # noqa: S607 -- git on PATH
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / "spice_errors"
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        source.write_text(re.sub(r"\bspice_errors\b", "spice_errors_then", text), encoding="utf-8")
    package.rename(into / "spice_errors_then")
    sys.path.insert(0, str(into))
    return importlib.import_module("spice_errors_then")


def cases(se: Any) -> dict[str, tuple[str, dict[str, Any]]]:  # noqa: ANN401 -- either version
    """Each hot path as a statement and its namespace, for one version of the package."""
    ok = se.Success(1)

    def operation() -> object:
        return ok

    failed = se.Failure(se.NetworkError("Bad gateway", status_code=502))
    calls = [0]

    def flaky() -> object:
        calls[0] += 1
        return failed if calls[0] % 2 else ok

    se.retry_testing()  # no sleeping: the loop's own cost (each version has its switch)
    namespace: dict[str, Any] = {
        "flaky": flaky,
        "se": se,
        "a": se.NetworkError("Upstream failed", status_code=503, endpoint="/v1/users"),
        "b": se.NetworkError("Upstream failed", status_code=503, endpoint="/v1/users"),
        "ok": ok,
        "increment": lambda x: x + 1,
        "wrap": se.Success,
        "operation": operation,
        "decorated": se.retrying()(operation),
        "limited": se.RateLimitError("Slow down", retry_after_ms=2000).with_context(
            request_id="req-1", limit="10/min", api_key="sk-1"
        ),
        "outage": se.NetworkError(
            "Upstream https://h.test/v1/users failed", status_code=503, endpoint="/v1/users"
        ).with_context(attempt=2),
    }
    return {
        "NetworkError(...) with two fields": (
            "se.NetworkError('Upstream failed', status_code=503, endpoint='/v1/users')",
            namespace,
        ),
        "== of two equal NetworkErrors": ("a == b", namespace),
        "error.with_context(retry_count=3)": ("a.with_context(retry_count=3)", namespace),
        "Success(1)": ("se.Success(1)", namespace),
        "success.map(f)": ("ok.map(increment)", namespace),
        "success.bind(Success)": ("ok.bind(wrap)", namespace),
        "retry(operation), success at once": ("se.retry(operation)", namespace),
        "@retrying function, success at once": ("decorated()", namespace),
        "retry(flaky), one failure then success, default log hook": (
            "se.retry(flaky)",
            namespace,
        ),
        "http.to_problem(a rate limit with context)": (
            "se.http.to_problem(limited)",
            namespace,
        ),
        "http.to_problem(a 503 with context)": ("se.http.to_problem(outage)", namespace),
    }


def best_ns(statement: str, namespace: dict[str, Any], number: int) -> float:
    """Best of three runs of ``number`` operations, in nanoseconds per operation."""
    timer = timeit.Timer(statement, globals=namespace)
    return min(timer.repeat(repeat=3, number=number)) / number * 1e9


def measure(then: ModuleType, rounds: int, number: int) -> dict[str, tuple[float, float]]:
    """For each case, the best time of the old and the current version over all rounds."""
    old, new = cases(then), cases(now)
    best: dict[str, tuple[float, float]] = {name: (float("inf"), float("inf")) for name in new}
    for rounds_done in range(rounds):
        for name, (statement, namespace) in new.items():
            old_statement, old_namespace = old[name]
            before, after = best[name]
            # Each round alternates which version goes first, so neither gains from order.
            if rounds_done % 2:
                after = min(after, best_ns(statement, namespace, number))
                before = min(before, best_ns(old_statement, old_namespace, number))
            else:
                before = min(before, best_ns(old_statement, old_namespace, number))
                after = min(after, best_ns(statement, namespace, number))
            best[name] = (before, after)
    return best


def main(argv: list[str] | None = None, out: Callable[[str], object] = print) -> None:
    """Print the side-by-side table that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="a git revision of this repository, e.g. a tag")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--number", type=int, default=100_000, help="operations per run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        then = load_revision(args.revision, Path(directory))
        results = measure(then, args.rounds, args.number)
    out(f"Python {sys.version.split()[0]}; {args.revision} against the working tree\n")
    out(f"| operation | {args.revision} ns | now ns | now / then |")
    out("|---|---:|---:|---:|")
    for name, (before, after) in results.items():
        out(f"| {name} | {before:.0f} | {after:.0f} | {after / before:.2f} |")


if __name__ == "__main__":
    main()
