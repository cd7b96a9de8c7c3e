"""Log errors with the standard library's `logging`, as structured, masked fields.

Examples:
    >>> import logging
    >>> from spice_errors.integrations.logging import error_fields
    >>> error = SpiceError.network_error("Upstream failed", 503).with_context(token="t-1")
    >>> error_fields(error)["error_context"]
    {'token': '***'}

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import logging

from spice_errors._errors import SpiceError
from spice_errors._fields import problem_member, typed_fields
from spice_errors._redact import redact_mapping, redact_text

__all__ = ["error_fields", "log_error"]


def error_fields(error: SpiceError) -> dict[str, object]:
    """An error as ``extra`` fields for a log record, secrets masked.

    The keys are prefixed with ``error_`` so that they never clash with the record's
    own attributes (``message``, ``args``...): ``error_code``, ``error_type``,
    ``error_message``, ``error_fields`` (the typed fields that are set) and
    ``error_context``.

    .. versionadded:: 0.1.0
    """
    return {
        "error_code": error.code,
        "error_type": type(error).__name__,
        "error_message": redact_text(error.message),
        "error_fields": typed_fields(error, redact=True, inner=problem_member),
        "error_context": redact_mapping(error.context),
    }


def log_error(
    logger: logging.Logger,
    error: SpiceError,
    *,
    level: int = logging.ERROR,
    message: str | None = None,
) -> None:
    """Log ``error`` on ``logger``: one line, with its code and masked context as fields.

    The line is ``message`` (by default the error's ``str``, ``CODE: message``); the
    fields of `error_fields` go in the record's ``extra``, for structured handlers.

    .. versionadded:: 0.1.0
    """
    logger.log(level, message if message is not None else str(error), extra=error_fields(error))
