"""What of a case the public may see: the one rule for Open311 (app/open311/) and, later, the
public answers board (issue 17).

A case is *listed* unless it is a report or accusation (检举控告, Art. 30): those are not
shown at all, not even that they exist. A listed case shows its matter, its status, the unit
holding it, its clocks and what happened to it (each step named in words, never the free text
typed with it). Its *content* (the citizen's words, the photos' addresses, the place, the texts
typed with each step) only once it is published: with the citizen's consent, by staff, on the
answers board. Nothing is published until issue 17 builds that board, so `is_published` is the
one switch it turns on. A citizen's name, phone or e-mail and a staff member's name are never
public, published or not: no function here offers them.
"""


def is_listed(case) -> bool:
    """Whether the public may know the case exists: every case but a report or accusation."""
    return not case.is_report


def is_published(case) -> bool:
    """Whether the case's content is on the public answers board: none is yet (issue 17)."""
    return False


def shows_content(case) -> bool:
    """Whether the public may read the case's own words, place and media, and each step's text."""
    return is_listed(case) and is_published(case)
