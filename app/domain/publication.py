"""What of a case the public may see: the one rule for Open311 (app/open311/) and the public
answers board (/answers, issue 17).

A case is *listed* unless it is a report or accusation (检举控告, Art. 30): those are not
shown at all, not even that they exist. A listed case shows its matter, its status, the unit
holding it, its clocks and what happened to it (each step named in words, never the free text
typed with it). Its *content* (the citizen's words, the photos' addresses, the place, the texts
typed with each step) only once it is published: with the citizen's consent, by staff, on the
answers board (app/services/publications.py); and then only as the lead approved it (the
question) or redacted (the place). The texts typed with each step stay unpublished: no lead read
them redacted, so a step is named in words only. A case is published while its publication row
(app/models_publication.py) is approved and not taken down; what is then shown of it is that
row's texts, redacted and approved by the unit's lead, never the case's own. A citizen's name,
phone or e-mail and a staff member's name are never public, published or not: no function here
offers them.
"""
import enum

from app.domain.redaction import redact


class PubState(str, enum.Enum):
    """Where a publication stands: proposed by a handler, then published or declined by the
    unit's lead; a published answer can be taken down (unpublished) in one click."""

    PROPOSED = "proposed"
    PUBLISHED = "published"
    DECLINED = "declined"
    UNPUBLISHED = "unpublished"


def is_listed(case) -> bool:
    """Whether the public may know the case exists: every case but a report or accusation."""
    return not case.is_report


def may_be_published(case) -> bool:
    """Whether a case could ever go on the board: the citizen agreed, and it is no report."""
    return bool(getattr(case, "publish_consent", False)) and not case.is_report


def is_published(case) -> bool:
    """Whether the case's content is on the public answers board: approved, not taken down."""
    found = getattr(case, "publication", None)
    return found is not None and found.status == PubState.PUBLISHED and may_be_published(case)


def public_question(case):
    """The question as the public reads it (the approved, redacted text), or None."""
    return case.publication.question if shows_content(case) else None


def public_place(case):
    """Where, as the public reads it once published: the place typed, redacted, or None."""
    return redact(case.location, case.citizen_name).text if shows_content(case) and case.location else None


def shows_content(case) -> bool:
    """Whether the public may read the case's own words, place and media, and each step's text."""
    return is_listed(case) and is_published(case)
