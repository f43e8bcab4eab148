"""The card's final state and the confirmation dialogs, as pure views (issue 12, bullet 7): a finished incident's
steps as the procedure leaves them, only the buttons its state still allows, and Slack's `confirm` object on
Resolve, Confirm plan and Approve, in the reader's language and within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.blockkit import ids
from bot.blockkit.blocks import CONFIRM_BUTTON_MAX, CONFIRM_TEXT_MAX, CONFIRM_TITLE_MAX, confirm_dialog
from bot.drills.state import DrillState
from bot.handling.state import HandlingState, StepLine
from bot.handling.views import plan_message, statement_message
from bot.procedure.i18n import MESSAGES
from bot.warroom.state import CardState
from bot.warroom.views import final_steps, incident_card
from sandbox import rules
from tests.bot.procedure_kit import CONFIG

AT = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
STEP_IDS = [s.id for s in CONFIG.steps]


def handling(*recorded: StepLine, version: int | None = None) -> HandlingState:
    """The six steps with `recorded` done or skipped; the first other one current, as bot.handling.state has it."""
    done = {line.id: line for line in recorded}
    current = next((s for s in STEP_IDS if s not in done), None)
    lines = tuple(done.get(s) or StepLine(s, "current" if s == current else "pending") for s in STEP_IDS)
    return HandlingState(lines, current, case_file_version=version)


def card_of(status: str, steps: HandlingState, level: str = "high") -> CardState:
    return CardState(7, "2026-0007", "貨櫃場火警", "sudden_event", "force_majeure", level, level, status,
                     "handle", "inspection", "U0000INS1", "C0ROOM", {"unit": ("U0000INSH", "U0000INSD")}, (),
                     steps)


def action_ids(message: dict) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def confirm_of(message: dict, action_id: str) -> dict | None:
    return next(e.get("confirm") for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == action_id)


IDENTIFIED = StepLine("identify", "done", "U0000INSH", AT)
SKIPPED = StepLine("assess", "skipped", "U0000EXEC", AT, "電話會議已評估")


def test_an_open_incidents_steps_are_left_as_they_are():
    steps = handling(IDENTIFIED)
    assert final_steps(steps, "open") is steps and final_steps(steps, "observing") is steps


def test_resolved_the_last_step_awaits_the_case_file_and_the_unrecorded_are_not_in_progress():
    final = final_steps(handling(IDENTIFIED, SKIPPED), "resolved")
    assert [line.state for line in final.steps] == ["done", "skipped", "unrecorded", "unrecorded", "unrecorded",
                                                    "awaiting"]
    assert final.steps[0] == IDENTIFIED and final.steps[1] == SKIPPED and final.current is None


def test_closed_the_last_step_is_done_by_the_case_file_unless_it_was_recorded():
    assert [line.state for line in final_steps(handling(IDENTIFIED), "closed").steps] == [
        "done", "unrecorded", "unrecorded", "unrecorded", "unrecorded", "filed"]
    aftermath = StepLine("aftermath", "done", "U0000INSH", AT)
    assert final_steps(handling(IDENTIFIED, aftermath), "closed").steps[-1] == aftermath


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_live_card_asks_before_resolving(lang):
    message = incident_card(card_of("open", handling(IDENTIFIED)), CONFIG, lang)
    assert {ids.TRIAGE_OPEN, ids.REQUEST_LEGAL, ids.STEP_COMPLETE, ids.RESOLVE} <= set(action_ids(message))
    dialog = confirm_of(message, ids.RESOLVE)
    assert dialog is not None and dialog["style"] == "danger"
    assert dialog["title"]["text"] == MESSAGES["confirm.resolve.title"][lang]
    assert dialog["deny"]["text"] == MESSAGES["confirm.deny"][lang]
    assert confirm_of(message, ids.STEP_COMPLETE) is None  # a step is recorded, not final: no dialog
    assert rules.block_messages(message["blocks"]) == []


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_resolved_card_offers_only_the_case_file(lang):
    message = incident_card(card_of("resolved", handling(IDENTIFIED)), CONFIG, lang)
    assert action_ids(message) == [ids.CASEFILE_OPEN]
    text = str(message)
    assert "▶️" not in text and "▫️" not in text and "⏳ 6." in text and "➖ 2." in text
    assert MESSAGES["steps.awaiting"][lang] in text and MESSAGES["card.hint.resolved"][lang] in text
    assert rules.block_messages(message["blocks"]) == []


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_closed_card_is_the_final_record_without_a_button(lang):
    message = incident_card(card_of("closed", handling(IDENTIFIED, version=2)), CONFIG, lang)
    assert action_ids(message) == [] and all(b["type"] != "actions" for b in message["blocks"])
    text = str(message)
    assert "✅ 6." in text and MESSAGES["steps.filed"][lang] in text and "▶️" not in text and "⏳" not in text
    assert MESSAGES["card.hint.closed"][lang] in text and MESSAGES["card.actions_hint"][lang] not in text
    [step_field] = [f["text"] for b in message["blocks"] for f in b.get("fields", [])
                    if f["text"].startswith(f"*{MESSAGES['card.step'][lang]}*")]
    assert CONFIG.steps[-1].name(lang) in step_field  # the step it ended on, not the one it stood at
    assert rules.block_messages(message["blocks"]) == []


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_confirm_plan_and_approve_statement_ask_in_the_messages_language(lang):
    plan = plan_message({"id": 5, "by": "U0000INSH", "text": "疏散 3 號倉"}, 7, "總指揮", CONFIG, lang)
    dialog = confirm_of(plan, ids.PLAN_CONFIRM)
    assert dialog["title"]["text"] == MESSAGES["confirm.confirm_plan.title"][lang] and dialog["style"] == "primary"
    confirmed = plan_message({"id": 5, "by": "U0000INSH", "text": "x", "confirmed_by": "U0000CMDR",
                              "confirmed_at": AT}, 7, "總指揮", CONFIG, lang)
    assert action_ids(confirmed) == []

    draft = statement_message({"id": 9, "kind": "statement", "by": "U0000PRPR", "text": "本關已啟動應變",
                               "status": "pending"}, 7, CONFIG, lang)
    assert confirm_of(draft, ids.MEDIA_APPROVE)["confirm"]["text"] == MESSAGES["confirm.approve_statement.confirm"][
        lang]
    assert confirm_of(draft, ids.MEDIA_EDIT_OPEN) is None and confirm_of(draft, ids.MEDIA_REJECT_OPEN) is None
    for message in (plan, draft):
        assert rules.block_messages(message["blocks"]) == []


def test_the_evaluation_approval_asks_in_its_readers_language():
    from bot.drills.views import approval_request

    state = DrillState(3, "2026-11", "inspection", "sudden_event", None, None, None, AT, "evaluating", "scheduler",
                       AT, "")
    for lang in ("zh-TW", "en"):
        message = approval_request(state, 11, 1, {"assessment": "順暢"}, "U0000PLAN", CONFIG, lang)
        dialog = confirm_of(message, ids.DRILL_APPROVE)
        assert dialog["title"]["text"] == MESSAGES["confirm.approve_evaluation.title"][lang]
        assert confirm_of(message, ids.DRILL_RETURN_OPEN) is None
        assert rules.block_messages(message["blocks"]) == []


@pytest.mark.parametrize("kind", ["resolve", "confirm_plan", "approve_statement", "approve_evaluation"])
@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_every_dialog_fits_slacks_limits_whole(kind, lang):
    dialog = confirm_dialog(kind, lang)
    for part, limit in (("title", CONFIRM_TITLE_MAX), ("text", CONFIRM_TEXT_MAX), ("confirm", CONFIRM_BUTTON_MAX),
                        ("deny", CONFIRM_BUTTON_MAX)):
        words = dialog[part]["text"]
        assert words and len(words) <= limit and not words.endswith("…"), (part, words)
    assert "style" not in dialog and confirm_dialog(kind, lang, "danger")["style"] == "danger"
