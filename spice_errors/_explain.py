"""``python -m spice_errors explain``: what the library makes of an HTTP answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from spice_errors._classify import classify
from spice_errors._errors import SpiceError
from spice_errors._policy import RetryPolicy
from spice_errors._text import in_range
from spice_errors.http import from_response, status_for, to_problem

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


def _retry(error: SpiceError) -> dict[str, object]:
    decision = classify(error)
    policy = RetryPolicy.DEFAULT
    wait = policy.calculate_delay(1, decision.suggested_delay, random=lambda: 0.5)
    return {
        "retryable": decision.should_retry,
        "reason": decision.reason,
        "first_wait_seconds": wait if decision.should_retry else None,
        "server_asked_seconds": decision.suggested_delay,
    }


def _source(retry: dict[str, object]) -> str:
    asked = retry["server_asked_seconds"]
    if not isinstance(asked, float):
        return "backoff, give or take 10 % jitter"
    if asked > RetryPolicy.DEFAULT.max_delay:
        return f"the server asked {asked:g} s; capped at max_delay"
    return "as the server asked"


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
    error = from_response(status, headers, content, method=method)
    retry = _retry(error)
    problem = to_problem(error)
    server_status = status_for(error)
    if as_json:
        report = {
            "error": error.to_dict(),
            "retry": retry,
            "problem": problem,
            "server_status": server_status,
        }
        out.write(json.dumps(report) + "\n")
        return
    out.write(error.report() + "\n\n")
    if retry["retryable"]:
        out.write(
            f"Retry: yes under the default policy ({retry['reason']}); "
            f"first wait {retry['first_wait_seconds']:.2f} s ({_source(retry)}).\n"
        )
    else:
        out.write(f"Retry: no ({retry['reason']}).\n")
    out.write(f"A server would answer: {server_status}\n\nProblem document:\n")
    out.write(json.dumps(problem, indent=2) + "\n")
