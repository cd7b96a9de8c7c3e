"""What the dask workers of tests/test_distributed.py run, in a module they can import.

Workers are spawned processes: they import a task function by its module's name, so it
lives here (``tests._distributed_tasks``, importable from the repository root) rather
than in the test module. Everything is deterministic: the client calls `outcome` for
the same index to build the value the worker must send back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Final, NoReturn, get_args

import spice_errors as se
from spice_errors import Failure, RetryHint, SpiceError, SpiceResult, Success

ERROR_TYPES: Final[tuple[type[SpiceError], ...]] = get_args(se.AnySpiceError)
"""The 16 error types, in the order of the union."""

SUCCESS_KINDS: Final = 4
"""Of every ``SUCCESS_KINDS + 16`` indexes, this many succeed and one fails with each type."""

CYCLE: Final = SUCCESS_KINDS + len(ERROR_TYPES)

CAUSE_KINDS: Final = ("none", "two plain links", "spice exception", "unpicklable")
"""How the failures' cause chains are built, by ``(index // CYCLE) % 4``."""

EPOCH_MS: Final = 1_700_000_000_000


class LockHolder(Exception):
    """An exception holding a lock: it cannot pickle, so it travels in its data form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()


# The typed fields of each type, varied with the index so no two results are equal.
_FIELDS: Final[dict[type[SpiceError], Callable[[int], dict[str, Any]]]] = {
    se.AgentError: lambda i: {"agent_id": f"agent-{i}"},
    se.CommError: lambda i: {"comm": {"to": "billing", "seq": i, "body": (b"\x00\xff", i)}},
    se.ExecutionError: lambda i: {"graph_id": f"graph-{i}", "node_id": f"node-{i % 13}"},
    se.ToolError: lambda i: {"tool_name": f"tool-{i}"},
    se.ToolLookupError: lambda i: {
        "tool_name": f"add-{i}",
        "namespace": "math",
        "available_tools": ("sum", "mul", f"sub-{i}"),
    },
    se.ConfigurationError: lambda i: {"field": f"setting_{i}"},
    se.ValidationError: lambda i: {
        "field": "password",
        "expected_type": "str",
        "actual_value": f"hunter{i}",  # masked when shown, since the field is a secret
    },
    se.NetworkError: lambda i: {
        "status_code": 500 + i % 12,
        "endpoint": f"https://svc:pw{i}@api.example/v1?token=t{i}",
    },
    se.TimeoutError: lambda i: {"timeout_ms": 1000 + i, "operation": f"fetch-{i}"},
    se.AuthenticationError: lambda i: {"provider": f"oauth-{i}"},
    se.RateLimitError: lambda i: {"retry_after_ms": i, "limit_type": "requests_per_minute"},
    se.SerializationError: lambda i: {"format": ("json", "toml", "pickle")[i % 3]},
    se.CheckpointError: lambda i: {"checkpoint_id": f"ckpt-{i}"},
    se.RoutingError: lambda i: {
        "engine_id": f"engine-{i}",
        "result_id": f"result-{i}",
        "node_id": "router",
        "available_targets": ("a", "b", f"c-{i}"),
    },
    se.RetryableError: lambda i: {
        "status_code": 429,
        "error_code": f"E{i}",
        "retry_hint": RetryHint(retry_after_ms=i, max_attempts=3, reason=f"hint {i}"),
    },
    se.UnknownError: lambda i: {},
}


def secret_context(index: int) -> dict[str, object]:
    """Context with secrets in it: masked when an error is shown, never when it is sent."""
    return {
        "api_key": f"sk-live-{index}",
        "password": f"pw-{index}",
        "dsn": f"https://bob:hunter{index}@db.example/main",
        "attempt": index % 7,
        "tags": ("batch", index),
    }


def cause_for(index: int) -> BaseException | None:
    """The cause chain of the failure at ``index``; see `CAUSE_KINDS`."""
    kind = CAUSE_KINDS[(index // CYCLE) % len(CAUSE_KINDS)]
    if kind == "two plain links":
        outer = ConnectionResetError(f"reset by peer #{index}")
        outer.__cause__ = ValueError(f"bad frame #{index}")
        return outer
    if kind == "spice exception":
        inner = se.NetworkError(
            f"upstream #{index}",
            status_code=502,
            context={"token": f"tok-{index}"},
            cause=ValueError(f"bad byte #{index}"),
            timestamp=EPOCH_MS - index,
        )
        return inner.to_exception()
    if kind == "unpicklable":
        holder = LockHolder(f"locked out #{index}")
        holder.__cause__ = KeyError(f"slot-{index}")
        return holder
    return None


def outcome(index: int) -> SpiceResult[object, se.AnySpiceError]:
    """The result for ``index``: a `Success` of some kind, or a failure of one of 16 types."""
    slot = index % CYCLE
    if slot < SUCCESS_KINDS:
        values: tuple[object, ...] = (
            index,
            f"value #{index}",
            (index, b"\x00bytes\xff", None),
            {"api_key": f"sk-{index}", "rows": [index, index + 1]},
        )
        return Success(values[slot])
    cls = ERROR_TYPES[slot - SUCCESS_KINDS]
    error = cls(
        f"{cls.__name__} #{index} via https://svc:pw{index}@api.example/v1",
        cause=cause_for(index),
        context=secret_context(index),
        timestamp=EPOCH_MS + index,
        **_FIELDS[cls](index),
    )
    return Failure(error)  # type: ignore[arg-type]  # cls is one of the union's 16 types


def outcomes(start: int, stop: int) -> list[SpiceResult[object, se.AnySpiceError]]:
    """The results for ``range(start, stop)``, each made here, in the worker."""
    return [outcome(index) for index in range(start, stop)]


def explode(kind: str) -> NoReturn:
    """Raise in the worker: a builtin connection error, or a `SpiceException`.

    ``kind`` is ``"refused"``, ``"spice"``, or ``"spice, unpicklable cause"``.
    """
    if kind == "refused":
        raise ConnectionRefusedError("connection refused by 127.0.0.1:9")
    cause = LockHolder("locked out") if kind == "spice, unpicklable cause" else None
    error = se.RateLimitError(
        "too many requests",
        retry_after_ms=1500,
        context={"api_key": "sk-raised"},
        cause=cause,
        timestamp=EPOCH_MS,
    )
    raise error.to_exception()
