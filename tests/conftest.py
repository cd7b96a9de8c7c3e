"""Shared test settings: Hypothesis runs are reproducible and never timed."""

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.http_server import ScriptedServer, scripted_server

settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted HTTP server on 127.0.0.1, stopped when the test ends."""
    with scripted_server() as running:
        yield running
