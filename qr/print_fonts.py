"""Finding and measuring the CJK font that printed posters are set in.

A poster hangs on a wall for years and is printed by shops whose machines may have no Chinese
font, so the PDF must carry its own glyphs: we embed a *subset* of a TrueType/OpenType CJK font
(only the few hundred glyphs a batch uses, so a 1,000-page PDF stays small). Printer-side fonts
such as reportlab's ``STSong-Light`` are not embedded and print as empty boxes.

The font is chosen in this order: an explicit path (the app's ``YIMA_CJK_FONT`` setting, passed
in by the caller), the ``YIMA_CJK_FONT`` environment variable, then the usual system folders.
The default on Debian is WenQuanYi Micro Hei (``fonts-wqy-microhei``, Apache-2.0 or GPLv3 with a
font embedding exception), which may be embedded in documents freely.

Without any usable CJK font nothing crashes: :class:`PrintFont` reports ``font_missing``, a
warning is logged, and the renderers fall back to a core Latin font with ASCII wording so the QR,
the short URL and the poster code still print.
"""

from __future__ import annotations

import functools
import logging
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from fontTools.ttLib import TTCollection, TTFont

log = logging.getLogger(__name__)

ENV_VAR = "YIMA_CJK_FONT"

# Debian/Ubuntu first (what .ci installs), then the Fedora/Arch spellings of the same packages.
SYSTEM_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
)

# Every poster needs these; a "CJK" font lacking them (a misconfigured setting) is useless.
_PROBE = "扫码提建议一码听民意"


def _fallback_em(ch: str) -> float:
    """Advance of Helvetica Bold, rounded up, in em: enough to fit and wrap the fallback text."""
    if ch == " ":
        return 0.28
    return 0.72 if ch.isupper() else 0.6


@dataclass(frozen=True)
class PrintFont:
    """The font posters are set in; ``path`` is None when no CJK font was found."""

    path: str | None
    index: int = 0
    family: str = "Helvetica"
    _usual: float = 1.0  # the face's most common advance, in em (1 for CJK ideographs)
    _advances: dict[int, float] = field(default_factory=dict, repr=False, compare=False)

    @property
    def font_missing(self) -> bool:
        """True when Chinese text cannot be drawn and the ASCII fallback is used."""
        return self.path is None

    def text(self, text: str, fallback: str = "") -> str:
        """Return ``text`` if this font can draw it, else the ASCII ``fallback``."""
        if not self.font_missing:
            return text
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return fallback
        return text

    def width(self, text: str, size_pt: float) -> float:
        """Width of ``text`` set at ``size_pt`` points, in millimetres."""
        em = size_pt * 25.4 / 72
        if self.font_missing:
            return sum(map(_fallback_em, text)) * em
        return sum(self._advances.get(ord(ch), self._usual) for ch in text) * em


def find_cjk_font(explicit: str | None = None) -> str | None:
    """Return the path of a usable CJK font: ``explicit``, then $YIMA_CJK_FONT, then system folders.

    A configured path that is missing or lacks Chinese glyphs is logged and skipped, so a typo in
    the setting degrades to the system font rather than to boxes.
    """
    configured = [(explicit, "font_path"), (os.environ.get(ENV_VAR), ENV_VAR)]
    for path, origin in configured:
        if not path:
            continue
        if _face_index(path) is not None:
            return path
        log.warning("%s=%r is not a readable CJK font; looking elsewhere", origin, path)
    for path in SYSTEM_FONT_PATHS:
        if os.path.isfile(path) and _face_index(path) is not None:
            return path
    return None


def load_print_font(font_path: str | None = None) -> PrintFont:
    """Find the CJK font (see :func:`find_cjk_font`) and load its metrics.

    Logs a warning when none is available; check ``font_missing`` to tell staff.
    """
    path = find_cjk_font(font_path)
    if path is None:
        log.warning(
            "No CJK font found (set %s or install fonts-wqy-microhei): posters are printed "
            "without Chinese text",
            ENV_VAR,
        )
        return PrintFont(path=None)
    return _load(path)


def font_missing(font_path: str | None = None) -> bool:
    """True when posters would print without Chinese text; for a warning in the staff UI."""
    return find_cjk_font(font_path) is None


@functools.lru_cache(maxsize=8)
def _load(path: str) -> PrintFont:
    # Cached: parsing a 5 MB collection costs ~0.1 s, once per process is enough.
    found = _inspect(path)
    assert found is not None
    index, family, usual, advances = found
    return PrintFont(path=path, index=index, family=family, _usual=usual, _advances=advances)


def _face_index(path: str) -> int | None:
    """Index of the face to use in ``path`` (0 for a plain TTF), None if unusable."""
    found = _inspect(path)
    return None if found is None else found[0]


@functools.lru_cache(maxsize=16)
def _inspect(path: str) -> tuple[int, str, float, dict[int, float]] | None:
    """Pick the face to use in ``path`` and read its advance widths; None if unusable."""
    if not os.path.isfile(path):
        return None
    try:
        # fontTools reads lazily from the open file; ours is closed even when parsing fails.
        with open(path, "rb") as fh:
            collection = fh.read(4) == b"ttcf"
            fh.seek(0)
            faces = TTCollection(fh, lazy=True).fonts if collection else [TTFont(fh, lazy=True)]
            # Collections bundle regional or monospaced variants: prefer Simplified Chinese,
            # and read only the cmap of the face we take (each costs ~10 MB of objects).
            ranked = sorted(range(len(faces)), key=lambda i: _face_rank(faces[i]))
            index = next((i for i in ranked if _covers(faces[i], _PROBE)), None)
            if index is None:
                return None
            face = faces[index]
            upem = face["head"].unitsPerEm
            metrics = face["hmtx"].metrics
            widths = {cp: metrics[name][0] for cp, name in face.getBestCmap().items()}
            # Keep only the exceptions to the usual advance (1 em for CJK faces): 30x smaller.
            usual = Counter(widths.values()).most_common(1)[0][0]
            advances = {cp: w / upem for cp, w in widths.items() if w != usual}
            family = face["name"].getDebugName(1) or "sans-serif"
            return index, family, usual / upem, advances
    except Exception:  # noqa: BLE001 - any unreadable file simply is not a usable font
        log.debug("cannot read font %s", path, exc_info=True)
        return None


def _face_rank(face: TTFont) -> int:
    name = (face["name"].getDebugName(4) or "").upper()
    rank = 0 if (" SC" in name or "GB" in name) else 1
    return rank * 2 + ("MONO" in name)


def _covers(face: TTFont, text: str) -> bool:
    cmap = face.getBestCmap() or {}
    return all(ord(ch) in cmap for ch in text)


def is_wide(ch: str) -> bool:
    """True for characters set one em wide that may break a line anywhere (CJK ideographs)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")
