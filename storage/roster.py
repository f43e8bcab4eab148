"""Roster queries: who holds a standing role or a unit post now, a person's posts, a post's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import RoleAssignment, Seat, Unit, UnitPost


class Holders(NamedTuple):
    """The current primary and deputy of a post; None where the seat is empty."""

    primary: str | None
    deputy: str | None


@dataclass(frozen=True)
class UnitPosts:
    """A unit's current head, deputy head and members."""

    unit_id: str
    head: str | None
    deputy: str | None
    members: tuple[str, ...]


@dataclass(frozen=True)
class Post:
    """A post a person holds: a standing role (``unit_id`` None) or a unit post."""

    role: str  # a Role value, or "head" / "member"
    seat: str  # "primary" or "deputy"
    unit_id: str | None

    @property
    def standing(self) -> bool:
        return self.unit_id is None

    @property
    def name(self) -> str:
        """The post in one word: ``commander``…, or a unit's ``head``, ``deputy`` or ``member``."""
        if self.role == UnitPost.HEAD and self.seat == Seat.DEPUTY:
            return "deputy"
        return self.role


def _role_name(role: str) -> str:
    return str(role)  # a StrEnum member's str() is its stored value


def holders(session: Session, role: str, unit_id: str | None = None) -> Holders:
    """The current primary and deputy of a standing role, or of a unit's head post (``role="head"``)."""
    name = _role_name(role)
    if name == UnitPost.HEAD and unit_id is None:
        raise ValueError("holders('head') needs the unit_id")
    query = sa.select(RoleAssignment.seat, RoleAssignment.user_id).where(
        RoleAssignment.role == name,
        RoleAssignment.ended_at.is_(None),
        RoleAssignment.unit_id.is_(None) if unit_id is None else RoleAssignment.unit_id == unit_id,
    )
    seats = dict(session.execute(query).all())
    return Holders(seats.get(Seat.PRIMARY.value), seats.get(Seat.DEPUTY.value))


def unit_posts(session: Session, unit_id: str) -> UnitPosts:
    """A unit's current head, deputy head and members (members in a stable order)."""
    rows = session.execute(
        sa.select(RoleAssignment.role, RoleAssignment.seat, RoleAssignment.user_id)
        .where(RoleAssignment.unit_id == unit_id, RoleAssignment.ended_at.is_(None))
        .order_by(RoleAssignment.user_id)
    )
    head = deputy = None
    members: list[str] = []
    for role, seat, user in rows:
        if role == UnitPost.MEMBER:
            members.append(user)
        elif seat == Seat.PRIMARY:
            head = user
        else:
            deputy = user
    return UnitPosts(unit_id, head, deputy, tuple(members))


def roles_of(session: Session, user_id: str, standing: Sequence[str] = ()) -> list[Post]:
    """Every standing role and unit post ``user_id`` holds now: standing roles first (in the order of
    ``standing``, the procedure's; others by name), then by unit."""
    rows = session.execute(
        sa.select(RoleAssignment.role, RoleAssignment.seat, RoleAssignment.unit_id).where(
            RoleAssignment.user_id == user_id, RoleAssignment.ended_at.is_(None)
        )
    )
    posts = [Post(role, seat, unit_id) for role, seat, unit_id in rows]
    order = {name: i for i, name in enumerate((*standing, UnitPost.HEAD, UnitPost.MEMBER))}
    return sorted(posts, key=lambda p: (p.unit_id is not None, p.unit_id or "", order.get(p.role, len(order)), p.role,
                                        p.seat))


def history(session: Session, role: str, unit_id: str | None = None) -> Sequence[RoleAssignment]:
    """Every assignment of a post over time (handovers included), oldest first."""
    name = _role_name(role)
    return session.scalars(
        sa.select(RoleAssignment)
        .where(
            RoleAssignment.role == name,
            RoleAssignment.unit_id.is_(None) if unit_id is None else RoleAssignment.unit_id == unit_id,
        )
        .order_by(RoleAssignment.assigned_at, RoleAssignment.id)
    ).all()


def active_units(session: Session) -> Sequence[Unit]:
    """Units in the current config (not retired), by id."""
    return session.scalars(sa.select(Unit).where(Unit.retired_at.is_(None)).order_by(Unit.id)).all()


def seat(session: Session, role: str, unit_id: str | None, seat: str, *, lock: bool = False) -> RoleAssignment | None:
    """The current assignment of one seat; with ``lock``, the row is locked until the transaction ends (a
    handover decides on it: PostgreSQL's ``FOR UPDATE``, SQLite's write lock)."""
    query = sa.select(RoleAssignment).where(
        RoleAssignment.role == str(role),
        RoleAssignment.seat == str(seat),
        RoleAssignment.ended_at.is_(None),
        RoleAssignment.unit_id.is_(None) if unit_id is None else RoleAssignment.unit_id == unit_id,
    )
    return session.scalar(query.with_for_update() if lock else query)
