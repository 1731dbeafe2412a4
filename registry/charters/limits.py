"""What a charter may hold, checked before any time is spent laying it out, and the errors a
render reports.

Absurd input cannot tie up a worker: the amount of text (weighted by what it costs to lay
out), list lengths, unbroken runs and pages are capped here; wall-clock time is bounded by
running the render in a process that is killed at its deadline (``render_process``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import fields, is_dataclass

from registry.charters.document import CharterDocument

# About what MAX_PAGES of the densest section (terms of use, ~5 000 characters a page) holds:
# anything longer would be refused by the page cap anyway, after seconds of wasted layout.
MAX_USER_TEXT_CHARS = 250_000
# Each line break and each list item or table row costs layout work (and page space) that its
# characters alone don't show: ("", "", "") monitoring rows or "a\n" * 200_000 would otherwise
# pass the text cap and lay out thousands of pages before the page cap could refuse them.
LINE_COST_CHARS = 80
MAX_PAGES = 60
# WeasyPrint wraps a run with no break opportunity (overflow-wrap: anywhere) by laying out the
# rest of its text box again for every line, so a run costs about its length squared. Measured
# here: 380 000 characters in 2 000-character runs took 22 s in a table cell, against under 2 s
# for the same amount of prose. So: runs of RUN_SPAN_CHARS or more get a box of their own (the
# cost is per run, not per paragraph), each run adds length² / RUN_COST_DIVISOR to the size
# counted against MAX_USER_TEXT_CHARS, and a single run over MAX_UNBROKEN_RUN is refused outright
# (2 000 covers any real URL; one of 50 000 alone takes 15 s).
RUN_SPAN_CHARS = 20
RUN_COST_DIVISOR = 300
MAX_UNBROKEN_RUN = 2_000
# Table rows spanning pages are the dearest thing to lay out (1 445 compliance rows took 49 s);
# no real list (rules, sign-offs, weekly windows, links) comes near this.
MAX_LIST_ITEMS = 100

LONG_RUN = re.compile(rf"\S{{{RUN_SPAN_CHARS},}}")


class CharterRenderError(Exception):
    """The charter could not be rendered; the proposal stays approved with its charter pending."""


class CharterTooLarge(CharterRenderError):
    """The document has more text or pages than a charter can reasonably have."""


class CharterRenderTimeout(CharterRenderError):
    """Rendering ran past its wall-clock limit."""


def _breaks_anywhere(char: str) -> bool:
    # Chinese, Japanese and Korean text has a line break opportunity between most characters
    # and no spaces: a long paragraph of it is not an unbroken run.
    return unicodedata.east_asian_width(char) in ("W", "F")


def _unbroken_runs(text: str) -> Iterator[int]:
    """Lengths of the runs in ``text`` with no space and no CJK character to break at."""
    for match in LONG_RUN.finditer(text):
        length = 0
        for char in match.group():
            if _breaks_anywhere(char):
                yield length
                length = 0
            else:
                length += 1
        yield length


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _strings(getattr(value, item.name))


def _items(value: object) -> int:
    """How many list items and table rows the document has (each is a line at least)."""
    if isinstance(value, tuple | list):
        return len(value) + sum(_items(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return sum(_items(getattr(value, item.name)) for item in fields(value))
    return 0


def _longest_list(value: object) -> int:
    if isinstance(value, tuple | list):
        return max(len(value), *(_longest_list(item) for item in value)) if value else 0
    if is_dataclass(value) and not isinstance(value, type):
        return max((_longest_list(getattr(value, item.name)) for item in fields(value)), default=0)
    return 0


def layout_size(document: CharterDocument) -> int:
    """Roughly how much layout work the document is, in characters of plain prose.

    Characters, plus a line's worth for every line break, list item, table row and long run,
    plus the quadratic cost of wrapping each long unbroken run (see RUN_COST_DIVISOR).
    """
    size = LINE_COST_CHARS * _items(document)
    for text in _strings(document):
        size += len(text) + LINE_COST_CHARS * text.count("\n")
        # Each long run is a box of its own, which costs about as much as a line.
        size += LINE_COST_CHARS * sum(1 for _ in LONG_RUN.finditer(text))
        size += sum(run * run // RUN_COST_DIVISOR for run in _unbroken_runs(text))
    return size


def check_size(document: CharterDocument) -> None:
    """Refuse documents no real charter could be, before spending any time laying them out.

    Cheap (one pass over the text), so forms and services can call it early too.
    """
    # Plain length first: it is the cheapest check and bounds the work of the other two.
    length = sum(len(text) for text in _strings(document))
    if length > MAX_USER_TEXT_CHARS:
        raise CharterTooLarge(
            f"The charter's text is {length:,} characters; the most a charter can hold is"
            f" {MAX_USER_TEXT_CHARS:,}."
        )
    items = _longest_list(document)
    if items > MAX_LIST_ITEMS:
        raise CharterTooLarge(
            f"One of the charter's lists has {items:,} entries; the most a charter can list is"
            f" {MAX_LIST_ITEMS:,}."
        )
    run = max((max(_unbroken_runs(text), default=0) for text in _strings(document)), default=0)
    if run > MAX_UNBROKEN_RUN:
        raise CharterTooLarge(
            f"The charter's text has a run of {run:,} characters with no space or line break;"
            f" the longest a charter can wrap is {MAX_UNBROKEN_RUN:,}."
        )
    size = layout_size(document)
    if size > MAX_USER_TEXT_CHARS:
        raise CharterTooLarge(
            f"The charter's text is too long: about {size:,} characters' worth of layout"
            f" (line breaks, list items, table rows and long unbroken runs count extra); the"
            f" most a charter can hold is {MAX_USER_TEXT_CHARS:,}."
        )
