"""``python -m spice_errors explain``: what the library makes of an HTTP answer."""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Final, cast

from spice_errors._classify import classify, proves_never_sent, requested_wait
from spice_errors._errors import SpiceError
from spice_errors._fields import json_safe
from spice_errors._policy import RetryPolicy
from spice_errors._response import read_response
from spice_errors._text import LazyPattern, in_range
from spice_errors.http import status_for, to_problem

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_BODY_DEPTH",
    "BadInput",
    "explain",
    "parse_body",
    "parse_header",
    "parse_method",
    "parse_status",
    "printable",
]

MAX_BODY_BYTES: Final = 16 * 1024 * 1024
"""A larger ``--body`` is refused: it is no answer worth explaining, and would be slow."""
MAX_BODY_DEPTH: Final = 128
"""A ``--body`` nested deeper than this is refused, long before Python's recursion limit."""
_STATUS_DIGITS: Final = 3
_SHOWN: Final = 60
"""Characters of a bad argument that its message quotes."""
# RFC 9110 section 5.6.2: what header names and methods are made of.
_TOKEN: Final = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
# What no HTTP field value can hold (RFC 9110 section 5.5).
_NOT_IN_VALUES: Final = frozenset("\r\n\0")


class BadInput(Exception):  # noqa: N818 -- a usage problem, reported in one line
    """Input the command cannot use; its message is the line shown to the user."""


def _shown(text: str) -> str:
    """Bad input as a message quotes it: escaped, on one line, and cut short."""
    if len(text) <= _SHOWN:
        return repr(text)
    return f"{text[:_SHOWN]!r}... ({len(text)} characters)"


def _is_token(text: str) -> bool:
    return bool(text) and all(char in _TOKEN for char in text)


def printable(text: str, encoding: str | None) -> str:
    """``text`` as a stream in ``encoding`` can write it: what it cannot hold escaped.

    A lone surrogate (``os.fsdecode`` makes one of each byte that is not UTF-8) can be
    written in no encoding; it becomes its backslash escape.
    """
    if text.isascii():
        return text
    try:
        return text.encode(encoding or "utf-8", "backslashreplace").decode(encoding or "utf-8")
    except LookupError:  # an encoding Python does not know: plain ASCII is safe anywhere
        return text.encode("ascii", "backslashreplace").decode("ascii")


def parse_status(text: str) -> int:
    """An HTTP status from 100 to 599, in ASCII digits."""
    digits = text.isascii() and text.isdigit() and len(text) == _STATUS_DIGITS
    if not (digits and in_range(int(text), 100, 599)):
        msg = f"STATUS must be an HTTP status from 100 to 599, got {_shown(text)}"
        raise BadInput(msg)
    return int(text)


def parse_header(text: str) -> tuple[str, str]:
    """A ``Name: value`` header: the name a token, the value on one line."""
    name, colon, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not colon or not _is_token(name):
        msg = (
            "-H takes 'Name: value', the name made of letters, digits and "
            f"!#$%&'*+-.^_`|~, got {_shown(text)}"
        )
        raise BadInput(msg)
    if not _NOT_IN_VALUES.isdisjoint(value):
        msg = f"-H {name}: a header value cannot hold a line break or NUL, got {_shown(value)}"
        raise BadInput(msg)
    return name, value


def parse_method(text: str) -> str:
    """A request method: a token, such as ``GET`` or ``post`` (upper-cased)."""
    if not _is_token(text):
        msg = f"--method must be an HTTP method such as GET or POST, got {_shown(text)}"
        raise BadInput(msg)
    return text.upper()


def parse_body(text: str) -> str:
    """A JSON body, given inline or as ``@file``: its text, checked.

    It must be UTF-8, at most `MAX_BODY_BYTES` long and nested at most `MAX_BODY_DEPTH`
    levels deep; the text itself is what the answer is read from, as it would be.
    """
    if text.startswith("@"):
        text = _read_file(text[1:])
    else:
        _check_text(text)
    try:
        parsed = json.loads(text)
    except RecursionError:
        parsed = None
        depth = MAX_BODY_DEPTH + 1
    except json.JSONDecodeError as exc:
        # Python 3.13 reads deeper than 3.11 before it fails: an unclosed, deep body is
        # told as deep on every version.
        if _opened_depth(text[: exc.pos]) > MAX_BODY_DEPTH:
            msg = f"--body is nested deeper than {MAX_BODY_DEPTH} levels"
            raise BadInput(msg) from exc
        msg = f"--body is not valid JSON: {exc}"
        raise BadInput(msg) from exc
    except ValueError as exc:  # an integer longer than Python reads
        msg = f"--body holds a number too long for Python: {exc}".partition(";")[0]
        raise BadInput(msg) from exc
    else:
        depth = _depth(parsed)
    if depth > MAX_BODY_DEPTH:
        msg = f"--body is nested deeper than {MAX_BODY_DEPTH} levels"
        raise BadInput(msg)
    return text


def _check_text(text: str) -> None:
    if len(text) > MAX_BODY_BYTES:
        msg = f"--body is longer than {MAX_BODY_BYTES // 2**20} MiB"
        raise BadInput(msg)
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        msg = f"--body is not UTF-8 text: {text[exc.start]!r} at character {exc.start}"
        raise BadInput(msg) from exc


def _read_file(path: str) -> str:
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_BODY_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        msg = f"--body @{_shown(path)}: cannot read the file ({type(exc).__name__})"
        raise BadInput(msg) from exc
    if len(data) > MAX_BODY_BYTES:
        msg = f"--body @{_shown(path)}: the file is larger than {MAX_BODY_BYTES // 2**20} MiB"
        raise BadInput(msg)
    try:
        return data.decode()
    except UnicodeDecodeError as exc:
        msg = (
            f"--body @{_shown(path)}: the file is not UTF-8 text "
            f"(byte {data[exc.start]:#04x} at offset {exc.start})"
        )
        raise BadInput(msg) from exc


_BRACKETS: Final = LazyPattern(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def _opened_depth(text: str) -> int:
    """How deep the brackets of ``text`` (JSON read up to an error) nest, strings skipped."""
    deepest = depth = 0
    for match in _BRACKETS.get().finditer(text):
        found = match.group()
        if found in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif found in "]}":
            depth -= 1
    return deepest


def _depth(value: object) -> int:
    """How deep ``value``'s lists and objects nest, counted without recursion."""
    deepest = 0
    todo: list[tuple[object, int]] = [(value, 1)]
    while todo and deepest <= MAX_BODY_DEPTH:
        item, depth = todo.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = cast("dict[object, object]", item).values()
        elif isinstance(item, list):
            children = cast("list[object]", item)
        else:
            continue
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in children)
    return deepest


def _retry(error: SpiceError, method: str) -> dict[str, object]:
    """What `retry` under the default policy, and the transport, would do with the answer."""
    decision = classify(error)
    policy = RetryPolicy.DEFAULT
    asked = decision.suggested_delay
    stopped = wait = None
    if decision.should_retry:
        if asked is not None and asked > policy.max_retry_after:
            stopped = "retry_after_exceeds_limit"
        else:
            wait = policy.calculate_delay(1, asked, random=lambda: 0.5)
    write = method.upper() in _WRITES and decision.should_retry
    return {
        "retryable": decision.should_retry,
        "reason": decision.reason,
        "first_wait_seconds": wait,
        "server_asked_seconds": asked,
        "stopped": stopped,
        "write_retried_without_key": proves_never_sent(error) if write else None,
    }


_WRITES = frozenset({"POST", "PATCH"})


def _source(retry: dict[str, object]) -> str:
    asked = retry["server_asked_seconds"]
    if not isinstance(asked, float):
        return "backoff, give or take 10 % jitter"
    if asked > RetryPolicy.DEFAULT.max_delay:
        return "as the server asked, longer than max_delay: a server's wait is never shortened"
    return "as the server asked"


def _retry_lines(retry: dict[str, object], method: str) -> str:
    policy = RetryPolicy.DEFAULT
    if not retry["retryable"]:
        return f"Retry: no ({retry['reason']}).\n"
    if retry["stopped"] is not None:
        return (
            f"Retry: no, stopped at once: the server asks to wait "
            f"{retry['server_asked_seconds']:g} s, longer than the default policy's "
            f"max_retry_after ({policy.max_retry_after:g} s); "
            f'retry_stopped="{retry["stopped"]}".\n'
        )
    line = (
        f"Retry: yes under the default policy ({retry['reason']}); "
        f"first wait {retry['first_wait_seconds']:.2f} s ({_source(retry)}).\n"
    )
    if retry["write_retried_without_key"] is False:
        line += (
            f"  but not a {method.upper()} without an Idempotency-Key: the server may have "
            "done it (retry(idempotent=False), RetryTransport).\n"
        )
    return line


_FORMATS = {
    "rfc9457": "an RFC 9457 problem document",
    "anthropic": "Anthropic's error body",
    "google": "Google's error body",
    "error-object": 'an {"error": {...}} body (OpenAI, Stripe, Azure and the like)',
    "oauth2": "an OAuth 2 error (RFC 6749)",
    "jsonapi": "a JSON:API errors list",
    "graphql": "a GraphQL errors list",
    "aws": "an AWS JSON error",
    "github": "GitHub's error body",
    "message": "a body with a top-level message",
    "aws-xml": "an S3-style XML error",
    "text": "a plain-text body",
}


def _read(error: SpiceError, facts: dict[str, object]) -> dict[str, object]:
    """What was read from the answer: its body's format, the vendor's code, the wait."""
    wait = requested_wait(error)
    return {
        "format": facts.get("format"),
        "error_code": error.context.get("error_code"),
        "error_type": error.context.get("error_type"),
        "wait_seconds": wait,
        "wait_from": facts.get("wait_from") if wait is not None else None,
        "should_retry": error.context.get("should_retry"),
    }


def _read_lines(read: dict[str, object]) -> str:
    body = _FORMATS.get(str(read["format"]), "no body it could read")
    lines = [f"Read: {body}"]
    code, kind = read["error_code"], read["error_type"]
    if code is not None or kind is not None:
        shown = ", ".join(
            f"{name} {value}" for name, value in (("code", code), ("type", kind)) if value
        )
        lines.append(f"  vendor {shown}")
    if read["wait_seconds"] is not None:
        lines.append(f"  asks to wait {read['wait_seconds']:g} s, from {read['wait_from']}")
    if read["should_retry"] is not None:
        lines.append(f"  says should_retry={read['should_retry']}")
    return "\n".join(lines) + "\n\n"


def explain(
    status: int,
    headers: list[tuple[str, str]],
    body: str | None,
    *,
    method: str,
    as_json: bool,
) -> str:
    """What `from_response` makes of the answer, and what follows from it, as text."""
    content = body.encode() if body is not None else None
    headers = [*headers]
    if body is not None and not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    facts: dict[str, object] = {}
    error = read_response(status, headers, content, method=method, url=None, facts=facts)
    read = _read(error, facts)
    retry = _retry(error, method)
    problem = to_problem(error)
    server_status = status_for(error)
    if as_json:
        report = {
            "read": json_safe(read, redact=False),
            "error": error.to_dict(),
            "retry": json_safe(retry, redact=False),
            "problem": problem,
            "server_status": server_status,
        }
        return json.dumps(report, allow_nan=False) + "\n"
    return "".join(
        (
            error.report() + "\n\n",
            _read_lines(read),
            _retry_lines(retry, method),
            (
                f"A server passing it on would answer: {server_status}"
                " (the answer came from another service: its caller did nothing wrong)\n\n"
                "The problem document it would send:\n"
            ),
            json.dumps(problem, indent=2) + "\n",
        )
    )
