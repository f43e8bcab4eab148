"""The one table of due work: each kind of work (`bot.delivery.kinds.WorkKind`) and the area executor that runs it.

Each area of the procedure exports its executors as ``EXECUTORS`` in its ``work.py``; this module joins them once,
checks that no two areas claim a kind and that every kind has an executor, and the tick looks kinds up here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.delivery import alerts
from bot.delivery.job import Executor
from bot.delivery.kinds import WorkKind
from bot.drills import work as drills
from bot.handling import work as handling
from bot.incidents import work as incidents
from bot.overview import work as overview
from bot.paging import work as paging
from bot.review import work as review
from bot.roster import work as roster
from bot.warroom import work as warroom

AREAS = (incidents, paging, warroom, handling, drills, roster, review, overview, alerts)


def build(areas: tuple[object, ...] = AREAS) -> Mapping[str, Executor]:
    """Join the areas' executors; a kind claimed twice, or a kind with no executor, is a programming error."""
    table: dict[str, Executor] = {}
    for area in areas:
        for kind, executor in area.EXECUTORS.items():  # type: ignore[attr-defined]
            if kind in table:
                raise RuntimeError(f"work kind {kind!r} has two executors")
            table[str(kind)] = executor
    missing = {k.value for k in WorkKind} - set(table)
    unknown = set(table) - {k.value for k in WorkKind}
    if missing or unknown:
        raise RuntimeError(f"executors and WorkKind differ: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return MappingProxyType(table)


EXECUTORS: Mapping[str, Executor] = build()
