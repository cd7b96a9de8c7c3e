"""structlog and OpenTelemetry integrations, each against the real library."""

from __future__ import annotations

import structlog
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from structlog.testing import capture_logs

import spice_errors as se
from spice_errors.integrations.opentelemetry import record_error
from spice_errors.integrations.structlog import render_errors

SECRET = "S3cr3t-tok"  # noqa: S105 -- the secret the tests hunt for


def test_structlog_renders_errors_and_exceptions() -> None:
    """Error values and SpiceExceptions in an event become masked fields."""
    error = se.RateLimitError("slow down", retry_after_ms=500, context={"token": SECRET})
    with capture_logs(processors=[render_errors]) as logs:
        log = structlog.get_logger()
        log.warning("rate limited", error=error, raised=error.to_exception(), attempt=2)
        log.error("failed", exc_info=error.to_exception())
        log.info("fine", error="not an error")
    first, second, third = logs
    assert "RATE_LIMIT_ERROR" == first["error"]["error_code"]
    assert {"retry_after_ms": 500} == first["error"]["error_fields"]
    assert first["error"] == first["raised"]
    assert 2 == first["attempt"]
    assert "RATE_LIMIT_ERROR" == second["error"]["error_code"]
    assert isinstance(second["exc_info"], se.SpiceException)
    assert "not an error" == third["error"]
    assert SECRET not in repr([first["error"], first["raised"], second["error"]])


def test_structlog_keeps_an_existing_error_key() -> None:
    """An exc_info SpiceException never overwrites an "error" the caller set."""
    event = {"event": "x", "error": "mine", "exc_info": se.UnknownError("u").to_exception()}
    assert "mine" == render_errors(None, "error", event)["error"]


def test_opentelemetry_span() -> None:
    """record_error sets error.type to the code and the span's status to error."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests")
    error = se.NetworkError(
        f"GET https://h/x?token={SECRET} failed",
        status_code=503,
        context={"api_key": SECRET, "attempt": 2, "tags": ["a"]},
    )
    with tracer.start_as_current_span("fetch") as span:
        record_error(span, error)
    (finished,) = exporter.get_finished_spans()
    span_attributes = finished.attributes
    assert span_attributes is not None
    assert "NETWORK_ERROR" == span_attributes["error.type"]
    assert StatusCode.ERROR == finished.status.status_code
    assert "GET https://h/x?token=*** failed" == finished.status.description
    (event,) = finished.events
    assert "exception" == event.name
    event_attributes = event.attributes
    assert event_attributes is not None
    assert "spice_errors.NetworkError" == event_attributes["exception.type"]
    assert 2 == event_attributes["spice_errors.context.attempt"]
    assert "['a']" == event_attributes["spice_errors.context.tags"]
    assert SECRET not in repr(dict(event_attributes)) + repr(dict(span_attributes)) + str(
        finished.status.description
    )
    provider.shutdown()
