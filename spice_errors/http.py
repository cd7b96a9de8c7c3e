"""HTTP: what a server answered as an error; answering as a server: statuses, RFC 9457 problems.

The readers are pure: no HTTP client library is needed, and nothing raises on what a
server sends. Headers may be given as a mapping (any case) or as pairs, with repeated
names. `RetryTransport` and `AsyncRetryTransport` bring the library's retry decisions
into any ``httpx`` or ``httpx2`` client (and the SDKs built on them), and `result_of`,
`call` and `call_async` turn a client's response into a result.

.. versionadded:: 0.1.0
"""

from spice_errors._problems import (
    ProblemType,
    from_problem,
    register_problem_type,
    status_for,
    to_problem,
    unregister_problem_type,
)
from spice_errors._response import PROBLEM_JSON_MEDIA_TYPE, Headers, from_response
from spice_errors._text import show_public_path
from spice_errors._transport import AsyncRetryTransport, RetryTransport, call, call_async, result_of
from spice_errors._waits import parse_retry_after

__all__ = [
    "PROBLEM_JSON_MEDIA_TYPE",
    "AsyncRetryTransport",
    "Headers",
    "ProblemType",
    "RetryTransport",
    "call",
    "call_async",
    "from_problem",
    "from_response",
    "parse_retry_after",
    "register_problem_type",
    "result_of",
    "status_for",
    "to_problem",
    "unregister_problem_type",
]


show_public_path(globals(), __all__)
del show_public_path
