"""The charter renderer's URL fetcher serves its own bundled assets and refuses everything else,
including through WeasyPrint, and never opens a connection (so never follows a redirect)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import weasyprint

from registry.charters.fetcher import (
    ASSET_BASE_URL,
    ASSETS_DIR,
    AssetRefused,
    BundledAssetFetcher,
)
from registry.charters.fonts import SCRIPT_FONTS, missing_fonts, system_font_assets

FORBIDDEN = (
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "http://127.0.0.1/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "ftp://example.com/x",
    "https://example.com/font.ttf",
    "data:text/css,body{color:red}",
    "data:font/ttf;base64,AAAA",
    # Right host, wrong everything else.
    "http://charter-assets.invalid/charter.css",
    "https://charter-assets.invalid:443/charter.css",
    "https://user@charter-assets.invalid/charter.css",
    "https://charter-assets.invalid.example.com/charter.css",
    "https://charter-assets.invalid/charter.css?v=1",
    "https://charter-assets.invalid/charter.css#top",
    # Out of the assets folder, however spelt.
    "https://charter-assets.invalid/../../../../etc/passwd",
    "https://charter-assets.invalid/fonts/../../templates/charters/charter.html",
    "https://charter-assets.invalid/%2e%2e/%2e%2e/etc/passwd",
    "https://charter-assets.invalid/..%2f..%2fetc%2fpasswd",
    "https://charter-assets.invalid//etc/passwd",
    # In the folder but not a kind of file the charter uses.
    "https://charter-assets.invalid/fonts/LICENSE.txt",
    "https://charter-assets.invalid/fonts/",
    "https://charter-assets.invalid/",
)


@pytest.fixture
def fetcher() -> BundledAssetFetcher:
    return BundledAssetFetcher()


@pytest.mark.parametrize("url", FORBIDDEN)
def test_everything_but_the_bundled_assets_is_refused(
    fetcher: BundledAssetFetcher, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="registry.charters.render"),
        pytest.raises(AssetRefused),
    ):
        fetcher.fetch(url)
    assert any("refused to fetch" in record.getMessage() for record in caplog.records)


def test_the_inherited_entry_points_are_refused_too(fetcher: BundledAssetFetcher) -> None:
    # WeasyPrint calls the fetcher itself; urllib-style callers use open(). Both land in fetch.
    with pytest.raises(AssetRefused):
        fetcher("file:///etc/passwd")
    with pytest.raises(AssetRefused):
        fetcher.open("http://169.254.169.254/latest/meta-data/")


def test_it_serves_the_bundled_stylesheet(fetcher: BundledAssetFetcher) -> None:
    response = fetcher.fetch(ASSET_BASE_URL + "charter.css")
    body = response.read()
    assert response.content_type == "text/css"
    assert response.charset == "utf-8"
    assert body == (ASSETS_DIR / "charter.css").read_bytes()
    assert b"@font-face" in body


@pytest.mark.parametrize(
    "name",
    ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSansMono.ttf"],
)
def test_it_serves_the_bundled_fonts(fetcher: BundledAssetFetcher, name: str) -> None:
    response = fetcher.fetch(f"{ASSET_BASE_URL}fonts/{name}")
    assert response.content_type == "font/ttf"
    assert response.read() == (ASSETS_DIR / "fonts" / name).read_bytes()
    assert response.url == f"{ASSET_BASE_URL}fonts/{name}"


def test_it_lists_only_what_it_serves(fetcher: BundledAssetFetcher) -> None:
    assert "/charter.css" in fetcher.asset_paths
    assert "/fonts/DejaVuSans.ttf" in fetcher.asset_paths
    assert all(path.endswith((".css", ".ttf", ".ttc", ".svg")) for path in fetcher.asset_paths)
    # Of the machine's fonts, exactly the script fonts the charter names, one file each.
    system = {path for path in fetcher.asset_paths if path.startswith("/fonts/noto/")}
    assert system == set(system_font_assets())


@pytest.mark.skipif(bool(missing_fonts()), reason="needs the Noto fonts (make system-packages)")
def test_it_serves_each_script_font_and_nothing_else_beside_it(
    fetcher: BundledAssetFetcher,
) -> None:
    for font in SCRIPT_FONTS:
        for path in font.files:
            response = fetcher.fetch(f"{ASSET_BASE_URL}fonts/noto/{path.name}")
            assert response.read()[:4] in (b"\x00\x01\x00\x00", b"ttcf", b"OTTO")
    # A neighbour in the same system folder is not one of them.
    with pytest.raises(AssetRefused):
        fetcher.fetch(f"{ASSET_BASE_URL}fonts/noto/NotoSansCherokee-Regular.ttf")
    with pytest.raises(AssetRefused):
        fetcher.fetch(f"{ASSET_BASE_URL}fonts/noto/../../../../etc/passwd")


def test_every_script_font_in_the_stylesheet_is_one_the_fetcher_knows() -> None:
    css = (ASSETS_DIR / "charter.css").read_text()
    named = set(re.findall(r'url\("fonts/noto/([^"]+)"\)', css))
    assert named == {path.name for font in SCRIPT_FONTS for path in font.files}
    for font in SCRIPT_FONTS:
        assert f'"{font.family}"' in css


def test_a_symlink_out_of_the_assets_folder_is_not_served(tmp_path: Path) -> None:
    (tmp_path / "ok.css").write_text("p { color: black }")
    secret = tmp_path.parent / f"{tmp_path.name}-secret.css"
    secret.write_text("secret")
    (tmp_path / "evil.css").symlink_to(secret)
    fetcher = BundledAssetFetcher(assets_dir=tmp_path)
    assert fetcher.fetch(ASSET_BASE_URL + "ok.css").read() == b"p { color: black }"
    with pytest.raises(AssetRefused):
        fetcher.fetch(ASSET_BASE_URL + "evil.css")


# --- Redirects: a real server that would redirect to a local file ---------------------------


class _Redirector(BaseHTTPRequestHandler):
    """302 to file:///etc/passwd, except /hop, which redirects to its own "metadata" page."""

    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path == "/latest/meta-data/":
            body = b"secret-metadata"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(302)
        if self.path == "/hop":
            host, port = self.server.server_address[:2]
            self.send_header("Location", f"http://{host}:{port}/latest/meta-data/")
        else:
            self.send_header("Location", "file:///etc/passwd")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_server() -> Iterator[tuple[str, list[str]]]:
    _Redirector.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Redirector.requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_redirecting_server_really_redirects(
    redirecting_server: tuple[str, list[str]],
) -> None:
    # Control: WeasyPrint's stock fetcher contacts the server and follows its redirect.
    base, requests = redirecting_server
    stock = weasyprint.urls.URLFetcher()
    assert stock.fetch(f"{base}/hop").read() == b"secret-metadata"
    assert requests == ["/hop", "/latest/meta-data/"]


def test_a_url_that_would_redirect_is_refused_without_contacting_it(
    fetcher: BundledAssetFetcher, redirecting_server: tuple[str, list[str]]
) -> None:
    base, requests = redirecting_server
    for path in ("/hop", "/font.ttf", "/charter.css"):
        with pytest.raises(AssetRefused):
            fetcher.fetch(base + path)
    assert requests == []


def test_weasyprint_with_the_fetcher_never_reaches_out(
    redirecting_server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    # Every way HTML and CSS can ask for a resource, pointed at the server and at local files.
    base, requests = redirecting_server
    html = f"""<!DOCTYPE html>
    <html><head>
    <link rel="stylesheet" href="{base}/style.css">
    <link rel="attachment" href="file:///etc/passwd">
    <link rel="attachment" href="{base}/attach">
    <style>
      @import url("{base}/import.css");
      @font-face {{ font-family: X; src: url("{base}/font.ttf"); }}
      body {{ background: url("file:///etc/passwd"); font-family: X; }}
      p {{ background-image: url("{base}/bg.png"); }}
    </style></head>
    <body>
    <img src="{base}/img.png"><img src="{base}/hop"><img src="file:///etc/hostname">
    <img src="http://169.254.169.254/latest/meta-data/">
    <object data="{base}/object.svg"></object>
    <svg><image href="{base}/svg-image.png" width="10" height="10"/></svg>
    <a rel="attachment" href="{base}/annotation">attachment</a>
    <p>text</p>
    </body></html>"""
    with caplog.at_level(logging.WARNING, logger="registry.charters.render"):
        pdf = weasyprint.HTML(
            string=html, base_url=ASSET_BASE_URL, url_fetcher=BundledAssetFetcher()
        ).write_pdf(pdf_variant="pdf/a-3u")
    assert requests == []
    assert b"root:x:0:0" not in pdf
    assert b"/EmbeddedFile" not in pdf
    refused = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert any("/style.css" in message for message in refused)
    assert any("file:///etc/passwd" in message for message in refused)
