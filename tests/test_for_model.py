"""error.for_model(): the text a model calling a tool reads, and who can fix a failure."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import _model
from spice_errors._errors import ALL_TYPES
from spice_errors._fast_init import own_kinds
from tests.strategies import errors
from tests.test_secrets_property import SECRETS, prose

FIXABLE = {se.ValidationError, se.ToolLookupError, se.RoutingError}


def _one(cls: type[se.SpiceError]) -> se.SpiceError:
    fields: dict[str, Any] = {"tool_name": "search"} if cls is se.ToolError else {}
    return cls("failed", **fields)


def test_exactly_three_types_are_recoverable_by_the_model() -> None:
    """Bad arguments, a wrong tool, a wrong target: the caller's to fix; the 13 others not."""
    recoverable = {cls for cls in ALL_TYPES if se.recoverable_by_model(_one(cls))}
    assert FIXABLE == recoverable
    assert 13 == len(set(ALL_TYPES) - recoverable)


@given(errors)
def test_every_error_is_told_in_at_most_600_characters(error: se.AnySpiceError) -> None:
    """Any error, whatever its fields hold: code and message first, the retry line last."""
    text = error.for_model()
    assert len(text) <= 600
    lines = text.split("\n")
    assert lines[0].startswith(f"{error.code}: ")
    assert lines[-1].startswith("Retry: ")
    assert se.recoverable_by_model(error) == lines[-1].startswith("Retry: yes, with the call")


WAITS = st.fixed_dictionaries(
    {},
    optional={
        "should_retry": st.booleans(),
        "status_code": st.integers(100, 599),
        "retry_after_ms": st.integers(-10, 10**7),
        "retryable": st.booleans(),
    },
)


@given(
    errors.filter(lambda error: not se.recoverable_by_model(error)).flatmap(
        lambda error: WAITS.map(error.with_context)
    )
)
def test_the_retry_line_is_the_classifiers_word(error: se.AnySpiceError) -> None:
    """Whether to retry is what `se.classify` decides, and the wait is its suggested delay."""
    last = error.for_model().split("\n")[-1]
    decision = se.classify(error)
    assert last.startswith("Retry: yes, " if decision.should_retry else "Retry: no; "), last
    if decision.should_retry:
        delay = decision.suggested_delay
        assert ("after a short wait" in last) is (delay is None), last
        if delay is not None and delay >= 1 and delay % 1 == 0 and delay < 120:
            assert f"after {int(delay)} s;" in last


LONG = "x" * 5000


@pytest.mark.parametrize("cls", ALL_TYPES, ids=lambda cls: cls.__name__)
def test_long_fields_are_cut_to_fit(cls: type[se.SpiceError]) -> None:
    """A 5,000-character message, name and 200 names still give at most 600 characters."""
    fields: dict[str, Any] = {}
    for name, kind in own_kinds(cls):
        if kind == "names":
            fields[name] = [f"{LONG}{index}" for index in range(200)]
        elif kind == "name":
            fields[name] = LONG
        elif kind == "errors":
            fields[name] = [se.ValidationError(LONG, field=LONG)] * 50
    if cls is se.ToolError:
        fields["tool_name"] = LONG
    text = cls(LONG, **fields).for_model()
    assert len(text) <= 600
    assert "…" in text


def _secret_fields(cls: type[se.SpiceError], text: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, kind in own_kinds(cls):
        if kind in {"name", "url", "value", "input"}:
            fields[name] = text
        elif kind == "names":
            fields[name] = [text, f"{text} again"]
        elif kind == "errors":
            fields[name] = [se.ValidationError(text, field=text, expected_type=text)]
        elif kind == "hint":
            fields[name] = se.RetryHint.skip(text)
    return fields


@given(
    st.sampled_from(ALL_TYPES),
    SECRETS.flatmap(lambda secret: st.tuples(st.just(secret), prose(secret))),
)
def test_no_secret_in_any_field_or_context_shows(
    cls: type[se.SpiceError], drawn: tuple[str, str]
) -> None:
    """A secret in the message, every field, a context value and under a secret key stays out."""
    secret, text = drawn
    error = cls(text, context={"api_key": secret, "detail": text}, **_secret_fields(cls, text))
    assert secret not in error.for_model()


def test_a_validation_error_names_the_field_and_expected_type() -> None:
    """What to change: the argument, what it should be and what it was."""
    error = se.SpiceError.validation_error("Bad quantity", "quantity", "int", "7x")
    assert (
        "VALIDATION_ERROR: Bad quantity\n"
        'Change the argument "quantity" (expected int, got str).\n'
        "Retry: yes, with the call changed; the same call fails again."
    ) == error.for_model()


def test_the_type_given_is_told_only_when_it_differs() -> None:
    """An int out of range, where an int is expected: no "got int" beside "expected int"."""
    error = se.ValidationError("Too big", field="amount", expected_type="int", actual_value=10**6)
    assert 'Change the argument "amount" (expected int).' == error.for_model().split("\n")[1]


def test_a_validation_error_with_neither_field_nor_type_asks_for_other_arguments() -> None:
    """Without a field, the model is still told to change the call, not to repeat it."""
    text = se.ValidationError("Dates must not overlap").for_model()
    assert "Change the arguments." == text.split("\n")[1]
    expected_only = se.ValidationError("Bad", expected_type="ISO date").for_model()
    assert "Change the argument (expected ISO date)." == expected_only.split("\n")[1]


def test_each_entry_of_errors_is_listed() -> None:
    """Every invalid argument, with its own message and expected type, one per line."""
    error = se.ValidationError(
        "2 arguments are invalid",
        errors=[
            se.ValidationError("must be > 0", field="lines.0.quantity", expected_type="int"),
            se.ValidationError("Field required", field="when"),
            se.ValidationError("Dates overlap"),
        ],
    )
    assert [
        "VALIDATION_ERROR: 2 arguments are invalid",
        "Change these arguments:",
        '- argument "lines.0.quantity": must be > 0 (expected int)',
        '- argument "when": Field required',
        "- Dates overlap",
        "Retry: yes, with the call changed; the same call fails again.",
    ] == error.for_model().split("\n")


def test_entries_that_do_not_fit_are_counted() -> None:
    """Forty long entries: as many as fit, then how many more there are."""
    members = [se.ValidationError("x" * 90, field=f"f{index}") for index in range(40)]
    lines = se.ValidationError("Invalid", errors=members).for_model().split("\n")
    shown = [line for line in lines if line.startswith('- argument "f')]
    assert 1 <= len(shown) < 40
    assert f"- ... and {40 - len(shown)} more" == lines[-2]


def test_a_lookup_lists_at_most_ten_available_tools() -> None:
    """The tools the model may call instead, ten at the most, then how many more."""
    error = se.SpiceError.tool_lookup_error(
        "No tool 'serch'", "serch", "web", [f"tool_{index}" for index in range(14)]
    )
    change = error.for_model().split("\n")[1]
    assert change.startswith('There is no tool "serch" in "web". Call one of these tools: tool_0,')
    assert 10 == len(re.findall(r"tool_\d+", change))
    assert change.endswith("tool_9 ... and 4 more")


def test_a_lookup_without_tools_says_none_are_available() -> None:
    """With nothing to call instead, the model learns that too."""
    change = se.ToolLookupError("No tools").for_model().split("\n")[1]
    assert "There is no tool. None are available." == change


def test_long_names_are_listed_as_far_as_they_fit() -> None:
    """Ten names of 48 characters do not fit: as many as do, then how many more."""
    names = [f"{'n' * 45}{index:03}" for index in range(10)]
    change = se.RoutingError("No route", available_targets=names).for_model().split("\n")[1]
    assert change.startswith("Route to one of these targets: nnn")
    shown = len(re.findall(r"n{45}\d{3}", change))
    assert 1 <= shown < 10
    assert change.endswith(f" ... and {10 - shown} more")


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (se.SpiceError.rate_limit_error("Slow down", 2000), "Retry: yes, after 2 s;"),
        (se.SpiceError.rate_limit_error("Slow down", 250), "Retry: yes, after 250 ms;"),
        (se.SpiceError.rate_limit_error("Slow down", 600_000), "Retry: yes, after 10 min;"),
        (se.SpiceError.network_error("Unavailable", 503), "Retry: yes, after a short wait;"),
        (se.SpiceError.timeout_error("Took 30 s", 30_000), "Retry: yes, after a short wait;"),
        (se.SpiceError.network_error("No such order", 404), "Retry: no; the same call would"),
        (se.RateLimitError("Quota", limit_type="quota"), "Retry: no; the quota is spent"),
        (se.SpiceError.auth_error("Key revoked", "openai"), "Retry: no; the credentials"),
        (se.SpiceError.config_error("No DB_URL", "DB_URL"), "Retry: no; the tool is not set up"),
        (se.SpiceError.unknown_error("Boom"), "Retry: no; the same call would fail again."),
    ],
    ids=lambda value: value.code if isinstance(value, se.SpiceError) else "",
)
def test_the_retry_line_says_whether_and_when(error: se.SpiceError, retry: str) -> None:
    """From the classifier and the wait the error asks for; a person's job is told as such."""
    last = error.for_model().split("\n")[-1]
    assert last.startswith(retry), last


def test_the_words_for_many_waits_stay_right_and_few_are_kept() -> None:
    """Each wait's words are kept once told, at most 256 of them: the 300th is as right."""
    for ms in range(2000, 2300):
        last = se.RateLimitError("Slow down", retry_after_ms=ms).for_model().split("\n")[-1]
        assert last.startswith(
            f"Retry: yes, after {ms / 1000:.3g} s;" if ms % 1000 else "Retry: yes, after 2 s;"
        )
    assert len(_model._WAITS) <= 256
    again = se.RateLimitError("Slow down", retry_after_ms=2000).for_model()
    assert again.endswith("Retry: yes, after 2 s; the call itself was fine.")


def test_a_status_the_error_carries_is_named() -> None:
    """A 404 from another service: the model learns why the same call would fail again."""
    last = se.SpiceError.network_error("No such order", 404).for_model().split("\n")[-1]
    assert "Retry: no; the same call would fail again (HTTP 404). " in last
    huge = se.UnknownError("Odd", context={"status_code": 10**5000}).for_model()
    assert "HTTP" not in huge


def test_a_message_on_many_lines_is_told_on_one() -> None:
    """Line breaks and tabs in a message are spaces: the first line stays the first."""
    text = se.UnknownError("first\nsecond\tthird").for_model()
    assert text.startswith("UNKNOWN_ERROR: first second third\n")


def test_a_lone_surrogate_is_escaped() -> None:
    """The text goes out as UTF-8 JSON: a surrogate (a byte os.fsdecode kept) is escaped.

    Found by the tool_result fuzz target: the SDK could not have encoded the result.
    """
    text = se.UnknownError("read \udcb7 from disk").for_model()
    text.encode("utf-8")
    assert text.startswith("UNKNOWN_ERROR: read \\udcb7 from disk\n")
    assert "é" in se.UnknownError("café").for_model()  # other text is kept as it is


def test_context_is_left_out() -> None:
    """Context is for the logs: the model reads only the error's own fields."""
    error = se.UnknownError("Failed", context={"host": "db.internal", "query": "SELECT 1"})
    assert "db.internal" not in error.for_model()
    assert "SELECT" not in error.for_model()
