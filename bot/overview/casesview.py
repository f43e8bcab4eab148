"""The case-file library in Block Kit: `/crisis cases` hits, the case file modal (paged with Previous / Next), the
past cases on a new report's card and triage DM, App Home's section and the search modal. Pure functions of the
read models in `bot.overview.cases` and the reader's language."""

from __future__ import annotations

import json
from typing import Any

from bot.blockkit import ids
from bot.blockkit.fit import MESSAGE_BLOCKS_MAX, fallback, sections, split_text
from bot.blockkit.names import category_name, level_name
from bot.drills.views import when
from bot.overview.cases import CaseSearch, CaseView
from bot.overview.state import CaseHit
from bot.procedure.config import Level, OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clip, escape

SUMMARY_CLIP = 300  # characters of the summary and of the lessons a hit shows (the modal has them whole)
PAST_CLIP = 200  # the lessons of a past case on the card: a glance, the button opens the rest
PAGE_BLOCKS = 40  # a case file modal's page: well within 100 blocks, and short enough to read on a phone
PAGE_CHARS = 9000


def clip_words(text: str, limit: int) -> str:
    """Escaped text cut to about ``limit`` characters at a word (or CJK character) boundary, marked "…"."""
    chunks = split_text(escape(text.strip()), limit)
    if not chunks:
        return "—"
    return chunks[0] + ("…" if len(chunks) > 1 else "")


def _label(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh-TW" else pair[1]


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _button(action_id: str, label: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": action_id, "text": _plain(label), "value": value}
    if style:
        button["style"] = style
    return button


def _unit(config: OrgConfig, unit_id: str | None, lang: Lang) -> str:
    unit = config.unit(unit_id or "")
    return escape(unit.name(lang)) if unit else "—"


def hit_head(hit: CaseHit, config: OrgConfig, lang: Lang) -> str:
    """*2026-0007* title｜level｜category｜unit, then the dates (reported, closed) in the organisation's zone."""
    sep = "｜" if lang == "zh-TW" else " | "
    head = sep.join([f"*{hit.number}* {escape(clip(hit.title, 120))}" + (" 🔒" if hit.restricted else ""),
                     level_name(config, hit.level, lang),
                     escape(category_name(config, hit.category, hit.subtype, lang)), _unit(config, hit.unit_id, lang)])
    dates = t("cases.dates", lang, reported=when(hit.reported_at, config, "%Y-%m-%d"),
              closed=when(hit.closed_at, config, "%Y-%m-%d") if hit.closed_at else "—")
    return head + "\n" + dates


def hit_text(hit: CaseHit, config: OrgConfig, lang: Lang) -> str:
    return "\n".join([hit_head(hit, config, lang),
                      t("cases.summary", lang, text=clip_words(hit.summary, SUMMARY_CLIP)),
                      t("cases.lessons", lang, text=clip_words(hit.lessons, SUMMARY_CLIP))])


def hit_blocks(hit: CaseHit, n: int, config: OrgConfig, lang: Lang, *, docx: bool = True) -> list[dict[str, Any]]:
    """A hit's section and its buttons: Open case file, DOCX."""
    buttons = [_button(ids.CASES_OPEN, t("button.cases_open", lang), str(hit.incident_id), "primary")]
    if docx:
        buttons.append(_button(ids.CASES_DOCX, t("button.cases_docx", lang), str(hit.incident_id)))
    block_id = f"{ids.CASES_HIT_PREFIX}{n}"
    return [{"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": hit_text(hit, config, lang)}},
            {"type": "actions", "block_id": f"{block_id}_actions", "elements": buttons}]


def searched(search: CaseSearch, lang: Lang) -> str:
    return escape(clip(search.query.text, 200)) or t("cases.everything", lang)


def results_blocks(search: CaseSearch, config: OrgConfig, lang: Lang) -> list[dict[str, Any]]:
    """The hits (at most the service's limit: ten hits of two blocks each stay within a message's 50), or what
    was searched when nothing matched; past the limit, how many more and a hint to add words."""
    if not search.hits:
        return [{"type": "section", "block_id": ids.CASES_HEADER, "text": {
            "type": "mrkdwn", "text": t("cases.none", lang, words=searched(search, lang))}}]
    total = len(search.hits) + search.more
    blocks: list[dict[str, Any]] = [{"type": "section", "block_id": ids.CASES_HEADER, "text": {
        "type": "mrkdwn", "text": t("cases.title", lang, n=total, words=searched(search, lang))}}]
    for n, hit in enumerate(search.hits):
        blocks += hit_blocks(hit, n, config, lang)
    if search.more:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "cases.more", lang, shown=len(search.hits), n=search.more)}]})
    return blocks[:MESSAGE_BLOCKS_MAX]


def cases_message(search: CaseSearch, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """`/crisis cases [words]`: the answer only the person sees."""
    blocks = results_blocks(search, config, lang)
    text = "\n".join(b["text"]["text"] for b in blocks if b.get("type") == "section")
    return {"response_type": "ephemeral", "text": fallback(text), "blocks": blocks}


def _case_text(view: CaseView, config: OrgConfig, lang: Lang) -> list[str]:
    """The case file's parts, each a mrkdwn text: the facts, the reporter's and the unit's accounts, the versions
    and the timeline."""
    sep = "：" if lang == "zh-TW" else ": "
    compiled = view.compiled
    parts = [f"*{escape(compiled.number)}｜{escape(clip(view.hit.title, 150))}*",
             "\n".join(f"*{_label(label, lang)}*{sep}{escape(value) or '—'}" for label, value in compiled.facts)]
    parts += [f"*{_label(label, lang)}*\n{escape(value) or '—'}" for label, value in compiled.fields]
    versions = [t("cases.version", lang, version=v.version, user=escape(v.by), at=when(v.at, config))
                for v in view.versions]
    parts.append(f"*{t('cases.versions', lang)}*\n" + ("\n".join(versions) or "—"))
    timeline = [" · ".join(escape(x) for x in row if x) for row in compiled.timeline]
    parts.append(f"*{t('cases.timeline', lang, tz=config.organisation.timezone)}*\n" + ("\n".join(timeline) or "—"))
    return parts


def case_pages(view: CaseView, config: OrgConfig, lang: Lang) -> list[list[dict[str, Any]]]:
    """The case file's blocks in pages of at most PAGE_BLOCKS blocks and about PAGE_CHARS characters; a part
    longer than a section is split between words (nothing is lost)."""
    pages: list[list[dict[str, Any]]] = [[]]
    size = 0
    for part in _case_text(view, config, lang):
        for block in sections(part):
            length = len(block["text"]["text"])
            if pages[-1] and (len(pages[-1]) >= PAGE_BLOCKS or size + length > PAGE_CHARS):
                pages.append([])
                size = 0
            pages[-1].append(block)
            size += length
    return pages


def case_modal(view: CaseView, page: int, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """The case file, read only: one page of it, with Previous / Next when there are more, and the DOCX button."""
    pages = case_pages(view, config, lang)
    page = max(0, min(page, len(pages) - 1))
    incident = view.hit.incident_id
    buttons = []
    if page > 0:
        buttons.append(_button(ids.CASES_PAGE, t("cases.previous", lang), f"{incident}:{page - 1}"))
    if page < len(pages) - 1:
        buttons.append(_button(ids.CASES_PAGE, t("cases.next", lang), f"{incident}:{page + 1}", "primary"))
    buttons.append(_button(ids.CASES_DOCX, t("button.cases_docx", lang), str(incident)))
    blocks = [*pages[page]]
    if len(pages) > 1:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
            "cases.page", lang, n=page + 1, total=len(pages))}]})
    blocks.append({"type": "actions", "block_id": "case_nav", "elements": buttons})
    return {"type": "modal", "callback_id": ids.CASE_VIEW,
            "title": _plain(t("cases.modal_title", lang, number=view.hit.number), 24),
            "close": _plain(t("cases.close", lang), 24), "blocks": blocks,
            "private_metadata": json.dumps({"incident": incident, "page": page, "lang": lang})}


def _past_case(hit: CaseHit, prefix: str, config: OrgConfig, lang: Lang) -> dict[str, Any]:
    """One past case as the card, the triage DM and App Home list it: its head line, its lessons, Open case file."""
    text = hit_head(hit, config, lang) + "\n" + t("cases.lessons", lang, text=clip_words(hit.lessons, PAST_CLIP))
    return {"type": "section", "block_id": f"{prefix}_{hit.incident_id}", "text": {"type": "mrkdwn", "text": text},
            "accessory": _button(ids.CASES_OPEN, t("button.cases_open", lang), str(hit.incident_id))}


def past_cases_blocks(hits: tuple[CaseHit, ...], config: OrgConfig, lang: Lang) -> list[dict[str, Any]]:
    """Past cases of the same sub-type on a new report's card or triage DM: each line with its lessons, and a
    button that opens its case file (the click is authorized for the person who clicks). Nothing if none."""
    if not hits:
        return []
    blocks: list[dict[str, Any]] = [{"type": "section", "block_id": ids.CARD_PAST_CASES, "text": {
        "type": "mrkdwn", "text": t("cases.past_title", lang, n=len(hits))}}]
    return blocks + [_past_case(hit, ids.CARD_PAST_CASES, config, lang) for hit in hits]


def home_cases_blocks(hits: tuple[CaseHit, ...], config: OrgConfig, lang: Lang) -> list[dict[str, Any]]:
    """App Home's past cases: the latest few, each openable, and the Search cases button."""
    blocks: list[dict[str, Any]] = [{"type": "section", "block_id": ids.HOME_CASES, "text": {
        "type": "mrkdwn", "text": t("cases.home_title", lang) + ("" if hits else "\n" + t("cases.home_none", lang))},
        "accessory": _button(ids.CASES_SEARCH_OPEN, t("button.cases_search", lang), "search")}]
    return blocks + [_past_case(hit, ids.HOME_CASES, config, lang) for hit in hits]


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


def _select(block_id: str, label: str, options: list[dict[str, Any]], lang: Lang) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "optional": True, "label": _plain(label),
            "element": {"type": "static_select", "action_id": block_id, "options": options[:100],
                        "placeholder": _plain(t("cases.any", lang))}}


def search_modal(config: OrgConfig, lang: Lang, years: list[int], search: CaseSearch | None = None,
                 ) -> dict[str, Any]:
    """The search modal from App Home: words, and optional category, unit, level and year; after a submit the
    same modal shows the results below the form (response_action update), so the next search is one tap away."""
    categories = [_option(f"c:{c.id}", c.name(lang)) for c in config.categories]
    categories += [_option(f"s:{s.id}", f"{c.name(lang)} / {s.name(lang)}") for c in config.categories
                   for s in c.subtypes]
    units = [_option(u.id, u.name(lang)) for u in config.units]
    levels = [_option(level.value, level_name(config, level.value, lang)) for level in Level]
    blocks: list[dict[str, Any]] = [
        {"type": "input", "block_id": ids.CS_WORDS, "optional": True, "label": _plain(t("cases.f.words", lang)),
         "element": {"type": "plain_text_input", "action_id": ids.CS_WORDS, "max_length": 200}},
        _select(ids.CS_CATEGORY, t("cases.f.category", lang), categories, lang),
        _select(ids.CS_UNIT, t("cases.f.unit", lang), units, lang),
        _select(ids.CS_LEVEL, t("cases.f.level", lang), levels, lang),
    ]
    if years:
        blocks.append(_select(ids.CS_YEAR, t("cases.f.year", lang), [_option(str(y), str(y)) for y in years], lang))
    if search is not None:
        blocks += [{"type": "divider"}, *results_blocks(search, config, lang)]
    return {"type": "modal", "callback_id": ids.CASES_SEARCH_VIEW, "title": _plain(t("cases.search_title", lang), 24),
            "submit": _plain(t("cases.search_submit", lang), 24), "close": _plain(t("cases.close", lang), 24),
            "blocks": blocks[:100], "private_metadata": json.dumps({"lang": lang})}


def search_words(values: dict[str, Any]) -> list[str]:
    """The search modal's values as the words `/crisis cases` would take (a filter is its id)."""
    def picked(block: str) -> str:
        option = (values.get(block, {}).get(block) or {}).get("selected_option") or {}
        return str(option.get("value") or "")

    words = str((values.get(ids.CS_WORDS, {}).get(ids.CS_WORDS) or {}).get("value") or "").replace("\u3000", " ")
    out = words.split()
    category = picked(ids.CS_CATEGORY)
    if category:
        out.append(category.partition(":")[2])
    out += [w for w in (picked(ids.CS_UNIT), picked(ids.CS_LEVEL), picked(ids.CS_YEAR)) if w]
    return out
