"""The process-wide testing switch: retries that never sleep, in tests.

Shaped like stamina's: `set_testing` switches waiting off (and may cap the attempts),
and returns a handle that, used as a context manager, puts back what was in force.
`retry_testing` is the older name, kept as an alias.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Self

from spice_errors._text import is_int_at_least

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["STATE", "TestingSetting", "is_testing", "retry_testing", "set_testing"]


class _Testing:
    """The process-wide testing switch. Internal state: a plain class, cheap to import.

    ``enabled`` and ``attempts`` are what is in force, read by the retry loop without a
    lock. They come from the innermost open ``with set_testing(...)`` block, in any
    thread or task (``blocks``, in the order they were entered), else from the last
    plain call (``base``).
    """

    __slots__ = ("attempts", "base", "blocks", "enabled")

    def __init__(self) -> None:
        self.enabled = False
        self.attempts: int | None = None
        self.base: tuple[bool, int | None] = (False, None)
        self.blocks: list[TestingSetting] = []

    def apply(self) -> None:
        """Put in force what the open blocks, or the base setting, say (under the lock)."""
        self.enabled, self.attempts = self.blocks[-1].setting if self.blocks else self.base


STATE = _Testing()
"""What is in force now; the retry loop, the transport and the recovery helpers read it."""
_lock = threading.Lock()


class TestingSetting:
    """What `set_testing` returns: in force already, and a context manager that undoes it.

    As a ``with`` block, it is in force while it is the innermost open block, in any
    thread or task; leaving the last open block puts back what plain calls set. Blocks
    in several threads may overlap in any order: leaving one never switches off another
    that is still open.
    """

    __test__ = False  # not a test case, whatever pytest thinks of the name

    def __init__(self, enabled: bool, attempts: int | None) -> None:  # noqa: FBT001 -- internal
        if attempts is not None and not is_int_at_least(attempts, 1):
            msg = f"attempts must be an int >= 1 or None, got {attempts!r}"
            raise ValueError(msg)
        self.setting = (enabled, attempts)
        with _lock:
            self._previous = STATE.base
            STATE.base = self.setting
            STATE.apply()

    def __enter__(self) -> Self:
        with _lock:
            # A block, not a plain call after all: its setting lasts only while it is open.
            STATE.base = self._previous
            STATE.blocks.append(self)
            STATE.apply()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with _lock:
            if self in STATE.blocks:
                STATE.blocks.remove(self)
            else:  # a plain call undone by hand: put back the setting it replaced
                STATE.base = self._previous
            STATE.apply()


def set_testing(testing: bool, /, *, attempts: int | None = None) -> TestingSetting:  # noqa: FBT001 -- stamina's shape: set_testing(True)
    """Switch retry waits off (``True``) or on again (``False``) process-wide, for tests.

    While on, the retry loop, the HTTP transport and `recover_rate_limit` never sleep
    (waits are still computed, reported to hooks and counted), and ``attempts``, when
    given, replaces every policy's ``max_attempts``. What it returns can be used as a
    context manager, which puts back the previous setting when it ends.

    Examples:
        >>> with set_testing(True, attempts=2):
        ...     calls = []
        ...     result = retry(lambda: calls.append(1) or Failure(SpiceError.timeout_error("slow")))
        >>> len(calls), result.error_or_none().context["retries_exhausted"]
        (2, True)
        >>> is_testing()
        False

    Raises:
        ValueError: When ``attempts`` is not an int >= 1 or ``None``.

    .. versionadded:: 0.2.0
    """
    return TestingSetting(testing, attempts)


def is_testing() -> bool:
    """Whether retry waits are switched off now (see `set_testing`).

    .. versionadded:: 0.2.0
    """
    return STATE.enabled


def retry_testing(enabled: bool = True, *, attempts: int | None = None) -> TestingSetting:  # noqa: FBT001, FBT002 -- reads as retry_testing(False)
    """The older name of `set_testing`, with ``enabled=True`` by default.

    .. versionadded:: 0.1.0
    """
    return TestingSetting(enabled, attempts)
