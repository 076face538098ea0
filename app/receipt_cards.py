"""The cards' words in the reader's language: the receipt card, for the citizen's image and the
staff's slip, and the answer card, an answer as an image the citizen can keep.

qr/receipt_card.py and qr/answer_card.py draw the cards and know no Babel; here their words are
chosen once, so the image a citizen saves from WeChat and the slip the counter prints say the
same things, and an answer's image names its parts as the tracking page does.
"""
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _

from app.core.i18n import last_day, local_date, page_language
from app.core.labels import DECISION_PART, STAGE_REPLY
from app.domain import codes
from app.models import Reply, Suggestion
from qr.answer_card import AnswerCard, answer_png, drawable
from qr.print_layout import display_url
from qr.receipt_card import ReceiptCard, receipt_pdf, receipt_png, receipt_png_size


def receipt_card(case: Suggestion, url: str, pin: str | None, *, deadline: bool = False) -> ReceiptCard:
    """The card of `case` with its tracking `url`; `pin` None where the PIN may not be shown.

    `deadline` adds the day by which the case is to be accepted (the slip shows it).
    """
    shown = case.merged_into or case  # as the tracking page: a merged case shows its master's unit
    fields = [(_("Handled by"), shown.unit.display_name(page_language())),
              (_("Filed on"), local_date(case.created_at))]
    if deadline and case.accept_due_at:
        fields.append((_("To be accepted by"), last_day(case.accept_due_at)))
    lookup = display_url(current_app.config["PUBLIC_BASE_URL"] + "/track")
    return ReceiptCard(
        url=url, title=_("Yima · Receipt"), code=codes.grouped(case.receipt_code), pin=pin,
        fields=tuple(fields), code_label=_("Receipt code"), pin_label=_("PIN"),
        pin_note=_("Shown once, on the receipt when the case was filed"),
        footer=_("Scan the code, or enter the receipt code and PIN at %(url)s, to follow your case.", url=lookup),
    )


def card_png(card: ReceiptCard) -> bytes:
    """The card as a PNG. One with a PIN is drawn for each request and kept nowhere; one
    without is kept by each worker (~20 KB), as a case's card changes only with its unit."""
    if card.pin is not None:
        return receipt_png(card, font_path=_font_path())
    return _pinless_png(card, _font_path())


@lru_cache(maxsize=128)
def _pinless_png(card: ReceiptCard, font_path: str | None) -> bytes:
    return receipt_png(card, font_path=font_path)


def card_png_size(card: ReceiptCard) -> tuple[int, int]:
    """The (width, height) of the card's PNG in pixels, for the <img> that shows it."""
    return _png_size(card, _font_path())


@lru_cache(maxsize=512)  # laying a card out encodes its QR (~15 ms); the tracking page asks often
def _png_size(card: ReceiptCard, font_path: str | None) -> tuple[int, int]:
    return receipt_png_size(card, font_path=font_path)


def card_pdf(card: ReceiptCard) -> bytes:
    """The card as a one-page PDF 80 mm wide, for the slip printer."""
    return receipt_pdf(card, font_path=_font_path())


def _font_path() -> str | None:
    return current_app.config.get("YIMA_CJK_FONT")


def answer_card(case: Suggestion, reply: Reply) -> AnswerCard:
    """The card of one answer `case`'s citizen is shown (their own, or the one of the case theirs
    was merged into), under their own receipt code, never the other case's."""
    lang = page_language()
    parts: tuple[tuple[str, str], ...] = ((("", reply.body),) if not reply.is_decision else tuple(
        (str(_("Your claim") if part == "claim" and reply.suggestion_id == case.id else label),
         getattr(reply, part)) for part, label in DECISION_PART.items()))
    lookup = display_url(current_app.config["PUBLIC_BASE_URL"] + "/track")
    return AnswerCard(
        title=_("Yima · Answer"),
        heading=f"{STAGE_REPLY[reply.stage]} · {reply.unit.display_name(lang)} · {local_date(reply.at)}",
        code_line=_("Receipt code %(code)s", code=codes.grouped(case.receipt_code)), parts=parts,
        footer=_("You can follow your matter at %(url)s with the receipt code and the PIN on your receipt.",
                 url=lookup),
        cut_note=_("The answer goes on: read all of it on the tracking page."),
    )


def answer_card_png(card: AnswerCard) -> bytes:
    """The answer card as a PNG; kept by each worker (an answer never changes once given)."""
    return _answer_png(card, _font_path())


@lru_cache(maxsize=32)
def _answer_png(card: AnswerCard, font_path: str | None) -> bytes:
    return answer_png(card, font_path=font_path)


def answers_drawable() -> bool:
    """Whether answers can be offered as images here: not without a CJK font to draw them."""
    return _drawable(_font_path())


@lru_cache(maxsize=8)  # every tracking page with an answer asks; a font is installed with a restart
def _drawable(font_path: str | None) -> bool:
    return drawable(font_path)
