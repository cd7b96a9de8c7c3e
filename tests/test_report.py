"""error.report(): a bounded, masked, human report with the whole cause chain."""

from __future__ import annotations

import spice_errors as se
from spice_errors import SpiceError


def test_three_deep_mixed_chain() -> None:
    """SpiceError -> exception -> exception, each as a "Caused by:" line, to the root."""
    root = ConnectionResetError("connection reset by peer")
    middle = OSError("read failed on https://bob:S3cr3t@h/x?token=S3cr3t")
    middle.__cause__ = root
    inner = se.RateLimitError("slow down", retry_after_ms=10)
    outer_exc = inner.to_exception()
    outer_exc.__cause__ = middle
    error = se.ExecutionError(
        "Retry exhausted after 3 attempts: slow down", graph_id="g1", cause=outer_exc
    ).with_context(api_key="S3cr3t", attempts=3)
    assert error.report().splitlines() == [
        "ExecutionError (EXECUTION_ERROR): Retry exhausted after 3 attempts: slow down",
        "  graph_id: 'g1'",
        "  context:",
        "    api_key: '***'",
        "    attempts: 3",
        "Caused by: SpiceException (RATE_LIMIT_ERROR): slow down",
        "Caused by: OSError: read failed on https://h/x?token=***",
        "Caused by: ConnectionResetError: connection reset by peer",
    ]
    assert "S3cr3t" not in error.report()


def test_implicit_context_and_user_classes() -> None:
    """Without __cause__, __context__ is followed; user classes are named in full."""

    class Boom(Exception):
        pass

    exc = Boom("outer")
    exc.__context__ = KeyError("inner")
    lines = se.UnknownError("x", cause=exc).report().splitlines()
    assert (
        lines[-2]
        == f"Caused by: {__name__}.test_implicit_context_and_user_classes.<locals>.Boom: outer"
    )
    assert lines[-1] == "Caused by: KeyError: 'inner'"


def test_suppressed_context_is_not_followed() -> None:
    """`raise ... from None` ends the chain."""
    exc = ValueError("shown")
    exc.__context__ = KeyError("hidden")
    exc.__suppress_context__ = True
    assert "hidden" not in se.UnknownError("x", cause=exc).report()


def test_cyclic_chain() -> None:
    """A chain that loops is reported once, then marked."""
    first, second = ValueError("first"), ValueError("second")
    first.__cause__, second.__cause__ = second, first
    lines = se.UnknownError("x", cause=first).report().splitlines()
    assert lines[-3:] == [
        "Caused by: ValueError: first",
        "Caused by: ValueError: second",
        "Caused by: ... (the chain loops back here)",
    ]


def test_ten_thousand_deep_chain() -> None:
    """A 10 000-deep chain shows 32 causes and counts the rest."""
    head: BaseException | None = None
    for index in range(10_000):
        exc = RuntimeError(f"level {index}")
        exc.__cause__ = head
        head = exc
    lines = se.UnknownError("deep", cause=head).report().splitlines()
    assert 1 + 32 + 1 == len(lines)
    assert "Caused by: RuntimeError: level 9999" == lines[1]
    assert "Caused by: ... and 9968 more" == lines[-1]


def test_bounded_lines_and_context() -> None:
    """Huge messages are clipped, huge contexts cut, broken __str__ survived."""

    class Broken(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    error = se.UnknownError("m" * 5_000, cause=Broken()).with_context(
        {f"k{i}": i for i in range(60)}
    )
    report = error.report()
    assert "... (5000 characters)" in report.splitlines()[0]
    assert "    ... and 10 more" in report
    name = Broken.__qualname__
    assert report.endswith(f"{Broken.__module__}.{name}: <unprintable {name}>")
    assert len(report) < 10_000


def test_empty_message_and_no_extras() -> None:
    """An error with nothing but a message is one line."""
    assert "UnknownError (UNKNOWN_ERROR): x" == se.UnknownError("x").report()
    assert "Caused by: builtins_check" not in SpiceError.tool_lookup_error("x").report()
    assert "ValueError" == se.UnknownError("x", cause=ValueError()).report().split("Caused by: ")[1]
