"""Read models of the roster: a seat named in a command, a handover's result, and the roster as shown."""

from __future__ import annotations

from dataclasses import dataclass

from storage import roster


@dataclass(frozen=True)
class Target:
    """A seat: a standing role (``unit_id`` None) or a unit's head post (``role`` "head"), primary or deputy."""

    role: str
    unit_id: str | None
    seat: str

    @property
    def subject(self) -> tuple[str, str]:
        return ("unit", self.unit_id) if self.unit_id else ("role", self.role)


@dataclass(frozen=True)
class Handed:
    target: Target
    previous: str | None
    new: str
    event_id: int


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    posts: roster.UnitPosts


@dataclass(frozen=True)
class RosterData:
    """What ``/crisis roster`` shows: each standing role's two seats and each active unit's people."""

    standing: tuple[tuple[str, roster.Holders], ...]
    units: tuple[UnitRow, ...]
