"""Every GET route with the parameters of every other route: a name a page does not expect
(`?fmt=csv` on the inbox, `?table=` on the figures, url_for()'s own `_external`) is never a 500.

tests/security/test_generated_input.py fuzzes the names each view reads; a page that copies its
query into its links can still break on a name it never reads, so here every GET route is sent
every name any route reads or takes in its path, with odd values, as a visitor and as staff.
"""
import itertools

from tests.security.test_generated_input import ROLES, Sender, _rules, _url, path_values, recording  # noqa: F401

# url_for()'s own keywords, and names the hooks read: a link built from the query must not obey them.
ALWAYS = {"_external", "_scheme", "_anchor", "_method", "lang", "mode", "next"}
ODD = ["csv", "1", "", "x" * 300, "-1", "javascript:alert(1)", "2026-13-45", "\x00", "路灯😀"]


def test_every_get_route_answers_any_routes_parameters_without_a_500(app, staff, recording, path_values):
    senders = [Sender(app, role, recording) for role in ROLES]
    gets = [rule for rule, method in _rules(app) if method == "GET"]
    urls = {}
    names = set(ALWAYS) | {name for rule in gets for name in rule.arguments}
    for rule in gets:  # each page opened as each role, noting the names its view reads
        values = {name: path_values[name][0] for name in rule.arguments}
        urls[rule.endpoint] = _url(rule, values)
        for sender in senders:
            read, _status = sender.send("GET", urls[rule.endpoint], {})
            names |= read - {"csrf_token"}
    assert {"fmt", "period", "unit", "after_id", "table", "q", "page"} & names >= {"fmt", "period", "unit", "table"}
    turn = itertools.count()
    for rule in gets:
        for name in sorted(names):
            for value in ODD[:3]:  # the values a copied link would carry; the rest in one sweep below
                senders[next(turn) % len(senders)].send("GET", urls[rule.endpoint], {name: value})
        everything = {name: ODD[i % len(ODD)] for i, name in enumerate(sorted(names))}
        for sender in senders:  # all of them at once, as each role
            sender.send("GET", urls[rule.endpoint], everything)
    failures = [f for sender in senders for f in sender.failures]
    assert not failures, failures[:10]
    assert sum(sender.sent for sender in senders) > len(gets) * len(names)
