"""Use the library's classifier and server waits with stamina.

Examples:
    >>> import stamina
    >>> from spice_errors.integrations.stamina import retry_on
    >>> @stamina.retry(on=retry_on(), attempts=3)
    ... def fetch() -> str:
    ...     return "ok"
    >>> fetch()
    'ok'

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable

from spice_errors._classify import RetryClassifier
from spice_errors._text import check_seconds
from spice_errors.integrations._decide import decide

__all__ = ["retry_on"]


def retry_on(
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    *,
    idempotent: bool = True,
    max_retry_after: float = 60.0,
    max_delay: float | None = None,
) -> Callable[[Exception], bool | float]:
    """A predicate for ``stamina.retry(on=...)`` that knows which failures to retry.

    Each exception is mapped with `from_exception` (a `SpiceException` gives its
    error) and classified, as `spice_errors.retry` does. When the error carries the
    server's wait (a ``Retry-After``), the predicate returns it in seconds, and stamina
    waits exactly that instead of its own backoff; a wait longer than
    ``max_retry_after`` stops retrying instead, as `retry` does. A body can never make
    a write worth repeating: under ``idempotent=False`` only failures the library's own
    mapping of client exceptions marks ``phase="connect"`` are retried.

    Args:
        classifier: Which errors are worth retrying.
        idempotent: ``False`` to retry only failures that prove the request never left.
        max_retry_after: The longest server wait worth waiting, in seconds.
        max_delay: Kotlin's behaviour instead: cap a server's wait to this many seconds
            (sooner than the server asked) and never stop on a long one.

    Raises:
        ValueError: When ``max_retry_after`` or ``max_delay`` is negative or not finite.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 A server's wait beyond ``max_retry_after`` stops retrying.
    """
    check_seconds("max_retry_after", max_retry_after)
    if max_delay is not None:
        check_seconds("max_delay", max_delay)

    def on(exc: Exception) -> bool | float:
        decision = decide(exc, classifier, idempotent=idempotent)
        if not decision.should_retry:
            return False
        wait = decision.suggested_delay
        if wait is None:
            return True
        if max_delay is not None:
            return min(wait, max_delay)
        return wait if wait <= max_retry_after else False

    return on
