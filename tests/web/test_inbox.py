"""The inbox: filters, nearest deadline first, keyset pages without gaps or repeats."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import Suggestion
from tests.web.helpers import text_of
from tests.web.staff_helpers import citizen_post, signed_in


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/staff/cases/(\d+)"', html)]


def _set(session, case_id, **values):
    session.rollback()
    session.execute(sa.update(Suggestion).where(Suggestion.id == case_id).values(**values))
    session.commit()


def test_pages_follow_the_nearest_deadline_and_never_repeat_or_skip(app, staff, make_case, session):
    ids = [make_case().id for _ in range(30)]
    now = utcnow()
    for n, case_id in enumerate(ids):  # deadlines in reverse order of filing, two sharing one
        _set(session, case_id, due_at=now + timedelta(days=30 - n if n != 1 else 29))
    handler = signed_in(app, "yangming")
    first = handler.get("/staff/").get_data(as_text=True)
    page_one = _ids(first)
    assert len(page_one) == 25
    next_url = re.search(r'href="(/staff/\?[^"]*after_id=[^"]*)"', first).group(1).replace("&amp;", "&")
    page_two = _ids(handler.get(next_url).get_data(as_text=True))
    assert len(page_two) == 5 and not set(page_one) & set(page_two)
    session.rollback()
    due = {c.id: (c.due_at, c.id) for c in session.scalars(sa.select(Suggestion))}
    assert page_one + page_two == sorted(ids, key=lambda i: due[i])


def test_filters_narrow_the_list(app, staff, make_case, session):
    late, soon = make_case().id, make_case().id
    later = make_case(text="小区北门健身器材损坏，请维修").id
    roads = make_case(poster="FSH7N3").id  # 凤山街道, another unit: never in this inbox
    now = utcnow()
    _set(session, late, due_at=now - timedelta(hours=1))
    _set(session, soon, due_at=now + timedelta(days=2))
    handler = signed_in(app, "yangming")
    assert _ids(handler.get("/staff/?overdue=y").get_data(as_text=True)) == [late]
    assert _ids(handler.get("/staff/?due_soon=y").get_data(as_text=True)) == [soon]
    assert _ids(handler.get("/staff/?q=健身器材").get_data(as_text=True)) == [later]
    code = session.get(Suggestion, soon).receipt_code
    assert _ids(handler.get(f"/staff/?q={code[:3]}-{code[3:6]}-{code[6:]}").get_data(as_text=True)) == [soon]
    assert roads not in _ids(handler.get("/staff/?status=all").get_data(as_text=True))
    assert _ids(handler.get("/staff/?date_from=2020-01-01&date_to=2020-12-31").get_data(as_text=True)) == []
    poster = session.get(Suggestion, late).poster_id
    assert set(_ids(handler.get(f"/staff/?poster={poster}").get_data(as_text=True))) == {late, soon, later}
    assert _ids(handler.get("/staff/?channel=hotline").get_data(as_text=True)) == []
    page = text_of(handler.get("/staff/"))
    assert "已超期" in page and "剩余 2 天" in page


def test_a_citizens_follow_up_reaches_the_staff_timeline(app, staff, make_receipt):
    receipt = make_receipt()
    assert citizen_post(app, receipt.token, "follow-up", text="补充：路灯杆上有编号 YM-0231").status_code == 303
    page = signed_in(app, "yangming").get(f"/staff/cases/{receipt.suggestion.id}")
    assert "路灯杆上有编号 YM-0231" in text_of(page)
