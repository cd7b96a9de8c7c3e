"""Lets type checkers see ``SpiceError.<Name>`` as the 16 error types."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from abc import ABC as _CheckedBase  # noqa: N811 -- a class, named as classes are
else:
    _CheckedBase = object

if TYPE_CHECKING:
    from spice_errors._errors import AgentError as _AgentError
    from spice_errors._errors import AuthenticationError as _AuthenticationError
    from spice_errors._errors import CheckpointError as _CheckpointError
    from spice_errors._errors import CommError as _CommError
    from spice_errors._errors import ConfigurationError as _ConfigurationError
    from spice_errors._errors import ExecutionError as _ExecutionError
    from spice_errors._errors import NetworkError as _NetworkError
    from spice_errors._errors import RateLimitError as _RateLimitError
    from spice_errors._errors import RetryableError as _RetryableError
    from spice_errors._errors import RoutingError as _RoutingError
    from spice_errors._errors import SerializationError as _SerializationError
    from spice_errors._errors import TimeoutError as _TimeoutError
    from spice_errors._errors import ToolError as _ToolError
    from spice_errors._errors import ToolLookupError as _ToolLookupError
    from spice_errors._errors import UnknownError as _UnknownError
    from spice_errors._errors import ValidationError as _ValidationError

__all__ = ["Leaf", "Namespace"]


class Namespace(_CheckedBase):
    """The base of `SpiceError` that names its 16 types for type checkers.

    For checkers it is also an ABC, so that `SpiceError`, which declares an abstract
    marker only they see, is a type error to build, as it is a `TypeError` at run time.

    The aliases live on a plain base class so that attrs, and the checkers that model
    attrs classes, do not take them for fields. At run time the real classes are set
    as attributes of `SpiceError` once they exist.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        AgentError: TypeAlias = "_AgentError"
        CommError: TypeAlias = "_CommError"
        ExecutionError: TypeAlias = "_ExecutionError"
        ToolError: TypeAlias = "_ToolError"
        ToolLookupError: TypeAlias = "_ToolLookupError"
        ConfigurationError: TypeAlias = "_ConfigurationError"
        ValidationError: TypeAlias = "_ValidationError"
        NetworkError: TypeAlias = "_NetworkError"
        TimeoutError: TypeAlias = "_TimeoutError"
        AuthenticationError: TypeAlias = "_AuthenticationError"
        RateLimitError: TypeAlias = "_RateLimitError"
        SerializationError: TypeAlias = "_SerializationError"
        CheckpointError: TypeAlias = "_CheckpointError"
        RoutingError: TypeAlias = "_RoutingError"
        RetryableError: TypeAlias = "_RetryableError"
        UnknownError: TypeAlias = "_UnknownError"


class Leaf:
    """The first base of each of the 16 types: for checkers, it makes them buildable.

    It implements the marker `SpiceError` declares abstract; at run time it is an empty
    slotted class.
    """

    __slots__ = ()

    if TYPE_CHECKING:

        def _one_of_the_sixteen(self) -> None: ...
