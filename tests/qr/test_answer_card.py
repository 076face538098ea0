"""The answer card: an answer as an image a citizen can keep, each part under its label, its
own line breaks kept, a very long answer cut with a note instead of a giant image."""
from __future__ import annotations

import io

from PIL import Image

from qr.answer_card import MAX_LINES, AnswerCard, answer_layout, answer_png, drawable
from qr.print_fonts import load_print_font
from qr.print_layout import Text

DECISION = AnswerCard(
    title="一码听民意 · 答复", heading="复查意见 · 余姚市 · 2026-12-08", code_line="受理码 K7M-4XP-9QC",
    parts=(("信访事项", "要求修复路灯。"), ("查明事实", "线路老化属实。\n另查灯杆锈蚀。"),
           ("处理意见", "已更换线路。"), ("依据", "《城市照明管理规定》")),
    footer="您可凭回执上的受理码和查询码在 yima.example.gov.cn/track 查询办理进度。", cut_note="答复未完，请在查询页面阅读全文。")


def _texts(card: AnswerCard, font) -> list[str]:
    return [item.text for item in answer_layout(card, font).items if isinstance(item, Text)]


def test_each_part_reads_under_its_label_with_its_own_line_breaks(cjk_font):
    texts = _texts(DECISION, load_print_font(cjk_font))
    for label, first in (("信访事项", "要求修复路灯。"), ("查明事实", "线路老化属实。"), ("依据", "《城市照明管理规定》")):
        assert texts[texts.index(label) + 1] == first
    assert texts[texts.index("线路老化属实。") + 1] == "另查灯杆锈蚀。"
    assert "受理码 K7M-4XP-9QC" in texts and "答复未完，请在查询页面阅读全文。" not in texts


def test_a_very_long_answer_is_cut_with_a_note_and_stays_a_phone_sized_image(cjk_font):
    long = AnswerCard(title="一码听民意 · 答复", heading="答复", code_line="受理码 K7M-4XP-9QC",
                      parts=(("", "很长的答复内容。" * 2000),), cut_note="答复未完，请在查询页面阅读全文。")
    font = load_print_font(cjk_font)
    texts = _texts(long, font)
    assert texts.count("答复未完，请在查询页面阅读全文。") == 1
    assert sum(t.startswith(("很", "长", "的", "答", "复", "内", "容", "。")) for t in texts) <= MAX_LINES + 2
    image = Image.open(io.BytesIO(answer_png(long, font_path=cjk_font)))
    assert image.width == 640 and image.height < 8000


def test_without_a_cjk_font_no_answer_image_is_offered(tmp_path, monkeypatch):
    monkeypatch.setattr("qr.print_fonts.SYSTEM_FONT_PATHS", ())
    monkeypatch.delenv("YIMA_CJK_FONT", raising=False)
    assert not drawable(str(tmp_path / "none.ttf"))
