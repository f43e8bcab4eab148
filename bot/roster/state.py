"""Read models of the roster: a seat named in a command, a handover's result and the open work it moves, and the
roster as shown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.overview.state import Task
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
class PageLine:
    """A page still waiting on the seat's holder: it moves to the new holder."""

    page_id: int
    incident_id: int
    number: str
    title: str
    attempt: str


@dataclass(frozen=True)
class RoomLine:
    """An open war room the seat belongs to: the new holder is invited."""

    incident_id: int
    number: str
    title: str
    channel_id: str | None
    channel_name: str | None = None


@dataclass(frozen=True)
class OpenWork:
    """What a handover moves (procedure §3 移交): the seat's waiting pages, its open war rooms, its pending tasks
    (which follow the seat by themselves: they are authorized against the roster when acted on)."""

    pages: tuple[PageLine, ...] = ()
    rooms: tuple[RoomLine, ...] = ()
    tasks: tuple[Task, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.pages or self.rooms or self.tasks)


@dataclass(frozen=True)
class Preview:
    """A handover as it would be made now: the seat, its holder (None: empty), the new holder, what moves."""

    target: Target
    previous: str | None
    new: str
    work: OpenWork


@dataclass(frozen=True)
class Handed:
    target: Target
    previous: str | None
    new: str
    event_id: int
    work: OpenWork = OpenWork()


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    posts: roster.UnitPosts


@dataclass(frozen=True)
class RosterData:
    """What ``/crisis roster`` shows: each standing role's two seats and each active unit's people."""

    standing: tuple[tuple[str, roster.Holders], ...]
    units: tuple[UnitRow, ...]
