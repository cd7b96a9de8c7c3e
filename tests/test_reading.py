"""Reading what a server answered (SPEC section 5): waits, rate limits, vendor bodies, codes.

The corpus of real answers (tests/data/vendor_answers.json, test_vendor_corpus.py) pins
whole answers; these tests pin each rule on its own, and its edges.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors._errors import ALL_TYPES
from spice_errors._waits import (
    duration_seconds,
    milliseconds_header,
    parse_retry_after,
    rate_limit,
    reset_seconds,
)
from spice_errors.http import from_problem, from_response

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
JSON = {"content-type": "application/json"}


def read(status: int, headers: object = None, body: object = None) -> se.AnySpiceError:
    raw = None if body is None else body if isinstance(body, str | bytes) else json.dumps(body)
    return from_response(status, headers, raw)  # type: ignore[arg-type]


class TestRetryAfter:
    """``Retry-After`` and its millisecond twins."""

    def test_a_leap_second_is_the_moment_after_59(self) -> None:
        """RFC 9110 allows second 60; it is read as the next second."""
        assert 1.0 == parse_retry_after(
            "Wed, 31 Dec 2025 23:59:60 GMT", date="Wed, 31 Dec 2025 23:59:59 GMT"
        )

    def test_a_two_digit_year_is_placed_by_the_moment_it_names(self) -> None:
        """More than 50 years in the future, by timestamp, is the past (RFC 9110 5.6.7)."""
        now = datetime(2026, 12, 1, tzinfo=UTC)
        # 1 June 2076 is less than 50 years after 1 December 2026: the future.
        assert parse_retry_after("Monday, 01-Jun-76 00:00:00 GMT", now=now) == pytest.approx(
            (datetime(2076, 6, 1, tzinfo=UTC) - now).total_seconds()
        )
        # 1 December 2076 at noon is more than 50 years after: 1976, so no wait at all.
        assert 0.0 == parse_retry_after("Tuesday, 01-Dec-76 12:00:00 GMT", now=now)

    def test_fifty_years_from_a_leap_day(self) -> None:
        """29 February plus 50 years lands on the 28th; nothing raises."""
        now = datetime(2028, 2, 29, tzinfo=UTC)
        assert 0.0 == parse_retry_after("Friday, 01-Mar-78 00:00:00 GMT", now=now)

    def test_bad_dates_and_numbers(self) -> None:
        for value in ("Wed, 31 Foo 2025 23:59:59 GMT", "Wed, 31 Feb 2025 10:00:00 GMT", "-1", ""):
            assert parse_retry_after(value, now=NOW) is None
        assert parse_retry_after(str(2**31 + 1)) is None
        assert parse_retry_after(None) is None
        assert 1.5 == parse_retry_after(b"1.5")

    def test_milliseconds(self) -> None:
        assert 1.5 == milliseconds_header("1500")
        assert 0.25 == milliseconds_header(" 250.0 ")
        assert milliseconds_header("soon") is None
        assert milliseconds_header(None) is None
        assert milliseconds_header(str(2**31 * 1000 + 1000)) is None


_GO_DURATION = re.compile(
    r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?",
    re.ASCII,
)
"""Go's duration syntax, as OpenAI and Google write resets: the reader must agree with it."""


class TestDurations:
    """Durations as vendors write them (``6m0s``) and Google's ``retryDelay``."""

    @pytest.mark.parametrize(
        ("text", "seconds"),
        [("6m0s", 360.0), ("1s", 1.0), ("20ms", 0.02), ("1h2m3.5s", 3723.5), ("57s", 57.0)],
    )
    def test_read(self, text: str, seconds: float) -> None:
        assert seconds == pytest.approx(duration_seconds(text))

    @pytest.mark.parametrize("text", ["", "s", "6x", "1d", "ms5"])
    def test_not_durations(self, text: str) -> None:
        assert duration_seconds(text) is None

    def test_too_long(self) -> None:
        assert duration_seconds(f"{2**32}s") is None
        assert duration_seconds(f"{2**32}ms") is not None

    @given(
        st.lists(
            st.sampled_from(["1", "0", "25", ".", "5", "h", "m", "s", "ms", " ", "x", "٣"]),
            max_size=8,
        ).map("".join)
    )
    def test_agrees_with_the_pattern(self, text: str) -> None:
        """The single-unit shortcut reads what the Go-duration pattern reads, and no more."""
        found = _GO_DURATION.fullmatch(text.strip())
        if found is None or not any(found.groups()):
            assert duration_seconds(text) is None
            return
        hours, minutes, seconds, millis = (float(part or 0) for part in found.groups())
        total = hours * 3600 + minutes * 60 + seconds + millis / 1000
        assert total == pytest.approx(duration_seconds(text))


class TestResets:
    """When a rate limit resets, and which limit a response reports."""

    def test_delay_epoch_duration_and_timestamp(self) -> None:
        date = "Tue, 01 Dec 2026 12:00:00 GMT"
        epoch = int((NOW + timedelta(seconds=90)).timestamp())
        assert 30.0 == reset_seconds("30", date=None, now=NOW)
        assert 90.0 == reset_seconds(str(epoch), date=date, now=None)
        assert 360.0 == reset_seconds("6m0s", date=None, now=NOW)
        assert 5.0 == reset_seconds("2026-12-01T12:00:05Z", date=date, now=None)
        assert 5.0 == reset_seconds("2026-12-01T12:00:05", date=None, now=NOW)
        assert 0.0 == reset_seconds("2026-12-01T11:00:00Z", date=None, now=NOW)

    def test_unreadable(self) -> None:
        for value in ("later", "2026-13-01T00:00:00Z", "1e999999", "9" * 400):
            assert reset_seconds(value, date=None, now=NOW) is None

    def test_the_spent_limit_that_resets_last_is_reported(self) -> None:
        """OpenAI sends two limits; the one with nothing remaining is the one that counts."""
        pairs = {
            "x-ratelimit-limit-requests": "60",
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-tokens": "6m0s",
        }
        assert {"limit": 150000, "remaining": 0, "reset_s": 360.0} == rate_limit(pairs, now=NOW)
        pairs["x-ratelimit-remaining-tokens"] = "10"
        assert 360.0 == (rate_limit(pairs, now=NOW) or {})["reset_s"]

    def test_the_ietf_draft_forms(self) -> None:
        old = {"ratelimit": "limit=100, remaining=0, reset=30"}
        assert {"limit": 100, "remaining": 0, "reset_s": 30.0} == rate_limit(old)
        new = {"ratelimit": '"default";r=0;t=7', "ratelimit-policy": '"default";q=100;w=60'}
        assert {"limit": 100, "remaining": 0, "reset_s": 7.0} == rate_limit(new)
        split = {"ratelimit-limit": "10", "ratelimit-remaining": "2", "ratelimit-reset": "4"}
        assert {"limit": 10, "remaining": 2, "reset_s": 4.0} == rate_limit(split)

    def test_anthropic_names(self) -> None:
        pairs = {
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "0",
            "anthropic-ratelimit-requests-reset": "2026-12-01T12:00:03Z",
        }
        assert {"limit": 50, "remaining": 0, "reset_s": 3.0} == rate_limit(pairs, now=NOW)

    def test_nothing_to_report(self) -> None:
        assert rate_limit({"content-type": "text/plain"}) is None
        assert rate_limit({"x-ratelimit-used": "3"}) is None
        assert rate_limit({"x-ratelimit-remaining": "lots", "x-ratelimit-reset": "soon"}) is None


class TestWaits:
    """The wait a response asks for, and where it is kept."""

    def test_milliseconds_headers_win(self) -> None:
        error = read(429, {"retry-after-ms": "1500", "retry-after": "30"})
        assert 1500 == error.retry_after_ms  # type: ignore[union-attr]
        azure = read(429, {"x-ms-retry-after-ms": "250", "retry-after": "1"})
        assert 250 == azure.retry_after_ms  # type: ignore[union-attr]
        bad = read(429, {"retry-after-ms": "soon", "retry-after": "2"})
        assert 2000 == bad.retry_after_ms  # type: ignore[union-attr]

    def test_google_retry_delay_in_the_body(self) -> None:
        body = {
            "error": {
                "code": 429,
                "status": "RESOURCE_EXHAUSTED",
                "message": "Quota exceeded",
                "details": [
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57s"},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": 5},
                ],
            }
        }
        error = read(429, JSON, body)
        assert isinstance(error, se.RateLimitError)
        assert 57000 == error.retry_after_ms

    def test_a_rate_limit_without_a_wait_waits_for_the_reset(self) -> None:
        error = read(429, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "12"})
        assert 12000 == error.retry_after_ms  # type: ignore[union-attr]
        assert {"remaining": 0, "reset_s": 12.0} == error.context["rate_limit"]

    def test_the_reset_is_no_wait_for_other_errors(self) -> None:
        """A 500 that also reports its rate limit asks for no wait."""
        error = read(500, {"x-ratelimit-remaining": "10", "x-ratelimit-reset": "12"})
        assert "retry_after_ms" not in error.context
        assert {"remaining": 10, "reset_s": 12.0} == error.context["rate_limit"]

    @pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
    def test_the_same_status_gives_the_same_class(self, status: int) -> None:
        plain = read(status)
        waited = read(status, {"Retry-After": "3"})
        assert type(plain) is type(waited) is se.NetworkError
        assert 3000 == waited.context["retry_after_ms"]


class TestServerWord:
    """``x-should-retry``, ``Stripe-Should-Retry`` and lock timeouts."""

    @pytest.mark.parametrize("name", ["x-should-retry", "Stripe-Should-Retry"])
    def test_should_retry(self, name: str) -> None:
        no = read(503, {name: "false"})
        assert no.context["should_retry"] is False
        assert not se.is_retryable(no)
        yes = read(409, {name: "True"})
        assert yes.context["should_retry"] is True
        assert se.is_retryable(yes)
        assert "should_retry" not in read(409, {name: "maybe"}).context

    def test_a_lock_timeout_is_retried(self) -> None:
        """Stripe's 409 lock_timeout: another request held the object."""
        body = {"error": {"code": "lock_timeout", "type": "api_error", "message": "locked"}}
        error = read(409, JSON, body)
        assert isinstance(error, se.NetworkError)
        assert se.is_retryable(error)
        other = read(409, JSON, {"error": {"code": "resource_already_exists", "message": "x"}})
        assert not se.is_retryable(other)


class TestForbidden:
    """A 403 is a rate limit when the answer says so."""

    def test_github_primary_rate_limit(self) -> None:
        error = read(403, {"x-ratelimit-remaining": "0", "retry-after": "60"})
        assert isinstance(error, se.RateLimitError)
        assert 60000 == error.retry_after_ms
        assert 403 == error.context["http_status"]
        assert se.is_retryable(error)

    def test_a_message_saying_rate_limit(self) -> None:
        body = {"message": "You have exceeded a secondary Rate-Limit."}
        assert isinstance(read(403, JSON, body), se.RateLimitError)

    def test_otherwise_forbidden(self) -> None:
        error = read(403, {"x-ratelimit-remaining": "10"}, {"message": "Resource not accessible"})
        assert isinstance(error, se.AuthenticationError)
        assert 403 == error.context["http_status"]


class TestBodies:
    """Each vendor body shape, and its edges."""

    def test_vertex_ai_wraps_google_in_a_list(self) -> None:
        body = [
            {
                "error": {
                    "code": 429,
                    "message": "Resource exhausted.",
                    "status": "RESOURCE_EXHAUSTED",
                }
            }
        ]
        error = read(429, JSON, body)
        assert "Resource exhausted." == error.message
        assert "RESOURCE_EXHAUSTED" == error.context["error_code"]
        assert "Too Many Requests" in read(429, JSON, [{"error": {}}, {"error": {}}]).message

    def test_google_reasons_and_help(self) -> None:
        body = {
            "error": {
                "code": 400,
                "message": "API key not valid.",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                    },
                    {
                        "@type": "type.googleapis.com/google.rpc.Help",
                        "links": [{"url": "https://console.cloud.google.com/apis"}],
                    },
                    {"@type": "type.googleapis.com/google.rpc.Help", "links": []},
                ],
            }
        }
        error = read(400, JSON, body)
        assert isinstance(error, se.AuthenticationError)
        assert ["API_KEY_INVALID"] == error.context["error_reasons"]
        assert error.context.get("doc_url") is None  # the last Help without links wins nothing

    def test_a_numeric_code_is_a_status_not_a_vendor_code(self) -> None:
        """Google's ``{"error": {"code": 429, "message"}}``: the number is the HTTP status."""
        error = read(429, JSON, {"error": {"code": 429, "message": "Too many requests"}})
        assert "Too many requests" == error.message
        assert "error_code" not in error.context
        azure = read(429, JSON, {"error": {"code": "429", "message": "Rate limit"}})
        assert "429" == azure.context["error_code"]

    def test_error_objects_without_a_message(self) -> None:
        error = read(400, JSON, {"error": {"type": "invalid_request_error"}})
        assert "400 Bad Request" == error.message
        assert "invalid_request_error" == error.context["error_type"]
        assert "400 Bad Request" == read(400, JSON, {"error": {"detail": 3}}).message

    def test_a_numeric_code_in_an_errors_list(self) -> None:
        body = {"errors": [{"message": "Too complex", "extensions": {"code": 42}}]}
        assert "42" == read(400, JSON, body).context["error_code"]

    def test_graphql_and_json_api(self) -> None:
        graphql = {
            "errors": [
                {"message": "Not allowed", "extensions": {"code": "FORBIDDEN"}},
                {"message": "x"},
            ]
        }
        error = read(200, JSON, graphql)
        assert "Not allowed" == error.message
        assert "FORBIDDEN" == error.context["error_code"]
        assert 2 == error.context["error_count"]
        assert error.context["unexpected_status"] is True
        jsonapi = {"errors": [{"title": "Invalid", "code": "E1"}]}
        read_back = read(422, JSON, jsonapi)
        assert "Invalid" == read_back.message
        assert "E1" == read_back.context["error_code"]
        assert "error_count" not in read_back.context

    def test_aws_json(self) -> None:
        body = {
            "__type": "com.amazon.coral.service#ThrottlingException",
            "Message": "Rate exceeded",
        }
        error = read(400, {"content-type": "application/x-amz-json-1.1"}, body)
        assert isinstance(error, se.RateLimitError)
        assert "Rate exceeded" == error.message
        assert "ThrottlingException" == error.context["error_code"]
        by_header = read(
            400,
            {"x-amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/", **JSON},
            {"message": "denied"},
        )
        assert isinstance(by_header, se.AuthenticationError)
        assert "AccessDeniedException" == by_header.context["error_code"]

    def test_s3_xml(self) -> None:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            "<Message>Please reduce your request rate &amp; retry.</Message>"
            "<RequestId>4442587FB7D0A2F9</RequestId></Error>"
        )
        error = read(503, {"content-type": "application/xml"}, body)
        assert isinstance(error, se.RateLimitError)
        assert "Please reduce your request rate & retry." == error.message
        assert "4442587FB7D0A2F9" == error.context["request_id"]
        empty = read(403, {"content-type": "application/xml"}, "<Error><Code></Code></Error>")
        assert "403 Forbidden" == empty.message

    def test_plain_text(self) -> None:
        text = {"content-type": "text/plain; charset=utf-8"}
        assert "upstream connect error" == read(503, text, "upstream connect error\nreset").message
        assert "503 Service Unavailable" == read(503, text, "x" * 201).message
        assert "503 Service Unavailable" == read(503, text, "   \n").message
        html = {"content-type": "text/html"}
        assert "502 Bad Gateway" == read(502, html, "<html><h1>502</h1></html>").message
        assert "502 Bad Gateway" == read(502, text, b"\xff\xfe").message

    def test_request_ids(self) -> None:
        assert "r1" == read(500, {"x-amzn-RequestId": "r1"}).context["request_id"]
        assert "r2" == read(500, JSON, {"message": "x", "requestId": "r2"}).context["request_id"]
        assert "r3" == read(500, JSON, {"request_id": "r3", "errors": 1}).context["request_id"]
        assert "request_id" not in read(500, JSON, {"request_id": 5}).context

    def test_an_anthropic_body_is_no_problem(self) -> None:
        body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        error = read(529, JSON, body)
        assert "Overloaded" == error.message
        assert "type" not in error.context
        assert "overloaded_error" == error.context["error_type"]
        assert se.is_retryable(error)


class TestProblemsFromOthers:
    """Problem documents of another party never decide for us."""

    def test_another_partys_uri_never_picks_a_class(self) -> None:
        error = from_problem(
            {"type": "https://partner.example/errors/timeout_error", "status": 400}
        )
        assert isinstance(error, se.ValidationError)
        assert not se.is_retryable(error)
        ours = from_problem({"type": "urn:spice-errors:timeout_error"})
        assert isinstance(ours, se.TimeoutError)
        theirs = from_problem(
            {"type": "https://partner.example/errors/timeout_error"},
            type_base="https://partner.example/errors/",
        )
        assert isinstance(theirs, se.TimeoutError)
        assert isinstance(
            from_problem({"type": "urn:spice-errors:"}, type_base=""), se.UnknownError
        )

    def test_a_partners_code_is_kept(self) -> None:
        error = from_problem({"type": "https://partner.example/x", "code": "E1234", "title": "Bad"})
        assert "E1234" == error.context["code"]
        assert "code" not in from_problem({"code": "TIMEOUT_ERROR"}).context

    def test_a_problems_retry_after_ms_member(self) -> None:
        """A number of milliseconds is the wait; anything else is kept, renamed."""
        problem = {"content-type": "application/problem+json"}
        body = {"title": "Busy", "retry_after_ms": 1500}
        error = from_response(503, problem, json.dumps(body))
        assert 1500 == error.context["retry_after_ms"]
        assert 1500 == error.context["problem_retry_after_ms"]
        for odd in ("soon", -5, 10**400):
            odd_body = json.dumps({"title": "Busy", "retry_after_ms": odd})
            kept = from_response(503, problem, odd_body)
            assert "retry_after_ms" not in kept.context
            assert odd == kept.context["problem_retry_after_ms"]

    def test_decision_keys_are_renamed(self) -> None:
        for read_it in (
            from_problem,
            lambda body: from_response(
                503, {"content-type": "application/problem+json"}, json.dumps(body)
            ),
        ):
            error = read_it(
                {"type": "about:blank", "title": "x", "retryable": True, "phase": "connect"}
            )
            assert "retryable" not in error.context
            assert "phase" not in error.context
            assert error.context["problem_retryable"] is True
            assert "connect" == error.context["problem_phase"]


class TestClassifier:
    """The retry rules that the readers' facts feed."""

    def test_the_status_in_context_decides_other_types(self) -> None:
        """status_code or http_status, then only without one the retryable flag."""
        assert se.is_retryable(se.AgentError("x", context={"http_status": 503}))
        assert not se.is_retryable(
            se.AgentError("x", context={"http_status": 400, "retryable": True})
        )
        assert se.is_retryable(se.AgentError("x", context={"retryable": True}))
        assert not se.is_retryable(se.AgentError("x", context={"status_code": 404}))

    @pytest.mark.parametrize("status", [200, 204, 301, 304, 400, 404])
    def test_a_retryable_error_with_a_status_that_is_not_a_failure_to_retry(
        self, status: int
    ) -> None:
        assert not se.is_retryable(se.RetryableError("x", status_code=status))

    @pytest.mark.parametrize("status", [408, 429, 500, 503])
    def test_a_retryable_error_with_a_retryable_status(self, status: int) -> None:
        assert se.is_retryable(se.RetryableError("x", status_code=status))

    def test_a_spent_quota_is_not_retried(self) -> None:
        decision = se.classify(se.RateLimitError("out of credit", limit_type="quota"))
        assert not decision.should_retry
        assert "quota" in decision.reason

    def test_tls_never_even_when_the_server_says_retry(self) -> None:
        error = se.NetworkError("bad cert", context={"tls": True, "should_retry": True})
        assert not se.is_retryable(error)

    @pytest.mark.parametrize(
        ("wait_ms", "seconds"),
        [(10**400, 2.0**31), (-5, 0.0), (float("nan"), None), (float("inf"), 2.0**31), ("5", None)],
    )
    def test_absurd_waits_never_raise(self, wait_ms: object, seconds: float | None) -> None:
        error = se.NetworkError("x", status_code=503, context={"retry_after_ms": wait_ms})
        assert seconds == se.classify(error).suggested_delay


WAIT_HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "Retry-After",
            "retry-after-ms",
            "x-ms-retry-after-ms",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "RateLimit",
            "x-should-retry",
            "Date",
        ]
    ),
    st.text(max_size=30) | st.integers(-(10**6), 10**12).map(str),
    max_size=6,
)


@given(status=st.integers(100, 599), headers=WAIT_HEADERS)
def test_headers_never_change_the_class_of_a_status(status: int, headers: dict[str, str]) -> None:
    """Property: the same status gives the same class, whatever wait headers say.

    (Except GitHub's 403 rate limit, which the remaining count decides by the contract.)
    """
    if status == 403:
        headers.pop("x-ratelimit-remaining", None)
    assert type(from_response(status)) is type(from_response(status, headers))


BODIES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "error",
                    "message",
                    "type",
                    "code",
                    "status",
                    "errors",
                    "details",
                    "detail",
                    "title",
                    "__type",
                    "Message",
                    "error_description",
                    "extensions",
                    "reason",
                    "@type",
                    "retryDelay",
                    "request_id",
                    "links",
                    "url",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)
HEADER_PAIRS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "Content-Type",
                "content-type",
                "Retry-After",
                "X-Request-Id",
                "Date",
                "x-amzn-ErrorType",
                "ratelimit",
                "anthropic-ratelimit-tokens-reset",
                "é",
            ]
        )
        | st.text(max_size=8),
        st.text(max_size=30),
    ),
    max_size=6,
)


@given(status=st.integers(-10, 1000), headers=HEADER_PAIRS, body=BODIES)
def test_from_response_never_raises_and_builds_a_valid_error(
    status: int, headers: list[tuple[str, str]], body: object
) -> None:
    """Property: any status, header pairs (repeated, any case, non-ASCII) and JSON body."""
    error = from_response(status, headers, json.dumps(body, allow_nan=True))
    assert type(error) in ALL_TYPES
    assert status == error.context["http_status"] or not 0 < status
    for rendering in (repr, str, se.SpiceError.report, se.SpiceError.to_json):
        assert rendering(error)
    se.classify(error)


SECRET = "sk-live-7f3a9c0d1e2b4f6a8c0e"  # noqa: S105 -- a made-up key that must never show


@given(
    status=st.sampled_from([400, 401, 403, 404, 429, 500, 503]),
    where=st.sampled_from(["message", "detail", "error_description"]),
)
def test_a_secret_in_the_url_or_the_body_never_shows(status: int, where: str) -> None:
    """Property: whatever the status and wherever the body carries it."""
    body: dict[str, object] = {where: f"bad request with api_key={SECRET}", "type": "about:blank"}
    if where == "message":
        body = {"error": {"message": f"token={SECRET} refused"}}
    error = from_response(
        status,
        JSON,
        json.dumps(body),
        method="POST",
        url=f"https://api.example.com/v1?api_key={SECRET}",
    )
    for shown in (
        repr(error),
        str(error),
        error.report(),
        error.to_json(),
        json.dumps(error.to_dict()),
    ):
        assert SECRET not in shown


def test_a_status_beyond_any_real_one_never_breaks_a_decision() -> None:
    """A context status of 5,000 digits (more than str() of an int may show) is named safely."""
    for error in (
        se.AgentError("x", context={"http_status": 10**5000}),
        se.NetworkError("x", context={"http_status": 10**5000}),
        se.NetworkError("x", context={"http_status": 10**5000 + 503}),
    ):
        assert "bits>" in se.classify(error).reason


@given(
    status=st.integers(100, 599),
    headers=st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=4) | HEADER_PAIRS,
    body=st.binary(max_size=200)
    | st.text(max_size=200)
    | st.integers().map(
        lambda n: f'{{"error": {{"code": {n}, "message": "x"}}, "retry_after": {n}}}'
    )
    | st.just('{"a": ' * 3000 + "1" + "}" * 3000),
)
def test_from_response_takes_any_bytes_text_and_huge_numbers(
    status: int, headers: object, body: bytes | str
) -> None:
    """Property: raw bytes, text, 5,000-digit numbers, JSON nested deeper than the parser."""
    error = from_response(status, headers, body)  # type: ignore[arg-type]
    assert type(error) in ALL_TYPES
    assert status == error.context["http_status"]
    # The class is the status's, unless a vendor code or (on a 403) the message says more.
    said_more = status == 403 or "error_code" in error.context or "error_reasons" in error.context
    assert said_more or type(error) is type(from_response(status))
