"""The transition table, checked for every (state, action, actor) against the rules as written."""
import itertools

import pytest

from app.domain.workflow import (
    CITIZEN, OPEN_STATES, SYSTEM, Action, CaseState, Role, TransitionError, allowed, transition,
)

S = CaseState
H, L, D, SU, A = Role.HANDLER, Role.LEAD, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN
STAFF = {H, L, D, SU}
WORKING = {S.ACCEPTED, S.REVIEW, S.RE_REVIEW}

# The rules, written out from DESIGN.md and the staff issue: action -> (states, actors, after).
EXPECTED = {
    Action.ACCEPT: ({S.SUBMITTED}, {H, L, D}, S.ACCEPTED),
    Action.REJECT: ({S.SUBMITTED}, {H, L, D}, S.REJECTED),
    Action.FORWARD: ({S.SUBMITTED, S.ACCEPTED}, {H, L, D}, S.SUBMITTED),
    Action.RETURN: ({S.SUBMITTED}, {H, L}, S.SUBMITTED),
    Action.ASSIGN: (set(OPEN_STATES), {L, D, SU}, None),
    Action.NOTE: (set(CaseState), STAFF, None),
    Action.REPLY: (WORKING, STAFF, S.REPLIED),
    Action.REQUEST_EXTENSION: ({S.ACCEPTED}, {H}, None),
    Action.EXTEND: ({S.ACCEPTED}, {L}, None),
    Action.REFUSE_EXTENSION: ({S.ACCEPTED}, {L}, None),
    Action.MERGE: ({S.SUBMITTED, S.ACCEPTED}, {L, D}, S.MERGED),
    Action.URGE: (set(OPEN_STATES), {SU}, None),
    Action.MARK_REPORT: ({S.SUBMITTED, S.ACCEPTED}, STAFF, None),
    Action.REVEAL_PHONE: (set(CaseState), STAFF, None),  # of the unit holding it (policy.py)
    Action.RATE: ({S.REPLIED, S.MERGED}, {CITIZEN}, None),  # merged: a joiner's own rating (policy.py)
    Action.REQUEST_REVIEW: ({S.REPLIED}, {CITIZEN}, None),
    Action.FOLLOW_UP: (set(OPEN_STATES) | {S.REPLIED}, {CITIZEN}, None),
    Action.CLOSE: ({S.REPLIED}, {SYSTEM, CITIZEN}, S.CLOSED),
    Action.FLAG_OVERDUE: (set(OPEN_STATES), {SYSTEM}, None),
    Action.SUBMIT: (set(), set(), None),  # filing creates a case; it is no transition
}
ACTORS = [*Role, CITIZEN, SYSTEM]


def test_every_action_has_a_written_rule():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("state,action,actor", list(itertools.product(CaseState, Action, ACTORS)))
def test_transition_table_matches_the_rules(state, action, actor):
    states, actors, after = EXPECTED[action]
    if state in states and actor in actors:
        assert transition(state, action, actor) == (after or state)
        assert allowed(state, action, actor)
    else:
        with pytest.raises(TransitionError):
            transition(state, action, actor)
        assert not allowed(state, action, actor)


def test_nothing_leaves_closed_rejected_or_merged_but_notes_and_reveals():
    for state in (S.CLOSED, S.REJECTED, S.MERGED):
        doable = {a for a in Action for who in ACTORS if allowed(state, a, who)}
        # A joiner (附议) rates the master's answer on their own merged case, which stays merged.
        assert doable == {Action.NOTE, Action.REVEAL_PHONE} | ({Action.RATE} if state is S.MERGED else set())
    assert transition(S.MERGED, Action.RATE, CITIZEN) is S.MERGED


def test_admins_take_no_case_action():
    assert not any(allowed(s, a, A) for s in CaseState for a in Action)


def test_a_refusal_says_whether_the_state_or_the_role_is_wrong():
    with pytest.raises(TransitionError) as wrong_state:
        transition(S.CLOSED, Action.ACCEPT, H)
    with pytest.raises(TransitionError) as wrong_role:
        transition(S.ACCEPTED, Action.EXTEND, H)
    assert (wrong_state.value.reason, wrong_role.value.reason) == ("state", "role")
