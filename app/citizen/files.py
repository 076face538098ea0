"""The citizen's files: their photos and the files of the answers they are shown, opened only
through the case's tracking token (or the case looked up by code and PIN in this browser)."""
from flask import Blueprint, abort, request, session

from app import services
from app.citizen.views import case_for_token
from app.core.extensions import db
from app.core.uploads import file_response
from app.models import Suggestion
from app.services import uploads

bp = Blueprint("files", __name__)


def _answer(case: Suggestion, file_id: int):
    try:
        found = uploads.citizen_file(db.session, case, file_id)
    except services.NotFound:
        abort(404)
    return file_response(found, thumb=request.args.get("thumb") == "1")


@bp.get("/t/<token>/files/<int:file_id>", endpoint="show")
def show(token: str, file_id: int):
    """One file of the case this tracking token opens."""
    return _answer(case_for_token(token), file_id)


@bp.get("/track/case/files/<int:file_id>", endpoint="looked_up")
def looked_up(file_id: int):
    """One file of the case found by receipt code and PIN in this browser session."""
    case_id = session.get("tracked_case")
    case = db.session.get(Suggestion, case_id) if case_id else None
    if case is None:
        abort(404)
    return _answer(case, file_id)
