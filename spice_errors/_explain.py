"""``python -m spice_errors explain``: what the library makes of an HTTP answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from spice_errors._classify import classify, proves_never_sent, requested_wait
from spice_errors._errors import SpiceError
from spice_errors._policy import RetryPolicy
from spice_errors._response import read_response
from spice_errors._text import in_range
from spice_errors.http import status_for, to_problem

__all__ = ["BadInput", "explain", "parse_body", "parse_header", "parse_status"]


class BadInput(Exception):  # noqa: N818 -- a usage problem, reported in one line
    """Input the command cannot use; its message is the line shown to the user."""


def parse_status(text: str) -> int:
    """An HTTP status from 100 to 599."""
    if not text.isdecimal() or not in_range(int(text), 100, 599):
        msg = f"STATUS must be an HTTP status from 100 to 599, got {text!r}"
        raise BadInput(msg)
    return int(text)


def parse_header(text: str) -> tuple[str, str]:
    """A ``Name: value`` header."""
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or any(char.isspace() for char in name.strip()):
        msg = f"-H takes 'Name: value', got {text!r}"
        raise BadInput(msg)
    return name.strip(), value.strip()


def parse_body(text: str) -> object:
    """A JSON body, given inline or as ``@file``."""
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"--body {text[:60]!r}: cannot read the file ({type(exc).__name__})"
            raise BadInput(msg) from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        msg = f"--body is not valid JSON: {exc}"
        raise BadInput(msg) from exc


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


def explain(  # noqa: PLR0913 -- one parameter per option
    status: int,
    headers: list[tuple[str, str]],
    body: object,
    *,
    method: str,
    as_json: bool,
    out: TextIO,
) -> None:
    """Write what `from_response` makes of the answer, and what follows from it."""
    content = json.dumps(body).encode() if body is not None else None
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
            "read": read,
            "error": error.to_dict(),
            "retry": retry,
            "problem": problem,
            "server_status": server_status,
        }
        out.write(json.dumps(report) + "\n")
        return
    out.write(error.report() + "\n\n")
    out.write(_read_lines(read))
    out.write(_retry_lines(retry, method))
    out.write(f"A server would answer: {server_status}\n\nProblem document:\n")
    out.write(json.dumps(problem, indent=2) + "\n")
