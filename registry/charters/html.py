"""The charter as HTML, from a :class:`CharterDocument`: our own Jinja environment with
autoescaping always on, so every value from the document is printed, never obeyed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from registry.charters.document import CharterDocument
from registry.charters.limits import LONG_RUN, CharterTooLarge

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
TEMPLATE_NAME = "charters/charter.html"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; single newlines stay inside (CSS keeps them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [part.strip("\n") for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def _runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (chunk, is_long_run) pieces, in order, losing nothing.

    The template puts each long run in a span of its own: see RUN_SPAN_CHARS.
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in LONG_RUN.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


@cache
def _environment() -> Environment:
    # Our own environment rather than Flask's, so charters render from the CLI, a worker or a
    # test without an app, and always with autoescaping on whatever the file is called.
    environment = Environment(
        autoescape=True,
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["paragraphs"] = _paragraphs
    environment.filters["runs"] = _runs
    return environment


def _utc_iso(moment: datetime) -> str:
    # Naive values are UTC by the registry's convention; seconds are the finest the PDF keeps.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _qr_svg(url: str) -> Markup:
    try:
        code = segno.make_qr(url, error="m")
    except segno.DataOverflowError as error:
        raise CharterTooLarge("The verification URL is too long for a QR code.") from error
    # The title is the figure's alternative text in the PDF (WeasyPrint reads an inline SVG's
    # <title> into /Alt); segno escapes it.
    svg = code.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        title=f"QR code: scan it to open this charter's verification page, {url}",
    )
    # Safe to mark as Markup: segno writes only an <svg>, the escaped <title> above, and a
    # <path> whose attributes are numbers and move/line commands derived from the QR modules.
    return Markup(svg)  # noqa: S704 - see above


def _wordmark(agency_name: str) -> str:
    """The agency's initials for the text logo: "Ministry for Ethnic Communities" gives MEC."""
    initials = "".join(word[0] for word in agency_name.split() if word[:1].isupper())
    return initials[:5] or agency_name[:3]


def charter_html(document: CharterDocument) -> str:
    """The charter as HTML; every value from the document is escaped by Jinja."""
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        document=document,
        wordmark=_wordmark(document.agency_name),
        created=_utc_iso(document.approved_at),
        qr_svg=_qr_svg(document.verify_url),
    )
