"""The roster in Slack (procedure §3): who holds each seat, and the handover (移交) of a seat to someone else.

Every standing role and every unit's head post has two seats, a primary and a deputy (職務代理人). A handover
ends the seat's current assignment and starts a new one in the caller's transaction, with a ``roster.handover``
audit entry and the two DMs (the new and the previous holder) as due work. Paging reads the roster at page time,
so the next page already reaches the new holder.

Who may hand a seat over: its current holder (the primary hands over the primary seat, the deputy the deputy
seat) or the executive secretary (holder or deputy). A later config reload leaves the handover alone unless the
config changes that very seat (see ``bot.roster.sync``).

The seat's open work moves with it (§3 移交), in the same transaction: the pages still waiting on the former
holder are superseded and re-sent to the new holder with their own escalation timers (``bot.paging.handover``),
the new holder is invited to the seat's open war rooms and told which, and the seat's pending tasks (plan
confirmations, statement approvals, legal questions, drill plans and evaluation approvals) need no moving: every
one is authorized against the roster when it is acted on, and App Home lists them, with their buttons, for
whoever holds the seat now. ``preview`` shows all of this before the person confirms.

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
from bot.overview import service as overview
from bot.paging import handover as paging_handover
from bot.platform.chat import ChatError, ChatPort
from bot.procedure.config import OrgConfig, Role
from bot.procedure.errors import Closed, InvalidInput, NotAllowed, NotFound
from bot.procedure.who import Who
from bot.roster.state import Handed, OpenWork, PageLine, Preview, RoomLine, RosterData, Target, UnitRow
from storage import audit
from storage import roster as storage_roster
from storage import work as queue
from storage.models import AuditEvent, Incident, RoleAssignment, Seat, Unit

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


# Every reason a handover is not made, for the handler to put in words.
HandoverRefused = (UnknownSeat, InvalidTarget, NotHolder, JustHanded)


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


def _check(session: Session, who: Who, target: Target, to_user: str,
           seats: dict[Seat, RoleAssignment | None], expected: str | None | object) -> str | None:
    """Whether this handover may be made, by the seats as read: the previous holder, or the reason it may not."""
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
    return previous


def _known_unit(session: Session, target: Target) -> None:
    if target.unit_id is not None:
        unit = session.get(Unit, target.unit_id)
        if unit is None or unit.retired_at is not None:
            raise UnknownSeat(target.unit_id)


def _seat_who(target: Target, holder: str | None) -> Who:
    """The seat alone, as a person holding only it: what the seat's tasks are, whoever holds it."""
    if target.unit_id is None:
        return Who(holder or "", roles=frozenset({(Role(target.role), target.seat)}))
    post = "head" if target.seat == Seat.PRIMARY else "deputy"
    return Who(holder or "", unit_posts=frozenset({(target.unit_id, post)}))


def _room(incident: Incident) -> RoomLine:
    return RoomLine(incident.id, incident.number, incident.title, incident.channel_id, incident.channel_name)


def open_work(session: Session, config: OrgConfig, target: Target, holder: str | None) -> OpenWork:
    """The seat's open work as it stands: the pages waiting on its holder, its open war rooms, its tasks."""
    waiting: list[PageLine] = []
    if target.unit_id is None:
        for page in paging_handover.open_pages(session, target.role, holder):
            incident = session.get(Incident, page.incident_id)
            if incident is not None:
                waiting.append(PageLine(page.id, incident.id, incident.number, incident.title, page.attempt))
    rooms = paging_handover.rooms_for(session, config, target.role, target.unit_id, target.seat, holder)
    tasks = overview.tasks_for(session, config, _seat_who(target, holder))
    return OpenWork(tuple(waiting), tuple(_room(i) for i in rooms), tuple(tasks))


def preview(session: Session, config: OrgConfig, who: Who, target: Target, to_user: str) -> Preview:
    """The handover as it would be made now, and the open work it would move; nothing is written. The same
    refusals as ``hand_over`` (so the person learns them before confirming), which checks again when confirmed."""
    _known_unit(session, target)
    seats = {seat: storage_roster.seat(session, target.role, target.unit_id, seat)
             for seat in (Seat.PRIMARY, Seat.DEPUTY)}
    previous = _check(session, who, target, to_user, seats, UNSEEN)
    return Preview(target, previous, to_user, open_work(session, config, target, previous))


def hand_over(session: Session, who: Who, target: Target, to_user: str, now: datetime, *, config: OrgConfig,
              expected: str | None | object = UNSEEN) -> Handed:
    """Give the seat to ``to_user``: end the current assignment, start a new one, record ``roster.handover``, move
    the seat's open work (its waiting pages, its war rooms), and enqueue the DMs to the new and the previous
    holder. Runs in the caller's transaction.

    ``expected`` is the holder the person saw when they asked (None: the seat was empty). When the seat has
    changed hands since, JustHanded says to whom, and nothing is changed."""
    _known_unit(session, target)
    # Both seats: the other seat's holder decides too (one person may not hold both). Always primary first, so
    # two handovers of one post never wait for each other in a circle.
    seats = {seat: _lock_seat(session, target, seat) for seat in (Seat.PRIMARY, Seat.DEPUTY)}
    current = seats[Seat(target.seat)]
    previous = _check(session, who, target, to_user, seats, expected)
    work = open_work(session, config, target, previous)  # before the move: what the confirmation lists
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
                               "from": previous, "to": to_user, "by": who.user,
                               "pages": [p.page_id for p in work.pages],
                               "rooms": [r.incident_id for r in work.rooms]})
    if target.unit_id is None:
        paging_handover.hand_over_pages(session, config, target.role, previous, to_user, now, actor=who.user)
    rooms = [session.get(Incident, r.incident_id) for r in work.rooms]
    paging_handover.invite_to_rooms(session, [i for i in rooms if i is not None], to_user, now)
    payload: dict[str, Any] = {"role": target.role, "unit": target.unit_id, "seat": target.seat, "from": previous,
                               "to": to_user, "by": who.user}
    key = f"handover:{event.id}"
    moving = {"pages": len(work.pages), "rooms": [r.incident_id for r in work.rooms],
              "tasks": [task.kind for task in work.tasks]}
    queue.enqueue(session, WorkKind.ROSTER_HANDOVER_NOTIFY, f"{key}:to", now,
                  {**payload, **moving, "user": to_user}, key)
    if previous:
        queue.enqueue(session, WorkKind.ROSTER_HANDOVER_NOTIFY, f"{key}:from", now, {**payload, "user": previous}, key)
    return Handed(target, previous, to_user, event.id, work)


def may_view_roster(who: Who) -> bool:
    """The crisis team and the units' staff (anyone on the roster)."""
    return who.known


def roster_data(session: Session, who: Who) -> RosterData:
    if not may_view_roster(who):
        raise NotAllowed("action.roster", "allowed.team")
    standing = tuple((r.value, storage_roster.holders(session, r)) for r in Role)
    units = tuple(UnitRow(u.id, storage_roster.unit_posts(session, u.id)) for u in storage_roster.active_units(session))
    return RosterData(standing, units)
