"""The one table of due work (`scheduler.executors`): the areas' executors joined, each WorkKind run by one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.delivery.kinds import WorkKind
from scheduler import executors


def _run(services, job, now):
    return None


def areas_covering(kinds, **extra):
    """Fake areas: one that runs `kinds`, and one more per keyword (its EXECUTORS)."""
    return (SimpleNamespace(EXECUTORS=dict.fromkeys(kinds, _run)),
            *(SimpleNamespace(EXECUTORS=table) for table in extra.values()))


def test_the_table_covers_exactly_every_kind_of_work():
    assert set(executors.EXECUTORS) == {k.value for k in WorkKind}
    assert set(executors.build()) == set(executors.EXECUTORS)


def test_each_kind_is_run_by_the_executor_its_area_exports():
    for area in executors.AREAS:
        for kind, executor in area.EXECUTORS.items():
            assert executors.EXECUTORS[kind] is executor, kind


def test_the_table_is_read_only():
    with pytest.raises(TypeError):
        executors.EXECUTORS["page.send"] = _run  # type: ignore[index]


def test_fake_areas_that_cover_every_kind_once_build_a_table():
    half = len(WorkKind) // 2
    kinds = list(WorkKind)
    table = executors.build(areas_covering(kinds[:half], rest=dict.fromkeys(kinds[half:], _run)))
    assert set(table) == {k.value for k in WorkKind}


def test_a_kind_claimed_by_two_areas_is_a_programming_error():
    with pytest.raises(RuntimeError, match="page.send.*two executors"):
        executors.build(areas_covering(WorkKind, again={WorkKind.PAGE_SEND: _run}))


def test_a_kind_claimed_twice_is_caught_whether_spelled_as_a_kind_or_its_string():
    with pytest.raises(RuntimeError, match="two executors"):
        executors.build(areas_covering(WorkKind, again={"page.send": _run}))


def test_a_kind_with_no_executor_is_a_programming_error():
    with pytest.raises(RuntimeError, match=r"missing \['warroom.open'\]"):
        executors.build(areas_covering([k for k in WorkKind if k is not WorkKind.WARROOM_OPEN]))


def test_an_executor_for_a_kind_that_does_not_exist_is_a_programming_error():
    with pytest.raises(RuntimeError, match=r"unknown \['warroom.teleport'\]"):
        executors.build(areas_covering(WorkKind, stray={"warroom.teleport": _run}))
