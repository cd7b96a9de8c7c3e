"""Properties: a generated secret, put wherever a secret goes, never shows in any rendering.

Secrets are ``S3CR`` and at least eight letters and digits, an alphabet no surrounding
text is drawn from, so that finding one in a rendering means it leaked. Where a secret
sits in prose, the prose around it must come back exactly: masking never removes a
character that is not part of the secret.
"""

from __future__ import annotations

import dataclasses
import json
import string
import traceback
from collections import deque
from collections.abc import Callable
from types import MappingProxyType, SimpleNamespace
from typing import Any, NamedTuple

import attrs
from hypothesis import given
from hypothesis import strategies as st

import spice_errors as se
from spice_errors._redact import redact_text, redact_url, redact_value

ALNUM = string.ascii_letters + string.digits
SECRETS = st.text(alphabet=ALNUM, min_size=8, max_size=16).map(lambda body: f"S3CR{body}")

# -- keys -----------------------------------------------------------------------------------

# Secret names of the SPEC as words, and words a key may start with.
SECRET_WORDS = [
    ("api", "key"),
    ("access", "token"),
    ("access", "key"),
    ("auth",),
    ("pwd",),
    ("jwt",),
    ("bearer",),
    ("sid",),
    ("otp",),
    ("pass",),
    ("key",),
    ("password",),
    ("pass", "phrase"),
    ("client", "secret"),
    ("session", "id"),
    ("private", "key"),
    ("signature",),
    ("set", "cookie"),
    ("authorization",),
    ("credential",),
]
PREFIX_WORDS = [(), ("x",), ("db",), ("upstream", "service")]


def _camel(words: tuple[str, ...]) -> str:
    return words[0] + "".join(word.capitalize() for word in words[1:])


SPELLINGS: dict[str, Callable[[tuple[str, ...]], str]] = {
    "snake": "_".join,
    "kebab": "-".join,
    "header": lambda words: "-".join(word.capitalize() for word in words),
    "camel": _camel,
    "pascal": lambda words: "".join(word.capitalize() for word in words),
    "dotted": ".".join,
    "upper": lambda words: "_".join(words).upper(),
    "colon": ":".join,
    "slash": "/".join,
    "spaced": " ".join,
}
# Those a query parameter's or a pair's name may have without being encoded.
URL_SPELLINGS = [name for name in SPELLINGS if name != "spaced"]


def _keys(spellings: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, words, spelling: SPELLINGS[spelling]((*prefix, *words)),
        st.sampled_from(PREFIX_WORDS),
        st.sampled_from(SECRET_WORDS),
        st.sampled_from(spellings),
    )


KEYS = _keys(list(SPELLINGS))
URL_KEYS = _keys(URL_SPELLINGS)


def _encode_some(name: str, choices: list[bool]) -> str:
    """``name`` with some characters percent-encoded, and ``_`` or ``-`` written ``+``."""
    out = []
    for char, encode in zip(name, choices + [False] * len(name), strict=False):
        if char in "_-" and encode:
            out.append("+")
        elif encode:
            out.append(f"%{ord(char):02X}")
        else:
            out.append(char)
    return "".join(out)


QUERY_NAMES = URL_KEYS | st.builds(
    _encode_some, URL_KEYS, st.lists(st.booleans(), min_size=1, max_size=24)
)

# -- URLs -----------------------------------------------------------------------------------

UNRESERVED = ALNUM + "-._~"
SUB_DELIMS = "!$&'()*+,;="
ESCAPES = st.sampled_from(["%41", "%2F", "%40", "%3A", "%25", "%20", "%E2%82%AC"])


def _rfc(alphabet: str) -> st.SearchStrategy[str]:
    """Up to six characters RFC 3986 allows here, percent-escapes among them."""
    return st.lists(st.sampled_from(alphabet) | ESCAPES, max_size=6).map("".join)


# Parentheses balanced: a ")" of prose after a value must not be taken for the value's.
USERINFO = _rfc(UNRESERVED + SUB_DELIMS.replace("(", "").replace(")", "") + ":")
QUERY_VALUE = _rfc(UNRESERVED + "!$'*+,;=:@/?")
BALANCED = st.sampled_from(["", "(a)", "(x(y)z)"])
SCHEMES = st.sampled_from(["http", "https", "wss", "postgres", "git+ssh"])
HOSTS = st.sampled_from(["h.test", "api.example.com:8443", "10.0.0.1", "[::1]:80"])
PATHS = st.sampled_from(["", "/", "/v1/items", "/a_(b)/c"])
OTHER_PARAMS = st.sampled_from(["", "page=2&", "q=a%20b&", "flag&", "next=/home&"])
USERS = st.sampled_from(["bob", "svc-1", "a.b", "u_x", "%41l"])


def _password(secret: str, userinfo: st.SearchStrategy[str] = USERINFO) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b, c: f"{a}{secret}{b}{c}", userinfo, BALANCED, userinfo)


def _value(secret: str) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b, c: f"{a}{secret}{b}{c}", QUERY_VALUE, BALANCED, QUERY_VALUE)


def _with_userinfo(secret: str) -> st.SearchStrategy[str]:
    user = _rfc(UNRESERVED + SUB_DELIMS + ":")
    return st.builds(
        lambda scheme, user, password, host, path: f"{scheme}://{user}:{password}@{host}{path}",
        SCHEMES,
        user,
        _password(secret),
        HOSTS,
        PATHS,
    )


def _with_query(secret: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda scheme, host, path, before, name, value, mark: (
            f"{scheme}://{host}{path}{mark}{before}{name}={value}"
        ),
        SCHEMES,
        HOSTS,
        PATHS,
        OTHER_PARAMS,
        QUERY_NAMES,
        _value(secret),
        st.sampled_from(["?", "#", "?a=1#"]),
    )


def _without_scheme(
    secret: str, userinfo: st.SearchStrategy[str] = USERINFO
) -> st.SearchStrategy[str]:
    scheme_relative = st.builds(
        lambda user, password, host, path: f"//{user}:{password}@{host}{path}",
        USERS,
        _password(secret),
        HOSTS,
        PATHS,
    )
    schemeless = st.builds(
        lambda user, password, host: f"{user}:{password}@{host}",
        USERS,
        _password(secret, userinfo),
        HOSTS,
    )
    return scheme_relative | schemeless


# In a query value, unencoded, "&" and ";" separate parameters, whatever was meant:
# after "//" the userinfo is read up to its "@" all the same, without it it cannot be.
NESTED_USERINFO = _rfc(UNRESERVED + "!$'*+,=:")


def _percent_encoded(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode())


def _nested(secret: str) -> st.SearchStrategy[str]:
    encoded = st.builds(
        _percent_encoded, _with_userinfo(secret) | _with_query(secret) | _without_scheme(secret)
    )
    raw = _with_userinfo(secret) | _with_query(secret) | _without_scheme(secret, NESTED_USERINFO)
    return st.builds(
        lambda outer, inner: f"{outer}{inner}",
        st.sampled_from(
            ["https://h.test/?next=", "https://h.test/cb?a=1&redirect_uri=", "/login?next="]
        ),
        encoded | raw,
    )


def urls(secret: str) -> st.SearchStrategy[str]:
    """URLs that hold ``secret`` where a URL keeps a secret."""
    return _with_userinfo(secret) | _with_query(secret) | _without_scheme(secret) | _nested(secret)


# -- free text ------------------------------------------------------------------------------

# Lower-case prose: "Authorization: S3CR... Failed" could not tell the word from a credential.
WORDS = st.lists(
    st.sampled_from(["see", "failed", "upstream", "said", "retry", "later", "the", "request"]),
    max_size=3,
).map(" ".join)
PREFIXES = st.builds(
    lambda words, opener: f"{words}{opener}" if words else opener.lstrip(),
    WORDS,
    st.sampled_from([" ", " (", " '", " <", " [", ": ", ", "]),
)
SUFFIXES = st.builds(
    lambda closer, words: f"{closer} {words}" if words else closer,
    st.sampled_from(["", ")", "'", ".", ",", "!", "?", ";", ":", ">", "]", "').", "\\"]),
    WORDS,
)
AUTH_SCHEMES = st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", "Token", "Digest"])


def _credentials(secret: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda scheme: f"{scheme} {secret}", st.sampled_from(["Bearer", "BEARER", "Basic"])
        ),
        st.builds(lambda scheme: f"Authorization: {scheme} {secret}", AUTH_SCHEMES),
        st.builds(lambda scheme: f"Proxy-Authorization:{scheme} {secret}", AUTH_SCHEMES),
        st.just(f"Authorization: {secret}"),
    )


def _pairs(secret: str) -> st.SearchStrategy[str]:
    values = st.builds(
        lambda value, quote: f"{quote}{value}{quote}",
        st.builds(lambda a, b: f"{a}{secret}{b}", _rfc("-._~!*'"), _rfc("-._~!*")),
        st.sampled_from(["", "'", '"']),
    )
    return st.builds(lambda name, value: f"{name}={value}", QUERY_NAMES, values)


def prose(secret: str) -> st.SearchStrategy[str]:
    """A secret in free text where it is masked: in a URL, after a scheme, as a pair."""
    return urls(secret) | _credentials(secret) | _pairs(secret)


def quoted(secret: str) -> st.SearchStrategy[str]:
    """A secret as the value of a quoted mapping key, as repr and JSON write mappings."""
    return st.builds(
        lambda key, write, extra: write({**extra, key: secret}),
        KEYS,
        st.sampled_from([repr, json.dumps, lambda data: json.dumps(data, indent=2)]),
        st.sampled_from([{}, {"n": 1}, {"user": "bob"}]),
    )


# -- values ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Creds:
    """A dataclass holding a secret."""

    user: str
    token: str


@attrs.frozen
class Login:
    """An attrs class holding a secret."""

    user: str
    password: str


class Account(NamedTuple):
    """A named tuple holding a secret."""

    user: str
    api_key: str


@dataclasses.dataclass(frozen=True)
class Box:
    """A dataclass around anything."""

    item: object


@attrs.frozen
class AttrsBox:
    """An attrs instance around anything."""

    item: object


class TupleBox(NamedTuple):
    """A named tuple around anything."""

    item: object


HEADER_NAMES = st.sampled_from(["Authorization", "X-Api-Key", "Cookie", "proxy-authorization"])


def leaves(secret: str) -> st.SearchStrategy[object]:
    """Values that hold ``secret`` where a renderer must mask it."""
    return st.one_of(
        st.builds(lambda key: {key: secret}, KEYS),
        st.builds(lambda name: [(name, f"Bearer {secret}")], HEADER_NAMES),
        st.builds(lambda name: (name.lower().encode(), secret.encode()), HEADER_NAMES),
        st.builds(lambda name: [name, secret], HEADER_NAMES),
        urls(secret),
        urls(secret).map(str.encode),
        prose(secret),
        st.just(Creds("bob", secret)),
        st.just(Login("bob", secret)),
        st.just(Account("bob", secret)),
        st.builds(lambda key: SimpleNamespace(**{key: secret}), KEYS),
    )


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


WRAPPERS: dict[str, Callable[[object], object]] = {
    "list": lambda item: [1, item],
    "tuple": lambda item: (item, None),
    "set": lambda item: {item} if _hashable(item) else [item],
    "frozenset": lambda item: frozenset({item}) if _hashable(item) else (item,),
    "deque": lambda item: deque([item], maxlen=5),
    "dict": lambda item: {"item": item, "n": 2},
    "mappingproxy": lambda item: MappingProxyType({"item": item}),
    "dataclass": Box,
    "attrs": AttrsBox,
    "namedtuple": TupleBox,
    "namespace": lambda item: SimpleNamespace(item=item),
}


def values(secret: str) -> st.SearchStrategy[object]:
    """A leaf inside up to four containers of any kind."""

    def wrapped(leaf: object, kinds: list[str]) -> object:
        for kind in kinds:
            leaf = WRAPPERS[kind](leaf)
        return leaf

    return st.builds(wrapped, leaves(secret), st.lists(st.sampled_from(list(WRAPPERS)), max_size=4))


# -- renderings -----------------------------------------------------------------------------


def renderings(error: se.SpiceError) -> dict[str, str]:
    """Every way the library shows or sends an error."""
    exception = error.to_exception()
    return {
        "repr": repr(error),
        "str": str(error),
        "report()": error.report(),
        "to_dict()": json.dumps(error.to_dict()),
        "to_json()": error.to_json(),
        "to_problem()": json.dumps(se.http.to_problem(error)),
        "for_model()": error.for_model(),
        "mcp.to_tool_result()": json.dumps(se.mcp.to_tool_result(error)),
        "jsonrpc.to_error()": json.dumps(se.jsonrpc.to_error(error)),
        "str(SpiceException)": str(exception),
        "repr(SpiceException)": repr(exception),
        "traceback": "".join(traceback.format_exception(exception)),
    }


def assert_hidden(secret: str, shown: dict[str, str]) -> None:
    leaked = [where for where, text in shown.items() if secret in text]
    assert [] == leaked, shown


def with_secret(
    place: Callable[[str], st.SearchStrategy[Any]],
) -> st.SearchStrategy[tuple[str, Any]]:
    return SECRETS.flatmap(lambda secret: st.tuples(st.just(secret), place(secret)))


@given(KEYS)
def test_every_spelling_of_a_secret_key_is_secret(key: str) -> None:
    """Snake, kebab, camel, dotted, upper, with ":" or "/": each spelling names a secret."""
    assert se.is_secret_key(key)


@given(with_secret(urls))
def test_urls_keep_no_secret(drawn: tuple[str, str]) -> None:
    """redact_url masks userinfo and secret values with any character RFC 3986 allows."""
    secret, url = drawn
    assert secret not in redact_url(url)
    assert secret not in redact_text(url)


@given(with_secret(prose), PREFIXES, SUFFIXES)
def test_prose_keeps_no_secret_and_every_other_character(
    drawn: tuple[str, str], prefix: str, suffix: str
) -> None:
    """In prose the secret goes, and the text before and after it stays as it was."""
    secret, form = drawn
    shown = redact_text(prefix + form + suffix)
    assert secret not in shown
    assert shown.startswith(prefix)
    assert shown.endswith(suffix)


@given(with_secret(quoted), PREFIXES)
def test_quoted_mappings_keep_no_secret(drawn: tuple[str, str], prefix: str) -> None:
    """A mapping written by repr or JSON inside a message keeps no secret value."""
    secret, form = drawn
    shown = redact_text(f"{prefix}{form} failed")
    assert secret not in shown
    assert shown.startswith(prefix)
    assert shown.endswith(" failed")


@given(with_secret(prose) | with_secret(quoted))
def test_messages_and_hints_keep_no_secret(drawn: tuple[str, str]) -> None:
    """Secrets in a message, a context value or a hint's reason show in no rendering."""
    secret, text = drawn
    hint = se.RetryHint.skip(text)
    error = se.RetryableError(text, retry_hint=hint, context={"detail": text})
    assert_hidden(secret, {**renderings(error), "repr(RetryHint)": repr(hint), "str": str(hint)})
    assert text == hint.reason == error.message  # the data itself stays intact


@given(with_secret(values))
def test_values_keep_no_secret(drawn: tuple[str, object]) -> None:
    """A secret at any depth of any container shows in no rendering of a context or field."""
    secret, value = drawn
    for error in [
        se.UnknownError("failed", context={"data": value}),
        se.CommError("failed", comm=value),
        se.ValidationError("bad", field="payload", actual_value=value),
    ]:
        assert_hidden(secret, renderings(error))
    assert secret not in repr(redact_value(value))
