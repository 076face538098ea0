"""Many citizens at once: every submission gets its own case and its own receipt code."""
import threading

import sqlalchemy as sa

from app.models import Suggestion
from tests.conftest import hidden_fields
from tests.web.helpers import VALID, token_of


def test_fifty_concurrent_submissions_give_fifty_cases_with_distinct_codes(app, session):
    clients = [app.test_client() for _ in range(50)]
    forms = [{**hidden_fields(c.get("/submit").get_data(as_text=True)), **VALID} for c in clients]
    saved = app.config["SUBMIT_RATE_LIMIT"]
    app.config["SUBMIT_RATE_LIMIT"] = "1000 per minute"  # fifty citizens behind one test address
    responses = [None] * 50
    start = threading.Barrier(50)

    def send(i):
        start.wait()
        responses[i] = clients[i].post("/submit", data=forms[i])

    try:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        app.config["SUBMIT_RATE_LIMIT"] = saved
    assert [r.status_code for r in responses] == [303] * 50
    assert len({token_of(r) for r in responses}) == 50
    session.rollback()
    codes = session.scalars(sa.select(Suggestion.receipt_code)).all()
    assert len(codes) == 50 and len(set(codes)) == 50
