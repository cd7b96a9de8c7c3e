"""What counts as a secret, and how secrets are masked.

This module imports only the shared rules (`_text`), so every other module can use it.
Masking works on copies: the objects a user built are never changed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any, Final, cast

from spice_errors._text import LazyPattern

__all__ = [
    "MASK",
    "is_secret_key",
    "redact_mapping",
    "redact_text",
    "redact_url",
    "redact_value",
    "register_secret_names",
    "restore_names",
    "secret_names",
    "snapshot_names",
]

MASK: Final = "***"
"""What a masked value is replaced with."""

_DEFAULT_NAMES: Final = frozenset(
    {
        "apikey",
        "authorization",
        "password",
        "passwd",
        "secret",
        "token",
        "cookie",
        "signature",
        "privatekey",
        "credential",
        "session",
    },
)
# Query parameters that carry secrets under short names no context key would use
# (`?key=` for API keys, `?sig=` for signed URLs, `?code=` for OAuth codes).
_QUERY_ONLY_NAMES: Final = frozenset({"key", "sig", "code", "auth", "pass", "pwd", "jwt"})

_SEPARATORS: Final = str.maketrans("", "", "_-. ")
# Containers are masked to this depth; anything deeper is replaced wholesale, so a
# self-referencing context cannot recurse without end.
_MAX_DEPTH: Final = 16
_CACHE_LIMIT: Final = 4096

_lock = threading.Lock()
_names: frozenset[str] = _DEFAULT_NAMES
_cache: dict[str, bool] = {}


def _normalize(name: str) -> str:
    return name.lower().translate(_SEPARATORS)


def secret_names() -> frozenset[str]:
    """Return the normalized name fragments that make a key secret.

    .. versionadded:: 0.1.0
    """
    return _names


def register_secret_names(*names: str) -> None:
    """Treat keys containing any of ``names`` as secret, from now on.

    Names are normalized as keys are: lower-cased, with ``_``, ``-``, ``.`` and spaces
    removed, so ``register_secret_names("otp-code")`` masks ``X-OTP-Code``.

    Args:
        *names: Name fragments to add to the built-in list.

    Raises:
        ValueError: When a name is empty after normalization.

    .. versionadded:: 0.1.0
    """
    global _names  # noqa: PLW0603 -- one process-wide set, swapped atomically under the lock
    normalized = {_normalize(name) for name in names}
    if "" in normalized:
        msg = f"secret names must contain a letter or digit, got {names!r}"
        raise ValueError(msg)
    with _lock:
        _names = _names | normalized
        _cache.clear()


def snapshot_names() -> frozenset[str]:
    """The secret names as they are now, for `restore_names` (tests use it)."""
    return _names


def restore_names(saved: frozenset[str]) -> None:
    """Put back the secret names `snapshot_names` saw."""
    global _names  # noqa: PLW0603 -- as in register_secret_names
    with _lock:
        _names = saved
        _cache.clear()


def is_secret_key(key: object) -> bool:
    """Tell whether a context key, header name or field name names a secret.

    A key is secret when its lower-cased form with separators removed contains one of
    `secret_names`.

    .. versionadded:: 0.1.0
    """
    if not isinstance(key, str):
        return False
    found = _cache.get(key)
    if found is None:
        normalized = _normalize(key)
        found = any(name in normalized for name in _names)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = found
    return found


def _is_secret_query_name(name: str) -> bool:
    return is_secret_key(name) or _normalize(name) in _QUERY_ONLY_NAMES


def _redact_query(query: str) -> str:
    # Split at "&", and at ";" and a stray second "?" too: "?q=x?api_key=..." is common.
    parts = _QUERY_SEPARATORS.get().split(query)
    for index in range(0, len(parts), 2):
        name, sep, _value = parts[index].partition("=")
        if sep and _is_secret_query_name(name):
            parts[index] = f"{name}={MASK}"
    return "".join(parts)


_QUERY_SEPARATORS: Final = LazyPattern(r"([&;?])")
_SCHEME: Final = LazyPattern(r"[A-Za-z][A-Za-z0-9+.\-]{0,31}")


def redact_url(url: str) -> str:
    """Return ``url`` without userinfo and with sensitive query values masked.

    Works on any string: text that is not a URL comes back unchanged.

    Examples:
        >>> redact_url("https://user:pw@api.example.com/v1?api_key=abc&page=2")
        'https://api.example.com/v1?api_key=***&page=2'

    .. versionadded:: 0.1.0
    """
    if "@" not in url and "?" not in url and "#" not in url:
        return url  # nothing that could hide a secret: the common case, kept cheap
    scheme, sep, rest = url.partition("://")
    if not sep or not _SCHEME.get().fullmatch(scheme):
        # No scheme: a relative URL (whose query may hold an absolute one).
        scheme, sep, rest = "", "", url
    # The authority ends at the first "/", "?" or "#"; userinfo is what precedes its last "@".
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found != -1 and found < end:
            end = found
    authority, tail = rest[:end], rest[end:]
    if sep and "@" in authority:
        authority = authority.rpartition("@")[2]
    path, hash_sign, fragment = tail.partition("#")
    path, question, query = path.partition("?")
    if question:
        query = _redact_query(query)
    if hash_sign and "=" in fragment:
        # OAuth implicit flows put tokens in the fragment.
        fragment = _redact_query(fragment)
    return f"{scheme}{sep}{authority}{path}{question}{query}{hash_sign}{fragment}"


# A query parameter inside free text, such as "url: /v1/items?token=abc" in a client's
# message, where no scheme marks the URL.
_QUERY_IN_TEXT: Final = LazyPattern(r"(^|[?&#\s;,(])([^=&\s?#'\"<>;,()]+)=([^&\s#'\"<>),;]*)")


def _mask_query_match(match: re.Match[str]) -> str:
    separator, name, value = match.groups()
    return f"{separator}{name}={MASK if _is_secret_query_name(name) else value}"


_SCHEME_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-"
)
_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_URL_REST: Final = LazyPattern(r"[^\s'\"<>]+")


def _urls_redacted(text: str) -> str:
    r"""``text`` with each URL in it redacted.

    A URL is what ``[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\s'"<>]+`` matches, leftmost first.
    Each is found from its "://", its scheme read backwards (at most 32 characters, from
    the first ASCII letter), rather than by trying the pattern at every letter of the
    text: linear, and a long vendor message costs a third as much. The scheme is
    bounded so that a long run of letters with no "://" after it stays cheap too.
    """
    out: list[str] = []
    last = 0
    pos = text.find("://")
    rest_pattern = _URL_REST.get()
    while pos != -1:
        low = max(last, pos - 32)
        start = pos
        while start > low and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        while start < pos and text[start] not in _LETTERS:
            start += 1
        rest = rest_pattern.match(text, pos + 3)
        if start == pos or rest is None:
            pos = text.find("://", pos + 1)
            continue
        end = rest.end()
        url = text[start:end]
        redacted = redact_url(url)
        if redacted is not url:  # most URLs hold nothing to mask: the text is not copied
            out.append(text[last:start])
            out.append(redacted)
            last = end
        pos = text.find("://", end)
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def redact_text(text: str) -> str:
    """Redact every URL in free text, such as an exception message.

    URLs lose their userinfo, and secret values are masked wherever they appear as
    ``name=value``: in a bare path (``/items?token=...``) or in prose (``token=...``).

    .. versionadded:: 0.1.0
    """
    if "://" in text:
        text = _urls_redacted(text)
    if "=" in text:
        text = _QUERY_IN_TEXT.get().sub(_mask_query_match, text)
    return text


def redact_value(value: object, depth: int = 0) -> object:
    """Return a masked copy of a context value: nested mappings, sequences and URLs.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, str):
        return redact_text(value)
    if depth >= _MAX_DEPTH:
        # Deeper than any real context: assume a cycle and show nothing of it.
        return MASK if isinstance(value, Mapping | list | tuple) else value
    if isinstance(value, Mapping):
        return redact_mapping(cast("Mapping[Any, object]", value), depth + 1)
    if isinstance(value, list | tuple):
        items = cast("list[object] | tuple[object, ...]", value)
        masked = [redact_value(item, depth + 1) for item in items]
        return tuple(masked) if isinstance(value, tuple) else masked
    if isinstance(value, int):
        return shown_int(value)
    return value


_MAX_SHOWN_INT_BITS: Final = 2_000
"""About 600 digits: below 640, the lowest limit Python may set on int-to-text conversion."""


def shown_int(value: int) -> object:
    """``value`` itself, or a short text in place of an int too long to print.

    Python refuses to turn an int of more than 4,300 digits into text (``repr``, ``str``,
    ``json.dumps``), so an error holding one could not be shown at all.
    """
    if value.bit_length() > _MAX_SHOWN_INT_BITS:
        return f"<int of {value.bit_length()} bits>"
    return value


def redact_mapping(mapping: Mapping[Any, object], depth: int = 0) -> dict[Any, object]:
    """Return a copy of ``mapping`` with the values of secret keys masked, recursively.

    Examples:
        >>> redact_mapping({"api_key": "abc", "page": 2})
        {'api_key': '***', 'page': 2}

    .. versionadded:: 0.1.0
    """
    return {
        key: MASK if is_secret_key(key) else redact_value(value, depth)
        for key, value in mapping.items()
    }
