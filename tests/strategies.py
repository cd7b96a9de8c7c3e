"""Hypothesis strategies for errors, contexts, secrets and adversarial exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import attrs
from hypothesis import strategies as st

import spice_errors as se
from spice_errors._errors import ALL_TYPES as _ALL_TYPES
from spice_errors._fast_init import own_kinds
from spice_errors._kinds import Kind
from spice_errors._redact import secret_names

text = st.text(max_size=20)
optional_text = st.none() | text
optional_int = st.none() | st.integers(min_value=-(2**40), max_value=2**40)

context_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12)
context_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(context_keys, children, max_size=3)
    ),
    max_leaves=6,
)
contexts = st.dictionaries(context_keys, context_values, max_size=5)

names = st.lists(text, max_size=15).map(tuple)
hints = st.none() | st.builds(
    se.RetryHint,
    retry_after_ms=st.none() | st.integers(min_value=0, max_value=10**9),
    max_attempts=st.none() | st.integers(min_value=1, max_value=20),
    skip_retry=st.booleans(),
    reason=optional_text,
)
# One strategy per field kind (`spice_errors._fast_init`): a new field needs no edit here.
_BY_KIND: dict[Kind, st.SearchStrategy[Any]] = {
    "name": optional_text,
    "url": optional_text,
    "status": st.none() | st.integers(min_value=100, max_value=599),
    "duration": st.none() | st.integers(min_value=0, max_value=2**40),
    "names": names,
    "errors": st.lists(
        st.builds(se.ValidationError, message=text, field=optional_text, context=contexts),
        max_size=3,
    ).map(tuple),
    "value": st.none() | text | st.integers(),
    "input": st.none() | text | st.integers(),
    "hint": hints,
}


def _field_strategy(cls: type[se.SpiceError], name: str, kind: Kind) -> st.SearchStrategy[Any]:
    required = attrs.fields_dict(cls)[name].default is attrs.NOTHING
    return text if required else _BY_KIND[kind]


def error_of(cls: type[se.SpiceError]) -> st.SearchStrategy[se.SpiceError]:
    """Errors of one type with generated message, typed fields and context."""
    return st.builds(
        cls,
        message=text,
        context=contexts,
        **{name: _field_strategy(cls, name, kind) for name, kind in own_kinds(cls)},
    )


error_types = st.sampled_from(_ALL_TYPES)
# Each draw is one of the 16 types, as the sealed hierarchy guarantees.
errors = cast("st.SearchStrategy[se.AnySpiceError]", error_types.flatmap(error_of))


def _spell(name: str) -> st.SearchStrategy[str]:
    """A secret name as people write it: any case, separators anywhere."""

    def spelled(draw: Callable[[st.SearchStrategy[Any]], Any]) -> str:
        out = []
        for char in name:
            out.append(char.upper() if draw(st.booleans()) else char)
            out.append(draw(st.sampled_from(["", "", "", "_", "-", ".", " "])))
        return "".join(out)

    return st.composite(spelled)()


secret_keys = st.builds(
    lambda prefix, name, suffix: f"{prefix}{name}{suffix}",
    st.text(alphabet="abcxyz_-", max_size=5),
    st.sampled_from(sorted(secret_names())).flatmap(_spell),
    st.text(alphabet="abcxyz_-", max_size=5),
)
# Digits and the marker keep a secret value from ever being part of a key or a field.
secret_values = st.text(alphabet="0123456789ABCDEF", min_size=6, max_size=16).map(
    lambda body: f"S3cr3t-{body}"
)
