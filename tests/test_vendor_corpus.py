"""The corpus of real error answers in tests/data/vendor_answers.json, and what it holds.

Each entry is one answer as a vendor documents it (status, headers, body), with its
public source and the error the contract (SPEC section 5) says it becomes. Reading the
vendors' own bodies is the next step of the work; until then these tests pin that the
corpus is well formed and that the reader takes every entry without raising.
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
