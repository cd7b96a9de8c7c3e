"""SpiceException's text: masked wherever Python and the tools around it print an exception."""

from __future__ import annotations

import logging
import pickle
import traceback
from typing import TYPE_CHECKING

import structlog
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import spice_errors as se

if TYPE_CHECKING:
    import pytest

SECRET = "S3CRET-pw-91"  # noqa: S105 -- the planted secret every test looks for


def charge_failed() -> se.SpiceException:
    """The exception a client raises for a failed charge, its URL holding a password."""
    password = SECRET
    return se.NetworkError(
        f"POST https://bob:{password}@api.example.com/v1/charges failed"
    ).to_exception()


def raised() -> se.SpiceException:
    try:
        raise charge_failed()
    except se.SpiceException as caught:
        return caught


def test_str_and_args_are_masked() -> None:
    """str() is the masked message; the error inside still holds the data."""
    exc = raised()
    assert "POST https://api.example.com/v1/charges failed" == str(exc)
    assert SECRET not in repr(exc)
    assert SECRET in exc.error.message


def test_a_traceback() -> None:
    """The traceback's last line, and the note with the code."""
    text = "".join(traceback.format_exception(raised()))
    assert "SpiceException: POST https://api.example.com/v1/charges failed" in text
    assert "spice_errors: NETWORK_ERROR" in text
    assert SECRET not in text


def test_logging_exception(caplog: pytest.LogCaptureFixture) -> None:
    """logging.exception formats the traceback with the masked line."""
    logger = logging.getLogger("shop.payments")
    with caplog.at_level(logging.ERROR, logger="shop.payments"):
        try:
            raise charge_failed()
        except se.SpiceException:
            logger.exception("charge failed")
    text = caplog.text
    assert "api.example.com/v1/charges failed" in text
    assert SECRET not in text


def test_structlog_format_exc_info() -> None:
    """structlog's format_exc_info renders the masked line."""
    event = structlog.processors.format_exc_info(None, "error", {"exc_info": raised()})
    assert "SpiceException: POST https://api.example.com/v1/charges failed" in str(
        event["exception"]
    )
    assert SECRET not in str(event)


def test_opentelemetry_exception_event() -> None:
    """An OpenTelemetry span's exception event carries the masked message and stack."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("shop").start_as_current_span("charge") as span:
        span.record_exception(raised())
    provider.shutdown()
    (finished,) = exporter.get_finished_spans()
    (event,) = finished.events
    attributes = dict(event.attributes or {})
    assert "POST https://api.example.com/v1/charges failed" == attributes["exception.message"]
    assert SECRET not in str(attributes)


def test_retry_exhaustion_in_kotlins_form() -> None:
    """The ExecutionError retry builds from the last message is masked in its exception."""
    with se.set_testing(True):
        result = se.retry(
            lambda: se.Failure(se.NetworkError(f"GET https://u:{SECRET}@h.test/x?token=t failed")),
            exhausted="execution_error",
        )
    assert isinstance(result, se.Failure)
    exc = result.error.to_exception()
    assert SECRET not in str(exc)
    assert SECRET not in "".join(traceback.format_exception(exc))


def test_pickled_and_back() -> None:
    """Across pickle the text stays masked."""
    back = pickle.loads(pickle.dumps(raised()))
    assert str(raised()) == str(back)
    assert SECRET not in str(back)
