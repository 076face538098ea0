"""The words of every message, through Babel: a citizen's SMS in the language they filed in,
a unit's message in the default language (Chinese). Short and plain; a citizen's SMS never
holds the case's text or a staff name (app/services/outbox.py decides what `values` hold)."""
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date, gettext as _

from app.core.labels import KIND
from app.domain.workflow import Kind


def _citizen_words(topic: str) -> str:
    return {
        "receipt": _("Your case %(code)s was received. Follow it here: %(link)s"),
        "accepted": _("Your case %(code)s was accepted by %(unit)s; the answer is due by %(date)s. %(link)s"),
        "rejected": _("Your case %(code)s was not accepted: %(reason)s. Details: %(link)s"),
        "forwarded": _("Your case %(code)s was passed to %(unit)s, which is responsible for it. %(link)s"),
        "returned": _("Your case %(code)s went back to the dispatch centre, to find the unit responsible. %(link)s"),
        "extended": _("The answer to your case %(code)s is now due by %(date)s: %(reason)s. %(link)s"),
        "replied": _("Your case %(code)s has an answer. Read it, and rate it by %(date)s: %(link)s"),
        "review_replied": _("Your case %(code)s has the review answer. Read it, and rate it by %(date)s: %(link)s"),
        "re_review_replied": _("Your case %(code)s has the final re-review answer. "
                               "Read it, and rate it by %(date)s: %(link)s"),
        "merged": _("Your case %(code)s is handled with a similar case; its answer will reach you. %(link)s"),
        "review_requested": _("Your request for review of case %(code)s went to %(unit)s; "
                              "the answer is due by %(date)s. %(link)s"),
        "re_review_requested": _("Your request for re-review of case %(code)s went to %(unit)s; "
                                 "the answer is due by %(date)s. %(link)s"),
        "closed": _("Your case %(code)s is closed. Thank you for telling us. %(link)s"),
    }[topic]


def _unit_title(topic: str) -> str:
    return {
        "new_case": _("New case to accept"),
        "forwarded_in": _("Case forwarded to you"),
        "returned_in": _("Case returned: route it again"),
        "report_in": _("Report or accusation to accept"),
        "review_in": _("Request for review"),
        "re_review_in": _("Request for re-review"),
        "urged": _("Urged by a supervisor"),
        "follow_up_in": _("The citizen added a message"),
        "due_soon": _("Due soon"),
        "overdue": _("Overdue"),
        "test": _("Test message from Yima"),
    }[topic]


class _Values(dict):
    def __missing__(self, key):  # a value a step did not have reads as nothing, never a crash
        return ""


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "long") if iso else ""


class BabelTexts:
    """The Texts app/services/outbox.py asks for, rendered with the app's catalogs."""

    def citizen(self, topic: str, language: str, values: dict) -> str:
        with force_locale(language):
            shown = _Values(values, date=_day(values.get("date", "")))
            return _citizen_words(topic) % shown

    def unit(self, topic: str, values: dict) -> tuple[str, str]:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            title = _unit_title(topic)
            if topic == "test":
                return title, f"**{title}**\n\n" + _("This channel works: Yima's messages will arrive here.")
            kind = KIND[Kind(values["kind"])] if values.get("kind") else ""
            what = " · ".join(str(part) for part in (kind, values.get("category", "")) if part)
            lines = [f"**{title}** {values.get('code', '')}", what]
            if values.get("date"):
                lines.append(_("Due by %(date)s", date=_day(values["date"])))
            open_it = _("Open the case")
            lines.append(f"[{open_it}]({values.get('link', '')})")
            return f"{title} {values.get('code', '')}", "\n\n".join(line for line in lines if line)

    def digest(self, unit_name: str, day: str, counts: dict, overdue: list[dict], more: int = 0) -> tuple[str, str]:
        """A unit's daily digest: its open, due-soon and overdue cases, then (for a
        supervisor's unit) the overdue cases of its subtree, one line each."""
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            title = _("Daily digest for %(unit)s, %(day)s", unit=unit_name, day=_day(day))
            lines = [f"**{title}**",
                     _("Open: %(open)d · due soon: %(soon)d · overdue: %(late)d · new yesterday: %(new)d",
                       open=counts["open"], soon=counts["due_soon"], late=counts["overdue"], new=counts["new"])]
            if overdue:
                lines.append(_("Overdue in your area:"))
                lines += [f"- [{row['code']}]({row['link']}) {row['unit']} · "
                          + _("due by %(date)s", date=_day(row["date"])) for row in overdue]
            if more:
                lines.append(_("… and %(count)d more overdue cases.", count=more))
            return title, "\n\n".join(lines)
