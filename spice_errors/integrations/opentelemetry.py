"""Record errors on OpenTelemetry spans.

``error.type`` is set to the error's code (OpenTelemetry's semantic convention), the
span's status to error with the masked message, and an ``exception`` event carries the
type, message and masked context.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spice_errors._redact import redact_mapping, redact_text

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from spice_errors._errors import SpiceError

__all__ = ["record_error"]


def _attribute(value: object) -> str | bool | int | float:
    return value if isinstance(value, str | bool | int | float) else repr(value)


def record_error(span: Span, error: SpiceError) -> None:
    """Mark ``span`` as failed with ``error``: ``error.type``, status, an exception event.

    .. versionadded:: 0.1.0
    """
    from opentelemetry.trace import Status, StatusCode

    message = redact_text(error.message)
    span.set_attribute("error.type", error.code)
    span.set_status(Status(StatusCode.ERROR, message))
    attributes: dict[str, str | bool | int | float] = {
        "exception.type": f"spice_errors.{type(error).__name__}",
        "exception.message": message,
    }
    for key, value in redact_mapping(error.context).items():
        attributes[f"spice_errors.context.{key}"] = _attribute(value)
    span.add_event("exception", attributes)
