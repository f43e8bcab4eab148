"""The life of an incident's level as plain data (`bot.incidents.state`): proposed, triaged, raised, lowered,
handled, reopened, resolved; and which tier a proposal or an untriaged incident pages. No database, no chat."""

from __future__ import annotations

import pytest

from bot.incidents.state import judge, may_mark_handled, may_set_level, proposal_page, untriaged_page
from bot.procedure.config import Level, Role
from bot.procedure.status import IncidentStatus
from tests.bot.procedure_kit import CONFIG

HIGH, MEDIUM, LOW = Level.HIGH, Level.MEDIUM, Level.LOW
OPEN, OBSERVING, RESOLVED = IncidentStatus.OPEN, IncidentStatus.OBSERVING, IncidentStatus.RESOLVED
ROUTING = CONFIG.routing


# ---------------------------------------------------------------------------------------------- proposed


@pytest.mark.parametrize(("proposed", "tier"), [(HIGH, Role.COMMANDER), (MEDIUM, None), (LOW, None)])
def test_a_proposed_high_pages_the_commander_at_once_and_the_others_wait(proposed, tier):
    assert proposal_page(ROUTING, proposed) == tier


def test_which_proposals_page_at_once_is_configuration():
    routing = ROUTING.model_copy(update={"page_proposed": [HIGH, MEDIUM]})
    assert proposal_page(routing, MEDIUM) == Role.EXECUTIVE_SECRETARY
    assert proposal_page(ROUTING.model_copy(update={"page_proposed": []}), HIGH) is None


@pytest.mark.parametrize(("proposed", "tier"), [
    (HIGH, Role.COMMANDER), (MEDIUM, Role.EXECUTIVE_SECRETARY),
    (LOW, Role.EXECUTIVE_SECRETARY),  # low pages nobody, but nothing may sit unseen
    (None, Role.EXECUTIVE_SECRETARY),
])
def test_the_untriaged_timeout_pages_the_tier_of_the_proposed_level(proposed, tier):
    assert untriaged_page(ROUTING, proposed) == tier


# ---------------------------------------------------------------------------------------------- triaged


@pytest.mark.parametrize(("level", "lowered"), [(HIGH, False), (MEDIUM, True), (LOW, True)])
def test_the_first_judgement_of_a_proposed_high_is_triaged_and_pages_its_tier(level, lowered):
    change = judge(level, previous=None, proposed=HIGH, status=OPEN)
    assert (change.triaged, change.raised, change.pages, change.reopens) == (True, False, True, False)
    assert (change.paged_for, change.lowered) == (HIGH, lowered)


def test_judging_a_proposed_low_higher_is_a_triage_not_a_lowering():
    change = judge(HIGH, previous=None, proposed=LOW, status=OPEN)
    assert (change.triaged, change.lowered, change.pages) == (True, False, True)


# ---------------------------------------------------------------------------------------------- raised, lowered


def test_a_raised_level_pages_the_new_tier():
    change = judge(HIGH, previous=MEDIUM, proposed=MEDIUM, status=OPEN)
    assert (change.triaged, change.raised, change.lowered, change.pages) == (False, True, False, True)
    assert change.previous == MEDIUM


def test_a_lowered_level_pages_nobody_by_itself_and_may_stand_the_higher_tier_down():
    change = judge(MEDIUM, previous=HIGH, proposed=MEDIUM, status=OPEN)
    assert (change.raised, change.lowered, change.pages, change.paged_for) == (False, True, False, HIGH)


def test_a_confirmed_level_changes_nothing():
    change = judge(MEDIUM, previous=MEDIUM, proposed=HIGH, status=OPEN)
    assert (change.raised, change.lowered, change.pages, change.reopens) == (False, False, False, False)


# ---------------------------------------------------------------------------------------------- handled, reopened


def test_only_an_open_low_incident_may_be_marked_handled():
    assert may_mark_handled("low", OPEN) is True
    assert may_mark_handled("low", OBSERVING) is False  # already handled
    assert may_mark_handled("medium", OPEN) is False
    assert may_mark_handled(None, OPEN) is False  # untriaged


@pytest.mark.parametrize("level", [MEDIUM, HIGH])
def test_a_handled_incident_raised_reopens(level):
    change = judge(level, previous=LOW, proposed=LOW, status=OBSERVING)
    assert (change.raised, change.reopens) == (True, True)


def test_a_handled_incident_confirmed_low_stays_under_observation():
    assert judge(LOW, previous=LOW, proposed=LOW, status=OBSERVING).reopens is False


def test_an_open_incident_raised_is_not_reopened():
    assert judge(HIGH, previous=LOW, proposed=LOW, status=OPEN).reopens is False


# ---------------------------------------------------------------------------------------------- resolved


@pytest.mark.parametrize(("status", "allowed"), [
    (OPEN, True), (OBSERVING, True), (RESOLVED, False), (IncidentStatus.CLOSED, False)])
def test_the_level_may_change_until_the_incident_is_resolved(status, allowed):
    assert may_set_level(status) is allowed
