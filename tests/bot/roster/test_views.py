"""The handover's preview and the handed-over page DM as pure views: both languages, Slack's Block Kit rules, the
Confirm button's value read back, escaped titles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.blockkit import ids
from bot.overview.state import Task
from bot.paging.views import page_message
from bot.procedure.config import load_config
from bot.roster.state import OpenWork, PageLine, Preview, RoomLine, Target
from bot.roster.views import parse_confirm, preview_message, work_text
from bot.warroom.state import CardState
from sandbox.rules import block_messages

CONFIG = load_config()
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _preview(work: OpenWork, unit: str | None = None) -> Preview:
    target = Target("commander", None, "primary") if unit is None else Target("head", unit, "deputy")
    return Preview(target, "U0000CMDR" if unit is None else None, "U0000SECH", work)


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_the_preview_lists_what_moves_and_offers_confirm_and_cancel(lang):
    work = OpenWork((PageLine(5, 1, "2026-0001", "<!channel> 火警", "primary"),),
                    tuple(RoomLine(n, f"2026-{n:04d}", "火警", f"C{n:08d}" if n % 2 else None) for n in range(1, 30)),
                    (Task("drill_approve", 3),))
    message = preview_message(_preview(work), CONFIG, lang)
    assert block_messages(message["blocks"]) == []
    text = str(message["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<#C00000001>" in text and "2026-0015" in text and "2026-0016" not in text  # the rest counted
    [confirm, cancel] = message["blocks"][-1]["elements"]
    assert (confirm["action_id"], cancel["action_id"]) == (ids.HANDOVER_CONFIRM, ids.HANDOVER_CANCEL)
    assert parse_confirm(confirm["value"]) == (Target("commander", None, "primary"), "U0000SECH", "U0000CMDR")


def test_the_confirm_value_reads_back_an_empty_seat_and_refuses_garbage():
    value = preview_message(_preview(OpenWork(), unit="inspection"), CONFIG, "en")["blocks"][-1]["elements"][0]
    assert parse_confirm(value["value"]) == (Target("head", "inspection", "deputy"), "U0000SECH", None)
    for garbage in ("", "x", "commander||primary||", "commander||boss|U1|", "a|b|c|d|e|f", None):
        assert parse_confirm(garbage) is None
    assert work_text(OpenWork(), "en") == "The seat has no open pages, war rooms or tasks right now."


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_handed_over_page_loses_its_button_and_names_the_new_holder(lang):
    state = CardState(id=1, number="2026-0001", title="火警", unit_id="inspection", category="sudden_event",
                      subtype="force_majeure", level="high", proposed_level="high", status="open", step="identify",
                      reporter="U0000INS1", channel_id="C00000001", holders={}, pages=())
    message = page_message(state, "commander", CONFIG, lang, page_id=5, handed_to="U0000SECH")
    assert block_messages(message["blocks"]) == []
    assert ids.PAGE_ACK not in str(message["blocks"]) and "<@U0000SECH>" in str(message["blocks"])
    waiting = page_message(state, "commander", CONFIG, lang, page_id=5)
    assert ids.PAGE_ACK in str(waiting["blocks"])
