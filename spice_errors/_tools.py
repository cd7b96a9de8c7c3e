"""Tool functions that return a `SpiceResult`, as agent frameworks need to see them.

A framework (the ``mcp`` SDK, pydantic-ai) builds a tool's schemas from its function's
signature and type hints, and hands the model what the function returns. `wrap_tool`
gives it a function with fn's parameters and, as its return annotation, the success
type of fn's ``SpiceResult[T]``, that returns the success value and hands a failure
(returned, or raised as a `SpiceException`) to ``on_failure``.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, cast

from spice_errors._errors import BY_CODE, SpiceError, SpiceException
from spice_errors._result import Failure, SpiceResult, Success
from spice_errors._text import type_name

if TYPE_CHECKING:
    from collections.abc import Callable

_EMPTY: Any = inspect.Signature.empty


def value_type(annotation: object, where: str) -> object:
    """The ``T`` of a ``SpiceResult[T]`` (or ``Success[T] | Failure[E]``) annotation.

    Raises:
        TypeError: When the annotation is not that of a result.
    """
    if annotation is _EMPTY:
        return _EMPTY
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is Success or annotation is SpiceResult:
        return Any
    if typing.get_origin(annotation) is Success:
        return typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is types.UnionType or origin is typing.Union:
        arms = [value_type(arm, where) for arm in typing.get_args(annotation) if not _fails(arm)]
        if len(arms) == 1:
            return arms[0]
        if arms:
            return typing.Union[tuple(arms)]  # noqa: UP007 -- the arms are only known here
    msg = f"{where} must be annotated to return a SpiceResult, not {annotation!r}"
    raise TypeError(msg)


def _fails(arm: object) -> bool:
    return arm is Failure or typing.get_origin(arm) is Failure


def tool_signature(fn: Callable[..., object]) -> tuple[inspect.Signature, dict[str, object]]:
    """Fn's signature, and its annotations, with the success type as the return annotation.

    Annotations are resolved (``from __future__ import annotations`` included); when one
    names what is not defined yet, they are left as written and the return annotation
    is dropped, for no framework could read it either.
    """
    where = f"tool {getattr(fn, '__qualname__', type_name(fn))}"
    signature = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception:  # noqa: BLE001 -- a forward reference that does not resolve yet
        hints = None
    if hints is None:
        returned = signature.return_annotation
        shown = _EMPTY if isinstance(returned, str) else value_type(returned, where)
        hints = {}
    else:
        shown = value_type(hints.get("return", _EMPTY), where)
    parameters = [
        parameter.replace(annotation=hints.get(name, parameter.annotation))
        for name, parameter in signature.parameters.items()
    ]
    annotations: dict[str, object] = {
        name: parameter.annotation
        for name, parameter in zip(signature.parameters, parameters, strict=True)
        if parameter.annotation is not _EMPTY
    }
    if shown is not _EMPTY:
        annotations["return"] = shown
    return signature.replace(parameters=parameters, return_annotation=shown), annotations


def _value(result: object, where: str) -> object:
    if isinstance(result, Success):
        return cast("Success[object]", result).value
    msg = f"{where} returned {type_name(result)}, not a SpiceResult"
    raise TypeError(msg)


def wrap_tool(
    fn: Callable[..., object], on_failure: Callable[[SpiceError], object]
) -> Callable[..., object]:
    """Fn as a framework's tool: the success value out, a failure to ``on_failure``.

    The wrapper is a coroutine function exactly when fn is. ``on_failure`` returns what
    the wrapper returns instead of a value, or raises.
    """
    signature, annotations = tool_signature(fn)
    where = f"tool {getattr(fn, '__qualname__', type_name(fn))}"

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: object, **kwargs: object) -> object:
            try:
                result: object = await fn(*args, **kwargs)
            except SpiceException as raised:
                return on_failure(raised.error)
            if isinstance(result, Failure):
                return on_failure(cast("Failure[SpiceError]", result).error)
            return _value(result, where)

        wrapper: Callable[..., object] = run_async
    else:

        @functools.wraps(fn)
        def run(*args: object, **kwargs: object) -> object:
            try:
                result = fn(*args, **kwargs)
            except SpiceException as raised:
                return on_failure(raised.error)
            if isinstance(result, Failure):
                return on_failure(cast("Failure[SpiceError]", result).error)
            return _value(result, where)

        wrapper = run
    wrapper.__dict__["__signature__"] = signature  # what inspect.signature reads first
    wrapper.__annotations__ = annotations
    return wrapper


def our_problem(data: object, type_base: str) -> Mapping[object, object] | None:
    """``data`` when it is a problem document of ours: one of the 16 codes, or our type."""
    if not isinstance(data, Mapping):
        return None
    members = cast("Mapping[object, object]", data)
    code = members.get("code")
    if isinstance(code, str) and code in BY_CODE:
        return members
    kind = members.get("type")
    if type_base and isinstance(kind, str) and kind.startswith(type_base):
        return members
    return None
