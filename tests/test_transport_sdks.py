"""The real openai and anthropic SDKs retrying through the transport, against a fake API.

Both SDKs are built on httpx2 and accept ``http_client=``: their own retries are turned
off (``max_retries=0``) so that the transport decides. Neither sends an idempotency key
of its own (their ``_idempotency_header`` is None), and both send ``x-stainless-retry-count``,
which the transport leaves as it is. The answers' shapes are the vendors' documented
ones: OpenAI's error object (https://platform.openai.com/docs/guides/error-codes) and
Anthropic's ``{"type": "error", "error": {...}}``
(https://docs.anthropic.com/en/api/errors).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

import spice_errors as se
from spice_errors import RetryPolicy
from spice_errors.http import RetryTransport
from tests.http_server import Reply, ScriptedServer

openai = pytest.importorskip("openai", reason="the openai SDK is a test dependency")
anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is a test dependency")

FAST = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.05, jitter=0)
JSON = {"Content-Type": "application/json"}

OPENAI_MODELS = {
    "object": "list",
    "data": [{"id": "gpt-4o", "object": "model", "created": 0, "owned_by": "openai"}],
}
OPENAI_CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hi"},
            "finish_reason": "stop",
        }
    ],
}
OPENAI_RATE_LIMIT = {
    "error": {
        "message": "Rate limit reached for gpt-4o on requests per min (RPM).",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
OPENAI_BAD_REQUEST = {
    "error": {
        "message": "'messages' is a required property",
        "type": "invalid_request_error",
        "param": "messages",
        "code": None,
    }
}
ANTHROPIC_MODELS = {
    "data": [
        {
            "id": "claude-sonnet-4-5",
            "type": "model",
            "display_name": "Claude Sonnet 4.5",
            "created_at": "2025-09-29T00:00:00Z",
        }
    ],
    "has_more": False,
    "first_id": "claude-sonnet-4-5",
    "last_id": "claude-sonnet-4-5",
}
ANTHROPIC_MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "hi"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
ANTHROPIC_OVERLOADED = {
    "type": "error",
    "error": {"type": "overloaded_error", "message": "Overloaded"},
}
ANTHROPIC_RATE_LIMIT = {
    "type": "error",
    "error": {
        "type": "rate_limit_error",
        "message": "Number of requests has exceeded your rate limit.",
    },
}


def reply(status: int, body: object, **headers: str) -> Reply:
    return Reply(status, {**JSON, **headers}, json.dumps(body).encode())


def http_client(**settings: Any) -> httpx2.Client:
    """What the SDKs are given: an httpx2 client whose transport is the library's."""
    settings.setdefault("policy", FAST)
    transport = RetryTransport(httpx2.HTTPTransport(), **settings)
    return httpx2.Client(transport=transport, trust_env=False, timeout=5)


def openai_client(server: ScriptedServer, **settings: Any) -> Any:
    return openai.OpenAI(
        api_key="sk-test",
        base_url=server.url("/v1"),
        max_retries=0,
        http_client=http_client(**settings),
    )


def anthropic_client(server: ScriptedServer, **settings: Any) -> Any:
    return anthropic.Anthropic(
        api_key="sk-ant-test",
        base_url=server.url(""),
        max_retries=0,
        http_client=http_client(**settings),
    )


CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}
MESSAGE = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 16,
    "messages": [{"role": "user", "content": "hello"}],
}


class TestOpenAI:
    """openai.OpenAI(http_client=httpx2.Client(transport=RetryTransport(...)))."""

    def test_a_429_with_retry_after_ms_then_200_is_two_requests(
        self, server: ScriptedServer
    ) -> None:
        server.script(
            "/v1/models",
            reply(429, OPENAI_RATE_LIMIT, **{"retry-after-ms": "20"}),
            reply(200, OPENAI_MODELS),
        )
        waits: list[float | None] = []
        with openai_client(server, on_retry=lambda event: waits.append(event.wait)) as client:
            models = client.models.list()
        assert ["gpt-4o"] == [model.id for model in models.data]
        assert 2 == len(server.requests_to("/v1/models"))
        assert [0.02] == waits  # the server's own wait, not the policy's backoff

    def test_a_400_is_sent_once(self, server: ScriptedServer) -> None:
        server.script("/v1/chat/completions", reply(400, OPENAI_BAD_REQUEST))
        with openai_client(server) as client, pytest.raises(openai.BadRequestError):
            client.chat.completions.create(**CHAT)
        assert 1 == len(server.requests_to("/v1/chat/completions"))

    def test_a_503_on_a_post_is_not_retried_without_a_key(self, server: ScriptedServer) -> None:
        server.script("/v1/chat/completions", reply(503, {"error": {"message": "busy"}}))
        with openai_client(server) as client, pytest.raises(openai.InternalServerError):
            client.chat.completions.create(**CHAT)
        received = server.requests_to("/v1/chat/completions")
        assert 1 == len(received)
        assert "Idempotency-Key" not in received[0].headers

    def test_a_503_on_a_post_is_retried_with_a_key(self, server: ScriptedServer) -> None:
        server.script(
            "/v1/chat/completions",
            reply(503, {"error": {"message": "busy"}}),
            reply(200, OPENAI_CHAT),
        )
        with openai_client(server, add_idempotency_key=True) as client:
            completion = client.chat.completions.create(**CHAT)
        assert "hi" == completion.choices[0].message.content
        received = server.requests_to("/v1/chat/completions")
        assert 2 == len(received)
        assert 1 == len({request.headers["Idempotency-Key"] for request in received})
        assert {"0"} == {request.headers["x-stainless-retry-count"] for request in received}

    def test_the_sdk_error_reads_back_into_the_typed_error(self, server: ScriptedServer) -> None:
        """What the SDK finally raises is the last real answer, read as the library reads it."""
        server.script("/v1/models", reply(429, OPENAI_RATE_LIMIT, **{"retry-after": "120"}))
        with openai_client(server) as client, pytest.raises(openai.RateLimitError) as raised:
            client.models.list()
        error = se.from_exception(raised.value)
        assert isinstance(error, se.RateLimitError)
        assert 120_000 == error.retry_after_ms
        assert 1 == len(server.requests_to("/v1/models"))


class TestAnthropic:
    """anthropic.Anthropic(http_client=httpx2.Client(transport=RetryTransport(...)))."""

    def test_a_429_with_retry_after_then_200_is_two_requests(self, server: ScriptedServer) -> None:
        server.script(
            "/v1/models",
            reply(429, ANTHROPIC_RATE_LIMIT, **{"retry-after": "0"}),
            reply(200, ANTHROPIC_MODELS),
        )
        with anthropic_client(server) as client:
            models = client.models.list()
        assert ["claude-sonnet-4-5"] == [model.id for model in models.data]
        assert 2 == len(server.requests_to("/v1/models"))

    def test_a_400_is_sent_once(self, server: ScriptedServer) -> None:
        bad = {"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}
        server.script("/v1/messages", reply(400, bad))
        with anthropic_client(server) as client, pytest.raises(anthropic.BadRequestError):
            client.messages.create(**MESSAGE)
        assert 1 == len(server.requests_to("/v1/messages"))

    def test_an_overloaded_post_is_retried_only_with_a_key(self, server: ScriptedServer) -> None:
        server.script("/v1/messages", reply(529, ANTHROPIC_OVERLOADED))
        with anthropic_client(server) as client, pytest.raises(anthropic.APIStatusError):
            client.messages.create(**MESSAGE)
        assert 1 == len(server.requests_to("/v1/messages"))

        server.script(
            "/v1/messages", reply(503, ANTHROPIC_OVERLOADED), reply(200, ANTHROPIC_MESSAGE)
        )
        with anthropic_client(server, add_idempotency_key=True) as client:
            message = client.messages.create(**MESSAGE)
        assert "hi" == message.content[0].text
        keyed = server.requests_to("/v1/messages")[1:]
        assert 2 == len(keyed)
        assert 1 == len({request.headers["Idempotency-Key"] for request in keyed})
