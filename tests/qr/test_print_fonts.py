"""Font lookup, the no-font fallback, and the layout rules every printed format shares."""

from __future__ import annotations

import io
import logging

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from PIL import Image

from qr import print_fonts
from qr.print_fonts import ENV_VAR, find_cjk_font, font_missing, load_print_font
from qr.print_image import poster_png
from qr.print_layout import Dot, PosterSpec, Text, qr_runs
from qr.print_pages import poster_layout, sticker_sheets
from qr.print_pdf import write_posters_pdf, write_sticker_sheet_pdf
from tests.qr.decode import pdf_lines

SPEC = PosterSpec(
    code="MZ7RQ2",
    url="https://yima.yuyao.gov.cn/p/MZ7RQ2",
    unit_name="马渚镇人民政府",
    place_label="马渚镇 便民服务中心",
    county_name="余姚市",
)


def system_font() -> str:
    """The CJK font found in the system folders, or skip: lookup tests need one to point at.

    Looked up without $YIMA_CJK_FONT (CI may set it to another accepted font), then the test
    goes on with that variable unset unless it sets it itself.
    """
    with pytest.MonkeyPatch.context() as env:
        env.delenv(ENV_VAR, raising=False)
        path = find_cjk_font()
    if path is None:
        pytest.skip("no CJK font: install fonts-wqy-microhei or set YIMA_CJK_FONT")
    return path


@pytest.fixture
def no_cjk_font(monkeypatch):
    """A machine with no Chinese font at all."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(print_fonts, "SYSTEM_FONT_PATHS", ())


def test_explicit_setting_wins_then_environment_then_system(tmp_path, monkeypatch):
    real = system_font()
    explicit, from_env = tmp_path / "setting.ttc", tmp_path / "env.ttc"
    explicit.symlink_to(real)
    from_env.symlink_to(real)
    monkeypatch.setenv(ENV_VAR, str(from_env))

    assert find_cjk_font(str(explicit)) == str(explicit)
    assert find_cjk_font() == str(from_env)
    monkeypatch.delenv(ENV_VAR)
    assert find_cjk_font() == real


def test_a_wrong_setting_is_logged_and_the_system_font_used(tmp_path, caplog, monkeypatch):
    real = system_font()
    monkeypatch.delenv(ENV_VAR, raising=False)  # else the variable's font stands in for the system's
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_bytes(b"this is not a font")

    with caplog.at_level(logging.WARNING, logger="qr.print_fonts"):
        assert find_cjk_font(str(not_a_font)) == real
        assert find_cjk_font(str(tmp_path / "missing.ttc")) == real
    assert str(not_a_font) in caplog.text and "missing.ttc" in caplog.text


def test_without_any_cjk_font_posters_still_print_and_scan(no_cjk_font, caplog):
    assert font_missing() is True
    poster, stickers = io.BytesIO(), io.BytesIO()
    with caplog.at_level(logging.WARNING, logger="qr.print_fonts"):
        result = write_posters_pdf([SPEC], poster, size="a4")
    assert result.font_missing and result.font_path is None
    assert ENV_VAR in caplog.text  # the log tells the operator what to set
    assert write_sticker_sheet_pdf([SPEC] * 3, stickers).font_missing

    lines = pdf_lines(poster.getvalue())
    assert "yima.yuyao.gov.cn/p/MZ7RQ2" in lines and any(SPEC.code in line for line in lines)
    assert not any("\u4e00" <= ch <= "\u9fff" for line in lines for ch in line), "Chinese without a font = boxes"

    for pdf, expected in ((poster, [SPEC.url]), (stickers, [SPEC.url] * 3)):
        doc = pdfium.PdfDocument(pdf.getvalue())
        image = doc[0].render(scale=150 / 72).to_pil()
        doc.close()
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [b.text for b in found] == expected
    png = Image.open(io.BytesIO(poster_png(SPEC, size="a5")))
    assert [b.text for b in zxingcpp.read_barcodes(png)] == [SPEC.url]


def test_rectangles_cover_exactly_the_dark_modules():
    url = "https://yima.yuyao.gov.cn/p/AB12CD"
    matrix = segno.make_qr(url, error="h").matrix
    size, runs = qr_runs(url)
    painted = [[0] * size for _ in range(size)]
    for col, row, w, h in runs:
        for r in range(row, row + h):
            for c in range(col, col + w):
                painted[r][c] += 1
    assert painted == [[int(bool(v)) for v in line] for line in matrix]  # no gap, no overlap
    dark = sum(map(sum, painted))
    assert len(runs) < dark / 2  # merging is what keeps a 1,000-page PDF small


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_long_names_wrap_inside_the_page(size, cjk_font):
    font = load_print_font(cjk_font)
    spec = PosterSpec(
        code="QX9T4M",
        url="https://yima.yuyao.gov.cn/p/QX9T4M",
        unit_name="余姚市生态环境分局 × 余姚市综合行政执法局 联合执法大队 第三中队",
        place_label="阳明街道 舜水南路 138 号 阳明街道便民服务中心 一楼大厅 东侧 综合受理窗口 左侧墙面 "
        "二维码张贴处 请勿遮挡 如有损坏请联系街道办 电话 0574-62700000 工作日 8:30-17:00",
        county_name="余姚市",
    )
    layout = poster_layout(spec, font, size)
    margin = 8 * layout.width / 210
    for item in (i for i in layout.items if isinstance(i, Text)):
        half = font.width(item.text, item.size) / 2
        left = item.x - half if item.anchor == "middle" else item.x
        right = item.x + half if item.anchor == "middle" else item.x + 2 * half
        assert margin <= left and right <= layout.width - margin, item.text
    place = [i.text for i in layout.items if isinstance(i, Text) and i.text.endswith("…")]
    assert place, "an over-long place label is cut with an ellipsis, not run off the page"
    qr = layout.qr_blocks[0]
    texts_below = [i for i in layout.items if isinstance(i, Text) and i.y > qr.y]
    assert all(i.y > qr.y + qr.size for i in texts_below), "text overlaps the QR"
    code_line = next(i for i in texts_below if "QX9T4M" in i.text and "/" not in i.text)
    first_step = min(i.y - i.r for i in layout.items if isinstance(i, Dot))
    assert code_line.y < first_step, "the poster code runs into the steps"


def test_sticker_text_stays_inside_its_label(cjk_font):
    font = load_print_font(cjk_font)
    spec = PosterSpec("C1", "https://yima.yuyao.gov.cn/p/C1", "余姚市住房和城乡建设局",
                      "梨洲街道 第十二村 村民委员会 公告栏 左侧 墙面 二维码", "余姚市")
    [(layout, placed)] = list(sticker_sheets([spec] * 3, font))
    assert len(placed) == 3
    for item in (i for i in layout.items if isinstance(i, Text)):
        label_x = (item.x // 70) * 70
        assert item.x + font.width(item.text, item.size) <= label_x + 70 - 3, item.text
