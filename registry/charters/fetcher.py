"""The charter renderer's URL fetcher: it serves the stylesheet and fonts bundled in
``static/charters/``, and the script fonts listed in ``registry.charters.fonts``, and refuses
every other URL.

Nothing is fetched but our own files. :class:`BundledAssetFetcher` answers only under a fixed
internal origin, reads the files from disk itself and never opens a connection, so user text
can never make the renderer read a local file or reach a network service (nor be redirected to
one).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from registry.charters.fonts import system_font_assets

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ASSETS_DIR = PROJECT_ROOT / "static" / "charters"

# The origin the template and stylesheet resolve their relative URLs against. ``.invalid`` is
# reserved (RFC 2606) and can never resolve, so even a fetcher bug could not reach a real host;
# an https-shaped base (rather than a private scheme) lets urljoin resolve ``fonts/x.ttf``.
ASSET_BASE_URL = "https://charter-assets.invalid/"

# Only these kinds of file in the assets folder are ever served; anything else there (the fonts'
# LICENSE, a stray editor backup) is not part of the rendering surface.
ASSET_MEDIA_TYPES: Mapping[str, str] = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".ttc": "font/collection",
    ".svg": "image/svg+xml",
}


class AssetRefused(ValueError):
    """The fetcher was asked for something that is not one of the charter's bundled assets.

    A ValueError, as WeasyPrint's own fetcher raises for disallowed protocols: WeasyPrint logs
    it as a warning and renders without the resource.
    """


@cache
def _asset_bytes(path: Path) -> bytes:
    # The fonts never change while the process runs; read once, in the warm parent process
    # every render process is forked from.
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

    def __init__(
        self,
        assets_dir: Path = ASSETS_DIR,
        base_url: str = ASSET_BASE_URL,
        script_fonts: Mapping[str, Path] | None = None,
    ) -> None:
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
        base = urlsplit(base_url)
        self._scheme = base.scheme
        self._netloc = base.netloc
        # The script fonts the Debian packages installed (``registry.charters.fonts``): a
        # fixed list of files, never a folder, so nothing else there can be reached.
        fonts = system_font_assets() if script_fonts is None else script_fonts
        self._assets = {**fonts, **_bundled_assets(assets_dir)}

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
