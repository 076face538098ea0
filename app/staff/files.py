"""A case's files in the staff view: opened by whoever may see the case (app/services/access.py,
so a report's files stay with the dispatch centre and supervisors), never from /static/."""
from flask import Blueprint, abort, request
from flask_login import current_user

from app import services
from app.core.extensions import db
from app.core.uploads import file_response
from app.services import uploads

bp = Blueprint("files", __name__)


@bp.get("/cases/<int:case_id>/files/<int:file_id>", endpoint="show")
def show(case_id: int, file_id: int):
    """One file of a case the signed-in user may see; its thumbnail with ?thumb=1."""
    try:
        found = uploads.staff_file(db.session, current_user, case_id, file_id)
    except services.NotFound:
        abort(404)
    return file_response(found, thumb=request.args.get("thumb") == "1")
