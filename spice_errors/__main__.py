"""Command line: ``python -m spice_errors demo``, a tour of the library."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO, assert_never, cast

import spice_errors as se

_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


class _Printer:
    """Writes the tour's sections, in colour only when that can be seen."""

    def __init__(self, stream: TextIO, *, color: bool) -> None:
        self._stream = stream
        self._color = color

    def heading(self, text: str) -> None:
        line = f"== {text} =="
        self._stream.write(f"\n{_BOLD}{line}{_RESET}\n" if self._color else f"\n{line}\n")

    def line(self, text: str = "") -> None:
        self._stream.write(f"{text}\n")

    def code(self, text: str) -> None:
        self._stream.write(f"{_DIM}>>> {text}{_RESET}\n" if self._color else f">>> {text}\n")


def _advice(error: se.AnySpiceError) -> str:
    """What a caller would do about each kind of error: an exhaustive match."""
    match error:
        case se.SpiceError.RateLimitError(retry_after_ms=ms):
            return f"wait {ms if ms is not None else 1000} ms, then try again"
        case se.NetworkError(status_code=status) if status is not None and status >= 500:  # noqa: PLR2004
            return "the server failed: retry with backoff"
        case se.NetworkError():
            return "check the request or the connection"
        case se.AuthenticationError():
            return "refresh the credentials"
        case se.ValidationError(field=field):
            return f"ask the user to fix {field or 'the input'}"
        case (
            se.AgentError()
            | se.CommError()
            | se.ExecutionError()
            | se.ToolError()
            | se.ToolLookupError()
            | se.ConfigurationError()
            | se.TimeoutError()
            | se.SerializationError()
            | se.CheckpointError()
            | se.RoutingError()
            | se.RetryableError()
            | se.UnknownError()
        ):
            return "log it and report it"
        case _:
            assert_never(error)


def _section_errors(out: _Printer) -> None:
    out.heading("Errors are values")
    error = se.SpiceError.network_error("Upstream failed", 503, "/v1/orders")
    out.code('error = SpiceError.network_error("Upstream failed", 503, "/v1/orders")')
    out.line(f"str:  {error}")
    out.line(f"repr: {error!r}")
    traced = error.with_context(retry_count=2, request_id="req-42")
    out.code('error.with_context(retry_count=2, request_id="req-42").context')
    out.line(f"      {dict(traced.context)}  (same type, same timestamp)")


def _section_matching(out: _Printer) -> None:
    out.heading("Matching on the error's type")
    errors: list[se.AnySpiceError] = [
        se.SpiceError.rate_limit_error("Too many requests", retry_after_ms=1500),
        se.SpiceError.network_error("Bad gateway", status_code=502),
        se.SpiceError.auth_error("Token expired", provider="oauth"),
        se.SpiceError.validation_error("Invalid email", field="email"),
        se.SpiceError.tool_error("Calculator crashed", "calculator"),
    ]
    for error in errors:
        out.line(f"{error.code:<18} -> {_advice(error)}")


def _parse_port(text: str) -> se.SpiceResult[int, se.ValidationError]:
    if not text.isdigit():
        return se.failure(se.SpiceError.validation_error("Port must be a number", "port"))
    return se.success(int(text))


def _section_results(out: _Printer) -> None:
    out.heading("Results instead of exceptions")
    for text in ("8080", "80x"):
        out.code(f"parse_port({text!r}).map(lambda port: port + 1)")
        result = _parse_port(text).map(lambda port: port + 1)
        match result:
            case se.Success(port):
                out.line(f"      Success: listening on {port}")
            case se.Failure(error):
                out.line(f"      Failure: invalid {error.field}: {error.message}")
            case _:
                assert_never(result)
    out.code('catching(int, "forty-two").error_or_none()')
    out.line(f"      {se.catching(int, 'forty-two').error_or_none()}")


def _section_exceptions(out: _Printer) -> None:
    out.heading("Exceptions in, errors out")
    for exc in (
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("read timed out"),
        ValueError("age must be positive"),
        KeyError("missing"),
    ):
        error = se.from_exception(exc)
        out.line(f"{type(exc).__name__:<23} -> {type(error).__name__}: {dict(error.context)}")
    out.heading("Errors out, exceptions in")
    raised = se.SpiceError.config_error("API key is required", field="api_key").to_exception()
    out.code("raise SpiceError.config_error(...).to_exception()")
    out.line(f"{type(raised).__name__}: {raised}  code={raised.code}  notes={raised.__notes__}")


def _section_secrets(out: _Printer) -> None:
    out.heading("Secrets stay hidden")
    error = se.SpiceError.auth_error("Key rejected", provider="billing").with_context(
        api_key="sk-live-0123456789",
        authorization="Bearer eyJhbGciOi",
        url="https://admin:hunter2@api.example.com/v1/charges?token=abc123&page=2",
    )
    out.line(repr(error))
    out.line(f"the object still holds the key: {error.context['api_key'] == 'sk-live-0123456789'}")


def _recover(result: se.SpiceResult[dict[str, object], se.AnySpiceError]) -> str:
    """One decision per outcome of a call: an exhaustive match on the result."""
    match result:
        case se.Success(body):
            return f"Success: {body}"
        case se.Failure(se.SpiceError.RateLimitError(retry_after_ms=int(ms))):
            return f"RATE_LIMIT_ERROR: try again in {ms / 1000:g} s"
        case se.Failure(se.SpiceError.NetworkError(context={"phase": "connect"})):
            return "NETWORK_ERROR: nothing listens there; use the fallback host"
        case se.Failure(error):
            return f"{error.code}: {_advice(error)}"
        case _:
            assert_never(result)


def _section_recovery(out: _Printer, base: str) -> None:
    from spice_errors._demo import get

    out.heading("Recovering by matching on the answer")
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}/v1/orders/7"
    for label, url in (
        ("GET /v1/orders/7", f"{base}/v1/orders/7"),
        ("GET /v1/search", f"{base}/v1/search"),
        ("GET /v1/orders", f"{base}/v1/orders"),
        ("GET /v1/flaky", f"{base}/v1/flaky"),
        ("GET a closed port", closed),
    ):
        out.line(f"{label:<18} -> {_recover(get(url))}")


def _section_http(out: _Printer) -> None:
    from spice_errors._demo import demo_server, get, post

    with demo_server() as server:
        out.heading("A typed error from a problem+json answer")
        forbidden = get(f"{server.base}/v1/invoices/42?api_key=sk-live-demo-0123456789")
        error = forbidden.error_or_none()
        out.line(error.report() if error is not None else "unexpected success")

        _section_recovery(out, server.base)

        out.heading("A retry that honours Retry-After")
        waits: list[float] = []
        started = time.monotonic()
        result = se.retry(
            lambda: get(f"{server.base}/v1/reports"),
            on_retry=lambda event: waits.append(event.wait or 0.0),
        )
        elapsed = time.monotonic() - started
        out.line(f"429 with Retry-After: 1, then {result!r}")
        out.line(f"waited {waits} s as asked; {elapsed:.2f} s in all")

        out.heading("A write retried safely: one idempotency key for every attempt")

        def pay() -> se.SpiceResult[dict[str, object], se.AnySpiceError]:
            attempt = se.current_attempt()
            key = attempt.idempotency_key if attempt is not None else "unreachable"
            return post(f"{server.base}/v1/payments", {"amount": 500}, idempotency_key=key)

        paid = se.retry(pay, se.RetryPolicy(initial_delay=0.05), on_retry=None)
        out.code("se.retry(pay, se.RetryPolicy(initial_delay=0.05))  # sends the attempt's key")
        out.line(f"503, then {paid!r}")
        same = len(set(server.keys)) == 1
        out.line(f"the server saw {len(server.keys)} POSTs with one key: {same}")

        out.heading("A circuit breaker opening")
        breaker = se.CircuitBreaker(failure_threshold=3, reset_timeout=30)
        for attempt in range(1, 6):
            answer = breaker.call(lambda: get(f"{server.base}/v1/flaky"))
            failed = answer.error_or_none()
            what = failed.code if failed is not None else "ok"
            circuit = failed.context.get("circuit", "-") if failed is not None else "-"
            out.line(f"call {attempt}: {what:<16} circuit={circuit:<6} state={breaker.state}")

        out.heading("Passing the partner's 403 on: a 502 that tells nothing of it")
        out.line(json.dumps(se.http.to_problem(error), indent=2) if error is not None else "{}")

    _section_serving(out)


def _section_serving(out: _Printer) -> None:
    from spice_errors._demo import serve_a_crash

    out.heading("A server's answer: what the client sees, what the log keeps")
    out.line("A route fails with KeyError('postgres://admin:***@db.internal:5432/shop').")
    served = serve_a_crash()
    out.line("The client gets the public problem (production):")
    out.line(json.dumps(served.public, indent=2))
    out.line("With debug=True (development), everything, masked:")
    out.line(json.dumps(served.debug, indent=2))
    out.line("The server's log record: the masked report, no traceback:")
    for line in served.log:
        out.line(line)


def _section_agent_tools(out: _Printer) -> None:
    from spice_errors._demo import call_a_tool

    out.heading("An MCP tool call: what the model reads, what a client reads")
    calls = call_a_tool()
    if calls is None:
        out.line("(the mcp SDK is not installed: pip install 'spice-errors[mcp]' to run it)")
        error = se.ValidationError("Refunds above 100.00 need a person's approval")
        out.line(json.dumps(se.mcp.to_tool_result(error), indent=2))
        return
    out.code("@server.tool() @se.mcp.tool def refund(order_id, amount_cents) -> SpiceResult[dict]")
    out.line("The model asks refund(order_id='o-7', amount_cents=25000) and gets, isError true:")
    content = cast("list[dict[str, str]]", calls.wrong["content"])
    for line in content[0]["text"].splitlines():
        out.line(f"  {line}")
    out.line("A client reads the structured problem:")
    out.line(json.dumps(calls.wrong["structuredContent"], indent=2))
    back = se.mcp.from_tool_result(calls.wrong)
    out.line(f"se.mcp.from_tool_result(...) -> {back!r}")
    out.line(f"The model fixes its call (amount_cents=9000): {calls.fixed['structuredContent']}")


_SECTIONS: tuple[Callable[[_Printer], None], ...] = (
    _section_errors,
    _section_matching,
    _section_results,
    _section_exceptions,
    _section_http,
    _section_agent_tools,
    _section_secrets,
)


def _demo(stream: TextIO, *, color: bool) -> int:
    out = _Printer(stream, color=color)
    out.line("spice_errors: typed error values and results, a tour")
    for section in _SECTIONS:
        section(out)
    out.line()
    out.line("Done.")
    return 0


def _wants_color(stream: TextIO, *, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        # An argument quoted in the message may hold a line break or a lone surrogate.
        line = message.replace("\r", "\\r").replace("\n", "\\n")
        _write(sys.stderr, f"{self.prog}: error: {line}\n")
        self.exit(2)


def _write(stream: TextIO, text: str) -> None:
    """Write ``text`` so that no encoding error can stop it: see `printable`."""
    from spice_errors._explain import printable

    stream.write(printable(text, getattr(stream, "encoding", None)))


_EXPLAIN_EXAMPLE = """examples:
  python -m spice_errors explain 429 -H "Retry-After: 30"
  python -m spice_errors explain 503 --body '{"title": "Down", "retry_after": 5}' --json
  python -m spice_errors explain 404 --method POST --body @answer.json"""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m spice_errors",
        description="Typed, functional error handling. Example: python -m spice_errors demo",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="a tour of the library, end to end",
        description="A tour of the library. Example: python -m spice_errors demo --no-color",
    )
    demo.add_argument("--no-color", action="store_true", help="never colour the output")
    explain = commands.add_parser(
        "explain",
        help="what the library makes of an HTTP answer",
        description=(
            "Show the error an HTTP answer maps to, whether and when the default retry "
            "policy would retry it, its problem document, and the status a server would "
            "answer with."
        ),
        epilog=_EXPLAIN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("status", metavar="STATUS", help="the HTTP status, e.g. 429")
    explain.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar='"Name: value"',
        help='a response header, e.g. -H "Retry-After: 30"; repeat for more',
    )
    explain.add_argument(
        "--body", help="the response body as JSON, or @file to read it from a file"
    )
    explain.add_argument("--method", default="GET", help="the request's method (default GET)")
    explain.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: Sequence[str] | None = None, stream: TextIO | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` when omitted.
        stream: Where to write; standard output when omitted.

    .. versionadded:: 0.1.0
    """
    args = _parser().parse_args(argv)
    out = sys.stdout if stream is None else stream
    if args.command == "demo":
        return _demo(out, color=_wants_color(out, no_color=args.no_color))
    from spice_errors._explain import (
        BadInput,
        explain,
        parse_body,
        parse_header,
        parse_method,
        parse_status,
    )

    try:
        status = parse_status(args.status)
        headers = [parse_header(text) for text in args.header]
        method = parse_method(args.method)
        body = None if args.body is None else parse_body(args.body)
    except BadInput as exc:
        _write(sys.stderr, f"python -m spice_errors explain: error: {exc}\n")
        return 2
    _write(out, explain(status, headers, body, method=method, as_json=args.json))
    return 0


if __name__ == "__main__":  # pragma: no cover -- exercised through a subprocess in the tests
    sys.exit(main())
