"""Me too (附议): a citizen whose text repeats an open case is offered to join it before filing,
sees none of the other citizen's words, name or phone, files anyway exactly once, or joins and
then follows, hears and rates the master's answer with their own receipt."""
import re

import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.workflow import Action, Rating
from app.models import OutboxMessage, Suggestion
from app.services import joins
from tests.conftest import _actor, login
from tests.web.helpers import VALID, kept_text, text_of, token_of

LIGHT = "阳明街道便民服务中心门口的路灯坏了一个星期，晚上很黑，老人出门不安全。"
LIGHT_AGAIN = "便民服务中心大门外那几盏路灯好多天不亮了，天一黑看不清路，请修一下。"
PARKING = "便民服务中心门口人行道上停满了电动车，轮椅推不过去。"
FIRST = {"citizen_name": "李秀英", "citizen_phone": "13900001111", "location": "", "text": LIGHT}
ASKED = {k: v for k, v in VALID.items() if k != "metoo"}  # sent without a choice: the first Submit
SECOND = {**ASKED, "text": LIGHT_AGAIN, "location": "", "name": "王五", "phone": "13812345678"}
JOIN = re.compile(r'name="metoo" value="(\d+)"')


def _offer(client, fill_form, **values):
    """Send the form with a text like the open case; the page that comes back."""
    data = fill_form("/p/YMQ2K8", **{**SECOND, **values})
    return data, client.post("/p/YMQ2K8", data=data)


def _cases(session):
    session.commit()  # a fresh snapshot
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion))


def test_a_near_duplicate_is_offered_and_nothing_is_filed_yet(make_case, client, fill_form, session):
    master = make_case(poster="YMQ2K8", **FIRST)
    before = _cases(session)
    data, page = _offer(client, fill_form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and _cases(session) == before
    assert JOIN.findall(html) == [str(master.id)] and 'value="file"' in html
    assert "加入此件（附议）" in html and "仍然单独提交" in html
    assert kept_text(html) == LIGHT_AGAIN and 'value="王五"' in html  # everything they typed is kept
    panel = html[html.index('class="metoo"'):html.index("</section>", html.index('class="metoo"'))]
    for private in (LIGHT, "李秀英", "13900001111", "1111", master.receipt_code):
        assert private not in panel
    assert "阳明街道" in panel and "待受理" in panel  # the unit handling it, and its state


def test_an_unrelated_text_is_filed_at_once(make_case, client, fill_form):
    make_case(poster="YMQ2K8", **FIRST)
    _data, page = _offer(client, fill_form, text=PARKING)
    assert page.status_code == 303 and token_of(page)


def test_a_report_is_never_offered(make_case, client, fill_form):
    make_case(poster="YMQ2K8", is_report=True, **FIRST)
    _data, page = _offer(client, fill_form)
    assert page.status_code == 303


def test_filing_anyway_files_once_even_on_a_double_click(make_case, client, fill_form, session):
    make_case(poster="YMQ2K8", **FIRST)
    before = _cases(session)
    data, _page = _offer(client, fill_form)
    first = client.post("/p/YMQ2K8", data={**data, "metoo": "file"})
    again = client.post("/p/YMQ2K8", data={**data, "metoo": "file"})
    assert first.status_code == again.status_code == 303 and token_of(first) == token_of(again)
    assert _cases(session) == before + 1
    # Sent once more without a choice (a retry of the first Submit), it is not offered its own case.
    retry = client.post("/p/YMQ2K8", data=data)
    assert retry.status_code == 303 and token_of(retry) == token_of(first) and _cases(session) == before + 1


def test_joining_gives_a_receipt_and_the_masters_answer(make_receipt, client, fill_form, session, app):
    master = make_receipt("accepted", kind="suggestion", poster="YMQ2K8", **FIRST).suggestion
    data, _page = _offer(client, fill_form, notify="y")
    joined = client.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)})
    again = client.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)})  # a double click
    assert joined.status_code == again.status_code == 303 and token_of(joined) == token_of(again)
    token = token_of(joined)
    page = client.get(f"/t/{token}")
    text = text_of(page)
    assert "受理码" in text and "查询码" in text and "办理中" in text  # their receipt; the master's state
    session.commit()
    mine = session.scalars(sa.select(Suggestion).where(Suggestion.merged_into_id == master.id)).one()
    assert mine.joined_at is not None and mine.citizen_name == "王五"
    # The unit answers the master: the joiner reads it, hears it, and rates it themselves.
    now, cl = utcnow(), clocks(app.config)
    session.refresh(master)
    services.reply_to_case(session, master, _actor(session, master, Action.REPLY, now, cl), now, cl,
                           services.ReplyText(body="路灯已于今日修复，感谢您的反映。"))
    session.commit()
    page = client.get(f"/t/{token}")
    assert "路灯已于今日修复" in text_of(page) and LIGHT not in text_of(page) and "李秀英" not in text_of(page)
    sms = session.scalars(sa.select(OutboxMessage.topic).where(OutboxMessage.case_id == mine.id)).all()
    assert sorted(sms) == ["receipt", "replied"]  # no "merged" on top of the receipt
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    rated = client.post(f"/t/{token}/rate", data={"csrf_token": csrf, "rating": "satisfied"})
    assert rated.status_code == 303
    session.commit()
    mine, master = session.get(Suggestion, mine.id), session.get(Suggestion, master.id)
    assert mine.rating.value == "satisfied" and master.rating is None and mine.status.value == "merged"
    assert "您的评价：满意" in text_of(client.get(f"/t/{token}"))
    from datetime import timedelta

    from app.stats.figures import Period, total
    figures = total(session, None, Period(now - timedelta(days=1), now + timedelta(days=1)), now)
    assert (figures.rated, figures.satisfied, figures.joins) == (1, 1, 1)  # the joiner's own rating counts
    again = client.post(f"/t/{token}/rate", data={"csrf_token": csrf, "rating": "unsatisfied"})
    assert again.status_code == 409 and "该答复已评价" in text_of(again)  # once


def test_a_case_not_offered_cannot_be_joined(make_case, client, fill_form, session):
    other = make_case(poster="YMQ2K8", text=PARKING, citizen_name="赵六", location="")
    make_case(poster="YMQ2K8", **FIRST)
    before = _cases(session)
    data, _page = _offer(client, fill_form)
    for bad in (str(other.id), "99999999", "-1", "１２", "x" * 5000, "9" * 40):
        page = client.post("/p/YMQ2K8", data={**data, "metoo": bad})
        assert page.status_code in (200, 409) and kept_text(page.get_data(as_text=True)) == LIGHT_AGAIN
    assert _cases(session) == before


def test_the_staff_page_counts_the_joins(make_case, client, fill_form, staff):
    master = make_case(poster="YMQ2K8", **FIRST)
    data, _page = _offer(client, fill_form)
    assert client.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)}).status_code == 303
    login(client, "yangming")
    assert "1 人附议" in text_of(client.get(f"/staff/cases/{master.id}"))


def _join(app, master_id, address="198.51.100.7", **values):
    """Another citizen, in a browser of their own at `address`, is offered the master and joins it."""
    citizen = app.test_client()
    citizen.environ_base["REMOTE_ADDR"] = address
    page = citizen.get("/p/YMQ2K8").get_data(as_text=True)
    from tests.conftest import hidden_fields

    data = {**hidden_fields(page), **SECOND, **values, "metoo": str(master_id)}
    joined = citizen.post("/p/YMQ2K8", data=data)
    assert joined.status_code == 303
    return token_of(joined)


def test_supervision_shows_the_clusters_growing_this_week_in_scope_only(app, make_case, session, staff):
    from datetime import timedelta

    from app.models import OrgUnit, User
    from app.services import Submission
    from app.domain import codes
    from app.domain.workflow import Kind, Role

    now = utcnow()
    # A supervisor of another town (凤山街道) sees none of Yangming's cases.
    fengshan = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == "330281-FS")).one()
    other = session.scalars(sa.select(User).where(User.username == "yuyao-supervisor")).one()
    session.add(User(username="fengshan-supervisor", display_name="凤山 督查", role=Role.SUPERVISOR,
                     unit_id=fengshan.id, password_hash=other.password_hash, created_at=now))
    session.commit()
    master = make_case(poster="YMQ2K8", now=now - timedelta(days=10), **FIRST)
    quiet = make_case(poster="JT4P9X", category="daolu", text="四明西路公交站前面路面有好几个大坑，电动车骑过去差点摔倒。",
                      location="")
    # A join eight days ago: part of the case's support, not of this week's growth.
    old = Submission(submission_key=codes.new_submission_key(), kind=Kind.SUGGESTION, text=LIGHT_AGAIN,
                     category_id=None, poster_code="YMQ2K8")
    joins.join_case(session, old, master.id, clocks(app.config), app.config["SECRET_KEY"], now - timedelta(days=8),
                    poster=master.poster)
    session.commit()
    _join(app, master.id)
    _join(app, master.id, address="203.0.113.9", name="赵六", phone="13700001234")
    session.commit()  # a snapshot after the joins (reading master.id began one before them)
    assert joins.join_counts(session, [master.id, quiet.id]) == {master.id: 3}
    county = app.test_client()
    login(county, "yuyao-supervisor")
    page = county.get("/staff/supervision")
    growing = text_of(page).split("本周附议增长", 1)[1]
    assert page.status_code == 200 and "+2 人附议" in growing and codes.grouped(master.receipt_code) in growing
    assert "来自同一地址" not in growing  # two addresses, one join each: nothing to flag
    assert codes.grouped(quiet.receipt_code) not in growing
    town = app.test_client()
    login(town, "fengshan-supervisor")
    page = town.get("/staff/supervision")
    assert page.status_code == 200 and "本周附议增长" not in text_of(page)


def test_joins_count_in_the_statistics_for_the_masters_unit(app, make_case, session):
    from app.stats.figures import Period, figures_by
    from datetime import timedelta

    master = make_case(poster="YMQ2K8", **FIRST)
    _join(app, master.id)
    session.commit()
    now = utcnow()
    by_unit = figures_by(session, None, Period(now - timedelta(days=1), now + timedelta(days=1)), now, by="unit")
    assert by_unit[master.unit_id].joins == 1
    assert sum(f.joins for f in by_unit.values()) == 1


def test_a_joiner_hears_the_masters_steps_but_not_what_its_citizen_did(app, make_receipt, session):
    master = make_receipt("submitted", kind="suggestion", poster="YMQ2K8", told=True, **FIRST).suggestion
    master_id = master.id
    token = _join(app, master_id, notify="y")
    session.commit()
    now, cl = utcnow(), clocks(app.config)
    master = session.get(Suggestion, master_id)
    for action, step in ((Action.ACCEPT, services.accept_case), (Action.REPLY, services.reply_to_case)):
        extra = (services.ReplyText(body="已修复。"),) if action is Action.REPLY else ()
        step(session, master, _actor(session, master, action, now, cl), now, cl, *extra)
        session.commit()
    services.rate_reply(session, master, Rating.UNSATISFIED, "还是不亮", now, cl)
    services.request_review(session, master, "晚上还是很黑", now, cl)
    session.commit()
    mine = session.scalars(sa.select(Suggestion.id).where(Suggestion.merged_into_id == master_id)).one()
    heard = session.scalars(sa.select(OutboxMessage.topic).where(OutboxMessage.case_id == mine)
                            .order_by(OutboxMessage.id)).all()
    assert heard == ["receipt", "accepted", "replied"]  # not the master citizen's own review request
    page = text_of(app.test_client().get(f"/t/{token}"))
    assert "复查中" in page and "已修复。" in page  # the master's state and answer
    assert "还是不亮" not in page and "晚上还是很黑" not in page  # never the master citizen's own words


def _joiner(app, address):
    """A citizen's browser at `address`, with the form filled with a text like the master's."""
    from tests.conftest import hidden_fields

    citizen = app.test_client()
    citizen.environ_base["REMOTE_ADDR"] = address
    return citizen, {**hidden_fields(citizen.get("/p/YMQ2K8").get_data(as_text=True)), **SECOND}


REFUSED = "今天已有人通过同一网络或同一浏览器附议过此件：每人只计一次附议。您填写的内容已保留在下方，可以作为您自己的建议单独提交。"


def test_fifteen_joins_from_one_address_at_once_count_once_and_keep_the_others_words(app, make_case, session):
    import threading

    master = make_case(poster="YMQ2K8", **FIRST)
    before = _cases(session)
    browsers = [_joiner(app, "198.51.100.20") for _ in range(15)]  # a script dropping its cookies
    responses = [None] * 15
    start = threading.Barrier(15)

    def send(i):
        citizen, data = browsers[i]
        start.wait()
        responses[i] = citizen.post("/p/YMQ2K8", data={**data, "text": f"{LIGHT_AGAIN}第{i}次", "metoo": str(master.id)})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in responses) == [303] + [409] * 14
    assert _cases(session) == before + 1 and joins.join_counts(session, [master.id]) == {master.id: 1}
    refused = [(i, r) for i, r in enumerate(responses) if r.status_code == 409]
    for i, response in refused:
        html = response.get_data(as_text=True)
        assert REFUSED in text_of(response) and kept_text(html) == f"{LIGHT_AGAIN}第{i}次"
        assert 'value="file"' in html  # they may still file their words as their own case
    # The offer that the next citizen sees counts one person, not fifteen.
    neighbour, data = _joiner(app, "203.0.113.50")
    offered = neighbour.post("/p/YMQ2K8", data=data)
    assert offered.status_code == 200 and "附议 1 人" in text_of(offered)
    # One refused citizen files their words on their own: a case of theirs, not a join.
    i, response = refused[0]
    citizen, _data = browsers[i]
    from tests.conftest import hidden_fields
    own = citizen.post("/p/YMQ2K8", data={**hidden_fields(response.get_data(as_text=True)), **SECOND,
                                          "text": f"{LIGHT_AGAIN}第{i}次", "metoo": "file"})
    assert own.status_code == 303 and _cases(session) == before + 2
    assert joins.join_counts(session, [master.id]) == {master.id: 1}


def test_another_address_joins_and_one_browser_on_a_new_network_does_not(app, make_case, session):
    master = make_case(poster="YMQ2K8", **FIRST)
    citizen, data = _joiner(app, "198.51.100.30")
    assert citizen.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)}).status_code == 303
    _join(app, master.id, address="203.0.113.31")  # a neighbour on another network
    # The first phone moves from Wi-Fi to its carrier's network, keeping its cookie.
    citizen.environ_base["REMOTE_ADDR"] = "100.64.0.31"
    from tests.conftest import hidden_fields
    data = {**hidden_fields(citizen.get("/p/YMQ2K8").get_data(as_text=True)), **SECOND, "metoo": str(master.id)}
    refused = citizen.post("/p/YMQ2K8", data=data)
    assert refused.status_code == 409 and REFUSED in text_of(refused)
    # An IPv6 phone changing its privacy address within its /64 is the same client.
    v6, data = _joiner(app, "2001:db8:5:7::a1")
    assert v6.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)}).status_code == 303
    v6_again, data = _joiner(app, "2001:db8:5:7:9f::2")
    assert v6_again.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)}).status_code == 409
    session.commit()  # a fresh snapshot
    assert joins.join_counts(session, [master.id]) == {master.id: 3}
    # A join a day later from the first address is a new day's voice.
    from datetime import timedelta
    from app.domain import codes
    from app.domain.workflow import Kind
    from app.services import Submission
    later = Submission(submission_key=codes.new_submission_key(), kind=Kind.SUGGESTION, text=LIGHT_AGAIN,
                       category_id=None, poster_code="YMQ2K8",
                       filed_from=codes.client_mark(app.config["SECRET_KEY"], "198.51.100.30"))
    session.commit()
    master = session.get(Suggestion, master.id)
    joins.join_case(session, later, master.id, clocks(app.config), app.config["SECRET_KEY"],
                    utcnow() + timedelta(days=1, minutes=1), poster=master.poster)
    session.commit()
    assert joins.join_counts(session, [master.id]) == {master.id: 4}


def test_supervision_sees_how_many_joins_came_from_one_address(app, make_case, session, staff):
    from datetime import timedelta

    from app.domain import codes
    from app.domain.workflow import Kind
    from app.services import Submission

    now = utcnow()
    master = make_case(poster="YMQ2K8", now=now - timedelta(days=5), **FIRST)
    mark = codes.client_mark(app.config["SECRET_KEY"], "198.51.100.40")
    for days in (4, 3, 2):  # one a day from one address: within the bound, yet a pattern
        joined = Submission(submission_key=codes.new_submission_key(), kind=Kind.SUGGESTION, text=LIGHT_AGAIN,
                            category_id=None, poster_code="YMQ2K8", filed_from=mark)
        joins.join_case(session, joined, master.id, clocks(app.config), app.config["SECRET_KEY"],
                        now - timedelta(days=days), poster=master.poster)
        session.commit()
    _join(app, master.id, address="203.0.113.41")
    supervisor = app.test_client()
    login(supervisor, "yuyao-supervisor")
    growing = text_of(supervisor.get("/staff/supervision")).split("本周附议增长", 1)[1]
    assert "+4 人附议" in growing and "其中 3 人附议来自同一地址" in growing
    supervisor.get("/?lang=en")
    growing = text_of(supervisor.get("/staff/supervision"))
    assert "3 joins from one address" in growing


def test_the_address_marks_are_kept_a_week_and_purged_with_the_phone(app, make_case, session):
    from datetime import timedelta

    from app.services.retention import purge_personal_data

    master = make_case(poster="YMQ2K8", **FIRST)
    _join(app, master.id)
    session.commit()
    marked = session.scalars(sa.select(Suggestion).where(Suggestion.filed_from.is_not(None))).all()
    assert [c.merged_into_id for c in marked] == [master.id]  # the web joiner's, not the factory's
    # Within the week the sweep keeps it; after it, the sweep clears it.
    now = utcnow()
    assert services.sweep(session, now + timedelta(days=6), clocks(app.config)).marks_cleared == 0
    assert services.sweep(session, now + timedelta(days=8), clocks(app.config)).marks_cleared == 1
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).where(Suggestion.filed_from.is_not(None))) == 0
    # The purge clears it with the phone, whatever its age.
    _join(app, master.id, address="203.0.113.60")
    session.commit()
    session.execute(sa.update(Suggestion).values(status="closed", closed_at=now - timedelta(days=400)))
    session.commit()
    purge_personal_data(session, now, retention_days=365, audit_retention_days=365)
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).where(Suggestion.filed_from.is_not(None))) == 0


def test_a_join_sent_again_after_its_master_was_answered_gets_its_receipt(app, make_receipt, client, fill_form, session):
    master = make_receipt("accepted", kind="suggestion", poster="YMQ2K8", **FIRST).suggestion
    data, _page = _offer(client, fill_form)
    joined = client.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)})
    now, cl = utcnow(), clocks(app.config)
    session.commit()
    master = session.get(Suggestion, master.id)
    services.reply_to_case(session, master, _actor(session, master, Action.REPLY, now, cl), now, cl,
                           services.ReplyText(body="已修复。"))
    session.commit()
    again = client.post("/p/YMQ2K8", data={**data, "metoo": str(master.id)})  # a resend, much later
    assert again.status_code == 303 and token_of(again) == token_of(joined)
    assert joins.join_counts(session, [master.id]) == {master.id: 1}
