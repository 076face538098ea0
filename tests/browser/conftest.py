"""A live server and Debian's headless Chromium, driven by Playwright, at a phone's size."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app

CHROMIUM = os.environ.get("YIMA_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


def _require_browser():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("YIMA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"Chromium not found at {CHROMIUM}, and CI requires the browser tests")
    pytest.skip("Chromium is not installed (apt install chromium); CI runs these")


@pytest.fixture
def live_server(app):
    """Serve the app over real HTTP; its public base URL is the server's own address."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = create_app({
        # SCAN_BATCH as the test app has it: a poster scan is written as its own request ends, not
        # by whichever request comes 5 s later (a staff POST then waits on its own write lock).
        **{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SCAN_BATCH")},
        "PUBLIC_BASE_URL": base,
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join()
    with holder["app"].app_context():
        from app.core.extensions import db

        db.engine.dispose()


@pytest.fixture
def browser():
    """Debian's headless Chromium, kept off the network but for the pages it is sent to."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A new browser page the size of a phone screen, in a WeChat-like user agent."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        java_script_enabled=False,
        user_agent="Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Mobile Safari/537.36 MicroMessenger/8.0.47",
    )
    yield context.new_page()
    context.close()


def sign_in(page, base: str, username: str, password: str = "correct horse battery") -> None:
    """Sign a browser page in to the staff view as one of the demo accounts (tests/conftest.py PASSWORD)."""
    page.goto(f"{base}/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
