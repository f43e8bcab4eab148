"""Handling (§6) without Slack: who may do what, the step tracker read from audit events, the views as Slack
would validate them, and the compiled case file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blockkit import ids
from bot.handling import casefile as case_file
from bot.handling import service as handling
from bot.handling import state as handling_state
from bot.handling import views
from bot.procedure.config import load_config
from bot.procedure.i18n import LANGS
from bot.procedure.who import who_from_config
from bot.warroom.state import CardState
from bot.warroom.views import incident_card

CONFIG = load_config()
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


@dataclass
class FakeIncident:
    """Just what authorization reads."""

    level: str | None = "high"
    unit_id: str | None = "inspection"
    status: str = "open"
    id: int = 1


@dataclass
class Event:
    kind: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime = NOW
    id: int = 0


def who(user: str):
    return who_from_config(CONFIG, user)


@pytest.mark.parametrize(("user", "step", "allowed"), [
    ("U0000INSH", "identify", True), ("U0000INSD", "identify", True), ("U0000INS1", "identify", False),
    ("U0000CL1H", "identify", False),  # another unit's head is not this incident's handling group
    ("U0000PRPR", "handle", True), ("U0000CL1H", "handle", False), ("U0000INSD", "handle", True),
    ("U0000CMDD", "media", True), ("U0000PRDP", "media", True), ("U0000INSH", "media", False),
    ("U0000EXED", "coordinate", True), ("U0000CMDR", "coordinate", False),
])
def test_only_the_steps_responsible_roles(user, step, allowed):
    found = next(s for s in CONFIG.steps if s.id == step)
    assert handling.may_do_step(who(user), found, FakeIncident()) is allowed  # type: ignore[arg-type]


@pytest.mark.parametrize(("level", "user", "allowed"), [
    ("high", "U0000CMDR", True), ("high", "U0000EXEC", False), ("medium", "U0000EXED", True),
    ("medium", "U0000CMDR", False), ("low", "U0000INSH", True), ("low", "U0000EXEC", False),
])
def test_plan_confirmed_by_the_tier_the_level_needs(level, user, allowed):
    assert handling.may(who(user), "confirm_plan", FakeIncident(level=level), CONFIG) is allowed  # type: ignore[arg-type]


def test_resolve_and_case_file_authority():
    high, low = FakeIncident(level="high"), FakeIncident(level="low")
    assert not handling.may(who("U0000INSH"), "resolve", high, CONFIG)  # type: ignore[arg-type]
    assert handling.may(who("U0000INSH"), "resolve", low, CONFIG)  # type: ignore[arg-type]
    assert handling.may(who("U0000EXED"), "resolve", high, CONFIG)  # type: ignore[arg-type]
    assert handling.may(who("U0000INSD"), "case_file", high, CONFIG)  # type: ignore[arg-type]
    assert not handling.may(who("U0000CMDR"), "case_file", high, CONFIG)  # type: ignore[arg-type]


def test_step_lines_follow_the_audit_trail():
    events = [Event("step.completed", "U0000INSH", {"step": "identify"}),
              Event("step.skipped", "U0000EXEC", {"step": "assess", "reason": "r"})]
    lines, current = handling_state.step_lines(CONFIG, events)  # type: ignore[arg-type]
    assert current == "handle"
    assert [line.state for line in lines] == ["done", "skipped", "current", "pending", "pending", "pending"]
    assert lines[1].reason == "r" and lines[0].by == "U0000INSH"


def test_statements_track_their_decision():
    events = [Event("media.drafted", "U0000PRPR", {"kind": "statement", "text": "a"}, id=5),
              Event("media.drafted", "U0000PRPR", {"kind": "clarification", "text": "b"}, id=6),
              Event("media.released", "U0000CMDR", {"statement": 5, "text": "a2"}, id=7)]
    found = handling_state.statements(events)  # type: ignore[arg-type]
    assert found[5]["status"] == "released" and found[5]["released_text"] == "a2"
    assert found[6]["status"] == "pending"


def _state(**kw: Any) -> handling_state.HandlingState:
    lines, current = handling_state.step_lines(CONFIG, [])
    return handling_state.HandlingState(lines, current, **kw)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("status", ["open", "observing", "resolved", "closed"])
def test_card_with_steps_is_valid_block_kit_under_50_blocks(lang, status):
    state = CardState(1, "2026-0001", "火警", "force_majeure", None, "high", "high", status, "identify", "inspection",
                      "U0000INS1", "C1", {"unit": ("U0000INSH", "U0000INSD")}, (),
                      _state(plan={"id": 3, "by": "U0000INSH"}, pending_statements=1, last_update=NOW))
    card = incident_card(state, CONFIG, lang)
    assert len(card["blocks"]) <= 50
    for block in card["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    text = str(card["blocks"])
    assert (ids.RESOLVE in text) is (status in ("open", "observing"))
    assert (ids.CASEFILE_OPEN in text) is (status == "resolved")  # a closed card is the final record: no button


@pytest.mark.parametrize("lang", LANGS)
def test_every_handling_modal_is_a_valid_view(lang):
    modals = [
        views.skip_modal(1, "2026-0001", "t", "assess", "評估", lang),
        views.update_modal(1, "2026-0001", "t", lang),
        views.convene_modal(1, "2026-0001", "t", ["U1"], int(NOW.timestamp()), lang),
        views.notes_modal(1, "2026-0001", "t", lang),
        views.plan_modal(1, "2026-0001", "t", "執行秘書", lang),
        views.media_modal(1, "2026-0001", "t", lang),
        views.media_edit_modal(1, 2, "2026-0001", "t", "draft", lang),
        views.media_reject_modal(1, 2, "2026-0001", "t", lang),
        views.opinion_modal(1, "2026-0001", "t", lang),
        views.legal_request_modal(1, "2026-0001", "t", lang),
        views.legal_answer_modal(1, "2026-0001", "t", "q?", lang),
        views.coordination_modal(1, "2026-0001", "t", lang),
        views.case_file_modal(1, "2026-0001", "t", {"summary": "s"}, 1, lang),
    ]
    for modal in modals:
        View(**modal).validate_json()
        assert modal["callback_id"] in ids.CALLBACK_IDS


def test_statement_message_has_decision_buttons_until_decided():
    pending = {"id": 5, "kind": "statement", "text": "<!channel> hi", "by": "U1", "status": "pending"}
    message = views.statement_message(pending, 1, CONFIG, "zh-TW")
    assert ids.MEDIA_APPROVE in str(message["blocks"]) and "&lt;!channel&gt;" in str(message["blocks"])
    done = {**pending, "status": "released", "decided_by": "U2", "decided_at": NOW}
    assert ids.MEDIA_APPROVE not in str(views.statement_message(done, 1, CONFIG, "en")["blocks"])


def test_case_file_markdown_and_docx_hold_the_case_and_the_timeline():
    compiled = case_file.Compiled(
        "2026-0001", [(case_file.FACTS["number"], "2026-0001")],
        [(case_file.FIELD_NAMES["summary"], "倉庫火警"), (case_file.FIELD_NAMES["lessons"], "a | b")],
        [("2026-11-28 09:00", "張淑芬", "通報 Reported", "等級 Level：高 High")], 1, ("U0000INSH",))
    markdown = case_file.to_markdown(compiled, CONFIG)
    assert "## 事件摘要 Summary" in markdown
    assert "| 2026-11-28 09:00 | 張淑芬 | U0000INSH | 通報 Reported |" in markdown
    assert "All times are in Asia/Taipei" in markdown
    doc = Document(io.BytesIO(case_file.to_docx(compiled, CONFIG)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "倉庫火警" in cells and "張淑芬" in cells and "U0000INSH" in cells and "帳號 ID" in cells
    assert case_file.filename("2026-0001", 2, "docx") == "case-2026-0001-v2.docx"
