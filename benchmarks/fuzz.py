"""Coverage-guided fuzzing of the parsers: problems, JSON errors and results, vendor answers, waits.

Run from the repository root:

    python benchmarks/fuzz.py [--target NAME|all] [--runs N]
    python benchmarks/fuzz.py --linearity

With atheris (the ``fuzz`` extra, Linux and macOS) each target runs in a process of its
own, instrumented, from a corpus of valid documents, with a fixed seed; the JSON readers
also get structure-aware mutations (members replaced, removed, copied, nested as causes).
``vendor_body`` starts from every answer of ``tests/data/vendor_answers.json`` and from
each vendor's body shape; ``wait_headers`` from the wait and rate-limit values vendors send;
``jsonrpc_error`` and ``tool_result`` from the mcp SDK's own answers (taken from a real
server), JSON-RPC 2.0's examples and ours for every type. The modules the package loads on
first use (``jsonrpc``, ``mcp``, the text for models) are imported instrumented too.
Without atheris the same targets run under Hypothesis over random bytes. The targets, and
the promises they check, are in ``benchmarks/fuzz_targets.py``.

``redaction`` plants a secret in every form SPEC section 6 masks; ``--linearity`` times
the redaction of texts built to be costly (each pass's trigger, repeated) at 0.25, 1 and 4
MB: the work must grow linearly, and 1 MB take well under a second.

The exit status is non-zero when any target found a crash; the crashing input is printed,
and ``--replay NAME FILE`` runs it again. Pin a crash found here as a regression test in
``tests/test_fuzz.py`` (``TestFoundByFuzzing``), reduced to its smallest input.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
NAMES = (
    "from_problem",
    "error_from_json",
    "result_from_json",
    "parse_retry_after",
    "from_response",
    "vendor_body",
    "wait_headers",
    "redaction",
    "jsonrpc_error",
    "tool_result",
)
JSON_TARGETS = ("error_from_json", "result_from_json")
"""Targets whose inputs are JSON documents: they get structure-aware mutations too."""
MAX_LEN = {"parse_retry_after": 256, "wait_headers": 1024}
"""libFuzzer's -max_len by target; 4096 bytes for the others (room for cause chains)."""
DEFAULT_MAX_LEN = 4096


@dataclass(frozen=True)
class Outcome:
    """What one target's run did."""

    name: str
    runs: int
    seconds: float
    ok: bool
    cov: str = "-"
    features: str = "-"
    details: str = ""


def _targets() -> dict[str, Callable[[bytes], None]]:
    import fuzz_targets

    return dict(fuzz_targets.TARGETS)


def _report_input(name: str, data: bytes) -> str:
    import fuzz_targets

    return (
        f"    input ({len(data)} bytes): {data!r}\n"
        f"    hex: {data.hex()}\n"
        f"    decoded: {fuzz_targets.describe(name, data)}"
    )


# -- atheris ----------------------------------------------------------------------------


def _atheris_available() -> bool:
    return sys.platform != "win32" and importlib.util.find_spec("atheris") is not None


def worker(name: str, libfuzzer_args: Sequence[str]) -> None:
    """Fuzz one target in this process; atheris exits the process when done."""
    atheris = importlib.import_module("atheris")
    # Modules the package loads on first use are imported here, to be instrumented too.
    with atheris.instrument_imports(include=["spice_errors"]):
        import spice_errors
        import spice_errors._model
        import spice_errors._serialization
        import spice_errors._tools
        import spice_errors.http
        import spice_errors.jsonrpc
        import spice_errors.mcp

        del spice_errors
    sys.path.insert(0, str(HERE))
    callback = _targets()[name]
    if name in JSON_TARGETS:
        mutator = _json_mutator(atheris)
        atheris.Setup([sys.argv[0], *libfuzzer_args], callback, custom_mutator=mutator)
    else:
        atheris.Setup([sys.argv[0], *libfuzzer_args], callback)
    atheris.Fuzz()


def _json_mutator(atheris: ModuleType) -> Callable[[bytes, int, int], bytes]:
    """Half libFuzzer's byte mutations, half structural ones when the input is JSON."""
    import fuzz_targets

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        choose = random.Random(seed)  # noqa: S311 -- reproducible choices, not secrets
        if choose.randrange(2):
            mutated = fuzz_targets.mutate_bytes(data, max_size, choose)
            if mutated is not None:
                return mutated
        # Fuzz() swaps in the real atheris.Mutate: look it up on every call.
        mutated_bytes: bytes = atheris.Mutate(data, max_size)
        return mutated_bytes

    return mutator


def _last(pattern: str, text: str) -> str | None:
    found = re.findall(pattern, text)
    return found[-1] if found else None


def _crash_details(name: str, output: str, artifacts: Path) -> str:
    lines = output.splitlines()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if "Uncaught Python exception" in line or "ALARM" in line
        ),
        max(len(lines) - 30, 0),
    )
    stop = next(
        (i for i in range(start, len(lines)) if "Test unit written" in lines[i]), start + 40
    )
    shown_lines = [line for line in lines[start : stop + 1] if not line.startswith("0x")]
    excerpt = "\n".join(f"    | {line}" for line in shown_lines)
    units = sorted(artifacts.glob("*"))
    shown = [f"    artifact: {unit}\n{_report_input(name, unit.read_bytes())}" for unit in units]
    replay = [f"    replay: python benchmarks/fuzz.py --replay {name} {unit}" for unit in units]
    return "\n".join([excerpt, *shown, *replay])


def run_atheris(name: str, args: argparse.Namespace) -> Outcome:
    """Run one target under atheris in a child process and read libFuzzer's report."""
    import fuzz_targets

    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
    corpus, artifacts = work / "corpus", work / "artifacts"
    corpus.mkdir()
    artifacts.mkdir()
    for index, seed in enumerate(fuzz_targets.seeds(name)):
        (corpus / f"seed-{index:03}").write_bytes(seed)
    libfuzzer = [
        f"-runs={args.runs}",
        f"-seed={args.seed}",
        f"-max_len={args.max_len or MAX_LEN.get(name, DEFAULT_MAX_LEN)}",
        f"-timeout={args.timeout}",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/",
        str(corpus),
    ]
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name]
    command += [f"--libfuzzer-arg={arg}" for arg in libfuzzer]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )
    seconds = time.perf_counter() - started
    output = done.stdout
    runs = _last(r"stat::number_of_executed_units: (\d+)", output) or _last(r"#(\d+)\s", output)
    ok = done.returncode == 0
    details = "" if ok else _crash_details(name, output, artifacts)
    if ok:
        shutil.rmtree(work)
    elif not details.strip():
        details = output[-3000:]
    return Outcome(
        name,
        int(runs or 0),
        seconds,
        ok,
        cov=_last(r"cov: (\d+)", output) or "-",
        features=_last(r"ft: (\d+)", output) or "-",
        details=details,
    )


# -- Hypothesis -------------------------------------------------------------------------


def run_hypothesis(name: str, args: argparse.Namespace) -> Outcome:
    """Run one target in this process over Hypothesis' bytes, seeds first."""
    import fuzz_targets
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    target = fuzz_targets.TARGETS[name]
    runs = 0
    failing: list[bytes] = []

    def once(data: bytes) -> None:
        nonlocal runs
        runs += 1
        try:
            target(data)
        except Exception:
            failing.append(data)
            raise

    @settings(
        max_examples=args.runs,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.binary(max_size=args.max_len or MAX_LEN.get(name, DEFAULT_MAX_LEN)))
    def fuzz(data: bytes) -> None:
        once(data)

    started = time.perf_counter()
    try:
        for seed in fuzz_targets.seeds(name):
            once(seed)
        fuzz()
    except Exception:  # noqa: BLE001 -- any exception is the crash being reported
        details = f"{traceback.format_exc(limit=-8)}\n{_report_input(name, failing[-1])}"
        return Outcome(name, runs, time.perf_counter() - started, ok=False, details=details)
    return Outcome(name, runs, time.perf_counter() - started, ok=True)


# -- redaction's linearity ----------------------------------------------------------------

# Texts that make each pass of redact_text work: its trigger, as often as it fits. The
# second group once took quadratic time: a "://" with no scheme before it read the rest
# of the text each time, and so did the value of each pair in a run of them.
LINEARITY_UNITS = (
    "a=b&",
    "https://h/?token=x ",
    "https://u:p@h/?a=%41&b=c ",
    "u:p@h ",
    "//a:b@c ",
    "Bearer x1 ",
    "Basic dXNlcjpwYXNz ",
    "Authorization: Custom X1 ",
    "'token': 'x', ",
    "q=%2541&",
    "token='a",
    "://a",
    "((((",
    "))))",
    "a:a:a:",
    "@@@@",
    "x" * 60 + " ",
    ";://",
    "a=x?",
    "a=%41?",
    "a='xa='x",
    "Authorization:x=y.",
)
LINEARITY_SIZES = (250_000, 1_000_000, 4_000_000)
MAX_SECONDS_PER_MB = 1.0
MAX_GROWTH = 6.0
"""4 MB may take at most this many times as long as 1 MB (4 when linear; noise aside)."""


def _best_of(rounds: int, call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def linearity() -> int:
    """Time redact_text on costly texts of growing size; 0 when each grows linearly."""
    from spice_errors._redact import redact_text

    print(f"Python {sys.version.split()[0]}, redact_text, best of 3, seconds\n")
    sizes = "".join(f"{size / 1e6:>9.2f} MB" for size in LINEARITY_SIZES)
    print(f"{'text':<28}{sizes}   4 MB / 1 MB")
    failed = False
    for unit in LINEARITY_UNITS:
        times = []
        for size in LINEARITY_SIZES:
            text = unit * (size // len(unit))
            times.append(_best_of(3, functools.partial(redact_text, text)))
        growth = times[2] / max(times[1], 1e-9)
        slow = times[1] > MAX_SECONDS_PER_MB or growth > MAX_GROWTH
        failed = failed or slow
        shown = "".join(f"{seconds:>12.3f}" for seconds in times)
        print(f"{unit[:26]!r:<28}{shown}   {growth:>6.1f}{'  TOO SLOW' if slow else ''}")
    return 1 if failed else 0


# -- the command ------------------------------------------------------------------------


def replay(name: str, path: Path) -> int:
    """Run one target on a saved input, without atheris; 0 when it passes."""
    data = path.read_bytes()
    print(_report_input(name, data))
    try:
        _targets()[name](data)
    except Exception:  # noqa: BLE001 -- the crash is what is being shown
        traceback.print_exc()
        return 1
    print("no crash")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="all", choices=["all", *NAMES])
    parser.add_argument("--runs", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--seed", type=int, default=1, help="libFuzzer's -seed (fixed)")
    parser.add_argument("--max-len", type=int, default=0, help="bytes per input (by target)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    parser.add_argument("--engine", default="auto", choices=["auto", "atheris", "hypothesis"])
    parser.add_argument(
        "--linearity", action="store_true", help="time redaction of growing costly texts"
    )
    parser.add_argument("--replay", nargs=2, metavar=("NAME", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=NAMES, help=argparse.SUPPRESS)
    parser.add_argument("--libfuzzer-arg", action="append", default=[], help=argparse.SUPPRESS)
    return parser


def main() -> int:
    """Fuzz the chosen targets and print a line for each; non-zero when one crashed."""
    args = _parser().parse_args()
    sys.path.insert(0, str(HERE))
    if args.worker:
        worker(args.worker, args.libfuzzer_arg)
        return 0  # not reached: atheris exits
    if args.replay:
        return replay(args.replay[0], Path(args.replay[1]))
    if args.linearity:
        return linearity()
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if _atheris_available() else "hypothesis"
    run = run_atheris if engine == "atheris" else run_hypothesis
    names = NAMES if args.target == "all" else (args.target,)
    print(f"Python {sys.version.split()[0]}, {engine}, {args.runs} runs per target\n")
    print(f"{'target':<18} {'runs':>8} {'seconds':>8} {'cov':>6} {'ft':>6}  result")
    failed = False
    for name in names:
        outcome = run(name, args)
        result = "ok" if outcome.ok else "CRASH"
        print(
            f"{name:<18} {outcome.runs:>8} {outcome.seconds:>8.1f} {outcome.cov:>6} "
            f"{outcome.features:>6}  {result}",
            flush=True,
        )
        if not outcome.ok:
            failed = True
            print(outcome.details, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
