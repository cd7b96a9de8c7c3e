"""Fuzz targets for the parsers: bytes in, each parser's promise checked, nothing out.

Each ``target_<name>(data)`` decodes ``data`` into arguments for one parser, calls it
and checks what its docstring promises. A target returns ``None`` or raises: either the
exception the parser let escape, or `BrokenPromiseError` for a value it should not have
returned. ``benchmarks/fuzz.py`` runs them under atheris (or Hypothesis without it), and
``tests/test_fuzz.py`` runs them in the test suite.

Bytes are read by `Provider`, a small reader of our own rather than atheris'
``FuzzedDataProvider``: an input means the same with and without atheris, so a crash the
fuzzer finds replays as it is in a test (see `describe`).

Beyond the parsers' own promises, a value they return must be usable as every error
is: ``repr``, ``str``, `report`, `to_json` (and read back by `error_from_json`) and
`to_problem` (ready for ``json.dumps``) must all work on it.

``vendor_body`` builds the error answers real APIs send (SPEC section 5), seeded from
every answer in ``tests/data/vendor_answers.json``; ``wait_headers`` reads header values
with each reader of ``spice_errors._waits``.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
import reprlib
import struct
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import attrs

import spice_errors as se
from spice_errors._errors import ALL_TYPES as _ALL_TYPES
from spice_errors._redact import redact_text, redact_url
from spice_errors._response import read_response
from spice_errors._serialization import result_to_json
from spice_errors._vendors import CODES as _VENDOR_TABLE
from spice_errors._vendors import GENERIC as _GENERIC
from spice_errors._waits import (
    duration_seconds,
    header_text,
    milliseconds_header,
    rate_limit,
    reset_seconds,
)
from spice_errors.http import from_problem, from_response, parse_retry_after, to_problem
from spice_errors.jsonrpc import _from_error as read_jsonrpc_error
from spice_errors.mcp import _from_tool_result as read_tool_result

__all__ = [
    "REAL_JSONRPC_ERRORS",
    "REAL_TOOL_RESULTS",
    "TARGETS",
    "AgentInput",
    "BrokenPromiseError",
    "ProblemInput",
    "Provider",
    "RedactionInput",
    "ResponseInput",
    "RetryAfterInput",
    "VendorInput",
    "WaitInput",
    "check_error_from_json",
    "check_from_problem",
    "check_from_response",
    "check_jsonrpc_error",
    "check_parse_retry_after",
    "check_redaction",
    "check_result_from_json",
    "check_tool_result",
    "check_vendor_body",
    "check_wait_headers",
    "decode_from_problem",
    "decode_from_response",
    "decode_jsonrpc_error",
    "decode_parse_retry_after",
    "decode_redaction",
    "decode_tool_result",
    "decode_vendor_body",
    "decode_wait_headers",
    "describe",
    "mutate_bytes",
    "mutate_json",
    "response_seed",
    "seeds",
    "target_error_from_json",
    "target_from_problem",
    "target_from_response",
    "target_jsonrpc_error",
    "target_parse_retry_after",
    "target_redaction",
    "target_result_from_json",
    "target_tool_result",
    "target_vendor_body",
    "target_wait_headers",
    "vendor_seed",
]

T = TypeVar("T")

MAX_RETRY_AFTER = 2**31
"""The longest wait `parse_retry_after` returns, in seconds."""

MAX_WAIT_MS = 2**31 * 1000
"""The longest wait `from_response` may report, in milliseconds."""

SECRET = "pl4nted-s3kr1t-QzW9"  # noqa: S105 -- made up, planted to be masked
"""Planted in URLs as ``api_key=``, in messages as ``token=``: no rendering may show it."""

# -- what vendors send (SPEC section 5; spice_errors/_vendors.py, _waits.py) -------------

VENDOR_CODES = (
    *_VENDOR_TABLE,
    *sorted(_GENERIC),
    # codes and types outside the table: the status decides
    "invalid_grant", "invalid_client", "card_declined", "resource_missing", "tokens",
    "idempotency_error", "not_found_error", "overloaded_error", "ResourceNotFoundException",
    "ValidationException", "SERVICE_DISABLED", "INVALID_ARGUMENT", "accessNotConfigured",
    "GRAPHQL_VALIDATION_FAILED", "NotFound",
)  # fmt: skip
VENDOR_MEMBERS = (
    "error", "errors", "message", "Message", "type", "code", "status", "param", "details",
    "@type", "reason", "domain", "metadata", "retryDelay", "links", "url", "error_description",
    "error_uri", "documentation_url", "doc_url", "request_id", "requestId", "__type",
    "extensions", "locations", "source", "pointer", "data",
)  # fmt: skip
VENDOR_MESSAGES = (
    "Rate limit reached for gpt-4 in organization org-x on tokens per min. Limit: 10000 / min.",
    "You exceeded your current quota, please check your plan and billing details.",
    "API rate limit exceeded for 203.0.113.7.",
    "You have exceeded a secondary rate limit.",
    "Quota exceeded for quota metric 'Generate Content API requests per minute'.",
    "Number of requests exceeds limit",
    "Please reduce your prompt; or completion length.",
    "The security token included in the request is invalid.",
    "Overloaded",
    "",
    " ",
    "line one\nline two",
)
VENDOR_HEADER_NAMES = (
    "retry-after-ms", "x-ms-retry-after-ms", "ratelimit", "ratelimit-policy",
    "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "x-ratelimit-limit",
    "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
    "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining",
    "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset",
    "x-should-retry", "stripe-should-retry", "x-amzn-errortype", "x-amzn-requestid",
    "x-amz-request-id", "x-github-request-id",
)  # fmt: skip
VENDOR_HEADER_VALUES = (
    "6m0s", "1s", "20ms", "1.5s", "1h2m3s", "0s", "57s", "2024-05-01T12:00:30Z",
    "2024-05-01T12:00:30.123+02:00", "1714564830", "1714564830.5", "9999999999999", "true",
    "false", " False ", "0", "60", "150000", '"default";r=0;t=30', '"default";q=100;w=60',
    "limit=100, remaining=0, reset=30", "com.amazonaws.dynamodb.v20120810#ThrottlingException",
    "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/",
    "1" * 400, "2147483648001", "PT5S", f"https://h.example/next?token={SECRET}",
)  # fmt: skip

COMMON_STATUSES = (
    200, 204, 301, 302, 304, 307, 400, 401, 403, 404, 409, 418, 422, 429,
    500, 501, 502, 503, 504, 599,
)  # fmt: skip
EDGE_STATUSES = (0, -1, 99, 100, 199, 299, 300, 399, 499, 600, 999, 2**31, -(2**63), 2**64)
HEADER_NAMES = (
    "content-type", "retry-after", "date", "location", "x-request-id", "request-id",
    "x-correlation-id", "authorization", "set-cookie", "x-api-key", *VENDOR_HEADER_NAMES,
)  # fmt: skip
HEADER_VALUES = (
    "application/problem+json", "application/json", "text/html; charset=utf-8", "0", "3",
    "1.5", "2147483648", "-1", "Wed, 21 Oct 2015 07:28:00 GMT",
    "Wednesday, 21-Oct-15 07:28:00 GMT", "Wed Oct 21 07:28:00 2015", "soon",
    "https://user:pw@example.com/login?token=abc#access_token=x", "req-1", "",
    *VENDOR_HEADER_VALUES,
)  # fmt: skip
METHODS = ("GET", "post", "DELETE", "", "get\x00")
URLS = (
    "https://api.example.com/v1/items?api_key=secret&page=2",
    "https://user:pw@host/x#token=abc",
    "/relative?code=1",
    "not a url",
    "",
)
WORDS = (
    # problem members and extensions the reader looks at
    "type", "title", "status", "detail", "instance", "code", "retry_after",
    # typed fields of the error classes
    "status_code", "endpoint", "retry_after_ms", "limit_type", "timeout_ms", "operation",
    "retry_hint", "max_attempts", "skip_retry", "reason", "available_tools",
    "available_targets", "tool_name", "namespace", "comm", "actual_value", "field",
    "expected_type", "format", "checkpoint_id", "engine_id", "result_id", "node_id",
    "agent_id", "graph_id", "error_code", "provider", "http_status", "api_key",
    # codes and type URIs
    *(cls.code for cls in _ALL_TYPES),
    "urn:spice-errors:rate_limit_error", "https://x.example/errors/timeout_error/",
    "about:blank", "#auth_error", "",
    # text with secrets and URLs in it
    "see https://u:p@h/x?token=t", "token=abc", "://", "\x00", "\ud800",
    # what vendors write
    *VENDOR_MEMBERS, *VENDOR_CODES, "error_reasons", "should_retry", "rate_limit",
)  # fmt: skip
FLOATS = (math.nan, math.inf, -math.inf, -0.0, 0.5, 1e308, 5e-324, 2.0**31, -1.5)


class BrokenPromiseError(AssertionError):
    """A parser returned a value its docstring rules out."""


def _broken(message: str) -> NoReturn:
    raise BrokenPromiseError(message)


# -- reading bytes --------------------------------------------------------------------------


class Provider:
    """Reads choices, numbers and chunks from the front of fuzz data; zeros once it runs out."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def byte(self) -> int:
        """The next byte, or 0 when the data is used up."""
        if self._at >= len(self._data):
            return 0
        value = self._data[self._at]
        self._at += 1
        return value

    def below(self, n: int) -> int:
        """A number in ``range(n)``: from one byte, or from two when ``n`` is over 256."""
        value = self.byte()
        if n > 256:
            value = value << 8 | self.byte()
        return value % n

    def pick(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return options[self.below(len(options))]

    def chunk(self, limit: int = 64) -> bytes:
        """Up to ``limit`` bytes, the length read first."""
        size = self.below(limit + 1)
        start = self._at
        self._at = min(len(self._data), start + size)
        return self._data[start : self._at]

    def text(self, limit: int = 64) -> str:
        """A chunk as text; bytes that are not UTF-8 become lone surrogates."""
        return self.chunk(limit).decode("utf-8", "surrogateescape")

    def rest(self) -> bytes:
        """Everything not read yet."""
        rest = self._data[self._at :]
        self._at = len(self._data)
        return rest


def _huge_int(p: Provider) -> int:
    """A power of ten with up to 5,000 digits, either sign, off by a little."""
    value = int(10 ** p.below(5000)) + p.byte()
    return -value if p.byte() % 2 else value


def _float(p: Provider) -> float:
    if p.byte() % 2:
        return p.pick(FLOATS)
    packed: float = struct.unpack("<d", bytes(p.byte() for _ in range(8)))[0]
    return packed


_LEAVES: Sequence[Callable[[Provider], object]] = (
    lambda _: None,
    lambda p: p.byte() % 2 == 0,
    lambda p: p.byte() - 128,
    lambda p: int.from_bytes(bytes(p.byte() for _ in range(8)), "big", signed=True),
    _huge_int,
    _float,
    lambda p: p.chunk(16),
    lambda p: p.text(32),
    lambda p: p.pick(WORDS),
)


def _leaf(p: Provider) -> object:
    return p.pick(_LEAVES)(p)


def _key(p: Provider) -> object:
    """A mapping key: mostly text, sometimes not (JSON never has those, Python may)."""
    kind = p.below(8)
    if kind < 5:
        return p.pick(WORDS) if kind < 3 else p.text(16)
    return p.pick((1, None, math.nan, (1, "a"), b"status", True, 2.5))


def _nested(p: Provider) -> object:
    """A list or dict nested far deeper than any real document (up to 2,000 levels)."""
    depth = p.below(2000)
    value: object = p.pick(WORDS)
    as_dict = p.byte() % 2
    for _ in range(depth):
        value = {"detail": value} if as_dict else [value]
    return value


def value(p: Provider, depth: int = 0) -> object:
    """Any value a decoder (JSON or other) could hand over: nested, odd keys, odd numbers."""
    kind = p.below(8) if depth < 4 else 0
    if kind == 0:
        return _leaf(p)
    if kind == 1:
        return [value(p, depth + 1) for _ in range(p.below(5))]
    if kind == 2:
        return tuple(value(p, depth + 1) for _ in range(p.below(4)))
    if kind == 3:
        return frozenset(p.byte() for _ in range(p.below(4)))
    if kind == 4:
        return _nested(p)
    return document(p, depth + 1)


def document(p: Provider, depth: int = 0) -> dict[object, object]:
    """A dict with problem members, typed fields and extensions, keys and values of any type."""
    return {_key(p): value(p, depth) for _ in range(p.below(8))}


# -- what every returned error must allow ---------------------------------------------------


def _strict(problem: dict[str, object]) -> str:
    """A problem as web frameworks encode it: no NaN, UTF-8 (a lone surrogate fails)."""
    text = json.dumps(problem, allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")
    return text


def _check_error(error: object, *, hidden: str | None = None) -> se.SpiceError:
    """``error`` is one of the 16 types, and everything an error offers works on it.

    No rendering shows ``hidden``, when given (a secret planted in the input).
    """
    if not isinstance(error, se.SpiceError) or type(error) not in _ALL_TYPES:
        _broken(f"expected one of the 16 error types, got {type(error).__name__}")
    message, context = cast("object", error.message), cast("object", error.context)
    if not isinstance(message, str) or not isinstance(context, Mapping):
        _broken(f"malformed error: {type(message).__name__} message, {type(context).__name__}")
    shown = {
        "repr": repr(error),
        "str": str(error),
        "report()": error.report(),
        "to_json()": error.to_json(),
        "to_problem()": _strict(to_problem(error)),
        "to_problem(debug=True)": _strict(to_problem(error, debug=True)),
        "str(to_exception())": str(error.to_exception()),
    }
    se.classify(error)
    if hidden is not None:
        _check_secrets(shown, hidden)
    back = se.error_from_json(error.to_json(redact=False))
    if type(back) is not type(error):
        _broken(f"{type(error).__name__} read back from its JSON as {type(back).__name__}")
    return error


_BY_STATUS: Mapping[int, tuple[type[se.SpiceError], ...]] = {
    400: (se.ValidationError,),
    422: (se.ValidationError,),
    401: (se.AuthenticationError,),
    403: (se.AuthenticationError, se.RateLimitError),  # a 403 may say it is a rate limit
    429: (se.RateLimitError,),
}
_BY_OUTCOME: Mapping[str, type[se.SpiceError]] = {
    "rate_limit": se.RateLimitError,
    "quota": se.RateLimitError,
    "request": se.ValidationError,
    "credentials": se.AuthenticationError,
}


def _int_status(status: object) -> int:
    """The status as `from_response` reads it: 0 when not an int."""
    return status if isinstance(status, int) and not isinstance(status, bool) else 0


def _named_by_codes(context: Mapping[str, object]) -> set[type[se.SpiceError]]:
    """The classes the vendor codes in ``context`` may name, by the table of SPEC section 5."""
    reasons = context.get("error_reasons")
    names = [context.get("error_code"), context.get("error_type")]
    if isinstance(reasons, list | tuple):
        names += cast("list[object] | tuple[object, ...]", reasons)
    outcomes = {
        _VENDOR_TABLE.get(name) for name in names if isinstance(name, str) and name not in _GENERIC
    }
    return {
        _BY_OUTCOME[outcome]
        for outcome in outcomes
        if outcome is not None and outcome in _BY_OUTCOME
    }


def _expected_types(
    status: object, context: Mapping[str, object]
) -> tuple[type[se.SpiceError], ...]:
    """The classes SPEC section 5 allows: the status's, or one a vendor code names; 429 limits."""
    code = _int_status(status)
    if code == 429:
        return (se.RateLimitError,)
    named = sorted(_named_by_codes(context), key=lambda cls: cls.__name__)
    return (*_BY_STATUS.get(code, (se.NetworkError,)), *named)


def _check_status_mapping(error: se.SpiceError, status: object) -> None:
    expected = _expected_types(status, error.context)
    if type(error) not in expected:
        names = " or ".join(cls.__name__ for cls in expected)
        _broken(f"status {_short(status)} must give {names}, got {error!r:.300}")
    if error.context.get("http_status") != _int_status(status):
        _broken(f"context http_status is not the status {_short(status)}")


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 4, 8, 8, 8
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 160, 160, 60


def _short(obj: object) -> str:
    """A repr of any value, huge integers and deep nesting included, cut to a readable length."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return _REPR.repr(obj)
    except Exception as exc:  # noqa: BLE001 -- a description must never fail
        return f"<{type(obj).__name__}: repr raised {type(exc).__name__}>"
    finally:
        sys.set_int_max_str_digits(limit)


# -- from_problem -------------------------------------------------------------------------


@attrs.frozen
class ProblemInput:
    """Arguments for `from_problem`."""

    data: object
    status: int | None


def _optional_status(p: Provider) -> int | None:
    kind = p.below(4)
    if kind == 0:
        return None
    if kind == 1:
        return p.pick(COMMON_STATUSES)
    if kind == 2:
        return p.pick(EDGE_STATUSES)
    return _huge_int(p)


def decode_from_problem(data: bytes) -> ProblemInput:
    """Mode byte (raw bytes, text, a document, any value), status, then the payload."""
    p = Provider(data)
    mode = p.below(4)
    status = _optional_status(p)
    if mode == 0:
        return ProblemInput(p.rest(), status)
    if mode == 1:
        text = p.rest().decode("utf-8", "surrogateescape")
        try:
            return ProblemInput(json.loads(text), status)
        except (ValueError, RecursionError):
            return ProblemInput(text, status)
    if mode == 2:
        return ProblemInput(document(p), status)
    return ProblemInput(value(p), status)


def target_from_problem(data: bytes) -> None:
    """`from_problem` never raises and returns one of the 16 types, mapped as documented."""
    check_from_problem(decode_from_problem(data))


def check_from_problem(args: ProblemInput) -> None:
    """The promises of `from_problem` for these arguments."""
    error = _check_error(from_problem(args.data, args.status))
    problem = args.data
    if not isinstance(problem, Mapping | str | bytes | bytearray | memoryview):
        if type(error) is not se.SerializationError:
            _broken(f"a {type(problem).__name__} must give a SerializationError")
        return
    if isinstance(problem, Mapping) and not ({"code", "type"} & set(problem)):
        # No class named: the status (the argument, else the member) picks it, if any.
        status = args.status if args.status is not None else problem.get("status")
        if isinstance(status, int) and not isinstance(status, bool):
            _check_status_mapping(error, status)


# -- from_response ------------------------------------------------------------------------


@attrs.frozen
class ResponseInput:
    """Arguments for `from_response`."""

    status: int
    headers: object
    body: object
    method: str | None
    url: str | None


def _status(p: Provider) -> int:
    kind = p.below(4)
    if kind == 0:
        return p.pick(COMMON_STATUSES)
    if kind == 1:
        return p.below(65536) - 32768
    if kind == 2:
        return p.pick(EDGE_STATUSES)
    return _huge_int(p)


def _header_name(p: Provider) -> str | bytes:
    kind = p.below(4)
    if kind < 2:
        name = p.pick(HEADER_NAMES)
        shape = p.below(4)
        if shape == 1:
            return name.upper()
        if shape == 2:
            return f" {name.title()}\t"
        if shape == 3:
            return name.encode()
        return name
    return p.text(24) if kind == 2 else p.chunk(24)


def _header_value(p: Provider) -> str | bytes:
    kind = p.below(4)
    if kind < 2:
        return p.pick(HEADER_VALUES)
    return p.text(48) if kind == 2 else p.chunk(48)


def _odd_entry(p: Provider) -> object:
    kind = p.below(5)
    if kind == 0:
        return (_header_name(p), _header_value(p))
    if kind == 1:
        return [_header_name(p), _header_value(p)]
    if kind == 2:
        return (_header_name(p),)
    if kind == 3:
        return (_header_name(p), _header_value(p), "extra")
    return p.pick((None, 42, "x-request-id", b"ab", ("a", None), (1, 2)))


def _response_headers(p: Provider) -> object:
    mode = p.below(4)
    count = p.below(6)
    if mode == 0:
        return None
    if mode == 1:
        return {_header_name(p): _header_value(p) for _ in range(count)}
    if mode == 2:
        return [(_header_name(p), _header_value(p)) for _ in range(count)]
    return [_odd_entry(p) for _ in range(count)]


def _optional_text(p: Provider, options: Sequence[str]) -> str | None:
    kind = p.below(3)
    if kind == 0:
        return None
    return p.pick(options) if kind == 1 else p.text(48)


def _body(p: Provider) -> object:
    kind = p.below(4)
    if kind == 0:
        return None
    if kind == 1:
        return p.rest()
    if kind == 2:
        return p.rest().decode("utf-8", "surrogateescape")
    return document(p)


def decode_from_response(data: bytes) -> ResponseInput:
    """Status, headers, method, URL, then the body (mostly the rest of the bytes)."""
    p = Provider(data)
    status = _status(p)
    headers = _response_headers(p)
    method = _optional_text(p, METHODS)
    url = _optional_text(p, URLS)
    return ResponseInput(status, headers, _body(p), method, url)


def response_seed(
    status: int, headers: Sequence[tuple[str, str]], body: bytes, *, method: str | None = None
) -> bytes:
    """The input `decode_from_response` reads as these arguments (headers as a dict).

    The status, names, values and method must be in the lists above.
    """
    out = [0, COMMON_STATUSES.index(status), 1, len(headers)]
    for name, header_value in headers:
        out += [0, HEADER_NAMES.index(name), 0, 0, HEADER_VALUES.index(header_value)]
    out += [0] if method is None else [1, METHODS.index(method)]
    out += [1, 0, 1]  # the first URL, then the body as bytes
    return bytes(out) + body


def target_from_response(data: bytes) -> None:
    """`from_response` never raises, and the status picks the class as documented."""
    check_from_response(decode_from_response(data))


def check_from_response(args: ResponseInput) -> None:
    """The promises of `from_response` for these arguments."""
    error = _read_answer(args)
    _check_answer(error, args)


def _read_answer(args: ResponseInput | VendorInput) -> se.SpiceError:
    """`from_response`'s answer; the exception its guard hid, when it gave a SerializationError.

    A vendor answer's renderings must not show the secret planted in it.
    """
    error = from_response(
        args.status,
        args.headers,  # type: ignore[arg-type]  # odd header objects on purpose
        args.body,  # type: ignore[arg-type]  # bodies of any shape on purpose
        method=args.method,
        url=args.url,
    )
    if type(error) is se.SerializationError:
        # raises what the guard caught, so that the report shows its traceback
        read_response(args.status, args.headers, args.body, method=args.method, url=args.url)
        _broken(f"a SerializationError without an exception behind it: {error!r:.300}")
    planted = isinstance(args, VendorInput) and _planted_intact(args.body)
    return _check_error(error, hidden=SECRET if planted else None)


def _planted_intact(body: object) -> bool:
    """Whether the secret planted in a body still follows its name (``token=``).

    An edit may splice bytes into the name (a line break in "token="): what is left is no
    longer a secret by any rule, so no rendering can be asked to hide it.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not isinstance(text, str) or SECRET not in text:
        return True
    return text.count(SECRET) == text.count(f"token={SECRET}")


def _check_answer(error: se.SpiceError, args: ResponseInput | VendorInput) -> None:
    """What every answer promises: its class, its wait, the decision; waits never pick the class."""
    _check_status_mapping(error, args.status)
    _check_wait(error)
    _check_decision(error)
    if args.headers is None:
        return
    again = from_response(
        args.status,
        _without_waits(args.headers),  # type: ignore[arg-type]
        args.body,  # type: ignore[arg-type]
        method=args.method,
        url=args.url,
    )
    if type(again) is not type(error):
        _broken(
            f"status {_short(args.status)} gave {type(error).__name__} with its wait headers, "
            f"{type(again).__name__} without them"
        )


_WAIT_HEADERS = frozenset(
    {
        "retry-after",
        "retry-after-ms",
        "x-ms-retry-after-ms",
        "date",
        "ratelimit",
        "ratelimit-policy",
    }
)


def _name_as_read(name: object) -> str | None:
    """A header's name as `from_response` reads it: text, stripped, lower case."""
    text = header_text(name)
    return None if text is None else text.strip().lower()


def _is_wait_header(name: object) -> bool:
    text = _name_as_read(name)
    return text is not None and (text in _WAIT_HEADERS or ("ratelimit" in text and "reset" in text))


def _is_pair(entry: object) -> bool:
    return isinstance(entry, tuple | list) and len(cast("Sequence[object]", entry)) == 2


def _without_waits(headers: object) -> object:
    """The same headers less those that only say how long to wait."""
    if isinstance(headers, Mapping):
        items = cast("Mapping[object, object]", headers).items()
        return {name: value for name, value in items if not _is_wait_header(name)}
    if isinstance(headers, list):
        entries = cast("list[Sequence[object]]", headers)
        return [entry for entry in entries if not (_is_pair(entry) and _is_wait_header(entry[0]))]
    return headers


def _check_wait(error: se.SpiceError) -> None:
    """The wait, typed field or context, is whole milliseconds from 0 to 2**31 s."""
    waits: list[object] = []
    if isinstance(error, se.RateLimitError):
        waits.append(error.retry_after_ms)
    if "retry_after_ms" in error.context:
        waits.append(error.context["retry_after_ms"])
    for wait in waits:
        if wait is not None and not (type(wait) is int and 0 <= wait <= MAX_WAIT_MS):
            _broken(
                f"retry_after_ms must be whole milliseconds in [0, 2**31 s], got {_short(wait)}"
            )


def _check_decision(error: se.SpiceError) -> None:
    """`classify` honours the server's word, spent quotas and 409's lock timeouts."""
    decision = se.classify(error)
    delay = decision.suggested_delay
    if delay is not None and not (type(delay) is float and 0 <= delay <= MAX_RETRY_AFTER):
        _broken(f"suggested_delay must be None or seconds in [0, 2**31], got {delay!r}")
    said = error.context.get("should_retry")
    quota = isinstance(error, se.RateLimitError) and error.limit_type == "quota"
    expected: bool | None = None
    if said is False or (said is not True and quota):
        expected = False
    elif isinstance(error, se.NetworkError) and error.status_code == 409:
        expected = said is True or error.context.get("error_code") == "lock_timeout"
    if expected is not None and decision.should_retry is not expected:
        _broken(f"classify said should_retry={decision.should_retry} for {error!r:.300}")


# -- parse_retry_after --------------------------------------------------------------------


@attrs.frozen
class RetryAfterInput:
    """Arguments for `parse_retry_after`."""

    value: str | bytes
    now: datetime | None
    date: str | bytes | None


_LAST_YEAR = 9999
"""datetime's last year: an RFC 850 date is read against any ``now`` up to it."""


def _now(p: Provider) -> datetime | None:
    kind = p.below(4)
    if kind == 0:
        return None
    moment = datetime(  # noqa: DTZ001 -- naive on purpose: the parser takes it as UTC
        1 + p.below(9999) % _LAST_YEAR,
        1 + p.below(12),
        1 + p.below(28),
        p.below(24),
        p.below(60),
        p.below(60),
    )
    if kind == 1:
        return moment
    if kind == 2:
        return moment.replace(tzinfo=UTC)
    offset = timedelta(minutes=p.below(2879) - 1439)
    return moment.replace(tzinfo=timezone(offset))


def decode_parse_retry_after(data: bytes) -> RetryAfterInput:
    """Flags (bytes or text), ``now``, the ``Date`` header, then the value (the rest)."""
    p = Provider(data)
    flags = p.byte()
    now = _now(p)
    date: str | bytes | None = None
    if flags & 2:
        date = p.pick(HEADER_VALUES[8:11]) if flags & 4 else p.text(40)
        date = date.encode("utf-8", "surrogateescape") if flags & 8 else date
    rest = p.rest()
    return RetryAfterInput(rest if flags & 1 else rest.decode("latin-1"), now, date)


def target_parse_retry_after(data: bytes) -> None:
    """None or a float in [0, 2**31]; bytes read as Latin-1 text; whole seconds exact."""
    check_parse_retry_after(decode_parse_retry_after(data))


def check_parse_retry_after(args: RetryAfterInput) -> None:
    """The promises of `parse_retry_after` for these arguments."""
    seconds = parse_retry_after(args.value, now=args.now, date=args.date)
    if seconds is not None and (type(seconds) is not float or not 0 <= seconds <= MAX_RETRY_AFTER):
        _broken(f"expected None or a float in [0, 2**31], got {seconds!r}")
    text = args.value.decode("latin-1") if isinstance(args.value, bytes) else args.value
    if args.now is not None:  # without it, two calls may see different times
        as_text = parse_retry_after(text, now=args.now, date=args.date)
        if as_text != seconds:
            _broken(f"bytes gave {seconds!r}, the same as text {as_text!r}")
    digits = text.strip()
    whole = digits.isascii() and digits.isdecimal() and len(digits) <= 10  # up to 2**31
    if whole and int(digits) <= MAX_RETRY_AFTER and seconds != int(digits):
        _broken(f"delta-seconds {digits!r} gave {seconds!r}")


# -- vendor bodies --------------------------------------------------------------------------

CORPUS_PATH = Path(__file__).resolve().parent.parent / "tests" / "data" / "vendor_answers.json"
CORPUS: Sequence[Mapping[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
"""The real answers of ``tests/data/vendor_answers.json``, each with its public source."""

VENDOR_STATUSES = (
    400, 401, 402, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504, 529, 200, 302, 0, 99, 600,
)  # fmt: skip
# The last names a rate limit itself: a 403 for it is no rate limit unless the answer says so.
VENDOR_URLS = (
    f"https://api.openai.com/v1/chat/completions?api_key={SECRET}",
    f"https://api.example.com/v1/items?page=2&api_key={SECRET}#top",
    f"https://user:{SECRET}@api.example.com/v1/items",
    f"/v1/messages?key={SECRET}",
    f"https://generativelanguage.googleapis.com/v1beta/models/gemini:generateContent?key={SECRET}",
    f"/oauth/authorize?client_secret={SECRET}&redirect_uri=https://app.example.com/cb",
    "https://api.github.com/rate_limit",
)
_DELAYS: Sequence[object] = (
    "57s", "0.5s", "1.5s", "0s", "6m0s", "3600s", "99999999999s", "-1s", "", "soon", 57, None,
)  # fmt: skip
_CONTENT_TYPES = (
    "application/json", "application/problem+json", "text/plain", "application/xml",
    "text/html", "application/json; charset=utf-8", "",
)  # fmt: skip
_EXTRA_HEADER_NAMES = (
    *(name for name in VENDOR_HEADER_NAMES if name != "x-amzn-errortype"),
    "retry-after", "date", "x-request-id", "request-id", "location",
)  # fmt: skip
_RATE_LIMIT_TEXT = re.compile(r"rate[ _-]?limit", re.IGNORECASE)
_JSON_PREFIXES = ("\ufeff", "\x00", " \r\n\t")


@attrs.frozen
class VendorInput:
    """Arguments for `from_response`, and what the body was built to say.

    ``clean`` when the body is exactly as built: the reader must then find ``code``
    under context ``code_key`` and pick the class the table names for it.
    """

    status: int
    headers: object
    body: object
    method: str | None
    url: str
    clean: bool = False
    code_key: str | None = None
    code: object = None
    message: object = None


@attrs.frozen
class _Parts:
    """What a built body says, before it is given a vendor's shape."""

    status: int
    code: object
    message: object
    delay: object


@attrs.frozen
class _Built:
    """A body in a vendor's shape, its media type, and where the reader keeps its code."""

    body: object
    content_type: str
    code_key: str | None = "error_code"
    headers: tuple[tuple[str, str], ...] = ()


def _google_error(parts: _Parts, **members: object) -> dict[str, object]:
    return {"error": {"code": parts.status, "message": parts.message, **members}}


def _retry_info(parts: _Parts) -> list[object]:
    return [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": parts.delay},
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"url": "https://ai.google.dev"}],
        },
    ]


def _xml(parts: _Parts) -> str:
    code, message = html.escape(str(parts.code), quote=False), html.escape(str(parts.message))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
        f"{code}</Code><Message>{message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>"
    )


_JSON = "application/json"
_AMZN_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.coral.availability/"
_SHAPES: Mapping[str, Callable[[_Parts], _Built]] = {
    "anthropic": lambda parts: _Built(
        {
            "type": "error",
            "error": {"type": parts.code, "message": parts.message},
            "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
        },
        _JSON,
    ),
    "google": lambda parts: _Built(
        _google_error(parts, status=parts.code, details=_retry_info(parts)), _JSON
    ),
    "vertex": lambda parts: _Built(
        [_google_error(parts, status=parts.code, details=_retry_info(parts))], _JSON
    ),
    "google-reason": lambda parts: _Built(
        _google_error(
            parts,
            errors=[{"message": parts.message, "domain": "usageLimits", "reason": parts.code}],
        ),
        _JSON,
        "error_reasons",
    ),
    "gemini-error-info": lambda parts: _Built(
        _google_error(
            parts,
            status="INVALID_ARGUMENT",
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": parts.code,
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                }
            ],
        ),
        _JSON,
        "error_reasons",
    ),
    "error-object": lambda parts: _Built(
        {
            "error": {
                "message": parts.message,
                "type": "invalid_request_error",
                "param": None,
                "code": parts.code,
            }
        },
        _JSON,
    ),
    "error-object-type": lambda parts: _Built(
        {"error": {"message": parts.message, "type": parts.code, "param": None, "code": None}},
        _JSON,
        "error_type",
    ),
    "oauth2": lambda parts: _Built(
        {
            "error": parts.code,
            "error_description": parts.message,
            "error_uri": "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
        },
        _JSON,
    ),
    "jsonapi": lambda parts: _Built(
        {
            "errors": [
                {
                    "status": str(parts.status),
                    "code": parts.code,
                    "title": "Invalid Attribute",
                    "detail": parts.message,
                    "source": {"pointer": "/data/attributes/name"},
                }
            ]
        },
        "application/vnd.api+json",
    ),
    "graphql": lambda parts: _Built(
        {
            "errors": [
                {
                    "message": parts.message,
                    "locations": [{"line": 1, "column": 3}],
                    "extensions": {"code": parts.code},
                }
            ],
            "data": None,
        },
        _JSON,
    ),
    "aws-json": lambda parts: _Built(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{parts.code}", "message": parts.message},
        "application/x-amz-json-1.0",
    ),
    "aws-header": lambda parts: _Built(
        {"Message": parts.message},
        _JSON,
        headers=(("x-amzn-ErrorType", f"{parts.code}{_AMZN_SUFFIX}"),),
    ),
    "s3-xml": lambda parts: _Built(_xml(parts), "application/xml"),
    "github": lambda parts: _Built(
        {"message": parts.message, "documentation_url": "https://docs.github.com/rest"},
        _JSON,
        None,
    ),
    "text": lambda parts: _Built(str(parts.message), "text/plain; charset=utf-8", None),
    "html": lambda parts: _Built(
        f"<html><head><title>502 Bad Gateway</title></head><body>{parts.message}</body></html>",
        "text/html",
        None,
    ),
    "problem": lambda parts: _Built(
        {
            "type": "https://example.com/probs/out-of-credit",
            "title": "You do not have enough credit.",
            "status": parts.status,
            "detail": parts.message,
            "balance": 30,
        },
        "application/problem+json",
        None,
    ),
}
SHAPE_NAMES = tuple(_SHAPES)


def _fresh(leaf: object) -> object:
    """A leaf of a shared table, as a new object when it is a container (edits change them)."""
    return type(leaf)() if isinstance(leaf, list | dict) else leaf


def _json_value(p: Provider, depth: int = 0) -> object:
    """Any value JSON can hold: odd numbers, odd text, vendor words, nesting up to 800 deep."""
    kind = p.below(6) if depth < 3 else p.below(3)
    if kind == 0:
        return _fresh(p.pick(_JSON_LEAVES))
    if kind == 1:
        return p.pick(WORDS)
    if kind == 2:
        return p.text(32)
    if kind == 3:
        return [_json_value(p, depth + 1) for _ in range(p.below(4))]
    if kind == 4:
        return {p.pick(VENDOR_MEMBERS): _json_value(p, depth + 1) for _ in range(p.below(4))}
    nested: object = p.pick(VENDOR_CODES)
    for _ in range(p.below(800)):
        nested = {"error": nested} if depth % 2 else [nested]
    return nested


def _vendor_message(p: Provider) -> tuple[object, bool]:
    """A message, and whether it is text the reader must take as it is."""
    kind = p.below(6)
    if kind < 2:
        return p.pick(VENDOR_MESSAGES), True
    if kind == 2:
        return f"{p.text(24)} token={SECRET} {p.text(24)}", True
    if kind == 3:
        return (p.pick(VENDOR_MESSAGES) + " ") * (1 + p.below(300)), True
    if kind == 4:
        return p.text(64), True
    return _json_value(p), False


def _vendor_code(p: Provider) -> tuple[object, bool]:
    """A code, and whether it is one of the vendor words (whose reading is known)."""
    kind = p.below(6)
    if kind < 4:
        return p.pick(VENDOR_CODES), True
    return (p.text(24), False) if kind == 4 else (_json_value(p), False)


def _edit(p: Provider, body: object) -> object:
    """``body`` with one member set, removed or inserted (text: a chunk spliced in)."""
    if isinstance(body, str):
        at = p.below(len(body) + 1)
        return body[:at] + p.text(32) + body[at:]
    nodes = _json_nodes(body)
    if not nodes:
        return _json_value(p)
    node = p.pick(nodes)
    remove = p.below(3) == 0
    if isinstance(node, list):
        if remove and node:
            del node[p.below(len(node))]
        else:
            node.insert(p.below(len(node) + 1), _json_value(p))
        return body
    key = p.pick([*node, *VENDOR_MEMBERS])
    if remove:
        node.pop(key, None)
    else:
        node[key] = _json_value(p)
    return body


def _vendor_header_value(p: Provider) -> str:
    kind = p.below(3)
    if kind == 0:
        return p.pick(VENDOR_HEADER_VALUES)
    return p.pick(HEADER_VALUES) if kind == 1 else p.text(48)


def _shaped_headers(p: Provider, pairs: list[tuple[str, str]]) -> object:
    """The pairs as a list, a dict, or a list with names in other cases and as bytes."""
    form = p.below(3)
    if form == 0:
        return pairs
    if form == 1:
        return dict(pairs)
    shaped: list[tuple[str | bytes, str | bytes]] = []
    for index, (name, value) in enumerate(pairs):
        shown = (name.title(), name.upper(), f" {name}\t")[index % 3]
        shaped.append((shown.encode(), value.encode("utf-8", "surrogateescape")))
    return shaped


def _vendor_headers(p: Provider, built: _Built) -> tuple[object, bool]:
    """The shape's media type and headers, wait and rate-limit headers; whether kept as built."""
    pairs = [("content-type", built.content_type), *built.headers]
    pairs += [(p.pick(_EXTRA_HEADER_NAMES), _vendor_header_value(p)) for _ in range(p.below(6))]
    as_built = p.below(8) != 7
    if not as_built:
        pairs[0] = (p.pick(("content-type", "x-amzn-errortype")), p.pick(_CONTENT_TYPES))
    return _shaped_headers(p, pairs), as_built


def _dumps(body: object, *, ascii_only: bool) -> str | None:
    """``body`` as JSON text, integers of any length included; None when it cannot be."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return json.dumps(body, ensure_ascii=ascii_only)
    except (ValueError, RecursionError, TypeError):
        return None
    finally:
        sys.set_int_max_str_digits(limit)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _encoded(p: Provider, body: object) -> tuple[object, bool]:
    """The body as UTF-8 bytes, text or the object itself, or damaged; whether readable as is."""
    kind = p.below(8)
    if kind == 1:
        return body, True  # a dict, a list or text, as a caller may pass it
    text = body if isinstance(body, str) else _dumps(body, ascii_only=p.byte() % 2 == 0)
    if text is None:
        return b"", False
    raw = text.encode("utf-8", "surrogatepass")
    if kind == 2:
        return text, True
    if kind == 3:
        return raw[: p.below(len(raw) + 1)], False
    if kind == 4:
        return p.pick(_JSON_PREFIXES).encode() + raw, False
    return raw, _is_utf8(text)


def _with_secret(url: str) -> str:
    """``url`` with the secret planted after another "?", wherever that lands.

    In the query, after a second "?", or in the fragment: each must be masked.
    """
    return f"{url}?api_key={SECRET}"


def decode_vendor_body(data: bytes) -> VendorInput:
    """Mode (0 as the bytes say, 1 built from a vendor's shape, 2 a corpus answer changed)."""
    p = Provider(data)
    mode = p.below(3)
    if mode == 0:
        return _raw_answer(p)
    if mode == 1:
        return _built_answer(p)
    return _corpus_answer(p)


def _raw_answer(p: Provider) -> VendorInput:
    """Status (two bytes), headers as text, method, URL (a secret appended), the body (the rest)."""
    status = p.below(65536)
    headers = [(p.text(255), p.text(255)) for _ in range(p.below(32))]
    method = p.text(16) or None
    url = _with_secret(p.text(255))
    return VendorInput(status, headers, p.rest(), method, url)


def _built_answer(p: Provider) -> VendorInput:
    """A body in one of the vendors' shapes, with codes, messages and headers they send."""
    status = p.pick(VENDOR_STATUSES)
    shape = p.pick(SHAPE_NAMES)
    message, known_message = _vendor_message(p)
    code, known_code = _vendor_code(p)
    built = _SHAPES[shape](_Parts(status, code, message, p.pick(_DELAYS)))
    body = built.body
    edits = max(p.below(8) - 4, 0)
    for _ in range(edits):
        body = _edit(p, body)
    headers, headers_as_built = _vendor_headers(p, built)
    encoded, readable = _encoded(p, body)
    clean = known_message and known_code and edits == 0 and headers_as_built and readable
    return VendorInput(
        status,
        headers,
        encoded,
        p.pick(("POST", "GET", None)),
        p.pick(VENDOR_URLS),
        clean=clean,
        code_key=built.code_key,
        code=code,
        message=message,
    )


def _corpus_answer(p: Provider) -> VendorInput:
    """A real answer, its body edited, other headers added, sometimes another status."""
    entry = p.pick(CORPUS)
    body: object = json.loads(json.dumps(entry["body"] or ""))  # a copy to edit
    status = entry["status"] if p.below(4) else p.pick(VENDOR_STATUSES)
    for _ in range(p.below(4)):
        body = _edit(p, body)
    pairs = [(str(name), str(value)) for name, value in entry["headers"]]
    pairs += [(p.pick(_EXTRA_HEADER_NAMES), _vendor_header_value(p)) for _ in range(p.below(4))]
    encoded, _ = _encoded(p, body)
    request = entry["request"]
    return VendorInput(status, pairs, encoded, request["method"], _with_secret(request["url"]))


def target_vendor_body(data: bytes) -> None:
    """Vendor answers: one of the 16 types as SPEC section 5 maps them, no secret shown."""
    check_vendor_body(decode_vendor_body(data))


def check_vendor_body(args: VendorInput) -> None:
    """The promises of `from_response` for a vendor's answer."""
    error = _read_answer(args)
    _check_answer(error, args)
    if args.clean:
        _check_as_built(error, args)


def _check_secrets(shown: Mapping[str, str], secret: str) -> None:
    """No rendering shows the secret planted in the URL and the message."""
    for where, text in shown.items():
        if secret in text:
            _broken(f"{where} shows the planted secret: {_short(text)}")


def _first_header(headers: object, name: str) -> str | None:
    """The first value of a header, as `from_response` reads headers."""
    if isinstance(headers, Mapping):
        entries: list[Sequence[object]] = list(cast("Mapping[object, object]", headers).items())
    elif isinstance(headers, list):
        entries = [entry for entry in cast("list[Sequence[object]]", headers) if _is_pair(entry)]
    else:
        return None
    for raw_name, raw_value in entries:
        value = header_text(raw_value)
        if value is not None and _name_as_read(raw_name) == name:
            return value.strip()
    return None


def _built_types(args: VendorInput, outcome: str | None) -> tuple[type[se.SpiceError], ...]:
    """The class of a body as built: 429 and the code's table row first, then the status."""
    if args.status == 429 or outcome in {"rate_limit", "quota"}:
        return (se.RateLimitError,)
    if (named := _BY_OUTCOME.get(outcome or "")) is not None:
        return (named,)
    if args.status != 403:
        return _BY_STATUS.get(args.status, (se.NetworkError,))
    if _first_header(args.headers, "x-ratelimit-remaining") == "0":
        return (se.RateLimitError,)
    if _RATE_LIMIT_TEXT.search(str(args.message)):  # said, if the shape reads its message
        return (se.AuthenticationError, se.RateLimitError)
    return (se.AuthenticationError,)


def _check_as_built(error: se.SpiceError, args: VendorInput) -> None:
    """A body as built: its code is read where its shape keeps it, and names the class."""
    code = args.code if args.code_key is not None else None
    if args.code_key is not None:
        found = error.context.get(args.code_key)
        if found != ([code] if args.code_key == "error_reasons" else code):
            _broken(f"the body's code {code!r} was read as {args.code_key}={_short(found)}")
    outcome = _VENDOR_TABLE.get(code) if isinstance(code, str) and code not in _GENERIC else None
    expected = _built_types(args, outcome)
    if type(error) not in expected:
        names = " or ".join(cls.__name__ for cls in expected)
        _broken(f"status {args.status} with code {code!r} must give {names}, got {error!r:.300}")
    if isinstance(error, se.RateLimitError) and (error.limit_type == "quota") != (
        outcome == "quota"
    ):
        _broken(f"code {code!r} gave limit_type={error.limit_type!r}")


def vendor_seed(shape: str, code: str, status: int, *, message: int = 0) -> bytes:
    """The input `decode_vendor_body` builds as this shape, code and status, clean.

    ``message`` is an index of `VENDOR_MESSAGES`, or -1 for one with the planted secret.
    """
    said = [2, 0, 0] if message < 0 else [0, message]
    return bytes(
        [
            1,
            VENDOR_STATUSES.index(status),
            SHAPE_NAMES.index(shape),
            *said,
            0,
            VENDOR_CODES.index(code),
        ]
    )


def _raw_seed(entry: Mapping[str, Any]) -> bytes:
    """A corpus answer as `_raw_answer` reads it."""

    def text(value: str) -> bytes:
        raw = value.encode()
        return bytes([len(raw)]) + raw

    body = entry["body"]
    headers = b"".join(text(name) + text(value) for name, value in entry["headers"])
    request = entry["request"]
    status: int = entry["status"]
    head = bytes([0, *status.to_bytes(2, "big"), len(entry["headers"])])
    raw_body = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
    return head + headers + text(request["method"]) + text(request["url"]) + raw_body.encode()


def _vendor_seeds() -> list[bytes]:
    """Every corpus answer as it is, then each shape built with a code of the table."""
    codes = list(_VENDOR_TABLE)
    built = [
        vendor_seed(
            shape, codes[index % len(codes)], VENDOR_STATUSES[index % 9], message=index % 4 - 1
        )
        for index, shape in enumerate(SHAPE_NAMES)
    ]
    return [_raw_seed(entry) for entry in CORPUS] + built


# -- the header readers -------------------------------------------------------------------


@attrs.frozen
class WaitInput:
    """A header value for each reader of ``spice_errors._waits``, and rate-limit headers."""

    value: str | bytes
    now: datetime | None
    date: str | bytes | None
    pairs: dict[str, str]


_LIMIT_NAMES = (*(name for name in VENDOR_HEADER_NAMES if "ratelimit" in name), "date")
_LIMIT_PARTS = ("limit", "remaining", "reset")
_UNITS = ("h", "m", "s", "ms", "", "d", "us")
_ZONES = ("Z", "+00:00", "+23:59", "-23:59", "+24:00", "", "+05:30", "z", "+0530")
_FRACTIONS = ("", ".5", ".123456", ".1234567", ".", ",5")


def _number_text(p: Provider) -> str:
    kind = p.below(5)
    if kind == 0:
        return str(p.byte())
    if kind == 1:
        return f"{p.byte()}.{p.byte()}"
    if kind == 2:
        return "9" * p.below(700)
    return ("-1", "", "1e3", "0x10", "\u0661")[p.below(5)]


def _duration(p: Provider) -> str:
    return "".join(_number_text(p) + p.pick(_UNITS) for _ in range(1 + p.below(4)))


def _stamp(p: Provider) -> str:
    """An RFC 3339 timestamp, its parts sometimes out of range."""
    day = f"{p.below(10000):04}-{p.below(14):02}-{p.below(33):02}"
    clock = f"{p.below(26):02}:{p.below(61):02}:{p.below(62):02}"
    return f"{day}{p.pick('T t')}{clock}{p.pick(_FRACTIONS)}{p.pick(_ZONES)}"


def _epoch(p: Provider) -> str:
    seconds = 10**9 + int.from_bytes(bytes(p.byte() for _ in range(5)), "big")
    return (str(seconds), f"{seconds}.{p.byte()}", str(10 ** p.below(40)))[p.below(3)]


def _draft_field(p: Provider) -> str:
    """The IETF draft's ``RateLimit`` and ``RateLimit-Policy`` fields, old and new forms."""
    numbers = [_number_text(p) for _ in range(3)]
    if p.byte() % 2:
        return f"limit={numbers[0]}, remaining={numbers[1]}, reset={numbers[2]}"
    return f'"{p.text(8)}";r={numbers[1]};t={numbers[2]}, "x";q={numbers[0]};w=60'


_WAIT_VALUES: Sequence[Callable[[Provider], str]] = (
    lambda p: p.pick(VENDOR_HEADER_VALUES),
    lambda p: p.pick(HEADER_VALUES),
    _duration,
    _stamp,
    _epoch,
    _draft_field,
    lambda p: p.text(48),
    lambda p: p.text(255),
)


def _wait_value(p: Provider) -> str:
    return p.pick(_WAIT_VALUES)(p)


def _limit_name(p: Provider) -> str:
    kind = p.below(4)
    if kind < 2:
        return p.pick(_LIMIT_NAMES)
    if kind == 2:
        which = p.text(12).lower()
        part = p.pick(_LIMIT_PARTS)
        return p.pick((f"x-ratelimit-{part}-{which}", f"anthropic-ratelimit-{which}-{part}"))
    return p.text(24)


def decode_wait_headers(data: bytes) -> WaitInput:
    """Flags (bytes or text, a Date), ``now``, rate-limit headers, then the value."""
    p = Provider(data)
    flags = p.byte()
    now = _now(p)
    date: str | bytes | None = None
    if flags & 2:
        date = p.pick(HEADER_VALUES[8:11]) if flags & 4 else p.text(40)
    pairs = {_limit_name(p): _wait_value(p) for _ in range(p.below(6))}
    value = _wait_value(p)
    return WaitInput(
        value.encode("utf-8", "surrogateescape") if flags & 1 else value, now, date, pairs
    )


def target_wait_headers(data: bytes) -> None:
    """Each wait reader gives None or seconds in [0, 2**31], whole numbers exact; none raises."""
    check_wait_headers(decode_wait_headers(data))


def _check_seconds(reader: str, seconds: object) -> None:
    if seconds is not None and not (
        type(seconds) is float and math.isfinite(seconds) and 0 <= seconds <= MAX_RETRY_AFTER
    ):
        _broken(f"{reader} must give None or seconds in [0, 2**31], got {_short(seconds)}")


def check_wait_headers(args: WaitInput) -> None:
    """The promises of the readers of ``spice_errors._waits`` for these arguments."""
    text = args.value.decode("latin-1") if isinstance(args.value, bytes) else args.value
    found = {
        "parse_retry_after": parse_retry_after(args.value, now=args.now, date=args.date),
        "milliseconds_header": milliseconds_header(args.value),
        "duration_seconds": duration_seconds(text),
        "reset_seconds": reset_seconds(text, date=args.date, now=args.now),
    }
    for reader, seconds in found.items():
        _check_seconds(reader, seconds)
    _check_whole_numbers(text.strip(), found)
    _check_limits(rate_limit(args.pairs, now=args.now))


_MINUTES_SECONDS = re.compile(r"(\d{1,6})m(\d{1,6})s", re.ASCII)


def _check_whole_numbers(text: str, found: Mapping[str, float | None]) -> None:
    """Plain numbers and minutes-and-seconds durations are read exactly."""
    expected: dict[str, float] = {}
    if text.isascii() and text.isdecimal() and len(text) <= 9:  # below 10**9: not an epoch
        number = int(text)
        expected = {"milliseconds_header": number / 1000, "reset_seconds": float(number)}
    elif duration := _MINUTES_SECONDS.fullmatch(text):
        minutes, whole = (int(part) for part in duration.groups())
        expected = {"duration_seconds": minutes * 60.0 + whole}
    for reader, seconds in expected.items():
        if found[reader] != seconds:
            _broken(f"{reader}({text!r}) gave {found[reader]!r}, not {seconds!r}")


def _check_limits(limits: object) -> None:
    """None, or the numbers found: whole ``limit`` and ``remaining``, ``reset_s`` seconds."""
    if limits is None:
        return
    if (
        not isinstance(limits, dict)
        or not limits
        or not set(limits) <= {"limit", "remaining", "reset_s"}
    ):
        _broken(f"rate_limit gave {_short(limits)}")
    numbers = cast("dict[str, object]", limits)
    for part in ("limit", "remaining"):
        value = numbers.get(part, 0)
        if type(value) is not int or value < 0:
            _broken(f"rate_limit's {part} must be a whole number >= 0, got {_short(value)}")
    _check_seconds("rate_limit's reset_s", numbers.get("reset_s"))


def _wait_seeds() -> list[bytes]:
    """Every vendor value with a fixed ``now`` and Date, and the vendors' rate-limit header sets."""
    fixed_now = bytes([2, 0x07, 0xDF, 9, 20, 7, 28, 0])  # aware 2016-10-21 07:28:00 UTC

    def pair(name: str, value: str) -> bytes:
        return bytes([0, _LIMIT_NAMES.index(name), 0, VENDOR_HEADER_VALUES.index(value)])

    sets = [
        [("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "6m0s")],
        [
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("anthropic-ratelimit-requests-reset", "2024-05-01T12:00:30Z"),
        ],
        [
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1714564830"),
        ],
        [("ratelimit", '"default";r=0;t=30'), ("ratelimit-policy", '"default";q=100;w=60')],
        [("ratelimit", "limit=100, remaining=0, reset=30")],
    ]
    seeds = [
        bytes([6]) + fixed_now + bytes([0, 0, 0, VENDOR_HEADER_VALUES.index(value)])
        for value in VENDOR_HEADER_VALUES
    ]
    for pairs in sets:
        body = b"".join(pair(name, value) for name, value in pairs)
        seeds.append(bytes([6]) + fixed_now + bytes([0, len(pairs)]) + body + bytes([0, 0]))
    return seeds


# -- error_from_json / result_from_json ---------------------------------------------------


def _texts(data: bytes) -> list[str | bytes]:
    """The document as bytes, and as text when it is UTF-8."""
    try:
        return [data, data.decode("utf-8")]
    except UnicodeDecodeError:
        return [data]


def _read(read: Callable[[str | bytes], T], document: str | bytes) -> T | None:
    """``read(document)``; None for a `SpiceException` carrying a `SerializationError`."""
    try:
        return read(document)
    except se.SpiceException as exc:
        if type(exc.error) is not se.SerializationError:
            _broken(f"SpiceException carries a {type(exc.error).__name__}")
        return None


def _check_causes(error: se.SpiceError) -> None:
    cause = error.cause
    for _ in range(200):
        if cause is None:
            return
        if not isinstance(cause, BaseException):
            _broken(f"a cause is a {type(cause).__name__}")
        cause = cause.__cause__
    _broken("the cause chain has more than 200 links")


def target_error_from_json(data: bytes) -> None:
    """`error_from_json` raises only SpiceException(SerializationError), else gives an error."""
    for document in _texts(data):
        check_error_from_json(document)


def check_error_from_json(document: str | bytes) -> None:
    """The promises of `error_from_json` for this document."""
    error = _read(se.error_from_json, document)
    if error is not None:
        _check_causes(_check_error(error))
        _check_size(error, document)


def _check_size(error: se.SpiceError, document: str | bytes) -> None:
    """Writing what was read takes about as much room as the document did, not exponentially more.

    Reading fills in members (type, timestamp, empty context): ten times the size and a
    kilobyte leave room for that.
    """
    written = len(error.to_json(redact=False))
    if written > 10 * len(document) + 1000:
        _broken(f"a {len(document)}-character document was written back in {written}")


def target_result_from_json(data: bytes) -> None:
    """`result_from_json` raises only SpiceException(SerializationError), else a result."""
    for document in _texts(data):
        check_result_from_json(document)


def check_result_from_json(document: str | bytes) -> None:
    """The promises of `result_from_json` for this document."""
    result = _read(se.result_from_json, document)
    if result is None:
        return
    if isinstance(result, se.Failure):
        _check_causes(_check_error(result.error))
        _check_size(result.error, document)
    elif not isinstance(result, se.Success):
        _broken(f"expected Success or Failure, got {type(result).__name__}")
    back = se.result_from_json(result_to_json(result, redact=False))
    if isinstance(back, se.Success) != isinstance(result, se.Success):
        _broken("a result changed sides through its JSON")


# -- redaction ----------------------------------------------------------------------------

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UNRESERVED = _LOWER + _LOWER.upper() + "0123456789-._~"
_USERINFO = _UNRESERVED + "!$&'*+,;=:"  # RFC 3986's, less "(" and ")": see _PROSE_CLOSERS
_NESTED_USERINFO = _UNRESERVED + "!$'*+,=:"  # unencoded in a query, "&" and ";" split it
_VALUE = _UNRESERVED + "!$'*+,;=:@/?"
# Forms that put the planted secret ({s}) where SPEC section 6 says it is masked, between
# RFC 3986 characters ({a}, {b}) of the form's alphabet, under a secret name: a query
# parameter's or a pair's ({n}, read decoded), or a mapping's key ({k}).
_REDACTION_URLS: tuple[tuple[str, str], ...] = (
    ("https://{a}:{b}{s}{a}@h.test/p", _USERINFO),
    ("postgres://u:{a}{s}{b}@[::1]:5432", _USERINFO),
    ("https://h.test/p?x=1&{n}={a}{s}{b}", _VALUE),
    ("https://h.test/p?q={a}?{n}={b}{s}", _VALUE),
    ("https://h.test/p#{n}={a}{s}{b}", _VALUE),
    ("//bob:{a}{s}{b}@h.test/p", _USERINFO),
    ("bob:{a}{s}{b}@h.test", _USERINFO),
    ("https://h.test/?next=https://bob:{a}{s}{b}@o.test/", _USERINFO),
    ("https://h.test/?next=bob:{a}{s}{b}@o.test", _NESTED_USERINFO),
    ("/login?next=https%3A%2F%2Fbob%3A{s}%40o.test%2F{a}", _UNRESERVED),
    ("/items?{n}={a}{s}{b}", _UNRESERVED + "!*'"),
)
_REDACTION_FORMS: tuple[tuple[str, str], ...] = (
    *_REDACTION_URLS,
    ("Bearer {s}", ""),
    ("Basic {s}", ""),
    ("Authorization: Bearer {s}", ""),
    ("Proxy-Authorization: {s}", ""),
    ("{n}={s}", ""),
    ("Config({n}='{s}')", ""),
    ("{{'{k}': '{s}'}}", ""),
    ('{{"{k}": "{s}", "n": 1}}', ""),
)
_SECRET_NAMES = (
    "api_key", "X-Api-Key", "apiKey", "access.token", "AUTH", "db:password", "pwd", "sid",
    "otp", "jwt", "client_secret", "api%5Fkey", "%61pi_key", "api+key", "sig",
)  # fmt: skip
_KEY_NAMES = ("api_key", "Authorization", "apiKey", "db.password", "X-Auth-Token", "otp")
_PROSE_WORDS = ("", "see", "get failed", "the upstream said", "retry later")
_PROSE_OPENERS = (" ", " (", " '", " <", " [", ": ", ", ")
# A ")" after a value is prose's: the forms' alphabets hold no "(" to balance it.
_PROSE_CLOSERS = ("", ")", "'", ".", ",", "!", "?", ";", ":", ">", "]", "').")


@attrs.frozen
class RedactionInput:
    """Text around a form that plants `SECRET` (a URL or not), and noise to put around it."""

    prefix: str
    form: str
    suffix: str
    noise: str
    url: bool


def _chars(p: Provider, alphabet: str, limit: int) -> str:
    """Up to ``limit`` characters of ``alphabet``, one byte each."""
    if not alphabet:
        return ""
    return "".join(p.pick(alphabet) for _ in range(p.below(limit + 1)))


def decode_redaction(data: bytes) -> RedactionInput:
    """A form, its name and characters, prose before and after, then noise (the rest)."""
    p = Provider(data)
    index = p.below(len(_REDACTION_FORMS))
    template, alphabet = _REDACTION_FORMS[index]
    form = template.format(
        n=p.pick(_SECRET_NAMES),
        k=p.pick(_KEY_NAMES),
        a=_chars(p, alphabet, 8),
        b=_chars(p, alphabet, 8),
        s=SECRET,
    )
    words = p.pick(_PROSE_WORDS)
    prefix = f"{words}{p.pick(_PROSE_OPENERS)}" if words else ""
    closer, after = p.pick(_PROSE_CLOSERS), p.pick(_PROSE_WORDS)
    suffix = f"{closer} {after}" if after else closer
    # Noise never holds the secret: it holds no "Q", which the secret does.
    noise = p.rest().decode("utf-8", "surrogateescape").replace("Q", "")
    return RedactionInput(prefix, form, suffix, noise, url=index < len(_REDACTION_URLS))


def target_redaction(data: bytes) -> None:
    """`redact_text` hides a planted secret and keeps the prose around it exactly."""
    check_redaction(decode_redaction(data))


def check_redaction(args: RedactionInput) -> None:
    """The promises of SPEC section 6 for this form, in prose, in noise and in an error."""
    text = f"{args.prefix}{args.form}{args.suffix}"
    shown = redact_text(text)
    if not shown.startswith(args.prefix) or not shown.endswith(args.suffix):
        _broken(f"masking ate the prose around the secret: {_short(text)} -> {_short(shown)}")
    noisy = f"{args.noise} {args.form} {args.noise}"
    error = se.UnknownError(
        text,
        context={"url": args.form, "raw": args.form.encode(), "pairs": [("X-Api-Key", SECRET)]},
    )
    shown_as = {
        "redact_text": shown,
        "redact_text, in noise": redact_text(noisy),
        "repr(RetryHint)": repr(se.RetryHint.skip(noisy)),
    }
    if args.url:
        shown_as["redact_url"] = redact_url(args.form)
    _check_secrets(shown_as, SECRET)
    redact_url(noisy)  # not one URL: it must only not raise (it once recursed without end)
    _check_error(error, hidden=SECRET)


def _redaction_seeds() -> list[bytes]:
    """Each form once, with its characters, prose and some noise."""
    return [
        bytes([index, 3, 1, 4, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4]) + b" token=x https://u:p@h"
        for index in range(len(_REDACTION_FORMS))
    ]


# -- agent tools: JSON-RPC errors and MCP tool results --------------------------------------


@attrs.frozen
class AgentInput:
    """What a reader of agent-tool answers is given: anything at all."""

    data: object


def _agent_payload(p: Provider, mode: int) -> object:
    """Modes 0-2: the rest as bytes, as JSON text (parsed when it parses), a value."""
    if mode == 0:
        return p.rest()
    if mode == 1:
        text = p.rest().decode("utf-8", "surrogateescape")
        try:
            return cast("object", json.loads(text))
        except (ValueError, RecursionError):
            return text
    return value(p)


def decode_jsonrpc_error(data: bytes) -> AgentInput:
    """Mode byte (bytes, JSON text, a value, an envelope around a document), then the payload."""
    p = Provider(data)
    mode = p.below(4)
    if mode < 3:
        return AgentInput(_agent_payload(p, mode))
    return AgentInput({"jsonrpc": "2.0", "id": value(p), "error": document(p)})


def target_jsonrpc_error(data: bytes) -> None:
    """`jsonrpc.from_error` never raises and returns one of the 16 types, told to a model."""
    check_jsonrpc_error(decode_jsonrpc_error(data))


def check_jsonrpc_error(args: AgentInput) -> None:
    """The promises of `from_error` (SPEC section 7) for this input."""
    error = se.jsonrpc.from_error(args.data)
    if _said_by_the_guard(error):
        read_jsonrpc_error(args.data, "urn:spice-errors:")  # raises what the guard caught
    _check_error(error)
    if error.context.get("received") is not True:
        _broken(f"{type(error).__name__} read from JSON-RPC is not marked received")
    _check_for_model(error)
    wire = se.jsonrpc.to_error(error)
    _strict(wire)
    if type(se.jsonrpc.from_error(wire)) is not type(error):
        _broken(f"{type(error).__name__} did not come back from its own JSON-RPC error")


def decode_tool_result(data: bytes) -> AgentInput:
    """Mode byte (bytes, JSON text, a value, a result of values), then the payload."""
    p = Provider(data)
    mode = p.below(4)
    if mode < 3:
        return AgentInput(_agent_payload(p, mode))
    result = {"content": [{"type": "text", "text": value(p)}], "isError": p.below(2) == 0}
    if p.below(2):
        result["structuredContent"] = {"error": document(p)}
    return AgentInput(result)


def target_tool_result(data: bytes) -> None:
    """`mcp.from_tool_result` never raises and returns a result; a failure is well formed."""
    check_tool_result(decode_tool_result(data))


def check_tool_result(args: AgentInput) -> None:
    """The promises of `from_tool_result` (SPEC section 7) for this input."""
    result = se.mcp.from_tool_result(args.data)
    if not isinstance(result, se.Success | se.Failure):
        _broken(f"from_tool_result returned {type(result).__name__}, not a result")
    if isinstance(result, se.Success):
        return
    if _said_by_the_guard(result.error):
        read_tool_result(args.data, None, "urn:spice-errors:")  # raises what the guard caught
    error = _check_error(result.error)
    _check_for_model(error)
    answer = se.mcp.to_tool_result(error)
    _strict(answer)
    back = se.mcp.from_tool_result(answer).error_or_none()
    if type(back) is not type(error):
        _broken(f"{type(error).__name__} did not come back from its own tool result")


def _said_by_the_guard(error: se.SpiceError) -> bool:
    """Whether the error reads as the one a reader's ``except Exception`` returns.

    That guard keeps the promise never to raise, and would hide a bug from the fuzzer: the
    reader is then called again without it, so that what it caught is raised and reported
    with its traceback. (The input's own message may say the same words: then the second
    call returns, and the checks go on.)
    """
    return type(error) is se.SerializationError and ": reading it failed with " in error.message


def _check_for_model(error: se.SpiceError) -> None:
    text = error.for_model()
    if len(text) > 600:
        _broken(f"for_model() wrote {len(text)} characters: {_short(text)}")
    if not text.startswith(f"{error.code}: ") or "\nRetry: " not in text:
        _broken(f"for_model() does not say what failed and whether to retry: {_short(text)}")


def _jsonrpc_seeds() -> list[bytes]:
    return _agent_seeds("jsonrpc_error")


def _tool_result_seeds() -> list[bytes]:
    return _agent_seeds("tool_result")


# What real parties answer, verbatim. The mcp SDK 2.3's answers were taken from a real
# MCPServer over stdio (the server of tests/test_jsonrpc.py, asked for a method it lacks,
# an unknown resource, and tool calls): its envelopes are mcp_types.jsonrpc.JSONRPCError
# around ErrorData (code, message, data), its tool results mcp_types.CallToolResult
# (content, isError, structuredContent) in their JSON form.
REAL_JSONRPC_ERRORS: Sequence[dict[str, Any]] = (
    # the mcp SDK: a method the server lacks (METHOD_NOT_FOUND, the method as data)
    {
        "jsonrpc": "2.0",
        "id": 2,
        "error": {"code": -32601, "message": "Method not found", "data": "no/such/method"},
    },
    # the mcp SDK: resources/read of an unknown URI (INVALID_PARAMS, the URI as data)
    {
        "jsonrpc": "2.0",
        "id": 3,
        "error": {
            "code": -32602,
            "message": "Unknown resource: res://nope",
            "data": {"uri": "res://nope"},
        },
    },
    # the mcp SDK's ErrorData alone, as MCPError carries it: a request timed out
    # (mcp_types.jsonrpc.REQUEST_TIMEOUT, mcp/shared/jsonrpc_dispatcher.py's message)
    {"code": -32001, "message": "Request 'tools/call' timed out", "data": None},
    # JSON-RPC 2.0 sections 5.1 and 7: a parse error and an invalid request (null ids),
    # an unknown method (a string id), and 5.1's internal and server errors
    {"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": None},
    {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": None},
    {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"},
    {"jsonrpc": "2.0", "error": {"code": -32603, "message": "Internal error"}, "id": 9},
    {"jsonrpc": "2.0", "error": {"code": -32000, "message": "Server error"}, "id": 10},
)
_VALIDATION_TEXT = (
    "Error executing tool add: 1 validation error for addArguments\nb\n  Field required "
    "[type=missing, input_value={'a': 1}, input_type=dict]\n    For further information "
    "visit https://errors.pydantic.dev/2.14/v/missing"
)
REAL_TOOL_RESULTS: Sequence[dict[str, Any]] = (
    # the mcp SDK: add called without argument b (its validation failure, in words)
    {"content": [{"text": _VALIDATION_TEXT, "type": "text"}], "isError": True},
    # the mcp SDK: add(1, 2), a success with structured content
    {
        "content": [{"text": "3", "type": "text"}],
        "isError": False,
        "structuredContent": {"result": 3},
    },
    # the mcp SDK: tools/call of a tool the server lacks (a result, not a JSON-RPC error)
    {"content": [{"text": "Unknown tool: nope", "type": "text"}], "isError": True},
)


def _agent_seeds(name: str) -> list[bytes]:
    """Real answers as JSON text (mode 1) and as raw bytes (mode 0); ours for every type.

    Ours are what `jsonrpc.to_error` and `mcp.to_tool_result` write for each sample error,
    a JSON-RPC error also in the envelope a server sends it in.
    """
    errors = _sample_errors()
    if name == "jsonrpc_error":
        real = REAL_JSONRPC_ERRORS
        ours: list[object] = [se.jsonrpc.to_error(error) for error in errors]
        ours += [{"jsonrpc": "2.0", "id": i, "error": wire} for i, wire in enumerate(ours[::4])]
    else:
        real = REAL_TOOL_RESULTS
        ours = [se.mcp.to_tool_result(error) for error in errors]
    as_text = [bytes([1]) + json.dumps(document).encode() for document in [*real, *ours]]
    return as_text + [bytes([0]) + json.dumps(document).encode() for document in real]


TARGETS: Mapping[str, Callable[[bytes], None]] = {
    "from_problem": target_from_problem,
    "error_from_json": target_error_from_json,
    "result_from_json": target_result_from_json,
    "parse_retry_after": target_parse_retry_after,
    "from_response": target_from_response,
    "vendor_body": target_vendor_body,
    "wait_headers": target_wait_headers,
    "redaction": target_redaction,
    "jsonrpc_error": target_jsonrpc_error,
    "tool_result": target_tool_result,
}
"""Every target by name, in the order they run."""

_DECODERS: Mapping[str, Callable[[bytes], attrs.AttrsInstance]] = {
    "from_problem": decode_from_problem,
    "parse_retry_after": decode_parse_retry_after,
    "from_response": decode_from_response,
    "vendor_body": decode_vendor_body,
    "wait_headers": decode_wait_headers,
    "redaction": decode_redaction,
    "jsonrpc_error": decode_jsonrpc_error,
    "tool_result": decode_tool_result,
}


def describe(name: str, data: bytes) -> str:
    """What a target calls its parser with for ``data``, for a crash report."""
    decode = _DECODERS.get(name)
    if decode is None:
        return f"{name}({_short(data)})"
    args = attrs.asdict(decode(data), recurse=False)
    return f"{name}({', '.join(f'{key}={_short(arg)}' for key, arg in args.items())})"


# -- seeds --------------------------------------------------------------------------------


_FIELD_VALUES: Mapping[str, object] = {
    "status_code": 503,
    "retry_after_ms": 1500,
    "timeout_ms": 30_000,
    "available_tools": ("search", "add"),
    "available_targets": ("left", "right"),
    "retry_hint": se.RetryHint(retry_after_ms=250, max_attempts=3, reason="busy"),
    "comm": {"id": 7, "to": ["a", "b"]},
    "actual_value": [1, 2.5, None],
    "endpoint": "https://api.example.com/v1/items?page=2",
    "errors": (se.ValidationError("must be positive", field="age", context={"pointer": "/age"}),),
}
_CONTEXT: Mapping[str, object] = {
    "attempt": 2,
    "nested": {"list": [1, -2.5, None, True, "x"], "empty": {}},
    "url": "https://api.example.com/v1?q=1",
}


def _sample_errors() -> list[se.SpiceError]:
    """One error of each type with every field set, some with cause chains."""
    errors: list[se.SpiceError] = []
    for index, cls in enumerate(_ALL_TYPES):
        fields: dict[str, Any] = {
            field.name: _FIELD_VALUES.get(field.name, f"{field.name}-{index}")
            for field in attrs.fields(cls)[4:]
        }
        cause: BaseException | None = None
        if index % 3 == 1:
            cause = ConnectionResetError("reset by peer")
            cause.__cause__ = OSError("read failed")
        elif index % 3 == 2:
            inner = se.TimeoutError("slow", timeout_ms=5, cause=ValueError("inner"))
            cause = inner.to_exception()
        context = dict(_CONTEXT) if index % 2 else {}
        errors.append(cls(f"{cls.__name__} happened", context=context, cause=cause, **fields))
    return errors


def _chained(depth: int) -> se.SpiceError:
    """An error whose cause is a SpiceException carrying an error with a cause, ``depth`` deep."""
    error: se.SpiceError = se.NetworkError("leaf happened", cause=KeyError("k"))
    for level in range(depth):
        error = se.RetryableError(f"level {level} happened", cause=error.to_exception())
    return error


def seeds(name: str) -> list[bytes]:
    """Valid inputs for a target, so that the fuzzer starts deep in the parser."""
    own = {
        "vendor_body": _vendor_seeds,
        "wait_headers": _wait_seeds,
        "redaction": _redaction_seeds,
        "jsonrpc_error": _jsonrpc_seeds,
        "tool_result": _tool_result_seeds,
    }.get(name)
    if own is not None:
        return own()
    errors = [*_sample_errors(), _chained(3)]
    if name == "error_from_json":
        return [error.to_json(redact=False).encode() for error in errors]
    if name == "result_from_json":
        results: list[se.SpiceResult[object, se.SpiceError]] = [
            se.Success(value) for value in (1, "x", None, [1, {"a": 2.5}], {"k": [True]})
        ]
        results += [se.Failure(error) for error in errors[::3]]
        return [result_to_json(result, redact=False).encode() for result in results]
    if name == "from_problem":
        # The development form: it carries the message, which a public 5xx does not.
        documents = [json.dumps(to_problem(error, debug=True)).encode() for error in errors]
        # mode 0 (bytes) without a status; mode 1 (text) with status 429
        return [bytes([0, 0]) + doc for doc in documents[:8]] + [
            bytes([1, 1, COMMON_STATUSES.index(429)]) + doc for doc in documents[8:]
        ]
    if name == "from_response":
        problem = ("content-type", "application/problem+json")
        return [
            response_seed(
                status, [problem, header], json.dumps(to_problem(error, debug=True)).encode()
            )
            for status, header, error in zip(
                (429, 503, 302, 400, 401, 500, 404, 422),
                (
                    ("retry-after", "3"),
                    ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
                    ("location", HEADER_VALUES[12]),
                    ("x-request-id", "req-1"),
                    ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
                    ("retry-after", "soon"),
                    ("content-type", "application/json"),
                    ("retry-after", "1.5"),
                ),
                errors,
                strict=False,
            )
        ]
    # parse_retry_after: flags 0 (text, no Date), then each form with a fixed now
    values = ("120", " 1.5 ", *HEADER_VALUES[8:11], "Sun Nov  6 08:49:37 1994", "2147483648")
    fixed_now = bytes([2, 0x07, 0xDF, 9, 20, 7, 28, 0])  # aware 2016-10-21 07:28:00 UTC
    return [bytes([0]) + fixed_now + text.encode() for text in values] + [
        bytes([6]) + fixed_now + bytes([1]) + HEADER_VALUES[9].encode()
    ]


# -- structure-aware mutation of JSON documents -------------------------------------------

_LINK_TYPES = ("spice_errors.SpiceException", "builtins.OSError")
_JSON_LEAVES: Sequence[object] = (
    None, True, False, 0, -1, 2**63, -(2**63), 1e308, -0.0, 0.5, math.nan, math.inf, "", "x",
    "\ud800", "://", "token=abc", *_LINK_TYPES, *(c.code for c in _ALL_TYPES),
    *(c.__name__ for c in _ALL_TYPES), [], {},
)  # fmt: skip
_MEMBERS = (
    "code", "type", "message", "timestamp", "context", "fields", "cause", "error", "success",
    "value", "retry_hint", "status_code", "available_tools",
)  # fmt: skip


def _json_nodes(document: object) -> list[dict[str, object] | list[object]]:
    """Every object and array in a parsed document, the document first."""
    found: list[dict[str, object] | list[object]] = []
    stack = [document]
    while stack and len(found) < 500:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(cast("dict[str, object]", node))
            stack.extend(cast("dict[str, object]", node).values())
        elif isinstance(node, list):
            found.append(cast("list[object]", node))
            stack.extend(cast("list[object]", node))
    return found


def mutate_json(document: object, choose: random.Random) -> object:
    """``document`` with one member replaced, removed, copied or nested as a cause.

    Changes the document in place (and returns it, or a new top-level value).
    """
    nodes = _json_nodes(document)
    action = choose.randrange(5)
    if action == 0 or not nodes:  # the whole document becomes the cause of a new error
        code = choose.choice(_ALL_TYPES).code
        link = {"type": choose.choice(_LINK_TYPES), "message": "m", "error": document}
        return {"code": code, "message": "m", "cause": {**link, "cause": None}}
    node = choose.choice(nodes)
    if isinstance(node, list):
        if action == 1 and node:
            del node[choose.randrange(len(node))]
        else:
            node.insert(choose.randrange(len(node) + 1), _fresh(choose.choice(_JSON_LEAVES)))
        return document
    key = choose.choice([*node, *_MEMBERS])
    if action == 1:
        node.pop(key, None)
    elif action == 2:
        node[key] = _fresh(choose.choice(_JSON_LEAVES))
    else:  # another subtree of the document, copied here
        node[key] = json.loads(json.dumps(choose.choice(nodes)))
    return document


def mutate_bytes(data: bytes, max_size: int, choose: random.Random) -> bytes | None:
    """A structural mutation of a JSON document, or None when ``data`` is not one."""
    try:
        document = json.loads(data)
        for _ in range(choose.randrange(1, 4)):
            document = mutate_json(document, choose)
        mutated = json.dumps(document, ensure_ascii=choose.randrange(2) == 0).encode(
            "utf-8", "surrogatepass"
        )
    except (ValueError, RecursionError):
        return None
    return mutated if len(mutated) <= max_size else None
