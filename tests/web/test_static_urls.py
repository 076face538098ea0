"""Static files are linked with their content's hash, so the front may cache them for a year."""
import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def test_every_page_links_its_stylesheet_with_the_hash_of_the_file_it_serves(client):
    html = client.get("/p/YMQ2K8").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    path, _, version = href.partition("?v=")
    assert path == "/static/yima.css"
    assert version == hashlib.sha256((STATIC / "yima.css").read_bytes()).hexdigest()[:10]
    with client.get(href) as served:  # the versioned URL is the same file
        assert served.status_code == 200 and served.data == (STATIC / "yima.css").read_bytes()


def test_a_missing_static_file_keeps_a_plain_url(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="no-such.css") == "/static/no-such.css"
        assert url_for("static", filename="../wsgi.py") == "/static/../wsgi.py"  # nothing outside is read
