"""Optional integrations with other libraries, each imported only when used.

- `spice_errors.integrations.stamina`: a predicate for ``stamina.retry(on=...)``.
- `spice_errors.integrations.tenacity`: ``retry=`` and ``wait=`` callables for tenacity.

Importing ``spice_errors`` imports none of these, nor the libraries they serve.
"""
