"""The life of a page as plain data (`bot.paging.transitions`): every move of the table, who a timed-out page goes
to, and which waiting pages a lower judged level stands down. No database, no chat."""

from __future__ import annotations

import pytest

from bot.paging.transitions import (
    CHAIN,
    FINAL,
    NEXT_TIER,
    TRANSITIONS,
    Event,
    Next,
    after_timeout,
    chain_above,
    root_of,
    stands_down,
    step,
)
from bot.procedure.config import Role
from bot.procedure.status import PageStatus

COMMANDER, SECRETARY, LEGAL = Role.COMMANDER, Role.EXECUTIVE_SECRETARY, Role.LEGAL


# ---------------------------------------------------------------------------------------------- the table


@pytest.mark.parametrize(("status", "event", "after"), [
    (PageStatus.PAGING, Event.ACKNOWLEDGED, PageStatus.ACKED),  # acknowledged
    (PageStatus.PAGING, Event.TIMED_OUT, PageStatus.ESCALATED),  # escalated
    (PageStatus.PAGING, Event.ANSWERED_ELSEWHERE, PageStatus.SUPERSEDED),  # superseded
    (PageStatus.PAGING, Event.INCIDENT_OVER, PageStatus.CLOSED),  # closed with its incident
    (PageStatus.PAGING, Event.STOOD_DOWN, PageStatus.STOOD_DOWN),  # judged lower
    (PageStatus.PAGING, Event.HANDED_OVER, PageStatus.SUPERSEDED),  # its seat handed over (§3 移交)
    (PageStatus.ESCALATED, Event.ACKNOWLEDGED, PageStatus.ACKED),  # a late answer still counts
    (PageStatus.ESCALATED, Event.STOOD_DOWN, PageStatus.STOOD_DOWN),  # its button goes too
])
def test_each_move_of_a_page(status, event, after):
    assert step(status, event) == after


def test_the_table_has_exactly_these_moves():
    assert len(TRANSITIONS) == 8


@pytest.mark.parametrize("status", sorted(FINAL))
@pytest.mark.parametrize("event", list(Event))
def test_nothing_moves_a_page_that_was_answered_closed_or_stood_down(status, event):
    assert step(status, event) is None


@pytest.mark.parametrize("event", [Event.TIMED_OUT, Event.ANSWERED_ELSEWHERE, Event.INCIDENT_OVER,
                                   Event.HANDED_OVER])
def test_an_escalated_page_neither_escalates_again_nor_is_superseded_or_closed(event):
    # its successor carries the chain on; a retried timer finds nothing to do
    assert step(PageStatus.ESCALATED, event) is None


def test_stored_strings_are_accepted_as_statuses():
    assert step("paging", Event.ACKNOWLEDGED) == PageStatus.ACKED


# ---------------------------------------------------------------------------------------------- after a timeout


def test_a_primary_page_that_times_out_goes_to_the_deputy_on_the_same_tier():
    assert after_timeout(COMMANDER, "primary", 0, target="U1", deputy="U2") == Next("deputy", COMMANDER, 0)


def test_a_deputys_page_that_times_out_goes_to_the_next_tier():
    assert after_timeout(SECRETARY, "deputy", 0, target="U2", deputy="U2") == Next("next_tier", COMMANDER, 1)


def test_a_role_without_a_deputy_goes_straight_to_the_next_tier():
    assert after_timeout(SECRETARY, "primary", 0, target="U1", deputy=None) == Next("next_tier", COMMANDER, 1)


def test_a_deputy_standing_in_as_primary_is_not_paged_twice():
    # no primary on the roster: the deputy was paged as "primary"
    assert after_timeout(SECRETARY, "primary", 0, target="U2", deputy="U2") == Next("next_tier", COMMANDER, 1)


def test_the_next_tiers_page_escalates_to_its_own_deputy_on_its_tier():
    assert after_timeout(COMMANDER, "next_tier", 1, target="U3", deputy="U4") == Next("deputy", COMMANDER, 1)


@pytest.mark.parametrize("role", [COMMANDER, LEGAL])
def test_the_top_of_the_chain_or_a_role_outside_it_is_exhausted_after_the_deputy(role):
    assert after_timeout(role, "deputy", 0, target="U2", deputy="U2") == Next("exhausted")


# ---------------------------------------------------------------------------------------------- the chain


def test_the_chain_runs_from_the_secretary_to_the_commander():
    assert CHAIN == (SECRETARY, COMMANDER)
    assert NEXT_TIER == {SECRETARY: COMMANDER, COMMANDER: None}
    assert chain_above(SECRETARY) == {COMMANDER}
    assert chain_above(COMMANDER) == set()
    assert chain_above(LEGAL) == set()


@pytest.mark.parametrize(("role", "tier", "root"), [
    (SECRETARY, 0, SECRETARY), (COMMANDER, 0, COMMANDER),
    (COMMANDER, 1, SECRETARY),  # the commander brought in because the secretary did not answer
    (LEGAL, 0, None), (SECRETARY, 1, None),
])
def test_the_tier_a_page_answers_for(role, tier, root):
    assert root_of(role, tier) == root


# ---------------------------------------------------------------------------------------------- standing down


@pytest.mark.parametrize(("role", "tier", "needed", "down"), [
    (COMMANDER, 0, SECRETARY, True),  # high proposed (or set), judged medium
    (COMMANDER, 0, None, True),  # judged low
    (SECRETARY, 0, None, True),  # medium, or the untriaged timeout's page, judged low
    (COMMANDER, 1, SECRETARY, False),  # the secretary's silence brought the commander in: still needed
    (COMMANDER, 1, None, True),  # ... unless the secretary is not needed either
    (SECRETARY, 0, SECRETARY, False),  # confirmed
    (COMMANDER, 0, COMMANDER, False),  # confirmed high
    (SECRETARY, 0, COMMANDER, False),  # raised: the lower tier stays
])
def test_a_level_page_stands_down_when_it_answers_for_a_tier_above_the_one_needed(role, tier, needed, down):
    assert stands_down(role, tier, "high", needed) is down


def test_a_page_in_its_own_right_never_stands_down():
    assert stands_down(COMMANDER, 0, None, None) is False  # e.g. a flag's page: no level behind it
    assert stands_down(LEGAL, 0, "high", None) is False
