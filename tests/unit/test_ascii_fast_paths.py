"""The ASCII fast paths of the text functions answer exactly what the general path does.

Importing 100,000 rows runs these on every cell; plain ASCII skips Unicode work it cannot
need. Each property compares the function with the general path it short-cuts, kept here.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from registry.auth.models import _INVISIBLE, email_lookup_key
from registry.policy.accounts import name_key
from registry.policy.platforms import _shown, _spaces_or_hidden
from registry.policy.text import TextKind, clean_text

# Every ASCII character, with the few non-ASCII ones that take the general path.
text = st.text(alphabet=st.characters(max_codepoint=127) | st.sampled_from("āé\u200d\u00a0ﬁ"))


def general_name_key(value: str) -> str:
    kept = []
    for ch in unicodedata.normalize("NFKD", value):
        if unicodedata.category(ch) in ("Mn", "Cf"):
            continue
        kept.append(ch.casefold() if ch.isalnum() else " ")
    return " ".join("".join(kept).split())


def general_email_key(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value)
    return (
        "".join(ch for ch in folded if unicodedata.category(ch) not in _INVISIBLE).strip().lower()
    )


def general_shown(value: str, limit: int = 60) -> str:
    flat = " ".join(value.split())
    flat = "".join(ch for ch in flat if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"“{flat}”"


@given(text)
def test_name_key(value: str) -> None:
    assert name_key(value) == general_name_key(value)


@given(text)
def test_email_lookup_key(value: str) -> None:
    assert email_lookup_key(value) == general_email_key(value)


@given(text)
def test_shown(value: str) -> None:
    assert _shown(value) == general_shown(value)


@given(text)
def test_spaces_or_hidden(value: str) -> None:
    general = any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value)
    assert _spaces_or_hidden(value) == general


@given(text)
def test_identifiers_keep_no_format_characters(value: str) -> None:
    cleaned = clean_text(value, TextKind.IDENTIFIER)
    assert not any(unicodedata.category(ch) == "Cf" for ch in cleaned)
    assert clean_text(cleaned, TextKind.IDENTIFIER) == cleaned
