"""The command line: the demo runs end to end, in and out of process."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from spice_errors.__main__ import main

SECTIONS = [
    "== Errors are values ==",
    "== Matching on the error's type ==",
    "== Results instead of exceptions ==",
    "== Exceptions in, errors out ==",
    "== Errors out, exceptions in ==",
    "== A typed error from a problem+json answer ==",
    "== Recovering by matching on the answer ==",
    "== A retry that honours Retry-After ==",
    "== A write retried safely: one idempotency key for every attempt ==",
    "== A circuit breaker opening ==",
    "== Passing the partner's 403 on: a 502 that tells nothing of it ==",
    "== A server's answer: what the client sees, what the log keeps ==",
    "== An MCP tool call: what the model reads, what a client reads ==",
    "== Secrets stay hidden ==",
]
SECRETS = ["sk-live-0123456789", "eyJhbGciOi", "hunter2", "abc123", "sk-live-demo-0123456789"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_demo_as_a_subprocess() -> None:
    """`python -m spice_errors demo` exits 0, prints every section and no secret."""
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    done = subprocess.run(
        [sys.executable, "-m", "spice_errors", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert 0 == done.returncode, done.stderr
    assert "" == done.stderr
    for heading in SECTIONS:
        assert heading in done.stdout
    for secret in SECRETS:
        assert secret not in done.stdout
    assert "\033[" not in done.stdout  # a pipe is not a terminal: no colour


def test_demo_in_process_shows_each_kind_of_advice() -> None:
    """The matching section gives the advice its match promises."""
    out = io.StringIO()
    assert 0 == main(["demo"], out)
    text = out.getvalue()
    assert "RATE_LIMIT_ERROR   -> wait 1500 ms, then try again" in text
    assert "NETWORK_ERROR      -> the server failed: retry with backoff" in text
    assert "TOOL_ERROR         -> log it and report it" in text
    assert "the object still holds the key: True" in text
    assert "waited [1.0] s as asked" in text
    assert "503, then Success({'id': 'pay_1', 'amount': 500})" in text
    assert "the server saw 2 POSTs with one key: True" in text
    assert "call 4: RETRYABLE_ERROR  circuit=open" in text
    assert "Success: listening on 8081" in text
    assert "Failure: invalid port: Port must be a number" in text


def test_demo_server_section() -> None:
    """The public problem tells nothing internal; debug and the log tell it, masked."""
    out = io.StringIO()
    assert 0 == main(["demo", "--no-color"], out)
    section = out.getvalue().split("what the log keeps ==")[1].split("== Secrets")[0]
    public, rest = section.split("With debug=True")
    development, log = rest.split("The server's log record")
    assert '"detail": "The server could not complete the request."' in public
    answer = public.split("(production):")[1]  # the line before tells the story
    assert "db.internal" not in answer
    assert "KeyError" not in answer
    assert '"detail": "\'postgres://db.internal:5432/shop\'"' in development
    assert "GET /v1/orders/9 answered 500: UnknownError (UNKNOWN_ERROR)" in log
    assert "Caused by: KeyError: 'postgres://db.internal:5432/shop'" in log
    assert "hunter2" not in section
    passed_on = out.getvalue().split("a 502 that tells nothing of it ==")[1].split("==")[0]
    assert '"status": 502' in passed_on
    assert "invoices" not in passed_on


def _agent_section(out: io.StringIO) -> str:
    return out.getvalue().split("what a client reads ==")[1].split("== Secrets")[0]


def test_demo_agent_tools_section() -> None:
    """A real MCP call in memory: the model reads for_model(), a client the problem."""
    pytest.importorskip("mcp", reason="the mcp SDK is a test dependency")
    out = io.StringIO()
    assert 0 == main(["demo", "--no-color"], out)
    section = _agent_section(out)
    assert "  VALIDATION_ERROR: Refunds above 100.00 need a person's approval\n" in section
    assert '  Change the argument "amount_cents" (expected an int of at most 10000, got int).' in (
        section
    )
    assert '"code": "VALIDATION_ERROR"' in section
    assert "from_tool_result(...) -> Failure(ValidationError(" in section
    assert "{'order_id': 'o-7', 'refunded_cents': 9000}" in section


def test_demo_agent_tools_section_without_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without mcp installed the section says what to install and shows the tool result."""
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "mcp" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    out = io.StringIO()
    assert 0 == main(["demo", "--no-color"], out)
    section = _agent_section(out)
    assert "pip install 'spice-errors[mcp]' to run it" in section
    assert '"isError": true' in section


def test_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal gets colour; --no-color and NO_COLOR turn it off."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = _Terminal()
    main(["demo"], coloured)
    assert "\033[1m== Errors are values ==\033[0m" in coloured.getvalue()

    plain = _Terminal()
    main(["demo", "--no-color"], plain)
    assert "\033[" not in plain.getvalue()

    monkeypatch.setenv("NO_COLOR", "1")
    quiet = _Terminal()
    main(["demo"], quiet)
    assert "\033[" not in quiet.getvalue()


def test_advice_covers_every_branch() -> None:
    """Each case of the demo's exhaustive match is reachable."""
    import spice_errors as se
    from spice_errors.__main__ import _advice

    assert "wait 1000 ms, then try again" == _advice(se.RateLimitError("x"))
    assert "check the request or the connection" == _advice(se.NetworkError("x", status_code=404))
    assert "check the request or the connection" == _advice(se.NetworkError("x"))
    assert "ask the user to fix the input" == _advice(se.ValidationError("x"))


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """No command, or an unknown one, is a usage error with status 2."""
    with pytest.raises(SystemExit) as caught:
        main([])
    assert 2 == caught.value.code
    assert "COMMAND" in capsys.readouterr().err


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    """--help documents the demo with an example."""
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "python -m spice_errors demo --no-color" in capsys.readouterr().out


def test_demo_client_maps_transport_failures() -> None:
    """The demo's client turns a refused connection into a typed error too."""
    import socket

    from spice_errors._demo import get

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = get(f"http://127.0.0.1:{port}/").error_or_none()
    assert error is not None
    assert "connect" == error.context.get("phase")


def test_demo_server_unknown_path() -> None:
    """Paths the demo server does not know are 404s."""
    from spice_errors._demo import demo_server, get

    with demo_server() as server:
        error = get(f"{server.base}/nowhere").error_or_none()
    assert error is not None
    assert 404 == error.context["http_status"]


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["explain", "400", "--x\ny"], "unrecognized arguments: --x\\ny"),
        (["explain", "400", "--x\r\ny"], "unrecognized arguments: --x\\r\\ny"),
        (["\udcff"], "invalid choice: '\\udcff'"),
    ],
)
def test_usage_errors_are_one_line(
    argv: list[str], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A usage error quoting a line break or a lone surrogate is still one printable line."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert 2 == caught.value.code
    err = capsys.readouterr().err
    assert 1 == len(err.splitlines())
    assert shown in err
    err.encode()
