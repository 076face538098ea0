"""Yima's states as Open311 statuses: the one table (GeoReport v2 and FixMyStreet's extension).

Each row is (Yima's state, what qualifies it, the GeoReport `status`, FixMyStreet's extended
status). The qualifier is the case's last public step (an Action) or its stage (a Stage), and
None for the state's plain row; the most specific row wins.
"""
from app.domain.workflow import Action, CaseState, Stage

S = CaseState
STATUS_TABLE = (
    (S.SUBMITTED, None, "open", "OPEN"),  # waiting for the receiving unit
    (S.SUBMITTED, Action.FORWARD, "open", "INTERNAL_REFERRAL"),  # passed to another unit
    (S.SUBMITTED, Action.RETURN, "open", "INTERNAL_REFERRAL"),  # sent back to the dispatch centre
    (S.ACCEPTED, None, "open", "IN_PROGRESS"),
    (S.ACCEPTED, Action.EXTEND, "open", "ACTION_SCHEDULED"),  # an extension with its reason (Art. 34)
    (S.REPLIED, None, "closed", "FIXED"),  # answered: the citizen may rate it or ask for review
    (S.REVIEW, None, "open", "REOPEN"),  # 复查 (Art. 35)
    (S.RE_REVIEW, None, "open", "REOPEN"),  # 复核 (Art. 36)
    (S.CLOSED, None, "closed", "CLOSED"),
    (S.CLOSED, Stage.RE_REVIEW, "closed", "NO_FURTHER_ACTION"),  # after 复核 the matter is final
    (S.REJECTED, None, "closed", "NOT_COUNCILS_RESPONSIBILITY"),  # 不予受理
    (S.MERGED, None, "closed", "DUPLICATE"),  # merged into a master case
)
_ROWS = {(state, qualifier): (status, extended) for state, qualifier, status, extended in STATUS_TABLE}


def statuses(state: CaseState, last_action: Action | None = None, stage: Stage | None = None) -> tuple[str, str]:
    """(GeoReport status, FixMyStreet status) of a case in `state` after `last_action` at `stage`."""
    for qualifier in (last_action, stage, None):
        row = _ROWS.get((state, qualifier))
        if row is not None:
            return row
    raise KeyError(state)  # every state has its plain row: a test checks it


def states_with(status: str) -> frozenset[CaseState]:
    """The states whose GeoReport status is `status` ("open" or "closed")."""
    return frozenset(state for state, _q, plain, _x in STATUS_TABLE if plain == status)
