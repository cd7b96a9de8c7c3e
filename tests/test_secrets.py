"""A secret in the URL, the query, the Authorization header or a body never shows.

Each leak once found is pinned here with its exact input; the properties that generate
secrets in every position are in ``test_secrets_property.py``.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import NamedTuple

import attrs
import httpx
import pytest

import spice_errors as se
from spice_errors import _redact
from spice_errors._redact import redact_text
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


# -- leaks found, each with its exact input ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a "'" in a query value showed the rest of it
        (
            "x https://h.test/a?api_key=S3C'RET&b=1 y",
            "x https://h.test/a?api_key=***&b=1 y",
        ),
        # the ")" after a masked value was eaten
        (
            "Request failed (GET http://h.test/x?api_key=abc)",
            "Request failed (GET http://h.test/x?api_key=***)",
        ),
        # a URL nested in a query value kept its userinfo
        (
            "https://h.test/?next=https://u:pw@other.test/x",
            "https://h.test/?next=https://other.test/x",
        ),
        # encoded names were not read as names
        ("https://h.test/?api%5Fkey=S3CRET", "https://h.test/?api%5Fkey=***"),
        ("https://h.test/?%61pi_key=S3CRET", "https://h.test/?%61pi_key=***"),
        ("https://h.test/?api+key=S3CRET", "https://h.test/?api+key=***"),
        # userinfo without a scheme
        ("GET //user:pw@host/x", "GET //host/x"),
        ("connect user:pw@host", "connect host"),
        # credentials in free text
        ("sent Authorization: Bearer X1Y2", "sent Authorization: Bearer ***"),
        ("token Bearer eyJhbGciOi.eyJzdWIi.c2ln was refused", "token Bearer *** was refused"),
        ("Basic dXNlcjpwYXNz rejected", "Basic *** rejected"),
    ],
)
def test_leaks_found(text: str, expected: str) -> None:
    """Each of these showed a secret, or ate the text beside one."""
    assert expected == redact_text(text)


def test_a_bytes_url_in_a_context() -> None:
    """A bytes value is shown with its URL redacted."""
    error = se.UnknownError("x", context={"raw": b"https://u:pw@h.test/?token=S3CRET"})
    assert "context={'raw': b'https://h.test/?token=***'}" in repr(error)
    assert b"https://u:pw@h.test/?token=S3CRET" == error.context["raw"]


def test_a_list_of_header_pairs() -> None:
    """Header lists of pairs are masked as mappings are."""
    headers = [("Authorization", "Bearer S3CRET"), ("Accept", "json")]
    error = se.NetworkError("x", context={"headers": headers})
    assert "[('Authorization', '***'), ('Accept', 'json')]" in repr(error)


@pytest.mark.parametrize(
    "key", ["auth", "pwd", "jwt", "passphrase", "bearer", "access_key", "sid", "otp"]
)
def test_keys_that_were_not_secret(key: str) -> None:
    """These keys showed their values."""
    assert "S3CRET" not in repr(se.UnknownError("x", context={key: "S3CRET"}))


def test_the_retry_hint_reason() -> None:
    """repr(RetryHint.skip(url)) showed the URL's userinfo; the reason itself is kept."""
    hint = se.RetryHint.skip("https://u:pw@h.test/")
    assert (
        "RetryHint(retry_after_ms=None, max_attempts=None, skip_retry=True, "
        "reason='https://h.test/')"
    ) == repr(hint)
    assert repr(hint) == str(hint)
    assert "https://u:pw@h.test/" == hint.reason


# -- containers in every rendering --------------------------------------------------------


@dataclasses.dataclass
class Login:
    """A dataclass holding a secret."""

    user: str
    password: str


@attrs.define
class Session:
    """An attrs class holding a secret."""

    user: str
    token: str


class Account(NamedTuple):
    """A named tuple holding a secret."""

    user: str
    api_key: str


SECRET_URL = f"https://u:{SECRET}@h.test/"
CONTAINERS = {
    "dict": {"token": SECRET},
    "list": [SECRET_URL],
    "tuple": (SECRET_URL,),
    "set": {SECRET_URL},
    "frozenset": frozenset({SECRET_URL}),
    "deque": collections.deque([SECRET_URL]),
    "dataclass": Login("bob", SECRET),
    "attrs": Session("bob", SECRET),
    "namedtuple": Account("bob", SECRET),
    "namespace": SimpleNamespace(otp=SECRET),
    "pairs": [("X-Api-Key", SECRET)],
    "nested": {"a": [({"b": SimpleNamespace(c=Login("x", SECRET))},)]},
}


@pytest.mark.parametrize("kind", list(CONTAINERS))
def test_comm_of_every_kind_shows_no_secret(kind: str) -> None:
    """CommError.comm, a context value and a rejected value never show the secret."""
    value = CONTAINERS[kind]
    comm = se.CommError("failed", comm=value)
    errors = [
        comm,
        se.UnknownError("failed", context={"data": value}),
        se.ValidationError("bad", field="payload", actual_value=value),
    ]
    for error in errors:
        for text in shown(error):
            assert SECRET not in text, text
    assert value is comm.comm  # the data itself stays intact


def test_comm_reads_as_its_object() -> None:
    """A masked dataclass reads as the dataclass does, and as an object in JSON."""
    error = se.CommError("failed", comm=Login("bob", SECRET))
    assert "comm=Login(user='bob', password='***')" in repr(error)
    assert "  comm: Login(user='bob', password='***')" in error.report()
    fields = error.to_dict()["fields"]
    assert {"comm": {"user": "bob", "password": "***"}} == fields


# -- the RetryHint ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hint",
    [
        se.RetryHint.skip(f"rejected {SECRET_URL}"),
        se.RetryHint.from_retry_after_seconds(1.5, reason=f"Bearer {SECRET}"),
        se.RetryHint.from_duration(timedelta(seconds=2), reason=f"token={SECRET}"),
        se.RetryHint.from_duration(3, reason=f"{{'api_key': '{SECRET}'}}"),
        se.RetryHint.with_max_attempts(2, reason=f"Authorization: {SECRET}"),
    ],
)
def test_a_hint_shows_its_reason_masked(hint: se.RetryHint) -> None:
    """However a hint is made, its reason shows masked, in it and in the error holding it."""
    error = se.RetryableError("busy", retry_hint=hint)
    for text in [repr(hint), str(hint), *shown(error)]:
        assert SECRET not in text
    assert hint.reason is not None
    assert SECRET in hint.reason
    assert hint == error.retry_hint


def test_a_hint_without_a_reason() -> None:
    """A hint with no reason, or nothing to mask in it, is shown and written as it is."""
    hint = se.RetryHint.from_retry_after_seconds(0.25)
    assert "RetryHint(retry_after_ms=250, max_attempts=None, skip_retry=False, reason=None)" == (
        repr(hint)
    )
    assert timedelta(milliseconds=250) == hint.retry_after
    assert se.RetryHint().retry_after is None
    error = se.RetryableError("busy", retry_hint=se.RetryHint.skip("busy"))
    assert "reason='busy'" in repr(error)
    odd = se.RetryHint(reason=42)  # type: ignore[arg-type]
    assert repr(odd).endswith("reason=42)")


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: se.RetryHint.from_retry_after_seconds(-1, reason=SECRET), "finite and >= 0"),
        (
            lambda: se.RetryHint.from_duration("soon", reason=SECRET),  # type: ignore[arg-type]
            "number of seconds",
        ),
        (lambda: se.RetryHint(retry_after_ms=-1, reason=SECRET), "retry_after_ms must be"),
        (lambda: se.RetryHint.with_max_attempts(0, reason=SECRET), "max_attempts must be"),
    ],
)
def test_a_refused_hint_does_not_echo_its_reason(
    build: Callable[[], se.RetryHint], match: str
) -> None:
    """The messages that refuse a bad hint name the bad value, never the reason."""
    with pytest.raises((TypeError, ValueError), match=match) as raised:
        build()
    assert SECRET not in str(raised.value)


# -- names registered while others render -------------------------------------------------


@pytest.fixture
def names_restored() -> Iterator[None]:
    """The secret names as they were before the test."""
    saved = _redact.snapshot_names()
    yield
    _redact.restore_names(saved)


@pytest.mark.usefixtures("names_restored")
def test_names_registered_while_eight_threads_render() -> None:
    """A name registered while 8 threads judge keys and render errors masks every key after.

    Before, a thread could read the old names, then store "not secret" in the cache the
    registration had just cleared, and the key stayed unmasked from then on.
    """
    threads = 8
    rounds = 300
    keys = [f"x_{index}_zorblat" for index in range(rounds)]
    start = threading.Barrier(threads + 1)
    failures: list[BaseException] = []

    def render() -> None:
        try:
            start.wait(timeout=30)
            for key in keys:
                se.is_secret_key(key)
                repr(se.UnknownError("x", context={key: SECRET}))
        except BaseException as exc:  # reported below
            failures.append(exc)

    workers = [threading.Thread(target=render) for _ in range(threads)]
    for worker in workers:
        worker.start()
    start.wait(timeout=30)
    se.register_secret_names("zorblat")
    for worker in workers:
        worker.join(timeout=60)
    assert [] == failures
    assert all(se.is_secret_key(key) for key in keys)
    assert SECRET not in repr(se.UnknownError("x", context=dict.fromkeys(keys, SECRET)))
