"""The reporter's account as every surface shows it (pure functions of an `Account`, the config and the reader's
language): what happened, when (in the organisation's time zone), where, the impact so far, and the flags.

Two forms, written once: the full one (`account_text` / `account_blocks`) for the war-room card, the triage DM,
`/crisis status` and the flag DMs' readers who must judge; and the short one (`account_short`) for a page, read
on a phone: the start of what happened, where, when and the flags as badges. Typed words are escaped here; a
long full account is split into as many sections as it needs (`bot.blockkit.fit`), so no word is lost. Missing
fields show "—", never "None"."""

from __future__ import annotations

from typing import Any

from bot.blockkit.fit import sections
from bot.incidents.state import Account
from bot.procedure.config import OrgConfig
from bot.procedure.i18n import Lang, t
from bot.procedure.text import clean, escape, fit

# A badge per flag: seen at a glance before the words are read.
FLAG_BADGES = {"media": "📰", "legislator": "🏛️", "casualties": "🚑"}


SHORT_DESCRIPTION = 200  # characters of what happened a page shows: enough to know, short enough for a phone


def when(account: Account, config: OrgConfig) -> str:
    """When it happened, in the organisation's time zone (``2026-11-28 09:15``); "—" when the reporter left it."""
    if account.occurred_at is None:
        return "—"
    return account.occurred_at.astimezone(config.organisation.tz).strftime("%Y-%m-%d %H:%M")


def badges(account: Account, lang: Lang) -> str:
    """The flags set, each as its badge and name (``📰 媒體已關注　🚑 有人員傷亡``); empty when none is set."""
    sep = "　" if lang == "zh-TW" else "  "
    return sep.join(f"{FLAG_BADGES.get(f, '🚩')} {t(f'flag.{f}', lang)}" for f in account.flags)


def _label(key: str, lang: Lang) -> str:
    return f"*{t(key, lang)}*" + ("：" if lang == "zh-TW" else ": ")


def account_text(account: Account, config: OrgConfig, lang: Lang) -> str:
    """The full account as escaped mrkdwn: a heading, what happened in full, then when, where, the impact and the
    flags (the flags' line only when one is set)."""
    lines = [t("account.title", lang), f"*{t('report.description', lang)}*", escape(account.description) or "—",
             _label("report.occurred", lang) + when(account, config),
             _label("report.location", lang) + (escape(account.location) or "—"),
             _label("report.impact", lang) + (escape(account.impact) or "—")]
    if account.flags:
        lines.append(_label("report.flags", lang) + badges(account, lang))
    return "\n".join(lines)


def account_blocks(account: Account, config: OrgConfig, lang: Lang, *, block_id: str | None = None,
                   ) -> list[dict[str, Any]]:
    """The full account as section blocks, as many as its length needs (`block_id` on the first)."""
    return sections(account_text(account, config, lang), block_id=block_id)


def account_short(account: Account, config: OrgConfig, lang: Lang) -> str:
    """The short account as escaped mrkdwn, at most a few hundred characters: the first ~200 characters of what
    happened (cut where a word ends, marked "…"), where and when on one line, and the flags' badges."""
    what = escape(fit(clean(account.description).strip(), SHORT_DESCRIPTION)) or "—"
    sep = "｜" if lang == "zh-TW" else " | "
    lines = [f"📝 {what}", f"📍 {escape(fit(account.location, 120)) or '—'}{sep}🕘 {when(account, config)}"]
    if account.flags:
        lines.append(badges(account, lang))
    return "\n".join(lines)


def account_short_block(account: Account, config: OrgConfig, lang: Lang, *, block_id: str | None = None,
                        ) -> dict[str, Any]:
    """The short account as one section block (its text is always within a section's limit)."""
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": account_short(account, config,
                                                                                                lang)}}
    if block_id:
        block["block_id"] = block_id
    return block
