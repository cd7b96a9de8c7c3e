"""Errors for agent tools: for_model() beside str(error), tool results beside problems.

Run from the repository root:

    python benchmarks/bench_agent_tools.py

Everything is timed in this one process with ``timeit``, best of several repeats, the
cases of one error taking turns round by round, so that a slow spell of a busy machine
falls on all of them alike. Figures are nanoseconds per operation and ratios.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from typing import Any

import spice_errors as se

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


def main() -> None:
    """Print the table that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (best kept)")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
