"""Render a charter to PDF: deterministic, self-contained and bounded.

No Flask and no database: everything comes from a :class:`CharterDocument`.

* **Nothing is fetched but our own files** (``fetcher``).
* **Same document, same bytes** (``pdf``): a stored charter can be regenerated and compared.
* **Absurd input cannot hang a worker.** The amount of text, list lengths, unbroken runs and
  pages are capped (``limits``), and the PDF step runs in a child process that is killed at
  its deadline (``render_process``), from whichever thread asked for it.
"""

from __future__ import annotations

from registry.charters import limits
from registry.charters.document import CharterDocument
from registry.charters.html import charter_html
from registry.charters.limits import check_size
from registry.charters.pdf import pdf_identifier, write_pdf
from registry.charters.render_process import render_in_child

DEFAULT_TIMEOUT_SECONDS = 30.0


def render_charter_pdf(
    document: CharterDocument,
    *,
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
    hold_seconds: float = 0.0,
) -> bytes:
    """The charter's PDF/A-3u bytes: identical for an identical document.

    Raises CharterTooLarge (text or pages over the caps), CharterRenderTimeout (past
    ``timeout`` seconds, the render process killed; ``None`` for no limit) or
    CharterRenderError. ``hold_seconds`` is for the tests only (see ``render_in_child``).
    """
    check_size(document)
    return render_in_child(
        charter_html(document),
        pdf_identifier(document),
        limits.MAX_PAGES,
        timeout,
        hold_seconds,
    )


def render_in_process(document: CharterDocument) -> bytes:
    """The same render in this process, with the caps but no time bound: what the render
    process runs, for the tests to compare against and the benchmark to measure."""
    check_size(document)
    return write_pdf(charter_html(document), pdf_identifier(document), limits.MAX_PAGES)
