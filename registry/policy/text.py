"""Cleaning text people give the registry, the same at every door (forms, CSV import, the API
and the command line), before anything checks or stores it. Pure Python.

What goes, and why:

- C0 and C1 control characters (tab and newline aside, where a field has lines) and NUL: no
  person types them, PostgreSQL refuses NUL in text, and they forge lines and colours in
  terminal output and logs.
- Bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): they
  reorder how the text after them is shown, so "MEC Pasifika" can display as a different name
  than the one stored ("Trojan Source"). The implicit marks LRM, RLM and ALM stay in free
  text: they only nudge neutral characters and right-to-left writers use them.
- The byte order mark (U+FEFF), which spreadsheets put at the start of a file.
- Unpaired surrogates, which cannot be stored or encoded.

Zero-width joiner and non-joiner (U+200D, U+200C) shape Devanagari, Bengali, Sinhala and
Persian words and join emoji, so in free text they stay after a character of such a script
(or an emoji) and go only where they join nothing: at the start, after ASCII or after a space.
Identifiers (handles, addresses, email addresses) lose every invisible formatting character,
since none of them can mean anything there and any of them can make two different accounts
look the same.
"""

from __future__ import annotations

import enum
import re
import unicodedata

__all__ = ["TextKind", "clean_text", "escape_invisible"]


class TextKind(enum.StrEnum):
    PROSE = "prose"  # free text with lines: purpose, terms of use, comments
    LINE = "line"  # free text on one line: names, titles, reasons typed in one box
    IDENTIFIER = "identifier"  # handles, web and email addresses, codes
    # Only controls go, exactly as always: a password is never shown, and cleaning it more
    # than when it was set would lock its owner out.
    SECRET = "secret"  # noqa: S105 - the name of a kind of text, not a password


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_REORDERING = re.compile(r"[\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JOINERS = "\u200c\u200d"
_LINE_BREAKS = re.compile(r"[\n\t\u2028\u2029]")
# What ``escape_invisible`` shows as an escape: every character ``clean_text`` drops or turns
# into a space, so a record that keeps text as given (the audit log) still cannot forge a line
# or reorder what it displays.
_INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _joins_something(previous: str) -> bool:
    """Whether a joiner after ``previous`` can be part of a word or an emoji sequence."""
    if not previous or previous.isascii() or previous.isspace():
        return False
    return unicodedata.category(previous)[0] in ("L", "M", "S") or previous in _JOINERS


def _drop_stray_joiners(text: str) -> str:
    if text.isascii():  # joiners are not ASCII: most text has none to look for
        return text
    kept: list[str] = []
    for ch in text:
        if ch in _JOINERS and not _joins_something(kept[-1] if kept else ""):
            continue
        kept.append(ch)
    return "".join(kept)


def clean_text(value: str, kind: TextKind = TextKind.PROSE) -> str:
    """``value`` without the characters that hide, reorder or forge what it says (see the
    module's notes): newlines as "\\n" in prose, spaces on one line. Never raises."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    if kind is TextKind.SECRET:
        return text
    text = _SURROGATE.sub("", _REORDERING.sub("", text))
    if kind is TextKind.PROSE:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
        return _drop_stray_joiners(text)
    # One line: a newline in a name would forge a line of its own in terminal and CSV output.
    text = _LINE_BREAKS.sub(" ", text)
    if kind is TextKind.LINE:
        return _drop_stray_joiners(text)
    if text.isascii():  # no ASCII character is a format character (Cf)
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def escape_invisible(value: str) -> str:
    """``value`` with each control, line separator, bidirectional override or isolate, byte
    order mark and unpaired surrogate written as a visible ``\\uXXXX``: for records that keep
    what they were given rather than clean it. Never raises."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
