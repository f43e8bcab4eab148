"""Block Kit for handling the crisis (§6): the card's step tracker and actions, the handling modals, and the
war-room messages for plans and media statements. Pure functions of their arguments."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.blockkit import ids
from bot.blockkit.blocks import button, confirm_dialog, input_block, option, plain
from bot.blockkit.fit import fallback, modal_blocks, sections
from bot.blockkit.names import responsible_names, short_time
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.status import ACTIVE, IncidentStatus
from bot.procedure.text import clip, escape

if TYPE_CHECKING:
    from bot.handling.state import HandlingState


TEXT_MAX = 3000


SHORT_MAX = 300


# "filed", "awaiting", "unrecorded": a finished incident's final states (bot.warroom.views.final_steps)
ICONS = {"done": "✅", "skipped": "⏭️", "current": "▶️", "pending": "▫️", "filed": "✅", "awaiting": "⏳",
         "unrecorded": "➖"}


MENU_ASSESS = ("convene", "notes", "plan", "confirm_plan")


MENU_MORE = ("draft", "opinion", "legal_answer", "coordinate")


def step_tracker(handling: HandlingState, config: OrgConfig, lang: Lang) -> str:
    """Six lines: each step, who answers for it, its state, who did it and when."""
    lines = [t("steps.title", lang)]
    for n, line in enumerate(handling.steps, 1):
        step = next(s for s in config.steps if s.id == line.id)
        head = f"{ICONS[line.state]} {n}. {step.name(lang)}（{responsible_names(config, line.id, lang)}）"
        if line.state == "done":
            head += " — " + t("steps.done_by", lang, user=line.by, at=short_time(line.at, config))
        elif line.state == "skipped":
            head += " — " + t("steps.skipped_by", lang, user=line.by, at=short_time(line.at, config),
                              reason=escape(clip(line.reason or "", 200)))
        else:
            head += " — " + t(f"steps.{line.state}", lang)
        lines.append(head)
    facts = []
    if handling.plan:
        facts.append(t("steps.plan_confirmed" if handling.plan.get("confirmed_by") else "steps.plan_pending", lang,
                       user=handling.plan.get("confirmed_by") or handling.plan["by"]))
    if handling.pending_statements or handling.released:
        facts.append(t("steps.media", lang, pending=handling.pending_statements, released=handling.released))
    if handling.last_update:
        facts.append(t("steps.last_update", lang, at=short_time(handling.last_update, config)))
    if handling.case_file_version:
        facts.append(t("steps.case_file", lang, version=handling.case_file_version))
    if facts:
        lines.append("　".join(facts) if lang == "zh-TW" else " · ".join(facts))
    return "\n".join(lines)


def _menu(action_id: str, incident_id: int, actions: tuple[str, ...], lang: Lang) -> dict[str, Any]:
    return {"type": "overflow", "action_id": action_id,
            "options": [option(f"{a}:{incident_id}", t(f"menu.{a}", lang)) for a in actions]}


def handling_blocks(incident_id: int, status: str, handling: HandlingState, config: OrgConfig,
                    lang: Lang) -> list[dict[str, Any]]:
    """The step tracker and the handling actions for the card (two blocks, three when closed)."""
    blocks: list[dict[str, Any]] = sections(step_tracker(handling, config, lang), block_id=ids.STEPS_BLOCK)
    elements: list[dict[str, Any]] = []
    if status in ACTIVE and handling.current:
        step = next(s for s in config.steps if s.id == handling.current)
        value = f"{incident_id}:{step.id}"
        elements += [
            {"type": "button", "action_id": ids.STEP_COMPLETE, "style": "primary", "value": value,
             "text": plain(t("button.step_complete", lang, step=step.name(lang)))},
            {"type": "button", "action_id": ids.STEP_SKIP_OPEN, "value": value,
             "text": plain(t("button.step_skip", lang))}]
    if status in ACTIVE:
        elements += [
            {"type": "button", "action_id": ids.UPDATE_OPEN, "value": str(incident_id),
             "text": plain(t("button.update", lang))},
            _menu(ids.HANDLING_MENU, incident_id, MENU_ASSESS, lang),
            _menu(ids.HANDLING_MENU_MORE, incident_id, MENU_MORE, lang),
            button(ids.RESOLVE, t("button.resolve", lang), str(incident_id), "danger",
                   confirm_dialog("resolve", lang, "danger"))]
    elif status == IncidentStatus.RESOLVED:  # §3: the unit's case file is all that is left; a closed card has none
        elements.append({"type": "button", "action_id": ids.CASEFILE_OPEN, "value": str(incident_id),
                         "style": "primary", "text": plain(t("button.case_file", lang))})
    if elements:
        blocks.append({"type": "actions", "block_id": ids.HANDLING_ACTIONS, "elements": elements})
    return blocks


def _text(block_id: str, label: str, *, multiline: bool = True, optional: bool = False, initial: str = "",
          limit: int = TEXT_MAX, hint: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": limit}
    if initial:
        element["initial_value"] = initial[:limit]
    return input_block(block_id, label, element, optional=optional, hint=hint)


def _modal(callback_id: str, title: str, submit: str, meta: dict[str, Any], number: str, incident_title: str,
           blocks: list[dict[str, Any]], lang: Lang, intro: str | None = None) -> dict[str, Any]:
    head = f"*{number}* {escape(incident_title)}" + (f"\n{intro}" if intro else "")
    return {"type": "modal", "callback_id": callback_id, "title": plain(title, 24), "submit": plain(submit, 24),
            "close": plain(t("common.close", lang), 24), "private_metadata": json.dumps({**meta, "lang": lang}),
            "blocks": modal_blocks([*sections(head), *blocks], t("fit.modal_more", lang))}


def skip_modal(incident_id: int, number: str, title: str, step_id: str, step_name: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.STEP_SKIP_VIEW, t("skip.title", lang), t("skip.submit", lang),
                  {"incident": incident_id, "step": step_id}, number, title,
                  [_text(ids.H_REASON, t("skip.reason", lang), limit=SHORT_MAX * 2)], lang,
                  t("skip.intro", lang, step=step_name))


def update_modal(incident_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.UPDATE_VIEW, t("update.title", lang), t("update.submit", lang), {"incident": incident_id},
                  number, title, [_text(ids.H_TEXT, t("update.text", lang), hint=t("update.hint", lang))], lang)


def convene_modal(incident_id: int, number: str, title: str, people: list[str], default_at: int,
                  lang: Lang) -> dict[str, Any]:
    picker = {"type": "datetimepicker", "initial_date_time": default_at}
    who = " ".join(f"<@{p}>" for p in people) or "—"
    return _modal(ids.CONVENE_VIEW, t("convene.title", lang), t("convene.submit", lang), {"incident": incident_id},
                  number, title, [input_block(ids.H_MEETING_AT, t("convene.at", lang), picker),
                                  _text(ids.H_PLACE, t("convene.place", lang), multiline=False, optional=True,
                                        limit=SHORT_MAX)], lang, t("convene.intro", lang, people=who))


def notes_modal(incident_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.NOTES_VIEW, t("notes.title", lang), t("common.save", lang), {"incident": incident_id}, number,
                  title, [_text(ids.H_INFORMATION, t("notes.information", lang)),
                          _text(ids.H_DIAGNOSIS, t("notes.diagnosis", lang), optional=True)], lang)


def plan_modal(incident_id: int, number: str, title: str, confirmer: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.PLAN_VIEW, t("plan.title", lang), t("plan.submit", lang), {"incident": incident_id}, number,
                  title, [_text(ids.H_TEXT, t("plan.text", lang))], lang, t("plan.intro", lang, role=confirmer))


def media_modal(incident_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    kinds = [option(k, t(f"media.kind.{k}", lang)) for k in ("statement", "clarification")]
    return _modal(ids.MEDIA_VIEW, t("media.title", lang), t("media.submit", lang), {"incident": incident_id},
                  number, title, [input_block(ids.H_KIND, t("media.kind", lang),
                                              {"type": "radio_buttons", "options": kinds, "initial_option": kinds[0]}),
                                  _text(ids.H_TEXT, t("media.text", lang))], lang, t("media.intro", lang))


def media_edit_modal(incident_id: int, statement_id: int, number: str, title: str, text: str,
                     lang: Lang) -> dict[str, Any]:
    return _modal(ids.MEDIA_EDIT_VIEW, t("media.edit_title", lang), t("media.edit_submit", lang),
                  {"incident": incident_id, "statement": statement_id}, number, title,
                  [_text(ids.H_TEXT, t("media.text", lang), initial=text)], lang, t("media.edit_intro", lang))


def media_reject_modal(incident_id: int, statement_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.MEDIA_REJECT_VIEW, t("media.reject_title", lang), t("media.reject_submit", lang),
                  {"incident": incident_id, "statement": statement_id}, number, title,
                  [_text(ids.H_REASON, t("media.reject_reason", lang), optional=True, limit=SHORT_MAX * 2)], lang)


def opinion_modal(incident_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.OPINION_VIEW, t("opinion.title", lang), t("common.save", lang), {"incident": incident_id},
                  number, title, [_text(ids.H_TEXT, t("opinion.text", lang))], lang)


def legal_request_modal(incident_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.LEGAL_REQUEST_VIEW, t("legal.request_title", lang), t("legal.request_submit", lang),
                  {"incident": incident_id}, number, title,
                  [_text(ids.H_QUESTION, t("legal.question", lang), limit=TEXT_MAX // 2)], lang)


def legal_answer_modal(incident_id: int, number: str, title: str, question: str | None, lang: Lang) -> dict[str, Any]:
    intro = t("legal.question_was", lang, question=escape(question)) if question else None
    return _modal(ids.LEGAL_ANSWER_VIEW, t("legal.answer_title", lang), t("common.save", lang),
                  {"incident": incident_id}, number, title, [_text(ids.H_TEXT, t("legal.answer", lang))], lang, intro)


def coordination_modal(incident_id: int, number: str, title: str, lang: Lang) -> dict[str, Any]:
    return _modal(ids.COORD_VIEW, t("coord.title", lang), t("common.save", lang), {"incident": incident_id}, number,
                  title, [_text(ids.H_ACTION, t("coord.action", lang)),
                          _text(ids.H_OUTCOME, t("coord.outcome", lang), optional=True)], lang)


def case_file_modal(incident_id: int, number: str, title: str, initial: dict[str, str], version: int | None,
                    lang: Lang) -> dict[str, Any]:
    from bot.handling.state import CASE_FIELDS

    intro = t("casefile.intro", lang) + (f"\n{t('casefile.revising', lang, version=version)}" if version else "")
    blocks = [_text(f"{ids.CF_PREFIX}{f}", t(f"casefile.{f}", lang), initial=initial.get(f, ""),
                    optional=f == "followups") for f in CASE_FIELDS]
    return _modal(ids.CASEFILE_VIEW, t("casefile.title", lang), t("casefile.submit", lang), {"incident": incident_id},
                  number, title, blocks, lang, intro)


def plan_message(plan: dict[str, Any], incident_id: int, confirmer: str, config: OrgConfig,
                 lang: Lang) -> dict[str, Any]:
    text = t("plan.room", lang, user=plan["by"], plan=escape(plan["text"]))
    blocks: list[dict[str, Any]] = sections(text)
    if plan.get("confirmed_by"):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "plan.confirmed_by", lang, user=plan["confirmed_by"], at=short_time(plan.get("confirmed_at"), config))}]})
    elif plan.get("superseded_by"):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t("plan.superseded_note", lang)}]})
    else:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "plan.awaiting", lang, role=confirmer)}]})
        blocks.append({"type": "actions", "elements": [
            button(ids.PLAN_CONFIRM, t("button.confirm_plan", lang), f"{incident_id}:{plan['id']}", "primary",
                   confirm_dialog("confirm_plan", lang, "primary"))]})
    return {"text": fallback(text), "blocks": blocks}


def statement_message(statement: dict[str, Any], incident_id: int, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """A draft in the war room with the spokesperson's Approve / Edit / Reject, or the decision once made."""
    kind = t(f"media.kind.{statement['kind']}", lang)
    text = t("media.room", lang, user=statement["by"], kind=kind)
    shown = statement.get("released_text") or statement["text"]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        *sections(escape(shown), quoted=True),
    ]
    value = f"{incident_id}:{statement['id']}"
    if statement["status"] == "pending":
        blocks.append({"type": "actions", "elements": [
            button(ids.MEDIA_APPROVE, t("button.media_approve", lang), value, "primary",
                   confirm_dialog("approve_statement", lang, "primary")),
            button(ids.MEDIA_EDIT_OPEN, t("button.media_edit", lang), value),
            button(ids.MEDIA_REJECT_OPEN, t("button.media_reject", lang), value, "danger")]})
    else:
        key = "media.released_by" if statement["status"] == "released" else "media.rejected_by"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            key, lang, user=statement.get("decided_by"), at=short_time(statement.get("decided_at"), config))}]})
    return {"text": text, "blocks": blocks}


def legal_page_blocks(incident_id: int, question: str | None, lang: Lang, *,
                      answer: bool = True) -> list[dict[str, Any]]:
    """In the legal group's page: the question asked, and the button to record the answer while there is one to
    record (not once it is answered, the incident is over, or the page was stood down or handed over)."""
    blocks: list[dict[str, Any]] = []
    if question:
        blocks += sections(t("legal.question_was", lang, question=escape(question)))
    if answer:
        blocks.append({"type": "actions", "elements": [
            button(ids.LEGAL_ANSWER_OPEN, t("button.legal_answer", lang), str(incident_id))]})
    return blocks
