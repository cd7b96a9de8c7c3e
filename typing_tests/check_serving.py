"""Type-checked, never run: answering as a server, and its Starlette and FastAPI handlers."""

from __future__ import annotations

from typing import assert_type

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import Response

import spice_errors as se
from spice_errors.http import (
    ProblemType,
    register_problem_type,
    status_for,
    to_problem,
    unregister_problem_type,
)
from spice_errors.integrations import fastapi as fastapi_problems
from spice_errors.integrations import starlette as starlette_problems

error = se.ValidationError("Balance too low").with_context(error_code="INSUFFICIENT_FUNDS")

assert_type(register_problem_type("INSUFFICIENT_FUNDS", status=402, title="Funds"), None)
assert_type(unregister_problem_type("INSUFFICIENT_FUNDS"), bool)
assert_type(ProblemType("X", 402, "Funds").status, int)
assert_type(status_for(error), int)
assert_type(
    to_problem(error, status=402, instance="/orders/7", expose=["order_id"], debug=False),
    dict[str, object],
)
assert_type(to_problem(error, expose=("order_id",)), dict[str, object])

# A FastAPI application is a Starlette one: the same installer takes either, no cast.
assert_type(starlette_problems.install_problem_handlers(Starlette()), None)
assert_type(fastapi_problems.install_problem_handlers(FastAPI(), debug=True, catch_all=False), None)
assert_type(fastapi_problems.problem_response(error, status=402), Response)
assert_type(fastapi_problems.problem_responses(404, 422), dict[int | str, dict[str, object]])

app = FastAPI()


@app.get("/orders/{order_id}", responses=fastapi_problems.problem_responses(404))
async def order(order_id: int) -> dict[str, int]:
    return {"id": order_id}


status_for("not an error")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
register_problem_type("X", status="402", title="t")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
