"""Imported by the charter forkserver (and only there): one small render with the charter's
stylesheet and fonts, so every render process forked from it starts with them loaded and a
charter takes about what it takes in a warm process."""

import logging

from registry.charters.fonts import missing_fonts
from registry.charters.pdf import write_pdf

# A machine without a script's font prints that script as empty boxes: say so where the
# operator looks, once per worker, rather than in a charter nobody can read.
for line in missing_fonts():
    logging.getLogger(__name__).error("Charter font missing: %s", line)

try:
    write_pdf(
        '<html lang="en"><head><link rel="stylesheet" href="charter.css"></head><body>'
        "<h1>Kia ora</h1><p><strong>Tēnā</strong> <em>koe</em> <code>0</code></p></body></html>",
        b"0" * 32,
        1,
    )
except Exception:  # a cold start is slower, not broken: each render then loads its own
    logging.getLogger(__name__).exception("Charter render warm-up failed")
