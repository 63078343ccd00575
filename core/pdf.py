"""The one Chinese font for every PDF the platform writes (reportlab).

reportlab cannot use the CFF-based Noto CJK fonts, and its built-in STSong-Light is not
embedded (it shows boxes on machines without Chinese fonts), so a TrueType font is
registered and embedded (as a subset) in every document.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# TrueType fonts with CJK glyphs, first found wins; LIANZHENG_PDF_FONT names another
# (a .ttf, or a .ttc whose first face is used). The Dockerfile installs fonts-wqy-zenhei.
FONT_ENV = "LIANZHENG_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FONT_NAME = "LianzhengCJK"

_font_lock = threading.Lock()


class FontMissing(RuntimeError):
    """No usable CJK TrueType font: install fonts-wqy-zenhei or set LIANZHENG_PDF_FONT."""


def find_font() -> str:
    """The CJK TrueType font file: LIANZHENG_PDF_FONT if set, else the first candidate found."""
    override = os.environ.get(FONT_ENV, "").strip()
    candidates = [override] if override else list(FONT_CANDIDATES)
    for path in candidates:
        if Path(path).is_file():
            return path
    raise FontMissing(
        f"No CJK TrueType font found (looked for {', '.join(candidates)}). "
        f"Install fonts-wqy-zenhei or set {FONT_ENV} to a .ttf/.ttc file."
    )


def register_font() -> str:
    """Register the CJK font once per process; its name for styles."""
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, find_font(), subfontIndex=0))
    return FONT_NAME
