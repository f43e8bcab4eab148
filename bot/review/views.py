"""The review in Slack: the figures as one message in the reader's language (well under 50 blocks), answered to
`/crisis review` and sent monthly by DM. Pure: state in, Block Kit out."""

from __future__ import annotations

from typing import Any

from bot.blockkit.names import category_name, role_name
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clip, escape
from bot.review.state import NO_UNIT, TIERS, UNTRIAGED, Durations, Review, span_text

FOLLOWUPS_SHOWN = 10  # the rest are in the DOCX
DRILLS_SHOWN = 12
SECTION = 2900  # under Slack's 3,000 characters a section


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION)}}


def unit_name(config: OrgConfig, unit_id: str | None, lang: Lang) -> str:
    if not unit_id or unit_id == NO_UNIT:
        return t("review.no_unit", lang)
    unit = config.unit(unit_id)
    return unit.name(lang) if unit else unit_id


def level_label(config: OrgConfig, level: str, lang: Lang) -> str:
    return t("review.untriaged", lang) if level == UNTRIAGED else config.levels.of(level).name(lang)


def _counts(title: str, counts: dict[str, int], name: Any, lang: Lang) -> str:
    lines = [t("review.line", lang, name=escape(name(k)), n=n) for k, n in counts.items()]
    return "\n".join([t(title, lang), *(lines or [t("review.none", lang)])])


def _time(name: str, spans: Durations, lang: Lang) -> str:
    line = t("review.time_line", lang, name=name, count=spans.count, median=span_text(spans.median),
             max=span_text(spans.max))
    return line + (t("review.unanswered", lang, n=spans.missing) if spans.missing else "")


def _evaluation(status: str | None, version: int | None, circulated: bool, lang: Lang) -> str:
    if status is None:
        return t("review.eval.none", lang)
    key = f"drill.eval.status.{status}" if status != "superseded" else "review.eval.superseded"
    return f"{t(key, lang)} v{version}" + (t("review.eval.circulated", lang) if circulated else "")


def review_message(review: Review, config: OrgConfig, lang: Lang, *, intro: str | None = None,
                   note: str | None = None) -> dict[str, Any]:
    """The figures: incidents by category, level and unit, response times by tier, deputies and the next tier,
    open follow-ups and drills; `intro` above (the monthly DM) and `note` below (where the files are)."""
    title = t("review.title", lang, period=review.period.key)
    at = review.generated_at.astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M")
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": clip(title, 150)}}]
    if intro:
        blocks.append(_section(intro))
    blocks += [
        _section(t("review.incidents", lang, n=review.incidents, at=at, tz=config.organisation.timezone)),
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": clip(_counts("review.by_category", review.by_category,
                                                    lambda k: category_name(config, k, None, lang), lang), 2000)},
            {"type": "mrkdwn", "text": clip(_counts("review.by_level", review.by_level,
                                                    lambda k: level_label(config, k, lang), lang), 2000)},
            {"type": "mrkdwn", "text": clip(_counts("review.by_unit", review.by_unit,
                                                    lambda k: unit_name(config, k, lang), lang), 2000)},
        ]},
        {"type": "divider"},
        _section("\n".join([
            t("review.times", lang),
            _time(t("review.time.triage", lang), review.to_triage, lang),
            _time(t("review.time.first_page", lang), review.to_first_page, lang),
            *(_time(t("review.time.ack", lang, tier=role_name(tier, lang)), review.to_ack[tier], lang)
              for tier in TIERS)])),
    ]
    e = review.escalations
    blocks.append(_section(t("review.escalations", lang, pages=e.pages, escalated=e.escalated, acked=e.acked,
                             deputy=e.by_deputy, next_tier=e.by_next_tier, exhausted=e.exhausted)))
    blocks.append({"type": "divider"})
    follow = [t("review.followup_line", lang, number=f.number, title=escape(clip(f.title, 80)),
                unit=escape(unit_name(config, f.unit_id, lang)), text=escape(clip(f.text, 200)))
              for f in review.followups[:FOLLOWUPS_SHOWN]]
    if len(review.followups) > FOLLOWUPS_SHOWN:
        follow.append(t("review.more", lang, n=len(review.followups) - FOLLOWUPS_SHOWN))
    blocks.append(_section("\n".join([t("review.followups", lang, n=len(review.followups)),
                                      *(follow or [t("review.none", lang)])])))
    drills = [t("review.drill_line", lang, period=d.period, unit=escape(unit_name(config, d.unit_id, lang)),
                status=t(f"drill.status.{d.status}", lang), late=t("review.late", lang) if d.late else "",
                evaluation=_evaluation(d.evaluation_status, d.evaluation_version, d.circulated, lang))
              for d in review.drills[:DRILLS_SHOWN]]
    if len(review.drills) > DRILLS_SHOWN:
        drills.append(t("review.more", lang, n=len(review.drills) - DRILLS_SHOWN))
    blocks.append(_section("\n".join([t("review.drills", lang, total=len(review.drills), done=review.drills_done,
                                        late=review.drills_late), *drills])))
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(note, 2000)}]})
    return {"text": title, "blocks": blocks}
