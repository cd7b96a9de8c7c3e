"""A secret in the URL, the query, the Authorization header or a body never shows."""

from __future__ import annotations

import json
import logging
import traceback

import httpx
import pytest

import spice_errors as se
from tests.http_server import Reply, ScriptedServer

SECRET = "S3cr3t-0123456789"  # noqa: S105 -- the secret the tests hunt for


def shown(error: se.SpiceError) -> list[str]:
    """Every way the library shows or sends an error."""
    return [
        repr(error),
        str(error),
        json.dumps(error.to_dict()),
        error.to_json(),
        json.dumps(se.http.to_problem(error)),
        se.Failure(error).to_json(),
        str(error.to_exception()),
        repr(error.to_exception()),
        error.report(),
    ]


@pytest.fixture
def leaky_url(server: ScriptedServer) -> str:
    """An endpoint that answers 401 and echoes the secret in its problem body."""
    body = {
        "title": "Unauthorized",
        "detail": "The key was rejected",
        "api_key": SECRET,
        "instance": f"/v1/items?token={SECRET}",
        "request": {"headers": {"Authorization": f"Bearer {SECRET}"}},
    }
    server.script(
        "/v1/items",
        Reply(401, {"Content-Type": "application/problem+json"}, json.dumps(body).encode()),
    )
    return (
        server.url("/v1/items").replace("http://", f"http://user:{SECRET}@")
        + f"?token={SECRET}&page=1"
    )


def test_from_response(leaky_url: str) -> None:
    """The error built from the response shows no secret anywhere, yet keeps the data."""
    with httpx.Client(trust_env=False) as client:
        response = client.post(
            leaky_url, headers={"Authorization": f"Bearer {SECRET}"}, json={"password": SECRET}
        )
    error = se.http.from_response(
        response.status_code, response.headers, response.content, method="POST", url=leaky_url
    )
    assert isinstance(error, se.AuthenticationError)
    for text in [*shown(error), "".join(traceback.format_exception(error.to_exception()))]:
        assert SECRET not in text
    assert SECRET == error.context["api_key"]  # the data itself stays intact
    assert "page=1" in str(error.context["endpoint"])


def test_from_exception(leaky_url: str) -> None:
    """The same through raise_for_status and from_exception.

    The original exception stays the error's cause, untouched: Python prints it, URL
    and all, in a traceback of `to_exception()`. What the library shows is clean.
    """
    with httpx.Client(trust_env=False) as client:
        response = client.get(leaky_url, headers={"Authorization": f"Bearer {SECRET}"})
        with pytest.raises(httpx.HTTPStatusError) as raised:
            response.raise_for_status()
        error = se.from_exception(raised.value)
    for text in shown(error):
        assert SECRET not in text


def test_log_lines(leaky_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The retry log lines carry no secret either."""
    caplog.set_level(logging.INFO, logger="spice_errors.retry")
    with httpx.Client(trust_env=False) as client:

        def call() -> se.SpiceResult[str]:
            response = client.get(leaky_url)
            error = se.http.from_response(
                response.status_code, response.headers, response.content, url=leaky_url
            )
            # Pretend the server was down, to see retry log lines about this request.
            return se.failure(
                se.NetworkError(
                    error.message, status_code=503, endpoint=leaky_url, context=error.context
                )
            )

        with se.retry_testing():
            se.retry(call)
    assert caplog.records
    for record in caplog.records:
        assert SECRET not in record.getMessage()
