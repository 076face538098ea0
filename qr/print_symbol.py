"""The printed QR symbol, module for module the one segno makes, at a quarter of segno's cost.

Speed trick, and what it saves: segno chooses the data mask (ISO/IEC 18004 7.8.3) by applying
each of the eight masks and scoring it in pure-Python loops over every module, 2.4 ms of the
2.9 ms a poster's QR costs, which was half the CPU of a 1,000-poster batch. Here segno encodes
once with mask 0 (no evaluation, 0.5 ms); the seven other candidates are that matrix XOR a
difference that does not depend on the data (the two mask patterns over the data region, and
the format bits), learnt from segno itself once per version and error level. Each candidate
is scored by segno's own rules (N1 runs, N2 2x2 blocks, N3 finder-like 1:1:3:1:1 patterns, N4
dark share, over the symbol without its format and version bits, as segno scores it), but on
the whole symbol at once (integer bit operations over all rows and columns, ``str.find`` for
N3), and the lowest score wins, ties going to the lower mask as in segno: 0.3 ms for the
eight, 0.8 ms a symbol in all. So the symbol printed is exactly ``segno.make_qr(url,
error=...)`` (tests/qr/test_fast_batch.py checks it over 152 URLs, versions 3 to 19, every
mask) and nothing about how a worn poster scans changes.

A fixed mask would be cheaper still, but is not a shortcut taken here: some data under a fixed
mask makes long runs, big blocks or finder-like patterns that confuse a reader of a faded,
stained or photographed code, which is the very thing the evaluation exists to avoid.
"""

from __future__ import annotations

import functools

import segno

_FINDER_LIKE = "1011101"  # N3: dark-light-dark x3-light-dark
# Four non-module characters between lines for N3: no pattern spans two lines, and the four
# modules looked at before and after a pattern read as light past a line's end, as segno clips.
_GAP = "2222"
_TO_TEXT = bytes.maketrans(b"\x00\x01", b"01")
MASKS = 8


def symbol_rows(url: str, error: str) -> tuple[str, ...]:
    """The QR symbol of ``url`` at ``error`` level as rows of "0"/"1" (1 = dark), no quiet zone.

    Equal, module for module, to ``segno.make_qr(url, error=error, boost_error=False).matrix``.
    """
    first, by_rows, by_cols = _mask_zero(url, error)
    width = first.symbol_size(border=0)[0]
    best = _best(first, by_rows, by_cols, error)
    text = format(by_rows ^ _mask_differences(first.version, error)[best][0], f"0{width * width}b")
    return tuple(text[i : i + width] for i in range(0, width * width, width))


def best_mask(url: str, error: str) -> int:
    """The data mask segno would choose for ``url`` at ``error`` level, chosen the fast way: for
    a symbol segno draws itself (``segno.make_qr(..., mask=best_mask(...))``, 1.3 ms where
    segno's own choice costs 2.9 ms)."""
    first, by_rows, by_cols = _mask_zero(url, error)
    return _best(first, by_rows, by_cols, error)


def _mask_zero(url: str, error: str) -> tuple[segno.QRCode, int, int]:
    """segno's symbol with mask 0, packed as one integer row by row (row 0 first) and again
    column by column (transposed)."""
    first = segno.make_qr(url, error=error, boost_error=False, mask=0)
    lines = [bytes(row).translate(_TO_TEXT).decode() for row in first.matrix]
    return first, int("".join(lines), 2), int("".join(map("".join, zip(*lines))), 2)


def _best(first: segno.QRCode, by_rows: int, by_cols: int, error: str) -> int:
    shape = _shape(first.symbol_size(border=0)[0])
    best, best_score = 0, None
    for mask, (diff, diff_t) in enumerate(_mask_differences(first.version, error)):
        score = _penalty((by_rows ^ diff) & shape.scored, (by_cols ^ diff_t) & shape.scored_t, shape)
        if best_score is None or score < best_score:
            best, best_score = mask, score
    return best


class _Shape:
    """Bit masks of a symbol ``width`` modules wide, packed row by row into one integer."""

    def __init__(self, width: int) -> None:
        self.width = width
        cleared = _format_and_version_cells(width)
        bits = width * width
        full = (1 << bits) - 1
        self.scored = full ^ sum(1 << (bits - 1 - r * width - c) for r, c in cleared)
        self.scored_t = full ^ sum(1 << (bits - 1 - c * width - r) for r, c in cleared)
        # Bit k pairs module k with k + 1 when both are in one row; the lower row of a pair of rows.
        self.in_row_pairs = sum(((1 << (width - 1)) - 1) << (r * width) for r in range(width))
        self.lower_rows = (1 << (bits - width)) - 1


@functools.lru_cache(maxsize=64)
def _shape(width: int) -> _Shape:
    return _Shape(width)


def _penalty(rows: int, cols: int, shape: _Shape) -> int:
    """segno's penalty (N1 + N2 + N3 + N4) of a masked symbol, packed by rows and by columns."""
    w = shape.width
    n = w * w
    text_rows, text_cols = format(rows, f"0{n}b"), format(cols, f"0{n}b")
    text = _GAP.join([text_rows[i : i + w] for i in range(0, n, w)] + [text_cols[i : i + w] for i in range(0, n, w)])
    score = _long_runs(rows, shape) + _long_runs(cols, shape)
    score += 40 * _finder_like(text)
    same_v = ~(rows ^ (rows >> w)) & shape.lower_rows  # module equals the one above it
    same_h = ~(rows ^ (rows >> 1)) & shape.in_row_pairs  # module equals its neighbour
    score += 3 * (same_v & (same_v >> 1) & same_h).bit_count()  # N2 = 3 per 2x2 block
    percent = float(rows.bit_count()) / n
    return score + 10 * int(abs(percent * 100 - 50) / 5)  # N4 = 10 per 5 % off half dark


def _long_runs(packed: int, shape: _Shape) -> int:
    """N1 of every line: 3 for each run of five or more like modules, plus 1 per module past five.

    A run of length L shows as L - 4 bits where five modules in a row are alike; the score is
    those bits plus 2 per run (each run's last such bit).
    """
    same = ~(packed ^ (packed >> 1)) & shape.in_row_pairs
    five = same & (same >> 1) & (same >> 2) & (same >> 3)
    return five.bit_count() + 2 * (five & ~(five >> 1)).bit_count()


def _finder_like(text: str) -> int:
    """N3 patterns in ``text``, found and skipped exactly as segno's ``n3_pattern_occurrences``."""
    count = 0
    idx = text.find(_FINDER_LIKE)
    while idx != -1:
        offset = idx + 7
        if "1" not in text[max(idx - 4, 0) : idx] or "1" not in text[offset : offset + 4]:
            count += 1
        else:
            offset = idx + 4  # not enough light around it: look again from the middle
        idx = text.find(_FINDER_LIKE, offset)
    return count


@functools.lru_cache(maxsize=64)
def _mask_differences(version: int, error: str) -> tuple[tuple[int, int], ...]:
    """Per mask, what to XOR onto the mask-0 symbol (packed by rows, by columns) to get its symbol.

    Learnt from segno: the same content at this version with mask 0 and with mask k differs
    only where mask k differs from mask 0 (the data region) and in the format bits.
    """
    def packed(mask: int) -> tuple[int, int]:
        qr = segno.make_qr("0", error=error, version=version, mask=mask, boost_error=False)
        lines = [bytes(row).translate(_TO_TEXT).decode() for row in qr.matrix]
        return int("".join(lines), 2), int("".join(map("".join, zip(*lines))), 2)

    base_rows, base_cols = packed(0)
    return tuple(
        (base_rows ^ rows, base_cols ^ cols) for rows, cols in map(packed, range(MASKS))
    )


def _format_and_version_cells(width: int) -> set[tuple[int, int]]:
    """The format and version modules (and the dark module), light while segno scores a mask.

    segno scores each mask before writing format and version information (ISO/IEC 18004 7.8),
    with those areas reserved as light modules; the timing modules they skip stay as they are.
    """
    cells = set()
    for i in range(9):
        if i != 6:  # (6, 8) and (8, 6) are timing pattern
            cells |= {(i, 8), (8, i)}
    for i in range(1, 9):
        cells |= {(8, width - i), (width - i, 8)}  # includes the dark module at (width - 8, 8)
    if width > 41:  # version 7 and up carry two 6 x 3 version blocks
        for i in range(6):
            for j in range(width - 11, width - 8):
                cells |= {(i, j), (j, i)}
    return cells
