"""One form, sent again: the same words are one case; other words are never dropped in silence."""
import threading
from datetime import timedelta

import sqlalchemy as sa

from app.models import Suggestion
from tests.conftest import hidden_fields
from tests.web.helpers import VALID, kept_text, text_of, token_of

OTHER = "另外，新建路5号的下水道井盖松动了，踩上去会响。"
ALREADY = "该表单已用另一段内容提交过，第一条建议已受理：受理码 {code}。"
KEPT = "您的新内容已保留在下方：点击“提交”即可作为一条新建议提交。"


def _cases(session):
    session.rollback()
    return session.scalars(sa.select(Suggestion).order_by(Suggestion.id)).all()


def test_a_double_click_files_one_case_and_shows_the_same_receipt(client, fill_form, session):
    form = fill_form("/p/YMQ2K8", **VALID)
    first, again = client.post("/p/YMQ2K8", data=form), client.post("/p/YMQ2K8", data=form)
    assert (first.status_code, again.status_code) == (303, 303)
    assert token_of(first) == token_of(again)
    assert len(_cases(session)) == 1


def test_the_same_form_with_other_words_comes_back_with_them_and_a_link_to_the_first(client, fill_form, session):
    form = fill_form("/p/YMQ2K8", **VALID)
    first = client.post("/p/YMQ2K8", data=form)
    [case] = _cases(session)
    refused = client.post("/p/YMQ2K8", data={**form, "text": OTHER})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    code = f"{case.receipt_code[:3]}-{case.receipt_code[3:6]}-{case.receipt_code[6:]}"
    assert ALREADY.format(code=code) in text_of(refused) and KEPT in text_of(refused)
    assert f'<a href="/t/{token_of(first)}">查看其回执</a>' in page
    assert kept_text(page) == OTHER
    fresh = hidden_fields(page)
    assert fresh["submission_key"] != form["submission_key"]
    assert len(_cases(session)) == 1  # nothing new was written
    # Pressing Submit on the page they got back files the new words as a second case.
    second = client.post("/p/YMQ2K8", data={**form, **fresh, "text": OTHER})
    assert second.status_code == 303 and token_of(second) != token_of(first)
    assert [c.text for c in _cases(session)] == [VALID["text"], OTHER]


def test_the_same_key_sent_at_once_with_two_texts_files_one_and_refuses_the_other(app, session):
    clients = [app.test_client() for _ in range(2)]
    form = hidden_fields(clients[0].get("/submit").get_data(as_text=True))
    with clients[0].session_transaction() as shared:
        cookie = dict(shared)
    with clients[1].session_transaction() as other:
        other.update(cookie)  # one browser's form, sent from two tabs
    texts = [VALID["text"], OTHER]
    responses = [None, None]
    start = threading.Barrier(2)

    def send(i):
        start.wait()
        responses[i] = clients[i].post("/submit", data={**form, **VALID, "text": texts[i]})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in responses) == [303, 409]
    [case] = _cases(session)
    filed = next(i for i, r in enumerate(responses) if r.status_code == 303)
    refused = responses[1 - filed].get_data(as_text=True)
    assert case.text == texts[filed] and kept_text(refused) == texts[1 - filed]


def test_staff_filing_the_same_desk_form_with_other_words_are_told_and_keep_them(app, staff, session):
    from tests.web.staff_helpers import signed_in

    desk = signed_in(app, "dispatch")
    form = {**hidden_fields(desk.get("/staff/cases/new").get_data(as_text=True)), **VALID, "channel": "hotline"}
    assert desk.post("/staff/cases/new", data=form).status_code == 303
    [case] = _cases(session)
    refused = desk.post("/staff/cases/new", data={**form, "text": OTHER})
    assert refused.status_code == 409 and kept_text(refused.get_data(as_text=True)) == OTHER
    code = f"{case.receipt_code[:3]}-{case.receipt_code[3:6]}-{case.receipt_code[6:]}"
    assert f"该表单已用另一段内容受理了案件 {code}；点击“提交”可将这段内容作为新案件受理。" in text_of(refused)
    assert hidden_fields(refused.get_data(as_text=True))["submission_key"] != form["submission_key"]
    assert len(_cases(session)) == 1


def test_a_replay_with_other_details_changes_nothing_of_the_filed_case(client, fill_form, session):
    from app.models import CaseEvent, Category, OutboxMessage, Subscription

    form = fill_form("/p/YMQ2K8", **VALID)
    first = client.post("/p/YMQ2K8", data=form)
    [case] = _cases(session)
    before = (case.citizen_name, case.citizen_phone, case.location, case.kind, case.category_id, case.unit_id,
              case.publish_consent, case.version)
    other_matter = session.scalars(sa.select(Category.id).where(Category.active)).first()
    changed = {**form, "name": "李四", "phone": "13900002222", "location": "别处", "kind": "suggestion",
               "category": str(other_matter), "notify": "y", "publish": "y"}
    again = client.post("/p/YMQ2K8", data=changed)
    assert again.status_code == 303 and token_of(again) == token_of(first)
    [case] = _cases(session)
    assert (case.citizen_name, case.citizen_phone, case.location, case.kind, case.category_id, case.unit_id,
            case.publish_consent, case.version) == before
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 0  # no SMS consent slipped in
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.phone == "13900002222")) == 0


def _browser(app, address):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def _replay(app, address, key):
    """Someone at `address` with a browser of their own sends a filed form's key again."""
    browser = _browser(app, address)
    form = {**hidden_fields(browser.get("/p/YMQ2K8").get_data(as_text=True)), **VALID, "submission_key": key}
    sent = browser.post("/p/YMQ2K8", data=form)
    assert sent.status_code == 303
    return sent, text_of(browser.get(sent.headers["Location"]))


PIN_SHOWN_BEFORE = "该表单此前已经提交，这是它的回执。查询码已在提交时显示过；本页不再显示查询码，但可查看办理进度。"


def test_a_replay_shows_the_pin_only_soon_after_filing_and_from_the_same_address(app, session):
    from app.domain import codes

    owner = _browser(app, "198.51.100.70")
    form = {**hidden_fields(owner.get("/p/YMQ2K8").get_data(as_text=True)), **VALID}
    first = owner.post("/p/YMQ2K8", data=form)
    pin = codes.pin(app.config["SECRET_KEY"], form["submission_key"])
    assert pin in text_of(owner.get(first.headers["Location"]))
    # The key in other hands, elsewhere: the receipt, never its PIN.
    sent, page = _replay(app, "203.0.113.70", form["submission_key"])
    assert token_of(sent) == token_of(first) and pin not in page and PIN_SHOWN_BEFORE in page
    # The same phone resending on a bad network (its first answer lost, cookie not kept) gets it.
    sent, page = _replay(app, "198.51.100.70", form["submission_key"])
    assert pin in page and PIN_SHOWN_BEFORE not in page
    # The same address, later than the window: no PIN.
    [case] = _cases(session)
    session.execute(sa.update(Suggestion).values(created_at=case.created_at - timedelta(minutes=11)))
    session.commit()
    sent, page = _replay(app, "198.51.100.70", form["submission_key"])
    assert pin not in page and PIN_SHOWN_BEFORE in page
    # The browser that filed it keeps its PIN, in its signed session, however late.
    page = text_of(owner.get(first.headers["Location"]))
    assert pin in page and PIN_SHOWN_BEFORE not in page
