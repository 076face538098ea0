"""Me too (附议) on the citizen's form: before a filing, the open cases like it are offered.

A form sent without a choice whose text repeats an open case (app/services/joins.py offers)
comes back, every field and held photo as sent, with a panel of those cases and two buttons
per case: join it, or file anyway. Both are submit buttons of the same form (name CHOICE), so
no JavaScript is needed and the same submission key files at most once whichever is pressed,
however often.

A join is one person's voice (app/services/joins.py bounds it per address): this browser also
keeps, in its signed session, the masters it joined, so a phone that changes network is
still bound where it carries its cookie.
"""
from typing import Optional

from flask import current_app, render_template, request, session
from flask_babel import gettext as _

from app.config import clocks
from app.core.extensions import db
from app.core.sealed import seal, unseal
from app.services import Submission
from app.services import joins

CHOICE = "metoo"  # the button's name; its value is FILE_ANYWAY or the id of the case to join
FILE_ANYWAY = "file"
MAX_ID_DIGITS = 12
REMEMBERED_JOINS = 20  # the masters this browser joined, newest kept


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
                                   current_app.config["SECRET_KEY"], now, poster=poster,
                                   joined_here=joined_here())
        except joins.NotJoinable:  # refused before anything was written
            notice = _("That case can no longer be joined: it was answered or closed in the meantime. "
                       "Your text is kept below: join another one, or file it on its own.")
        except joins.JoinRefused:  # refused before anything was written
            db.session.rollback()  # let the write lock go (SQLite) before the offers are read
            notice = _("This case was already joined from this network or this browser today: a join counts "
                       "one person once. Your text is kept below: you can file it as your own case.")
    offered = joins.offers(db.session, data, now, poster)
    if not offered and notice is None:
        return None
    return _offer_page(form, poster, offered, notice)


def joined_here() -> list[int]:
    """The masters this browser joined (附议), oldest first, as its signed session remembers them."""
    found = unseal(session.get("joined"), current_app.config["SECRET_KEY"], [])
    return [i for i in found if isinstance(i, int)] if isinstance(found, list) else []


def joined_master(receipt) -> Optional[int]:
    """The master a new filing joined, or None (read before the commit expires the case)."""
    return receipt.suggestion.merged_into_id if receipt.suggestion.joined_at else None


def remember_join(master_id: Optional[int]) -> None:
    """After a join commits: this browser remembers its master."""
    if master_id is None:
        return
    kept = [i for i in joined_here() if i != master_id]
    session["joined"] = seal((kept + [master_id])[-REMEMBERED_JOINS:], current_app.config["SECRET_KEY"])


def _offer_page(form, poster, offered: list[joins.Offer], notice: Optional[str]):
    status = 409 if notice else 200
    return render_template("citizen/submit.html", form=form, poster=poster, expired=False,
                           offers=offered, offer_notice=notice, choice=CHOICE, file_anyway=FILE_ANYWAY), status
