"""Typing a receipt code: full-width and any dash are understood; a typo is told apart, and
nothing tells a guesser whether a well-formed code exists."""
import re

from app.domain import codes
from tests.conftest import hidden_fields
from tests.web.helpers import field_error

TYPO = "受理码有误，请对照回执核对。"
NO_MATCH = "未查到与该受理码和查询码对应的件，请核对后重试。"
FULL_WIDTH = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－")


def _look_up(app, code, pin):
    guesser = app.test_client()
    form = hidden_fields(guesser.get("/track").get_data(as_text=True))
    return guesser.post("/track", data={**form, "code": code, "pin": pin})


def _without_token(response) -> str:
    """The page without what differs by visitor and by what they typed: the CSRF token, the values."""
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def _typo_of(code: str) -> str:
    """The code with one character changed: the check character catches every such typo."""
    wrong = codes.ALPHABET[(codes.ALPHABET.index(code[4]) + 1) % len(codes.ALPHABET)]
    return code[:4] + wrong + code[5:]


def test_full_width_characters_and_every_dash_open_the_case(app, make_receipt):
    receipt = make_receipt()
    grouped = receipt.code  # K7M-4XP-9QC
    for typed, pin in ((grouped.translate(FULL_WIDTH), receipt.pin.translate(FULL_WIDTH)),
                       (grouped.lower().replace("-", "—"), " ".join(receipt.pin)),
                       (grouped.replace("-", "\u3000"), receipt.pin),
                       (grouped.replace("-", "−"), receipt.pin)):
        answer = _look_up(app, typed, pin)
        assert answer.status_code == 303, (typed, pin)


def test_a_typo_is_told_apart_without_saying_whether_the_code_exists(app, make_receipt):
    receipt = make_receipt()
    mistyped = _look_up(app, _typo_of(receipt.suggestion.receipt_code), receipt.pin)
    assert mistyped.status_code == 200 and field_error(mistyped, "code") == TYPO
    assert NO_MATCH not in mistyped.get_data(as_text=True)
    # A typo of a code nobody holds reads exactly the same.
    unknown = codes.new_receipt_code()
    assert _without_token(_look_up(app, _typo_of(unknown), receipt.pin)) == _without_token(mistyped)
    # Too short, or with a letter no code has (O, I, L), is a typo as well.
    for typed in ("NZ3-UGE", "NZ3-UGE-NYO"):
        assert field_error(_look_up(app, typed, receipt.pin), "code") == TYPO


def test_an_unknown_well_formed_code_and_a_wrong_pin_read_exactly_the_same(app, make_receipt):
    receipt = make_receipt()
    wrong_pin = _look_up(app, receipt.code, "000000" if receipt.pin != "000000" else "111111")
    unknown = codes.new_receipt_code()
    unknown_code = _look_up(app, codes.grouped(unknown), receipt.pin)
    assert wrong_pin.status_code == unknown_code.status_code == 404
    assert NO_MATCH in wrong_pin.get_data(as_text=True) and TYPO not in wrong_pin.get_data(as_text=True)
    assert _without_token(wrong_pin) == _without_token(unknown_code)
