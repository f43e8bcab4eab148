"""Every user-facing text, in zh-TW and English, and the choice of language per reader.

Texts are looked up by key so that a missing translation fails a test rather than a person in a crisis.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh-TW", "en"]
LANGS: tuple[Lang, ...] = ("zh-TW", "en")

MESSAGES: dict[str, dict[Lang, str]] = {
    "help.title": {"zh-TW": "危機管理小組機器人：可用指令", "en": "Crisis team bot: your commands"},
    "help.intro": {
        "zh-TW": "{name}依《危機管理作業流程》協助通報、研判、通知與演練。以下是您（{roles}）可用的指令：",
        "en": "{name} runs the crisis-management procedure: reporting, triage, paging and drills. "
        "Commands available to you ({roles}):",
    },
    "help.footer": {
        "zh-TW": "指令也可用中文：例如 `/crisis 通報`。需要協助請洽執行秘書。",
        "en": "Commands also work in Chinese, e.g. `/crisis 通報`. For help, ask the executive secretary.",
    },
    "help.none_yet": {"zh-TW": "目前沒有其他指令。", "en": "No other commands yet."},
    "unknown.command": {
        "zh-TW": "看不懂指令「{text}」。輸入 `/crisis help` 查看可用指令。",
        "en": "I don't know the command \u201c{text}\u201d. Type `/crisis help` for the commands you can use.",
    },
    "error.generic": {
        "zh-TW": "抱歉，處理時發生錯誤（錯誤代碼 {error_id}）。資料未遺失，請稍後再試或洽執行秘書。",
        "en": "Sorry, something went wrong (error id {error_id}). Nothing was lost; please try again "
        "or contact the executive secretary.",
    },
    "refusal": {
        "zh-TW": "抱歉，依《危機管理作業流程》，「{action}」僅限{allowed}執行。",
        "en": "Sorry: under the crisis procedure, \u201c{action}\u201d is for {allowed} only.",
    },
    "roles.none": {"zh-TW": "非危機管理小組成員", "en": "not on the crisis team"},
    "role.commander": {"zh-TW": "總指揮兼發言人", "en": "Commander-in-chief and spokesperson"},
    "role.executive_secretary": {"zh-TW": "執行秘書", "en": "Executive secretary"},
    "role.legal": {"zh-TW": "法務組", "en": "Legal group"},
    "role.public_relations": {"zh-TW": "連絡暨公關組", "en": "Liaison and PR group"},
    "role.planning": {"zh-TW": "策劃組", "en": "Planning group"},
    "role.handling": {"zh-TW": "處理組", "en": "Handling group"},
    "role.team": {"zh-TW": "危機管理小組", "en": "Crisis team"},
    "post.primary": {"zh-TW": "{role}", "en": "{role}"},
    "post.deputy": {"zh-TW": "{role}職務代理人", "en": "Deputy {role_lower}"},
    "post.head": {"zh-TW": "{unit}主管", "en": "Head of {unit}"},
    "post.unit_deputy": {"zh-TW": "{unit}主管職務代理人", "en": "Deputy head of {unit}"},
    "post.member": {"zh-TW": "{unit}成員", "en": "Member of {unit}"},
    "cmd.help": {"zh-TW": "顯示這份說明", "en": "Show this help"},
    "cmd.report": {"zh-TW": "通報危機事件", "en": "Report a crisis"},
    "cmd.list": {"zh-TW": "列出處理中的危機事件", "en": "List open incidents"},
    "cmd.status": {"zh-TW": "查看某一事件的狀態", "en": "Show an incident's status"},
    "cmd.update": {"zh-TW": "在戰情室張貼最新處理情形", "en": "Post a status update in the war room"},
    "cmd.roster": {"zh-TW": "查看危機管理小組名冊與職務代理人", "en": "Show the crisis team, holders and deputies"},
    "cmd.handover": {"zh-TW": "辦理職務移交", "en": "Hand a role over to someone"},
    "cmd.drill_draw": {"zh-TW": "抽選本月演練單位", "en": "Draw this month's drill unit"},
    "cmd.drill_status": {"zh-TW": "查看演練狀態與紀錄", "en": "Show the drill status and history"},
    "cmd.drill_verify": {"zh-TW": "驗算某次抽籤結果", "en": "Recompute and verify a draw"},
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The text for key in lang, with values filled in (values must already be escaped for mrkdwn)."""
    return MESSAGES[key][lang].format(**values)


def language_of(locale: str | None, default: Lang) -> Lang:
    """Slack locale → the bot's language: zh-TW and en win, anything else falls back to the default."""
    if not locale:
        return default
    loc = locale.replace("_", "-").lower()
    if loc in ("zh-tw", "zh-hant", "zh-hk", "zh-hant-tw"):
        return "zh-TW"
    if loc == "en" or loc.startswith("en-"):
        return "en"
    return default
