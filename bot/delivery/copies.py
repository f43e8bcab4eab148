"""Hand-offs addressed to a role (procedure §3, 職務代理人): the holder gets it and the deputy a copy, either may act
on it, the first to act is recorded, and every copy is then redrawn to say who did and when, with no buttons.

A hand-off is one job (the low-level report, the drill report form, an evaluation's approval request). Its
executor calls `send` with the people it is for (`addressed`: each role's holder and deputy, one DM for a person
in both seats) and a renderer: each person gets a DM under their own key (`Job.per`), so a retry never repeats
one, and the job's result keeps where each copy landed. When the hand-off is settled (acted on, decided,
superseded) the service enqueues a refresh (`refresh_later`); its executor reads the copies (`copies_of`, which
waits while the hand-off is still on its way: a copy drawn from the state before would be missed) and redraws
each with the same renderer from the state as recorded now (`redraw`). Because the renderer draws from that
state, a copy sent after the hand-off was settled is drawn settled too.

Acknowledging an informational hand-off (`read`) is the one decision here: the first reader takes a claim, a
unique row (design §3), so two readers at once record one reading, and the other is told who read it first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.delivery.job import GiveUp, Job, NotReady
from bot.delivery.kinds import WorkKind
from bot.procedure.config import Role
from bot.procedure.errors import Closed, NotAllowed
from bot.procedure.i18n import Lang
from bot.procedure.who import Who
from storage import audit, claims, roster
from storage import work as queue
from storage.types import as_utc

if TYPE_CHECKING:
    from bot.platform.services import Services

TO = "to"  # a hand-off's payload: the roles (their values) it is addressed to

Render = Callable[[str, Lang], dict[str, Any]]
"""A copy for one person, in their language: the message as the hand-off stands now."""


def addressed(session: Session, roles: Iterable[Role | str]) -> list[str]:
    """Who a hand-off to these roles goes to: each role's holder, then its deputy; a person once, however many
    seats they hold; an empty seat adds nobody."""
    people: list[str | None] = []
    for role in roles:
        holders = roster.holders(session, Role(role))
        people += [holders.primary, holders.deputy]
    return list(dict.fromkeys(u for u in people if u))


def recipients(session: Session, payload: dict[str, Any]) -> list[str]:
    """The people a hand-off's job is for: the holders of the roles it names, as the roster has them when it is
    sent; work queued before hand-offs had copies named one person (`user`), and goes to that person."""
    if TO in payload:
        return addressed(session, payload[TO])
    return [str(payload["user"])] if payload.get("user") else []


def send(services: Services, job: Job, people: Iterable[str], render: Render) -> dict[str, Any]:
    """A DM to each person, once per person whatever the retries; the result records where each copy landed.
    Nobody to send it to (every seat empty) is GiveUp: the hand-off cannot reach the role, and is alerted."""
    people = list(people)
    if not people:
        raise GiveUp(f"nobody holds a seat that {job.key} is addressed to")
    copies: dict[str, dict[str, Any]] = {}
    for user in people:
        posted = services.chat.direct_message_once(job.per(user).key, user, render(user, services.lang_of(user)),
                                                   retry=job.retried)
        copies[user] = posted.record()
    return {"copies": copies}


def refresh_later(session: Session, kind: WorkKind, handoff: str, now: datetime, payload: dict[str, Any],
                  subject: str | int, tag: str) -> bool:
    """Redraw the copies of the hand-off whose job key is `handoff` (work of `kind`, an area's refresh); `tag`
    names what settled it, so one settlement redraws once however often it is enqueued."""
    return queue.enqueue(session, kind, f"{handoff}:copies:{tag}", now, {**payload, "handoff": handoff}, subject)


@dataclass(frozen=True)
class Copies:
    """A hand-off as it was sent: its job's payload, and each person's copy (user -> (room, ts))."""

    payload: dict[str, Any]
    where: dict[str, tuple[str, str]]


def copies_of(services: Services, job: Job) -> Copies:
    """The copies a refresh job redraws (its `handoff` names the sending job). NotReady while that job is still
    pending: a copy on its way may be drawn from the state before, and must be sent before it is redrawn."""
    handoff = str(job.payload["handoff"])
    with services.sessions() as session:
        row = queue.get(session, handoff)
        if row is None:
            return Copies({}, {})
        if row.done_at is None and row.cancelled_at is None:
            raise NotReady(f"{handoff} is not sent yet")
        payload, result = dict(row.payload), dict(row.result or {})
    if "copies" in result:
        where = {user: (str(c["channel"]), str(c["ts"])) for user, c in result["copies"].items()}
    elif result.get("ts") and payload.get("user"):  # sent before copies: the one DM, under the job's own key
        where = {str(payload["user"]): (str(result["channel"]), str(result["ts"]))}
    else:
        where = {}
    return Copies(payload, where)


def redraw(services: Services, copies: Copies, render: Render) -> dict[str, Any]:
    """Replace every copy with its drawing from the state as recorded now."""
    for user, (room, ts) in copies.where.items():
        services.chat.update(room, ts, render(user, services.lang_of(user)))
    return {"updated": sorted(copies.where)}


@dataclass(frozen=True)
class Read:
    """Who acknowledged a hand-off first (收悉), and when."""

    by: str
    at: datetime


def _read_key(handoff: str) -> str:
    return f"read:{handoff}"


def first_reader(session: Session, handoff: str) -> Read | None:
    """Who acknowledged the hand-off first, if anyone has."""
    claim = claims.claimed(session, _read_key(handoff))
    return Read(claim.user_id, as_utc(claim.at)) if claim is not None else None


def read(session: Session, who: Who, handoff: str, roles: Iterable[Role], now: datetime, *, subject: tuple[str, int],
         refresh: WorkKind, payload: dict[str, Any], incident_id: int | None = None) -> Read:
    """Record that a holder (or deputy) of one of `roles` has read the hand-off, in the caller's transaction, which
    has locked the hand-off's aggregate (`subject`); the copies are redrawn to say so. The first reading counts:
    a later one (the other copy, a double tap) is told who read it and when (Closed `handoff.read_by`)."""
    roles = tuple(roles)
    if not any(who.holds(role) for role in roles):
        raise NotAllowed("action.handoff_read", f"allowed.handoff_read.{roles[0].value}")
    if queue.get(session, handoff) is None:  # nothing was handed off (a forged or mistaken click)
        raise Closed("handoff.none")
    if not claims.claim(session, _read_key(handoff), "handoff.read", who.user, now, incident_id):
        first = first_reader(session, handoff)
        assert first is not None  # the claim that refused this one is there
        raise Closed("handoff.read_by", user=first.by, at=first.at)
    audit.record(session, who.user, "handoff.read", subject[0], subject[1], incident_id=incident_id, at=now,
                 data={"handoff": handoff})
    refresh_later(session, refresh, handoff, now, payload, subject[1], "read")
    return Read(who.user, now)
