"""The one rule of what the public may see of a case (app/domain/publication.py)."""
from types import SimpleNamespace

from app.domain import publication


def _case(is_report=False, consent=True, status=None):
    row = SimpleNamespace(status=status, question="路灯坏了") if status else None
    return SimpleNamespace(is_report=is_report, publish_consent=consent, publication=row, location="")


def test_reports_are_not_listed_and_nothing_shows_its_content_before_it_is_published():
    plain, report = _case(), _case(is_report=True)
    assert publication.is_listed(plain) and not publication.is_listed(report)
    assert not publication.shows_content(plain) and not publication.shows_content(report)
    for status in ("proposed", "declined", "unpublished"):
        assert not publication.shows_content(_case(status=status))


def test_once_published_a_listed_case_shows_its_approved_text_and_a_report_still_does_not():
    assert publication.shows_content(_case(status="published"))
    assert publication.public_question(_case(status="published")) == "路灯坏了"
    assert not publication.shows_content(_case(is_report=True, status="published"))
    assert not publication.shows_content(_case(consent=False, status="published"))
    assert publication.public_question(_case(is_report=True, status="published")) is None
