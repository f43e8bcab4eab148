"""The timeline in words, for the documents (case file, timeline CSV): who by name, what each event's details mean
in both languages (zh-TW first), and every time in the organisation's time zone.

Pure functions of the stored data and a `names` map (user id -> name): the bot fills the map from Slack and the
user cache, `crisisbot export` from the cache alone; a person missing from it shows by id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.blockkit.names import role_name
from bot.procedure.config import OrgConfig
from bot.procedure.documents import when
from bot.procedure.i18n import MESSAGES
from bot.procedure.text import is_user_id

# A flag in both languages, as the report form names it.
FLAG_NAMES = {"media": "媒體已關注 Media are involved", "legislator": "民意代表關切 A legislator is involved",
              "casualties": "有人員傷亡 People are hurt"}


# What each detail is called (zh-TW, English), in the order the documents show them.
LABELS: dict[str, tuple[str, str]] = {
    "flag": ("情形", "Flag"), "step": ("步驟", "Step"), "reason": ("理由", "Reason"), "level": ("等級", "Level"),
    "previous": ("原等級", "Previous level"), "proposed_level": ("通報等級", "Level reported"),
    "role": ("角色", "Role"), "attempt": ("通知對象", "Paged"),
    "target": ("對象", "Person"), "from": ("原對象", "From"), "to": ("移交給", "Handed to"),
    "by": ("由", "By"), "text": ("內容", "Text"), "plan": ("方案", "Plan"), "proposed_by": ("提案人", "Proposed by"),
    "information": ("資訊", "Information"), "diagnosis": ("研判", "Diagnosis"), "action": ("行動", "Action"),
    "outcome": ("結果", "Outcome"), "question": ("問題", "Question"), "kind": ("類型", "Kind"),
    "statement": ("稿件", "Statement"), "at": ("時間", "At"), "place": ("地點", "Place"),
    "members": ("成員", "Members"), "invite": ("邀請", "Invited"), "version": ("版本", "Version"),
    "until": ("延至", "Until"), "status": ("狀態", "Status"),
}


# Plain words for the few fixed values some details carry.
ATTEMPTS = {"primary": "主要 Primary", "deputy": "職務代理人 Deputy", "next_tier": "上一層 Next tier"}
MEDIA_KINDS = {"statement": "新聞稿 Statement", "clarification": "澄清稿 Clarification"}
BY_REPORTER = "reporter is the unit's head"


def name_of(names: Mapping[str, str], user: str | None) -> str:
    """A person by name, or by id when no name is known (and the bot's own actors as they are)."""
    if not user:
        return ""
    return names.get(user) or user


def both(zh: str, en: str) -> str:
    """A term in both languages, zh-TW first; once when they are the same."""
    return zh if zh == en else f"{zh} {en}"


def _role(role: str) -> str:
    return both(role_name(role, "zh-TW"), role_name(role, "en")) if f"role.{role}" in MESSAGES else role


def _level(config: OrgConfig, level: str) -> str:
    try:
        found = config.levels.of(level)
    except (KeyError, ValueError, AttributeError):
        return level
    return both(found.name("zh-TW"), found.name("en"))


def _step(config: OrgConfig, step_id: str) -> str:
    step = next((s for s in config.steps if s.id == step_id), None)
    return both(step.name("zh-TW"), step.name("en")) if step else step_id


def plan_numbers(kinds_and_ids: Iterable[tuple[str, int]], kind: str = "plan.proposed") -> dict[int, int]:
    """Each proposed plan's (or, with `kind` media.drafted, each draft's) audit event id -> its ordinal in the
    incident: 方案 #1, #2, … rather than the event ids people never see."""
    return {event_id: n for n, event_id in enumerate((i for k, i in kinds_and_ids if k == kind), start=1)}


def _value(key: str, value: Any, config: OrgConfig, names: Mapping[str, str], plans: Mapping[int, int],
           statements: Mapping[int, int]) -> str:
    if key in ("role",):
        return _role(str(value))
    if key in ("level", "previous", "proposed_level"):
        return _level(config, str(value))
    if key == "step":
        return _step(config, str(value))
    if key == "flag":
        return FLAG_NAMES.get(str(value), str(value))
    if key == "attempt":
        return ATTEMPTS.get(str(value), str(value))
    if key == "kind":
        return MEDIA_KINDS.get(str(value), str(value))
    if key in ("at", "until"):
        return when(str(value), config)
    if key == "plan" and isinstance(value, int):
        return f"方案 #{plans[value]} Plan #{plans[value]}" if value in plans else f"#{value}"
    if key == "statement" and isinstance(value, int):
        return f"第 {statements[value]} 份 #{statements[value]}" if value in statements else f"#{value}"
    if key == "version":
        return f"第 {value} 版 version {value}"
    if key == "by" and value == BY_REPORTER:
        return "通報人即單位主管 the reporter heads the unit"
    if key == "invite" and isinstance(value, list):
        return "、".join(_role(str(r)) for r in value)
    if isinstance(value, list):
        return "、".join(name_of(names, str(v)) if is_user_id(v) else str(v) for v in value)
    if is_user_id(value):
        return name_of(names, str(value))
    return str(value)


def details(data: Mapping[str, Any], config: OrgConfig, names: Mapping[str, str],
            plans: Mapping[int, int] | None = None, statements: Mapping[int, int] | None = None) -> str:
    """An event's details in words: `角色 Role：總指揮兼發言人 Commander-in-chief and spokesperson；…`. Keys that
    are bookkeeping (ids of pages, channels, work) are left out, as before."""
    parts = []
    for key, (zh, en) in LABELS.items():
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        parts.append(f"{zh} {en}：{_value(key, value, config, names, plans or {}, statements or {})}")
    return "；".join(parts)


def people_in(events: Sequence[Any]) -> set[str]:
    """Every user id a timeline names: its actors and the people inside its details."""
    found: set[str] = set()
    for event in events:
        found.add(str(event.actor))
        for value in dict(event.data or {}).values():
            for item in value if isinstance(value, list) else [value]:
                if is_user_id(item):
                    found.add(str(item))
    return {u for u in found if is_user_id(u)}
