"""Me too (附议) on the citizen's form: before a filing, the open cases like it are offered.

A form sent without a choice whose text repeats an open case (app/services/joins.py offers)
comes back, every field and held photo as sent, with a panel of those cases and two buttons
per case: join it, or file anyway. Both are submit buttons of the same form (name CHOICE), so
no JavaScript is needed and the same submission key files at most once whichever is pressed,
however often.
"""
from typing import Optional

from flask import current_app, render_template, request
from flask_babel import gettext as _

from app.config import clocks
from app.core.extensions import db
from app.services import Submission
from app.services import joins

CHOICE = "metoo"  # the button's name; its value is FILE_ANYWAY or the id of the case to join
FILE_ANYWAY = "file"
MAX_ID_DIGITS = 12


def before_filing(form, poster, data: Submission, now):
    """What a valid form gets before it is filed: None to file it, a Receipt when the citizen
    joined a case, or the form back (a response) with the cases they may join."""
    chosen = request.form.get(CHOICE, "")
    if chosen == FILE_ANYWAY:
        return None
    notice = None
    if chosen.isascii() and chosen.isdigit() and len(chosen) <= MAX_ID_DIGITS:
        try:
            return joins.join_case(db.session, data, int(chosen), clocks(current_app.config),
                                   current_app.config["SECRET_KEY"], now, poster=poster)
        except joins.NotJoinable:  # refused before anything was written
            notice = _("That case can no longer be joined: it was answered or closed in the meantime. "
                       "Your text is kept below: join another one, or file it on its own.")
    offered = joins.offers(db.session, data, now, poster)
    if not offered and notice is None:
        return None
    return _offer_page(form, poster, offered, notice)


def _offer_page(form, poster, offered: list[joins.Offer], notice: Optional[str]):
    status = 409 if notice else 200
    return render_template("citizen/submit.html", form=form, poster=poster, expired=False,
                           offers=offered, offer_notice=notice, choice=CHOICE, file_anyway=FILE_ANYWAY), status
