"""`crisisbot export <number>` takes every number form `/crisis status` takes, through the one parser they share
(`bot.overview.service.parse_number`): the full number, the year with a short sequence, or this year's sequence
alone (`7`, `0007`, `#7`) in the organisation's time zone. Straight from the database, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.handling import service as handling
from bot.overview.service import parse_number
from bot.platform import services
from bot.procedure.config import Level
from bot.runtime.cli import main
from storage import users
from storage.db import create_engine, session_factory
from tests.bot.procedure_kit import COMMANDER, CONFIG, INSPECTION_HEAD, START, file_report, load_roster, who

FILES = ["case-2026-0001-timeline.csv", "case-2026-0001-v1.docx", "case-2026-0001-v1.md"]


@pytest.mark.parametrize(("typed", "number"), [
    ("2026-0007", "2026-0007"), ("2026-7", "2026-0007"), ("7", "2026-0007"), ("0007", "2026-0007"),
    ("#7", "2026-0007"), ("#2026-0007", "2026-0007"), (" 7 ", "2026-0007"), ("７", "2026-0007"),
])
def test_the_parser_reads_every_form(typed, number):
    assert parse_number(typed, START, CONFIG) == number


@pytest.mark.parametrize("typed", ["", "inc-2026-0007", "26-0007", "2026-", "0", "seven", "2026-0007-火警", "#"])
def test_the_parser_refuses_what_is_not_a_number(typed):
    assert parse_number(typed, START, CONFIG) is None


def test_this_year_is_the_organisations_year():
    new_year_in_taipei = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # 2027-01-01 01:00 in Asia/Taipei
    assert parse_number("1", new_year_in_taipei, CONFIG) == "2027-0001"
    assert parse_number("1", new_year_in_taipei - timedelta(hours=2), CONFIG) == "2026-0001"


@pytest.fixture
def closed(database_url, monkeypatch):
    """Incident 2026-0001, resolved and its case file filed, and the CLI pointed at its database at START."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setattr(services, "utcnow", lambda: START + timedelta(days=1))
    engine = create_engine(database_url)
    try:
        with session_factory(engine)() as s:
            load_roster(s)
            with s.begin():
                incident = file_report(s, INSPECTION_HEAD, Level.HIGH, START)
                plan = handling.propose_plan(s, CONFIG, who(INSPECTION_HEAD), incident, "先疏散再滅火",
                                             START + timedelta(minutes=10))
                handling.confirm_plan(s, CONFIG, who(COMMANDER), incident, plan, START + timedelta(minutes=20))
                handling.resolve(s, CONFIG, who(COMMANDER), incident, START + timedelta(hours=1))
                case = {"summary": "水退了", "cause": "颱風", "handling": "抽水", "lessons": "備沙包"}
                handling.submit_case_file(s, CONFIG, who(INSPECTION_HEAD), incident, case, START + timedelta(hours=2))
            assert incident.number == "2026-0001"
        yield incident.number
    finally:
        engine.dispose()


@pytest.mark.parametrize("typed", ["2026-0001", "2026-1", "1", "0001", "#1"])
def test_export_writes_the_case_file_for_every_form(closed, typed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", typed, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert capsys.readouterr().out.split() == [str(out / name) for name in
                                               ("case-2026-0001-v1.md", "case-2026-0001-v1.docx",
                                                "case-2026-0001-timeline.csv")]


def test_export_says_which_incident_is_missing_and_refuses_a_non_number(closed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "2", "--out", str(out)]) == 1
    assert "no incident 2026-0002" in capsys.readouterr().err
    assert main(["export", "inc-2026-0001", "--out", str(out)]) == 2
    assert "not an incident number" in capsys.readouterr().err
    assert not out.exists()  # nothing written for either


def timeline_csv(out) -> list[list[str]]:
    import csv

    with (out / "case-2026-0001-timeline.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_export_with_no_names_stored_shows_ids_and_readable_details(closed, tmp_path):
    """The CLI has no Slack: nobody was ever looked up here, so each person shows by id, in both columns."""
    assert main(["export", "1", "--out", str(tmp_path)]) == 0
    header, *rows = timeline_csv(tmp_path)
    assert header == ["time (Asia/Taipei)", "name", "id", "event", "details"]
    reported = next(r for r in rows if r[3] == "通報 Reported")
    assert reported[:3] == ["2026-11-03 09:30", INSPECTION_HEAD, INSPECTION_HEAD]  # 01:30 UTC, in Taipei
    confirmed = next(r for r in rows if r[3] == "方案核定 Plan confirmed")
    assert confirmed[1:3] == [COMMANDER, COMMANDER]
    assert confirmed[4].startswith("方案 Plan：方案 #1 Plan #1；提案人 Proposed by：U0000INSH")
    paged = next(r for r in rows if r[3] == "通知 Paged")
    assert "角色 Role：總指揮兼發言人 Commander-in-chief and spokesperson" in paged[4]
    text = (tmp_path / "case-2026-0001-timeline.csv").read_text(encoding="utf-8-sig")
    assert "plan: " not in text and "role: commander" not in text and "level: high" not in text


def test_export_names_the_people_the_bot_has_stored(closed, database_url, tmp_path):
    engine = create_engine(database_url)
    try:
        with session_factory(engine)() as s, s.begin():
            users.save_locale(s, COMMANDER, "zh-TW", "Asia/Taipei", START, "林志明")
            users.save_locale(s, INSPECTION_HEAD, "zh-TW", "Asia/Taipei", START, "楊文彬")
            users.save_locale(s, INSPECTION_HEAD, "en-US", None, START + timedelta(hours=1))  # a later look-up
    finally:
        engine.dispose()
    assert main(["export", "1", "--out", str(tmp_path)]) == 0
    _, *rows = timeline_csv(tmp_path)
    confirmed = next(r for r in rows if r[3] == "方案核定 Plan confirmed")
    assert confirmed[1:3] == ["林志明", COMMANDER] and "提案人 Proposed by：楊文彬" in confirmed[4]
    markdown = (tmp_path / "case-2026-0001-v1.md").read_text()
    assert "| 林志明 | U0000CMDR | 方案核定 Plan confirmed |" in markdown
    assert "**通報人 Reported by**: 楊文彬 (U0000INSH)" in markdown  # a name outlives a look-up without one
