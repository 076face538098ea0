"""The one rule of what the public may see of a case (app/domain/publication.py)."""
from types import SimpleNamespace

from app.domain import publication


def test_reports_are_not_listed_and_nothing_shows_its_content_before_the_answers_board():
    plain, report = SimpleNamespace(is_report=False), SimpleNamespace(is_report=True)
    assert publication.is_listed(plain) and not publication.is_listed(report)
    assert not publication.shows_content(plain) and not publication.shows_content(report)


def test_once_published_a_listed_case_shows_its_content_and_a_report_still_does_not(monkeypatch):
    monkeypatch.setattr(publication, "is_published", lambda case: True)  # what issue 17 switches on
    assert publication.shows_content(SimpleNamespace(is_report=False))
    assert not publication.shows_content(SimpleNamespace(is_report=True))
