"""A structlog processor that renders errors in event dicts, secrets masked.

Examples:
    >>> from spice_errors.integrations.structlog import render_errors
    >>> event = {"event": "failed", "error": SpiceError.timeout_error("slow")}
    >>> render_errors(None, "error", event)["error"]["error_code"]
    'TIMEOUT_ERROR'

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import MutableMapping

from spice_errors._errors import SpiceError, SpiceException
from spice_errors.integrations.logging import error_fields

__all__ = ["render_errors"]


def render_errors(
    _logger: object, _method_name: str, event_dict: MutableMapping[str, object]
) -> MutableMapping[str, object]:
    """Replace every `SpiceError` or `SpiceException` value by its masked fields.

    Put it before the renderer in structlog's processor chain. An ``exc_info`` that is a
    `SpiceException` is left for structlog to format, and its error's fields are added
    under ``"error"`` when that key is free.

    .. versionadded:: 0.1.0
    """
    for key, value in list(event_dict.items()):
        if key == "exc_info":
            continue  # left for structlog's own exception formatting
        if isinstance(value, SpiceError):
            event_dict[key] = error_fields(value)
        elif isinstance(value, SpiceException):
            event_dict[key] = error_fields(value.error)
    exc_info = event_dict.get("exc_info")
    if isinstance(exc_info, SpiceException) and "error" not in event_dict:
        event_dict["error"] = error_fields(exc_info.error)
    return event_dict
