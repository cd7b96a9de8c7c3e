"""The former name of `spice_errors.integrations.starlette`, kept as an alias.

.. deprecated:: 0.2.0
   Import `spice_errors.integrations.starlette` instead; this module re-exports it.
"""

from spice_errors.integrations.starlette import (
    install_problem_handlers,
    problem_response,
    problem_responses,
)

__all__ = ["install_problem_handlers", "problem_response", "problem_responses"]
