"""The standard-library logging helper, with pytest's caplog."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import spice_errors as se
from spice_errors.integrations.logging import error_fields, log_error

if TYPE_CHECKING:
    import pytest

LOGGER = logging.getLogger("tests.orders")


def test_one_line_with_structured_fields(caplog: pytest.LogCaptureFixture) -> None:
    """The record has the error's str as its message and its parts as fields."""
    caplog.set_level(logging.INFO, logger="tests.orders")
    error = se.NetworkError(
        "Upstream failed at https://u:S3cr3t@h/x?token=S3cr3t",
        status_code=503,
        endpoint="https://u:S3cr3t@h/x?token=S3cr3t",
        context={"authorization": "Bearer S3cr3t", "attempt": 2},
    )
    log_error(LOGGER, error)
    (record,) = caplog.records
    assert logging.ERROR == record.levelno
    assert "NETWORK_ERROR: Upstream failed at https://h/x?token=***" == record.getMessage()
    assert "NETWORK_ERROR" == record.error_code  # type: ignore[attr-defined]
    assert "NetworkError" == record.error_type  # type: ignore[attr-defined]
    assert {"authorization": "***", "attempt": 2} == record.error_context  # type: ignore[attr-defined]
    assert {"status_code": 503, "endpoint": "https://h/x?token=***"} == record.error_fields  # type: ignore[attr-defined]
    assert "S3cr3t" not in str(vars(record))


def test_level_and_message(caplog: pytest.LogCaptureFixture) -> None:
    """The level and the line can be chosen."""
    caplog.set_level(logging.INFO, logger="tests.orders")
    log_error(
        LOGGER, se.TimeoutError("slow"), level=logging.WARNING, message="fetching orders timed out"
    )
    (record,) = caplog.records
    assert (logging.WARNING, "fetching orders timed out") == (record.levelno, record.getMessage())


def test_fields_never_clash_with_record_attributes() -> None:
    """Every key is free to use as an `extra` field."""
    reserved = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
    assert not set(error_fields(se.UnknownError("x"))) & reserved
