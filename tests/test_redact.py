"""What counts as a secret, and how URLs, text, mappings and other values are masked."""

from __future__ import annotations

import dataclasses
import email.message
import re
import tracemalloc
from collections import deque
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any, NamedTuple

import attrs
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
    saved = _redact.snapshot_names()
    yield
    _redact.restore_names(saved)


# -- secret keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        # the SPEC's examples
        "access_token",
        "X-Api-Key",
        "x_signature",
        "apiKey",
        "auth",
        "pwd",
        # a name contained anywhere, in any case, with any separators
        "api_key",
        "Authorization",
        "Proxy-Authorization",
        "Set-Cookie",
        "db.password",
        "PASSWD",
        "client secret",
        "private_key",
        "aws_credentials",
        "session_id",
        "gpg:passphrase",
        "aws/access/key",
        "AccessKeyId",
        # a secret word, split at separators, camelCase and digits
        "jwt",
        "bearer",
        "access_key",
        "sid",
        "otp",
        "pass",
        "key",
        "idempotency_key",
        "userPWD",
        "OTPCode",
        "APIKey",
        "x-auth",
        "MY_AUTH",
        "pwd2",
        "key1",
        "filter[key]",
    ],
)
def test_secret_keys(key: str) -> None:
    """Keys holding a secret name, or a secret word, are secret (SPEC section 6)."""
    assert se.is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    ["user", "page", "status_code", "", "author", "keyboard", "monkey", "passport", "compass"],
)
def test_ordinary_keys(key: str) -> None:
    """Other keys are not secret: a secret word inside a longer word does not count."""
    assert not se.is_secret_key(key)


def test_non_string_keys_are_not_secret() -> None:
    """Only text names a secret; bytes are read as header names."""
    assert not se.is_secret_key(42)
    assert not se.is_secret_key(None)
    assert se.is_secret_key(b"authorization")
    assert not se.is_secret_key(b"accept")


@pytest.mark.usefixtures("restore_names")
def test_register_secret_names() -> None:
    """Registered names are normalized and apply from then on, also to cached keys."""
    assert not se.is_secret_key("X-Tenant-Code")
    se.register_secret_names("tenant:code")
    assert "tenantcode" in se.secret_names()
    assert se.is_secret_key("X-Tenant-Code")
    assert {"x_tenant_code": MASK} == redact_mapping({"x_tenant_code": "123456"})


@pytest.mark.usefixtures("restore_names")
def test_register_rejects_empty_names() -> None:
    """A name with nothing left after normalization would mask everything: rejected."""
    with pytest.raises(ValueError, match="must contain a letter or digit"):
        se.register_secret_names("ok", "-_ /:")
    assert "ok" not in se.secret_names()


@pytest.mark.usefixtures("restore_names")
def test_restore_names_forgets_what_was_cached() -> None:
    """Restoring the names starts a new cache: a key cached as secret is judged again."""
    saved = _redact.snapshot_names()
    se.register_secret_names("zorblat")
    assert se.is_secret_key("my_zorblat")
    _redact.restore_names(saved)
    assert not se.is_secret_key("my_zorblat")


def test_key_cache_is_bounded() -> None:
    """Thousands of distinct keys never grow the cache past its limit."""
    for index in range(_redact._CACHE_LIMIT + 10):
        se.is_secret_key(f"key{index}")
    assert len(_redact._state[1]) <= _redact._CACHE_LIMIT


def test_long_keys_are_never_cached() -> None:
    """10,000 long keys (and 300 of 100 kB, as extension names of answers) keep nothing alive.

    Before, every key was cached, whatever its length: 300 answers with 100 kB names
    kept 30 MB alive. Keys longer than a few hundred characters are judged each time.
    """
    long_names = [("n" * 2_000) + str(index) for index in range(10_000)]
    huge_names = [("h" * 100_000) + str(index) for index in range(300)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for name in long_names + huge_names:
        assert not se.is_secret_key(name)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    cache = _redact._state[1]
    assert all(len(key) <= _redact._CACHED_KEY_LENGTH for key in cache)
    assert len(cache) <= _redact._CACHE_LIMIT
    assert held < 100_000  # bytes: no long key, nor a copy of one


def test_a_key_of_cache_length_is_cached() -> None:
    """Keys up to the length limit are cached, one over it is not."""
    at_limit = "c" * _redact._CACHED_KEY_LENGTH
    over = at_limit + "c"
    se.is_secret_key(at_limit)
    se.is_secret_key(over)
    assert at_limit in _redact._state[1]
    assert over not in _redact._state[1]


def test_an_answer_cached_with_old_names_is_never_read() -> None:
    """The race: a key judged with the old names is cached in the old cache, not the new.

    A thread that read the names just before a registration could store "not secret"
    in the cache the registration had just cleared. The names and the cache are now
    one state, swapped together: what it stores lands in the state nobody reads.
    """
    old_names, old_cache = _redact._state
    saved = _redact.snapshot_names()
    try:
        se.register_secret_names("raceword")
        # What a thread that read the state before the registration does afterwards:
        old_cache["x_raceword"] = _redact._names_a_secret("x_raceword", old_names)
        assert se.is_secret_key("x_raceword")
    finally:
        _redact.restore_names(saved)


# -- URLs -----------------------------------------------------------------------------------


class TestRedactUrl:
    """redact_url: userinfo and secret query values."""

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("https://api.example.com/v1/users", "https://api.example.com/v1/users"),
            ("https://user:pw@api.example.com/v1", "https://api.example.com/v1"),
            ("https://user@api.example.com", "https://api.example.com"),
            ("https://a:b@c@api.example.com:8443/x", "https://api.example.com:8443/x"),
            ("https://u'(s):p!*w'@h.test/x", "https://h.test/x"),
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
            ("https://h/?q=x?api_key=abc", "https://h/?q=x?api_key=***"),
            ("https://h/?a=1;token=abc;b=2&c=3", "https://h/?a=1;token=***&c=3"),
            ("https://h/?token=ab?cd;ef&c=3", "https://h/?token=***&c=3"),
            (
                "https://h/?api%5Fkey=1&%61pi_key=2&api+key=3",
                "https://h/?api%5Fkey=***&%61pi_key=***&api+key=***",
            ),
            ("https://h/?api%255Fkey=1", "https://h/?api%255Fkey=***"),
            ("https://h/?api%25255Fkey=1", "https://h/?api%25255Fkey=***"),
            ("//user:pw@host/x", "//host/x"),
            ("user:pw@host/x?page=1", "host/x?page=1"),
            ("https://proxy/https://u:pw@h/", "https://proxy/https://h/"),
            ("not a url", "not a url"),
            ("mailto:someone@example.com", "mailto:someone@example.com"),
            ("someone@example.com", "someone@example.com"),
            ("https://h/?q=50%25&r=%zz", "https://h/?q=50%25&r=%zz"),
            ("", ""),
        ],
    )
    def test_examples(self, url: str, expected: str) -> None:
        """Userinfo goes, secret query and fragment values are masked, the rest stays."""
        assert expected == redact_url(url)

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (
                "https://h.test/?next=https://u:pw@other.test/x",
                "https://h.test/?next=https://other.test/x",
            ),
            (
                "https://h.test/?next=https://other.test/cb?token=abc",
                "https://h.test/?next=https://other.test/cb?token=***",
            ),
            (
                "https://h.test/?next=https%3A%2F%2Fu%3Apw%40other.test%2Fx",
                "https://h.test/?next=***",
            ),
            (
                "https://h.test/?next=https%3A%2F%2Fo.test%2F%3Fa%3D1%26token%3Dabc",
                "https://h.test/?next=***",
            ),
            (
                "https://h.test/?state=a%3D1%26token%3Dabc",
                "https://h.test/?state=***",
            ),
            ("https://h/?next=https://u:p%40ss@o.test/", "https://h/?next=https://o.test/"),
            ("https://h/?next=bob:p!w@o.test&page=1", "https://h/?next=o.test&page=1"),
            ("https://h/?next=https%3A%2F%2Fo.test%2F", "https://h/?next=https%3A%2F%2Fo.test%2F"),
        ],
    )
    def test_nested_urls(self, url: str, expected: str) -> None:
        """A URL in a query value loses its userinfo and secrets; encoded, the whole value."""
        assert expected == redact_url(url)

    def test_nesting_has_a_limit(self) -> None:
        """A value encoded deeper than any redirect chain is masked whole, secret or not."""
        url = "https://o.test/?page=1"
        for _ in range(_redact._MAX_NESTING + 1):
            url = "https://h.test/?next=" + "".join(f"%{byte:02X}" for byte in url.encode())
        assert f"https://h.test/?next={MASK}" == redact_url(url)
        assert "https://h.test/?next=https%3A%2F%2Fo.test%2F" == redact_url(
            "https://h.test/?next=https%3A%2F%2Fo.test%2F"
        )

    def test_stray_signs_in_a_fragment_do_not_recurse(self) -> None:
        """Thousands of "#" in a fragment, each after a value with an "@", are read in turn.

        A value holding "@" was read as a URL of its own, whose fragment began at the next
        "#": each one a level deeper, until Python's recursion limit.
        """
        url = "https://h/#" + "a=b@c#" * 5000 + "token=abc"
        assert url.replace("token=abc", f"token={MASK}") == redact_url(url)

    def test_an_unchanged_url_is_returned_as_it_is(self) -> None:
        """No copy is made of a URL with nothing to mask."""
        url = "https://h/x?page=2#top"
        assert url is redact_url(url)

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


# -- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 3986 allows ' ( ) ! * unencoded in userinfo and query values
        (
            "x https://h.test/a?api_key=S3C'RET&b=1 y",
            "x https://h.test/a?api_key=***&b=1 y",
        ),
        ("x https://h.test/a?api_key=S3C)R(ET!*&b=1 y", "x https://h.test/a?api_key=***&b=1 y"),
        ("x https://us'e(r):p)a!s*s@h.test/a y", "x https://h.test/a y"),
        # masking keeps the text around the mask
        (
            "Request failed (GET http://h.test/x?api_key=abc)",
            "Request failed (GET http://h.test/x?api_key=***)",
        ),
        ("see http://h.test/x?api_key=abc.", "see http://h.test/x?api_key=***."),
        ("'http://h.test/x?token=abc', then", "'http://h.test/x?token=***', then"),
        ("[http://h.test/x?token=abc]", "[http://h.test/x?token=***]"),
        ("{http://h.test/x?token=abc}", "{http://h.test/x?token=***}"),
        ("<http://h.test/x?token=abc>", "<http://h.test/x?token=***>"),
        ("(see http://h.test/x?token=a(b)c)", "(see http://h.test/x?token=***)"),
        ("((http://h.test/x?token=abc))", "((http://h.test/x?token=***))"),
        ("see https://h.test/wiki/A_(b) now", "see https://h.test/wiki/A_(b) now"),
        # a URL nested in a query value keeps no userinfo
        (
            "go https://h.test/?next=https://u:pw@other.test/x now",
            "go https://h.test/?next=https://other.test/x now",
        ),
        # encoded names
        (
            "/a?api%5Fkey=1&%61pi_key=2&api+key=3 done",
            "/a?api%5Fkey=***&%61pi_key=***&api+key=*** done",
        ),
        # scheme-relative and schemeless userinfo
        ("fetch //user:pw@host/x failed", "fetch //host/x failed"),
        ("fetch //user@host/x failed", None),
        ("both //a:b@h.test and c:d@e.test", "both //h.test and e.test"),
        ("connect to user:pw@db.internal:5432 failed", "connect to db.internal:5432 failed"),
        ("dsn=postgres:pw@db (retrying)", "dsn=db (retrying)"),
        ("(bob:pw@host)", "(host)"),
        ("mail someone@example.com or mailto:someone@example.com", None),
        # Authorization, Bearer and Basic in free text
        ("sent Authorization: Bearer abc.def.", "sent Authorization: Bearer ***."),
        ("Authorization: S3CRET was rejected", "Authorization: *** was rejected"),
        ("Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ***"),
        ("authorization:Token xyz", "authorization:Token ***"),
        ("Authorization: Custom S3CR3T now", "Authorization: *** *** now"),
        ("Authorization: x Proxy-Authorization: S3CR1", "Authorization: *** ***: ***"),
        ("Authorization: x X-Authorization:S3CR1", "Authorization: *** ***"),
        ("Authorization: Bearer", None),
        ('Authorization: "Bearer abc"', 'Authorization: "Bearer ***"'),
        ("Bearer .", None),
        ('Authorization: Digest username="bob", realm="api"', None),
        ("the bearer token 'Bearer x1y2' expired", "the bearer token 'Bearer ***' expired"),
        ("BEARER abc", "BEARER ***"),
        ("header Basic dXNlcjpwYXNz=, next", "header Basic ***, next"),
        ("a basic check failed", None),
        ('WWW-Authenticate: Bearer realm="api", error="invalid_token"', None),
        # pairs in prose and relative URLs
        ("Config(api_key='sk 1', x=2)", "Config(api_key='***', x=2)"),
        ('token="abc def" next', 'token="***" next'),
        ("token='abc", "token='***"),
        ("password=hunter2; retry", "password=***; retry"),
        ("token=a?b=c d", "token=*** d"),
        ("q=a?token=S3CR,b", "q=a?token=***,b"),
        ("/cb?next=https%3A%2F%2Fu%3Apw%40h.test%2F ok", "/cb?next=*** ok"),
        # quoted mapping keys, as repr and JSON write them
        ("{'token': 'abc', 'n': 1}", "{'token': '***', 'n': 1}"),
        ('{"access_token":"a\\"b","n":1}', '{"access_token":"***","n":1}'),
        ("{'otp': 123456, 'pin': b'x'}", "{'otp': ***, 'pin': b'x'}"),
        ("{'api_key': b'abc'}", "{'api_key': b'***'}"),
        ("{'password': {'nested': 1}}", None),
        ("{'headers': {'Authorization': 'Bearer abc'}}", "{'headers': {'Authorization': '***'}}"),
    ],
)
def test_redact_text(text: str, expected: str | None) -> None:
    """Each rule of redact_text, with the text around each mask kept (None: unchanged)."""
    assert (text if expected is None else expected) == redact_text(text)


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


def test_a_megabyte_of_text_is_redacted() -> None:
    """Inputs of 1 MB that hold the characters each pass looks for complete, and masked.

    How fast is measured by ``benchmarks/fuzz.py --linearity``, not here.
    """
    for unit in ["a=b&", "https://h/?token=x ", "u:p@h ", "Bearer x1 ", "'token': 'x', ", "://a"]:
        text = unit * (1_000_000 // len(unit))
        shown = redact_text(text)
        assert "x1" not in shown
        assert "token=x" not in shown


# -- values ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Login:
    """A dataclass with a secret field, a hidden one, and one that may be unset."""

    user: str
    password: str
    note: str = dataclasses.field(default="n", repr=False)
    later: str = dataclasses.field(init=False)


@attrs.frozen
class Creds:
    """An attrs class with a secret field and a hidden one."""

    user: str
    token: str
    hidden: str = attrs.field(default="h", repr=False)


class Header(NamedTuple):
    """A named tuple: a header as a pair."""

    name: str
    value: str


class Account(NamedTuple):
    """A named tuple with a secret field."""

    user: str
    api_key: str
    url: str


class _TokenPair(NamedTuple):
    token: str
    other: str


class Strict(_TokenPair):
    """A named tuple whose ``_make`` refuses what it is given."""

    __slots__ = ()

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Strict:  # type: ignore[override]
        msg = f"no {iterable!r}"
        raise TypeError(msg)


class Env(SimpleNamespace):
    """A namespace of a class of its own."""


class TestRedactValue:
    """redact_value: every container a renderer shows, copied with its secrets masked."""

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

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ({"https://u:pw@h/", "x"}, {"https://h/", "x"}),
            (frozenset({"https://u:pw@h/"}), frozenset({"https://h/"})),
            (deque(["https://u:pw@h/"], maxlen=4), deque(["https://h/"], maxlen=4)),
            (
                [("Authorization", "Bearer X"), ("Accept", "json")],
                [("Authorization", MASK), ("Accept", "json")],
            ),
            ([["X-Api-Key", "k"]], [["X-Api-Key", MASK]]),
            ([(b"cookie", b"sid=1")], [(b"cookie", MASK)]),
            (
                (b"https://u:pw@h/", bytearray(b"token=abc")),
                (b"https://h/", bytearray(b"token=***")),
            ),
            (b"\xff https://u:pw@h/", b"\xff https://h/"),
            (Header("Authorization", "Bearer X"), Header("Authorization", MASK)),
            (Account("bob", "k", "https://u:pw@h/"), Account("bob", MASK, "https://h/")),
            (Strict("t", "o"), (MASK, "o")),
            (SimpleNamespace(otp="1", n=[1]), {"otp": MASK, "n": [1]}),
            (None, None),
            (1.5, 1.5),
            (b"plain", b"plain"),
        ],
    )
    def test_containers(self, value: object, expected: object) -> None:
        """Each kind of container is walked, and keeps its kind where it can."""
        shown = redact_value(value)
        assert expected == shown
        assert type(expected) is type(shown) or isinstance(value, SimpleNamespace | Strict)

    def test_dataclasses_attrs_and_namespaces_read_as_they_do(self) -> None:
        """They become copies of their shown fields, written as the object writes itself.

        As dicts, the JSON forms write them as objects; the originals are untouched.
        """
        login = Login("bob", "hunter2")
        values = [login, Creds("bob", "t0k"), SimpleNamespace(otp="1"), Env(jwt="2")]
        shown = redact_value(values)
        expected = (
            "[Login(user='bob', password='***'), Creds(user='bob', token='***'), "
            "namespace(otp='***'), Env(jwt='***')]"
        )
        assert expected == repr(shown)
        as_data = [
            {"user": "bob", "password": MASK},
            {"user": "bob", "token": MASK},
            {"otp": MASK},
            {"jwt": MASK},
        ]
        assert as_data == shown
        assert "hunter2" == login.password

    def test_a_set_of_objects_stays_a_set_in_its_repr(self) -> None:
        """Masked copies of frozen objects cannot be set members: the set reads as one."""
        shown = redact_value({Creds("a", "t")})
        assert "{Creds(user='a', token='***')}" == repr(shown)
        assert "frozenset({Creds(user='a', token='***')})" == repr(
            redact_value(frozenset({Creds("a", "t")}))
        )

    def test_header_messages(self) -> None:
        """An email.message.Message (http.client's headers) becomes its pairs, masked."""
        message = email.message.Message()
        message["Authorization"] = "Bearer X"
        message["Accept"] = "json"
        assert [("Authorization", MASK), ("Accept", "json")] == redact_value(message)

    def test_own_types_show_themselves(self) -> None:
        """An error shows itself (its repr masks); a RetryHint gives a masked copy."""
        error = se.UnknownError("x", context={"token": "t"})
        hint = se.RetryHint.skip("https://u:pw@h/")
        assert error is redact_value(error)
        assert se.RetryHint.skip("https://h/") == redact_value(hint)
        assert "https://u:pw@h/" == hint.reason
        quiet = se.RetryHint(retry_after_ms=5)
        assert quiet is redact_value(quiet)
        plain = se.RetryHint.skip("busy")
        assert plain is redact_value(plain)

    def test_other_objects_are_kept(self) -> None:
        """Objects of no kind above are shown as they are."""
        marker = object()
        assert marker is redact_value(marker)

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

    def test_a_list_that_holds_itself_is_cut(self) -> None:
        """The same for a list, and for an object that holds itself."""
        items: list[object] = []
        items.append(items)
        box = SimpleNamespace()
        box.me = box
        assert MASK in repr(redact_value(items))
        assert MASK in repr(redact_value(box))

    def test_keys_are_shown_redacted(self) -> None:
        """A key that holds a URL or credentials is shown redacted too."""
        data = {"https://u:pw@h/": 1, b"see https://u:pw@h/": 2, "plain": 3, 4: 5}
        assert {"https://h/": 1, b"see https://h/": 2, "plain": 3, 4: 5} == redact_mapping(data)

    def test_ints_too_long_to_print(self) -> None:
        """An int Python could not turn into text is shown by its size."""
        assert "<int of 3322 bits>" == redact_value(10**1000)
        assert 10**100 == redact_value(10**100)

    def test_deep_non_containers_are_kept(self) -> None:
        """At the depth limit, plain values are still shown."""
        assert 5 == redact_value(5, depth=_redact._MAX_DEPTH)
        assert "https://h/" == redact_value("https://u:p@h/", depth=_redact._MAX_DEPTH)

    def test_original_is_not_changed(self) -> None:
        """Masking works on a copy."""
        data = {"token": "t", "inner": {"password": "p"}, "pairs": [("api_key", "k")]}
        redact_mapping(data)
        assert {"token": "t", "inner": {"password": "p"}, "pairs": [("api_key", "k")]} == data


# -- the URL scan ---------------------------------------------------------------------------

# The definition of a URL in free text, as a pattern: what _urls_redacted must agree with
# (less the trailing punctuation of prose, cut by _trimmed_end).
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,31}://[^\s\"<>`]+")


def _by_pattern(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        end = _redact._trimmed_end(text, match.start(), match.end())
        return redact_url(text[match.start() : end]) + text[end : match.end()]

    return _URL_IN_TEXT.sub(one, text)


@given(st.text(alphabet="abZ9+.-:/?=&#@ 'x\"<>\né()", max_size=80))
def test_urls_in_text_are_found_as_the_pattern_finds_them(text: str) -> None:
    """Property: the linear scan finds exactly the URLs the pattern does, leftmost first."""
    assert _by_pattern(text) == _redact._urls_redacted(text, 0)


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
    assert _by_pattern(text) == _redact._urls_redacted(text, 0)
    assert redact_text(text).startswith(shown)
