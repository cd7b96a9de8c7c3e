"""Optional integrations with other libraries, each imported only when used.

- `spice_errors.integrations.stamina`: a predicate for ``stamina.retry(on=...)``.
- `spice_errors.integrations.tenacity`: ``retry=`` and ``wait=`` callables for tenacity.
- `spice_errors.integrations.starlette`: RFC 9457 problem responses from Starlette and
  FastAPI applications (``integrations.asgi`` is its former name, kept as an alias).
- `spice_errors.integrations.fastapi`: the same for FastAPI, with its validation errors
  and the problem responses in its OpenAPI document.
- `spice_errors.integrations.logging`: errors as one masked line with structured fields.
- `spice_errors.integrations.structlog`: a processor that renders errors in events.
- `spice_errors.integrations.opentelemetry`: errors recorded on a span.
- `spice_errors.integrations.pydantic_ai`: pydantic-ai tools that return a `SpiceResult`.

Importing ``spice_errors`` imports none of these, nor the libraries they serve.
"""
