"""Every message reads as plain words in both languages: no topic without its text, no
placeholder left unfilled, the values in their place."""
import pytest

from app.domain.tellings import ALL_CITIZEN_TOPICS, ALL_UNIT_TOPICS, DUE_SOON, TEST
from app.notify.texts import BabelTexts

VALUES = {"code": "7ZR-47X-K3D", "link": "https://yima.example.gov.cn/t/abc", "unit": "阳明街道",
          "reason": "不属于本单位职责", "date": "2026-12-16"}
UNIT_VALUES = {"code": "7ZR-47X-K3D", "kind": "complaint", "category": "城市管理", "report": False,
               "link": "https://yima.example.gov.cn/staff/cases/7", "date": "2026-12-16"}


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("topic", sorted(ALL_CITIZEN_TOPICS))
def test_each_citizen_sms_names_the_code_and_the_link(app, topic, language):
    with app.app_context():
        text = BabelTexts().citizen(topic, language, VALUES)
    assert "7ZR-47X-K3D" in text and text.endswith("https://yima.example.gov.cn/t/abc")
    assert "%(" not in text and "None" not in text
    assert ("您" in text) == (language != "en")
    assert len(text) <= 140  # two SMS parts at most, with the link


@pytest.mark.parametrize("topic", sorted(ALL_UNIT_TOPICS | {DUE_SOON, TEST}))
def test_each_unit_message_is_chinese_markdown_with_the_case_link(app, topic):
    with app.app_context():
        subject, body = BabelTexts().unit(topic, UNIT_VALUES)
    assert subject and "%(" not in body
    if topic != TEST:
        assert "7ZR-47X-K3D" in subject and "(https://yima.example.gov.cn/staff/cases/7)" in body
        assert "2026年12月16日" in body and "投诉" in body
