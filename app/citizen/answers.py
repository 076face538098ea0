"""The public answers board: /answers (filters, search, pages) and /answers/<id>, one answer.

Both are the same for every visitor (no form to post, no CSRF token, no cookie read), so each
worker keeps them (app/citizen/pages.py) under a key holding the board's stamp: publishing,
withdrawing or rating any answer changes the stamp, and every worker's kept pages with it. A
board page costs one small query (the stamp) and a few string joins when kept."""
import re
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request

from app.citizen import pages
from app.core.extensions import db
from app.core.labels import RATING
from app.domain.workflow import Rating
from app.services import board
from app.services.errors import NotFound

bp = Blueprint("answers", __name__)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_WORDS = 50
MAX_PAGE = 10_000


def _int_arg(name: str, errors: list) -> int | None:
    value = (request.args.get(name) or "").strip()
    if not value or value == "0":
        return None
    if not value.isdigit() or len(value) > 9:
        errors.append(name)
        return None
    return int(value)


def _month_arg(errors: list) -> date | None:
    value = (request.args.get("month") or "").strip()
    if not value:
        return None
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        errors.append("month")
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def read_query() -> tuple[board.BoardQuery, list[str]]:
    """The board's filters from the URL, and the names of those that made no sense (left out)."""
    errors: list[str] = []
    words = (request.args.get("q") or "").replace("\x00", "").strip()
    if len(words) > MAX_WORDS:
        errors.append("q")
        words = words[:MAX_WORDS]
    page = _int_arg("page", errors) or 1
    if page > MAX_PAGE:
        errors.append("page")
        page = 1
    return board.BoardQuery(unit_id=_int_arg("unit", errors), category_id=_int_arg("matter", errors),
                            poster_id=_int_arg("poster", errors), month=_month_arg(errors),
                            words=words, page=page), errors


def _kept(key, render):
    """The page kept for `key` (which holds the request's whole query) and the board's current
    stamp, else rendered and kept."""
    key = (key, board.stamp(db.engine))
    page = pages.lookup(key, query_in_key=True)
    if page is None:
        html = render()
        page = pages.keep(key, html) if pages.usable(query_in_key=True) else pages.Page(html)
    return page.fill()


@bp.get("/answers")
def index():
    """Published questions and answers, newest first, filtered and searched."""
    query, errors = read_query()
    if errors:  # a hand-typed or stale link: say so, keep the words, show what still makes sense
        return render_board(query, errors), 400
    return _kept(("answers", tuple(sorted(request.args.items(multi=True)))), lambda: render_board(query, errors))


def render_board(query: board.BoardQuery, errors: list[str]) -> str:
    """The board page for `query`."""
    found = board.board(db.session, query)
    return render_template("citizen/answers.html", found=found, query=query, facets=board.facets(db.session),
                           errors=errors, rating_label=rating_label, page_url=page_url)


def page_url(number: int) -> str:
    """This board page's URL with another page number, its filters kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return "?" + urlencode(args + ([("page", str(number))] if number > 1 else []))


def rating_label(value) -> str:
    """The citizen's rating in words, or an empty string."""
    return str(RATING[Rating(value)]) if value else ""


@bp.get("/answers/<int:answer_id>")
def show(answer_id: int):
    """One published answer; a proposed, declined or withdrawn one is not found."""
    def render():
        try:
            found = board.published_answer(db.session, answer_id)
        except NotFound:
            abort(404)
        return render_template("citizen/answer.html", pub=found, rating_label=rating_label)

    return _kept(("answer", answer_id, tuple(sorted(request.args.items(multi=True)))), render)


@bp.app_template_global("latest_answers")
def latest_answers(poster_id: int) -> list:
    """A poster's three newest published answers, for its landing page (kept with the form)."""
    return board.latest_at_poster(db.session, poster_id)

