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
