"""Errors for agent tools: for_model() beside str(error), tool results beside problems.

Run from the repository root:

    python benchmarks/bench_agent_tools.py

Everything is timed in this one process with ``timeit``, best of several repeats, the
cases of one error taking turns round by round, so that a slow spell of a busy machine
falls on all of them alike. Figures are nanoseconds per operation and ratios.

Then ``import spice_errors``: a fresh interpreter first says which of the modules for
agent tools a plain import loaded (none should be: they load on first use), and the
import is timed beside the package as it was before them (``--against``, taken with
``git archive`` as ``against_version.py`` does), in fresh interpreters taking turns, as
``bench_errors.py`` times it (median and best of ``--import-runs``; 0 skips it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

from against_version import load_revision
from bench_errors import import_times

import spice_errors as se

BEFORE = "4a2b08e^"
"""The package before the agent tools (for_model, se.mcp, se.jsonrpc) were added."""

LAZY = ("spice_errors.jsonrpc", "spice_errors.mcp", "spice_errors._model", "spice_errors._tools")
"""The modules for agent tools, which ``import spice_errors`` must not load; nor ``mcp``."""

ERRORS: dict[str, se.SpiceError] = {
    "ValidationError, field and expected type": se.ValidationError(
        "Quantity must be positive", field="quantity", expected_type="int", actual_value=-2
    ),
    "RateLimitError, 2 s wait": se.RateLimitError("Slow down", retry_after_ms=2000),
    "ToolLookupError, 5 tools": se.ToolLookupError(
        "No tool 'serch'",
        tool_name="serch",
        available_tools=["search", "fetch", "summarize", "translate", "store"],
    ),
    "NetworkError 503": se.NetworkError("Service unavailable", status_code=503),
}

CASES = {
    "str(error)": "str(error)",
    "plain f-string: code, message, a fixed retry line": (
        "f'{error.code}: {error.message}\\nRetry: yes, after a short wait.'"
    ),
    "error.for_model()": "error.for_model()",
    "se.http.to_problem(error)": "se.http.to_problem(error)",
    "se.mcp.to_tool_result(error)": "se.mcp.to_tool_result(error)",
    "se.jsonrpc.to_error(error)": "se.jsonrpc.to_error(error)",
}


def measure(error: se.SpiceError, rounds: int) -> dict[str, float]:
    """Best nanoseconds per operation of each case, the cases interleaved."""
    namespace: dict[str, Any] = {"se": se, "error": error}
    timers = {name: timeit.Timer(statement, globals=namespace) for name, statement in CASES.items()}
    best = dict.fromkeys(CASES, float("inf"))
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(number=20_000) / 20_000 * 1e9)
    return best


def loaded_at_import() -> list[str]:
    """Which of the agent-tool modules, and the SDK, a fresh ``import spice_errors`` loads."""
    probe = "import sys, spice_errors; print(*(m for m in sys.argv[1:] if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe, *LAZY, "mcp", "mcp_types"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def import_table(revision: str, runs: int) -> None:
    """``import spice_errors`` now beside the package at ``revision``, interleaved."""
    loaded = loaded_at_import()
    watched = ", ".join([*LAZY, "mcp", "mcp_types"])
    print(f"\nLoaded by `import spice_errors`: {', '.join(loaded) or f'none of {watched}'}")
    with tempfile.TemporaryDirectory() as directory:
        load_revision(revision, Path(directory))
        samples = import_times(("spice_errors_then", "spice_errors"), runs, Path(directory))
    median = {module: statistics.median(times) for module, times in samples.items()}
    best = {module: min(times) for module, times in samples.items()}
    then = "spice_errors_then"
    shown = f"x `{revision}`"
    print(f"\n| import ({runs} interleaved runs) | median ms | {shown} | best ms | {shown} |")
    print("|---|---:|---:|---:|---:|")
    for module, label in ((then, f"`{revision}`"), ("spice_errors", "now")):
        print(
            f"| import spice_errors, {label} | {median[module]:.1f}"
            f" | {median[module] / median[then]:.2f} | {best[module]:.1f}"
            f" | {best[module] / best[then]:.2f} |"
        )


def main() -> None:
    """Print the tables that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (best kept)")
    parser.add_argument("--against", default=BEFORE, help="git revision for the import table")
    parser.add_argument("--import-runs", type=int, default=21, help="fresh interpreters each")
    parser.add_argument("--only-import", action="store_true", help="the import table alone")
    args = parser.parse_args()
    if args.only_import:
        import_table(args.against, args.import_runs)
        return
    print(f"Python {sys.version.split()[0]}, best of {args.rounds} interleaved rounds\n")
    print("| error | str ns | for_model ns | x str | plain f-string x str |")
    print("|---|---:|---:|---:|---:|")
    served: dict[str, dict[str, float]] = {}
    for label, error in ERRORS.items():
        times = measure(error, args.rounds)
        served[label] = times
        plain = times["plain f-string: code, message, a fixed retry line"]
        print(
            f"| {label} | {times['str(error)']:.0f} | {times['error.for_model()']:.0f}"
            f" | {times['error.for_model()'] / times['str(error)']:.2f}"
            f" | {plain / times['str(error)']:.2f} |"
        )
    print("\n| error | to_problem ns | to_tool_result x to_problem | to_error x to_problem |")
    print("|---|---:|---:|---:|")
    for label, times in served.items():
        problem = times["se.http.to_problem(error)"]
        print(
            f"| {label} | {problem:.0f}"
            f" | {times['se.mcp.to_tool_result(error)'] / problem:.2f}"
            f" | {times['se.jsonrpc.to_error(error)'] / problem:.2f} |"
        )
    if args.import_runs:
        import_table(args.against, args.import_runs)


if __name__ == "__main__":
    main()
