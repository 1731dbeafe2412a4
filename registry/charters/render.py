"""Render a charter to PDF with WeasyPrint: deterministic, self-contained and bounded.

No Flask and no database: everything comes from a :class:`CharterDocument`. Three properties
matter more than looks:

* **Nothing is fetched but our own files.** :class:`BundledAssetFetcher` answers only for the
  stylesheet and fonts in ``static/charters/`` under a fixed internal origin, reads them from disk
  itself and never opens a connection, so user text can never make the renderer read a local
  file or reach a network service (nor be redirected to one).
* **Same document, same bytes.** The PDF's dates come from the approval time, its file
  identifier from the charter number and revision hash, and no attachments are embedded, so a
  stored charter can be regenerated and compared hash for hash.
* **Absurd input cannot hang a worker.** The amount of text (weighted by what it costs to lay
  out), list lengths, unbroken runs, pages and wall-clock time are all capped.
"""

from __future__ import annotations

import hashlib
import logging
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn
from urllib.parse import urlsplit

import segno
import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint.urls import URLFetcher, URLFetcherResponse

from registry.charters.document import CharterDocument

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
ASSETS_DIR = PROJECT_ROOT / "static" / "charters"
TEMPLATE_NAME = "charters/charter.html"

# The origin the template and stylesheet resolve their relative URLs against. ``.invalid`` is
# reserved (RFC 2606) and can never resolve, so even a fetcher bug could not reach a real host;
# an https-shaped base (rather than a private scheme) lets urljoin resolve ``fonts/x.ttf``.
ASSET_BASE_URL = "https://charter-assets.invalid/"

# Only these kinds of file in the assets folder are ever served; anything else there (the fonts'
# LICENSE, a stray editor backup) is not part of the rendering surface.
ASSET_MEDIA_TYPES: Mapping[str, str] = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
}

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
DEFAULT_TIMEOUT_SECONDS = 30.0
# After the deadline the alarm keeps firing at this interval: WeasyPrint catches broad
# exceptions around fetches and font loading, so one alarm may be swallowed; the next one lands
# in code that lets it through.
_ALARM_REPEAT_SECONDS = 0.05

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


class CharterRenderError(Exception):
    """The charter could not be rendered; the proposal stays approved with its charter pending."""


class CharterTooLarge(CharterRenderError):
    """The document has more text or pages than a charter can reasonably have."""


class CharterRenderTimeout(CharterRenderError):
    """Rendering ran past its wall-clock limit."""


class AssetRefused(ValueError):
    """The fetcher was asked for something that is not one of the charter's bundled assets.

    A ValueError, as WeasyPrint's own fetcher raises for disallowed protocols: WeasyPrint logs
    it as a warning and renders without the resource.
    """


# --- Fetcher ---------------------------------------------------------------------------------


@cache
def _asset_bytes(path: Path) -> bytes:
    # The fonts are ~2.5 MB together and never change while the process runs.
    return path.read_bytes()


def _bundled_assets(assets_dir: Path) -> dict[str, Path]:
    """URL path (``/fonts/DejaVuSans.ttf``) to file, for every servable file in the folder."""
    root = assets_dir.resolve()
    assets: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in ASSET_MEDIA_TYPES:
            continue
        resolved = path.resolve()
        # A symlink pointing out of the folder would otherwise turn into a file-read primitive.
        if not resolved.is_relative_to(root):
            continue
        assets["/" + path.relative_to(root).as_posix()] = resolved
    return assets


class BundledAssetFetcher(URLFetcher):
    """Serve the charter's bundled stylesheet and fonts; refuse every other URL.

    The lookup is an exact match of the URL's path against the files listed when the fetcher
    is built, so ``..``, percent-encoded tricks, other schemes (file:, http:, ftp:, data:) and
    other hosts (127.0.0.1, 169.254.169.254, ...) all miss. Nothing is ever opened over a
    network, so there is no redirect to follow. The urllib machinery inherited from
    ``URLFetcher`` is configured to allow no protocol at all and is never called.
    """

    def __init__(self, assets_dir: Path = ASSETS_DIR, base_url: str = ASSET_BASE_URL) -> None:
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
        base = urlsplit(base_url)
        self._scheme = base.scheme
        self._netloc = base.netloc
        self._assets = _bundled_assets(assets_dir)

    @property
    def asset_paths(self) -> frozenset[str]:
        return frozenset(self._assets)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = self._resolve(url)
        media_type = ASSET_MEDIA_TYPES[path.suffix.lower()]
        return URLFetcherResponse(
            url, body=_asset_bytes(path), headers={"Content-Type": media_type}, status=200
        )

    def _resolve(self, url: str) -> Path:
        try:
            parts = urlsplit(url)
        except ValueError:
            self._refuse(url, "malformed URL")
        if parts.scheme != self._scheme or parts.netloc != self._netloc:
            self._refuse(url, "not the charter asset origin")
        if parts.query or parts.fragment:
            self._refuse(url, "bundled assets take no query or fragment")
        path = self._assets.get(parts.path)
        if path is None:
            self._refuse(url, "not a bundled charter asset")
        return path

    @staticmethod
    def _refuse(url: str, reason: str) -> NoReturn:
        # Truncated and repr'd: a data: URL can be megabytes, and user text must not forge lines.
        shown = url if len(url) <= 200 else url[:200] + "..."
        log.warning("Charter renderer refused to fetch %r: %s", shown, reason)
        raise AssetRefused(f"Refused to fetch {shown!r}: {reason}")


# --- HTML ------------------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_LONG_RUN = re.compile(rf"\S{{{RUN_SPAN_CHARS},}}")


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
    for match in _LONG_RUN.finditer(text):
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
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None)
    # Safe to mark as Markup: segno writes only an <svg> and a <path> whose attributes are
    # numbers and move/line commands derived from the QR modules. The URL's characters are
    # encoded into that bit pattern and never copied into the markup (no title or desc given).
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


# --- Guards ----------------------------------------------------------------------------------


def _breaks_anywhere(char: str) -> bool:
    # Chinese, Japanese and Korean text has a line break opportunity between most characters
    # and no spaces: a long paragraph of it is not an unbroken run.
    return unicodedata.east_asian_width(char) in ("W", "F")


def _unbroken_runs(text: str) -> Iterator[int]:
    """Lengths of the runs in ``text`` with no space and no CJK character to break at."""
    for match in _LONG_RUN.finditer(text):
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
        size += LINE_COST_CHARS * sum(1 for _ in _LONG_RUN.finditer(text))
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


class _Alarm:
    armed = False
    fired = False


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise CharterRenderTimeout in the body after ``seconds`` of wall-clock time.

    Signals only reach the main thread, so elsewhere (threaded servers, tests in threads) this
    does nothing and the size and page caps are the only bound.
    """
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None
    alarm = _Alarm()

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        # Once disarmed (the body has finished), a late alarm must not raise into our cleanup.
        if alarm.armed:
            alarm.fired = True
            raise CharterRenderTimeout(f"Rendering the charter took longer than {seconds:g} s.")

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    alarm.armed = True
    previous_delay, previous_interval = signal.setitimer(
        signal.ITIMER_REAL, max(seconds, 1e-6), _ALARM_REPEAT_SECONDS
    )
    started = time.monotonic()
    try:
        yield
    except CharterRenderTimeout:
        raise
    except Exception as error:
        # WeasyPrint may have wrapped our exception in its own (e.g. a fetch error).
        if alarm.fired:
            raise CharterRenderTimeout(
                f"Rendering the charter took longer than {seconds:g} s."
            ) from error
        raise
    else:
        if alarm.fired:
            # The alarm fired but WeasyPrint swallowed it and carried on: still too slow.
            raise CharterRenderTimeout(f"Rendering the charter took longer than {seconds:g} s.")
    finally:
        # Nested so that an alarm landing on the first disarm still reaches the cleanup, which
        # disarms again before touching the timer: no alarm can interrupt the restore.
        try:
            alarm.armed = False
        finally:
            alarm.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(
                signal.SIGALRM,
                previous_handler if previous_handler is not None else signal.SIG_DFL,
            )
            if previous_delay:
                # Give an outer timer (a test runner's, a server's) back what it had left.
                left = previous_delay - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), previous_interval)


# --- PDF -------------------------------------------------------------------------------------


def pdf_identifier(document: CharterDocument) -> bytes:
    """The PDF's /ID: fixed by what was approved, so it is the same on every render."""
    seed = f"{document.charter_number}\n{document.content_sha256}".encode()
    return hashlib.sha256(seed).hexdigest()[:32].encode("ascii")


def render_charter_pdf(
    document: CharterDocument, *, timeout: float | None = DEFAULT_TIMEOUT_SECONDS
) -> bytes:
    """The charter's PDF/A-3u bytes: identical for an identical document.

    Raises CharterTooLarge (text or pages over the caps), CharterRenderTimeout (past
    ``timeout`` seconds, main thread only; ``None`` for no limit) or CharterRenderError.
    """
    check_size(document)
    options = {**PDF_OPTIONS, "pdf_identifier": pdf_identifier(document)}
    with _deadline(timeout):
        html = charter_html(document)
        page = weasyprint.HTML(
            string=html, base_url=ASSET_BASE_URL, url_fetcher=BundledAssetFetcher()
        )
        rendered = page.render(**options)
        if len(rendered.pages) > MAX_PAGES:
            raise CharterTooLarge(
                f"The charter runs to {len(rendered.pages)} pages; the most is {MAX_PAGES}."
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
