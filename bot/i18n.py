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

MESSAGES.update({
    "report.title": {"zh-TW": "通報危機事件", "en": "Report a crisis"},
    "report.submit": {"zh-TW": "送出通報", "en": "Submit report"},
    "report.close": {"zh-TW": "取消", "en": "Cancel"},
    "report.loading": {"zh-TW": "載入中…", "en": "Loading…"},
    "report.intro": {
        "zh-TW": "請儘速填寫；送出後系統會立即建立戰情室並依等級通知相關人員。",
        "en": "Fill this in quickly; on submit the bot opens a war room and notifies the right people at once.",
    },
    "report.unit": {"zh-TW": "通報單位", "en": "Reporting unit"},
    "report.subtype": {"zh-TW": "危機類別", "en": "Crisis category"},
    "report.subtype_ph": {"zh-TW": "選擇類別與細項", "en": "Choose the category and sub-type"},
    "report.title_field": {"zh-TW": "事件標題", "en": "Title"},
    "report.title_ph": {"zh-TW": "例：六堵分關貨櫃場火警", "en": "e.g. Fire at the Liudu container yard"},
    "report.description": {"zh-TW": "事件經過", "en": "What happened"},
    "report.occurred": {"zh-TW": "發生時間", "en": "When"},
    "report.location": {"zh-TW": "發生地點", "en": "Where"},
    "report.impact": {"zh-TW": "目前影響", "en": "Impact so far"},
    "report.level": {"zh-TW": "建議等級", "en": "Proposed level"},
    "report.level_hint": {"zh-TW": "由單位主管研判後確認。", "en": "The unit head confirms the level."},
    "report.flags": {"zh-TW": "其他情形", "en": "Also"},
    "flag.media": {"zh-TW": "媒體已關注", "en": "Media are involved"},
    "flag.legislator": {"zh-TW": "民意代表關切", "en": "A legislator is involved"},
    "flag.casualties": {"zh-TW": "有人員傷亡", "en": "People are hurt"},
    "level.notify.high": {"zh-TW": "立即通報總指揮", "en": "Notify the commander-in-chief at once"},
    "level.notify.medium": {"zh-TW": "立即通報執行秘書", "en": "Notify the executive secretary at once"},
    "level.notify.low": {"zh-TW": "單位處理後通報執行秘書", "en": "Unit handles it, then reports"},
    "error.required": {"zh-TW": "請填寫此欄。", "en": "Please fill this in."},
    "error.too_long": {"zh-TW": "請縮短至 {limit} 字以內。", "en": "Please keep it under {limit} characters."},
    "error.future": {"zh-TW": "發生時間不能晚於現在。", "en": "The time cannot be in the future."},
    "error.unknown_choice": {"zh-TW": "請從清單中選擇。", "en": "Please choose from the list."},
    "common.close": {"zh-TW": "關閉", "en": "Close"},
    "report.done_title": {"zh-TW": "已收到通報", "en": "Report received"},
    "report.done": {
        "zh-TW": "已收到通報 *{number}*「{title}」。戰情室頻道建立中，建立後會私訊您連結。",
        "en": "Report *{number}* \u201c{title}\u201d received. The war room is being opened; "
        "you will get its link by DM.",
    },
    "report.done_dm": {
        "zh-TW": "您通報的事件 *{number}*「{title}」已建立戰情室：<#{channel}>",
        "en": "Your report *{number}* \u201c{title}\u201d has a war room: <#{channel}>",
    },
})

MESSAGES.update({
    "card.number": {"zh-TW": "危機事件 {number}", "en": "Incident {number}"},
    "card.level": {"zh-TW": "等級 Level", "en": "Level"},
    "card.category": {"zh-TW": "類別 Category", "en": "Category"},
    "card.status": {"zh-TW": "狀態 Status", "en": "Status"},
    "card.step": {"zh-TW": "目前步驟 Step", "en": "Step"},
    "card.unit": {"zh-TW": "權責單位 Unit", "en": "Unit"},
    "card.reporter": {"zh-TW": "通報人 Reporter", "en": "Reporter"},
    "card.roles": {"zh-TW": "*危機管理小組 Crisis team*", "en": "*Crisis team*"},
    "card.pages": {"zh-TW": "*通知紀錄 Pages*", "en": "*Pages*"},
    "card.no_pages": {"zh-TW": "尚無通知 No pages yet", "en": "No pages yet"},
    "card.untriaged": {"zh-TW": "待主管研判 Awaiting triage（建議 proposed：{level}）",
                       "en": "Awaiting triage (proposed: {level})"},
    "card.status.open": {"zh-TW": "處理中 Open", "en": "Open"},
    "card.page_acked": {"zh-TW": "✅ {role}：<@{user}> 已確認 acknowledged {at}",
                        "en": "✅ {role}: <@{user}> acknowledged {at}"},
    "card.page_open": {"zh-TW": "⏳ {role}：已通知 paged <@{user}>（{attempt}）{at}",
                       "en": "⏳ {role}: paged <@{user}> ({attempt}) {at}"},
    "card.page_escalated": {"zh-TW": "↪️ {role}：<@{user}> 未回應 no answer，已轉代理人或上一層 escalated {at}",
                            "en": "↪️ {role}: <@{user}> did not answer, escalated {at}"},
    "card.page_superseded": {"zh-TW": "☑️ {role}：<@{user}>（他人已確認 acknowledged by another）",
                             "en": "☑️ {role}: <@{user}> (acknowledged by another)"},
    "attempt.primary": {"zh-TW": "主要 primary", "en": "primary"},
    "attempt.deputy": {"zh-TW": "職務代理人 deputy", "en": "deputy"},
    "attempt.next_tier": {"zh-TW": "上一層 next tier", "en": "next tier"},
    "card.actions_hint": {"zh-TW": "可執行：研判等級（單位主管、執行秘書、總指揮）、請求法律諮詢；"
                          "低度危機由單位主管標示已處理。",
                          "en": "Actions: set the level (unit head, executive secretary, commander), request legal "
                          "advice; a low-level incident is marked handled by the unit head."},
    "button.triage": {"zh-TW": "研判等級 Set level", "en": "Set level"},
    "button.legal": {"zh-TW": "請求法律諮詢 Legal advice", "en": "Request legal advice"},
    "button.ack": {"zh-TW": "確認收到 Acknowledge", "en": "Acknowledge"},
    "page.text": {"zh-TW": "🚨 {level}：危機事件 {number}「{title}」需要您處理（{role}）。",
                  "en": "🚨 {level}: incident {number} \u201c{title}\u201d needs you ({role})."},
    "page.details": {"zh-TW": "*單位：* {unit}\n*類別：* {category}\n*通報人：* <@{reporter}>\n*戰情室：* {room}",
                     "en": "*Unit:* {unit}\n*Category:* {category}\n*Reporter:* <@{reporter}>\n*War room:* {room}"},
    "page.room_pending": {"zh-TW": "建立中", "en": "being opened"},
    "page.acked": {"zh-TW": "✅ 已由 <@{user}> 於 {at} 確認。", "en": "✅ Acknowledged by <@{user}> at {at}."},
    "page.mention": {"zh-TW": "📣 已通知 <@{user}>（{role}，{attempt}），請確認收到。",
                     "en": "📣 Paged <@{user}> ({role}, {attempt}); please acknowledge."},
    "page.exhausted": {"zh-TW": "⚠️ {role}與其代理人皆未回應通知，請執行秘書以電話聯繫。",
                       "en": "⚠️ Neither the {role} nor the deputy answered the page; please phone them."},
    "page.acked_room": {"zh-TW": "✅ <@{user}> 已確認收到通知（{role}）。",
                        "en": "✅ <@{user}> acknowledged ({role})."},
    "triage.request": {
        "zh-TW": "📝 {unit}通報危機事件 {number}「{title}」，建議等級：{level}。請您研判等級與類別。",
        "en": "📝 {unit} reported incident {number} \u201c{title}\u201d, proposed level: {level}. Please set the level "
        "and category.",
    },
    "triage.title": {"zh-TW": "研判等級", "en": "Set the level"},
    "triage.submit": {"zh-TW": "確認", "en": "Confirm"},
    "triage.done": {"zh-TW": "🧭 <@{user}> 研判等級為 {level}（{category}）。",
                    "en": "🧭 <@{user}> set the level to {level} ({category})."},
    "triage.timeout": {"zh-TW": "⏰ 危機事件 {number}「{title}」超過 {minutes} 分鐘未經研判，已通知執行秘書。",
                       "en": "⏰ Incident {number} \u201c{title}\u201d has not been triaged for {minutes} minutes; the "
                       "executive secretary is paged."},
    "action.set_level": {"zh-TW": "研判危機等級", "en": "setting the level"},
    "allowed.set_level": {"zh-TW": "該單位主管或其代理人、執行秘書及總指揮",
                          "en": "the unit's head or deputy, the executive secretary and the commander"},
    "action.ack": {"zh-TW": "確認收到通知", "en": "acknowledging a page"},
    "allowed.ack": {"zh-TW": "被通知者本人或其職務代理人", "en": "the person paged or their deputy"},
    "action.legal": {"zh-TW": "請求法律諮詢", "en": "requesting legal advice"},
    "allowed.legal": {"zh-TW": "危機管理小組成員", "en": "crisis team members"},
    "legal.requested": {"zh-TW": "⚖️ <@{user}> 請求法律諮詢，已通知法務組。",
                        "en": "⚖️ <@{user}> asked for legal advice; the legal group is paged."},
    "ack.already": {"zh-TW": "此通知已經確認過了。", "en": "This page was already acknowledged."},
    "ack.done": {"zh-TW": "已確認收到，謝謝。", "en": "Acknowledged, thank you."},
    "incident.not_found": {"zh-TW": "找不到這個危機事件。", "en": "That incident does not exist."},
})

MESSAGES.update({
    "triage.note": {"zh-TW": "🧭 <@{user}> 研判等級：{level}（{category}）。",
                    "en": "🧭 <@{user}> set the level: {level} ({category})."},
})

MESSAGES.update({
    "card.status.observing": {"zh-TW": "已處理，持續觀察中 Handled, observing", "en": "Handled, observing"},
    "button.handled": {"zh-TW": "已處理 Mark handled", "en": "Mark handled"},
    "action.handled": {"zh-TW": "將低度危機標示為已處理", "en": "marking a low-level incident handled"},
    "allowed.handled": {"zh-TW": "該單位主管或其職務代理人（僅限低度危機）",
                        "en": "the unit's head or deputy, for a low-level incident"},
    "handled.note": {"zh-TW": "✅ <@{user}> 已將事件標示為已處理，已陳報執行秘書；單位將持續觀察後續發展。",
                     "en": "✅ <@{user}> marked the incident handled and reported it to the executive secretary; "
                     "the unit keeps watching how it develops."},
    "handled.report": {
        "zh-TW": "📋 低度危機處理陳報：{unit}已處理危機事件 {number}「{title}」（{category}），由 <@{user}> 陳報。"
        "單位將持續觀察後續發展。戰情室：{room}",
        "en": "📋 Low-level incident report: {unit} handled incident {number} \u201c{title}\u201d ({category}); "
        "reported by <@{user}>. The unit keeps watching how it develops. War room: {room}",
    },
    "observe.remind": {
        "zh-TW": "🔭 觀察提醒（第 {n}/{total} 次）：請 {people} 在此張貼事件 {number} 的後續發展。",
        "en": "🔭 Observation reminder ({n} of {total}): {people}, please post how incident {number} develops.",
    },
})
