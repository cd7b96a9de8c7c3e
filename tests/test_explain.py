"""python -m spice_errors explain: the mapping, the retry decision, the problem."""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO, cast

import pytest

import spice_errors as se
from spice_errors.__main__ import main
from spice_errors.http import from_response, status_for, to_problem


def run(*args: str) -> str:
    """What ``explain`` prints for ``args``, which it must accept."""
    out = io.StringIO()
    assert 0 == main(["explain", *args], out)
    return out.getvalue()


def answer(status: str, *args: str) -> se.AnySpiceError:
    """The error `from_response` makes of the answer ``explain`` is given, read alike."""
    headers: list[tuple[str, str]] = []
    body: bytes | None = None
    method = "GET"
    for option, value in itertools.pairwise(args):
        if option == "-H":
            name, _, text = value.partition(":")
            headers.append((name.strip(), text.strip()))
        elif option == "--body":
            body = value.encode()
            headers.append(("Content-Type", "application/json"))
        elif option == "--method":
            method = value.upper()
    return from_response(int(status), headers, body, method=method)


@pytest.mark.parametrize(
    ("args", "first_line", "retry_line"),
    [
        (["400"], "ValidationError (VALIDATION_ERROR): 400 Bad Request (GET)", "Retry: no"),
        (["403"], "AuthenticationError (AUTH_ERROR): 403 Forbidden (GET)", "Retry: no"),
        (
            ["404", "--method", "post"],
            "NetworkError (NETWORK_ERROR): 404 Not Found (POST)",
            "Retry: no",
        ),
        (
            ["503"],
            "NetworkError (NETWORK_ERROR): 503 Service Unavailable (GET)",
            "first wait 0.20 s (backoff",
        ),
        (
            ["503", "-H", "Retry-After: 3"],
            "NetworkError (NETWORK_ERROR): 503 Service Unavailable (GET)",
            "first wait 3.00 s (as the server asked)",
        ),
        (
            ["429", "-H", "Retry-After: 30"],
            "RateLimitError (RATE_LIMIT_ERROR)",
            (
                "first wait 30.00 s (as the server asked, longer than max_delay: "
                "a server's wait is never shortened)"
            ),
        ),
        (
            ["429", "-H", "Retry-After: 120"],
            "RateLimitError (RATE_LIMIT_ERROR)",
            (
                "Retry: no, stopped at once: the server asks to wait 120 s, longer than the "
                "default policy's max_retry_after (60 s); "
                'retry_stopped="retry_after_exceeds_limit".'
            ),
        ),
        (
            ["503", "--method", "POST"],
            "NetworkError (NETWORK_ERROR): 503 Service Unavailable (POST)",
            "  but not a POST without an Idempotency-Key: the server may have done it",
        ),
        (
            ["302", "-H", "Location: https://x/?token=t"],
            "NetworkError (NETWORK_ERROR): 302 Found (GET)",
            "Retry: no",
        ),
    ],
)
def test_statuses(args: list[str], first_line: str, retry_line: str) -> None:
    """Each answer: its error, whether it is retried, what a server would say (status_for)."""
    text = run(*args)
    assert text.splitlines()[0].startswith(first_line)
    assert retry_line in text
    assert f"A server passing it on would answer: {status_for(answer(*args))} (" in text


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
        assert "Database outage" == data["error"]["message"]
        assert to_problem(answer("503", "--body", json.dumps(body))) == data["problem"]
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
        assert status_for(answer("503", "--body", json.dumps(body))) == data["server_status"]
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


# -- hostile input: one line and exit status 2, or an answer; never a traceback -------------

DEEP_LIST = "[" * 3000
DEEP_OBJECT = '{"a":' * 3000


def nested(depth: int) -> str:
    """A JSON body of lists nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["400", "--body", DEEP_LIST], "--body is nested deeper than 128 levels"),
        (["400", "--body", DEEP_OBJECT], "--body is nested deeper than 128 levels"),
        (["400", "--body", nested(129)], "--body is nested deeper than 128 levels"),
        (["400", "--body", '{"error": ' + nested(200) + "}"], "nested deeper than 128"),
        # unclosed: every Python fails to read it, each at its own depth
        (["400", "--body", "[" * 200], "--body is nested deeper than 128 levels"),
        (["400", "--body", '["' + "[" * 200 + '"'], "--body is not valid JSON"),
        (["400", "--body", '[{"a": "]]"}, ' + "[" * 130], "--body is nested deeper than 128"),
        (["400", "--body", '{"error": {"message": "\udcff"}}'], "--body is not UTF-8 text"),
        (["400", "--body", "\ud800"], "--body is not UTF-8 text: '\\ud800' at character 0"),
        (["400", "--body", "1" * 5000], "--body holds a number too long for Python"),
        (["400", "--body", "\x00"], "--body is not valid JSON"),
        (["400", "--body", "@answer\x00.json"], "cannot read the file (ValueError)"),
        (["\udcff"], "STATUS must be an HTTP status from 100 to 599, got '\\udcff'"),
        (["\uff14\uff12\uff19"], "STATUS must be an HTTP status from 100 to 599, got '\uff14"),
        (["4\x0029"], "STATUS must be an HTTP status from 100 to 599, got '4\\x0029'"),
        (["0429"], "STATUS must be an HTTP status"),
        (["9" * 100_000], "... (100000 characters)"),
        (["503", "-H", "Retry\x00After: 3"], "-H takes 'Name: value'"),
        (["503", "-H", "Retry After: 3"], "-H takes 'Name: value'"),
        (["503", "-H", "X-\udcff: 3"], "-H takes 'Name: value'"),
        (["503", "-H", "X-Id: a\x00b"], "-H X-Id: a header value cannot hold a line break or NUL"),
        (["503", "-H", "X-Id: a\r\nSet-Cookie: x"], "cannot hold a line break or NUL"),
        (["503", "--method", "G\x00T"], "--method must be an HTTP method such as GET or POST"),
        (["503", "--method", "\udcff"], "got '\\udcff'"),
        (["503", "--method", "POST\nDELETE"], "got 'POST\\nDELETE'"),
        (["503", "--method", ""], "--method must be an HTTP method"),
    ],
)
def test_hostile_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Any size, depth, encoding or NUL: one short line on stderr, exit 2, nothing else."""
    out = io.StringIO()
    assert 2 == main(["explain", *args], out)
    assert "" == out.getvalue()
    err = capsys.readouterr().err
    assert 1 == len(err.splitlines()), err
    assert message in err
    assert len(err) < 300
    err.encode()  # a lone surrogate in the input is shown escaped


def test_hostile_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A body file that is not UTF-8, too large, too deep, or not a file."""
    not_utf8 = tmp_path / "latin1.json"
    not_utf8.write_bytes(b'{"error": {"message": "caf\xe9"}}')
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_OBJECT, encoding="utf-8")
    for path, message in [
        (not_utf8, "the file is not UTF-8 text (byte 0xe9 at offset 26)"),
        (deep, "--body is nested deeper than 128 levels"),
        (tmp_path, "cannot read the file (IsADirectoryError)"),
    ]:
        assert 2 == main(["explain", "400", "--body", f"@{path}"], io.StringIO())
        err = capsys.readouterr().err
        assert 1 == len(err.splitlines())
        assert message in err


def test_bodies_larger_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A body longer than MAX_BODY_BYTES is refused, inline or from a file, unread."""
    from spice_errors import _explain

    monkeypatch.setattr(_explain, "MAX_BODY_BYTES", 2**20)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(["x" * 2**20]), encoding="utf-8")
    for given in (f"@{big}", json.dumps(["x" * 2**20])):
        assert 2 == main(["explain", "400", "--body", given], io.StringIO())
        err = capsys.readouterr().err
        assert "larger than 1 MiB" in err or "longer than 1 MiB" in err


@pytest.mark.parametrize(
    "body",
    [
        "NaN",
        '{"error": {"message": "down", "code": NaN, "type": Infinity}}',
        '{"type": "about:blank", "title": "Slow", "retry_after": 1e999}',
        '{"type": "about:blank", "title": "Slow", "retry_after": -Infinity}',
        '{"error": {"message": "nul \\u0000 byte", "code": "\\u0000"}}',
        '{"error": {"message": "lone \\udcff surrogate", "code": "\\ud800"}}',
        '{"error": {"message": "' + "m" * 100_000 + '"}}',
        '{"n": ' + "9" * 4300 + "}",
        nested(128),
    ],
)
def test_odd_bodies_are_explained(body: str) -> None:
    """JSON a server may send, however odd, is explained; --json is strict JSON."""

    def refuse(constant: str) -> None:
        msg = f"not standard JSON: {constant}"
        raise ValueError(msg)

    for as_json in ([], ["--json"]):
        out = strict_stream()
        assert 0 == main(["explain", "429", "--body", body, *as_json], out)
        text = written(out)
        if as_json:
            report = json.loads(text, parse_constant=refuse)
            assert "RATE_LIMIT_ERROR" == report["error"]["code"]
        else:
            assert text.startswith("RateLimitError (RATE_LIMIT_ERROR)")


def test_lone_surrogates_are_printed_escaped() -> None:
    """A surrogate in what is shown is written as its escape, even to a strict stream."""
    body = '{"error": {"message": "lone \\udcff surrogate"}}'
    for args in (
        ["400", "--body", body],
        ["400", "-H", "X-Request-Id: \udcff"],
        ["400", "--body", body, "--json"],
    ):
        out = strict_stream()
        assert 0 == main(["explain", *args], out)
        assert "\\udcff" in written(out)


def test_output_in_a_narrow_encoding() -> None:
    """What an ASCII or Latin-1 stream cannot hold is escaped, not an error."""
    body = '{"error": {"message": "caf\\u00e9 \\u2603"}}'
    for encoding, shown in (("ascii", "caf\\xe9 \\u2603"), ("latin-1", "café \\u2603")):
        out = strict_stream(encoding)
        assert 0 == main(["explain", "400", "--body", body], out)
        assert shown in written(out, encoding)


def test_a_stream_of_an_unknown_encoding() -> None:
    """A stream naming an encoding Python does not know gets plain ASCII."""

    class Odd:
        encoding = "no-such-codec"

        def __init__(self) -> None:
            self.parts: list[str] = []

        def write(self, text: str) -> int:
            self.parts.append(text)
            return len(text)

    out = Odd()
    body = '{"error": {"message": "caf\\u00e9"}}'
    assert 0 == main(["explain", "400", "--body", body], cast("TextIO", out))
    assert "caf\\xe9" in "".join(out.parts)
    assert "".join(out.parts).isascii()


def test_huge_headers_are_explained() -> None:
    """A megabyte header value and ten thousand headers are read, not refused."""
    text = run("429", "-H", "Retry-After: " + "9" * 1_000_000)
    assert text.startswith("RateLimitError")
    many = [arg for _ in range(10_000) for arg in ("-H", "X-Many: yes")]
    assert run("503", *many).startswith("NetworkError")


def strict_stream(encoding: str = "utf-8") -> io.TextIOWrapper:
    """A text stream that raises on what its encoding cannot hold, as a pipe's may."""
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")


def written(stream: io.TextIOWrapper, encoding: str = "utf-8") -> str:
    """What was written to a `strict_stream`."""
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode(encoding)


# -- the same, as a real process ------------------------------------------------------------


def explain_process(
    *args: str | bytes, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m spice_errors explain ARGS`` with a strict UTF-8 standard output."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    return subprocess.run(
        [sys.executable, "-m", "spice_errors", "explain", *args],
        capture_output=True,
        input=stdin,
        check=False,
        timeout=60,
        env=env,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["400", "--body", DEEP_LIST], b"nested deeper than 128 levels"),
        (["400", "--body", DEEP_OBJECT], b"nested deeper than 128 levels"),
        ([b"400", b"--body", b'{"error": {"message": "\xff"}}'], b"not UTF-8 text: '\\udcff'"),
        ([b"\xff"], b"got '\\udcff'"),
        ([b"400", b"-H", b"X-\xff: 1"], b"-H takes 'Name: value'"),
        ([b"400", b"--method", b"G\xffT"], b"--method must be an HTTP method"),
        (["400", "--bogus\nline"], b"unrecognized arguments: --bogus\\nline"),
        ([b"400", b"--b\xffgus"], b"unrecognized arguments: --b\\udcffgus"),
    ],
)
def test_hostile_input_in_a_process(args: list[str | bytes], message: bytes) -> None:
    """The real command: one line on stderr, exit 2, no traceback."""
    done = explain_process(*args)
    assert 2 == done.returncode
    assert b"" == done.stdout
    assert 1 == len(done.stderr.splitlines()), done.stderr
    assert b"Traceback" not in done.stderr
    assert message in done.stderr


def test_surrogates_in_a_process() -> None:
    """A non-UTF-8 header byte and a JSON escaped surrogate print, escaped, and exit 0."""
    for args in (
        [b"400", b"-H", b"X-Request-Id: \xff"],
        [b"400", b"--body", b'{"error": {"message": "lone \\udcff"}}'],
        [b"400", b"--body", b'{"error": {"message": "lone \\udcff"}}', b"--json"],
    ):
        done = explain_process(*args)
        assert 0 == done.returncode, done.stderr
        assert b"" == done.stderr
        assert b"\\udcff" in done.stdout
        done.stdout.decode()


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin to read")
def test_a_body_on_standard_input() -> None:
    """``--body @/dev/stdin`` reads standard input: UTF-8 JSON, or one line and exit 2."""
    good = explain_process("503", "--body", "@/dev/stdin", stdin=b'{"title": "Down"}')
    assert 0 == good.returncode, good.stderr
    bad = explain_process("503", "--body", "@/dev/stdin", stdin=b'{"title": "\xff"}')
    assert 2 == bad.returncode
    assert b"the file is not UTF-8 text (byte 0xff at offset 11)" in bad.stderr
    assert 1 == len(bad.stderr.splitlines())
