"""An answer the citizen is shown, as an image to keep: WeChat's browser has no print menu, but a
long press saves a picture (as the receipt image, /t/<token>/receipt.png). Opened only through
the case's tracking token, or the case looked up by code and PIN in this browser."""
from flask import Blueprint, Response, abort, session

from app.citizen.views import case_for_token
from app.core.extensions import db
from app.core.security import no_store
from app.models import Suggestion
from app.receipt_cards import answer_card, answer_card_png, answers_drawable

bp = Blueprint("cards", __name__)


def _answer_png(case: Suggestion, reply_id: int) -> Response:
    shown = case.merged_into or case  # a merged citizen is shown the master's answer
    reply = next((r for r in shown.replies if r.id == reply_id), None)
    if reply is None or not answers_drawable():
        abort(404)
    response = Response(answer_card_png(answer_card(case, reply)), mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="yima-{case.receipt_code}-{reply_id}.png"'
    return response


@bp.get("/t/<token>/answers/<int:reply_id>.png", endpoint="answer")
@no_store
def answer(token: str, reply_id: int):
    """One answer of the case this tracking token opens, as a PNG."""
    return _answer_png(case_for_token(token), reply_id)


@bp.get("/track/case/answers/<int:reply_id>.png", endpoint="looked_up_answer")
@no_store
def looked_up_answer(reply_id: int):
    """One answer of the case found by receipt code and PIN in this browser session, as a PNG."""
    case_id = session.get("tracked_case")
    case = db.session.get(Suggestion, case_id) if case_id else None
    if case is None:
        abort(404)
    return _answer_png(case, reply_id)



@bp.app_template_global("answer_images")
def answer_images() -> bool:
    """Whether the tracking page offers its answers as images (a CJK font draws them)."""
    return answers_drawable()
