"""The roster and overview views as pure functions: Slack's limits with many units, pages and tasks; both
languages; escaped user text. Validated with the sandbox's Block Kit rules (slack_sdk.models)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bot.blockkit import ids
from bot.overview.service import parse_number
from bot.overview.state import IncidentLine, Overview, PageWaiting, Task
from bot.overview.views import home_view, list_message
from bot.procedure.commands import available
from bot.procedure.config import EXAMPLE_CONFIG, load_config, parse_config
from bot.procedure.who import who_from_config
from bot.roster.state import RosterData, UnitRow
from bot.roster.views import roster_message
from sandbox.rules import block_messages, view_messages
from storage.roster import Holders, UnitPosts

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def big_config(units: int):
    raw = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    template = raw["units"][0]
    raw["units"] = []
    for n in range(units):
        unit = copy.deepcopy(template)
        unit.update(id=f"unit{n}", head=f"U00{n:04d}H", deputy=f"U00{n:04d}D",
                    members=[f"U00{n:04d}M{m}" for m in range(30)],
                    name={"zh-TW": f"第{n}課 <!here>", "en": f"Section {n} <!here>"})
        raw["units"].append(unit)
    return parse_config(raw, "big")


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
@pytest.mark.parametrize("units", [1, 10, 120])
def test_roster_fits_a_message(units, lang):
    config = big_config(units)
    data = RosterData(tuple((r, Holders("U0000AAAA", "U0000BBBB")) for r in
                            ("commander", "executive_secretary", "legal", "public_relations", "planning")),
                      tuple(UnitRow(u.id, UnitPosts(u.id, u.head, u.deputy, tuple(u.members))) for u in config.units))
    message = roster_message(data, config, lang)
    assert block_messages(message["blocks"]) == []
    assert len(message["blocks"]) <= 50
    assert "<!here>" not in str(message["blocks"]) and "&lt;!here&gt;" in str(message["blocks"])
    if units <= 40:
        assert all(f"<@{u.head}>" in str(message["blocks"]) for u in config.units)


def _line(n: int) -> IncidentLine:
    return IncidentLine(n, f"2026-{n:04d}", f"<!channel> 火警 {n}", "high" if n % 2 else None, "medium", "open",
                        "identify", "inspection", f"C{n:08d}" if n % 3 else None, NOW)


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_home_fits_with_many_pages_and_tasks(lang):
    config = load_config()
    who = who_from_config(config, "U0000EXEC")
    lines = tuple(_line(n) for n in range(1, 26))
    pages = tuple(PageWaiting(n, "executive_secretary", "primary", NOW, NOW + timedelta(minutes=15), _line(n))
                  for n in range(1, 16))
    tasks = tuple(Task("triage", n, _line(n), NOW + timedelta(minutes=30)) for n in range(1, 16)) + (
        Task("drill_report", 1, due_at=NOW), Task("drill_approve", 3), Task("drill_plan", 1),
        Task("drill_evaluate", 1))
    data = Overview(who, lines, 40, pages, tasks, None, ())
    view = home_view(who, available(who), config, lang, data, NOW)
    assert view_messages(view, "home") == []
    assert len(view["blocks"]) <= 100
    assert "<!channel>" not in str(view["blocks"])
    message = list_message(data, config, lang)
    assert block_messages(message["blocks"]) == []
    assert "2026-0025" in message["text"]


def test_incident_numbers():
    config = load_config()
    assert parse_number("2026-0007", NOW, config) == "2026-0007"
    assert parse_number("7", NOW, config) == "2026-0007"
    assert parse_number("#0012", NOW, config) == "2026-0012"
    assert parse_number("2025-3", NOW, config) == "2025-0003"
    assert parse_number("seven", NOW, config) is None


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_the_seats_tasks_have_their_buttons_on_home(lang):
    config = load_config()
    who = who_from_config(config, "U0000CMDR")
    tasks = (Task("plan_confirm", 7, _line(7), sub=41, by="U0000INSH"),
             Task("media_approve", 7, _line(7), sub=42, by="U0000PRPR"),
             Task("legal_answer", 8, _line(8), by="U0000INSH"),
             Task("drill_approve", 3))
    data = Overview(who, (), 0, (), tasks, None, ())
    view = home_view(who, available(who), config, lang, data, NOW)
    assert view_messages(view, "home") == []
    buttons = [e for b in view["blocks"] for e in ([b["accessory"]] if "accessory" in b else b.get("elements", []))
               if e.get("type") == "button"]
    acts = {(e["action_id"], e["value"]) for e in buttons}
    assert {(ids.HOME_TASK, f"{ids.PLAN_CONFIRM}|7:41"), (ids.HOME_TASK, f"{ids.MEDIA_APPROVE}|7:42"),
            (ids.MEDIA_EDIT_OPEN, "7:42"), (ids.MEDIA_REJECT_OPEN, "7:42"), (ids.LEGAL_ANSWER_OPEN, "8"),
            (ids.HOME_TASK, f"{ids.DRILL_APPROVE}|3"), (ids.DRILL_RETURN_OPEN, "3")} <= acts
    assert "<!channel>" not in str(view["blocks"]) and "<@U0000PRPR>" in str(view["blocks"])
