"""The roster in Slack (procedure §3): who holds each seat, and the handover (移交) of a seat to someone else.

Every standing role and every unit's head post has two seats, a primary and a deputy (職務代理人). A handover
ends the seat's current assignment and starts a new one in the caller's transaction, with a ``roster.handover``
audit entry and the two DMs (the new and the previous holder) as due work. Paging reads the roster at page time,
so the next page already reaches the new holder.

Who may hand a seat over: its current holder (the primary hands over the primary seat, the deputy the deputy
seat) or the executive secretary (holder or deputy). A later config reload leaves the handover alone unless the
config changes that very seat (see ``bot.roster.sync``).

Concurrency (design §3): a handover locks the post's seats (primary first, always in that order) and reads them
afresh, then decides, and checks who may against the roster as it is at that moment. Of two handovers of one
seat at once (its holder and the executive secretary, or one command delivered twice), the second finds the seat
handed already and is refused with ``JustHanded``, naming the new holder; it is never a second handover."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.platform.chat import ChatError, ChatPort
from bot.procedure.config import Role
from bot.procedure.errors import Closed, InvalidInput, NotAllowed, NotFound
from bot.procedure.who import Who
from bot.roster.state import Handed, RosterData, Target, UnitRow
from storage import audit
from storage import roster as storage_roster
from storage import work as queue
from storage.models import AuditEvent, RoleAssignment, Seat, Unit

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


class JustHanded(Closed):
    """The seat changed hands after the person looked (another handover at the same moment, or this one delivered
    twice): this handover is not made. ``to`` holds the seat now; ``by`` and ``at`` say who handed it to them and
    when (None when it was not a handover, e.g. a config reload)."""

    def __init__(self, target: Target, to: str | None, by: str | None, at: datetime | None) -> None:
        super().__init__("handover.just_handed")
        self.args = (f"{target.role}/{target.unit_id}/{target.seat} is held by {to} now",)
        self.target, self.to, self.by, self.at = target, to, by, at


# ``expected`` left out: the caller did not look at the seat first, so nothing can have changed since.
UNSEEN = object()


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


def _lock_seat(session: Session, target: Target, seat: str) -> RoleAssignment | None:
    """One seat's current assignment, locked until the transaction ends and read afresh.

    Under PostgreSQL's READ COMMITTED, a ``FOR UPDATE`` that waited for another handover of the seat finds the row
    it waited for ended and returns nothing, while the new holder's row was not yet visible to it. So read again
    with a new statement and lock what that finds, until the locked row is the current one."""
    for _ in range(5):
        locked = storage_roster.seat(session, target.role, target.unit_id, seat, lock=True)
        current = storage_roster.seat(session, target.role, target.unit_id, seat)
        if locked is current:  # the session's identity map: the same row, or both empty
            return current
    raise RuntimeError(f"the seat {target} kept changing hands while being locked")


def _last_handover(session: Session, target: Target, to: str | None) -> AuditEvent | None:
    """The latest handover of this seat to ``to``, if one made them its holder."""
    subject_type, subject_id = target.subject
    for event in reversed(audit.events(session, kind_prefix=HANDOVER, subject_type=subject_type,
                                       subject_id=subject_id)):
        data = event.data or {}
        if (event.kind == HANDOVER and data.get("role") == target.role and data.get("seat") == target.seat
                and data.get("to") == to):
            return event
    return None


def _just_handed(session: Session, target: Target, holder: str | None) -> JustHanded:
    event = _last_handover(session, target, holder)
    return JustHanded(target, holder, event.actor if event else None, event.at if event else None)


def _may_now(session: Session, who: Who, current: RoleAssignment | None) -> bool:
    """May this person hand the seat over, by the roster as it is now: its current holder or the executive
    secretary (holder or deputy). The ``who`` the caller read earlier may be out of date by a handover."""
    if who.user in storage_roster.holders(session, Role.EXECUTIVE_SECRETARY):
        return True
    return current is not None and current.user_id == who.user


def hand_over(session: Session, who: Who, target: Target, to_user: str, now: datetime, *,
              expected: str | None | object = UNSEEN) -> Handed:
    """Give the seat to ``to_user``: end the current assignment, start a new one, record ``roster.handover``, and
    enqueue the DMs to the new and the previous holder. Runs in the caller's transaction.

    ``expected`` is the holder the person saw when they asked (None: the seat was empty). When the seat has
    changed hands since, JustHanded says to whom, and nothing is changed."""
    if target.unit_id is not None:
        unit = session.get(Unit, target.unit_id)
        if unit is None or unit.retired_at is not None:
            raise UnknownSeat(target.unit_id)
    # Both seats: the other seat's holder decides too (one person may not hold both). Always primary first, so
    # two handovers of one post never wait for each other in a circle.
    seats = {seat: _lock_seat(session, target, seat) for seat in (Seat.PRIMARY, Seat.DEPUTY)}
    current = seats[Seat(target.seat)]
    previous = current.user_id if current else None
    if expected is not UNSEEN and previous != expected:
        raise _just_handed(session, target, previous)
    if not _may_now(session, who, current):  # checked at action time, against the roster as it is now
        raise NotHolder(previous)
    if to_user == previous:
        raise InvalidTarget("handover.error.same_person")
    if to_user == who.user:
        # the executive secretary (or deputy) may hand any seat over, but not take one: that needs another person
        raise InvalidTarget("handover.error.self")
    other = seats[Seat.DEPUTY if target.seat == Seat.PRIMARY else Seat.PRIMARY]
    if other is not None and to_user == other.user_id:
        # §3: every post has a deputy who is someone else; one person in both seats would leave no deputy.
        raise InvalidTarget("handover.error.other_seat")
    try:
        with session.begin_nested():
            if current is not None:
                current.ended_at = now
                session.flush()  # the "one current holder per seat" unique index sees the end first
            session.add(RoleAssignment(role=target.role, unit_id=target.unit_id, seat=target.seat, user_id=to_user,
                                       assigned_at=now))
            session.flush()
    except IntegrityError:
        # The seat was empty (nothing to lock) and another handover filled it at this very moment.
        holder = storage_roster.seat(session, target.role, target.unit_id, target.seat)
        if holder is None:
            raise
        raise _just_handed(session, target, holder.user_id) from None
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
