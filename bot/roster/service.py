"""The roster in Slack (procedure §3): who holds each seat, and the handover (移交) of a seat to someone else.

Every standing role and every unit's head post has two seats, a primary and a deputy (職務代理人). A handover
ends the seat's current assignment and starts a new one in the caller's transaction, with a ``roster.handover``
audit entry and the two DMs (the new and the previous holder) as due work. Paging reads the roster at page time,
so the next page already reaches the new holder.

Who may hand a seat over: its current holder (the primary hands over the primary seat, the deputy the deputy
seat) or the executive secretary (holder or deputy). A later config reload leaves the handover alone unless the
config changes that very seat (see ``bot.roster.sync``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.platform.chat import ChatError, ChatPort
from bot.procedure.config import Role
from bot.procedure.errors import InvalidInput, NotAllowed, NotFound
from bot.procedure.who import Who
from bot.roster.state import Handed, RosterData, Target, UnitRow
from storage import audit
from storage import roster as storage_roster
from storage import work as queue
from storage.models import RoleAssignment, Seat, Unit

HANDOVER = "roster.handover"


class UnknownSeat(NotFound):
    """The seat does not exist (an unknown or retired unit)."""


class InvalidTarget(InvalidInput):
    """The person cannot take the seat; ``key`` is the i18n key of the reason."""

    def __init__(self, key: str) -> None:
        super().__init__({"person": key})
        self.args = (key,)
        self.key = key


class NotHolder(NotAllowed):
    """Only the seat's current holder or the executive secretary may hand it over; ``holder`` names the first."""

    def __init__(self, holder: str | None) -> None:
        super().__init__("action.handover", "allowed.handover")
        self.holder = holder


def check_person(chat: ChatPort, user: str) -> None:
    """The person exists in the workspace, is active and is not a bot; InvalidTarget otherwise."""
    try:
        person = chat.person(user)
    except ChatError as exc:
        if exc.code in ("user_not_found", "users_not_found"):
            raise InvalidTarget("handover.error.unknown_user") from None
        raise
    if not person.active:
        raise InvalidTarget("handover.error.inactive_user")


def may_hand_over(who: Who, target: Target) -> bool:
    """The seat's current holder (primary for the primary seat, deputy for the deputy seat), or the executive
    secretary (holder or deputy)."""
    if who.holds(Role.EXECUTIVE_SECRETARY):
        return True
    if target.unit_id is None:
        return (Role(target.role), target.seat) in who.roles
    post = "head" if target.seat == Seat.PRIMARY else "deputy"
    return (target.unit_id, post) in who.unit_posts


def _current(session: Session, target: Target) -> RoleAssignment | None:
    return storage_roster.seat(session, target.role, target.unit_id, target.seat, lock=True)


def hand_over(session: Session, who: Who, target: Target, to_user: str, now: datetime) -> Handed:
    """Give the seat to ``to_user``: end the current assignment, start a new one, record ``roster.handover``, and
    enqueue the DMs to the new and the previous holder. Runs in the caller's transaction."""
    if target.unit_id is not None:
        unit = session.get(Unit, target.unit_id)
        if unit is None or unit.retired_at is not None:
            raise UnknownSeat(target.unit_id)
    current = _current(session, target)
    previous = current.user_id if current else None
    if not may_hand_over(who, target):
        raise NotHolder(previous)
    if to_user == previous:
        raise InvalidTarget("handover.error.same_person")
    if to_user == who.user:
        # the executive secretary (or deputy) may hand any seat over, but not take one: that needs another person
        raise InvalidTarget("handover.error.self")
    other = storage_roster.holders(session, target.role, target.unit_id)
    if to_user == (other.deputy if target.seat == Seat.PRIMARY else other.primary):
        # §3: every post has a deputy who is someone else; one person in both seats would leave no deputy.
        raise InvalidTarget("handover.error.other_seat")
    if current is not None:
        current.ended_at = now
        session.flush()  # the "one current holder per seat" unique index sees the end first
    session.add(RoleAssignment(role=target.role, unit_id=target.unit_id, seat=target.seat, user_id=to_user,
                               assigned_at=now))
    session.flush()
    subject_type, subject_id = target.subject
    event = audit.record(session, who.user, HANDOVER, subject_type, subject_id, at=now,
                         data={"role": target.role, "unit": target.unit_id, "seat": target.seat,
                               "from": previous, "to": to_user, "by": who.user})
    payload: dict[str, Any] = {"role": target.role, "unit": target.unit_id, "seat": target.seat, "from": previous,
                               "to": to_user, "by": who.user}
    key = f"handover:{event.id}"
    queue.enqueue(session, WorkKind.ROSTER_HANDOVER_NOTIFY, f"{key}:to", now, {**payload, "user": to_user}, key)
    if previous:
        queue.enqueue(session, WorkKind.ROSTER_HANDOVER_NOTIFY, f"{key}:from", now, {**payload, "user": previous}, key)
    return Handed(target, previous, to_user, event.id)


def may_view_roster(who: Who) -> bool:
    """The crisis team and the units' staff (anyone on the roster)."""
    return who.known


def roster_data(session: Session, who: Who) -> RosterData:
    if not may_view_roster(who):
        raise NotAllowed("action.roster", "allowed.team")
    standing = tuple((r.value, storage_roster.holders(session, r)) for r in Role)
    units = tuple(UnitRow(u.id, storage_roster.unit_posts(session, u.id)) for u in storage_roster.active_units(session))
    return RosterData(standing, units)
