"""Checks on arguments, shared by the modules that validate what users pass in."""

from __future__ import annotations

__all__ = ["is_int_at_least", "is_number"]


def is_number(value: object) -> bool:
    """An int or a float, and not a bool (which is an int to Python, not to users)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_int_at_least(value: object, minimum: int) -> bool:
    """An int (not a bool) that is at least ``minimum``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
