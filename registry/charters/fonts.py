"""The fonts a charter prints in: one for every script the agency's communities read.

DejaVu (bundled in ``static/charters/fonts/``) covers Latin with macrons and Vietnamese
diacritics, Greek and Cyrillic. Every other script comes from the Noto families, which are
too large to bundle (Noto Sans CJK alone is 19 MB a weight) and are installed as Debian
packages by ``make system-packages``, so every machine with the same packages renders the same
bytes. The charter's stylesheet names each under a family of our own ("Registry Devanagari"),
and the renderer's fetcher serves exactly the files listed here under the charter asset
origin; nothing else on the machine is readable through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

NOTO_TRUETYPE = Path("/usr/share/fonts/truetype/noto")
NOTO_OPENTYPE = Path("/usr/share/fonts/opentype/noto")


@dataclass(frozen=True)
class ScriptFont:
    family: str  # the family name charter.css gives it
    scripts: str  # what it prints, for people reading the README or a failed check
    package: str  # the Debian package that installs it
    regular: Path
    bold: Path | None = None

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.regular,) if self.bold is None else (self.regular, self.bold)


def _noto(family: str, scripts: str, stem: str, *, bold: bool = True) -> ScriptFont:
    return ScriptFont(
        family,
        scripts,
        "fonts-noto-core",
        NOTO_TRUETYPE / f"{stem}-Regular.ttf",
        NOTO_TRUETYPE / f"{stem}-Bold.ttf" if bold else None,
    )


SCRIPT_FONTS: tuple[ScriptFont, ...] = (
    _noto("Registry Arabic", "Arabic, Urdu and Farsi (right to left)", "NotoNaskhArabic"),
    _noto("Registry Devanagari", "Hindi (Devanagari)", "NotoSansDevanagari"),
    _noto("Registry Gurmukhi", "Punjabi (Gurmukhi)", "NotoSansGurmukhi"),
    _noto("Registry Gujarati", "Gujarati", "NotoSansGujarati"),
    _noto("Registry Thai", "Thai", "NotoSansThai"),
    ScriptFont(
        "Registry CJK",
        "Chinese (simplified and traditional), Japanese and Korean",
        "fonts-noto-cjk",
        NOTO_OPENTYPE / "NotoSansCJK-Regular.ttc",
        NOTO_OPENTYPE / "NotoSansCJK-Bold.ttc",
    ),
    ScriptFont(
        "Registry Emoji", "emoji", "fonts-noto-color-emoji", NOTO_TRUETYPE / "NotoColorEmoji.ttf"
    ),
)

# Where charter.css finds each file, under the charter asset origin.
URL_PREFIX = "/fonts/noto/"


def system_font_assets() -> Mapping[str, Path]:
    """URL path (``/fonts/noto/NotoSansThai-Regular.ttf``) to file, for every script font
    installed on this machine."""
    return {
        URL_PREFIX + path.name: path
        for font in SCRIPT_FONTS
        for path in font.files
        if path.is_file()
    }


def missing_fonts() -> list[str]:
    """A line for each script font file this machine lacks, naming the package to install."""
    return [
        f"{path} ({font.scripts}): install the Debian package {font.package}"
        for font in SCRIPT_FONTS
        for path in font.files
        if not path.is_file()
    ]
