"""Charter HTML to PDF/A with WeasyPrint: the step that costs time, run in the render process.

Same document, same bytes: the PDF's dates come from the approval time (a ``dcterms.created``
meta in the HTML), its file identifier from the charter number and revision hash, and no
attachments are embedded, so a stored charter can be regenerated and compared hash for hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import weasyprint

from registry.charters import cluster_text, structure
from registry.charters.document import CharterDocument
from registry.charters.fetcher import ASSET_BASE_URL, ASSETS_DIR, BundledAssetFetcher
from registry.charters.limits import CharterTooLarge

# Text in every script reads back as typed (see the module): before any charter is drawn, in
# every process that draws one (this module is what the render process imports).
cluster_text.install()
# The structure says what the HTML says: languages, and decoration not read aloud.
structure.install()

# WeasyPrint options shared by our render and the bare benchmark render. PDF/A-3u: embedded
# fonts, an sRGB output intent, XMP metadata and Unicode text that extracts with macrons intact.
# Tags make the PDF navigable by screen readers and (checked by the tests) stay deterministic.
PDF_OPTIONS: Mapping[str, Any] = {
    "pdf_variant": "pdf/a-3u",
    "pdf_tags": True,
    "attachments": None,
    "custom_metadata": False,
    "presentational_hints": False,
    "full_fonts": False,
    "hinting": False,
    "uncompressed_pdf": False,
}


def pdf_identifier(document: CharterDocument) -> bytes:
    """The PDF's /ID: fixed by what was approved, so it is the same on every render."""
    seed = f"{document.charter_number}\n{document.content_sha256}".encode()
    return hashlib.sha256(seed).hexdigest()[:32].encode("ascii")


def write_pdf(html: str, identifier: bytes, max_pages: int) -> bytes:
    """``html`` (from ``charter_html``) as PDF/A-3u bytes, or CharterTooLarge past
    ``max_pages``. Through our fetcher only; no time bound of its own (the caller's process is
    the bound)."""
    options = {**PDF_OPTIONS, "pdf_identifier": identifier}
    page = weasyprint.HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=BundledAssetFetcher())
    rendered = page.render(**options)
    if len(rendered.pages) > max_pages:
        raise CharterTooLarge(
            f"The charter runs to {len(rendered.pages)} pages; the most is {max_pages}."
        )
    # The template has no <link rel="attachment"> and user text is escaped, so this is
    # empty; clearing it keeps "a charter embeds no files" true whatever the template says.
    rendered.metadata.attachments = []
    return rendered.write_pdf(**options)


def bare_render(html: str, identifier: bytes | None = None) -> bytes:
    """``html`` rendered by plain WeasyPrint with the same PDF options and the same assets.

    For the benchmark: the stock fetcher reads the same stylesheet and fonts from the assets
    folder by file URL, with none of our fetcher, caps or deadline. Never use it for user data.
    """
    options = {**PDF_OPTIONS, "pdf_identifier": identifier or b"0" * 32}
    return weasyprint.HTML(string=html, base_url=str(ASSETS_DIR) + "/").write_pdf(**options)
