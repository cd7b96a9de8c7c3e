"""Exceptions as text and as chains: shared by mapping, serialization and reports."""

from __future__ import annotations

__all__ = ["exception_text", "next_cause"]


def exception_text(exc: BaseException) -> str:
    """``str(exc)`` for any exception, even one whose ``__str__`` raises."""
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 -- a broken __str__ must not break what reads it
        return f"<unprintable {type(exc).__qualname__}>"


def next_cause(exc: BaseException) -> BaseException | None:
    """The next link of a chain: ``__cause__``, else ``__context__`` unless suppressed."""
    if exc.__cause__ is not None:
        return exc.__cause__
    return None if exc.__suppress_context__ else exc.__context__
