"""The sign-in throttle holds across gunicorn workers: its counters are in the database."""
from tests.security.server import at_once, open_form, request
from tests.conftest import PASSWORD


def _sign_in(server, cookies, address, password):
    form = {**open_form(server, "/staff/login", cookies), "username": "yangming", "password": password}
    return request(server, "POST", "/staff/login", cookies=cookies, form=form,
                   headers={"X-Forwarded-For": address})


def test_guesses_spread_over_workers_and_addresses_slow_the_account_not_its_owner(gunicorn, staff):
    server = gunicorn(workers=3, YIMA_PROXIES=1)  # one proxy: X-Forwarded-For is the address
    owner = {}
    assert _sign_in(server, owner, "198.51.100.7", PASSWORD).status == 302
    assert "yima_device" in owner
    for i in range(11):  # each on a fresh connection, so the workers share them out
        assert _sign_in(server, {}, f"203.0.113.{i}", "guess").status == 200
    stranger = _sign_in(server, {}, "198.51.100.8", PASSWORD)  # a browser new to the account
    assert stranger.status == 429 and stranger.headers["retry-after"] in {"1", "2"}
    assert "/staff/" not in stranger.headers.get("location", "")
    # The owner's browser, signed out since (a signed-in one is sent past the form): its device
    # cookie skips the account's wait.
    known = {"yima_device": owner["yima_device"]}
    assert _sign_in(server, known, "198.51.100.7", PASSWORD).status == 302


def test_a_burst_of_guesses_sent_at_once_gets_one_try_past_the_free_ones(gunicorn, staff):
    server = gunicorn(workers=3, YIMA_PROXIES=1)
    for i in range(10):
        assert _sign_in(server, {}, f"203.0.113.{i}", "guess").status == 200
    forms = []
    for i in range(8):
        cookies = {}
        forms.append((cookies, {**open_form(server, "/staff/login", cookies), "username": "yangming",
                                "password": "guess"}))
    answers = at_once([lambda i=i: request(server, "POST", "/staff/login", cookies=forms[i][0], form=forms[i][1],
                                           headers={"X-Forwarded-For": f"203.0.113.{100 + i}"}) for i in range(8)])
    assert sorted(a.status for a in answers) == [200] + [429] * 7
