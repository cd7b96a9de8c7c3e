"""Answering as a server: status_for, registered problem types, public problem documents."""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import SpiceError, _problems
from spice_errors.http import (
    from_problem,
    from_response,
    register_problem_type,
    status_for,
    to_problem,
    unregister_problem_type,
)

PARTNER_URL = "https://billing.internal.example/v2/charges?api_key=S3CRET-partner"


@pytest.fixture(autouse=True)
def problem_types() -> Iterator[None]:
    """Every test starts and ends with the problem types the process had."""
    saved = _problems.snapshot_problem_types()
    yield
    _problems.restore_problem_types(saved)


def partner_401() -> SpiceError:
    """What a partner API's 401 reads as: a received error."""
    return from_response(
        401,
        {"Content-Type": "application/problem+json", "X-Request-Id": "partner-req-9"},
        json.dumps(
            {
                "type": "https://partner.example/problems/expired-key",
                "title": "Key expired",
                "detail": "Key sk-partner-1 expired at db-7.partner.internal",
                "instance": "/partner/requests/9",
                "account": "acct-internal-77",
            }
        ),
        method="POST",
        url=PARTNER_URL,
    )


class TestStatusFor:
    """status_for: registered types, then received errors, then the type."""

    @pytest.mark.parametrize(
        ("error", "status"),
        [
            (se.ValidationError("x"), 400),
            (se.AuthenticationError("x"), 401),
            (se.RateLimitError("x"), 429),
            (se.NetworkError("x", status_code=404), 404),
            (se.NetworkError("x", status_code=302), 502),
            (se.NetworkError("x"), 502),
            (se.RetryableError("x", status_code=500), 500),
            (se.RetryableError("x"), 503),
            (se.TimeoutError("x"), 504),
            (se.ToolLookupError("x"), 404),
            (se.UnknownError("x"), 500),
            (se.ConfigurationError("x"), 500),
            (se.ToolError("x", tool_name="t"), 500),
        ],
    )
    def test_by_type(self, error: SpiceError, status: int) -> None:
        """An error this program made answers by its type."""
        assert status == status_for(error)

    def test_context_http_status_no_longer_decides(self) -> None:
        """A context http_status is a fact about another answer, not this one's status."""
        assert 401 == status_for(se.AuthenticationError("x", context={"http_status": 403}))
        assert 500 == status_for(se.UnknownError("x", context={"http_status": 409}))

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 503])
    def test_a_received_answer_is_a_bad_gateway(self, status: int) -> None:
        """Whatever another service answered, the caller of this server did nothing wrong."""
        assert 502 == status_for(from_response(status, url=PARTNER_URL))

    def test_a_received_timeout_is_a_gateway_timeout(self) -> None:
        """A client library's timeout is a 504; a failed connection a 502."""
        request = httpx.Request("GET", PARTNER_URL)
        timeout = se.from_exception(httpx.ReadTimeout("timed out", request=request))
        assert isinstance(timeout, se.TimeoutError)
        assert 504 == status_for(timeout)
        refused = se.from_exception(httpx.ConnectError("refused", request=request))
        assert 502 == status_for(refused)

    def test_received_problems_and_their_failures(self) -> None:
        """from_problem marks what it reads, also when it cannot read it."""
        assert 502 == status_for(from_problem({"code": "VALIDATION_ERROR", "detail": "x"}))
        assert 502 == status_for(from_problem(b"not json"))
        assert 502 == status_for(from_problem({"status": 429}))
        assert 502 == status_for(from_response("bad", {}, b"{}"))  # type: ignore[arg-type]

    def test_the_mark_survives_every_form(self) -> None:
        """with_context, to_dict, to_json and pickle all keep the mark."""
        error = partner_401().with_context(order="o-1")
        assert 502 == status_for(error)
        assert 502 == status_for(se.error_from_dict(error.to_dict()))
        assert 502 == status_for(se.error_from_json(error.to_json()))
        assert 502 == status_for(pickle.loads(pickle.dumps(error)))

    def test_own_errors_are_not_marked(self) -> None:
        """Builtin exceptions are this program's own: no mark."""
        assert 504 == status_for(se.from_exception(TimeoutError("slow")))
        assert 400 == status_for(se.from_exception(ValueError("bad age")))
        assert "received" not in se.from_exception(ValueError("bad age")).context

    def test_a_problem_member_cannot_forge_the_mark(self) -> None:
        """A received document's member named received is kept aside, as a decision key."""
        error = from_problem({"code": "UNKNOWN_ERROR", "received": False})
        assert error.context["received"] is True
        assert error.context["problem_received"] is False


class TestRegisteredProblemTypes:
    """register_problem_type: an application's own kinds of problem."""

    def test_status_title_and_type(self) -> None:
        """A registered code answers with its status, title and type."""
        register_problem_type(
            "INSUFFICIENT_FUNDS",
            status=402,
            title="Insufficient funds",
            type_uri="https://shop.example/problems/insufficient-funds",
        )
        error = se.ValidationError("Balance 3.00 is below 7.50").with_context(
            error_code="INSUFFICIENT_FUNDS", balance="3.00"
        )
        assert 402 == status_for(error)
        assert {
            "type": "https://shop.example/problems/insufficient-funds",
            "title": "Insufficient funds",
            "status": 402,
            "detail": "Balance 3.00 is below 7.50",
            "code": "VALIDATION_ERROR",
            "error_code": "INSUFFICIENT_FUNDS",
        } == to_problem(error)

    def test_default_type_uri_and_5xx_detail(self) -> None:
        """Without a type URI, type_base and the code; a 5xx says its registered detail."""
        register_problem_type(
            "LEDGER_DOWN", status=503, title="Ledger unavailable", detail="Try again soon."
        )
        error = se.UnknownError("ledger db-3.internal refused").with_context(
            error_code="LEDGER_DOWN"
        )
        problem = to_problem(error, type_base="https://shop.example/problems/")
        assert "https://shop.example/problems/ledger_down" == problem["type"]
        assert "Try again soon." == problem["detail"]
        assert 503 == problem["status"]

    def test_a_received_code_never_picks_a_registered_type(self) -> None:
        """A partner's vendor code that happens to match ours is still a 502."""
        register_problem_type("card_declined", status=402, title="Card declined")
        received = from_response(
            402, {}, b'{"error": {"message": "declined", "code": "card_declined"}}'
        )
        assert "card_declined" == received.context["error_code"]
        assert 502 == status_for(received)
        assert "error_code" not in to_problem(received)

    def test_register_again_and_unregister(self) -> None:
        """Registering a code again replaces it; unregistering tells whether it was there."""
        register_problem_type("VERSION_CONFLICT", status=409, title="Version conflict")
        register_problem_type("VERSION_CONFLICT", status=412, title="Stale version")
        error = se.ValidationError("stale").with_context(error_code="VERSION_CONFLICT")
        assert 412 == status_for(error)
        assert unregister_problem_type("VERSION_CONFLICT") is True
        assert unregister_problem_type("VERSION_CONFLICT") is False
        assert 400 == status_for(error)

    @pytest.mark.parametrize(
        ("kwargs", "exc", "text"),
        [
            ({"error_code": 7, "status": 402, "title": "t"}, TypeError, "error_code must be a str"),
            ({"error_code": " ", "status": 402, "title": "t"}, ValueError, "must not be empty"),
            ({"error_code": "X", "status": True, "title": "t"}, TypeError, "status must be an int"),
            ({"error_code": "X", "status": 302, "title": "t"}, ValueError, "from 400 to 599"),
            ({"error_code": "X", "status": 600, "title": "t"}, ValueError, "from 400 to 599"),
            ({"error_code": "X", "status": 402, "title": ""}, ValueError, "title must not"),
            (
                {"error_code": "X", "status": 402, "title": "t", "type_uri": 1},
                TypeError,
                "type_uri must be a str or None",
            ),
            (
                {"error_code": "X", "status": 402, "title": "t", "detail": ""},
                ValueError,
                "detail must not be empty",
            ),
        ],
    )
    def test_bad_arguments(
        self, kwargs: dict[str, object], exc: type[Exception], text: str
    ) -> None:
        """Each argument is checked, at once, naming what is wrong."""
        with pytest.raises(exc, match=text):
            register_problem_type(**kwargs)  # type: ignore[arg-type]

    def test_the_record(self) -> None:
        """What was registered can be read back as a frozen ProblemType."""
        register_problem_type("ORDER_NOT_FOUND", status=404, title="No such order")
        kind = _problems.snapshot_problem_types()
        assert isinstance(kind, dict)
        assert (
            se.http.ProblemType("ORDER_NOT_FOUND", 404, "No such order") == kind["ORDER_NOT_FOUND"]
        )

    def test_the_registry_reads_as_the_dict_it_holds(self) -> None:
        """The registry itself reads as a mapping: the dict of the types registered now."""
        register_problem_type("ORDER_NOT_FOUND", status=404, title="No such order")
        registry = _problems._problem_types
        assert _problems.snapshot_problem_types() is registry.current
        assert (len(registry.current), registry.current) == (len(registry), dict(registry))


class TestPublicProblem:
    """to_problem's default: what a client may see, and nothing more."""

    def test_a_4xx(self) -> None:
        """The redacted message, the reason phrase, the code, the field and its errors."""
        inner = se.ValidationError("must be positive", field="qty", context={"pointer": "#/qty"})
        error = se.ValidationError(
            "Order is not valid (see https://u:pw@h.test/docs?token=abc)",
            field="order",
            actual_value="S3CRET-value",
            errors=[inner],
        ).with_context(user_id="u-1", db="db.internal:5432")
        assert {
            "type": "urn:spice-errors:validation_error",
            "title": "Bad Request",
            "status": 400,
            "detail": "Order is not valid (see https://h.test/docs?token=***)",
            "code": "VALIDATION_ERROR",
            "field": "order",
            "errors": [
                {
                    "detail": "must be positive",
                    "field": "qty",
                    "pointer": "#/qty",
                    "code": "VALIDATION_ERROR",
                }
            ],
        } == to_problem(error)

    def test_a_5xx_says_a_generic_sentence(self) -> None:
        """A server's failure text stays in its logs."""
        error = se.ConfigurationError("pool postgres://db.internal:5432/shop exhausted")
        problem = to_problem(error)
        assert "The server could not complete the request." == problem["detail"]
        assert "Internal Server Error" == problem["title"]
        assert "db.internal" not in json.dumps(problem)

    @pytest.mark.parametrize(
        ("status", "detail"),
        [
            (501, "The server does not support this request."),
            (502, "A service this server depends on failed."),
            (503, "The service is unavailable for now; try again later."),
            (504, "A service this server depends on did not answer in time."),
            (507, "The server could not complete the request."),
        ],
    )
    def test_generic_details(self, status: int, detail: str) -> None:
        """Each 5xx has its fixed sentence."""
        assert detail == to_problem(se.UnknownError("internal"), status=status)["detail"]

    def test_a_wait_of_this_servers_own(self) -> None:
        """retry_after_ms from a rate limit, a retry hint, or context; never a received one."""
        limited = to_problem(se.RateLimitError("Slow down", retry_after_ms=2500))
        assert 2500 == limited["retry_after_ms"]
        busy = se.RetryableError("Busy", retry_hint=se.RetryHint.from_retry_after_seconds(3))
        assert 3000 == to_problem(busy)["retry_after_ms"]
        own = se.UnknownError("x").with_context(retry_after_ms=100)
        assert 100 == to_problem(own)["retry_after_ms"]
        assert "retry_after_ms" not in to_problem(
            se.UnknownError("x", context={"retry_after_ms": -1})
        )
        received = from_response(429, {"Retry-After": "30"}, b"")
        assert 30_000 == received.retry_after_ms  # type: ignore[union-attr]
        assert "retry_after_ms" not in to_problem(received)

    def test_a_received_error_shows_nothing_it_received(self) -> None:
        """No partner status, endpoint, method, type, title, instance, extension or message."""
        problem = to_problem(partner_401())
        assert {
            "type": "urn:spice-errors:auth_error",
            "title": "Bad Gateway",
            "status": 502,
            "detail": "A service this server depends on failed.",
            "code": "AUTH_ERROR",
        } == problem
        text = json.dumps(problem)
        for fact in ("partner", "401", "POST", "expired", "acct-internal", "sk-", "billing"):
            assert fact not in text

    def test_a_received_error_with_a_4xx_chosen(self) -> None:
        """Even answered as a 4xx, a received error's message stays out."""
        problem = to_problem(partner_401(), status=409)
        assert ("Conflict", "Conflict.") == (problem["title"], problem["detail"])

    def test_instance(self) -> None:
        """Given, else context instance; never a received error's."""
        error = se.ToolLookupError("No order 7").with_context(instance="/orders/7")
        assert "/orders/7" == to_problem(error)["instance"]
        assert "/x?token=***" == to_problem(error, instance="/x?token=abc")["instance"]
        assert "instance" not in to_problem(partner_401())
        assert "/mine" == to_problem(partner_401(), instance="/mine")["instance"]

    def test_expose(self) -> None:
        """Named typed fields and context keys go out, masked; members are never replaced."""
        error = se.NetworkError(
            "upstream", status_code=503, endpoint="https://u:pw@h.test/x"
        ).with_context(order_id="o-7", api_key="S3CRET", title="mine")
        problem = to_problem(
            error, expose=["order_id", "api_key", "endpoint", "title", "absent", "status_code"]
        )
        assert "o-7" == problem["order_id"]
        assert "***" == problem["api_key"]
        assert "https://h.test/x" == problem["endpoint"]
        assert 503 == problem["status_code"]
        assert "Service Unavailable" == problem["title"]
        assert "absent" not in problem
        unset = to_problem(se.NetworkError("x"), expose=["endpoint"])
        assert "endpoint" not in unset

    @pytest.mark.parametrize(
        ("kwargs", "exc", "text"),
        [
            ({"expose": "order_id"}, TypeError, "not a str"),
            ({"expose": [1]}, TypeError, "hold str names"),
            ({"status": "500"}, TypeError, "status must be an int"),
            ({"status": 99}, ValueError, "from 100 to 599"),
            ({"instance": 7}, TypeError, "instance must be a str"),
        ],
    )
    def test_bad_arguments(
        self, kwargs: dict[str, object], exc: type[Exception], text: str
    ) -> None:
        """A wrong argument is a clear error at once."""
        with pytest.raises(exc, match=text):
            to_problem(se.UnknownError("x"), **kwargs)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("status", "title"),
        [
            (413, "Content Too Large"),
            (422, "Unprocessable Content"),
            (429, "Too Many Requests"),
            (499, "Client Error"),
            (599, "Server Error"),
        ],
    )
    def test_titles_are_rfc_9110_phrases_on_every_python(self, status: int, title: str) -> None:
        """The same title on 3.11 as on 3.13; a status without a phrase gets its class."""
        assert title == to_problem(se.UnknownError("x"), status=status)["title"]

    def test_context_keys_named_like_members_never_replace_them(self) -> None:
        """Even in debug, status, title, code and detail are the problem's own."""
        error = se.UnknownError(
            "x", context={"status": 200, "title": "nope", "code": "X", "detail": "no"}
        )
        problem = to_problem(error, debug=True)
        assert (500, "Internal Server Error", "UNKNOWN_ERROR", "x") == (
            problem["status"],
            problem["title"],
            problem["code"],
            problem["detail"],
        )


class TestDebugProblem:
    """debug=True: everything the error holds, masked, for development."""

    def test_members(self) -> None:
        """Typed fields, context and causes, all masked."""
        error = se.NetworkError(
            "Upstream failed", status_code=503, endpoint="https://u:p@h/x"
        ).with_context({"instance": "/requests/7", "attempt": 2, "password": "S3cr3t"})
        error = se.NetworkError(
            error.message,
            status_code=503,
            endpoint="https://u:p@h/x",
            context=error.context,
            cause=ConnectionResetError("reset by https://u:S3cr3t@peer.test/"),
        )
        assert {
            "type": "urn:spice-errors:network_error",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "Upstream failed",
            "instance": "/requests/7",
            "code": "NETWORK_ERROR",
            "status_code": 503,
            "endpoint": "https://h/x",
            "attempt": 2,
            "password": "***",
            "causes": ["ConnectionResetError: reset by https://peer.test/"],
        } == to_problem(error, debug=True)

    def test_a_received_error_in_full(self) -> None:
        """In development the partner's facts are shown, still masked."""
        problem = to_problem(partner_401(), debug=True)
        assert "Key sk-partner-1 expired at db-7.partner.internal" == problem["detail"]
        assert "/partner/requests/9" == problem["instance"]
        assert "https://billing.internal.example/v2/charges?api_key=***" == problem["endpoint"]
        assert "S3CRET" not in json.dumps(problem)

    def test_values_are_json_ready(self) -> None:
        """Any context value becomes something json.dumps accepts."""

        class Opaque:
            def __str__(self) -> str:
                return "opaque https://u:S3cr3t@h/"

        deep: dict[str, object] = {}
        cursor = deep
        for _ in range(20):
            cursor["next"] = {}
            cursor = cursor["next"]  # type: ignore[assignment]
        error = se.CommError("x", comm=Opaque()).with_context(
            tags={"a"},
            ratio=math.nan,
            nested={1: (2, 3), (4, 5): None},
            deep=deep,
            hint=se.RetryHint(retry_after_ms=5),
        )
        problem = to_problem(error, debug=True)
        text = json.dumps(problem, allow_nan=False, sort_keys=True)
        assert "S3cr3t" not in text
        assert "opaque https://h/" == problem["comm"]
        assert ["a"] == problem["tags"]
        assert "nan" == problem["ratio"]
        assert {"1": [2, 3], "(4, 5)": None} == problem["nested"]
        assert {
            "retry_after_ms": 5,
            "max_attempts": None,
            "skip_retry": False,
            "reason": None,
        } == problem["hint"]

    def test_secret_field_values_are_masked(self) -> None:
        """A rejected password is not echoed, even in development."""
        error = SpiceError.validation_error("too short", field="password", actual_value="S3cr3t-pw")
        assert "***" == to_problem(error, debug=True)["actual_value"]


class TestStrictJson:
    """Every problem survives allow_nan=False and UTF-8 output, whatever the error holds."""

    def test_lone_surrogates(self) -> None:
        """A value from os.fsdecode of a non-UTF-8 name is shown escaped."""
        name = b"report-\xff.csv".decode("utf-8", "surrogateescape")
        error = se.ValidationError(f"bad file {name}").with_context(path=name, **{name: 1})
        for problem in (to_problem(error), to_problem(error, debug=True)):
            encoded = json.dumps(problem, allow_nan=False, ensure_ascii=False).encode("utf-8")
            assert b"report-\\\\udcff.csv" in encoded
        assert "bad file report-\\udcff.csv" == to_problem(error)["detail"]

    def test_non_finite_numbers(self) -> None:
        """NaN and infinities become text."""
        error = se.UnknownError("x").with_context(a=math.inf, b=[-math.inf], c={"d": math.nan})
        problem = to_problem(error, debug=True)
        json.dumps(problem, allow_nan=False)
        assert ("inf", ["-inf"], {"d": "nan"}) == (problem["a"], problem["b"], problem["c"])

    @given(
        st.dictionaries(
            st.text(max_size=8),
            st.recursive(
                st.none()
                | st.booleans()
                | st.integers()
                | st.floats()
                | st.text(max_size=12)
                | st.binary(max_size=8),
                lambda children: (
                    st.lists(children, max_size=3)
                    | st.sets(st.integers(), max_size=3)
                    | st.dictionaries(st.integers() | st.text(max_size=4), children, max_size=3)
                ),
                max_leaves=8,
            ),
            max_size=5,
        ),
        st.text(max_size=40),
        st.booleans(),
    )
    def test_any_error_is_strict_json(
        self,
        context: dict[str, object],
        message: str,
        debug: bool,  # noqa: FBT001 -- drawn by Hypothesis, which passes it by position
    ) -> None:
        """Whatever the message and context hold, strict encoding succeeds."""
        error = se.UnknownError(message, context=context)
        problem = to_problem(error, debug=debug, expose=list(context))
        json.dumps(problem, allow_nan=False, ensure_ascii=False).encode("utf-8")


class TestRoundTrip:
    """from_problem reads back what to_problem wrote."""

    def test_another_partys_code_is_kept(self) -> None:
        """A type URI of ours picks the class; a code that is not its own stays as context."""
        error = from_problem({"type": "urn:spice-errors:auth_error", "code": "key_expired"})
        assert isinstance(error, se.AuthenticationError)
        assert "key_expired" == error.context["code"]

    def test_the_public_form_keeps_type_and_code(self) -> None:
        """A 5xx comes back as the same type, with the generic message."""
        error = se.ConfigurationError("internal detail", field="pool")
        back = from_problem(to_problem(error))
        assert isinstance(back, se.ConfigurationError)
        assert "The server could not complete the request." == back.message

    def test_a_4xx_keeps_its_fields(self) -> None:
        """A rate limit keeps its wait; a validation error its field."""
        back = from_problem(to_problem(se.RateLimitError("Slow", retry_after_ms=900)))
        assert isinstance(back, se.RateLimitError)
        assert ("Slow", 900) == (back.message, back.retry_after_ms)
        valid = from_problem(to_problem(se.ValidationError("bad", field="email")))
        assert isinstance(valid, se.ValidationError)
        assert "email" == valid.field
