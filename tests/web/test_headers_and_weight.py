"""Privacy headers on pages that carry a token, nothing from other origins, light pages."""
import re

from tests.web.helpers import submit, token_of


def test_receipt_and_tracking_pages_are_not_stored_and_keep_the_referrer_inside(client, fill_form):
    token = token_of(submit(client, fill_form))
    for path in (f"/t/{token}", f"/t/{token}/qr.png", f"/t/{token}/qr.svg", "/track"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Referrer-Policy"] == "same-origin", path


def test_every_page_forbids_framing_and_sniffing_and_loads_only_its_own_origin(client, fill_form):
    token = token_of(submit(client, fill_form))
    for path in ("/", "/submit", "/p/YMQ2K8", f"/t/{token}", "/track", "/p/NOSUCH"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), path
        assert "<script" not in html, path  # the citizen pages need no JavaScript


def test_citizen_pages_weigh_under_30_kb_with_their_css(client, fill_form):
    with client.get("/static/yima.css") as response:
        css = len(response.data)
    token = token_of(submit(client, fill_form))
    for path in ("/", "/p/YMQ2K8", "/submit", f"/t/{token}", "/track"):
        html = len(client.get(path).data)
        assert html + css <= 30 * 1024, (path, html, css)
