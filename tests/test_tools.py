"""Tool functions returning a SpiceResult, as frameworks read them: signature and hints.

Both tool decorators (``se.mcp.tool`` and ``integrations.pydantic_ai.tool``) share this:
the framework must see fn's parameters, and the success type as the return annotation.
"""

from __future__ import annotations

import inspect
import typing
from typing import Annotated, Any

import pytest

import spice_errors as se
from spice_errors import Failure, SpiceResult, Success
from spice_errors._tools import tool_signature, value_type, wrap_tool


def _int_result() -> SpiceResult[int]:
    raise NotImplementedError


def _list_result() -> SpiceResult[list[str], se.ValidationError]:
    raise NotImplementedError


def _annotated_result() -> Annotated[SpiceResult[int], "doc"]:
    raise NotImplementedError


def _returned(fn: object) -> object:
    """A return annotation as the runtime has it (checkers do not apply aliases at run time)."""
    return typing.get_type_hints(fn, include_extras=True)["return"]


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (_returned(_int_result), int),
        (_returned(_list_result), list[str]),
        (Success[int] | Failure[se.ValidationError], int),
        (Success[int], int),
        (_returned(_annotated_result), int),
        (Success, Any),
        (SpiceResult, Any),
        (Success[int] | Success[str] | Failure[se.UnknownError], typing.Union[int, str]),  # noqa: UP007 -- what typing makes of them
        (typing.Optional[Success[int]], None),  # noqa: UP045 -- None is no result
        (Failure[se.UnknownError], None),
        (Failure[se.UnknownError] | Failure[se.ValidationError], None),
        (int, None),
    ],
)
def test_the_success_type_of_an_annotation(annotation: object, expected: object) -> None:
    """The T of SpiceResult[T] in every spelling; what is no result is a TypeError."""
    if expected is None:
        with pytest.raises(TypeError, match=r"tool t must be annotated to return a SpiceResult"):
            value_type(annotation, "tool t")
    else:
        assert expected == value_type(annotation, "tool t")


def order_total(order_id: str, *, currency: str = "EUR") -> SpiceResult[float]:
    """A tool whose annotations are strings (this module defers them)."""
    return Success(1.0) if order_id else Failure(se.ValidationError("empty", field="order_id"))


def test_deferred_annotations_are_resolved() -> None:
    """``from __future__ import annotations``: the framework gets real types, not text."""
    signature, annotations = tool_signature(order_total)
    assert {"order_id": str, "currency": str, "return": float} == annotations
    assert float is signature.return_annotation
    assert [str, str] == [parameter.annotation for parameter in signature.parameters.values()]
    assert inspect.Parameter.KEYWORD_ONLY == signature.parameters["currency"].kind


def lookup(order: Order, note: str) -> SpiceResult[int]:  # type: ignore[name-defined]  # noqa: F821 -- defined later, on purpose
    """A tool naming a class that does not exist when it is decorated."""
    return Success(note.count(str(order)))


def test_unresolvable_annotations_are_left_as_written() -> None:
    """A name not defined yet: annotations stay text, and the return annotation goes."""
    signature, annotations = tool_signature(lookup)
    assert {"order": "Order", "note": "str"} == annotations
    assert inspect.Signature.empty is signature.return_annotation


def test_a_real_return_annotation_beside_unresolvable_ones_still_counts() -> None:
    """Annotations evaluated at definition (no deferral) with one string among them."""
    namespace: dict[str, Any] = {"SpiceResult": SpiceResult}
    source = "def lookup(order: 'Order') -> SpiceResult[int]: ..."
    exec(compile(source, "<tool>", "exec", dont_inherit=True), namespace)  # noqa: S102 -- a module without deferred annotations
    signature, annotations = tool_signature(namespace["lookup"])
    assert {"order": "Order", "return": int} == annotations
    assert int is signature.return_annotation


def test_no_annotations_at_all_give_none() -> None:
    """A framework then sees an unannotated function, as it would have."""

    def bare(x):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202 -- the point
        return Success(x)

    signature, annotations = tool_signature(bare)  # pyright: ignore[reportUnknownArgumentType]
    assert {} == annotations
    assert inspect.Signature.empty is signature.return_annotation


async def test_the_wrapper_is_a_coroutine_function_exactly_when_fn_is() -> None:
    """Frameworks ask inspect; a raised SpiceException counts as a returned failure."""
    seen: list[se.SpiceError] = []

    def on_failure(error: se.SpiceError) -> str:
        seen.append(error)
        return "failed"

    def sync(flag: bool) -> SpiceResult[int]:  # noqa: FBT001 -- a tool's argument
        if flag:
            raise se.UnknownError("raised").to_exception()
        return Failure(se.UnknownError("returned"))

    async def run(flag: bool) -> SpiceResult[int]:  # noqa: FBT001 -- a tool's argument
        return sync(flag)

    wrapped_sync, wrapped_async = wrap_tool(sync, on_failure), wrap_tool(run, on_failure)
    assert not inspect.iscoroutinefunction(wrapped_sync)
    assert inspect.iscoroutinefunction(wrapped_async)
    assert ["failed", "failed"] == [wrapped_sync(True), wrapped_sync(False)]  # noqa: FBT003
    assert "failed" == await wrapped_async(False)  # noqa: FBT003
    assert ["raised", "returned", "returned"] == [error.message for error in seen]
    assert "sync" == wrapped_sync.__name__
    assert sync is wrapped_sync.__wrapped__  # type: ignore[attr-defined]
