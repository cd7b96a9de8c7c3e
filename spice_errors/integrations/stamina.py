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
from spice_errors.integrations._decide import decide

__all__ = ["retry_on"]


def retry_on(
    classifier: RetryClassifier = RetryClassifier.DEFAULT,
    *,
    idempotent: bool = True,
    max_delay: float | None = None,
) -> Callable[[Exception], bool | float]:
    """A predicate for ``stamina.retry(on=...)`` that knows which failures to retry.

    Each exception is mapped with `from_exception` (a `SpiceException` gives its
    error) and classified. When the error carries the server's wait (a
    ``Retry-After``), the predicate returns it in seconds, and stamina waits exactly
    that instead of its own backoff.

    Args:
        classifier: Which errors are worth retrying.
        idempotent: ``False`` to retry only failures that prove the request never left.
        max_delay: The longest server wait to honour, in seconds; longer ones are
            capped to it. ``None`` honours any wait.

    .. versionadded:: 0.1.0
    """

    def on(exc: Exception) -> bool | float:
        decision = decide(exc, classifier, idempotent=idempotent)
        if not decision.should_retry:
            return False
        wait = decision.suggested_delay
        if wait is None:
            return True
        return wait if max_delay is None else min(wait, max_delay)

    return on
