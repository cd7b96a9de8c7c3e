"""Use the library's classifier and server waits with tenacity.

``retry=retry_if_retryable()`` decides on exceptions and on returned failures alike;
``wait=wait_server_or(fallback)`` waits what the server asked for, else the fallback.

Examples:
    >>> import tenacity
    >>> from spice_errors.integrations.tenacity import retry_if_retryable, wait_server_or
    >>> @tenacity.retry(
    ...     retry=retry_if_retryable(),
    ...     wait=wait_server_or(tenacity.wait_none()),
    ...     stop=tenacity.stop_after_attempt(3),
    ... )
    ... def fetch() -> str:
    ...     return "ok"
    >>> fetch()
    'ok'

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from spice_errors._classify import RetryClassifier
from spice_errors._errors import SpiceError
from spice_errors._result import Failure
from spice_errors._text import check_seconds
from spice_errors.integrations._decide import decide

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = ["retry_if_retryable", "wait_server_or"]


def _outcome(state: RetryCallState) -> BaseException | SpiceError | None:
    """The attempt's exception, or the error of a `Failure` it returned, or None."""
    outcome = state.outcome
    if outcome is None:
        return None
    exc = outcome.exception()
    if exc is not None:
        return exc
    result: object = outcome.result()
    return cast("Failure[SpiceError]", result).error if isinstance(result, Failure) else None


def retry_if_retryable(
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    *,
    idempotent: bool = True,
    max_retry_after: float | None = 60.0,
) -> Callable[[RetryCallState], bool]:
    """A ``retry=`` predicate for tenacity that uses the library's classifier.

    It retries an attempt that raised an exception worth retrying (mapped with
    `from_exception`) or returned a `Failure` worth retrying; a success, or any
    other value, ends the retrying. A failure whose server wait is longer than
    ``max_retry_after`` seconds ends it too, as `spice_errors.retry` does (``None``:
    any wait is worth waiting, for a ``wait_server_or(max_delay=...)`` that caps it).

    Raises:
        ValueError: When ``max_retry_after`` is negative or not finite.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``max_retry_after``.
    """
    if max_retry_after is not None:
        check_seconds("max_retry_after", max_retry_after)

    def retry(state: RetryCallState) -> bool:
        decision = decide(_outcome(state), classifier, idempotent=idempotent)
        if not decision.should_retry:
            return False
        wait = decision.suggested_delay
        return max_retry_after is None or wait is None or wait <= max_retry_after

    return retry


def wait_server_or(
    fallback: Callable[[RetryCallState], float],
    *,
    max_delay: float | None = None,
) -> Callable[[RetryCallState], float]:
    """A ``wait=`` strategy: the server's wait when the failure carries one, else ``fallback``.

    The server's wait is waited exactly, never shortened (pair it with
    `retry_if_retryable`, which stops on a wait longer than its ``max_retry_after``).

    Args:
        fallback: Any tenacity wait, such as ``tenacity.wait_exponential()``.
        max_delay: Kotlin's behaviour instead: cap a server's wait to this many seconds,
            sooner than the server asked. ``None`` honours the wait.

    Raises:
        ValueError: When ``max_delay`` is negative or not finite.

    .. versionadded:: 0.1.0
    """
    if max_delay is not None:
        check_seconds("max_delay", max_delay)

    def wait(state: RetryCallState) -> float:
        asked = decide(
            _outcome(state), RetryClassifier.ALWAYS_RETRY, idempotent=True
        ).suggested_delay
        if asked is None:
            return fallback(state)
        return asked if max_delay is None else min(asked, max_delay)

    return wait
