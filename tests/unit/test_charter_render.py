"""The charter PDF: what it says, that it renders to the same bytes, and that hostile or absurd
input can neither reach outside the registry nor tie up a worker."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from registry.charters import limits
from registry.charters.document import CharterDocument
from registry.charters.html import charter_html
from registry.charters.limits import (
    CharterRenderError,
    CharterRenderTimeout,
    CharterTooLarge,
    check_size,
)
from registry.charters.pdf import bare_render, pdf_identifier
from registry.charters.render import render_charter_pdf, render_in_process
from tests.charters_sample import RULE_IDS, SIGNOFFS, sample_document

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "charter"

HOSTILE = (
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    "<script>alert(1)</script>",
    "{{7*7}}",
)


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_charter_pdf(sample_document())


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(pdf).pages)


def one_line(text: str) -> str:
    # Table cells wrap; compare content regardless of where lines broke.
    return " ".join(text.split())


def font_names(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in read(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def assert_no_embedded_files(pdf: bytes) -> None:
    reader = read(pdf)
    assert reader.attachments == {}
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert b"/EmbeddedFile" not in pdf and b"/Filespec" not in pdf


# --- What it says ----------------------------------------------------------------------------


def test_the_charter_shows_what_was_approved_and_by_whom(sample_pdf: bytes) -> None:
    text = text_of(sample_pdf)
    flat = one_line(text)
    assert "Social media channel charter" in text
    assert "Te Tari Mātāwaka" in text  # macron intact, from the bundled font's ToUnicode map
    assert "Ministry for Ethnic Communities" in text
    assert "MEC-CH-2026-0007" in text
    for rule_id in RULE_IDS:
        assert rule_id in text
    assert flat.count("Pass") >= len(RULE_IDS)
    for signoff in SIGNOFFS:
        assert signoff.name in text
        assert signoff.capacity in flat
        assert signoff.signed_at in flat
    assert "Acting Chief Executive" in flat
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        assert f"{day} 8:30am 5:00pm" in flat
    assert "Out-of-hours message" in text
    assert "9f2c4e1a7b3d5f60812a9c4be7d03f5a6c1e8b2d4f7a9c0e3b5d7f9a1c2e4b6d" in text
    assert "25 November 2027" in text
    assert "Verify this charter at" in text
    assert "registry.ethniccommunities.govt.nz/charters/MEC-CH-2026-0007/verify" in flat.replace(
        "/ ", "/"
    )
    assert "Page 1 of" in text


def test_terms_of_use_keep_their_paragraphs_and_line_breaks(sample_pdf: bytes) -> None:
    text = text_of(sample_pdf)
    # A single newline in the terms stays a line break, not a space.
    assert "repeatedly.\nPlease do not share personal information" in text


def test_the_page_count_is_sensible(sample_pdf: bytes) -> None:
    pages = len(read(sample_pdf).pages)
    assert 2 <= pages <= 6
    assert f"Page {pages} of {pages}" in text_of(sample_pdf)


def test_the_running_header_carries_the_charter_number(sample_pdf: bytes) -> None:
    second_page = read(sample_pdf).pages[1].extract_text()
    assert "Charter MEC-CH-2026-0007" in second_page
    assert "Page 2 of" in second_page


def test_notes_and_failed_rules_are_shown() -> None:
    rows = sample_document().compliance
    failing = rows[0].__class__(
        rule_id="SMP-TEST",
        title="A test rule",
        heading="Testing",
        clause="A clause.",
        passed=False,
        messages=("Fix this first.",),
    )
    document = sample_document(
        compliance=(*rows, failing),
        notes=("Approved during the pre-election period.",),
    )
    text = one_line(text_of(render_charter_pdf(document)))
    assert "Approved during the pre-election period." in text
    assert "SMP-TEST" in text and "Fail" in text and "Fix this first." in text


def test_related_channels_are_listed_instead_of_the_reason() -> None:
    document = sample_document(
        related_channels=("MEC Facebook (facebook.com/MECNZ)",), no_related_reason=""
    )
    text = text_of(render_charter_pdf(document))
    assert "MEC Facebook (facebook.com/MECNZ)" in text
    assert "No related channel applies" not in text


def test_only_the_bundled_fonts_are_used_and_nothing_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        pdf = render_charter_pdf(sample_document(notes=("x",)))
    # No font fell back to a system font, and no fetch failed or was refused.
    assert font_names(pdf) <= {
        "Registry-Sans",
        "Registry-Sans-Bold",
        "Registry-Sans-Italic",
        "Registry-Mono",
    }
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- Same document, same bytes ---------------------------------------------------------------


def test_the_same_document_renders_to_identical_bytes(sample_pdf: bytes) -> None:
    again = render_charter_pdf(sample_document())
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(sample_pdf).hexdigest()


def test_the_same_document_renders_identically_in_a_fresh_process(sample_pdf: bytes) -> None:
    # A stored charter is regenerated by another worker, maybe years later: nothing may depend
    # on this process (hash seed, temporary font folders, caches).
    project = Path(__file__).resolve().parents[2]
    script = (
        "import hashlib, sys\n"
        "from tests.charters_sample import sample_document\n"
        "from registry.charters.render import render_charter_pdf\n"
        "sys.stdout.write(hashlib.sha256(render_charter_pdf(sample_document())).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout == hashlib.sha256(sample_pdf).hexdigest()


def test_a_different_approval_time_gives_different_bytes(sample_pdf: bytes) -> None:
    later = sample_document(approved_at=datetime(2026, 11, 24, 21, 44, 12, tzinfo=UTC))
    assert render_charter_pdf(later) != sample_pdf


def test_the_pdf_dates_and_identifier_come_from_the_document(sample_pdf: bytes) -> None:
    reader = read(sample_pdf)
    assert reader.metadata["/CreationDate"] == "D:20261124214312Z"
    assert reader.metadata["/ModDate"] == "D:20261124214312Z"
    identifier = pdf_identifier(sample_document())
    assert str(reader.trailer["/ID"][0]) == identifier.decode("ascii")
    other = sample_document(content_sha256="0" * 64)
    assert pdf_identifier(other) != identifier


def test_naive_approval_times_are_taken_as_utc() -> None:
    aware = charter_html(sample_document())
    naive = charter_html(sample_document(approved_at=datetime(2026, 11, 24, 21, 43, 12)))
    assert aware == naive
    assert '<meta name="dcterms.created" content="2026-11-24T21:43:12Z">' in aware


# --- PDF/A and no attachments ----------------------------------------------------------------


def test_the_pdf_declares_pdf_a_3u(sample_pdf: bytes) -> None:
    reader = read(sample_pdf)
    assert sample_pdf.startswith(b"%PDF-1.7")
    xmp = reader.xmp_metadata
    assert xmp is not None
    rdf = xmp.rdf_root.toxml()
    assert 'pdfaid:part="3"' in rdf
    assert 'pdfaid:conformance="U"' in rdf
    root = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    # Tagged for screen readers (pdf_tags), which also keeps reading order for extraction.
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]


def _structure_elements(pdf: bytes) -> list:
    """Every structure element reachable from the structure tree's root, depth first."""
    found = []
    pending = list(read(pdf).trailer["/Root"]["/StructTreeRoot"]["/K"])
    while pending:
        kid = pending.pop()
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if not hasattr(kid, "get") or kid.get("/Type") != "/StructElem":
            continue  # a marked-content id or an annotation reference
        found.append(kid)
        kids = kid.get("/K", [])
        pending.extend(kids if isinstance(kids, list) else [kids])
    return found


def _text_by_marking(pdf: bytes) -> list[tuple[str, bool]]:
    """(text drawn, whether it was drawn as an artifact) for the first page, in drawing order."""
    marks: list[str] = []
    drawn: list[tuple[str, bool]] = []

    def before(operator: bytes, operands: list, *_: object) -> None:
        if operator in (b"BMC", b"BDC"):
            marks.append(str(operands[0]))
        elif operator == b"EMC" and marks:
            marks.pop()

    def text(chunk: str, *_: object) -> None:
        if chunk.strip():
            drawn.append((chunk, "/Artifact" in marks))

    read(pdf).pages[0].extract_text(visitor_operand_before=before, visitor_text=text)
    return drawn


def test_a_screen_reader_hears_te_reo_as_te_reo_and_not_the_wordmark(sample_pdf: bytes) -> None:
    elements = _structure_elements(sample_pdf)
    in_te_reo = [e for e in elements if e.get("/Lang") == "mi"]
    assert in_te_reo and in_te_reo[0]["/S"] == "/P"
    # The QR code is a figure with words for what it is and where it goes.
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 1
    assert figures[0]["/Alt"].startswith("QR code: scan it to open this charter's verification")
    # The wordmark ("MEC", decoration) is an artifact; the agency's names are content.
    drawn = _text_by_marking(sample_pdf)
    artifacts = "".join(chunk for chunk, artifact in drawn if artifact)
    content = "".join(chunk for chunk, artifact in drawn if not artifact)
    assert "MEC" in artifacts
    # What is read starts with the agency's names, not the initials drawn above them.
    assert content.startswith("Ministry for Ethnic CommunitiesTe Tari Mātāwaka"), content[:80]


def test_the_qr_code_title_is_escaped() -> None:
    from registry.charters.html import _qr_svg

    svg = str(_qr_svg("https://registry.example/verify?n=<script>&x=1"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<title>") == 1


def test_the_charter_embeds_no_files(sample_pdf: bytes) -> None:
    assert_no_embedded_files(sample_pdf)


# --- Hostile input ---------------------------------------------------------------------------


def test_markup_and_template_syntax_in_user_text_are_printed_literally(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hostile = " ".join(HOSTILE)
    document = sample_document(
        channel_name=hostile,
        handle=HOSTILE[1],
        purpose=hostile,
        terms_of_use=f"Terms.\n\n{hostile}",
        profile_statement=HOSTILE[0],
        profile_links=HOSTILE,
        liaison=HOSTILE[2],
        notes=(hostile,),
    )
    html = charter_html(document)
    for raw in ("<img src", "<script>", '<link rel="attachment'):
        assert raw not in html
    assert "&lt;img src=" in html
    with caplog.at_level(logging.WARNING):
        pdf = render_charter_pdf(document)
    text = text_of(pdf)
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert "<script>alert(1)</script>" in text
    assert "{{7*7}}" in text and " 49 " not in one_line(text)
    assert "root:x:0:0" not in text
    assert b"root:x:0:0" not in pdf
    assert_no_embedded_files(pdf)
    # Escaped markup is text, so WeasyPrint never even asked for the file.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- Guards ----------------------------------------------------------------------------------


def test_oversized_text_is_refused_before_rendering() -> None:
    document = sample_document(terms_of_use="Words and more words. " * 20_000)
    with pytest.raises(CharterTooLarge, match="the most a charter can hold"):
        render_charter_pdf(document)


def test_line_breaks_and_list_items_count_against_the_cap() -> None:
    # Few characters, but each is a line (or a table row) to lay out.
    with pytest.raises(CharterTooLarge):
        check_size(sample_document(terms_of_use="a\n" * 10_000))
    with pytest.raises(CharterTooLarge, match="lists has"):
        check_size(sample_document(monitoring_hours=(("", "", ""),) * 5_000))


def test_a_long_unbroken_run_is_refused_but_cjk_text_is_not() -> None:
    with pytest.raises(CharterTooLarge, match="no space or line break"):
        check_size(sample_document(channel_url="https://e.nz/" + "x" * 5_000))
    check_size(sample_document(terms_of_use="我们欢迎尊重他人的讨论。" * 1_000))
    check_size(sample_document(channel_url="https://e.nz/" + "x" * 1_900))


def test_long_runs_wrap_without_losing_text() -> None:
    url = "https://www.ethniccommunities.govt.nz/" + "abcdefghij" * 150
    hashes = " ".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(30))
    document = sample_document(channel_url=url, terms_of_use=f"Hashes follow.\n\n{hashes}")
    text = "".join(text_of(render_charter_pdf(document)).split())
    assert url in text
    assert hashes.replace(" ", "") in text


def test_too_many_pages_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real cap is 60 pages; lowering it keeps the test fast while using the same check
    # (the render process is given the cap in force when it is asked).
    monkeypatch.setattr(limits, "MAX_PAGES", 2)
    with pytest.raises(CharterTooLarge, match="pages"):
        render_charter_pdf(sample_document())


def big_document() -> CharterDocument:
    return sample_document(terms_of_use="A paragraph of terms of use. " * 6_000)


def _render_process_ids(records: list[logging.LogRecord], message: str) -> list[int]:
    return [r.args[0] for r in records if r.getMessage().startswith(message)]


def test_a_render_past_its_deadline_is_killed(caplog: pytest.LogCaptureFixture) -> None:
    started = time.monotonic()
    with (
        caplog.at_level(logging.INFO, logger="registry.charters.render_process"),
        pytest.raises(CharterRenderTimeout, match="longer than 0.5 s"),
    ):
        render_charter_pdf(big_document(), timeout=0.5)
    assert time.monotonic() - started < 10  # it did not run to the end of a render this big
    (killed,) = _render_process_ids(caplog.records, "Killed charter render process")
    assert _render_process_ids(caplog.records, "Rendering a charter in process") == [killed]
    with pytest.raises(ProcessLookupError):  # gone, not left rendering for nobody
        os.kill(killed, 0)


def _render_scratch() -> set[str]:
    folder = Path(tempfile.gettempdir())
    return {
        p.name for pattern in ("weasyprint-*", "registry-charter-*") for p in folder.glob(pattern)
    }


def test_a_render_leaves_no_files_behind_even_when_killed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """WeasyPrint writes the charter's fonts (52 MB with CJK) to a temporary folder per
    render; a render process that exits or is killed must not leave it: a worker renders
    thousands of charters."""
    # A temporary folder of the test's own, so renders by other processes do not count.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = _render_scratch()
    render_charter_pdf(sample_document())
    with pytest.raises(CharterRenderTimeout):
        render_charter_pdf(big_document(), timeout=0.5)
    assert _render_scratch() <= before


def test_the_deadline_holds_in_any_thread(sample_pdf: bytes) -> None:
    # The web server and the tests' inline jobs render on threads other than the main one.
    results: list[object] = []

    def work() -> None:
        for document, timeout in ((big_document(), 0.5), (sample_document(), 60)):
            try:
                results.append(render_charter_pdf(document, timeout=timeout))
            except Exception as error:  # reported to the main thread
                results.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert len(results) == 2
    assert isinstance(results[0], CharterRenderTimeout)
    assert results[1] == sample_pdf


def test_the_render_process_gives_the_bytes_of_an_in_process_render(sample_pdf: bytes) -> None:
    assert render_in_process(sample_document()) == sample_pdf


def test_a_render_process_that_dies_is_a_render_error(caplog: pytest.LogCaptureFixture) -> None:
    # Killed from outside (the out-of-memory killer, say) while it waits before rendering.
    failures: list[BaseException] = []

    def work() -> None:
        try:
            render_charter_pdf(sample_document(), timeout=60, hold_seconds=30)
        except CharterRenderError as error:
            failures.append(error)

    with caplog.at_level(logging.INFO, logger="registry.charters.render_process"):
        thread = threading.Thread(target=work)
        thread.start()
        deadline = time.monotonic() + 30
        while not (pids := _render_process_ids(caplog.records, "Rendering a charter in process")):
            assert time.monotonic() < deadline, "the render process never started"
            time.sleep(0.01)
        os.kill(pids[0], signal.SIGKILL)
        thread.join(timeout=30)
    assert len(failures) == 1 and "ended without a result" in str(failures[0])
    assert not isinstance(failures[0], CharterRenderTimeout)


# --- Benchmark baseline and a look at the pages ----------------------------------------------


def test_bare_render_lays_out_the_same_document(sample_pdf: bytes) -> None:
    bare = bare_render(charter_html(sample_document()))
    assert len(read(bare).pages) == len(read(sample_pdf).pages)
    assert font_names(bare) == font_names(sample_pdf)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_render_pages_for_a_human_to_look_at(sample_pdf: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    (ARTIFACTS / "charter.pdf").write_bytes(sample_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "charter.pdf", "page"],
        cwd=ARTIFACTS,
        check=True,
        timeout=60,
    )
    assert len(list(ARTIFACTS.glob("page-*.png"))) == len(read(sample_pdf).pages)
