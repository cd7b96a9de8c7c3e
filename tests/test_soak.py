"""The soak in CI size: no leak and no reference cycle on the library's hot paths.

`benchmarks/soak.py` runs a million iterations by hand; these tests run each of its
steps a few thousand times, and prove that the soak would see a leak or a cycle.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

# benchmarks/ holds scripts, not a package: the soak is imported as the script it is.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import soak

# Far above the noise (up to about 20 kB, from pickle's and the library's caches), far
# below what keeping one small object per iteration would leak in these many iterations.
LIMIT = 128_000
ITERATIONS = {"values": 3_000, "async": 5_000}
STEPS = list(soak.STEPS)


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    """Whatever a soak does, the collector and tracemalloc are as they were after it."""
    before = gc.isenabled(), gc.get_debug(), tracemalloc.is_tracing(), len(gc.garbage)
    yield
    assert before == (gc.isenabled(), gc.get_debug(), tracemalloc.is_tracing(), len(gc.garbage))


def run(names: list[str], iterations: int, *, warmup: int = 1_000) -> soak.SoakReport:
    with soak.workload(names) as step:
        return soak.soak(iterations, step, warmup=warmup, limit_bytes=LIMIT)


@pytest.mark.parametrize("name", STEPS)
def test_hot_paths_neither_leak_nor_cycle(name: str) -> None:
    """Each step, thousands of times: memory back to the baseline, nothing for the collector."""
    report = run([name], ITERATIONS.get(name, 10_000))
    assert report.growth <= LIMIT, "\n".join(report.lines())
    assert 0 == report.collectable, "\n".join(report.lines())
    assert report.passed


@pytest.mark.parametrize(
    ("name", "frame"),
    [
        ("retry-raising", "frame of retry"),
        ("breaker-raising", "frame of CircuitBreaker.call"),
        ("breaker-raising-async", "frame of CircuitBreaker.call_async"),
    ],
)
def test_library_catching_paths_make_no_cycles(name: str, frame: str) -> None:
    """Retries and breakers over operations that raise leave nothing for the collector.

    The raised exception is kept as the error's cause, traceback and all; the traceback
    reaches the frames of retry and CircuitBreaker.call (through f_back), which must not
    hold the failure when they return, or every call leaves a reference cycle.
    """
    report = run([name], 2_000, warmup=200)
    assert frame not in report.cycled, "\n".join(report.lines())
    assert 0 == report.collectable, "\n".join(report.lines())


_kept: list[object] = []


def test_a_leak_is_reported() -> None:
    """An iteration that keeps one small object fails the soak, on memory alone."""

    def leaking(index: int) -> None:
        _kept.append(str(index))

    try:
        report = soak.soak(10_000, leaking, warmup=100, limit_bytes=LIMIT)
    finally:
        _kept.clear()
    assert report.growth > LIMIT
    assert report.leaked
    assert 0 == report.collectable
    assert not report.passed
    assert "result:      FAIL" in report.lines()


class _Node:
    """An object that points at itself."""

    def __init__(self) -> None:
        self.me = self


def test_a_cycle_is_reported_by_type() -> None:
    """An iteration that drops a cycle fails the soak, which names what cycled."""
    report = soak.soak(1_000, lambda index: _Node(), warmup=10, chunk=300)
    assert 1_000 <= report.collectable
    assert 1_000 == report.cycled[f"{__name__}._Node"]
    assert not report.leaked
    assert not report.passed
    assert any(line.endswith(f"{__name__}._Node") for line in report.lines())


def test_cycles_through_frames_name_the_function() -> None:
    """A frame in a cycle is named by the function it ran."""

    def keep_own_frame(index: int) -> None:
        caught: ValueError | None = None
        try:
            int(f"not a number {index}")
        except ValueError as exc:
            caught = exc  # the traceback holds this frame, whose local holds the exception
        assert caught is not None

    report = soak.soak(100, keep_own_frame, warmup=10)
    assert 100 == report.cycled[f"frame of {keep_own_frame.__qualname__}"]
    assert not report.passed


def test_main_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """The script's main: the figures, and exit status 0 when it passes."""
    assert 0 == soak.main(["--iterations", "300", "--warmup", "50", "--only", "values", "retry"])
    out = capsys.readouterr().out
    assert "steps:       values, retry" in out
    for label in ("iterations:  300", "time:", "memory:", "growth:", "peak:", "gc:          0 "):
        assert label in out
    assert out.endswith("result:      PASS\n")


def test_main_fails_on_a_cycle(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The script's main exits 1 and prints what cycled."""
    monkeypatch.setitem(soak.STEPS, "cycling", lambda index: _Node())
    assert 1 == soak.main(["--iterations", "100", "--warmup", "10", "--only", "cycling"])
    out = capsys.readouterr().out
    assert f"100  {__name__}._Node" in out
    assert out.endswith("result:      FAIL\n")
