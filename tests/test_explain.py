"""python -m spice_errors explain: the mapping, the retry decision, the problem."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from spice_errors.__main__ import main


def run(*args: str) -> str:
    out = io.StringIO()
    assert 0 == main(["explain", *args], out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "first_line", "retry_line", "server"),
    [
        (["400"], "ValidationError (VALIDATION_ERROR): 400 Bad Request (GET)", "Retry: no", 400),
        (["403"], "AuthenticationError (AUTH_ERROR): 403 Forbidden (GET)", "Retry: no", 403),
        (
            ["404", "--method", "post"],
            "NetworkError (NETWORK_ERROR): 404 Not Found (POST)",
            "Retry: no",
            404,
        ),
        (
            ["503"],
            "NetworkError (NETWORK_ERROR): 503 Service Unavailable (GET)",
            "first wait 0.20 s (backoff",
            503,
        ),
        (
            ["503", "-H", "Retry-After: 3"],
            "NetworkError (NETWORK_ERROR): 503 Service Unavailable (GET)",
            "first wait 3.00 s (as the server asked)",
            503,
        ),
        (
            ["429", "-H", "Retry-After: 30"],
            "RateLimitError (RATE_LIMIT_ERROR)",
            (
                "first wait 30.00 s (as the server asked, longer than max_delay: "
                "a server's wait is never shortened)"
            ),
            429,
        ),
        (
            ["429", "-H", "Retry-After: 120"],
            "RateLimitError (RATE_LIMIT_ERROR)",
            (
                "Retry: no, stopped at once: the server asks to wait 120 s, longer than the "
                "default policy's max_retry_after (60 s); "
                'retry_stopped="retry_after_exceeds_limit".'
            ),
            429,
        ),
        (
            ["503", "--method", "POST"],
            "NetworkError (NETWORK_ERROR): 503 Service Unavailable (POST)",
            "  but not a POST without an Idempotency-Key: the server may have done it",
            503,
        ),
        (
            ["302", "-H", "Location: https://x/?token=t"],
            "NetworkError (NETWORK_ERROR): 302 Found (GET)",
            "Retry: no",
            502,
        ),
    ],
)
def test_statuses(args: list[str], first_line: str, retry_line: str, server: int) -> None:
    """Each answer: its error, whether it is retried, what a server would say."""
    text = run(*args)
    assert text.splitlines()[0].startswith(first_line)
    assert retry_line in text
    assert f"A server would answer: {server}" in text


def test_body_and_json(tmp_path: Path) -> None:
    """A problem body, inline or from a file; --json prints one parseable object."""
    body = {
        "type": "about:blank",
        "title": "Down",
        "detail": "Database outage",
        "retry_after": 5,
        "api_key": "S3cr3t",
    }
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    for given in (json.dumps(body), f"@{path}"):
        data = json.loads(run("503", "--body", given, "--json"))
        assert "NETWORK_ERROR" == data["error"]["code"]
        assert "Database outage" == data["problem"]["detail"]
        assert {
            "retryable": True,
            "reason": "HTTP 503",
            "first_wait_seconds": 5.0,
            "server_asked_seconds": 5.0,
            "stopped": None,
            "write_retried_without_key": None,
        } == data["retry"]
        assert {
            "format": "rfc9457",
            "error_code": None,
            "error_type": None,
            "wait_seconds": 5.0,
            "wait_from": "the problem's retry_after member",
            "should_retry": None,
        } == data["read"]
        assert 503 == data["server_status"]
        assert "S3cr3t" not in json.dumps(data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["abc"], "STATUS must be an HTTP status from 100 to 599, got 'abc'"),
        (["700"], "STATUS must be an HTTP status"),
        (["503", "-H", "Retry-After 3"], "-H takes 'Name: value'"),
        (["503", "-H", ": 3"], "-H takes 'Name: value'"),
        (["503", "--body", "{nope"], "--body is not valid JSON"),
        (["503", "--body", "@/no/such/file.json"], "cannot read the file (FileNotFoundError)"),
    ],
)
def test_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad input: one line on stderr, exit status 2, no traceback."""
    assert 2 == main(["explain", *args], io.StringIO())
    err = capsys.readouterr().err
    assert 1 == len(err.splitlines())
    assert message in err


def test_usage_errors_are_one_line() -> None:
    """Argument errors from the parser are one line too (as a real process)."""
    done = subprocess.run(
        [sys.executable, "-m", "spice_errors", "explain"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert 2 == done.returncode
    assert 1 == len(done.stderr.splitlines())
    assert "Traceback" not in done.stderr


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--help shows each option and an example."""
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    text = capsys.readouterr().out
    for option in (
        "STATUS",
        "--header",
        "--body",
        "--method",
        "--json",
        'explain 429 -H "Retry-After: 30"',
    ):
        assert option in text


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            [
                "429",
                "-H",
                "retry-after-ms: 1500",
                "--body",
                '{"error": {"message": "Rate limit reached", "code": "rate_limit_exceeded"}}',
            ],
            [
                'Read: an {"error": {...}} body (OpenAI, Stripe, Azure and the like)',
                "  vendor code rate_limit_exceeded",
                "  asks to wait 1.5 s, from the retry-after-ms header",
                "Retry: yes under the default policy (rate limited); first wait 1.50 s",
            ],
        ),
        (
            [
                "429",
                "--body",
                (
                    '{"error": {"message": "You exceeded your current quota", '
                    '"type": "insufficient_quota", "code": "insufficient_quota"}}'
                ),
            ],
            [
                "  vendor code insufficient_quota, type insufficient_quota",
                "Retry: no (quota spent: waiting will not help).",
            ],
        ),
        (
            [
                "409",
                "-H",
                "Stripe-Should-Retry: true",
                "--body",
                '{"error": {"type": "api_error"}}',
            ],
            ["  vendor type api_error", "  says should_retry=True", "Retry: yes"],
        ),
        (["503"], ["Read: no body it could read"]),
    ],
)
def test_what_was_read(args: list[str], lines: list[str]) -> None:
    """The body's format, the vendor's code and type, the wait and where it came from."""
    shown = run(*args).splitlines()
    for line in lines:
        assert any(found.startswith(line) for found in shown), (line, shown)
