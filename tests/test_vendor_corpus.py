"""The corpus of real error answers in tests/data/vendor_answers.json, and what it holds.

Each entry is one answer as a vendor documents it (status, headers, body), with its
public source and the error the contract (SPEC section 5) says it becomes: the class,
the message, the context facts, the wait and the retry decision. Every entry is read by
`from_response`, by `from_problem` where the body is a problem, and by ``explain --json``.
Entries marked ``spec_unclear`` say, in their note, which reading of the contract their
expectation takes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import spice_errors as se
from spice_errors._errors import ALL_TYPES

CORPUS = Path(__file__).parent / "data" / "vendor_answers.json"
ENTRIES: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))
NAMES = {cls.__name__ for cls in ALL_TYPES}


def test_the_corpus_is_large_and_its_ids_unique() -> None:
    """At least 40 answers, each with its own id."""
    ids = [entry["id"] for entry in ENTRIES]
    assert len(ids) >= 40
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["id"] for entry in ENTRIES])
def test_each_entry_is_complete_and_cites_its_source(entry: dict[str, Any]) -> None:
    """Every entry names its vendor, a public source, a request, an answer and the outcome."""
    assert entry["source"].startswith("https://")
    assert {"method", "url"} <= set(entry["request"])
    assert 100 <= entry["status"] <= 599
    assert all(len(pair) == 2 for pair in entry["headers"])
    expected = entry["expected"]
    assert expected["class"] in NAMES
    assert isinstance(expected["message"], str)
    assert isinstance(expected["retryable"], bool)


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["id"] for entry in ENTRIES])
def test_the_reader_takes_every_entry(entry: dict[str, Any]) -> None:
    """from_response reads each real answer into one of the 16 types, whatever it holds."""
    body = entry["body"]
    raw = body if isinstance(body, str) else json.dumps(body)
    error = se.http.from_response(
        entry["status"],
        [tuple(pair) for pair in entry["headers"]],
        raw.encode(),
        method=entry["request"]["method"],
        url=entry["request"]["url"],
    )
    assert type(error) in ALL_TYPES
    assert entry["status"] == error.context["http_status"]


def _read(entry: dict[str, Any]) -> se.AnySpiceError:
    body = entry["body"]
    raw = None if body is None else body if isinstance(body, str) else json.dumps(body)
    return se.http.from_response(
        entry["status"],
        [tuple(pair) for pair in entry["headers"]],
        None if raw is None else raw.encode(),
        method=entry["request"]["method"],
        url=entry["request"]["url"],
    )


def _wait_ms(error: se.SpiceError) -> object:
    if isinstance(error, se.RateLimitError):
        return error.retry_after_ms
    return error.context.get("retry_after_ms")


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["id"] for entry in ENTRIES])
def test_each_answer_becomes_the_error_the_contract_names(entry: dict[str, Any]) -> None:
    """Class, message, context facts, wait, limit type and retry decision, as expected."""
    error = _read(entry)
    expected = entry["expected"]
    assert expected["class"] == type(error).__name__
    assert expected["message"] == error.message
    for key, value in expected["context"].items():
        assert value == error.context.get(key), key
    assert expected["retry_after_ms"] == _wait_ms(error)
    assert expected["limit_type"] == getattr(error, "limit_type", None)
    assert expected["retryable"] is se.is_retryable(error)


def test_the_corpus_covers_every_vendor_format() -> None:
    """At least one answer of each body shape and API the contract names."""
    vendors = {entry["vendor"] for entry in ENTRIES}
    assert {
        "openai",
        "anthropic",
        "stripe",
        "github",
        "google-cloud",
        "gemini",
        "vertex-ai",
        "aws-json",
        "aws-s3-xml",
        "azure",
        "oauth2",
        "jsonapi",
        "graphql",
        "rfc9457",
        "proxy-text",
    } <= vendors


_PROBLEMS = [entry for entry in ENTRIES if entry["vendor"] == "rfc9457"]


@pytest.mark.parametrize("entry", _PROBLEMS, ids=[entry["id"] for entry in _PROBLEMS])
def test_problem_bodies_read_the_same_through_from_problem(entry: dict[str, Any]) -> None:
    """A problem document gives the same class and message through either reader."""
    error = se.http.from_problem(entry["body"], entry["status"])
    expected = entry["expected"]
    assert expected["class"] == type(error).__name__
    assert expected["message"] == error.message


# explain's --body takes JSON: the text and XML answers are read by from_response above.
_JSON_ANSWERS = [entry for entry in ENTRIES if not isinstance(entry["body"], str)]


@pytest.mark.parametrize("entry", _JSON_ANSWERS, ids=[entry["id"] for entry in _JSON_ANSWERS])
def test_explain_json_tells_the_same(entry: dict[str, Any]) -> None:
    """``explain --json`` reports the same class and retry decision for each answer."""
    import io

    from spice_errors.__main__ import main

    args = ["explain", str(entry["status"]), "--method", entry["request"]["method"], "--json"]
    for name, value in entry["headers"]:
        args += ["-H", f"{name}: {value}"]
    if entry["body"] is not None:
        args += ["--body", json.dumps(entry["body"])]
    out = io.StringIO()
    assert 0 == main(args, out)
    data = json.loads(out.getvalue())
    expected = entry["expected"]
    assert expected["class"] == data["error"]["type"]
    assert expected["retryable"] is data["retry"]["retryable"]
