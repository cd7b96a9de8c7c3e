"""HTTP: what a server answered as an error, the status to answer with, RFC 9457 problems.

Everything here is pure: no HTTP client library is needed, and nothing raises on
what a server sends. Headers may be given as a mapping (any case) or as pairs, with
repeated names.

.. versionadded:: 0.1.0
"""

from spice_errors._problems import from_problem, status_for, to_problem
from spice_errors._response import PROBLEM_JSON_MEDIA_TYPE, Headers, from_response
from spice_errors._text import show_public_path
from spice_errors._waits import parse_retry_after

__all__ = [
    "PROBLEM_JSON_MEDIA_TYPE",
    "Headers",
    "from_problem",
    "from_response",
    "parse_retry_after",
    "status_for",
    "to_problem",
]


show_public_path(globals(), __all__)
del show_public_path
