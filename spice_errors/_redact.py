r"""What counts as a secret, and how secrets are masked.

This module imports only the shared rules (`_text`), so every other module can use it.
Masking works on copies: the objects a user built are never changed.

Text is masked in passes, each linear in its length and each run only when the text
holds the character it needs: URLs with a scheme (``://``), userinfo without one
(``@``), ``name=value`` pairs (``=``), ``Authorization:``, ``Bearer`` and ``Basic``,
and quoted mapping keys (``'token': ...``). A pass only replaces a secret with `MASK`:
the text around it is kept exactly.

Where a URL or a value ends in prose: at white space, ``"``, ``<``, ``>`` or a
backtick (a value in prose also at ``&``, ``#``, ``;`` and ``,``). Then trailing
``. , : ; ! ? ' \`` are taken for punctuation, and a trailing ``)``, ``]`` or ``}``
belongs to it only when a ``(``, ``[`` or ``{`` in it balances it: ``(GET
https://h/x?key=abc)`` masks ``abc`` and keeps the ``)``, ``https://h/wiki/A_(b)`` keeps
its own. Inside a value the same characters are part of it (``key=S3C'R)ET&b=1`` masks
``S3C'R)ET``).

Values are walked through mappings (header objects too), lists, tuples, sets,
frozensets, deques, dataclass and attrs instances, named tuples and simple namespaces;
the package's own types show themselves masked (a `RetryHint` gives a masked copy
through its ``_redacted`` method).
"""

from __future__ import annotations

import re
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType, SimpleNamespace
from typing import Any, Final, TypeAlias, cast

import attrs

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
    "shown_int",
    "snapshot_names",
]

MASK: Final = "***"
"""What a masked value is replaced with."""

# -- secret names ---------------------------------------------------------------------------

_DEFAULT_NAMES: Final = frozenset(
    {
        "apikey",
        "accesskey",
        "authorization",
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "cookie",
        "signature",
        "privatekey",
        "credential",
        "session",
    },
)
# Whole words only: as parts of words they are too common ("author", "keyboard", "monkey").
_SECRET_WORDS: Final = frozenset({"auth", "key", "pwd", "pass", "jwt", "bearer", "sid", "otp"})
# Query parameters that carry secrets under short names no context key would use
# (`?sig=` for signed URLs, `?code=` for OAuth codes).
_QUERY_ONLY_NAMES: Final = frozenset({"sig", "code"})
_QUERY_ONLY_LENGTH: Final = 8  # longer names are none of these, whatever their separators

_SEPARATORS: Final = str.maketrans("", "", "_-.:/ \t\n\r\f\v")
# The words of a key: runs of capitals (an acronym, "API" of "APIKey"), capitalized or
# lower-case words, and numbers. Everything else separates words.
_WORDS: Final = LazyPattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_CACHE_LIMIT: Final = 4096
# Longer keys are judged each time: the cache never holds a long key alive.
_CACHED_KEY_LENGTH: Final = 256

_lock = threading.Lock()
# The names and the cache of answers for them, swapped together, so that an answer
# computed with old names can only land in the old cache, which nobody reads any more.
_state: tuple[frozenset[str], dict[str, bool]] = (_DEFAULT_NAMES, {})


def _normalize(name: str) -> str:
    return name.lower().translate(_SEPARATORS)


def secret_names() -> frozenset[str]:
    """Return the normalized name fragments that make a key secret.

    .. versionadded:: 0.1.0
    """
    return _state[0]


def register_secret_names(*names: str) -> None:
    """Treat keys containing any of ``names`` as secret, from now on.

    Names are normalized as keys are: lower-cased, with ``_``, ``-``, ``.``, ``:``,
    ``/`` and spaces removed, so ``register_secret_names("otp-code")`` masks
    ``X-OTP-Code``. Safe while other threads render errors: a key is judged with the
    names before or after the call, never cached with the old ones afterwards.

    Args:
        *names: Name fragments to add to the built-in list.

    Raises:
        ValueError: When a name is empty after normalization.

    .. versionadded:: 0.1.0
    """
    global _state  # noqa: PLW0603 -- one process-wide state, swapped atomically under the lock
    normalized = {_normalize(name) for name in names}
    if "" in normalized:
        msg = f"secret names must contain a letter or digit, got {names!r}"
        raise ValueError(msg)
    with _lock:
        _state = (_state[0] | normalized, {})


def snapshot_names() -> frozenset[str]:
    """The secret names as they are now, for `restore_names` (tests use it)."""
    return _state[0]


def restore_names(saved: frozenset[str]) -> None:
    """Put back the secret names `snapshot_names` saw."""
    global _state  # noqa: PLW0603 -- as in register_secret_names
    with _lock:
        _state = (saved, {})


def is_secret_key(key: object) -> bool:
    """Tell whether a context key, header name or field name names a secret.

    A key is secret when its lower-cased form with separators (``_``, ``-``, ``.``,
    ``:``, ``/``, spaces) removed contains one of `secret_names`, or when one of its
    words is exactly ``auth``, ``key``, ``pwd``, ``pass``, ``jwt``, ``bearer``, ``sid``
    or ``otp``. Words are split at anything but letters and digits, at camelCase and
    between letters and digits: ``access_token``, ``X-Api-Key``, ``apiKey``, ``auth``
    and ``pwd2`` are secret; ``author``, ``keyboard`` and ``monkey`` are not. A
    ``bytes`` name (as ASGI servers give header names) is read as Latin-1.

    Examples:
        >>> is_secret_key("X-Api-Key"), is_secret_key("idempotencyKey"), is_secret_key("author")
        (True, True, False)

    .. versionadded:: 0.1.0
    """
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    elif not isinstance(key, str):
        return False
    return _is_secret_name(key)


def _is_secret_name(key: str) -> bool:
    names, cache = _state
    found = cache.get(key)
    if found is None:
        found = _names_a_secret(key, names)
        if len(key) <= _CACHED_KEY_LENGTH:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[key] = found
    return found


def _names_a_secret(key: str, names: frozenset[str]) -> bool:
    normalized = _normalize(key)
    if any(name in normalized for name in names):
        return True
    if not any(word in normalized for word in _SECRET_WORDS):
        return False  # the common case: no word to look for, no need to split
    return any(word.lower() in _SECRET_WORDS for word in _WORDS.get().findall(key))


def _is_secret_query_name(name: str) -> bool:
    """A query parameter's name, read after percent- and plus-decoding (twice encoded too)."""
    if "%" in name or "+" in name:
        for _ in range(3):  # decoding a decoded name again changes nothing that matters
            name = _percent_decoded(name.replace("+", " "))
    if _is_secret_name(name):
        return True
    return len(name) <= _QUERY_ONLY_LENGTH and _normalize(name) in _QUERY_ONLY_NAMES


# -- URLs -----------------------------------------------------------------------------------

_SCHEME: Final = LazyPattern(r"[A-Za-z][A-Za-z0-9+.\-]{0,31}")
# "#" too: in a fragment, another "#" is as stray as a second "?" in a query.
_PARAM_SEPARATORS: Final = LazyPattern(r"([&;?#])")
_PERCENT: Final = LazyPattern(r"(?:%[0-9A-Fa-f]{2})+")
# How many times a value may hold an encoded URL holding an encoded URL: more is no
# redirect chain but an attack, and the value is masked whole.
_MAX_NESTING: Final = 8


def redact_url(url: str) -> str:
    """Return ``url`` without userinfo and with sensitive query values masked.

    Works on any string: text that is not a URL comes back unchanged. The whole string
    is taken for the URL (`redact_text` finds URLs in prose). Userinfo goes also from
    scheme-relative (``//user:pw@host``) and schemeless (``user:pw@host``) URLs, and
    from URLs nested in the path or in a query value.

    The query (and a fragment holding ``=``) is split at ``&``, ``;``, ``?`` and ``#``;
    a parameter's name is read after percent- and plus-decoding, and a secret value runs
    to the next ``&``, across the others. A value that holds a secret only once
    percent-decoded (an encoded URL with its userinfo, say) is masked whole.

    Examples:
        >>> redact_url("https://user:pw@api.example.com/v1?api_key=abc&page=2")
        'https://api.example.com/v1?api_key=***&page=2'

    .. versionadded:: 0.1.0
    """
    if "@" not in url and "?" not in url and "#" not in url:
        return url  # nothing that could hide a secret: the common case, kept cheap
    return _redact_url(url, 0)


def _split_authority(url: str) -> tuple[str, str, str, str]:
    """``url`` as scheme, separator (``://``, ``//`` or none), authority and the rest."""
    scheme, sep, rest = url.partition("://")
    if not sep or not _SCHEME.get().fullmatch(scheme):
        # No scheme: scheme-relative, schemeless or relative (its query may hold a URL).
        scheme, sep, rest = "", "", url
        if rest.startswith("//"):
            sep, rest = "//", rest[2:]
    # The authority ends at the first "/", "?" or "#".
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop, 0, end)
        if found != -1:
            end = found
    return scheme, sep, rest[:end], rest[end:]


def _redact_url(url: str, depth: int) -> str:
    scheme, sep, authority, tail = _split_authority(url)
    if "@" in authority:
        # After "//", userinfo is what precedes the last "@"; else only "user:pw@".
        authority = authority.rpartition("@")[2] if sep else _userinfo_redacted(authority)
    path, hash_sign, fragment = tail.partition("#")
    path, question, query = path.partition("?")
    if "@" in tail:
        # URLs nested in the path (https://proxy/https://u:pw@h/) or the query, whose
        # userinfo may hold "&" or ";": taken out before the query is split at them.
        # Only after "//" in the query, where "name=@..." would look like "user:pw@".
        path = _userinfo_redacted(path)
        query = _userinfo_redacted(query, schemeless=False)
        fragment = _userinfo_redacted(fragment, schemeless=False)
    if question:
        query = _redact_params(query, depth)
    if hash_sign and "=" in fragment:
        # OAuth implicit flows put tokens in the fragment.
        fragment = _redact_params(fragment, depth)
    shown = f"{scheme}{sep}{authority}{path}{question}{query}{hash_sign}{fragment}"
    return url if shown == url else shown


def _redact_params(query: str, depth: int) -> str:
    """A query's parameters with secret values masked, nested URLs redacted."""
    parts = _PARAM_SEPARATORS.get().split(query)  # parameter, separator, parameter, ...
    out: list[str] = []
    index = 0
    while index < len(parts):
        name, equals, value = parts[index].partition("=")
        after = index + 1
        if equals and _is_secret_query_name(name):
            # A secret runs to the next "&": a ";", "?" or "#" in it may be its own.
            while after < len(parts) and parts[after] != "&":
                after += 2
            out.append(f"{name}={MASK}")
        elif equals:
            out.append(f"{name}={_redact_nested(value, depth)}")
        else:
            out.append(name)
        out.extend(parts[after : after + 1])  # the separator, if any
        index = after + 1
    shown = "".join(out)
    return query if shown == query else shown


def _redact_nested(value: str, depth: int) -> str:
    """The value of a parameter that is not secret: it may hold a URL, also encoded.

    The value holds no separator, so a URL in it is at most an authority and a path.
    """
    if "@" in value:
        value = _userinfo_redacted(value)
    return _redact_encoded(value, depth) if "%" in value else value


def _redact_encoded(value: str, depth: int) -> str:
    """A value whose percent-decoded form holds a secret is masked whole.

    Encoding the redacted form again could not tell which of its characters were encoded.
    """
    decoded = _percent_decoded(value)
    if decoded == value:
        return value
    if depth >= _MAX_NESTING or _redact_text(decoded, depth + 1) != decoded:
        return MASK
    return value


def _percent_decoded(text: str) -> str:
    """``text`` with its ``%XX`` escapes decoded (bytes that are not UTF-8 as lone surrogates)."""

    def decode(escapes: re.Match[str]) -> str:
        data = bytes.fromhex(escapes.group().replace("%", ""))
        return data.decode("utf-8", "surrogateescape")

    return _PERCENT.get().sub(decode, text)


# -- text -----------------------------------------------------------------------------------

_SCHEME_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-"
)
_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_URL_REST: Final = LazyPattern(r"[^\s\"<>`]+")
_TRAILING: Final = frozenset(".,:;!?'\\")
_OPENING: Final = {")": "(", "]": "[", "}": "{"}
Span: TypeAlias = tuple[int, int]
"""Where a part of a text is: its start and end."""


def redact_text(text: str) -> str:
    """Mask the secrets in free text, such as an exception message.

    URLs lose their userinfo and their secret query values (see `redact_url`), also
    scheme-relative and schemeless ones (``user:pw@host``, the user name made of
    letters, digits and ``-._~%``; ``mailto:`` addresses are kept). Secret values are
    masked wherever they appear as ``name=value`` (``/items?token=...``,
    ``Config(api_key='...')``), as quoted mapping keys (``{'token': '...'}``,
    ``{"token": "..."}``), after ``Authorization:``, and after ``Bearer`` and after
    ``Basic`` (a word that looks like credentials: it holds a digit, ``+``, ``/``,
    ``=`` or a capital after its first letter).

    Masking never removes a character that is not part of the secret: where a value
    ends in prose is in the module's docstring.

    .. versionadded:: 0.1.0
    """
    return _redact_text(text, 0)


def _redact_text(text: str, depth: int) -> str:
    # The order matters. Each pass masks whole secrets, but a later one may mask words
    # an earlier one would have read as names: so the passes that read names go first.
    if "://" in text:
        text = _urls_redacted(text, depth)
    # Quoted keys before pairs: in "auth={'token': 'x'}" the value of auth runs to the space.
    if ":" in text and ("'" in text or '"' in text):
        text = _quoted_redacted(text)
    # Userinfo after "//" before pairs, so that a pair's value does not stop at a "," or a
    # ";" in it; pairs before userinfo without "//": "api_key=@S3CR" is a value.
    if "//" in text and "@" in text:
        text = _userinfo_redacted(text, schemeless=False)
    if "=" in text:
        text = _pairs_redacted(text, depth, encoded=False)
    if "@" in text:
        text = _userinfo_redacted(text)
    # Encoded values last: masking one whole must not take the "user:" of userinfo with it.
    if "%" in text and "=" in text:
        text = _pairs_redacted(text, depth, encoded=True)
    # Last: after "Authorization:" a word that looks like credentials is masked unread.
    lowered = text.lower()
    if "bearer" in lowered or "basic" in lowered or "authorization" in lowered:
        text = _auth_redacted(text)
    return text


def _trimmed_end(text: str, start: int, end: int) -> int:
    """Where a URL or value found in ``text[start:end]`` ends, punctuation of prose left out."""
    excess: dict[str, int] = {}
    while end > start:
        char = text[end - 1]
        if char in _TRAILING:
            end -= 1
            continue
        opening = _OPENING.get(char)
        if opening is None:
            break
        if char not in excess:
            excess[char] = text.count(char, start, end) - text.count(opening, start, end)
        if excess[char] <= 0:
            break
        excess[char] -= 1
        end -= 1
    return end


def _joined(text: str, out: list[str], last: int) -> str:
    """``text`` rebuilt: the pieces in ``out``, which stand for it up to ``last``, then the rest.

    With nothing in ``out`` (nothing replaced), ``text`` itself, not copied.
    """
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _urls_redacted(text: str, depth: int) -> str:
    """``text`` with each URL in it redacted.

    A URL is a scheme (``[A-Za-z][A-Za-z0-9+.-]{0,31}``), ``://`` and what follows up
    to white space, ``"``, ``<``, ``>`` or a backtick, less trailing punctuation
    (`_trimmed_end`). Each is found from its "://", its scheme read backwards (at most
    32 characters, from the first ASCII letter), rather than by trying a pattern at
    every letter of the text: linear, and a long run of letters with no "://" after it
    stays cheap.
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
        rest = None if start == pos else rest_pattern.match(text, pos + 3)
        if rest is None:  # no scheme, or nothing after "://"
            pos = text.find("://", pos + 1)
            continue
        end = _trimmed_end(text, start, rest.end())
        url = text[start:end]
        redacted = _redact_url(url, depth)
        if redacted is not url:  # most URLs hold nothing to mask: the text is not copied
            out.append(text[last:start])
            out.append(redacted)
            last = end
        pos = text.find("://", max(end, pos + 3))
    return _joined(text, out, last)


def _spliced(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each of the (start, end) spans, in order, masked.

    A span that starts inside one masked already is a word inside it, and is masked with it.
    """
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start < last:
            continue
        out.append(text[last:start])
        out.append(MASK)
        last = end
    return _joined(text, out, last)


# Userinfo: RFC 3986's unreserved characters (and letters of any script), "%",
# sub-delims and ":". The lookbehind makes each run start where it really starts, so
# that a long run is read once.
_USERINFO_CHARS: Final = r"\w.~%!$&'()*+,;=:-"
_USERINFO_AT: Final = LazyPattern(rf"(?<![{_USERINFO_CHARS}])[{_USERINFO_CHARS}]+@(?=[^\W_]|\[)")
_USER_NAME: Final = LazyPattern(r"(?<![\w.~%-])[\w.~%-]+(?=:)")
_NOT_USERINFO: Final = frozenset({"mailto"})


def _userinfo_redacted(text: str, *, schemeless: bool = True) -> str:
    """``text`` without the userinfo, password and all, of scheme-relative and schemeless URLs.

    After ``//``, userinfo is everything up to the ``@`` when it holds a ``:``. Without
    ``//``, it is a user name (unreserved characters and ``%``) with a ``:`` after it:
    ``user:pw@host`` loses ``user:pw@``; ``someone@example.com``, ``//someone@host``
    and ``mailto:someone@example.com`` stay.
    """
    out: list[str] = []
    last = 0
    for found in _USERINFO_AT.get().finditer(text):
        start, at = found.start(), found.end() - 1
        if text[max(start - 2, 0) : start] == "//":
            if text.find(":", start, at) == -1:
                continue
            begin = start
        elif schemeless:
            user = _USER_NAME.get().search(text, start, at)
            if user is None or user.group().lower() in _NOT_USERINFO:
                continue
            begin = user.start()
        else:
            continue
        out.append(text[last:begin])
        last = at + 1
    return _joined(text, out, last)


# A name=value pair: the name starts the text or follows one of these characters.
_PAIR: Final = LazyPattern(r"(?<![^?&#\s;,('\"<\[{])[^=&\s?#'\"<>;,()\[{]+=")
# Where a secret value ends, and where another one's does: at the next character that
# may start a pair, so that a run of pairs is read once, not once for each of them.
_VALUE_END: Final = LazyPattern(r"[\s&#\"<>;,]")
_OTHER_VALUE_END: Final = LazyPattern(r"[\s&#\"<>;,?(\['{]")


def _closes(text: str, quote: int) -> bool:
    """Whether the quote at ``quote`` closes a value: punctuation, then a space or the end."""
    after = quote + 1
    while after < len(text) and text[after] in _TRAILING:
        after += 1
    return after == len(text) or text[after].isspace() or text[after] in ")]}>&"


def _value_span(text: str, start: int, *, secret: bool) -> Span:
    """Where the value of a pair whose ``=`` ends at ``start`` is.

    A quoted value ends at the next such quote on its line that ends it (``key='a b'.``);
    otherwise the opening quote is no part of the value, which runs as unquoted ones do
    (``key=''S3CR'`` masks ``'S3CR``): a secret one to white space, ``&``, ``#``, ``"``,
    ``<``, ``>``, ``;`` or ``,``, another also to a ``?``, ``(``, ``[``, ``'`` or ``{``
    (which may start the next pair), less the punctuation of prose.
    """
    if start < len(text) and text[start] in "'\"":
        close = text.find(text[start], start + 1)
        if close != -1 and text.find("\n", start + 1, close) == -1 and _closes(text, close):
            return start + 1, close
        start += 1
    stop = (_VALUE_END if secret else _OTHER_VALUE_END).get().search(text, start)
    end = len(text) if stop is None else stop.start()
    return start, _trimmed_end(text, start, end)


def _pairs_redacted(text: str, depth: int, *, encoded: bool) -> str:
    """``text`` with the values of secret pairs masked.

    With ``encoded``, also the values that hold a secret once percent-decoded.
    """
    out: list[str] = []
    last = 0
    for found in _PAIR.get().finditer(text):
        if found.start() < last:
            continue  # inside a value already replaced
        secret = _is_secret_query_name(text[found.start() : found.end() - 1])
        start, end = _value_span(text, found.end(), secret=secret)
        if secret:
            shown = MASK
        elif encoded and text.find("%", start, end) != -1:
            shown = _redact_encoded(text[start:end], depth)
        else:
            continue  # the common case; userinfo in a value is the passes' around this one
        if shown != text[start:end]:
            out.append(text[last:start])
            out.append(shown)
            last = end
    return _joined(text, out, last)


_AUTH: Final = LazyPattern(
    r"(?i)\b(?:(?:proxy-)?authorization[ \t]*:[ \t]*|(bearer|basic)[ \t]+)(?=\S)"
)
_CREDENTIALS: Final = LazyPattern(r"'?([^\s\"'<>,;](?:[^\s\"<>,;]*))")
_AFTER_SCHEME: Final = LazyPattern(r"[ \t]+")
# Schemes of the Authorization header (IANA's registry and common custom ones).
_AUTH_SCHEMES: Final = frozenset(
    {
        "basic",
        "bearer",
        "digest",
        "dpop",
        "hoba",
        "mutual",
        "negotiate",
        "ntlm",
        "oauth",
        "token",
        "apikey",
        "key",
        "hawk",
        "mac",
        "vapid",
        "sswss",
        "ssws",
    }
)
# Words that follow "bearer" in prose ("bearer token expired"), not credentials.
_NOT_CREDENTIALS: Final = frozenset(
    {
        "token",
        "tokens",
        "auth",
        "authentication",
        "authorization",
        "header",
        "scheme",
        "credential",
        "credentials",
    }
)


def _word_at(text: str, pos: int) -> Span | None:
    """The span of the credentials-like word at ``pos`` (a leading quote left out)."""
    found = _CREDENTIALS.get().match(text, pos)
    if found is None:
        return None
    start = found.start(1)
    end = _trimmed_end(text, start, found.end())
    return (start, end) if end > start else None


def _looks_like_credentials(word: str) -> bool:
    """A digit, ``+``, ``/``, ``=`` or a capital after the first letter: no English word."""
    return any(char.isdigit() or char in "+/=" for char in word) or any(
        char.isupper() for char in word[1:]
    )


def _is_auth_param(text: str, start: int, end: int) -> bool:
    """``name=value`` (as in ``Bearer realm="api"``), not token68 with its ``=`` padding."""
    equals = text.find("=", start, end)
    if equals == -1:
        return False
    return bool(text[equals:end].strip("=")) or text.startswith('"', end)


def _next_word(text: str, end: int) -> Span | None:
    gap = _AFTER_SCHEME.get().match(text, end)
    return None if gap is None else _word_at(text, gap.end())


def _header_credentials(text: str, first: Span) -> list[Span]:
    """The words to mask after ``Authorization:``, the first of them at ``first``.

    After a known scheme, the word after it. Else the first word, and the second too
    when it looks like credentials (``Authorization: Custom S3CR3T`` masks both: which
    of them is the scheme cannot be told).
    """
    second = _next_word(text, first[1])
    if text[first[0] : first[1]].lower() in _AUTH_SCHEMES:
        return [] if second is None else [second]
    if second is not None and _looks_like_credentials(text[second[0] : second[1]]):
        return [first, second]
    return [first]


def _credentials_spans(text: str, pos: int, scheme: str | None) -> tuple[list[Span], int]:
    """The credentials to mask after ``pos``, and where the first word ends.

    What follows that word is looked at again: a second word taken for credentials may
    be a header of its own ("Authorization: x Proxy-Authorization: S3CR").
    """
    word = _word_at(text, pos)
    if word is None:
        return [], pos
    shown = text[word[0] : word[1]]
    if scheme is None:
        words = _header_credentials(text, word)
    elif scheme.lower() == "bearer":
        words = [] if shown.lower() in _NOT_CREDENTIALS else [word]
    else:
        # "basic" is also an English word: only what looks like credentials follows it.
        words = [word] if _looks_like_credentials(shown) else []
    return [span for span in words if not _is_auth_param(text, *span)], word[1]


def _auth_redacted(text: str) -> str:
    spans: list[Span] = []
    last = 0
    for found in _AUTH.get().finditer(text):
        if found.start() < last:
            continue  # inside a word already looked at ("Authorization: Bearer ...")
        more, last = _credentials_spans(text, found.end(), found.group(1))
        spans.extend(more)
    return _spliced(text, spans)


# A quoted mapping key as JSON and Python's repr write it (no "=", "?", "&", "#", "@" or
# brackets: "'/items?otp=x': the ..." is prose), then its value: quoted (with escapes), or
# a number, the one other kind of value that can be a secret (a PIN, a one-time code);
# then what follows a value there (",", "}", "]", ")" or a space), so that a quote left
# unclosed does not make the rest of the text up to another quote a value.
_QUOTED_KEY: Final = LazyPattern(r"""(["'])([^"'\n\\=?&#@<>()\[\]{}]{1,128})\1[ \t]*:[ \t]*""")
_QUOTED_VALUE: Final = LazyPattern(
    r"""(?:b?(?:'(?P<single>(?:[^'\\\n]|\\.)*)'|"(?P<double>(?:[^"\\\n]|\\.)*)")"""
    r"""|(?P<bare>[-+]?[0-9][\w.+-]*))(?=[\s,}\])]|$)"""
)


def _quoted_redacted(text: str) -> str:
    spans: list[Span] = []
    last = 0
    for found in _QUOTED_KEY.get().finditer(text):
        if found.start() < last or not _is_secret_name(found.group(2)):
            continue
        value = _QUOTED_VALUE.get().match(text, found.end())
        if value is not None:
            spans.append(value.span(str(value.lastgroup)))
            # Its closing quote may open the next key, where a quote was left unclosed.
            last = spans[-1][1]
    return _spliced(text, spans)


# -- values ---------------------------------------------------------------------------------

# Containers are masked to this depth; anything deeper is replaced wholesale, so a
# self-referencing context cannot recurse without end.
_MAX_DEPTH: Final = 16


class _Fields(dict[str, object]):
    """A masked copy of an object's fields, shown as the object is: ``Point(x=1, token='***')``.

    A dict, so that the JSON forms write it as an object.
    """

    __slots__ = ("_shown_as",)

    def __init__(self, shown_as: str, fields: Iterable[tuple[str, object]]) -> None:
        super().__init__(fields)
        self._shown_as = shown_as

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.items())
        return f"{self._shown_as}({fields})"


class _SetItems(list[object]):
    """The masked items of a set that cannot be a set (a dataclass's copy is no member)."""

    __slots__ = ("_frozen",)

    def __init__(self, items: Iterable[object], *, frozen: bool) -> None:
        super().__init__(items)
        self._frozen = frozen

    def __repr__(self) -> str:
        items = "{" + ", ".join(repr(item) for item in self) + "}"
        return f"frozenset({items})" if self._frozen else items


def redact_value(value: object, depth: int = 0) -> object:
    """Return a masked copy of a context value: its containers walked, its text redacted.

    Text and ``bytes`` are redacted as `redact_text` does. Mappings, header objects,
    lists, tuples, sets, frozensets and deques are copied with their items masked;
    named tuples stay named tuples; dataclass and attrs instances and simple namespaces
    become copies of their shown fields, written as the object writes itself (and as
    objects in JSON). In a pair (a two-item tuple or list) whose first item names a
    secret, the second is masked, as in a list of headers.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, int):
        return shown_int(value)
    render = _renderer(value)
    if render is None:
        return value
    if depth >= _MAX_DEPTH:
        # Deeper than any real context: assume a cycle and show nothing of it.
        return MASK
    return render(value, depth + 1)


def redact_mapping(mapping: Mapping[Any, object], depth: int = 0) -> dict[Any, object]:
    """Return a copy of ``mapping`` with the values of secret keys masked, recursively.

    Examples:
        >>> redact_mapping({"api_key": "abc", "page": 2})
        {'api_key': '***', 'page': 2}

    .. versionadded:: 0.1.0
    """
    return {
        _shown_key(key): MASK if is_secret_key(key) else redact_value(value, depth)
        for key, value in mapping.items()
    }


def _shown_key(key: object) -> object:
    """A key as shown: one that could hold a secret (a URL, ``Bearer ...``) redacted."""
    if isinstance(key, str) and ("@" in key or "=" in key or ":" in key or " " in key):
        return redact_text(key)
    return _bytes(key, 0) if isinstance(key, bytes) else key


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


Render: TypeAlias = Callable[[Any, int], object]


def _bytes(value: bytes | bytearray, _depth: int) -> object:
    text = value.decode("utf-8", "surrogateescape")  # any bytes, and back as they were
    shown = redact_text(text)
    if shown == text:
        return value
    data = shown.encode("utf-8", "surrogateescape")
    return bytearray(data) if isinstance(value, bytearray) else data


def _mapping(value: Mapping[Any, object], depth: int) -> object:
    return redact_mapping(value, depth)


_PAIR_LENGTH: Final = 2


def _is_pair(value: tuple[object, ...] | list[object]) -> bool:
    return len(value) == _PAIR_LENGTH and is_secret_key(value[0])


def _items(value: Iterable[object], depth: int) -> list[object]:
    return [redact_value(item, depth) for item in value]


def _list(value: list[object], depth: int) -> object:
    return [_shown_key(value[0]), MASK] if _is_pair(value) else _items(value, depth)


def _tuple(value: tuple[object, ...], depth: int) -> object:
    return (_shown_key(value[0]), MASK) if _is_pair(value) else tuple(_items(value, depth))


def _named_tuple(value: tuple[object, ...], depth: int) -> object:
    cls = cast("Any", type(value))
    if _is_pair(value):
        items = [_shown_key(value[0]), MASK]
    else:
        items = [
            MASK if is_secret_key(name) else redact_value(item, depth)
            for name, item in zip(cls._fields, value, strict=False)
        ]
    try:
        return cls._make(items)
    except Exception:  # noqa: BLE001 -- a subclass may refuse: then the same items, as a tuple
        return tuple(items)


def _set(value: set[object] | frozenset[object], depth: int) -> object:
    items = _items(value, depth)
    frozen = isinstance(value, frozenset)
    try:
        return frozenset(items) if frozen else set(items)
    except TypeError:  # an item's masked copy is a dict
        return _SetItems(items, frozen=frozen)


def _deque(value: deque[object], depth: int) -> object:
    return deque(_items(value, depth), maxlen=value.maxlen)


def _fields(shown_as: str, fields: Iterable[tuple[str, object]], depth: int) -> _Fields:
    return _Fields(
        shown_as,
        (
            (
                cast("str", _shown_key(name)),
                MASK if is_secret_key(name) else redact_value(item, depth),
            )
            for name, item in fields
        ),
    )


def _namespace(value: SimpleNamespace, depth: int) -> object:
    shown_as = "namespace" if type(value) is SimpleNamespace else type(value).__qualname__
    return _fields(shown_as, vars(value).items(), depth)


_UNSET: Final = object()


def _set_fields(value: object, names: Iterable[str]) -> list[tuple[str, object]]:
    """The named fields of ``value`` that are set (a field with ``init=False`` may not be)."""
    fields = ((name, getattr(value, name, _UNSET)) for name in names)
    return [(name, item) for name, item in fields if item is not _UNSET]


def _dataclass(value: object, depth: int) -> object:
    import dataclasses  # loaded already: ``value`` is a dataclass instance

    names = [field.name for field in dataclasses.fields(cast("Any", value)) if field.repr]
    return _fields(type(value).__qualname__, _set_fields(value, names), depth)


def _attrs(value: object, depth: int) -> object:
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
    names = [field.name for field in fields if field.repr is not False]
    return _fields(type(value).__qualname__, _set_fields(value, names), depth)


def _headers(value: object, depth: int) -> object:
    """An `email.message.Message` (``http.client.HTTPMessage``): its headers as pairs."""
    pairs = cast("list[tuple[str, object]]", cast("Any", value).items())
    return [
        (name, MASK if is_secret_key(name) else redact_value(item, depth)) for name, item in pairs
    ]


def _own(value: object, _depth: int) -> object:
    """One of the package's types: it shows itself masked, or gives a masked copy."""
    redacted = getattr(type(value), "_redacted", None)
    return value if redacted is None else redacted(value)


_BY_TYPE: Final[dict[type, Render | None]] = {
    type(None): None,
    float: None,
    bytes: _bytes,
    bytearray: _bytes,
    dict: _mapping,
    list: _list,
    tuple: _tuple,
    set: _set,
    frozenset: _set,
    deque: _deque,
    SimpleNamespace: _namespace,
    MappingProxyType: _mapping,
}
_BY_KIND: Final[tuple[tuple[type | tuple[type, ...], Render], ...]] = (
    (Mapping, _mapping),
    (list, _list),
    ((set, frozenset), _set),
    (deque, _deque),
    (SimpleNamespace, _namespace),
    ((bytes, bytearray), _bytes),
)
_UNKNOWN: Final = object()


def _renderer(value: object) -> Render | None:
    """How to mask ``value``, or ``None`` when it is shown as it is."""
    found = _BY_TYPE.get(type(value), _UNKNOWN)
    if found is _UNKNOWN:
        return _renderer_of_kind(value)
    return cast("Render | None", found)


def _is_own(cls: type) -> bool:
    module = getattr(cls, "__module__", None)
    return isinstance(module, str) and (
        module == "spice_errors" or module.startswith("spice_errors.")
    )


def _is_dataclass(cls: type) -> bool:
    return hasattr(cls, "__dataclass_fields__")


def _is_message(cls: type) -> bool:
    message = sys.modules.get("email.message")  # no message object without the module
    return message is not None and issubclass(cls, message.Message)


_BY_CLASS: Final[tuple[tuple[Callable[[type], bool], Render], ...]] = (
    (_is_dataclass, _dataclass),
    (attrs.has, _attrs),
    (_is_message, _headers),
)


def _renderer_of_kind(value: object) -> Render | None:
    cls = type(value)
    if _is_own(cls):
        return _own
    if isinstance(value, tuple):
        return _named_tuple if hasattr(cls, "_fields") else _tuple
    for kind, render in _BY_KIND:
        if isinstance(value, kind):
            return render
    for test, render in _BY_CLASS:
        if test(cls):
            return render
    return None
