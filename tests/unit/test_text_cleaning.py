"""The one cleaning of typed text: what goes, what stays, per kind of field."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.policy.text import TextKind, clean_text

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
ZWJ, ZWNJ, ZWSP, LRM = "\u200d", "\u200c", "\u200b", "\u200e"
REORDERING = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
CONTROLS = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} - {"\n", "\t"}
FREE_TEXT = (TextKind.PROSE, TextKind.LINE)


@pytest.mark.parametrize("kind", [TextKind.PROSE, TextKind.LINE, TextKind.IDENTIFIER])
def test_bidi_overrides_and_isolates_go_everywhere(kind: TextKind) -> None:
    assert clean_text(f"MEC {RLO}akifisaP{PDF} {LRI}x{PDI}", kind) == "MEC akifisaP x"


def test_terminal_escapes_nul_and_c1_controls_go() -> None:
    assert clean_text("Pasifika\x1b[2J\x00\x07\x85\x9b31m", TextKind.LINE) == "Pasifika[2J31m"


def test_prose_keeps_lines_and_tabs_one_line_does_not() -> None:
    assert clean_text("a\r\nb\rc\td\u2028e", TextKind.PROSE) == "a\nb\nc\td\ne"
    assert clean_text("a\r\nb\rc\td\u2029e", TextKind.LINE) == "a b c d e"


def test_a_byte_order_mark_and_lone_surrogates_go() -> None:
    assert clean_text("\ufeffName\ud800", TextKind.LINE) == "Name"


@pytest.mark.parametrize(
    "word",
    [
        "\u0915\u094d\u200d\u0937",  # Devanagari: half form of ka before ssa
        "\u0d7b\u0d4d\u200d",  # Malayalam chillu
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian "mikhaham"
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family emoji
    ],
)
@pytest.mark.parametrize("kind", FREE_TEXT)
def test_joiners_that_shape_a_script_stay_in_free_text(word: str, kind: TextKind) -> None:
    assert clean_text(f"Kia ora {word}.", kind) == f"Kia ora {word}."


@pytest.mark.parametrize("kind", FREE_TEXT)
def test_joiners_that_join_nothing_go(kind: TextKind) -> None:
    assert clean_text(f"{ZWJ}MEC Pa{ZWNJ}sifika {ZWJ}NZ", kind) == "MEC Pasifika NZ"


def test_free_text_keeps_implicit_direction_marks() -> None:
    text = f"\u05e9\u05dc\u05d5\u05dd{LRM} (MEC)"
    assert clean_text(text, TextKind.PROSE) == text


def test_identifiers_lose_every_invisible_formatting_character() -> None:
    assert clean_text(f"@MEC{ZWSP}Pasi{ZWJ}fika{LRM}\u2060\u00ad", TextKind.IDENTIFIER) == (
        "@MECPasifika"
    )


def test_a_password_loses_only_controls_as_it_always_has() -> None:
    assert clean_text(f"pa\x00ss{RLO}{ZWJ}\tword", TextKind.SECRET) == f"pass{RLO}{ZWJ}\tword"


@given(text=st.text(), kind=st.sampled_from([TextKind.PROSE, TextKind.LINE, TextKind.IDENTIFIER]))
def test_nothing_that_reorders_or_controls_survives_and_cleaning_twice_changes_nothing(
    text: str, kind: TextKind
) -> None:
    cleaned = clean_text(text, kind)
    assert not set(cleaned) & (REORDERING | CONTROLS | {"\ufeff"})
    assert not any(unicodedata.category(ch) == "Cs" for ch in cleaned)
    if kind is not TextKind.PROSE:
        assert "\n" not in cleaned and "\t" not in cleaned
    if kind is TextKind.IDENTIFIER:
        assert not any(unicodedata.category(ch) == "Cf" for ch in cleaned)
    else:
        for index, ch in enumerate(cleaned):
            if ch in (ZWJ, ZWNJ):
                assert index > 0 and not cleaned[index - 1].isascii()
    assert clean_text(cleaned, kind) == cleaned


@given(text=st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Zs"])))
def test_visible_text_is_kept_as_typed(text: str) -> None:
    assert clean_text(text, TextKind.PROSE) == text
    assert clean_text(text, TextKind.LINE) == text
