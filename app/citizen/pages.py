"""Citizen pages that differ between visitors in a few values only, rendered once per worker.

A poster's empty form is the same page for every citizen but for its CSRF token and its
one-time submission key; a tracking page the same for every opening of one version of a
case but for its CSRF token and PIN. Each worker renders such a page once, with a marker
where each per-visitor value goes, keeps it for PAGE_CACHE_SECONDS and fills the markers
on every request: a few string joins instead of a form, a template and their queries.

What a page shows goes into its key (the language, the elder-friendly mode and WeChat too); whatever changes within a key's
lifetime (a renamed unit) shows after at most PAGE_CACHE_SECONDS. Pages with a flashed
message, and forms with errors, are always rendered in full.
"""
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf

from app.core.display import elder_on, in_wechat
from app.core.i18n import page_language

MAX_PAGES = 1000  # per worker: about 10 MB of pages
_MARK = "yimaslot" + secrets.token_hex(6)  # letters and digits: HTML escaping leaves it alone
_SLOT = re.compile(_MARK + r"([a-z]+)" + _MARK[::-1])


def slot(name: str) -> str:
    """The marker standing for the per-visitor value `name` while a page is rendered."""
    return f"{_MARK}{name}{_MARK[::-1]}"


def mark_csrf(*forms) -> None:
    """Render these forms' CSRF fields as the "csrf" marker (forms without one are left)."""
    for form in forms:
        if getattr(form, "csrf_token", None):
            form.csrf_token.current_token = slot("csrf")


class Page:
    """A rendered page cut at its markers."""

    def __init__(self, html: str):
        pieces = _SLOT.split(html)  # text, name, text, name, …, text
        self.texts, self.names = pieces[0::2], pieces[1::2]

    def fill(self, **values: str) -> str:
        """The page with each marker replaced by its value (already safe in HTML); the CSRF
        marker by this visitor's token."""
        if "csrf" in self.names:
            values["csrf"] = generate_csrf()
        out = [self.texts[0]]
        for name, text in zip(self.names, self.texts[1:]):
            out += (values[name], text)
        return "".join(out)


class PageCache:
    """Rendered pages by key, each for a limited time, the least recently used dropped first."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[float, Page]] = OrderedDict()

    def get(self, key: Hashable) -> Page | None:
        found = self._pages.get(key)
        if found is None:
            return None
        if found[0] <= time.monotonic():
            self._pages.pop(key, None)
            return None
        self._pages.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, html: str, seconds: float) -> Page:
        return self.put_value(key, Page(html), seconds)

    def put_value(self, key: Hashable, value, seconds: float):
        self._pages[key] = (time.monotonic() + seconds, value)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
        return value

    def clear(self) -> None:
        self._pages.clear()


def _key(key: Hashable) -> Hashable:
    # A page is per language and per mode (the elder-friendly one is another page), per browser
    # kind (WeChat's has no print menu: the page says how to keep an answer there), and has a
    # CSRF field only while CSRF protection is on.
    return key, page_language(), elder_on(), in_wechat(), current_app.config["WTF_CSRF_ENABLED"]


def usable(query_in_key: bool = False) -> bool:
    """Whether this request may be answered from, and its page kept in, the cache.

    Not with a query beyond ?lang=, unless the page's key holds the whole query
    (`query_in_key`): the language and mode switches carry the page's own address, query and
    all, which must be this visitor's (a printed QR has no query).
    """
    return (request.method == "GET" and current_app.config["PAGE_CACHE_SECONDS"] > 0
            and "_flashes" not in session and (query_in_key or set(request.args) <= {"lang"}))


def lookup(key: Hashable, query_in_key: bool = False) -> Page | None:
    """The kept page for `key`, if this request may use one."""
    if not usable(query_in_key):
        return None
    return current_app.extensions["yima_pages"].get(_key(key))


def keep(key: Hashable, html: str) -> Page:
    """Keep a page rendered with slot() markers."""
    return current_app.extensions["yima_pages"].put(_key(key), html, current_app.config["PAGE_CACHE_SECONDS"])


def kept_value(key: Hashable, make: Callable[[], object]):
    """What `make()` gives, worked out once per worker and kept as long as a page (the form's
    list of matters, say: the kept form shows the same list for as long)."""
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if seconds <= 0:
        return make()
    cache, key = current_app.extensions["yima_pages"], ("value", _key(key))
    found = cache.get(key)
    return found if found is not None else cache.put_value(key, make(), seconds)


def init_app(app) -> None:
    app.extensions["yima_pages"] = PageCache()
