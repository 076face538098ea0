"""Phone numbers: mobiles and landlines with their area code, normalised, shown and masked."""
import pytest

from app.domain import phones


@pytest.mark.parametrize("typed, stored", [
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("0574-62345678", "057462345678"),
    ("(0574) 6234 5678", "057462345678"),
    ("０５７４－６２３４５６７８", "057462345678"),  # full-width, as a Chinese keyboard types it
    ("0574—62345678", "057462345678"),
    ("+86 574 62345678", "057462345678"),  # dialled from abroad, the area code drops its 0
    ("010-6234567", "0106234567"),
    ("021 62345678", "02162345678"),
])
def test_a_typed_number_is_stored_as_digits(typed, stored):
    assert phones.normalise(typed) == stored and phones.is_phone(stored)


@pytest.mark.parametrize("typed", ["0574-1234", "0574-02345678", "0574-623456789", "12812345678",
                                   "5746234567", "0110-6234567", "013-62345678", "138123456789", ""])
def test_what_is_neither_a_mobile_nor_a_landline_is_refused(typed):
    assert not phones.is_phone(phones.normalise(typed))


def test_staff_read_the_area_code_apart_and_see_it_in_the_mask():
    assert phones.shown("057462345678") == "0574-62345678" and phones.shown("0106234567") == "010-6234567"
    assert phones.shown("13812345678") == "13812345678"
    assert phones.masked("057462345678") == "0574****5678"
    assert phones.masked("0106234567") == "010****4567"
    assert phones.masked("13812345678") == "138****5678" and phones.masked(None) == ""


@pytest.mark.parametrize("typed", [
    "138 1234 5678", "138  1234   5678", "138.1234.5678", "138/1234/5678", "138\n1234\r\n5678", "(138)1234-5678",
    "138—1234—5678", "138\u00a01234\u30005678", "１３８１２３４５６７８", "١٣٨١٢٣٤٥٦٧٨", "१३८१२३४५६७८",
    "①③⑧①②③④⑤⑥⑦⑧", "幺三八幺二三四五六七八", "一三八 一二三四 五六七八", "壹叁捌壹贰叁肆伍陆柒捌",
    "1三8 一2三4 五6七8", "+86 138 1234 5678", "0086-138-1234-5678", "138\u200b1234\u200b5678",
    "1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣",
])
def test_a_mobile_in_free_text_is_found_however_typed(typed):
    text = f"有事请打{typed}找我"
    [(start, end)] = phones.find_in_text(text)
    assert (text[:start], text[end:]) == ("有事请打", "找我")
    assert phones.mask_in_text(text) == "有事请打138****5678找我"


@pytest.mark.parametrize("typed, shown", [
    ("0574-62345678", "0574****5678"), ("(0574)6234 5678", "0574****5678"), ("零五七四 六二三四五六七八", "0574****5678"),
    ("010 6234 567", "010****4567"), ("+86 574 62345678", "0574****5678"), ("电话：6234 5678", "电话：****5678"),
])
def test_a_landline_in_free_text_is_found(typed, shown):
    assert phones.mask_in_text(typed) == shown


@pytest.mark.parametrize("text", [
    "订单号 2013812345678", "138123456789", "2026年11月13日下午3点", "十一月三日一两个人三五成群，第一二三条",
    "2026-11-13 13:45:12", "花了1,500元，3栋楼200米5个路灯", "打了12345热线", "request 9f13812345678abcdef0123456789ab",
])
def test_what_is_no_phone_is_left(text):
    assert phones.find_in_text(text) == [] and phones.mask_in_text(text) == text
