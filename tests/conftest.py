"""Shared test settings: Hypothesis runs are reproducible and never timed."""

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.http_server import ScriptedServer, scripted_server
from tests.local_servers import hanging_up, untrusted_tls

settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# For mutation testing (`mutmut run`): fewer examples per mutant, and the same test
# may run twice in one process (mutmut's stats run, then its clean run).
settings.register_profile(
    "mutation",
    parent=settings.get_profile("default"),
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.load_profile("default")


def pytest_configure(config: pytest.Config) -> None:
    """`--hypothesis-profile NAME` picks one of the profiles above."""
    chosen = config.getoption("--hypothesis-profile", default=None)
    if chosen:
        settings.load_profile(chosen)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted HTTP server on 127.0.0.1, stopped when the test ends."""
    with scripted_server() as running:
        yield running


@pytest.fixture(scope="module")
def tls_url() -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate no client trusts."""
    with untrusted_tls() as url:
        yield url


@pytest.fixture
def hang_up_url() -> Iterator[str]:
    """A server that reads a request and closes without answering."""
    with hanging_up() as url:
        yield url
