"""Small rules every other module shares, written once: numbers, statuses, exceptions.

This module imports nothing of the package, so every other module may use it.
"""

from __future__ import annotations

from typing import TypeGuard

__all__ = [
    "exception_text",
    "in_range",
    "is_error_status",
    "is_int",
    "is_int_at_least",
    "is_number",
    "next_cause",
    "type_name",
]


def is_int(value: object) -> TypeGuard[int]:
    """An int, and not a bool (which is an int to Python, not to users)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """An int or a float, and not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_int_at_least(value: object, minimum: int) -> bool:
    """An int (not a bool) that is at least ``minimum``."""
    return is_int(value) and value >= minimum


def in_range(status: object, low: int, high: int) -> TypeGuard[int]:
    """An int (not a bool) from ``low`` to ``high``, both included: ``in_range(s, 500, 599)``."""
    return is_int(status) and low <= status <= high


def is_error_status(status: object) -> TypeGuard[int]:
    """An HTTP status a server answers a failed request with: 4xx or 5xx."""
    return in_range(status, 400, 599)


def type_name(obj: object) -> str:
    """The qualified name of ``obj``'s class, without ``builtins.``; never raises.

    ``KeyError`` for a builtin, ``httpx.ConnectError`` for anything else. A class may
    define ``__module__`` and ``__qualname__`` as anything at all: then its plain name.
    """
    cls = type(obj)
    try:
        module, name = str(cls.__module__), str(cls.__qualname__)
    except Exception:  # noqa: BLE001 -- a class may define these as anything at all
        return cls.__name__
    return name if module == "builtins" else f"{module}.{name}"


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
