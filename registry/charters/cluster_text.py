"""Charter text that reads back as typed in every script, with pypdf and with pdftotext.

A PDF says what text each glyph stands for through the font's ToUnicode map. WeasyPrint 70
writes one entry per glyph for the whole document, so a glyph seen in one cluster reads back
wrongly in the next: in Devanagari "लि" draws ि before ल, and once ल stands for "लि" every
later ल reads "लि"; Thai's ำ is drawn as two glyphs, neither mapped to it. And where a glyph is
missing it switches the font to a custom encoding that pypdf reads a byte at a time, putting a
NUL between every letter.

So, installed once into WeasyPrint before any charter is drawn (``install``):

* every glyph drawn is heard with the text WeasyPrint computed for it, in drawing order
  (``_Codes``, WeasyPrint's ``Font.to_unicode``);
* when the glyphs are written, a glyph standing for a text other than the one its code already
  stands for gets a code of its own (past the font's glyphs), mapped to the same glyph by the
  font's CIDToGIDMap, and ToUnicode maps that code to its text. Codes stay two-byte
  Identity-H, which every reader decodes; a missing glyph is such a code too, mapped to
  .notdef;
* each glyph of an Indic or Thai cluster stands for a slice of the cluster's text in reading
  order, rather than its last glyph for all of it: readers place text where its glyph is, so
  a reph or a vowel sign drawn apart from its text read out of order or as a space;
* an Arabic vowel mark (a haraka: damma, fatha, shadda ...) is drawn before its letter and
  to the right of the letter's start, so pdftotext, which orders right-to-left text by
  position, read it before the letter (pypdf, which reads in drawing order, read it right).
  The marks are put in a ``/Span`` whose ``/ActualText`` is empty and the letter in one whose
  ``/ActualText`` is the cluster's text, ordered for pdftotext to read it back as typed
  (``_Cluster``). pdftotext reads actual text in place of glyphs; pypdf does not read it.

Fonts in CFF (the CJK fonts) keep WeasyPrint's codes: their glyphs are named by CID inside the
font, and their scripts do not reorder. The glyphs, their positions and the page's look are
WeasyPrint's, unchanged; only the codes that name them and what they stand for differ.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

import pydyf
import weasyprint
from weasyprint.pdf import fonts as wp_fonts
from weasyprint.pdf import stream as wp_stream

log = logging.getLogger(__name__)

# The WeasyPrint whose internals this was written against; another is left alone (its text
# extracts as it always did, and the charter script tests say so).
SUPPORTED_WEASYPRINT = "70."

_TEXT_PIECES = re.compile(r"<([0-9a-f]*)>|([^<>]+)")


def _arabic(text: str) -> bool:
    """Text with a letter or mark of the Arabic script in it."""
    return any("\u0600" <= char <= "\u08ff" for char in text)


def _arabic_marks(text: str) -> bool:
    """Text that is only Arabic-script combining marks (harakat, shadda, superscript alef)."""
    return bool(text) and all(
        "\u0600" <= char <= "\u08ff" and unicodedata.category(char) == "Mn" for char in text
    )


def _indic_or_thai(text: str) -> bool:
    """Brahmic scripts (Devanagari to Sinhala) and Thai: left to right, with reordering."""
    first = text[:1]
    return "\u0900" <= first <= "\u0dff" or "\u0e00" <= first <= "\u0e7f"


def _slices(members: list[int], whole: str) -> list[tuple[int, str]]:
    """Each glyph, in reading order, with its share of the cluster's text, in order."""
    count, length = len(members), len(whole)
    return [
        (member, whole[index * length // count : (index + 1) * length // count])
        for index, member in enumerate(members)
    ]


def _next_code(font: Any) -> int:
    """A code past the font's glyphs, for a missing glyph or a glyph's second text alike."""
    code = getattr(font, "_registry_next_code", font.glyph_count)
    font._registry_next_code = code + 1
    return code


class _Codes(dict):
    """A font's code → text map (WeasyPrint's ``Font.to_unicode``), which also hears every
    glyph drawn with its text, and hands out codes as the glyphs are written."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self.font = font
        self.drawn: list[tuple[int, str]] = []  # heard, not yet written
        self.sliced: list[tuple[int, str]] = []  # a cluster's glyphs, each with its slice
        self.codes: dict[tuple[int, str], int] = {}
        self.glyph_of: dict[int, int] = {}  # code past the glyphs → the glyph it draws
        self.lost_step = False
        self.written: str | None = None  # the text of the glyph code_for last wrote (None:
        # written as drawn, its text unknown)

    # WeasyPrint asks "if glyph not in font.to_unicode" before it works out a glyph's text:
    # always "no", so it tells us every glyph, not only the first of each.
    def __contains__(self, key: object) -> bool:
        return False

    def __setitem__(self, glyph: int, text: str) -> None:
        self.drawn.append((glyph, text))
        if not dict.__contains__(self, glyph):
            dict.__setitem__(self, glyph, text)

    def code_for(self, glyph: int) -> int:
        """The code to write for ``glyph``, the next glyph drawn."""
        upcoming = self.sliced[0][0] if self.sliced else (self.drawn[0][0] if self.drawn else None)
        if self.lost_step or upcoming != glyph:
            # Written without being drawn through the text code (never seen so far): keep
            # WeasyPrint's code, and stop re-coding this font rather than guess.
            if not self.lost_step:
                log.warning("Charter text: lost step in %s; codes left as drawn", self.font.name)
            self.lost_step = True
            self.written = None
            return glyph
        glyph, text = self._next_glyph()
        self.written = text
        if dict.get(self, glyph) == text:
            return glyph
        if (glyph, text) not in self.codes:
            self.codes[(glyph, text)] = self._new_code(glyph, text)
        return self.codes[(glyph, text)]

    def _new_code(self, glyph: int, text: str) -> int:
        code = _next_code(self.font)
        self.glyph_of[code] = glyph
        dict.__setitem__(self, code, text)
        if glyph in self.font.widths:
            self.font.widths[code] = self.font.widths[glyph]
        return code

    def _next_glyph(self) -> tuple[int, str]:
        if self.sliced:
            return self.sliced.pop(0)
        glyph, text = self.drawn.pop(0)
        if text != "":
            return glyph, text
        # A left-to-right cluster's text is on its last glyph drawn, "" on the ones before.
        last = next((i for i, (_, t) in enumerate(self.drawn) if t != ""), None)
        if last is None or not _indic_or_thai(self.drawn[last][1]):
            return glyph, text
        members = [glyph] + [member for member, _ in self.drawn[: last + 1]]
        whole = self.drawn[last][1]
        del self.drawn[: last + 1]
        self.sliced = _slices(members, whole)
        return self.sliced.pop(0)


_originals: dict[str, Any] = {}


def _font_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _originals["init"](self, *args, **kwargs)
    self.to_unicode = _Codes(self)


def _unused_glyph_id(self: Any, codepoint: int) -> int:
    if codepoint not in self.missing:
        self.missing[codepoint] = _next_code(self)
    return self.missing[codepoint]


def _clean(self: Any, to_unicode: dict, hinting: bool) -> Any:
    # Subset to the font's own glyphs; the codes past them name glyphs already in the set.
    glyphs = {glyph: text for glyph, text in to_unicode.items() if glyph < self.glyph_count}
    return _originals["clean"](self, glyphs, hinting)


def _current_font(stream: Any) -> Any:
    current = stream._current_font
    if current is None:
        return None
    return next((font for font in stream._fonts.values() if font.hash == current[0]), None)


def _show_text(self: Any, text: str) -> Any:
    font = _current_font(self)
    codes = getattr(font, "to_unicode", None)
    cluster = getattr(self, "_registry_cluster", None)
    if cluster is not None and cluster.codes is not codes:
        self._registry_cluster = None  # its letter never came in this font: leave it be
    if not (isinstance(codes, _Codes) and not font.bitmap and font.type != "otf"):
        if isinstance(codes, _Codes):
            codes.drawn.clear()  # not re-coded: nothing heard is waiting for its code
        return _originals["show_text"](self, text)
    pending: list[str] = []  # this TJ's text so far

    def flush() -> None:
        if "".join(pending) not in ("", "<>"):
            _originals["show_text"](self, "".join(pending))
        pending.clear()

    for piece in _TEXT_PIECES.finditer(text):
        written = piece.group(1)
        if written is None:
            pending.append(piece.group(2))  # a shift between glyphs
            continue
        pending.append("<")
        for index in range(0, len(written), 4):
            code = codes.code_for(int(written[index : index + 4], 16))
            heard, before = codes.written, getattr(self, "_registry_heard", None)
            self._registry_heard = heard
            cluster = getattr(self, "_registry_cluster", None)
            if heard is None:
                self._registry_cluster = None
            elif _arabic_marks(heard):
                # Each mark its own operator, so the marks' span can close right after them.
                pending.append(">")
                flush()
                if cluster is None:
                    word_end = not _arabic(before or "")
                    cluster = _Cluster(codes, len(self.stream), word_end)
                    self._registry_cluster = cluster
                _originals["show_text"](self, f"<{code:04x}>")
                cluster.marks.append(heard)
                cluster.end = len(self.stream)
                pending.append("<")
                continue
            elif cluster is not None:  # the letter the marks sit on: the cluster is whole
                pending.append(">")
                flush()
                cluster.wrap(self, heard, f"<{code:04x}>")
                self._registry_cluster = None
                pending.append("<")
                continue
            pending.append(f"{code:04x}")
        pending.append(">")
    flush()
    return None


def _end_text(self: Any) -> Any:
    self._registry_cluster = None  # a span never crosses a text object's end
    self._registry_heard = None
    return _originals["end_text"](self)


class _Cluster:
    """Arabic marks drawn, waiting for the letter they sit on (drawn after them, perhaps in
    the next text operator: a mark raised above its letter is drawn on its own)."""

    def __init__(self, codes: _Codes, start: int, word_end: bool) -> None:
        self.codes = codes
        # Drawn first of its word (nothing Arabic left of it): its letter ends the word.
        self.word_end = word_end
        self.start = start  # where in the page's content the marks begin, and end
        self.end = start
        self.marks: list[str] = []

    def wrap(self, stream: Any, letter: str, letter_glyph: str) -> None:
        """Draw the letter, with the cluster's text as its /ActualText; the marks' own span
        stands for nothing, so pdftotext reads the cluster once, where the letter is.

        Drawn right to left, the typed order is the letter, then the marks last drawn first;
        pdftotext spreads actual text over the letter's box left to right and reads it back
        right to left, so it is handed the typed text reversed. pypdf reads no actual text:
        it reads the glyphs' own, in drawing order, which was right already.
        """
        content = stream.stream
        content.insert(self.end, b"EMC")
        content.insert(self.start, b"/Span " + _actual_text("").data + b" BDC")
        typed = letter + "".join(reversed(self.marks))
        # A mark leftmost on a line or before a left-to-right word would be read as left to
        # right, apart from its letter: a right-to-left mark (invisible) before it keeps it
        # in its word.
        rtl_mark = "\u200f" if self.word_end else ""
        stream.begin_marked_content("Span", _actual_text(rtl_mark + typed[::-1]))
        _originals["show_text"](stream, letter_glyph)
        stream.end_marked_content()


def _actual_text(text: str) -> Any:
    return pydyf.Dictionary({"ActualText": pydyf.String(text)})


def _vector_font(
    font_dictionary: Any,
    pdf: Any,
    font: Any,
    widths: Any,
    compress: bool,
    reference: Any,
    pdf_version: Any,
) -> None:
    _originals["vector_font"](font_dictionary, pdf, font, widths, compress, reference, pdf_version)
    codes = font.to_unicode
    if font.type == "otf" or not isinstance(codes, _Codes):
        return
    if not codes.glyph_of and not font.missing:
        return  # every code is its own glyph: WeasyPrint's Identity map says so already
    missing = set(font.missing.values())
    table = bytearray()
    for code in range(max(dict.keys(codes)) + 1):
        glyph = codes.glyph_of.get(code)
        if glyph is None:
            glyph = 0 if code in missing or code >= font.glyph_count else code
        table += glyph.to_bytes(2, "big")
    glyph_map = pydyf.Stream([bytes(table)], compress=compress)
    pdf.add_object(glyph_map)
    descendant = int(font_dictionary["DescendantFonts"][0].split()[0])
    pdf.objects[descendant]["CIDToGIDMap"] = glyph_map.reference
    # Two-byte codes that every reader decodes, instead of WeasyPrint's custom encoding for
    # missing glyphs (which pypdf reads a byte at a time).
    font_dictionary["Encoding"] = "/Identity-H"


def install() -> bool:
    """Put the above into WeasyPrint, once; False (and a warning) on a WeasyPrint it was not
    written for, which is then left as it is."""
    if _originals:
        return True
    if not weasyprint.__version__.startswith(SUPPORTED_WEASYPRINT):
        log.warning(
            "Charter text: WeasyPrint %s is not %sx; scripts that reorder may not extract",
            weasyprint.__version__,
            SUPPORTED_WEASYPRINT,
        )
        return False
    _originals.update(
        init=wp_fonts.Font.__init__,
        clean=wp_fonts.Font.clean,
        vector_font=wp_fonts._build_vector_font_dictionary,
        show_text=wp_stream.Stream.show_text,
        end_text=wp_stream.Stream.end_text,
    )
    wp_fonts.Font.__init__ = _font_init
    wp_fonts.Font.clean = _clean
    wp_fonts.Font.get_unused_glyph_id = _unused_glyph_id
    wp_fonts._build_vector_font_dictionary = _vector_font
    wp_stream.Stream.show_text = _show_text
    wp_stream.Stream.end_text = _end_text
    return True
