"""HTTP: what a server answered as an error, the status to answer with, RFC 9457 problems.

Everything here is pure: no HTTP client library is needed, and nothing raises on
what a server sends. Headers may be given as a mapping (any case) or as pairs, with
repeated names.

.. versionadded:: 0.1.0
"""

from spice_errors._problems import from_problem, status_for, to_problem
from spice_errors._response import (
    PROBLEM_JSON_MEDIA_TYPE,
    Headers,
    from_response,
    parse_retry_after,
)

__all__ = [
    "PROBLEM_JSON_MEDIA_TYPE",
    "Headers",
    "from_problem",
    "from_response",
    "parse_retry_after",
    "status_for",
    "to_problem",
]


def _show_public_path() -> None:
    """Show ``spice_errors.http`` in reprs and tracebacks, not the private modules."""
    for name in ("from_problem", "from_response", "parse_retry_after", "status_for", "to_problem"):
        globals()[name].__module__ = __name__


_show_public_path()
del _show_public_path
