"""What the integrations share: one retry decision for an exception or a failure."""

from __future__ import annotations

from spice_errors._classify import RetryClassifier, RetryDecision, proves_never_sent
from spice_errors._errors import SpiceError
from spice_errors._from_exception import from_exception

__all__ = ["decide"]

_NO = RetryDecision(should_retry=False, reason="not a failure")


def decide(
    outcome: BaseException | SpiceError | None,
    classifier: RetryClassifier,
    *,
    idempotent: bool,
) -> RetryDecision:
    """The classifier's decision on an exception (mapped first) or an error.

    Under ``idempotent=False`` only failures that prove the request never left (context
    ``phase="connect"``) are retried, as `spice_errors.retry` does.
    """
    if outcome is None:
        return _NO
    error = outcome if isinstance(outcome, SpiceError) else from_exception(outcome)
    decision = classifier.classify(error)
    if decision.should_retry and not idempotent and not proves_never_sent(error):
        return RetryDecision(
            should_retry=False, reason="not idempotent, and the request may have arrived"
        )
    return decision
