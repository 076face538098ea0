"""The Open311 GeoReport v2 endpoints under /open311/v2/, each in .json and .xml."""
import sqlalchemy as sa
from flask import Blueprint, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.config import clocks
from app.core import ratelimits
from app.core.db import utcnow
from app.core.extensions import db
from app.models import Category
from app.open311 import documents, params
from app.open311.formats import document, errors
from app.open311.openapi import openapi
from app.services import open311 as partners
from app.services.errors import AlreadyFiled, NotFound
from app.services.intake import active_categories

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FMT = "<any(json, xml):fmt>"


def language() -> str:
    """The answer's language: ?lang= or ?locale= (en…), else the client's Accept-Language, else
    Simplified Chinese. Unlike the citizens' pages (Chinese first, a link switches), an API client
    has no switch to click: the header it sends is how it asks."""
    wanted = (request.values.get("lang") or request.values.get("locale") or "").lower()
    if not wanted:
        wanted = request.accept_languages.best_match(("zh", "en")) or ""
    return "en" if wanted.startswith("en") else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.after_request
def _negotiated(response):
    """Caches keep one copy per language asked for, and a partner's own answers to itself."""
    response.vary.add("Accept-Language")
    response.headers["Content-Language"] = "en" if language() == "en" else "zh-CN"
    if request.args.get("api_key"):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _reader(fmt: str):
    """(the partner key a GET presents, or None; a 403 answer when it presents a wrong one)."""
    presented = request.args.get("api_key", "")
    if not presented:
        return None, None
    key = partners.live_key(db.session, presented)
    return key, (errors(403, _("A valid api_key is required."), fmt) if key is None else None)


def _fmt() -> str:
    return "xml" if (request.view_args or {}).get("fmt") == "xml" or request.path.endswith(".xml") else "json"


def _lang_short(lang: str) -> str:
    return "en" if lang == "en" else "zh"


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    """Where the endpoint is and what it speaks."""
    with force_locale(language()):
        data = documents.discovery(current_app.config["PUBLIC_BASE_URL"], _contact(),
                                   current_app.config.get("OPEN311_TYPE", "production"))
        return document("discovery", data, fmt)


def _contact() -> str:
    """Whom to ask: YIMA_OPEN311_CONTACT, else the county's name and its public address (the
    validators partners run refuse an empty contact)."""
    config = current_app.config
    if config.get("OPEN311_CONTACT"):
        return config["OPEN311_CONTACT"]
    name = config["COUNTY_NAME_EN"] if language() == "en" else config["COUNTY_NAME"]
    return f"{name} {config['PUBLIC_BASE_URL']}"


@bp.get(f"/services.{FMT}")
def services(fmt: str):
    """One service per active matter."""
    lang = language()
    with force_locale(lang):
        return document("services", [documents.service(c, _lang_short(lang)) for c in active_categories(db.session)],
                        fmt)


@bp.get(f"/services/<service_code>.{FMT}")
def service_definition(service_code: str, fmt: str):
    """A service's attributes."""
    category = db.session.scalars(sa.select(Category).where(Category.code == service_code[:32],
                                                            Category.active)).first()
    with force_locale(language()):
        if category is None:
            return errors(404, _("No such service."), fmt)
        return document("service_definition", documents.definition(category), fmt)


@bp.post(f"/requests.{FMT}")
@ratelimits.partner
def create_request(fmt: str):
    """File a case for a partner: its service_request_id and token. Every POST is audited."""
    lang = language()
    with force_locale(lang):
        key = partners.live_key(db.session, request.form.get("api_key", ""))
        if key is None:
            return _refused(None, 403, _("A valid api_key is required."), fmt)
        try:
            filing = params.filing(db.session, request.form, lang)
            receipt, token = partners.file_request(db.session, key, filing, clocks(current_app.config),
                                                   current_app.config["SECRET_KEY"], utcnow(), request.remote_addr)
        except params.Problem as problem:
            return _refused(key, 400, problem.description, fmt)
        except NotFound:
            return _refused(key, 400, _("address_id: no such poster code."), fmt)
        except AlreadyFiled:  # cannot happen: the key is derived from the body; kept for safety
            return _refused(key, 400, _("This request was filed already."), fmt)
        code = receipt.suggestion.receipt_code
        db.session.commit()
        return document("service_requests", [{"service_request_id": code, "token": token,
                                              "service_notice": None, "account_id": None}], fmt, 201)


def _refused(key, status: int, description: str, fmt: str):
    """A refused POST: audited (which key, why), then the spec's error."""
    db.session.rollback()
    partners.audit_refusal(db.session, utcnow(), key, status, request.remote_addr)
    db.session.commit()
    return errors(status, description, fmt)


@bp.get(f"/requests.{FMT}")
def list_requests(fmt: str):
    """The listed cases the filters ask for, newest first."""
    lang = language()
    with force_locale(lang):
        try:
            query = params.request_query(request.args, clocks(current_app.config).calendar, utcnow())
        except params.Problem as problem:
            return errors(400, problem.description, fmt)
        key, refused = _reader(fmt)
        if refused:
            return refused
        found = partners.find_requests(db.session, query)
        extra = partners.partner_media(db.session, [c.id for c in found])
        answers = partners.answers_for(db.session, key, extra)
        return document("service_requests", [documents.service_request(c, _lang_short(lang), extra.get(c.id),
                                                                        answers.get(c.id, ())) for c in found], fmt)


@bp.get(f"/requests/<service_request_id>.{FMT}")
def get_request(service_request_id: str, fmt: str):
    """One case by its receipt code."""
    lang = language()
    with force_locale(lang):
        key, refused = _reader(fmt)
        if refused:
            return refused
        try:
            case = partners.find_request(db.session, service_request_id[:40])
        except NotFound:
            return errors(404, _("No such service request."), fmt)
        extra = partners.partner_media(db.session, [case.id])
        answers = partners.answers_for(db.session, key, extra).get(case.id, ())
        return document("service_requests", [documents.service_request(case, _lang_short(lang), extra.get(case.id),
                                                                        answers)], fmt)


@bp.get(f"/tokens/<open311_token>.{FMT}")
def get_token(open311_token: str, fmt: str):
    """The service_request_id a POST's token stands for."""
    with force_locale(language()):
        try:
            case = partners.find_by_partner_token(db.session, open311_token)
        except NotFound:
            return errors(404, _("No such token."), fmt)
        return document("service_requests", [{"service_request_id": case.receipt_code, "token": open311_token}], fmt)


@bp.get(f"/servicerequestupdates.{FMT}")
def request_updates(fmt: str):
    """FixMyStreet's extension: each public step of the listed cases in the window, oldest first
    (with the unit's answer's text for the key that filed the case)."""
    with force_locale(language()):
        try:
            start, end = params.window(request.args, clocks(current_app.config).calendar, utcnow())
            number, size = params.page(request.args)
        except params.Problem as problem:
            return errors(400, problem.description, fmt)
        key, refused = _reader(fmt)
        if refused:
            return refused
        found = partners.find_updates(db.session, start, end, number, size)
        rows = partners.partner_media(db.session, list({e.suggestion_id for e in found}))
        answers = partners.answers_for(db.session, key, rows)
        return document("service_requests_updates",
                        [documents.update(e, answers.get(e.suggestion_id, ())) for e in found], fmt)


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 description of these endpoints."""
    return openapi(current_app.config["PUBLIC_BASE_URL"], [c.code for c in active_categories(db.session)])


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    """Anything else under /open311/v2/: the spec's 404."""
    with force_locale(language()):
        return errors(404, _("No such resource."), _fmt())


@bp.errorhandler(HTTPException)
def answer_http_error(error: HTTPException):
    """An HTTP error raised under /open311/v2/ (a limit, a body too large) in the spec's form."""
    with force_locale(language()):
        status = error.code or 400
        if status == 429:
            description = _("Too many requests for this key; try again later.")
        elif status == 413:
            description = _("The request is too large.")
        elif status == 405:
            description = _("This method is not allowed here.")
        else:
            description = _("The request could not be handled.")
        response = errors(status, description, _fmt())
        original = error.get_response()
        for name in ("Retry-After", "Allow"):
            if name in original.headers:
                response.headers[name] = original.headers[name]
        return response
