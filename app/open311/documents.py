"""The Open311 documents Yima answers with, as plain data (app/open311/formats.py writes them).

What of a case they show is app/domain/publication.py's: a listed case gives its matter,
status, unit and clocks, each step named in words; its own words, place and media only once
published. No name, phone or e-mail of a citizen, nor any staff member's name, is read here.
"""
from flask_babel import gettext as _

from app.core.labels import EVENT, KIND
from app.domain import publication
from app.domain.open311 import statuses
from app.domain.workflow import Action, Kind

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T15:00:00+08:00"  # when this API last changed


def discovery(base_url: str, contact: str, kind: str) -> dict:
    """The discovery document: where the endpoint is, what it speaks, whom to ask."""
    return {"changeset": CHANGESET, "contact": contact,
            "key_service": _("Partners ask the city's administrators for an API key."),
            "endpoints": [{"specification": SPECIFICATION, "url": f"{base_url}/open311/v2", "changeset": CHANGESET,
                           "type": kind, "formats": ["text/xml", "application/json"]}]}


def service(category, lang: str) -> dict:
    """One matter as an Open311 service."""
    unit = category.unit.display_name(lang)
    return {"service_code": category.code, "service_name": category.display_name(lang),
            "description": _("%(matter)s, received by %(unit)s.", matter=category.display_name(lang), unit=unit),
            "metadata": True, "type": "realtime",
            "keywords": ",".join(dict.fromkeys(w for w in (category.name, category.name_en, category.code) if w)),
            "group": unit}


def definition(category) -> dict:
    """A service's attributes: the kind of case (the matters have no questions of their own yet)."""
    values = [{"key": kind.value, "name": str(KIND[kind])} for kind in Kind]
    return {"service_code": category.code, "attributes": [{
        "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
        "datatype_description": _("One of the keys; a suggestion when left out."), "order": 1,
        "description": _("What kind of case this is"), "values": values}]}


def _public_events(case):
    return [event for event in case.events if event.public]


def _note(case, event) -> str:
    """A step as the public may read it: named in words (its text is never published)."""
    return str(EVENT.get(event.action, event.action.value))


def answer(found) -> str:
    """A unit's answer as the partner passes it on: a complaint decision's parts each named, as the
    citizen's own page and letter name them."""
    if not found.decision:
        return found.text
    labels = (_("The claim"), _("Facts found"), _("Decision"), _("Basis"))
    return "\n".join(_("%(label)s: %(text)s", label=label, text=text) for label, text in zip(labels, found.decision)
                     if text)


def case_statuses(case) -> tuple[str, str]:
    """(GeoReport status, FixMyStreet status) of a case now."""
    events = _public_events(case)
    return statuses(case.status, events[-1].action if events else None, case.stage)


def service_request(case, lang: str, partner=None, answers=()) -> dict:
    """One case as an Open311 service request. `answers` (app/services/open311.py answers_for)
    are given only to the partner that filed it: its status_notes then carry the latest one."""
    events = _public_events(case)
    status, _extended = case_statuses(case)
    content = publication.shows_content(case)
    category = case.category
    return {
        "service_request_id": case.receipt_code, "status": status,
        "status_notes": answer(answers[-1]) if answers else _note(case, events[-1]) if events else None,
        "service_name": category.display_name(lang) if category else None,
        "service_code": category.code if category else None,
        "description": publication.public_question(case),
        "agency_responsible": case.unit.display_name(lang),
        "service_notice": None,
        "requested_datetime": case.created_at,
        "updated_datetime": events[-1].at if events else case.created_at,
        "expected_datetime": case.due_at if status == "open" else None,
        "address": publication.public_place(case),
        "address_id": None, "zipcode": None,
        "lat": partner.lat if content and partner else None,
        "long": partner.long if content and partner else None,
        "media_url": partner.media_url if content and partner and partner.media_url else None,
    }


def update(event, answers=()) -> dict:
    """One public step as FixMyStreet's request_update; an answer's step carries its text when
    `answers` (given only to the partner that filed the case) hold it."""
    case = event.suggestion
    text = next((answer(a) for a in answers if a.at == event.at), None) if event.action is Action.REPLY else None
    state = event.to_status or event.from_status or case.status
    stage = case.stage if event.action is Action.CLOSE else None
    return {"update_id": str(event.id), "service_request_id": case.receipt_code,
            "status": statuses(state, event.action, stage)[1], "updated_datetime": event.at,
            "description": text or _note(case, event), "media_url": None}
