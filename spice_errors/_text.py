"""Small rules every other module shares, written once: numbers, statuses, exceptions.

Also the one registry shape two modules use: `CopyOnWriteDict`.

This module imports nothing of the package, so every other module may use it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import FunctionType
from typing import Final, TypeGuard, TypeVar, cast

__all__ = [
    "PLAIN_NAMES",
    "RECEIVED",
    "CopyOnWriteDict",
    "LazyPattern",
    "check_callable",
    "check_seconds",
    "exception_text",
    "in_range",
    "is_error_status",
    "is_int",
    "is_int_at_least",
    "is_number",
    "next_cause",
    "show_public_path",
    "type_name",
]


RECEIVED: Final = "received"
"""The context key the readers set on an error they built from another service's answer.

`status_for` answers such an error as 502 or 504 (the caller of this server did nothing
wrong), and `to_problem` shows nothing of what was received. Being context, the mark
survives `with_context` and every wire form.
"""


def is_int(value: object) -> TypeGuard[int]:
    """An int, and not a bool (which is an int to Python, not to users)."""
    return isinstance(value, int) and not isinstance(value, bool)


_NUMBERS: Final = (int, float)  # a tuple: `int | float` would build a union every call


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or a float, and not a bool."""
    return isinstance(value, _NUMBERS) and not isinstance(value, bool)


def is_int_at_least(value: object, minimum: int) -> bool:
    """An int (not a bool) that is at least ``minimum``."""
    return is_int(value) and value >= minimum


def check_seconds(name: str, value: object) -> None:
    """Refuse a duration that is not a finite number of seconds >= 0 (a bool, NaN, inf)."""
    if not is_number(value) or not 0 <= value < float("inf"):
        msg = f"{name} must be a finite number of seconds >= 0, got {value!r}"
        raise ValueError(msg)


def in_range(status: object, low: int, high: int) -> TypeGuard[int]:
    """An int (not a bool) from ``low`` to ``high``, both included: ``in_range(s, 500, 599)``."""
    return is_int(status) and low <= status <= high


def is_error_status(status: object) -> TypeGuard[int]:
    """An HTTP status a server answers a failed request with: 4xx or 5xx."""
    return in_range(status, 400, 599)


PLAIN_NAMES: Final[dict[type, str]] = {
    cls: cls.__qualname__
    for cls in (str, int, float, bool, bytes, list, dict, tuple, set, type(None))
}
"""The builtins a value most often is, named without a look at the class."""


def type_name(obj: object, *, builtins: bool = False) -> str:
    """The qualified name of ``obj``'s class; never raises.

    ``KeyError`` for a builtin (``builtins.KeyError`` with ``builtins=True``, as the wire
    forms write it), ``httpx.ConnectError`` for anything else. A class may define
    ``__module__`` and ``__qualname__`` as anything at all: then its plain name.
    """
    cls = type(obj)
    if not builtins:
        plain = PLAIN_NAMES.get(cls)
        if plain is not None:
            return plain
    try:
        module, name = str(cls.__module__), str(cls.__qualname__)
    except Exception:  # noqa: BLE001 -- a class may define these as anything at all
        return cls.__name__
    return name if module == "builtins" and not builtins else f"{module}.{name}"


def exception_text(exc: BaseException) -> str:
    """``str(exc)`` for any exception, even one whose ``__str__`` raises."""
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 -- a broken __str__ must not break what reads it
        return f"<unprintable {type(exc).__qualname__}>"


def check_callable(where: str, value: object) -> None:
    """Refuse, with a `TypeError`, a call given something it cannot call.

    That is a bug in the call itself, not a failure of the operation. Callers on hot
    paths test only once calling has failed, so the common path pays nothing for it.
    """
    if not callable(value):
        msg = (
            f"{where} takes a function to call, got {type_name(value)}: pass the function "
            f"itself, not the result of calling it (retry(fetch), not retry(fetch()))"
        )
        raise TypeError(msg) from None


def next_cause(exc: BaseException) -> BaseException | None:
    """The next link of a chain: ``__cause__``, else ``__context__`` unless suppressed."""
    if exc.__cause__ is not None:
        return exc.__cause__
    return None if exc.__suppress_context__ else exc.__context__


class LazyPattern:
    """A regular expression compiled on its first use, then kept.

    Compiling at import would make every ``import spice_errors`` pay for patterns most
    programs never use (the three HTTP-date forms alone cost about 1.7 ms to compile).
    """

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def get(self) -> re.Pattern[str]:
        """The compiled pattern (two threads compiling it at once get equal ones)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return compiled


def show_public_path(namespace: dict[str, object], names: Iterable[str]) -> None:
    """Give each class and function named its public module, for reprs and tracebacks.

    Run by each public module (the package, ``http``) on what it re-exports from the
    private ones, so that pickles and tracebacks show the address users import.
    """
    public = str(namespace["__name__"])
    for name in names:
        obj = namespace[name]
        if isinstance(obj, type | FunctionType) and obj.__module__.startswith("spice_errors."):
            obj.__module__ = public


K = TypeVar("K")
V = TypeVar("V")


class CopyOnWriteDict(Mapping[K, V]):
    """A process-wide registry that threads read without a lock.

    Each change builds a new dict under `lock` and puts it in `current` whole, so a
    reader that takes `current` (or reads this mapping) sees the dict as it was before
    a change or after it, never half-made. A reader that stores what it worked out from
    the dict takes `lock` too, and stores it only if ``current`` is still the dict it
    read. ``on_change`` runs under the lock after every change: to drop a cache of
    answers worked out from the old dict.
    """

    __slots__ = ("_on_change", "current", "lock")

    def __init__(self, on_change: Callable[[], object] | None = None) -> None:
        self.current: dict[K, V] = {}
        self.lock = threading.Lock()
        self._on_change = on_change

    def __getitem__(self, key: K) -> V:
        return self.current[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self.current)

    def __len__(self) -> int:
        return len(self.current)

    def register(self, key: K, value: V) -> None:
        """Map ``key`` to ``value``, in place of what it was mapped to."""
        with self.lock:
            self.current = {**self.current, key: value}
            self._changed()

    def unregister(self, key: K) -> bool:
        """Forget ``key``; whether it was there."""
        with self.lock:
            if key not in self.current:
                return False
            changed = dict(self.current)
            del changed[key]
            self.current = changed
            self._changed()
            return True

    def restore(self, saved: object) -> None:
        """Put back a dict that was `current` before (tests save and restore one)."""
        with self.lock:
            self.current = cast("dict[K, V]", saved)
            self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()
