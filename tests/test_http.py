"""spice_errors.http: responses to errors, Retry-After, statuses and problem details."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import SpiceError, _response
from spice_errors._errors import ALL_TYPES, shown_fields
from spice_errors._fields import problem_member
from spice_errors._redact import redact_text
from spice_errors.http import (
    PROBLEM_JSON_MEDIA_TYPE,
    from_problem,
    from_response,
    parse_retry_after,
    to_problem,
)
from tests import strategies

PROBLEM = {"Content-Type": PROBLEM_JSON_MEDIA_TYPE}


class Hostile(Mapping[str, object]):
    """A mapping that fails as soon as anyone reads it."""

    def __getitem__(self, key: str) -> object:
        raise RuntimeError("unreadable")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("unreadable")

    def __len__(self) -> int:
        raise RuntimeError("unreadable")


def problem_body(**members: object) -> bytes:
    return json.dumps(members).encode()


class TestFromResponseByStatus:
    """Each status maps to the contract's type."""

    @pytest.mark.parametrize(
        ("status", "cls"),
        [
            (400, se.ValidationError),
            (422, se.ValidationError),
            (401, se.AuthenticationError),
            (403, se.AuthenticationError),
            (404, se.NetworkError),
            (409, se.NetworkError),
            (413, se.NetworkError),
            (429, se.RateLimitError),
            (500, se.NetworkError),
            (503, se.NetworkError),
            (301, se.NetworkError),
            (302, se.NetworkError),
        ],
    )
    def test_types(self, status: int, cls: type[SpiceError]) -> None:
        """The class depends on the status alone, and the status is always in context."""
        error = from_response(status)
        assert cls is type(error)
        assert status == error.context["http_status"]

    def test_403_is_told_apart_from_401(self) -> None:
        """Both are authentication errors; the context says which."""
        assert 403 == from_response(403).context["http_status"]
        assert 401 == from_response(401).context["http_status"]

    def test_network_errors_carry_status_and_endpoint(self) -> None:
        """Other 4xx/5xx are NetworkErrors with typed status and redacted endpoint."""
        error = from_response(
            409, url="https://bob:pw@api.example/v1/charges?token=t", method="post"
        )
        assert isinstance(error, se.NetworkError)
        assert 409 == error.status_code
        assert "https://api.example/v1/charges?token=***" == error.endpoint
        assert "POST" == error.context["method"]
        assert "409 Conflict (POST https://api.example/v1/charges?token=***)" == error.message

    def test_redirect(self) -> None:
        """A 3xx is an unexpected redirect; its target is in context, redacted."""
        error = from_response(
            302,
            {"Location": "https://login.example/?session=abc"},
            method="GET",
            url="https://api.example/v1",
        )
        assert isinstance(error, se.NetworkError)
        assert 302 == error.status_code
        assert "https://login.example/?session=***" == error.context["location"]
        assert not se.is_retryable(error)
        assert "location" not in from_response(304).context

    @pytest.mark.parametrize("status", [200, 204, 100])
    def test_unexpected_statuses(self, status: int) -> None:
        """Outside 300-599 the status is unexpected, and says so."""
        error = from_response(status)
        assert isinstance(error, se.NetworkError)
        assert status == error.status_code
        assert error.context["unexpected_status"] is True

    @pytest.mark.parametrize("status", [600, 0, -1, 10**6])
    def test_statuses_no_server_sends(self, status: int) -> None:
        """Outside 100-599 the typed field stays empty; the context keeps what arrived."""
        error = from_response(status)
        assert isinstance(error, se.NetworkError)
        assert error.status_code is None
        assert status == error.context["http_status"]
        assert error.context["unexpected_status"] is True

    def test_status_that_is_not_an_int(self) -> None:
        """A status that is not a number gives status 0, never an exception."""
        error = from_response("503")  # type: ignore[arg-type]
        assert isinstance(error, se.NetworkError)
        assert 0 == error.context["http_status"]


class TestRetryAfter:
    """429 and 5xx answers and the waits they ask for."""

    def test_429_with_seconds(self) -> None:
        """Retry-After in seconds becomes retry_after_ms."""
        error = from_response(429, {"Retry-After": "7"})
        assert isinstance(error, se.RateLimitError)
        assert 7000 == error.retry_after_ms

    def test_429_with_a_date(self) -> None:
        """Retry-After as an HTTP-date is measured against the response's Date."""
        headers = [
            ("Date", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("Retry-After", "Wed, 21 Oct 2015 07:28:45 GMT"),
        ]
        error = from_response(429, headers)
        assert isinstance(error, se.RateLimitError)
        assert 45_000 == error.retry_after_ms

    def test_429_with_the_problem_extension(self) -> None:
        """Without the header, a problem's retry_after extension (seconds) is used."""
        error = from_response(
            429, PROBLEM, problem_body(title="Too Many Requests", retry_after=2.5)
        )
        assert isinstance(error, se.RateLimitError)
        assert 2500 == error.retry_after_ms

    def test_429_without_a_wait(self) -> None:
        """No header, no extension: no wait."""
        error = from_response(429)
        assert isinstance(error, se.RateLimitError)
        assert error.retry_after_ms is None

    def test_header_wins_over_extension(self) -> None:
        """The header is what the server says of this response."""
        error = from_response(429, {**PROBLEM, "Retry-After": "1"}, problem_body(retry_after=99))
        assert 1000 == error.retry_after_ms  # type: ignore[union-attr]

    @pytest.mark.parametrize("extension", [-1, -0.5, "10", True, math.inf, 2**40, 2 * 10**308])
    def test_bad_extensions_are_ignored(self, extension: object) -> None:
        """A retry_after extension that is not a sane number of seconds is ignored."""
        body = (
            json.dumps({"retry_after": extension}).encode()
            if extension is not math.inf
            else b'{"retry_after": 1e999}'
        )
        assert from_problem({"status": 429, "retry_after": extension}).retry_after_ms is None  # type: ignore[union-attr]
        error = from_response(429, PROBLEM, body)
        assert error.retry_after_ms is None  # type: ignore[union-attr]

    def test_5xx_with_retry_after_is_a_network_error_with_the_wait(self) -> None:
        """The same status gives the same class: the wait goes to context retry_after_ms."""
        error = from_response(503, {"Retry-After": "30"})
        assert isinstance(error, se.NetworkError)
        assert 503 == error.status_code
        assert 30_000 == error.context["retry_after_ms"]
        assert type(error) is type(from_response(503))
        assert 30.0 == se.classify(error).suggested_delay

    def test_5xx_with_the_extension(self) -> None:
        """A problem's retry_after counts as Retry-After for a 5xx."""
        error = from_response(500, PROBLEM, problem_body(retry_after=4))
        assert isinstance(error, se.NetworkError)
        assert 4000 == error.context["retry_after_ms"]

    def test_malformed_retry_after_is_ignored(self) -> None:
        """A Retry-After that cannot be read is as good as none."""
        assert isinstance(from_response(503, {"Retry-After": "soon"}), se.NetworkError)


class TestMessagesAndContext:
    """What the error says, and the context it carries."""

    def test_detail_then_title_then_phrase(self) -> None:
        """The problem's detail, else its title, else the status phrase."""
        assert (
            "Balance too low"
            == from_response(
                402, PROBLEM, problem_body(title="Payment Required", detail="Balance too low")
            ).message
        )
        assert (
            "Payment Required"
            == from_response(402, PROBLEM, problem_body(title="Payment Required")).message
        )
        assert "402 Payment Required" == from_response(402).message
        assert "599 Unexpected HTTP status (GET)" == from_response(599, method="GET").message

    def test_problem_members_in_context(self) -> None:
        """type, title, instance and extensions become context; the fixed keys win."""
        body = problem_body(
            type="https://api.example/problems/conflict",
            title="Conflict",
            status=409,
            detail="Idempotency key reused",
            instance="/requests/42",
            idempotency_key="key-1",
            http_status=200,
            method="PATCH",
        )
        error = from_response(
            409, {**PROBLEM, "X-Request-Id": "req-1"}, body, method="POST", url="/charges"
        )
        assert {
            "type": "https://api.example/problems/conflict",
            "title": "Conflict",
            "instance": "/requests/42",
            "idempotency_key": "key-1",
            "http_status": 409,
            "method": "POST",
            "endpoint": "/charges",
            "received": True,
            "request_id": "req-1",
        } == dict(error.context)

    @pytest.mark.parametrize(
        "header", ["X-Request-Id", "Request-Id", "X-Correlation-Id", "x-request-id"]
    )
    def test_request_id_headers(self, header: str) -> None:
        """Any of the three request id headers, in any case."""
        assert "abc" == from_response(500, {header: "abc"}).context["request_id"]

    def test_no_request_id(self) -> None:
        """Without one, no request_id key."""
        assert "request_id" not in from_response(500).context

    def test_mistyped_members_are_ignored(self) -> None:
        """RFC 9457 section 3.1: a member of the wrong type is as if absent."""
        body = problem_body(type=5, title=["x"], detail=None, instance=7, status="500")
        error = from_response(500, PROBLEM, body)
        assert "500 Internal Server Error" == error.message
        assert "about:blank" == error.context["type"]
        assert "title" not in error.context
        assert "instance" not in error.context

    def test_json_without_problem_members_is_not_a_problem(self) -> None:
        """A JSON body with no problem member, under a plain JSON type, is ignored."""
        error = from_response(500, {"Content-Type": "application/json"}, b'{"error": "boom"}')
        assert "error" not in error.context
        assert "500 Internal Server Error" == error.message

    def test_problem_json_type_makes_any_object_a_problem(self) -> None:
        """Under application/problem+json every member counts."""
        error = from_response(500, PROBLEM, b'{"error": "boom"}')
        assert "boom" == error.context["error"]

    def test_json_without_content_type(self) -> None:
        """A body that looks like a problem is read even without a content type."""
        assert (
            "Gone" == from_response(410, None, '{"type": "about:blank", "title": "Gone"}').message
        )
        # RFC 9457 members alone do not make a problem: a string type and a title or status do.
        assert "410 Gone" == from_response(410, None, '{"title": "Gone"}').message

    def test_parsed_body(self) -> None:
        """A body already parsed into a mapping is read as it is."""
        assert "Parsed" == from_response(500, None, {"message": "Parsed"}).message

    @pytest.mark.parametrize(
        "body",
        [b"<html>oops</html>", b"\xff\xfe{", b"[1, 2]", b"{broken", "plain text", 42, b"", None],
        ids=["html", "bad utf-8", "array", "broken json", "text", "int", "empty", "none"],
    )
    def test_bodies_that_are_not_problems(self, body: Any) -> None:
        """Anything else is ignored."""
        error = from_response(500, {"Content-Type": "application/json"}, body)
        assert "500 Internal Server Error" == error.message

    def test_headers_as_pairs_with_repeats(self) -> None:
        """Pairs work; for a repeated header the first value counts."""
        error = from_response(429, [("retry-after", "2"), ("Retry-After", "9")])
        assert 2000 == error.retry_after_ms  # type: ignore[union-attr]

    def test_a_dict_with_one_name_in_two_cases(self) -> None:
        """A plain dict may hold a name twice in different cases: the first one counts."""
        headers: Any = {"retry-after": "2", "Retry-After": "9", b"x-request-id": "r"}
        error = from_response(429, headers)
        assert 2000 == error.retry_after_ms  # type: ignore[union-attr]
        assert "r" == error.context["request_id"]

    def test_odd_headers_never_break_it(self) -> None:
        """Bytes are decoded, bad entries skipped, unusable header objects ignored."""
        pairs: Any = [(b"Retry-After", b"3"), ("bad",), (1, 2), "x", ("X-Request-Id", "r")]
        error = from_response(429, pairs)
        assert 3000 == error.retry_after_ms  # type: ignore[union-attr]
        assert "r" == error.context["request_id"]

        class Exploding:
            def __iter__(self) -> Any:
                raise RuntimeError("no headers for you")

        assert isinstance(from_response(429, Exploding()), se.RateLimitError)

    def test_never_raises_on_a_hostile_body(self) -> None:
        """Even a body whose reading fails gives an error value."""
        error = from_response(500, None, Hostile())
        assert isinstance(error, se.SerializationError)
        assert 500 == error.context["http_status"]
        assert "RuntimeError" in error.message

    def test_secrets_stay_out(self) -> None:
        """Userinfo, tokens in the query and secret extensions never show."""
        body = problem_body(detail="Bad key", api_key="S3cr3t-ext")
        error = from_response(
            401, PROBLEM, body, url="https://u:S3cr3t-pw@h/x?access_token=S3cr3t-q"
        )
        for shown in (repr(error), str(error), json.dumps(to_problem(error))):
            assert "S3cr3t" not in shown


class TestParseRetryAfter:
    """parse_retry_after: every form, and every way it can be wrong."""

    NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("value", "seconds"), [("0", 0.0), ("120", 120.0), (" 5 ", 5.0), ("1.5", 1.5), (b"3", 3.0)]
    )
    def test_delta_seconds(self, value: str | bytes, seconds: float) -> None:
        """Delta-seconds, as text or bytes."""
        assert seconds == parse_retry_after(value)

    @pytest.mark.parametrize(
        "value",
        [
            "Wed, 21 Oct 2015 07:28:30 GMT",
            "Wednesday, 21-Oct-15 07:28:30 GMT",
            "Wed Oct 21 07:28:30 2015",
        ],
        ids=["IMF-fixdate", "RFC 850", "asctime"],
    )
    def test_the_three_date_forms(self, value: str) -> None:
        """All three HTTP-date forms of RFC 9110."""
        assert 30.0 == parse_retry_after(value, now=self.NOW)

    def test_asctime_with_a_single_digit_day(self) -> None:
        """asctime pads a one-digit day with a space."""
        now = datetime(1994, 11, 6, 8, 49, 0, tzinfo=UTC)
        assert 37.0 == parse_retry_after("Sun Nov  6 08:49:37 1994", now=now)

    def test_measured_against_the_date_header(self) -> None:
        """With a Date header, our clock's skew does not matter."""
        skewed_now = self.NOW + timedelta(hours=3)
        assert 30.0 == parse_retry_after(
            "Wed, 21 Oct 2015 07:28:30 GMT", now=skewed_now, date="Wed, 21 Oct 2015 07:28:00 GMT"
        )
        assert 30.0 == parse_retry_after(
            "Wed, 21 Oct 2015 07:28:30 GMT", date=b"Wed, 21 Oct 2015 07:28:00 GMT"
        )

    def test_bad_date_header_falls_back_to_now(self) -> None:
        """A Date header that cannot be read is ignored."""
        assert 30.0 == parse_retry_after(
            "Wed, 21 Oct 2015 07:28:30 GMT", now=self.NOW, date="yesterday"
        )

    def test_past_dates_are_zero(self) -> None:
        """A date in the past means now."""
        assert 0.0 == parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now=self.NOW)

    def test_naive_now_is_utc(self) -> None:
        """A naive now is taken as UTC."""
        assert 30.0 == parse_retry_after(
            "Wed, 21 Oct 2015 07:28:30 GMT", now=self.NOW.replace(tzinfo=None)
        )

    def test_default_now(self) -> None:
        """Without now, the current time: a date a minute ahead is about a minute away."""
        ahead = datetime.now(UTC) + timedelta(minutes=1)
        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[ahead.weekday()]
        month = (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        )[ahead.month - 1]
        value = f"{day}, {ahead:%d} {month} {ahead:%Y %H:%M:%S} GMT"
        seconds = parse_retry_after(value)
        assert seconds is not None
        assert 50 <= seconds <= 61

    def test_rfc850_century(self) -> None:
        """A two-digit year more than 50 years ahead is in the past century."""
        now = datetime(2026, 1, 1, tzinfo=UTC)
        assert 0.0 == parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now=now)
        assert parse_retry_after("Monday, 01-Jan-30 00:00:00 GMT", now=now) == pytest.approx(
            (datetime(2030, 1, 1, tzinfo=UTC) - now).total_seconds()
        )

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "soon",
            "-1",
            "1e3",
            "0x10",
            "Wed, 21 Foo 2015 07:28:30 GMT",
            "Wed, 31 Feb 2015 07:28:30 GMT",
            "Wed, 21 Oct 2015 25:28:30 GMT",
            "Wed, 21 Oct 2015 07:28:30 PST",
            "\u0663",  # ARABIC-INDIC DIGIT THREE: HTTP digits are ASCII
            "Wed, \u0662\u0661 Oct 2015 07:28:30 GMT",
            "\u017fat, 24 Oct 2015 07:28:30 GMT",  # LATIN SMALL LETTER LONG S is no "s"
            None,
            12,
        ],
    )
    def test_malformed(self, value: Any) -> None:
        """Anything that is not a valid value is None."""
        assert parse_retry_after(value, now=self.NOW) is None

    def test_huge(self) -> None:
        """Waits beyond 2**31 seconds are None, as seconds or as a date."""
        assert parse_retry_after(str(2**31)) == 2**31
        assert parse_retry_after(str(2**31 + 1)) is None
        assert parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", now=self.NOW) is None

    @given(st.text(max_size=40) | st.binary(max_size=40))
    def test_fuzz(self, value: str | bytes) -> None:
        """Any text or bytes gives a non-negative finite float or None."""
        result = parse_retry_after(value, now=self.NOW)
        assert result is None or (math.isfinite(result) and 0 <= result <= 2**31)


class TestFromProblem:
    """from_problem: an RFC 9457 document back to an error."""

    def test_class_from_code(self) -> None:
        """The code extension names the class."""
        error = from_problem({"code": "RATE_LIMIT_ERROR", "detail": "Slow", "retry_after_ms": 100})
        assert isinstance(error, se.RateLimitError)
        assert ("Slow", 100) == (error.message, error.retry_after_ms)
        assert "code" not in error.context

    def test_class_from_type_uri(self) -> None:
        """Else a type URI under type_base names it; another party's URI never does."""
        assert isinstance(
            from_problem({"type": "https://x.example/errors/timeout_error"}), se.UnknownError
        )
        assert isinstance(
            from_problem({"type": "urn:spice-errors:auth_error"}), se.AuthenticationError
        )

    def test_class_from_status(self) -> None:
        """Else the status, as from_response maps it; the argument wins over the member."""
        assert isinstance(from_problem({"status": 429}), se.RateLimitError)
        assert isinstance(from_problem({"status": 429}, status=400), se.ValidationError)
        assert isinstance(
            from_problem({"type": "https://x/unknown-kind", "status": 401}), se.AuthenticationError
        )

    def test_no_code_no_status(self) -> None:
        """With neither, an UnknownError."""
        error = from_problem({"title": "Something"})
        assert isinstance(error, se.UnknownError)
        assert "Something" == error.message
        assert "about:blank" == error.context["type"]

    def test_text_and_bytes(self) -> None:
        """A JSON document as text or bytes is read."""
        assert isinstance(from_problem(b'{"code": "AUTH_ERROR"}'), se.AuthenticationError)
        assert isinstance(from_problem('{"code": "AUTH_ERROR"}'), se.AuthenticationError)

    @pytest.mark.parametrize("data", [[1, 2], "[1]", b"nope", 42, None, "text"])
    def test_not_an_object(self, data: object) -> None:
        """Anything that is not a JSON object is a SerializationError value."""
        error = from_problem(data)
        assert isinstance(error, se.SerializationError)
        assert "problem+json" == error.format
        assert error.message.startswith("A problem document must be a JSON object")

    def test_typed_fields_of_the_wrong_shape_go_to_context(self) -> None:
        """A typed field that cannot be read stays in context, untouched."""
        error = from_problem(
            {"code": "NETWORK_ERROR", "status_code": "503", "endpoint": 5, "retry_hint": "soon"}
        )
        assert isinstance(error, se.NetworkError)
        assert error.status_code is None
        assert "503" == error.context["status_code"]
        assert 5 == error.context["endpoint"]

    def test_more_wrong_shapes(self) -> None:
        """Names that are not all text, and hints that are not objects, stay in context."""
        tools = from_problem({"code": "TOOL_LOOKUP_ERROR", "available_tools": ["a", 1]})
        assert () == tools.available_tools  # type: ignore[union-attr]
        assert ["a", 1] == tools.context["available_tools"]
        routing = from_problem({"code": "ROUTING_ERROR", "available_targets": "a,b"})
        assert "a,b" == routing.context["available_targets"]
        retryable = from_problem({"code": "RETRYABLE_ERROR", "retry_hint": "soon"})
        assert retryable.retry_hint is None  # type: ignore[union-attr]
        assert "soon" == retryable.context["retry_hint"]

    def test_retry_hint_round_trip(self) -> None:
        """A RetryableError's hint survives the trip."""
        hint = se.RetryHint(retry_after_ms=1500, max_attempts=2, skip_retry=True, reason="busy")
        error = se.RetryableError("x", status_code=503, error_code="E1", retry_hint=hint)
        back = from_problem(to_problem(error, debug=True))
        assert hint == back.retry_hint  # type: ignore[union-attr]
        bad = from_problem({"code": "RETRYABLE_ERROR", "retry_hint": {"retry_after_ms": -5}})
        assert bad.retry_hint is None  # type: ignore[union-attr]
        assert {"retry_after_ms": -5} == bad.context["retry_hint"]

    def test_tool_error_without_a_tool_name(self) -> None:
        """A ToolError needs a tool name: "unknown" stands in."""
        error = from_problem({"code": "TOOL_ERROR", "detail": "crashed"})
        assert isinstance(error, se.ToolError)
        assert "unknown" == error.tool_name

    def test_never_raises(self) -> None:
        """A mapping that fails when read gives a SerializationError value."""
        error = from_problem(Hostile())
        assert isinstance(error, se.SerializationError)
        assert "RuntimeError" in error.message

    @given(strategies.errors)
    def test_round_trip(self, error: SpiceError) -> None:
        """from_problem(to_problem(e, debug=True)) keeps the type, message and typed fields."""
        assume(redact_text(error.message) == error.message)  # to_problem masks secrets in text
        back = from_problem(to_problem(error, debug=True))
        assert type(error) is type(back)
        assert error.message == back.message
        for name, original in shown_fields(error):
            if name == "errors":
                # Each inner error is listed by what a client acts on: detail, field, pointer.
                assert isinstance(error, se.ValidationError)
                assert isinstance(back, se.ValidationError)
                assert [problem_member(inner) for inner in error.errors] == [
                    problem_member(inner) for inner in back.errors
                ]
            elif isinstance(original, str | int | type(None) | tuple) or name == "retry_hint":
                assert original == getattr(back, name), name


class TestFuzz:
    """Readers never let an exception escape, whatever arrives."""

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=10,
    )
    header_lists = st.lists(
        st.tuples(
            st.sampled_from(["Retry-After", "Content-Type", "Date", "X-Request-Id", "Location"])
            | st.text(max_size=8),
            st.text(max_size=30),
        ),
        max_size=6,
    )

    @given(
        st.binary(max_size=200) | st.text(max_size=200) | json_values,
        st.none() | st.integers(-5, 700),
    )
    def test_from_problem(self, data: object, status: int | None) -> None:
        """A value or a documented SerializationError, never an exception."""
        assert isinstance(from_problem(data, status), SpiceError)

    @given(
        json_values.map(json.dumps).map(str.encode) | st.binary(max_size=200),
        header_lists,
        st.integers(-5, 700),
    )
    def test_from_response(self, body: bytes, headers: list[tuple[str, str]], status: int) -> None:
        """Any body, headers and status give one of the 16 types, shown and sent whole."""
        error = from_response(status, headers, body, method="GET", url="https://h/x")
        assert type(error) in ALL_TYPES
        assert repr(error).startswith(f"{type(error).__name__}(")
        assert str(error).startswith(f"{error.code}: ")
        problem = to_problem(error)
        assert problem == json.loads(json.dumps(problem))


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def imf_fixdate(moment: datetime) -> str:
    """``moment`` as an IMF-fixdate, the preferred HTTP-date form."""
    day = _DAYS[moment.weekday()]
    month = _MONTH_NAMES[moment.month - 1]
    return f"{day}, {moment:%d} {month} {moment:%Y %H:%M:%S} GMT"


class TestExactBoundaries:
    """The edges of every range the HTTP mapping uses, on both sides."""

    def test_retry_after_seconds_at_the_maximum(self) -> None:
        """Exactly 2**31 seconds is accepted, as whole or decimal seconds; one more is not."""
        assert float(2**31) == parse_retry_after(str(2**31))
        assert parse_retry_after(str(2**31 + 1)) is None
        assert float(2**31) == parse_retry_after(f"{2**31}.0")
        assert parse_retry_after(f"{2**31}.5") is None

    def test_retry_after_date_at_the_maximum(self) -> None:
        """A date exactly 2**31 seconds after the Date header is accepted; a second more is not."""
        served = datetime(2000, 1, 1, tzinfo=UTC)
        limit = served + timedelta(seconds=2**31)
        date = imf_fixdate(served)
        assert float(2**31) == parse_retry_after(imf_fixdate(limit), date=date)
        assert parse_retry_after(imf_fixdate(limit + timedelta(seconds=1)), date=date) is None

    def test_rfc850_date_header(self) -> None:
        """A Date header in the RFC 850 form is read with the same two-digit-year rule."""
        now = datetime(2026, 1, 1, tzinfo=UTC)
        seconds = parse_retry_after(
            "Sunday, 06-Nov-94 08:50:07 GMT", date="Sunday, 06-Nov-94 08:49:37 GMT", now=now
        )
        assert 30.0 == seconds

    @pytest.mark.parametrize(("short_year", "year"), [("49", 2049), ("50", 2050)])
    def test_rfc850_up_to_fifty_years_ahead(self, short_year: str, year: int) -> None:
        """A two-digit year up to exactly 50 years ahead is in this century."""
        now = datetime(2000, 1, 1, tzinfo=UTC)
        value = f"Monday, 01-Jan-{short_year} 00:00:00 GMT"
        expected = (datetime(year, 1, 1, tzinfo=UTC) - now).total_seconds()
        assert expected == parse_retry_after(value, now=now)

    def test_rfc850_beyond_fifty_years_is_the_last_century(self) -> None:
        """A two-digit year 51 years ahead is exactly 100 years earlier: 1951.

        Measured against a Date header in that year, so the exact year shows.
        """
        now = datetime(2000, 1, 1, tzinfo=UTC)
        value = "Monday, 01-Jan-51 00:00:10 GMT"
        assert 0.0 == parse_retry_after(value, now=now)
        assert 10.0 == parse_retry_after(value, now=now, date="Mon, 01 Jan 1951 00:00:00 GMT")

    def test_default_now_is_utc_in_any_local_zone(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without now, the current UTC time is used, not the local wall clock."""
        monkeypatch.setenv("TZ", "Etc/GMT-5")  # five hours ahead of UTC
        time.tzset()
        try:
            ahead = datetime.now(UTC) + timedelta(minutes=1)
            seconds = parse_retry_after(imf_fixdate(ahead))
        finally:
            monkeypatch.undo()
            time.tzset()
        assert seconds is not None
        assert 50 <= seconds <= 61

    @pytest.mark.parametrize(
        ("extension", "wait_ms"), [(0, 0), (0.5, 500), (2**31, 2**31 * 1000), (2**31 + 1, None)]
    )
    def test_retry_after_extension_range(self, extension: float, wait_ms: int | None) -> None:
        """A problem's retry_after extension counts from 0 up to exactly 2**31 seconds."""
        error = from_response(429, PROBLEM, problem_body(title="Slow", retry_after=extension))
        assert isinstance(error, se.RateLimitError)
        assert wait_ms == error.retry_after_ms

    @pytest.mark.parametrize("status", [300, 399])
    def test_redirect_range_edges(self, status: int) -> None:
        """300 and 399 are redirects: location and endpoint kept, not flagged unexpected."""
        error = from_response(
            status, {"Location": "https://u:pw@h/next"}, url="https://h/x?token=abc"
        )
        assert isinstance(error, se.NetworkError)
        assert status == error.status_code
        assert "https://h/x?token=***" == error.endpoint
        assert "https://h/next" == error.context["location"]
        assert "unexpected_status" not in error.context

    def test_599_is_a_server_error(self) -> None:
        """599 is a server error: retryable, with the wait it asked for."""
        error = from_response(599, {"Retry-After": "2"})
        assert isinstance(error, se.NetworkError)
        assert 2.0 == se.classify(error).suggested_delay
        plain = from_response(599)
        assert isinstance(plain, se.NetworkError)
        assert "unexpected_status" not in plain.context

    def test_600_is_unexpected(self) -> None:
        """600 is outside every range, Retry-After or not."""
        error = from_response(600, {"Retry-After": "2"})
        assert isinstance(error, se.NetworkError)
        assert error.context["unexpected_status"] is True


class TestHeaderAndBodyDetails:
    """Header values are text, bodies are found where they are, failures say what broke."""

    def test_byte_header_values_become_text(self) -> None:
        """Byte names and values are decoded; the context holds text."""
        pairs: Any = [(b"X-Request-Id", b"abc")]
        error = from_response(500, pairs)
        assert "abc" == error.context["request_id"]
        assert str is type(error.context["request_id"])

    def test_a_bad_entry_does_not_lose_the_others(self) -> None:
        """An entry whose name or value is not text is skipped, the rest kept."""
        headers: Any = {5: "x", "X-Request-Id": "abc", "Retry-After": 7}
        error = from_response(500, headers)
        assert "abc" == error.context["request_id"]
        assert isinstance(error, se.NetworkError)

    def test_json_body_after_leading_whitespace(self) -> None:
        """Whitespace before a JSON object does not hide it, without a content type too."""
        error = from_response(400, {}, b' \n {"message": "bad input"}')
        assert "bad input" == error.message

    def test_json_parser_is_loaded_on_first_use(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The JSON parser is imported lazily, once, and then kept."""
        monkeypatch.setattr(_response, "_loads", None)
        error = from_problem('{"detail": "x", "status": 400}')
        assert isinstance(error, se.ValidationError)
        assert json.loads is _response._loads

    def test_unreadable_response_message_and_format(self) -> None:
        """A response that cannot be read is a SerializationError of format "http"."""
        error = from_response(500, None, Hostile())
        assert isinstance(error, se.SerializationError)
        assert "Could not read the HTTP response: RuntimeError" == error.message
        assert "http" == error.format

    def test_unreadable_problem_message_and_format(self) -> None:
        """A problem that cannot be read is a SerializationError of format "problem+json"."""
        error = from_problem(Hostile())
        assert isinstance(error, se.SerializationError)
        assert "Could not read the problem document: RuntimeError" == error.message
        assert "problem+json" == error.format

    @pytest.mark.parametrize(
        ("data", "described"),
        [
            (b"[1]", "bytes of length 3 that is not a JSON object"),
            ("[1, 2]", "str of length 6 that is not a JSON object"),
            (5, "int"),
        ],
    )
    def test_not_an_object_says_what_arrived(self, data: object, described: str) -> None:
        """The message names the type (and length) of what arrived instead of an object."""
        error = from_problem(data)
        assert isinstance(error, se.SerializationError)
        assert f"A problem document must be a JSON object, got {described}" == error.message
        assert "problem+json" == error.format


class TestFromProblemDetails:
    """How from_problem picks the class and fills the context."""

    def test_code_that_is_not_a_string_is_ignored(self) -> None:
        """A code of another JSON type does not break the lookup; the status decides."""
        error = from_problem({"code": ["RATE_LIMIT_ERROR"], "status": 400, "detail": "bad"})
        assert isinstance(error, se.ValidationError)

    def test_type_tail_must_be_exactly_a_code(self) -> None:
        """What follows type_base, trailing slashes dropped, must be a code exactly."""
        base = "https://e.example/errors/"
        slashed = from_problem({"type": f"{base}rate_limit_error/"}, type_base=base)
        assert isinstance(slashed, se.RateLimitError)
        near = from_problem({"type": "urn:spice-errors:rate_limit_errorX"})
        assert isinstance(near, se.UnknownError)

    def test_status_fallback_keeps_the_document_as_a_problem(self) -> None:
        """Mapped by status, any document counts as a problem: its members go to context."""
        error = from_problem({"foo": 1}, status=503)
        assert isinstance(error, se.NetworkError)
        assert 1 == error.context["foo"]
        assert "about:blank" == error.context["type"]
        assert 503 == error.context["http_status"]

    def test_real_status_and_extensions_in_context(self) -> None:
        """The status argument and the extensions land in the context of a coded error."""
        error = from_problem({"code": "RATE_LIMIT_ERROR", "foo": 1}, status=429)
        assert isinstance(error, se.RateLimitError)
        assert 429 == error.context["http_status"]
        assert 1 == error.context["foo"]
        assert "code" not in error.context

    def test_no_status_no_http_status(self) -> None:
        """Without any status the context has no http_status."""
        assert "http_status" not in from_problem({"code": "AGENT_ERROR"}).context

    def test_message_defaults_to_the_code(self) -> None:
        """Without detail or title, the message is the class's code."""
        assert "UNKNOWN_ERROR" == from_problem({"code": "UNKNOWN_ERROR"}).message
        assert "TOOL_ERROR" == from_problem({"code": "TOOL_ERROR"}).message
