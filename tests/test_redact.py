"""What counts as a secret, and how URLs, mappings and text are masked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors import _redact
from spice_errors._redact import MASK, redact_mapping, redact_text, redact_url, redact_value
from tests import strategies


@pytest.fixture
def restore_names() -> Iterator[None]:
    """Put the built-in secret names back after a test extends them."""
    saved = _redact._names
    yield
    _redact._names = saved
    _redact._cache.clear()


@pytest.mark.parametrize(
    "key",
    [
        "api_key",
        "apiKey",
        "X-Api-Key",
        "access_token",
        "Authorization",
        "Proxy-Authorization",
        "x_signature",
        "Set-Cookie",
        "db.password",
        "PASSWD",
        "client secret",
        "private_key",
        "aws_credentials",
        "session_id",
    ],
)
def test_secret_keys(key: str) -> None:
    """Keys containing a secret name, in any case and with any separators, are secret."""
    assert se.is_secret_key(key)


@pytest.mark.parametrize("key", ["user", "page", "status_code", "tokenizer_name"[:3], "", "key"])
def test_ordinary_keys(key: str) -> None:
    """Other keys are not secret."""
    assert not se.is_secret_key(key)


def test_non_string_keys_are_not_secret() -> None:
    """Only text names a secret."""
    assert not se.is_secret_key(42)
    assert not se.is_secret_key(None)


@pytest.mark.usefixtures("restore_names")
def test_register_secret_names() -> None:
    """Registered names are normalized and apply from then on, also to cached keys."""
    assert not se.is_secret_key("X-OTP-Code")
    se.register_secret_names("otp-code")
    assert "otpcode" in se.secret_names()
    assert se.is_secret_key("X-OTP-Code")
    assert "***" == redact_mapping({"x_otp_code": "123456"})["x_otp_code"]


@pytest.mark.usefixtures("restore_names")
def test_register_rejects_empty_names() -> None:
    """A name with nothing left after normalization would mask everything: rejected."""
    with pytest.raises(ValueError, match="must contain a letter or digit"):
        se.register_secret_names("ok", "-_ ")
    assert "ok" not in se.secret_names()


def test_key_cache_is_bounded() -> None:
    """Thousands of distinct keys never grow the cache past its limit."""
    for index in range(_redact._CACHE_LIMIT + 10):
        se.is_secret_key(f"key{index}")
    assert len(_redact._cache) <= _redact._CACHE_LIMIT


class TestRedactUrl:
    """redact_url: userinfo and secret query values."""

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("https://api.example.com/v1/users", "https://api.example.com/v1/users"),
            ("https://user:pw@api.example.com/v1", "https://api.example.com/v1"),
            ("https://user@api.example.com", "https://api.example.com"),
            ("https://a:b@c@api.example.com:8443/x", "https://api.example.com:8443/x"),
            ("https://h/x?api_key=abc&page=2", "https://h/x?api_key=***&page=2"),
            ("https://h/x?key=abc&sig=def&code=ghi", "https://h/x?key=***&sig=***&code=***"),
            (
                "https://bucket.s3/o?X-Amz-Credential=c&X-Amz-Signature=s&X-Amz-Expires=60",
                "https://bucket.s3/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Expires=60",
            ),
            ("https://h/cb#access_token=abc&state=1", "https://h/cb#access_token=***&state=1"),
            ("https://h/page#section-2", "https://h/page#section-2"),
            ("/v1/users?token=abc", "/v1/users?token=***"),
            ("/v1/users?flag&token=", "/v1/users?flag&token=***"),
            ("not a url", "not a url"),
            ("mailto:someone@example.com", "mailto:someone@example.com"),
            ("", ""),
        ],
    )
    def test_examples(self, url: str, expected: str) -> None:
        """Userinfo goes, secret query and fragment values are masked, the rest stays."""
        assert expected == redact_url(url)

    @given(
        st.sampled_from(["http", "https", "wss"]),
        st.text(alphabet="abcdefghij", min_size=1, max_size=8),
        strategies.secret_values,
        strategies.secret_values,
    )
    def test_secrets_never_survive(self, scheme: str, user: str, password: str, token: str) -> None:
        """Generated userinfo passwords and token values never survive."""
        url = f"{scheme}://{user}:{password}@host.example/p?access_token={token}&n=1"
        redacted = redact_url(url)
        assert password not in redacted
        assert token not in redacted
        assert redacted.endswith("/p?access_token=***&n=1")


def test_redact_text_masks_fragments_of_bare_paths() -> None:
    """A token in the fragment of a URL without a scheme (OAuth's implicit flow) is masked."""
    error = se.UnknownError(
        "GET /v1/items#access_token=S3cr3t failed",
        context={"url": "/cb#access_token=S3cr3t", "other": "/cb?a=1#token=S3cr3t&state=ok"},
    )
    assert "UNKNOWN_ERROR: GET /v1/items#access_token=*** failed" == str(error)
    assert "S3cr3t" not in repr(error)
    assert "/cb?a=1#token=***&state=ok" == redact_text("/cb?a=1#token=S3cr3t&state=ok")


def test_redact_text_finds_urls_in_prose() -> None:
    """Every URL in free text is redacted; text without one is returned as is."""
    text = "GET https://u:pw@h/a?token=t failed; retried http://h2/b?password=p"
    assert "GET https://h/a?token=*** failed; retried http://h2/b?password=***" == redact_text(text)
    plain = "nothing to see"
    assert plain is redact_text(plain)


class TestRedactMapping:
    """redact_mapping: secret keys at any depth."""

    def test_masks_secret_keys_and_keeps_the_rest(self) -> None:
        """Secret keys are masked; other values are copied."""
        assert {"api_key": MASK, "page": 2} == redact_mapping({"api_key": "abc", "page": 2})

    def test_recurses_into_mappings_and_sequences(self) -> None:
        """Nested mappings and lists of mappings are masked too, and URLs in them."""
        data = {
            "headers": {"Authorization": "Bearer x", "Accept": "json"},
            "attempts": [{"token": "t1"}, ("https://u:p@h/",)],
        }
        expected: dict[str, Any] = {
            "headers": {"Authorization": MASK, "Accept": "json"},
            "attempts": [{"token": MASK}, ("https://h/",)],
        }
        assert expected == redact_mapping(data)

    def test_self_reference_is_cut(self) -> None:
        """A context that contains itself is cut at a fixed depth, not recursed forever."""
        data: dict[str, Any] = {"name": "loop"}
        data["self"] = data
        redacted = redact_mapping(data)
        depth = 0
        current: Any = redacted
        while isinstance(current, dict):
            current = current["self"]
            depth += 1
        assert MASK == current
        assert _redact._MAX_DEPTH + 1 == depth  # the mapping itself, then the nested levels

    def test_deep_non_containers_are_kept(self) -> None:
        """At the depth limit, plain values are still shown."""
        assert 5 == redact_value(5, depth=_redact._MAX_DEPTH)

    def test_original_is_not_changed(self) -> None:
        """Masking works on a copy."""
        data = {"token": "t", "inner": {"password": "p"}}
        redact_mapping(data)
        assert {"token": "t", "inner": {"password": "p"}} == data


# The definition of a URL in free text, as a pattern: what _urls_redacted must agree with.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,31}://[^\s'\"<>]+")


@given(st.text(alphabet="abZ9+.-:/?=&#@ 'x\"<>\né", max_size=80))
def test_urls_in_text_are_found_as_the_pattern_finds_them(text: str) -> None:
    """Property: the linear scan finds exactly the URLs the pattern does, leftmost first."""
    from spice_errors._redact import _urls_redacted

    expected = _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
    assert expected == _urls_redacted(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("see 9+abc://h/x?token=t now", "see 9+abc://h/x?token=***"),
        ("1.2https://u:pw@h/p", "1.2https://h/p"),
        ("x 42://h/p?token=t", "x 42://h/p?token=***"),
    ],
)
def test_a_scheme_starts_at_its_first_letter(text: str, shown: str) -> None:
    """Digits and signs before a scheme are not part of it, as the pattern says."""
    from spice_errors._redact import _urls_redacted

    assert _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text) == _urls_redacted(text)
    assert redact_text(text).startswith(shown)
