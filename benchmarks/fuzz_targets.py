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
is: ``repr``, ``str``, `to_json` (and read back by `error_from_json`) and `to_problem`
(ready for ``json.dumps``) must all work on it.
"""

from __future__ import annotations

import json
import math
import random
import reprlib
import struct
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NoReturn, TypeVar, cast

import attrs

import spice_errors as se
from spice_errors._errors import ALL_TYPES as _ALL_TYPES
from spice_errors._serialization import result_to_json
from spice_errors.http import from_problem, from_response, parse_retry_after, to_problem

__all__ = [
    "TARGETS",
    "BrokenPromiseError",
    "ProblemInput",
    "Provider",
    "ResponseInput",
    "RetryAfterInput",
    "check_error_from_json",
    "check_from_problem",
    "check_from_response",
    "check_parse_retry_after",
    "check_result_from_json",
    "decode_from_problem",
    "decode_from_response",
    "decode_parse_retry_after",
    "describe",
    "mutate_bytes",
    "mutate_json",
    "response_seed",
    "seeds",
    "target_error_from_json",
    "target_from_problem",
    "target_from_response",
    "target_parse_retry_after",
    "target_result_from_json",
]

T = TypeVar("T")

MAX_RETRY_AFTER = 2**31
"""The longest wait `parse_retry_after` returns, in seconds."""

COMMON_STATUSES = (
    200, 204, 301, 302, 304, 307, 400, 401, 403, 404, 409, 418, 422, 429,
    500, 501, 502, 503, 504, 599,
)  # fmt: skip
EDGE_STATUSES = (0, -1, 99, 100, 199, 299, 300, 399, 499, 600, 999, 2**31, -(2**63), 2**64)
HEADER_NAMES = (
    "content-type", "retry-after", "date", "location", "x-request-id", "request-id",
    "x-correlation-id", "authorization", "set-cookie", "x-api-key",
)  # fmt: skip
HEADER_VALUES = (
    "application/problem+json", "application/json", "text/html; charset=utf-8", "0", "3",
    "1.5", "2147483648", "-1", "Wed, 21 Oct 2015 07:28:00 GMT",
    "Wednesday, 21-Oct-15 07:28:00 GMT", "Wed Oct 21 07:28:00 2015", "soon",
    "https://user:pw@example.com/login?token=abc#access_token=x", "req-1", "",
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


def _check_error(error: object) -> se.SpiceError:
    """``error`` is one of the 16 types, and everything an error offers works on it."""
    if not isinstance(error, se.SpiceError) or type(error) not in _ALL_TYPES:
        _broken(f"expected one of the 16 error types, got {type(error).__name__}")
    message, context = cast("object", error.message), cast("object", error.context)
    if not isinstance(message, str) or not isinstance(context, Mapping):
        _broken(f"malformed error: {type(message).__name__} message, {type(context).__name__}")
    repr(error)
    str(error)
    json.dumps(to_problem(error), allow_nan=False)
    back = se.error_from_json(error.to_json(redact=False))
    if type(back) is not type(error):
        _broken(f"{type(error).__name__} read back from its JSON as {type(back).__name__}")
    return error


def _expected_types(status: object) -> tuple[type[se.SpiceError], ...]:
    """The classes `from_response`'s docstring maps ``status`` to (0 when not an int)."""
    code = status if isinstance(status, int) and not isinstance(status, bool) else 0
    by_status: dict[int, type[se.SpiceError]] = {
        400: se.ValidationError,
        422: se.ValidationError,
        401: se.AuthenticationError,
        403: se.AuthenticationError,
        429: se.RateLimitError,
    }
    if code in by_status:
        return (by_status[code],)
    if 500 <= code <= 599:
        return (se.RetryableError, se.NetworkError)
    return (se.NetworkError,)


def _check_status_mapping(error: se.SpiceError, status: object) -> None:
    expected = _expected_types(status)
    if type(error) not in expected:
        names = " or ".join(cls.__name__ for cls in expected)
        _broken(f"status {_short(status)} must give {names}, got {error!r:.300}")
    code = status if isinstance(status, int) and not isinstance(status, bool) else 0
    if error.context.get("http_status") != code:
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
    error = from_response(
        args.status,
        args.headers,  # type: ignore[arg-type]  # odd header objects on purpose
        args.body,  # type: ignore[arg-type]  # bodies of any shape on purpose
        method=args.method,
        url=args.url,
    )
    _check_status_mapping(_check_error(error), args.status)


# -- parse_retry_after --------------------------------------------------------------------


@attrs.frozen
class RetryAfterInput:
    """Arguments for `parse_retry_after`."""

    value: str | bytes
    now: datetime | None
    date: str | bytes | None


def _now(p: Provider) -> datetime | None:
    kind = p.below(4)
    if kind == 0:
        return None
    moment = datetime(  # noqa: DTZ001 -- naive on purpose: the parser takes it as UTC
        1 + p.below(9999), 1 + p.below(12), 1 + p.below(28), p.below(24), p.below(60), p.below(60)
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


TARGETS: Mapping[str, Callable[[bytes], None]] = {
    "from_problem": target_from_problem,
    "error_from_json": target_error_from_json,
    "result_from_json": target_result_from_json,
    "parse_retry_after": target_parse_retry_after,
    "from_response": target_from_response,
}
"""Every target by name, in the order they run."""

_DECODERS: Mapping[str, Callable[[bytes], attrs.AttrsInstance]] = {
    "from_problem": decode_from_problem,
    "parse_retry_after": decode_parse_retry_after,
    "from_response": decode_from_response,
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
        documents = [json.dumps(to_problem(error)).encode() for error in errors]
        # mode 0 (bytes) without a status; mode 1 (text) with status 429
        return [bytes([0, 0]) + doc for doc in documents[:8]] + [
            bytes([1, 1, COMMON_STATUSES.index(429)]) + doc for doc in documents[8:]
        ]
    if name == "from_response":
        problem = ("content-type", "application/problem+json")
        return [
            response_seed(status, [problem, header], json.dumps(to_problem(error)).encode())
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
            node.insert(choose.randrange(len(node) + 1), choose.choice(_JSON_LEAVES))
        return document
    key = choose.choice([*node, *_MEMBERS])
    if action == 1:
        node.pop(key, None)
    elif action == 2:
        node[key] = choose.choice(_JSON_LEAVES)
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
