"""What a screen reader hears of the charter: its tagged structure, as the HTML says it.

WeasyPrint 70 tags the PDF (``pdf_tags``) from the HTML but leaves out two things the HTML
already says, so they are put in here, installed once before any charter is drawn:

* ``lang``: a structure element for an HTML element with a ``lang`` attribute carries
  ``/Lang`` (the agency's te reo Māori name is read as te reo, not as English);
* ``aria-hidden="true"``: the element is decoration (the wordmark). Its text is drawn as an
  ``/Artifact`` rather than as tagged content and it gets no structure element, so it is not
  read aloud. WeasyPrint's elements have no parent link, so the attribute goes on the element
  whose text it is (the wordmark's ``span``) as well as on the block around it.

The QR code's alternative text needs nothing here: WeasyPrint reads an inline SVG's
``<title>`` into its figure's ``/Alt`` (see ``html._qr_svg``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import stream as wp_stream
from weasyprint.pdf import tags as wp_tags

_originals: dict[str, Any] = {}


def _element(box: Any) -> Any:
    box = getattr(box, "_box", box)  # an absolutely placed box stands in for its own
    return getattr(box, "element", None)


def _hidden(box: Any) -> bool:
    element = _element(box)
    return element is not None and element.get("aria-hidden") == "true"


def _build_box_tree(box: Any, parent: Any, pdf: Any, *rest: Any) -> Iterator[Any]:
    if _hidden(box):
        return  # drawn as an artifact (``_marked``): nothing of it in the structure
    element = _element(box)
    language = element.get("lang") if element is not None else None
    for structure in _originals["build_box_tree"](box, parent, pdf, *rest):
        if language and element.tag != "html":
            structure["Lang"] = pydyf.String(language)
        yield structure


@contextlib.contextmanager
def _marked(self: Any, box: Any, tag: str) -> Iterator[None]:
    if _hidden(box):
        with self.artifact():
            yield
        return
    with _originals["marked"](self, box, tag):
        yield


def install() -> None:
    """Put the above into WeasyPrint, once."""
    if _originals:
        return
    _originals.update(build_box_tree=wp_tags._build_box_tree, marked=wp_stream.Stream.marked)
    wp_tags._build_box_tree = _build_box_tree
    wp_stream.Stream.marked = _marked
