"""The roster: who holds which crisis-team role and unit post, loaded from the organisation config.

The config names the people; the database keeps the history. ``sync_roster`` compares the config with the
current holders and, for each difference, ends the old assignment and starts a new one (a handover, 移交),
writing one audit entry per change. Loading the same config again changes and records nothing, so every replica
can load it on start.

Precedence between the config and a handover made in Slack (``bot.roster.service``): the later change wins. Each load
that changes anything records the seats the config named (``roster.config_loaded``); the next load touches only
the seats whose config value changed since then. So reloading an unchanged config never undoes a Slack handover,
while editing a seat in the config does replace whoever holds it now.

Storage shape (see ``storage.models.RoleAssignment``): a standing role has a primary and a deputy seat; a unit's
head and deputy head are the primary and deputy seats of its ``head`` post; members sit in ``member`` posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.procedure.config import OrgConfig, Role
from storage import audit
from storage.models import AuditEvent, RoleAssignment, Seat, Unit, UnitPost
from storage.types import as_utc

# Any fixed number: replicas loading the roster at the same time take turns (PostgreSQL; SQLite's write lock
# already serialises them).
ROSTER_LOCK = 0x72_6F_73_74_65_72  # "roster"


@dataclass(frozen=True)
class RosterChange:
    """One difference between the config and the roster, as recorded in the audit trail.

    ``kind`` is one of ``roster.unit_added``, ``roster.unit_renamed``, ``roster.unit_updated``,
    ``roster.unit_retired``, ``roster.unit_restored``, ``roster.holder_changed`` (a primary seat),
    ``roster.deputy_changed``, ``roster.member_added``, ``roster.member_removed``.
    """

    kind: str
    subject_type: str  # "role" or "unit"
    subject_id: str  # the role name or the unit id
    data: dict[str, Any] = field(default_factory=dict)


def sync_roster(session: Session, config: OrgConfig, *, actor: str, now: datetime) -> list[RosterChange]:
    """Make the roster match ``config``: units, standing roles, unit heads, deputies and members.

    Records every change in the audit trail (``actor`` as who loaded it, ``now`` as when) and returns them;
    an unchanged config returns ``[]``. Runs in the caller's transaction; the caller commits.
    """
    now = as_utc(now)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROSTER_LOCK})
    previous = last_loaded_seats(session)
    wanted = _config_seats(config)
    changes = _sync_units(session, config, now)
    changes += _sync_seats(session, wanted, previous, now)
    changes += _sync_members(session, config, now)
    for change in changes:
        audit.record(session, actor, change.kind, change.subject_type, change.subject_id, data=change.data, at=now)
    seats = {_seat_key(key): user for key, user in wanted.items()}
    if changes or seats != previous:
        audit.record(session, actor, CONFIG_LOADED, CONFIG_SUBJECT[0], CONFIG_SUBJECT[1], at=now,
                     data={"seats": seats, "changes": len(changes)})
    return changes


# The audit entry that remembers which seats the config named at its last load (see the module docstring).
CONFIG_LOADED = "roster.config_loaded"


CONFIG_SUBJECT = ("config", "roster")


SeatKey = tuple[str, str | None, str]  # (role or "head", unit id or None, "primary" | "deputy")


def _seat_key(key: SeatKey) -> str:
    role, unit_id, seat = key
    return f"{role}|{unit_id or ''}|{seat}"


def last_loaded_seats(session: Session) -> dict[str, str | None] | None:
    """The seats the config named at its last recorded load ("role|unit|seat" → user); None before any."""
    event = session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.subject_type == CONFIG_SUBJECT[0], AuditEvent.subject_id == CONFIG_SUBJECT[1],
               AuditEvent.kind == CONFIG_LOADED)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return dict((event.data or {}).get("seats") or {}) if event is not None else None


def _config_seats(config: OrgConfig) -> dict[SeatKey, str]:
    wanted: dict[SeatKey, str] = {}
    for role in Role:
        holders = config.roles.of(role)
        wanted[(role.value, None, Seat.PRIMARY.value)] = holders.primary
        wanted[(role.value, None, Seat.DEPUTY.value)] = holders.deputy
    for unit in config.units:
        wanted[(UnitPost.HEAD.value, unit.id, Seat.PRIMARY.value)] = unit.head
        wanted[(UnitPost.HEAD.value, unit.id, Seat.DEPUTY.value)] = unit.deputy
    return wanted


def _sync_units(session: Session, config: OrgConfig, now: datetime) -> list[RosterChange]:
    changes: list[RosterChange] = []
    known = {u.id: u for u in session.scalars(sa.select(Unit))}
    for spec in config.units:
        name = {"zh-TW": spec.name.zh_tw, "en": spec.name.en}
        unit = known.get(spec.id)
        if unit is None:
            session.add(
                Unit(
                    id=spec.id, name_zh=spec.name.zh_tw, name_en=spec.name.en,
                    drill_eligible=spec.drill_eligible, created_at=now, updated_at=now,
                )
            )  # fmt: skip
            changes.append(RosterChange("roster.unit_added", "unit", spec.id, {"name": name}))
            continue
        if unit.retired_at is not None:
            unit.retired_at = None
            changes.append(RosterChange("roster.unit_restored", "unit", spec.id, {}))
        before = {"zh-TW": unit.name_zh, "en": unit.name_en}
        if before != name:
            unit.name_zh, unit.name_en = spec.name.zh_tw, spec.name.en
            changes.append(RosterChange("roster.unit_renamed", "unit", spec.id, {"before": before, "after": name}))
        if unit.drill_eligible != spec.drill_eligible:
            unit.drill_eligible = spec.drill_eligible
            changes.append(
                RosterChange("roster.unit_updated", "unit", spec.id, {"drill_eligible": spec.drill_eligible})
            )
        if session.is_modified(unit):
            unit.updated_at = now
    wanted = {u.id for u in config.units}
    for unit in known.values():
        if unit.id not in wanted and unit.retired_at is None:
            # Retired, not deleted: incidents and drills still refer to it. Its posts end in the seat sync.
            unit.retired_at = now
            unit.updated_at = now
            changes.append(RosterChange("roster.unit_retired", "unit", unit.id, {}))
    session.flush()
    return changes


def _current(session: Session) -> list[RoleAssignment]:
    return list(session.scalars(sa.select(RoleAssignment).where(RoleAssignment.ended_at.is_(None))))


def _sync_seats(session: Session, wanted: dict[SeatKey, str], previous: dict[str, str | None] | None,
                now: datetime) -> list[RosterChange]:
    """Seats whose config value is new since the last load (every seat at the first load) take that value."""
    current = {(a.role, a.unit_id, a.seat): a for a in _current(session) if a.role != UnitPost.MEMBER.value}
    changes: list[RosterChange] = []
    starts: list[RoleAssignment] = []
    for key in sorted(set(wanted) | set(current), key=lambda k: (k[1] or "", k[0], k[2] != "primary")):
        role, unit_id, seat = key
        before = current[key].user_id if key in current else None
        after = wanted.get(key)
        if before == after:
            continue
        if previous is not None and previous.get(_seat_key(key)) == after:
            continue  # the config did not change this seat: a handover made since then stands
        if key in current:
            current[key].ended_at = now
        if after is not None:
            starts.append(RoleAssignment(role=role, unit_id=unit_id, seat=seat, user_id=after, assigned_at=now))
        kind = "roster.deputy_changed" if seat == Seat.DEPUTY else "roster.holder_changed"
        subject = ("unit", unit_id) if unit_id else ("role", role)
        data = {"role": role, "seat": seat, "unit": unit_id, "before": before, "after": after}
        changes.append(RosterChange(kind, subject[0], subject[1], data))
    # End the old holders first: the "one current holder per seat" unique index sees each statement.
    session.flush()
    session.add_all(starts)
    session.flush()
    return changes


def _sync_members(session: Session, config: OrgConfig, now: datetime) -> list[RosterChange]:
    wanted = {(unit.id, user) for unit in config.units for user in unit.members}
    current = {(a.unit_id, a.user_id): a for a in _current(session) if a.role == UnitPost.MEMBER.value}
    changes: list[RosterChange] = []
    for unit_id, user in sorted(set(current) - wanted, key=lambda k: (k[0] or "", k[1])):
        current[(unit_id, user)].ended_at = now
        changes.append(RosterChange("roster.member_removed", "unit", unit_id or "", {"user": user}))
    session.flush()
    for unit_id, user in sorted(wanted - set(current)):
        session.add(
            RoleAssignment(role=UnitPost.MEMBER.value, unit_id=unit_id, seat=Seat.PRIMARY.value, user_id=user,
                           assigned_at=now)
        )  # fmt: skip
        changes.append(RosterChange("roster.member_added", "unit", unit_id, {"user": user}))
    session.flush()
    return changes


def describe_change(change: RosterChange) -> str:
    """One roster change in a line, for the log and the CLI: ``roster.holder_changed role commander: A → B``."""
    data = change.data
    if "before" in data and "after" in data and "seat" in data:
        return (f"{change.kind} {change.subject_type} {change.subject_id} ({data['seat']}): "
                f"{data['before'] or '—'} → {data['after'] or '—'}")
    if "user" in data:
        return f"{change.kind} {change.subject_type} {change.subject_id}: {data['user']}"
    return f"{change.kind} {change.subject_type} {change.subject_id}"
