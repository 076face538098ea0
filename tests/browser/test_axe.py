"""No accessibility barrier axe-core can find, on every page citizens and staff open, in both
languages, at a phone's width and a desk's, citizens' pages in both modes (the elder-friendly
one too: app/core/display.py); axe-core from npm, run in Debian's Chromium."""
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.models import Poster, Reply
from tests.conftest import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}


def _axe_source() -> str:
    if not AXE.exists():
        import os

        if os.environ.get("YIMA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run `make test` (it runs `npm ci`), as CI does")
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE.read_text()


def _violations(page, source: str) -> list[str]:
    found = page.evaluate(source + "\n;axe.run(document, {resultTypes: ['violations']})"
                          ".then(r => r.violations.map(v => v.id + ' (' + v.impact + '): '"
                          " + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))")
    return found


def _check(browser, base: str, paths: list[str], source: str, *, staff: str | None = None,
           elder: bool = False) -> dict:
    problems = {}
    for size, viewport in WIDTHS.items():
        for language in ("zh_Hans_CN", "en"):
            # The pages carry no script; JavaScript is on only for axe itself (its checks wait on timers).
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(f"{base}/?lang={language}")
            if elder:
                page.click("button[value=elder]")  # the mode's own switch
                assert page.get_attribute("html", "class") == "elder"
            if staff:
                page.goto(f"{base}/staff/login")
                page.fill("input[name=username]", staff)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
            for path in paths:
                page.goto(base + path)
                found = _violations(page, source)
                if found:
                    problems[f"{path} {language} {size}{' elder' if elder else ''}"] = found
            context.close()
    return problems


def test_citizen_pages_have_no_barriers(app, live_server, browser, make_receipt, session):
    source = _axe_source()
    receipt = make_receipt("replied", told=True)
    answer = _published(app, make_receipt, session)
    paths = ["/", "/p/YMQ2K8", "/submit", f"/t/{receipt.token}", "/track", "/p/NOSUCH", "/answers",
             f"/answers/{answer.id}"]
    problems = _check(browser, live_server, paths, source)
    problems |= _check(browser, live_server, paths, source, elder=True)
    assert problems == {}


def _published(app, make_receipt, session):
    """An answer on the public board, through the steps staff take."""
    from app.config import clocks
    from app.core.db import utcnow
    from app.models import User
    from app.services import publications

    case = make_receipt("replied", kind="suggestion", publish=True).suggestion
    lead = session.scalars(sa.select(User).where(User.username == "yangming-lead")).one()
    found = publications.propose(session, case, lead, utcnow(), clocks(app.config))
    publications.approve(session, found, lead, utcnow(), found.question, found.answer)
    session.commit()
    return found


def _proposed(app, make_receipt, session):
    """An answer proposed for the board, waiting for the lead."""
    from app.config import clocks
    from app.core.db import utcnow
    from app.models import User
    from app.services import publications

    case = make_receipt("replied", kind="suggestion", publish=True).suggestion
    handler = session.scalars(sa.select(User).where(User.username == "yangming")).one()
    found = publications.propose(session, case, handler, utcnow(), clocks(app.config))
    session.commit()
    return found


def test_staff_pages_have_no_barriers(app, live_server, browser, make_receipt, session):
    source = _axe_source()
    case = make_receipt("replied", poster=None, unit="330281-YM").suggestion
    reply = session.scalars(sa.select(Reply.id).where(Reply.suggestion_id == case.id)).first()
    poster = session.scalars(sa.select(Poster.id)).first()
    paths = ["/staff/", f"/staff/cases/{case.id}", "/staff/cases/new", f"/staff/cases/{case.id}/notice",
             f"/staff/cases/{case.id}/replies/{reply}/letter"]
    proposed = _proposed(app, make_receipt, session)
    lead_paths = ["/staff/stats", "/staff/posters", f"/staff/posters/{poster}/edit", "/staff/posters/new",
                  "/staff/publications", f"/staff/publications/{proposed.id}"]
    problems = _check(browser, live_server, ["/staff/login"], source)
    problems |= _check(browser, live_server, paths, source, staff="yangming")
    problems |= _check(browser, live_server, lead_paths, source, staff="yangming-lead")
    problems |= _check(browser, live_server, ["/staff/supervision", "/staff/stats"], source,
                       staff="yuyao-supervisor")
    problems |= _check(browser, live_server, ["/staff/channels", "/staff/outbox"], source, staff="admin")
    assert problems == {}


def test_the_me_too_offer_has_no_barriers(live_server, browser, make_receipt):
    """The form given back with the open case a citizen may join (附议), a page only a POST shows."""
    source = _axe_source()
    make_receipt("accepted", kind="suggestion", poster="YMQ2K8", location="",
                 text="阳明街道便民服务中心门口的路灯坏了一个星期，晚上很黑，老人出门不安全。")
    problems = {}
    for size, viewport in WIDTHS.items():
        for language in ("zh_Hans_CN", "en"):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(f"{live_server}/?lang={language}")
            page.goto(f"{live_server}/p/YMQ2K8")
            page.fill("textarea[name=text]", "便民服务中心大门外那几盏路灯好多天不亮了，天一黑看不清路，请修一下。")
            page.click("form button[type=submit]:not([name])")
            assert page.locator("section.metoo").count() == 1
            found = _violations(page, source)
            if found:
                problems[f"offer {language} {size}"] = found
            context.close()
    assert problems == {}


def test_the_growing_clusters_have_no_barriers(live_server, browser, make_receipt, session, app):
    """Supervision with a case citizens joined this week (附议), and that case's page with its count."""
    from app.config import clocks
    from app.core.db import utcnow
    from app.domain import codes
    from app.domain.workflow import Kind
    from app.services import Submission, joins

    source = _axe_source()
    master = make_receipt("accepted", kind="suggestion", poster="YMQ2K8", location="",
                          text="阳明街道便民服务中心门口的路灯坏了一个星期，晚上很黑，老人出门不安全。").suggestion
    joiner = Submission(submission_key=codes.new_submission_key(), kind=Kind.SUGGESTION, category_id=None,
                        text="便民服务中心大门外那几盏路灯好多天不亮了，天一黑看不清路，请修一下。", poster_code="YMQ2K8")
    joins.join_case(session, joiner, master.id, clocks(app.config), app.config["SECRET_KEY"], utcnow(),
                    poster=master.poster)
    session.commit()
    assert _check(browser, live_server, ["/staff/supervision", f"/staff/cases/{master.id}"], source,
                  staff="yuyao-supervisor") == {}
