"""Every error, not only the first (SPEC section 2): `collect_all`, `traverse_all`, `zip_all`."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import Failure, SpiceResult, Success
from spice_errors.http import from_problem, to_problem
from tests import strategies

VALIDATION = st.builds(
    se.ValidationError,
    message=st.text(max_size=10),
    field=st.none() | st.text(alphabet="abcxyz_", min_size=1, max_size=6),
)
OUTAGES = st.builds(se.NetworkError, message=st.text(max_size=10)) | st.builds(
    se.TimeoutError, message=st.text(max_size=10)
)
RESULTS = st.lists(
    st.integers().map(Success) | VALIDATION.map(Failure) | OUTAGES.map(Failure), max_size=20
)


@given(RESULTS)
def test_collect_all_against_its_definition(results: list[SpiceResult[int]]) -> None:
    """The values; else the first non-validation failure; else every validation error, in order."""
    errors = [result.error for result in results if isinstance(result, Failure)]
    got = se.collect_all(results)
    if not errors:
        assert Success([result.value for result in results if isinstance(result, Success)]) == got
        return
    assert isinstance(got, Failure)
    outages = [error for error in errors if not isinstance(error, se.ValidationError)]
    if outages:
        assert got.error is outages[0]
    else:
        assert isinstance(got.error, se.ValidationError)
        assert tuple(errors) == got.error.errors
        noun = "invalid field" if len(errors) == 1 else "invalid fields"
        assert got.error.message.startswith(f"{len(errors)} {noun}: ")


@given(RESULTS)
def test_zip_all_and_traverse_all_agree_with_collect_all(results: list[SpiceResult[int]]) -> None:
    collected = se.collect_all(results)
    zipped = se.zip_all(*results)
    traversed = se.traverse_all(results, lambda result: result)
    assert collected == traversed
    if isinstance(collected, Success):
        assert Success(tuple(collected.value)) == zipped
    else:
        assert collected == zipped


def test_the_message_names_the_first_three_and_counts_the_rest() -> None:
    problems = [se.ValidationError("required", field=name) for name in "abcde"]
    failed = se.collect_all([Failure(problem) for problem in problems])
    assert isinstance(failed, Failure)
    assert "5 invalid fields: a: required; b: required; c: required; and 2 more" == (
        failed.error.message
    )
    results: list[SpiceResult[int, se.ValidationError]] = [
        Success(1),
        Failure(se.ValidationError("too long")),
    ]
    one = se.collect_all(results)
    assert (
        Failure(
            se.ValidationError("1 invalid field: too long", errors=[se.ValidationError("too long")])
        )
        == one
    )


def test_everything_is_consumed() -> None:
    """Unlike collect and traverse, every result is read and fn is called on every item."""
    seen: list[int] = []

    def check(n: int) -> SpiceResult[int, se.AnySpiceError]:
        seen.append(n)
        if n == 2:
            return Failure(se.NetworkError("down"))
        return Failure(se.ValidationError("odd", field=str(n))) if n % 2 else Success(n)

    failed = se.traverse_all(range(6), check)
    assert [0, 1, 2, 3, 4, 5] == seen
    assert Failure(se.NetworkError("down")) == failed

    def stream() -> Iterator[SpiceResult[int, se.ValidationError]]:
        for n in range(4):
            seen.append(n)
            yield Failure(se.ValidationError("bad"))

    seen.clear()
    se.collect_all(stream())
    assert [0, 1, 2, 3] == seen


def test_zip_all_of_mixed_types() -> None:
    assert Success((1, "a", 2.5)) == se.zip_all(Success(1), Success("a"), Success(2.5))
    failed = se.zip_all(
        Failure(se.ValidationError("required", field="name")),
        Success(3),
        Failure(se.ValidationError("not an email", field="email")),
    )
    assert isinstance(failed, Failure)
    assert isinstance(failed.error, se.ValidationError)
    assert ["name", "email"] == [error.field for error in failed.error.errors]


def test_the_combined_error_as_a_problem() -> None:
    """Each problem is listed with detail, field, pointer and code, and read back."""
    failed = se.collect_all(
        [
            Failure(se.ValidationError("too short", field="name", context={"pointer": "/name"})),
            Failure(se.ValidationError("must be positive", field="age")),
            Failure(se.ValidationError("unexpected member")),
        ]
    )
    assert isinstance(failed, Failure)
    problem = to_problem(failed.error)
    assert [
        {"detail": "too short", "field": "name", "pointer": "/name", "code": "VALIDATION_ERROR"},
        {"detail": "must be positive", "field": "age", "code": "VALIDATION_ERROR"},
        {"detail": "unexpected member", "code": "VALIDATION_ERROR"},
    ] == problem["errors"]
    back = from_problem(json.loads(json.dumps(problem)))
    assert isinstance(back, se.ValidationError)
    assert ["name", "age", None] == [error.field for error in back.errors]
    assert {"pointer": "/name"} == dict(back.errors[0].context)
    assert "too short" == back.errors[0].message


def test_problem_members_are_read_without_losing_anything() -> None:
    """A member's other data goes to its context; a list that is not members stays whole."""
    back = from_problem(
        {
            "code": "VALIDATION_ERROR",
            "errors": [
                {"detail": "bad", "field": 7, "pointer": 3, "code": "too_small", "min": 1},
                {"detail": "worse", "field": "b"},
            ],
        }
    )
    assert isinstance(back, se.ValidationError)
    first, second = back.errors
    assert first.field is None
    assert {"member_field": 7, "member_pointer": 3, "code": "too_small", "min": 1} == dict(
        first.context
    )
    assert "b" == second.field


@given(strategies.errors)
def test_the_dict_form_keeps_nested_errors_whole(error: se.AnySpiceError) -> None:
    nested = se.ValidationError(
        "outer",
        errors=[se.ValidationError("inner"), error]
        if isinstance(error, se.ValidationError)
        else [se.ValidationError("inner")],
    )
    assert nested == se.error_from_dict(nested.to_dict(redact=False))
    assert nested == se.error_from_json(nested.to_json(redact=False))


def test_the_dict_form_refuses_nesting_deeper_than_construction_allows() -> None:
    data: dict[str, object] = {"type": "ValidationError", "message": "leaf"}
    for _ in range(40):
        data = {"type": "ValidationError", "message": "level", "fields": {"errors": [data]}}
    with pytest.raises(se.SpiceException, match="nested deeper than 32 levels") as raised:
        se.error_from_dict(data)
    assert isinstance(raised.value.error, se.SerializationError)


def test_secrets_in_nested_errors_never_show() -> None:
    secret = "sk-live-0123456789abcdef0123"  # noqa: S105 -- a made-up key, to be masked
    inner = se.ValidationError(
        f"bad key api_key={secret}", field="api_key", actual_value=secret, context={"token": secret}
    )
    outer = se.ValidationError("1 invalid field", errors=[inner])
    renderings = [
        repr(outer),
        str(outer),
        outer.report(),
        outer.to_json(),
        json.dumps(to_problem(outer)),
    ]
    for shown in renderings:
        assert secret not in shown


def test_the_attrs_converters_agree_with_construction() -> None:
    """What attrs says a tuple field takes is what construction does with it."""
    import attrs

    from spice_errors._errors import ALL_TYPES

    inner = [se.ValidationError("a"), se.ValidationError("b")]
    for cls in ALL_TYPES:
        for field in attrs.fields(cls):
            if field.converter is None:
                continue
            given = inner if field.name == "errors" else ["search", "add"]
            built = cls("x", **{field.name: iter(given)})  # type: ignore[arg-type]
            assert field.converter(given) == getattr(built, field.name)


def test_members_that_cannot_be_read_keep_the_whole_list() -> None:
    for unreadable in (["bad"], [{"detail": 1}], [{"detail": "ok"}, {"field": "x"}], "3 errors"):
        back = from_problem({"code": "VALIDATION_ERROR", "errors": unreadable})
        assert isinstance(back, se.ValidationError)
        assert () == back.errors
        assert unreadable == back.context["errors"]


def test_the_dict_form_reads_problem_members_too() -> None:
    """Inner errors written as problem members (no ``message``) are read as such."""
    back = se.error_from_dict(
        {
            "type": "ValidationError",
            "message": "1 invalid field",
            "fields": {"errors": [{"detail": "required", "field": "name"}]},
        }
    )
    assert isinstance(back, se.ValidationError)
    assert (se.ValidationError("required", field="name"),) == back.errors


def test_a_report_lists_fifty_problems_and_counts_the_rest() -> None:
    problems = [se.ValidationError("required", field=f"f{n}") for n in range(53)]
    lines = se.ValidationError("53 invalid fields", errors=problems).report().splitlines()
    assert "  errors (53):" == lines[1]
    assert "    - f0: required" == lines[2]
    assert "    - f49: required" == lines[51]
    assert "    ... and 3 more" == lines[52]
