"""Handovers under concurrency (design §3, issue 11 item 1), through the service on SQLite and PostgreSQL.

First one after another: a handover of a seat that changed hands since the person looked is refused, naming the
new holder; authorization is the roster's at action time, so a holder who just lost the seat hands nothing
over. Then truly at once (threads on their own connections, released by a barrier): the seat's holder and the
executive secretary's deputy, or one command delivered twice, make exactly one handover (one audit entry, one
pair of DMs as due work) and the other is told "the seat was just handed to X"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from bot.delivery.kinds import WorkKind
from bot.procedure.config import Role, load_config
from bot.procedure.who import who_from_assignments
from bot.roster import service as handover
from bot.roster.state import Handed, Target
from bot.roster.sync import sync_roster
from storage import roster as storage_roster
from storage.db import session_factory
from storage.models import AuditEvent, DueWork, RoleAssignment

CONFIG = load_config()
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
EXEC, EXEC_DEPUTY = "U0000EXEC", "U0000EXED"
SECRETARY = Target(Role.EXECUTIVE_SECRETARY.value, None, "primary")
INSPECTION_HEAD = Target("head", "inspection", "primary")


@pytest.fixture
def sessions(engine):
    """Sessions on this test's database; every step (and each thread of a race) opens its own."""
    factory = session_factory(engine)
    with factory() as s, s.begin():
        sync_roster(s, CONFIG, actor="config", now=NOW)
    return factory


def who(sessions, user: str):
    """The person as the roster holds them now (what `services.who` reads before a command runs)."""
    with sessions() as s:
        posts = storage_roster.roles_of(s, user)
    return who_from_assignments(user, ((p.role, p.unit_id, p.name if p.unit_id else p.seat) for p in posts))


def holder(sessions, target: Target) -> str | None:
    with sessions() as s:
        seat = storage_roster.seat(s, target.role, target.unit_id, target.seat)
        return seat.user_id if seat else None


def hand(sessions, person, target: Target, to: str, at: datetime, **kw: Any) -> Handed:
    with sessions() as s, s.begin():
        return handover.hand_over(s, person, target, to, at, config=CONFIG, **kw)


def handovers(sessions) -> int:
    with sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                        .where(AuditEvent.kind == handover.HANDOVER)) or 0


def dms(sessions) -> int:
    with sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(DueWork)
                        .where(DueWork.kind == WorkKind.ROSTER_HANDOVER_NOTIFY)) or 0


def current_rows(sessions, target: Target) -> int:
    with sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(RoleAssignment).where(
            RoleAssignment.role == target.role, RoleAssignment.seat == target.seat,
            RoleAssignment.ended_at.is_(None),
            RoleAssignment.unit_id.is_(None) if target.unit_id is None else RoleAssignment.unit_id == target.unit_id))


# ---------------------------------------------------------------------------------------------- one after another


def test_a_seat_that_changed_hands_since_the_person_looked_is_not_handed_again(sessions):
    seen = holder(sessions, SECRETARY)
    assert seen == EXEC
    hand(sessions, who(sessions, EXEC), SECRETARY, "U0000SECH", NOW, expected=seen)
    # the executive secretary's deputy looked at the same moment and saw EXEC
    with pytest.raises(handover.JustHanded) as late:
        hand(sessions, who(sessions, EXEC_DEPUTY), SECRETARY, "U0000PER1", NOW + timedelta(seconds=1),
             expected=seen)
    assert (late.value.to, late.value.by, late.value.at) == ("U0000SECH", EXEC, NOW)
    # the same command delivered twice: the second finds it done, and says so
    with pytest.raises(handover.JustHanded) as twice:
        hand(sessions, who(sessions, EXEC), SECRETARY, "U0000SECH", NOW + timedelta(seconds=2), expected=seen)
    assert (twice.value.to, twice.value.by) == ("U0000SECH", EXEC)
    assert holder(sessions, SECRETARY) == "U0000SECH" and handovers(sessions) == 1 and dms(sessions) == 2


def test_a_holder_who_just_lost_the_seat_hands_nothing_over(sessions):
    head = CONFIG.unit("inspection").head
    stale = who(sessions, head)  # read before the executive secretary's handover, as a request in flight is
    hand(sessions, who(sessions, EXEC), INSPECTION_HEAD, "U0000INS1", NOW)
    with pytest.raises(handover.NotHolder) as refused:
        hand(sessions, stale, INSPECTION_HEAD, "U0000INS2", NOW + timedelta(seconds=1))
    assert refused.value.holder == "U0000INS1"
    assert holder(sessions, INSPECTION_HEAD) == "U0000INS1" and handovers(sessions) == 1


def test_a_change_that_was_no_handover_is_named_without_a_handover(sessions):
    with pytest.raises(handover.JustHanded) as late:
        hand(sessions, who(sessions, EXEC), SECRETARY, "U0000SECH", NOW, expected="U0000SOMEONE")
    assert (late.value.to, late.value.by, late.value.at) == (EXEC, None, None)
    assert handovers(sessions) == 0


# ---------------------------------------------------------------------------------------------- truly at once


def at_once(*attempts: Callable[[], Any]) -> list[Any]:
    """Run the attempts in threads released together; each one's result, or the exception it raised."""
    barrier = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def run(i: int, attempt: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = attempt()
        except Exception as exc:  # the loser's refusal is the result under test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    return results


ROUNDS = 4


def test_the_holder_and_the_executive_secretary_hand_one_seat_over_at_once(sessions):
    """Round by round the unit head's seat goes round; whoever holds it and the executive secretary's deputy
    both hand it over at the same moment, to different people."""
    people = ["U0000INS1", "U0000INS2", "U0000PER1", "U0000PER2", "U0000PER3"]
    for n in range(ROUNDS):
        seen = holder(sessions, INSPECTION_HEAD)
        at = NOW + timedelta(minutes=n)
        ours, theirs = [p for p in people if p != seen][:2]
        results = at_once(
            partial(hand, sessions, who(sessions, seen), INSPECTION_HEAD, ours, at, expected=seen),
            partial(hand, sessions, who(sessions, EXEC_DEPUTY), INSPECTION_HEAD, theirs, at, expected=seen))
        [won] = [r for r in results if isinstance(r, Handed)]
        [lost] = [r for r in results if isinstance(r, handover.JustHanded)]
        assert (lost.to, lost.at) == (won.new, at), f"round {n}"
        assert lost.by == (seen if won.new == ours else EXEC_DEPUTY), f"round {n}"
        assert holder(sessions, INSPECTION_HEAD) == won.new and current_rows(sessions, INSPECTION_HEAD) == 1
        assert handovers(sessions) == n + 1 and dms(sessions) == 2 * (n + 1), f"round {n}"


def test_one_handover_delivered_twice_at_once_is_made_once(sessions):
    for n, to in enumerate(["U0000SECH", "U0000PER1", "U0000SECH", "U0000PER1"]):
        seen = holder(sessions, SECRETARY)
        person = who(sessions, EXEC_DEPUTY)
        at = NOW + timedelta(minutes=n)
        results = at_once(partial(hand, sessions, person, SECRETARY, to, at, expected=seen),
                          partial(hand, sessions, person, SECRETARY, to, at, expected=seen))
        [won] = [r for r in results if isinstance(r, Handed)]
        [lost] = [r for r in results if isinstance(r, handover.JustHanded)]
        assert (won.previous, won.new) == (seen, to), f"round {n}"
        assert (lost.to, lost.by, lost.at) == (to, EXEC_DEPUTY, at), f"round {n}"
        assert current_rows(sessions, SECRETARY) == 1 and handovers(sessions) == n + 1, f"round {n}"


def test_two_handovers_at_once_without_looking_first_still_make_one(sessions):
    """Callers that pass no `expected` (the roster's own checks only): the second, checked against the roster
    as the first left it, finds its author no longer the holder; never a second row or an internal error."""
    person = who(sessions, EXEC)
    results = at_once(partial(hand, sessions, person, SECRETARY, "U0000SECH", NOW),
                      partial(hand, sessions, person, SECRETARY, "U0000SECH", NOW))
    [lost] = [r for r in results if not isinstance(r, Handed)]
    assert isinstance(lost, handover.NotHolder) and lost.holder == "U0000SECH"
    assert current_rows(sessions, SECRETARY) == 1 and handovers(sessions) == 1
