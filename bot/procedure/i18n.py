"""Every user-facing text, in zh-TW and English, and the choice of language per reader.

Texts are looked up by key so that a missing translation fails a test rather than a person in a crisis."""

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
        "zh-TW": "您通報的事件 *{number}*「{title}」已建立戰情室：{room}",
        "en": "Your report *{number}* \u201c{title}\u201d has a war room: {room}",
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
    "card.page_superseded": {"zh-TW": "☑️ {role}：<@{user}>（他人已確認或已隨職務移交 acknowledged by another or "
                                      "handed over）",
                             "en": "☑️ {role}: <@{user}> (acknowledged by another, or handed over)"},
    "attempt.primary": {"zh-TW": "主要 primary", "en": "primary"},
    "attempt.deputy": {"zh-TW": "職務代理人 deputy", "en": "deputy"},
    "attempt.next_tier": {"zh-TW": "上一層 next tier", "en": "next tier"},
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
    "ack.already_by": {"zh-TW": "此通知已由 <@{user}> 於 {at} 確認，無須再確認。",
                       "en": "<@{user}> already acknowledged this page at {at}; nothing more to do."},
    "ack.closed": {"zh-TW": "此事件已結束，無須再確認此通知。",
                   "en": "This incident is over; the page needs no acknowledgement."},
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


# ---- drills (procedure §7, annex 2)
MESSAGES.update({
    "error.past": {"zh-TW": "日期不能早於今天。", "en": "The date cannot be in the past."},
    "cmd.drill_report": {
        "zh-TW": "填寫本月演練報告表（附件二）", "en": "File this month's drill report form (annex 2)"},
    "action.drill_draw": {"zh-TW": "抽選演練單位", "en": "drawing the drill unit"},
    "allowed.drill_draw": {"zh-TW": "執行秘書或其職務代理人", "en": "the executive secretary or the deputy"},
    "action.drill_plan": {"zh-TW": "擇定演練類別與模擬案由", "en": "planning the drill"},
    "allowed.drill_plan": {"zh-TW": "策劃組及執行秘書", "en": "the planning group and the executive secretary"},
    "action.drill_report": {"zh-TW": "填寫演練報告表", "en": "filing the drill report form"},
    "allowed.drill_report": {"zh-TW": "受測單位之主管、代理人及成員",
                             "en": "the drilled unit's head, deputy and members"},
    "action.drill_evaluate": {"zh-TW": "擬具演練評估報告", "en": "writing the drill evaluation"},
    "allowed.drill_evaluate": {"zh-TW": "策劃組", "en": "the planning group"},
    "action.drill_approve": {"zh-TW": "核定演練評估報告", "en": "approving the drill evaluation"},
    "allowed.drill_approve": {"zh-TW": "執行秘書或其職務代理人", "en": "the executive secretary or the deputy"},
    "action.drill_status": {"zh-TW": "查看演練狀態", "en": "viewing the drill status"},
    "allowed.drill_status": {"zh-TW": "危機管理小組成員及各單位人員", "en": "crisis team members and unit staff"},
    "drill.drawn": {
        "zh-TW": "🎲 已抽出 {period} 演練單位：*{unit}*（演練 #{id}）。建議類別：{category}；報告期限 {due}。"
                             "驗算：`/crisis drill verify {id}`",
                    "en": "🎲 Drawn for {period}: *{unit}* (drill #{id}). Proposed category: {category}; report due "
                          "{due}. Verify: `/crisis drill verify {id}`"},
    "drill.already_drawn": {"zh-TW": "{period} 已抽籤：{unit}（演練 #{id}）。每期只抽一次。",
                            "en": "{period} has been drawn already: {unit} (drill #{id}). There is one draw a "
                                  "period."},
    "drill.not_found": {"zh-TW": "找不到這次演練。", "en": "That drill does not exist."},
    "drill.none_open": {
        "zh-TW": "您的單位目前沒有待填的演練報告。", "en": "Your unit has no drill report to file now."},
    "drill.verify.usage": {
        "zh-TW": "用法：`/crisis drill verify <演練編號>`", "en": "Usage: `/crisis drill verify <drill id>`"},
    "drill.verify.title": {
        "zh-TW": "🔎 驗算演練 #{id}（{period}，抽中 {unit}）", "en": "🔎 Verifying drill #{id} ({period}, "
                                                                                   "drawn: {unit})"},
    "drill.verify.ok": {"zh-TW": "✅ 驗算相符：此次抽籤可由紀錄完整重現。",
                        "en": "✅ Verified: the draw recomputes exactly from its record."},
    "drill.verify.bad": {"zh-TW": "❌ 驗算不符：請通知執行秘書。", "en": "❌ Mismatch: tell the executive secretary."},
    "drill.error.window": {"zh-TW": "結束時間須晚於開始時間。", "en": "The end must be after the start."},
    "drill.error.same_category": {"zh-TW": "依作業流程每次須擇定不同類別，請勿與上次相同。",
                                  "en": "The procedure asks for a different category each time; pick another "
                                        "than last time."},
    "drill.error.due_es_only": {"zh-TW": "報告期限僅執行秘書可調整。",
                                "en": "Only the executive secretary may move the deadline."},
    "drill.error.unit": {"zh-TW": "測試單位須為本次抽中的單位。", "en": "The unit tested must be the unit drawn."},
    "drill.error.no_report": {
        "zh-TW": "受測單位尚未繳交演練報告表。", "en": "The drilled unit has not filed its form yet."},
    "drill.error.approved": {"zh-TW": "評估報告已核定，無法再修改。", "en": "The evaluation is approved already."},
    "drill.error.closed": {"zh-TW": "本次演練已結案，報告表不再修改。", "en": "This drill is closed; the form can no "
                                                                            "longer change."},
    "drill.by_scheduler": {"zh-TW": "系統每月自動抽籤", "en": "the monthly automatic draw"},
    "drill.status.drawn": {"zh-TW": "已抽籤，待策劃組擇定", "en": "drawn, awaiting the plan"},
    "drill.status.planned": {"zh-TW": "已規劃，待受測單位填報", "en": "planned, awaiting the unit's form"},
    "drill.status.reported": {"zh-TW": "已填報，待策劃組評估", "en": "form filed, awaiting the evaluation"},
    "drill.status.evaluating": {"zh-TW": "評估報告待執行秘書核定", "en": "evaluation awaiting approval"},
    "drill.status.closed": {"zh-TW": "評估已核定並影送各單位", "en": "evaluation approved and circulated"},
    "drill.window_tbd": {"zh-TW": "待策劃組排定", "en": "to be set by the planning group"},
    "drill.facts": {"zh-TW": "*期別：* {period}\n*受測單位：* {unit}\n*演練項目：* {category}\n*演練時段：* {window}\n"
                             "*報告期限：* {due}\n*狀態：* {status}",
                    "en": "*Period:* {period}\n*Unit:* {unit}\n*Drill item:* {category}\n*Drill window:* {window}\n"
                          "*Report due:* {due}\n*State:* {status}"},
    "drill.card.title": {"zh-TW": "危機管理演練 {period}｜{unit}", "en": "Crisis drill {period} | {unit}"},
    "drill.card.drawn": {"zh-TW": "由{by}於 {at} 抽籤；紀錄雜湊 `{hash}…`；驗算：`/crisis drill verify {id}`",
                         "en": "Drawn by {by} at {at}; record hash `{hash}…`; verify: `/crisis drill verify {id}`"},
    "drill.button.plan": {"zh-TW": "擇定類別與案由", "en": "Plan the drill"},
    "drill.button.report": {"zh-TW": "填寫演練報告表", "en": "File drill report"},
    "drill.button.evaluate": {"zh-TW": "擬具評估報告", "en": "Write the evaluation"},
    "drill.button.approve": {"zh-TW": "核定", "en": "Approve"},
    "drill.button.return": {"zh-TW": "退回修正", "en": "Return with a comment"},
    "drill.button.revise": {"zh-TW": "修正評估報告", "en": "Revise the evaluation"},
    "drill.team_notice": {"zh-TW": "🎲 {period} 演練單位已抽出：*{unit}*。建議演練項目（最久未演練）：{category}；"
                                   "報告期限 {due}。請策劃組確認類別並撰寫模擬案由與演練時段。",
                          "en": "🎲 The {period} drill unit is drawn: *{unit}*. Proposed drill item (least recently "
                                "drilled): {category}; report due {due}. Planning group: confirm the category and "
                                "write the simulated case and the drill window."},
    "drill.unit_notice": {"zh-TW": "📋 依《危機管理作業流程》第七點，貴單位（{unit}）經抽選為 {period} 模擬演練單位。"
                                   "策劃組將進行模擬測試；演練完成後，請填具「危機管理演練報告表」（附件二），"
                                   "於 *{due}* 前送出，系統將陳送總指揮及執行秘書。",
                          "en": "📋 Under §7 of the crisis procedure, your unit ({unit}) has been drawn for the "
                                "{period} "
                                "simulated drill. The planning group will run the test; when it is done, please file "
                                "the Crisis Management Drill Report Form (annex 2) by *{due}*. It goes to the "
                                "commander-in-chief and the executive secretary."},
    "drill.unit_update": {"zh-TW": "📋 {period} 演練（{unit}）已更新，報告期限 *{due}*。",
                          "en": "📋 The {period} drill ({unit}) was updated; the report is due *{due}*."},
    "drill.remind.days": {"zh-TW": "⏰ 提醒：{unit}的演練報告表將於 {days} 天後（{due}）到期，請儘速填報。",
                          "en": "⏰ Reminder: {unit}'s drill report form is due in {days} day(s) ({due})."},
    "drill.remind.today": {"zh-TW": "⏰ 提醒：{unit}的演練報告表今天（{due}）到期，請於今日送出。",
                           "en": "⏰ Reminder: {unit}'s drill report form is due today ({due})."},
    "drill.overdue.es": {"zh-TW": "⚠️ {unit}的 {period} 演練報告表已逾期（期限 {due}），尚未送出。",
                         "en": "⚠️ {unit}'s {period} drill report form is overdue (it was due {due})."},
    "drill.overdue.unit": {"zh-TW": "⚠️ 貴單位（{unit}）的 {period} 演練報告表已逾期（期限 {due}），已通知執行秘書；"
                                    "請儘速填報。",
                           "en": "⚠️ Your unit's ({unit}) {period} drill report form is overdue (due {due}); the "
                                 "executive secretary has been told. Please file it now."},
    "drill.never": {"zh-TW": "尚無紀錄", "en": "never"},
    "drill.plan.title": {"zh-TW": "擇定演練", "en": "Plan the drill"},
    "drill.plan.submit": {"zh-TW": "確定", "en": "Save"},
    "drill.plan.category": {"zh-TW": "演練項目（危機類別）", "en": "Drill item (crisis category)"},
    "drill.plan.category_hint": {"zh-TW": "各類別上次演練：{uses}。", "en": "Each category's last drill: {uses}."},
    "drill.plan.not_again": {"zh-TW": "上次為「{category}」，本次請擇定不同類別。",
                             "en": "Last time was \u201c{category}\u201d; pick a different one."},
    "drill.plan.scenario": {"zh-TW": "模擬案由", "en": "Simulated case"},
    "drill.plan.window_start": {"zh-TW": "演練開始時間", "en": "Drill window: start"},
    "drill.plan.window_end": {"zh-TW": "演練結束時間", "en": "Drill window: end"},
    "drill.plan.due": {"zh-TW": "報告期限（限執行秘書調整）", "en": "Report due (the executive secretary may move it)"},
    "drill.note.planned": {"zh-TW": "🗂️ <@{user}> 已擇定演練項目：{category}；報告期限 {due}。",
                           "en": "🗂️ <@{user}> planned the drill: {category}; report due {due}."},
    "annex.unit": {"zh-TW": "測試單位", "en": "Unit tested"},
    "annex.time": {"zh-TW": "演練時間", "en": "Drill time"},
    "annex.items": {"zh-TW": "演練項目", "en": "Drill item"},
    "annex.case": {"zh-TW": "模擬案由", "en": "Simulated case"},
    "annex.summary": {"zh-TW": "演練過程摘要", "en": "Summary of the drill"},
    "annex.findings": {"zh-TW": "檢討與發現", "en": "Findings"},
    "annex.improvements": {"zh-TW": "改進措施", "en": "Improvements"},
    "drill.report.title": {"zh-TW": "危機管理演練報告表", "en": "Drill report form"},
    "drill.report.submit": {"zh-TW": "送出", "en": "Submit"},
    "drill.report.intro": {"zh-TW": "附件二「危機管理演練報告表」：送出後陳送總指揮及執行秘書。",
                           "en": "Annex 2, the Crisis Management Drill Report Form: on submit it goes to the "
                                 "commander-in-chief and the executive secretary."},
    "drill.report.revising": {"zh-TW": "您正在修正已送出的報告表；送出後將另存新版本。",
                              "en": "You are revising the filed form; submitting stores a new version."},
    "drill.report.done_title": {"zh-TW": "已送出報告表", "en": "Form filed"},
    "drill.report.done": {"zh-TW": "✅ 已送出演練報告表（第 {version} 版），已陳送總指揮及執行秘書。",
                          "en": "✅ Drill report form filed (version {version}); it goes to the commander-in-chief "
                                "and the executive secretary."},
    "drill.report.sent": {"zh-TW": "📄 {unit}已送出 {period} 危機管理演練報告表（第 {version} 版，<@{user}> 填報）。",
                          "en": "📄 {unit} filed the {period} drill report form (version {version}, by <@{user}>)."},
    "drill.report.revised": {"zh-TW": "📄 {unit}修正了 {period} 危機管理演練報告表（第 {version} 版，<@{user}>）。",
                             "en": "📄 {unit} revised the {period} drill report form (version {version}, by "
                                   "<@{user}>)."},
    "eval.assessment": {"zh-TW": "評估意見", "en": "Assessment"},
    "eval.strengths": {"zh-TW": "優點", "en": "Strengths"},
    "eval.recommendations": {"zh-TW": "改進建議", "en": "Recommendations"},
    "drill.eval.title": {"zh-TW": "演練評估報告", "en": "Drill evaluation"},
    "drill.eval.submit": {"zh-TW": "陳核", "en": "Submit for approval"},
    "drill.eval.done": {"zh-TW": "已將評估報告（第 {version} 版）陳送執行秘書核定。",
                        "en": "The evaluation (version {version}) went to the executive secretary for approval."},
    "drill.eval.approval": {
        "zh-TW": "📝 策劃組 <@{user}> 陳核 {unit} {period} 演練評估報告（第 {version} 版），請核定或退回。",
                            "en": "📝 <@{user}> (planning group) submits the evaluation of {unit}'s {period} drill "
                                  "(version {version}) for your approval."},
    "drill.eval.approved": {
        "zh-TW": "✅ <@{user}> 已核定 {unit} {period} 演練評估報告（第 {version} 版），並影送各單位參考。",
                            "en": "✅ <@{user}> approved the evaluation of {unit}'s {period} drill (version "
                                  "{version}); it is circulated to every unit."},
    "drill.eval.returned": {
        "zh-TW": "↩️ <@{user}> 退回 {unit} {period} 演練評估報告（第 {version} 版），請修正後再陳核。",
                            "en": "↩️ <@{user}> returned the evaluation of {unit}'s {period} drill (version "
                                  "{version}); please revise it."},
    "drill.eval.returned_comment": {"zh-TW": "*退回意見：* {comment}", "en": "*Comment:* {comment}"},
    "drill.eval.already": {"zh-TW": "此評估報告已經處理過了。", "en": "This evaluation was decided already."},
    "drill.eval.status.submitted": {"zh-TW": "待核定", "en": "awaiting approval"},
    "drill.eval.status.returned": {"zh-TW": "已退回", "en": "returned"},
    "drill.eval.status.approved": {"zh-TW": "已核定", "en": "approved"},
    "drill.return.title": {"zh-TW": "退回評估報告", "en": "Return evaluation"},
    "drill.return.submit": {"zh-TW": "退回", "en": "Return"},
    "drill.return.comment": {"zh-TW": "退回意見", "en": "Comment for the planning group"},
    "drill.circulate": {"zh-TW": "📢 危機管理演練評估報告 {period}（{unit}，{category}）經執行秘書 <@{user}> 核定，"
                                 "影送各單位參考。",
                        "en": "📢 The {period} crisis drill evaluation ({unit}, {category}), approved by <@{user}>, "
                              "is circulated to every unit for reference."},
    "drill.upload.report": {"zh-TW": "📎 危機管理演練報告表（第 {version} 版）", "en": "📎 Drill report form "
                                                                                  "(version {version})"},
    "drill.upload.evaluation": {"zh-TW": "📎 危機管理演練評估報告（第 {version} 版）",
                                "en": "📎 Drill evaluation report (version {version})"},
    "drill.status.title": {"zh-TW": "危機管理演練狀態", "en": "Crisis drills"},
    "drill.status.none": {"zh-TW": "尚未抽籤。", "en": "No drill has been drawn yet."},
    "drill.status.current": {"zh-TW": "本期演練", "en": "Current drill"},
    "drill.status.report": {"zh-TW": "*報告表版本：* {version}　*評估：* {evaluation}",
                            "en": "*Form version:* {version}  *Evaluation:* {evaluation}"},
    "drill.status.scenario": {"zh-TW": "*模擬案由：* {scenario}", "en": "*Simulated case:* {scenario}"},
    "drill.status.verify": {"zh-TW": "驗算抽籤：`/crisis drill verify {id}`", "en": "Verify the draw: "
                                                                                 "`/crisis drill verify {id}`"},
    "drill.status.history": {"zh-TW": "歷次演練", "en": "History"},
    "drill.status.units": {"zh-TW": "各單位上次演練", "en": "Each unit's last drill"},
    "drill.status.categories": {"zh-TW": "各類別上次演練", "en": "Each category's last drill"},
})


# ---- roster and handover (procedure §3: 職務代理人, 移交)
MESSAGES.update({
    "roster.title": {"zh-TW": "危機管理小組名冊", "en": "Crisis team roster"},
    "roster.standing": {"zh-TW": "*危機管理小組（主要／職務代理人）*", "en": "*Crisis team (holder / deputy)*"},
    "roster.deputy_of": {"zh-TW": "職務代理人 {deputy}", "en": "deputy {deputy}"},
    "roster.units": {"zh-TW": "*處理組：各單位主管、代理人及成員*",
                     "en": "*Handling group: each unit's head, deputy and members*"},
    "roster.unit_line": {"zh-TW": "主管 {head}　職務代理人 {deputy}", "en": "Head {head}  Deputy {deputy}"},
    "roster.members": {"zh-TW": "成員 {members}", "en": "Members {members}"},
    "roster.more": {"zh-TW": "等另 {n} 人", "en": "and {n} more"},
    "roster.footer": {
        "zh-TW": "職務移交：`/crisis 移交 <職務> [代理人] @同仁`，單位主管用 `head:<單位代碼>`、代理人用 "
                 "`deputy:<單位代碼>`。限該職務現任者或執行秘書辦理。",
        "en": "Hand a seat over: `/crisis handover <role> [deputy] @person`; a unit's head `head:<unit id>`, its "
              "deputy `deputy:<unit id>`. The seat's holder or the executive secretary may do it."},
    "action.roster": {"zh-TW": "查看危機管理小組名冊", "en": "viewing the crisis team roster"},
    "allowed.team": {"zh-TW": "危機管理小組成員及各單位人員", "en": "crisis team members and unit staff"},
    "action.handover": {"zh-TW": "辦理職務移交", "en": "handing a seat over"},
    "allowed.handover": {"zh-TW": "該職務現任者或執行秘書（含職務代理人）",
                         "en": "the seat's current holder or the executive secretary (or the deputy)"},
    "handover.refused": {
        "zh-TW": "抱歉，依《危機管理作業流程》，「{seat}」的移交僅限現任者（{holder}）或執行秘書（含職務代理人）辦理。"
                 "如需移交，請洽他們。",
        "en": "Sorry: under the crisis procedure, the {seat} seat can be handed over only by its holder ({holder}) "
              "or by the executive secretary (or the deputy). Please ask one of them."},
    "handover.usage": {
        "zh-TW": "用法：`/crisis 移交 <職務> [代理人] @同仁`。職務：總指揮、執行秘書、法務組、公關組、策劃組"
                 "（或 commander、executive_secretary、legal、public_relations、planning）；單位主管 "
                 "`head:<單位代碼>`、主管代理人 `deputy:<單位代碼>`。例：`/crisis 移交 執行秘書 @王小明`",
        "en": "Usage: `/crisis handover <role> [deputy] @person`. Roles: commander, executive_secretary, legal, "
              "public_relations, planning (or 總指揮, 執行秘書, 法務組, 公關組, 策劃組); a unit's head "
              "`head:<unit id>`, its deputy `deputy:<unit id>`. E.g. `/crisis handover executive_secretary deputy "
              "@someone`"},
    "handover.unknown_seat": {"zh-TW": "找不到單位「{unit}」。單位代碼請見 `/crisis 名冊`。",
                              "en": "There is no unit \u201c{unit}\u201d. See `/crisis roster` for the unit ids."},
    "handover.error.unknown_user": {"zh-TW": "在 Slack 找不到這位同仁，請用 @ 提及對方。",
                                    "en": "Slack does not know that person; please @-mention them."},
    "handover.error.inactive_user": {"zh-TW": "此帳號已停用或是機器人，無法擔任職務。",
                                     "en": "That account is deactivated or a bot; it cannot hold a seat."},
    "handover.error.same_person": {"zh-TW": "這位同仁已經是此職務的現任者。",
                                   "en": "That person holds this seat already."},
    "handover.error.other_seat": {
        "zh-TW": "這位同仁已是同一職務的另一席（主要或職務代理人）；依作業流程每一職務須由不同人擔任代理人。"
                 "請先移交另一席。",
        "en": "That person holds the other seat of this post (holder or deputy); the procedure needs a deputy who "
              "is someone else. Hand that seat over first."},
    "handover.done": {"zh-TW": "✅ 已將「{seat}」由 {previous} 移交給 <@{to}>，即時生效（新的通知將送給新任者）。",
                      "en": "✅ The {seat} seat went from {previous} to <@{to}>, effective now (new pages reach "
                            "them)."},
    "handover.dm.new": {"zh-TW": "📋 職務移交：<@{by}> 已將「{seat}」移交給您，即時生效；危機事件的通知將送給您。"
                                 "名冊：`/crisis 名冊`",
                        "en": "📋 Handover: <@{by}> handed the {seat} seat to you, effective now; crisis pages for "
                              "it now come to you. Roster: `/crisis roster`"},
    "handover.dm.from": {"zh-TW": "前任：<@{previous}>", "en": "Previous holder: <@{previous}>"},
    "handover.dm.previous": {"zh-TW": "📋 職務移交：<@{by}> 已將您的「{seat}」移交給 <@{to}>，即時生效。",
                             "en": "📋 Handover: <@{by}> handed your {seat} seat to <@{to}>, effective now."},
})


# ---- the overview: App Home, /crisis list, /crisis status
MESSAGES.update({
    "overview.title": {"zh-TW": "危機管理總覽", "en": "Crisis overview"},
    "overview.as_of": {"zh-TW": "您的職務：{roles}｜更新於 {at}（每次開啟此頁時更新）",
                       "en": "Your posts: {roles} | as of {at} (refreshed whenever you open this tab)"},
    "overview.pages.title": {"zh-TW": "*🚨 等待您確認的通知（{n}）*", "en": "*🚨 Pages waiting on you ({n})*"},
    "overview.pages.none": {"zh-TW": "目前沒有。", "en": "None right now."},
    "overview.page": {"zh-TW": "*{number}*「{title}」｜{level}｜通知您擔任{role}（{at}）；"
                               "{escalates} 前未確認將轉代理人或上一層",
                      "en": "*{number}* \u201c{title}\u201d | {level} | paged as {role} ({at}); escalates at "
                            "{escalates} unless acknowledged"},
    "overview.tasks.title": {"zh-TW": "*📝 待辦事項（{n}）*", "en": "*📝 Tasks waiting on you ({n})*"},
    "overview.tasks.none": {"zh-TW": "目前沒有。", "en": "None right now."},
    "overview.task.triage": {"zh-TW": "研判 *{number}*「{title}」的等級（建議：{level}）；{due} 前未研判將通知{role}",
                             "en": "Set the level of *{number}* \u201c{title}\u201d (proposed: {level}); the "
                                   "{role_lower} is paged at {due} if it is still untriaged"},
    "overview.task.drill_plan": {"zh-TW": "擇定 {unit} 本期演練的類別與模擬案由",
                                 "en": "Plan this period's drill for {unit}"},
    "overview.task.drill_report": {"zh-TW": "填寫 {unit} 的危機管理演練報告表（附件二），期限 {due}",
                                   "en": "File {unit}'s drill report form (annex 2), due {due}"},
    "overview.task.drill_evaluate": {"zh-TW": "擬具 {unit} 演練評估報告",
                                     "en": "Write the evaluation of {unit}'s drill"},
    "overview.task.drill_approve": {"zh-TW": "核定 {unit} 演練評估報告（請見私訊中的核定按鈕）",
                                    "en": "Approve the evaluation of {unit}'s drill (the buttons are in your DM)"},
    "overview.incidents.title": {"zh-TW": "*📂 處理中的危機事件（{n}）*", "en": "*📂 Open incidents ({n})*"},
    "overview.incidents.none": {"zh-TW": "目前沒有處理中的危機事件。", "en": "No open incidents."},
    "overview.incidents.more": {"zh-TW": "…另有 {n} 件，請用 `/crisis 列表`。",
                                "en": "…and {n} more; see `/crisis list`."},
    "overview.untriaged": {"zh-TW": "待研判（建議 {level}）", "en": "awaiting triage (proposed {level})"},
    "overview.drill.title": {"zh-TW": "*🎯 本期演練*", "en": "*🎯 Current drill*"},
    "overview.drill": {"zh-TW": "{period}｜{unit}｜{item}｜{status}｜報告期限 {due}",
                       "en": "{period} | {unit} | {item} | {status} | report due {due}"},
    "overview.deadlines.title": {"zh-TW": "*⏰ 即將到來的期限*", "en": "*⏰ Upcoming deadlines*"},
    "overview.deadlines.none": {"zh-TW": "目前沒有。", "en": "None."},
    "overview.deadline.page_escalates": {"zh-TW": "• {at}　{label} 的通知未確認即轉代理人或上一層",
                                         "en": "• {at}  the page for {label} escalates if unacknowledged"},
    "overview.deadline.triage_timeout": {"zh-TW": "• {at}　{label} 未研判即依建議等級通知"
                                                  "（高度：總指揮；其餘：執行秘書）",
                                         "en": "• {at}  {label} pages its proposed level's tier if untriaged (high: "
                                               "the commander; else the executive secretary)"},
    "overview.deadline.drill_window": {"zh-TW": "• {at}　{label} 演練開始", "en": "• {at}  the {label} drill starts"},
    "overview.deadline.drill_due": {"zh-TW": "• {at}　{label} 演練報告表到期", "en": "• {at}  the {label} drill "
                                                                                  "report form is due"},
    "overview.list.footer": {"zh-TW": "查看單一事件：`/crisis 狀態 <編號>`", "en": "One incident: `/crisis status "
                                                                                "<number>`"},
    "overview.f.level": {"zh-TW": "等級", "en": "Level"},
    "overview.f.category": {"zh-TW": "類別", "en": "Category"},
    "overview.f.step": {"zh-TW": "目前步驟", "en": "Step"},
    "overview.f.status": {"zh-TW": "狀態", "en": "Status"},
    "overview.f.unit": {"zh-TW": "權責單位", "en": "Unit"},
    "overview.f.reporter": {"zh-TW": "通報人", "en": "Reporter"},
    "overview.f.room": {"zh-TW": "戰情室", "en": "War room"},
    "overview.status.usage": {"zh-TW": "用法：`/crisis 狀態 <事件編號>`，例如 `/crisis 狀態 2026-0007`。",
                              "en": "Usage: `/crisis status <incident number>`, e.g. `/crisis status 2026-0007`."},
    "action.incident_status": {"zh-TW": "查看危機事件", "en": "viewing incidents"},
})


# ---- handling the crisis in the war room (procedure §6): steps, updates, media, legal, coordination, case file
MESSAGES.update({
    "card.actions_hint": {"zh-TW": "研判等級：單位主管、執行秘書、總指揮；處理步驟由各步驟權責人員完成或略過；"
                          "「⋯」選單：召集小組、評估紀錄、處理方案、新聞稿、輿情、法律意見、協調談判。",
                          "en": "Set level: unit head, executive secretary, commander. Each step is completed or "
                          "skipped by its responsible roles; the ⋯ menus: convene, notes, plan, statements, "
                          "public opinion, legal advice, coordination."},
    "card.status.resolved": {"zh-TW": "危機解除，待案例檔案 Resolved", "en": "Resolved, case file due"},
    "card.status.closed": {"zh-TW": "已結案 Closed", "en": "Closed"},
    "handling.closed": {"zh-TW": "此事件已不在處理中，無法再執行此動作。", "en": "This incident is no longer being "
                        "handled; that action is closed."},
    "step.unknown": {"zh-TW": "找不到這個處理步驟。", "en": "That handling step does not exist."},
    "step.not_current": {"zh-TW": "此步驟已經記錄過了（請看置頂的事件卡）。",
                         "en": "That step was recorded already (see the pinned card)."},
    "steps.title": {"zh-TW": "*危機處理作業流程 Handling steps*", "en": "*Handling steps*"},
    "steps.done_by": {"zh-TW": "<@{user}> 完成 {at}", "en": "done by <@{user}> {at}"},
    "steps.skipped_by": {"zh-TW": "<@{user}> 略過 {at}：{reason}", "en": "skipped by <@{user}> {at}: {reason}"},
    "steps.current": {"zh-TW": "*進行中*", "en": "*in progress*"},
    "steps.pending": {"zh-TW": "待辦", "en": "pending"},
    "steps.plan_confirmed": {"zh-TW": "📋 處理方案已由 <@{user}> 核定", "en": "📋 plan confirmed by <@{user}>"},
    "steps.plan_pending": {"zh-TW": "📋 處理方案待核定（<@{user}> 提出）",
                           "en": "📋 plan awaiting confirmation (by <@{user}>)"},
    "steps.media": {"zh-TW": "📰 新聞稿待核 {pending}、已發布 {released}",
                    "en": "📰 statements: {pending} awaiting approval, {released} released"},
    "steps.last_update": {"zh-TW": "🕒 最近處理情形 {at}", "en": "🕒 last update {at}"},
    "steps.case_file": {"zh-TW": "📁 案例檔案第 {version} 版", "en": "📁 case file version {version}"},
    "button.step_complete": {"zh-TW": "完成：{step}", "en": "Done: {step}"},
    "button.step_skip": {"zh-TW": "略過此步驟", "en": "Skip step"},
    "button.update": {"zh-TW": "張貼處理情形", "en": "Post update"},
    "button.snooze": {"zh-TW": "稍後提醒", "en": "Snooze"},
    "button.resolve": {"zh-TW": "危機解除", "en": "Resolve"},
    "button.case_file": {"zh-TW": "填寫案例檔案", "en": "Write the case file"},
    "button.confirm_plan": {"zh-TW": "核定處理方案", "en": "Confirm the plan"},
    "button.media_approve": {"zh-TW": "核准發布", "en": "Approve and release"},
    "button.media_edit": {"zh-TW": "修改後發布", "en": "Edit"},
    "button.media_reject": {"zh-TW": "退回", "en": "Reject"},
    "button.legal_answer": {"zh-TW": "提供法律意見", "en": "Record legal advice"},
    "menu.convene": {"zh-TW": "召集危機管理小組", "en": "Convene the team"},
    "menu.notes": {"zh-TW": "評估紀錄（資訊與診斷）", "en": "Assessment notes"},
    "menu.plan": {"zh-TW": "提出處理方案", "en": "Propose the handling plan"},
    "menu.confirm_plan": {"zh-TW": "核定處理方案", "en": "Confirm the handling plan"},
    "menu.draft": {"zh-TW": "擬新聞稿或澄清稿", "en": "Draft a statement"},
    "menu.opinion": {"zh-TW": "輿情蒐集紀錄", "en": "Public-opinion notes"},
    "menu.legal_answer": {"zh-TW": "提供法律意見", "en": "Record legal advice"},
    "menu.coordinate": {"zh-TW": "協調談判紀錄", "en": "Log coordination"},
    "action.complete_step": {"zh-TW": "完成此處理步驟", "en": "completing this step"},
    "action.skip_step": {"zh-TW": "略過此處理步驟", "en": "skipping this step"},
    "action.convene": {"zh-TW": "召集危機管理小組", "en": "convening the team"},
    "action.notes": {"zh-TW": "記錄評估資訊與診斷", "en": "recording the assessment"},
    "action.plan": {"zh-TW": "提出處理方案", "en": "proposing the handling plan"},
    "action.confirm_plan": {"zh-TW": "核定處理方案", "en": "confirming the handling plan"},
    "action.update": {"zh-TW": "張貼處理情形", "en": "posting a status update"},
    "action.draft": {"zh-TW": "擬具新聞稿或澄清稿", "en": "drafting a statement"},
    "action.opinion": {"zh-TW": "記錄輿情", "en": "recording public opinion"},
    "action.decide": {"zh-TW": "核准、修改或退回對外發布內容", "en": "approving, editing or rejecting a statement"},
    "action.legal_answer": {"zh-TW": "提供法律意見", "en": "recording legal advice"},
    "action.coordinate": {"zh-TW": "記錄協調談判", "en": "logging coordination"},
    "action.resolve": {"zh-TW": "宣告危機解除", "en": "resolving the incident"},
    "action.case_file": {"zh-TW": "填寫案例檔案", "en": "writing the case file"},
    "allowed.assess": {"zh-TW": "總指揮、執行秘書、危機管理小組成員及該單位主管或其代理人",
                       "en": "the commander, the executive secretary, the crisis team and the unit's head or deputy"},
    "allowed.update": {"zh-TW": "危機管理小組成員及該單位人員", "en": "the crisis team and the unit's people"},
    "allowed.pr": {"zh-TW": "連絡暨公關組或其職務代理人", "en": "the PR group or its deputy"},
    "allowed.media": {"zh-TW": "總指揮兼發言人、連絡暨公關組或其職務代理人",
                      "en": "the spokesperson (commander), the PR group or their deputies"},
    "allowed.spokesperson": {"zh-TW": "總指揮兼發言人或其職務代理人", "en": "the spokesperson (commander) or deputy"},
    "allowed.legal_answer": {"zh-TW": "法務組或其職務代理人", "en": "the legal group or its deputy"},
    "allowed.coordinate": {"zh-TW": "執行秘書或其職務代理人", "en": "the executive secretary or the deputy"},
    "allowed.resolve": {"zh-TW": "總指揮、執行秘書（低度危機另含該單位主管）及其職務代理人",
                        "en": "the commander or the executive secretary (for a low-level incident also the unit's "
                              "head), or their deputies"},
    "allowed.case_file": {"zh-TW": "該單位主管或其職務代理人（處理組）", "en": "the unit's head or deputy"},
    "allowed.confirm_plan.commander": {"zh-TW": "總指揮或其職務代理人（高度危機）",
                                       "en": "the commander or deputy (high level)"},
    "allowed.confirm_plan.executive_secretary": {"zh-TW": "執行秘書或其職務代理人（中度危機）",
                                                 "en": "the executive secretary or deputy (medium level)"},
    "allowed.confirm_plan.unit": {"zh-TW": "該單位主管或其職務代理人（低度危機）",
                                  "en": "the unit's head or deputy (low level)"},
    "step.done_note": {"zh-TW": "✅ <@{user}> 完成處理步驟「{step}」。", "en": "✅ <@{user}> completed the step "
                       "\u201c{step}\u201d."},
    "step.skipped_note": {"zh-TW": "⏭️ <@{user}> 略過處理步驟「{step}」，理由：{reason}",
                          "en": "⏭️ <@{user}> skipped the step \u201c{step}\u201d: {reason}"},
    "skip.title": {"zh-TW": "略過處理步驟", "en": "Skip a step"},
    "skip.submit": {"zh-TW": "略過", "en": "Skip"},
    "skip.reason": {"zh-TW": "略過理由", "en": "Why skip it"},
    "skip.intro": {"zh-TW": "略過步驟：*{step}*", "en": "Skipping: *{step}*"},
    "update.title": {"zh-TW": "張貼處理情形", "en": "Status update"},
    "update.submit": {"zh-TW": "張貼", "en": "Post"},
    "update.text": {"zh-TW": "最新處理情形", "en": "What is the situation now"},
    "update.hint": {"zh-TW": "將張貼於戰情室並留存紀錄。", "en": "Posted in the war room and kept on record."},
    "update.room": {"zh-TW": "🕒 *處理情形* <@{user}>：{text}", "en": "🕒 *Status update* from <@{user}>: {text}"},
    "update.reminder": {"zh-TW": "⏰ 危機事件 {number}「{title}」已 {minutes} 分鐘未更新處理情形，"
                                  "請至 {room} 張貼最新進度。",
                        "en": "⏰ Incident {number} \u201c{title}\u201d has had no status update for {minutes} "
                              "minutes; please post one in {room}."},
    "update.snoozed": {"zh-TW": "好的，稍後再提醒您。", "en": "OK, I'll remind you later."},
    "update.not_war_room": {"zh-TW": "請在事件的戰情室頻道中輸入 `/crisis update`。",
                            "en": "Type `/crisis update` in the incident's war-room channel."},
    "convene.title": {"zh-TW": "召集危機管理小組", "en": "Convene the team"},
    "convene.submit": {"zh-TW": "發出通知", "en": "Send the call"},
    "convene.at": {"zh-TW": "會議時間", "en": "Meeting time"},
    "convene.place": {"zh-TW": "地點或連線方式", "en": "Where (room or call link)"},
    "convene.intro": {"zh-TW": "將通知：{people}", "en": "Will notify: {people}"},
    "convene.dm": {"zh-TW": "📅 <@{user}> 召集危機管理小組會議：危機事件 {number}「{title}」，"
                   "時間 {when}，地點 {place}。"
                   "戰情室：{room}",
                   "en": "📅 <@{user}> convenes the crisis team about incident {number} \u201c{title}\u201d at {when}, "
                         "{place}. War room: {room}"},
    "convene.room": {"zh-TW": "📅 <@{user}> 召集危機管理小組會議：{when}，地點 {place}。與會：{people}",
                     "en": "📅 <@{user}> convenes the crisis team: {when}, {place}. Called: {people}"},
    "error.meeting_past": {"zh-TW": "會議時間不能早於現在。", "en": "The meeting cannot be in the past."},
    "common.save": {"zh-TW": "儲存", "en": "Save"},
    "notes.title": {"zh-TW": "評估紀錄", "en": "Assessment notes"},
    "notes.information": {"zh-TW": "蒐集的資訊", "en": "Information gathered"},
    "notes.diagnosis": {"zh-TW": "危機診斷", "en": "Diagnosis"},
    "notes.room": {"zh-TW": "🔎 <@{user}> 評估紀錄\n*資訊：* {information}\n*診斷：* {diagnosis}",
                   "en": "🔎 Assessment by <@{user}>\n*Information:* {information}\n*Diagnosis:* {diagnosis}"},
    "plan.title": {"zh-TW": "處理方案", "en": "Handling plan"},
    "plan.submit": {"zh-TW": "提出", "en": "Propose"},
    "plan.text": {"zh-TW": "處理方案內容", "en": "The plan"},
    "plan.intro": {"zh-TW": "方案提出後由{role}核定。", "en": "The plan is confirmed by the {role}."},
    "plan.confirmer_unit": {"zh-TW": "該單位主管", "en": "unit's head"},
    "plan.room": {"zh-TW": "📋 <@{user}> 提出處理方案：\n{plan}",
                  "en": "📋 <@{user}> proposes the handling plan:\n{plan}"},
    "plan.awaiting": {"zh-TW": "待{role}核定", "en": "Awaiting confirmation by the {role}"},
    "plan.confirmed_by": {"zh-TW": "✅ 已由 <@{user}> 於 {at} 核定", "en": "✅ Confirmed by <@{user}> at {at}"},
    "plan.confirmed_room": {"zh-TW": "✅ <@{user}> 核定處理方案。", "en": "✅ <@{user}> confirmed the handling plan."},
    "plan.none": {"zh-TW": "尚未提出處理方案。", "en": "No handling plan has been proposed yet."},
    "plan.already": {"zh-TW": "此處理方案已經核定了。", "en": "That plan is confirmed already."},
    "media.title": {"zh-TW": "擬新聞稿", "en": "Draft for the media"},
    "media.submit": {"zh-TW": "送發言人核定", "en": "Send for approval"},
    "media.kind": {"zh-TW": "類型", "en": "Kind"},
    "media.kind.statement": {"zh-TW": "新聞稿", "en": "Statement"},
    "media.kind.clarification": {"zh-TW": "澄清稿", "en": "Clarification"},
    "media.text": {"zh-TW": "內容", "en": "Text"},
    "media.intro": {"zh-TW": "發言人（總指揮）核准後才可對外發布。",
                    "en": "Only what the spokesperson (commander) approves may be released."},
    "media.edit_title": {"zh-TW": "修改後發布", "en": "Edit and release"},
    "media.edit_submit": {"zh-TW": "核准發布", "en": "Release"},
    "media.edit_intro": {"zh-TW": "修改後的內容即為核准發布的版本。", "en": "The edited text is what is released."},
    "media.reject_title": {"zh-TW": "退回新聞稿", "en": "Reject the draft"},
    "media.reject_submit": {"zh-TW": "退回", "en": "Reject"},
    "media.reject_reason": {"zh-TW": "退回理由", "en": "Reason"},
    "media.room": {"zh-TW": "📰 <@{user}> 擬具{kind}，待發言人核定：", "en": "📰 <@{user}> drafted a {kind} for the "
                   "spokesperson's approval:"},
    "media.approval_dm": {"zh-TW": "📰 <@{user}> 擬具危機事件 {number}「{title}」的對外說明，"
                                    "請至 {room} 核准、修改或退回。",
                          "en": "📰 <@{user}> drafted a statement on incident {number} \u201c{title}\u201d; please "
                                "approve, edit or reject it in {room}."},
    "media.released_by": {"zh-TW": "✅ 已由 <@{user}> 於 {at} 核准發布", "en": "✅ Released by <@{user}> at {at}"},
    "media.rejected_by": {"zh-TW": "↩️ 已由 <@{user}> 於 {at} 退回", "en": "↩️ Rejected by <@{user}> at {at}"},
    "media.released_room": {"zh-TW": "📢 *對外發布*（{when}，發言人 <@{user}> 核准）：\n{text}",
                            "en": "📢 *Released* ({when}, approved by the spokesperson <@{user}>):\n{text}"},
    "media.rejected_room": {"zh-TW": "↩️ 發言人 <@{user}> 退回新聞稿：{reason}",
                            "en": "↩️ The spokesperson <@{user}> rejected the draft: {reason}"},
    "media.not_found": {"zh-TW": "找不到這份稿件。", "en": "That draft does not exist."},
    "media.already": {"zh-TW": "這份稿件已經處理過了。", "en": "That draft was decided already."},
    "opinion.title": {"zh-TW": "輿情蒐集", "en": "Public opinion"},
    "opinion.text": {"zh-TW": "蒐集到的輿情", "en": "What the public and the media say"},
    "opinion.room": {"zh-TW": "👂 <@{user}> 輿情紀錄：{text}", "en": "👂 Public opinion noted by <@{user}>: {text}"},
    "legal.request_title": {"zh-TW": "請求法律諮詢", "en": "Ask for legal advice"},
    "legal.request_submit": {"zh-TW": "通知法務組", "en": "Page the legal group"},
    "legal.question": {"zh-TW": "需要法律意見的事項", "en": "What do you need advice on"},
    "legal.question_was": {"zh-TW": "*諮詢事項：* {question}", "en": "*Question:* {question}"},
    "legal.question_room": {"zh-TW": "⚖️ 法律諮詢事項：{question}", "en": "⚖️ Legal question: {question}"},
    "legal.answer_title": {"zh-TW": "法律意見", "en": "Legal advice"},
    "legal.answer": {"zh-TW": "法律意見", "en": "The advice"},
    "legal.answer_room": {"zh-TW": "⚖️ 法務組 <@{user}> 法律意見：{text}",
                          "en": "⚖️ Legal advice from <@{user}>: {text}"},
    "coord.title": {"zh-TW": "協調談判紀錄", "en": "Coordination"},
    "coord.action": {"zh-TW": "協調或談判事項", "en": "Coordination or negotiation action"},
    "coord.outcome": {"zh-TW": "結果", "en": "Outcome"},
    "coordination.room": {"zh-TW": "🤝 <@{user}> 協調談判：{action}\n*結果：* {outcome}",
                          "en": "🤝 Coordination by <@{user}>: {action}\n*Outcome:* {outcome}"},
    "resolved.room": {"zh-TW": "🏁 <@{user}> 宣告危機解除。請權責單位主管填寫案例檔案，以利經驗傳承。",
                      "en": "🏁 <@{user}> resolved the incident. The unit's head is asked for the case file."},
    "casefile.request": {"zh-TW": "📁 危機事件 {number}「{title}」已解除，"
                                   "請填寫案例檔案（摘要、原因、處理經過、檢討、後續追蹤）。",
                         "en": "📁 Incident {number} \u201c{title}\u201d is resolved; please write its case file "
                               "(summary, cause, handling, lessons, follow-ups)."},
    "casefile.reminder": {"zh-TW": "⏰ 提醒（第 {n} 次）：危機事件 {number}「{title}」的案例檔案尚未繳交。",
                          "en": "⏰ Reminder {n}: the case file of incident {number} \u201c{title}\u201d is "
                                "still due."},
    "casefile.title": {"zh-TW": "案例檔案", "en": "Case file"},
    "casefile.submit": {"zh-TW": "送出", "en": "Submit"},
    "casefile.intro": {"zh-TW": "紀錄並傳承經驗，避免同樣的危機再次發生。", "en": "Record the experience so the same "
                       "crisis does not happen again."},
    "casefile.revising": {"zh-TW": "（修訂第 {version} 版）", "en": "(revising version {version})"},
    "casefile.summary": {"zh-TW": "事件摘要", "en": "Summary"},
    "casefile.cause": {"zh-TW": "發生原因", "en": "Cause"},
    "casefile.handling": {"zh-TW": "處理經過", "en": "Handling"},
    "casefile.lessons": {"zh-TW": "檢討與經驗傳承", "en": "Lessons learned"},
    "casefile.followups": {"zh-TW": "後續追蹤事項", "en": "Follow-ups"},
    "casefile.room": {"zh-TW": "📁 <@{user}> 繳交案例檔案（第 {version} 版），事件結案。",
                      "en": "📁 <@{user}> submitted the case file (version {version}); the incident is closed."},
    "casefile.upload": {"zh-TW": "📎 危機事件 {number} 案例檔案（第 {version} 版，含完整時間軸）",
                        "en": "📎 Case file of incident {number} (version {version}, with the whole timeline)"},
    "casefile.not_resolved": {"zh-TW": "事件尚未解除，解除後才填寫案例檔案。",
                              "en": "The case file comes after the incident is resolved."},
})


MESSAGES.update({
    "allowed.active_incident": {"zh-TW": "處理中的事件（已解除或結案者不再研判）",
                                "en": "an incident still being handled (not a resolved or closed one)"},
    "handover.error.self": {"zh-TW": "不能將職務移交給自己；請移交給另一位同仁。",
                            "en": "You cannot hand a seat to yourself; please name another person."},
})

# Race losers and stale actions (design §3): what happened instead, and who did it.
MESSAGES.update({
    "step.already_by": {"zh-TW": "此步驟已由 <@{user}> 於 {at} 記錄，無須再做。",
                        "en": "<@{user}> already recorded this step at {at}; nothing more to do."},
    "plan.already_by": {"zh-TW": "此處理方案已由 <@{user}> 於 {at} 核定。",
                        "en": "<@{user}> already confirmed this plan at {at}."},
    "plan.superseded": {"zh-TW": "此處理方案已被 <@{user}> 於 {at} 提出的新方案取代；請核定最新的方案。",
                        "en": "This plan was replaced by a newer one from <@{user}> at {at}; please confirm the "
                              "newest plan."},
    "plan.superseded_note": {"zh-TW": "↪️ 已由較新的處理方案取代，無須核定此版本。",
                             "en": "↪️ Replaced by a newer plan; this one needs no confirmation."},
    "plan.confirmed_room_named": {"zh-TW": "✅ <@{user}> 核定處理方案（<@{by}> 於 {when} 提出的版本）。",
                                  "en": "✅ <@{user}> confirmed the handling plan (the one <@{by}> proposed at "
                                        "{when})."},
    "update.snoozed_by": {"zh-TW": "<@{user}> 剛已延後提醒至 {until}，無須再按。",
                          "en": "<@{user}> just put the reminder off until {until}; no need to again."},
    "media.already_by": {"zh-TW": "這份稿件已由 <@{user}> 於 {at} 處理。",
                         "en": "<@{user}> already decided on this draft at {at}."},
    "handled.already_by": {"zh-TW": "<@{user}> 已於 {at} 回報此事件已處理。",
                           "en": "<@{user}> already reported this incident handled at {at}."},
    "resolve.already_by": {"zh-TW": "此事件已由 <@{user}> 於 {at} 解除。",
                           "en": "<@{user}> already resolved this incident at {at}."},
    "page.settled_by": {"zh-TW": "☑️ 已由 <@{user}> 於 {at} 確認，您無須再確認。",
                        "en": "☑️ <@{user}> acknowledged at {at}; you need not."},
    "card.page_closed": {"zh-TW": "☑️ {role}：<@{user}>（事件已解除，無須確認 closed with the incident）",
                         "en": "☑️ {role}: <@{user}> (closed with the incident)"},
    "allowed.legal_request": {"zh-TW": "本事件的危機管理小組成員（常設職務，或該單位主管及其代理人）",
                              "en": "this incident's crisis team (a standing role, or the unit's head or deputy)"},
    "page.closed_note": {"zh-TW": "☑️ 事件已解除，此通知無須確認。",
                         "en": "☑️ The incident was resolved; this page needs no acknowledgement."},
})


# Drills and the roster under concurrency (design §3): the loser of a race, a stale form, a closed drill.
MESSAGES.update({
    "drill.eval.status.superseded": {"zh-TW": "已由新版取代", "en": "superseded by a newer version"},
    "drill.eval.already_approved": {
        "zh-TW": "評估報告第 {version} 版已由 <@{user}> 於 {at} 核定，無須再處理。",
        "en": "Version {version} of the evaluation was already approved by <@{user}> at {at}; nothing more to do."},
    "drill.eval.already_returned": {
        "zh-TW": "評估報告第 {version} 版已由 <@{user}> 於 {at} 退回修正，無須再處理。",
        "en": "Version {version} of the evaluation was already returned by <@{user}> at {at}; nothing more to "
              "do."},
    "drill.eval.superseded": {
        "zh-TW": "評估報告第 {version} 版已由第 {newer} 版取代（<@{user}> 於 {at} 陳核），"
                 "請改就第 {newer} 版核定或退回。",
        "en": "Version {version} of the evaluation is superseded: <@{user}> submitted version {newer} at {at}. "
              "Please approve or return version {newer} instead."},
    "drill.closed.plan": {"zh-TW": "本次演練已結案，不能再變更規劃。",
                          "en": "This drill is closed; it can no longer be re-planned."},
    "drill.closed.report": {"zh-TW": "本次演練已結案，報告表不再修改。",
                            "en": "This drill is closed; its report form can no longer be changed."},
    "drill.closed.evaluation": {"zh-TW": "本次演練已結案，評估報告不再修改。",
                                "en": "This drill is closed; its evaluation can no longer be changed."},
    "drill.closed.by": {"zh-TW": "（評估報告已由 <@{user}> 於 {at} 核定）",
                        "en": " (<@{user}> approved its evaluation at {at})"},
    "drill.stale.report": {
        "zh-TW": "⚠️ 您填寫期間，<@{user}> 已於 {at} 送出報告表第 {version} 版，您這份未儲存。"
                 "請重新開啟報告表，就第 {version} 版修正。",
        "en": "⚠️ While you had the form open, <@{user}> filed version {version} at {at}; yours was not saved. "
              "Open the form again to revise version {version}."},
    "drill.stale.evaluation": {
        "zh-TW": "⚠️ 您撰寫期間，<@{user}> 已於 {at} 陳核評估報告第 {version} 版，您這份未儲存。"
                 "請重新開啟評估報告，就第 {version} 版修正。",
        "en": "⚠️ While you had the evaluation open, <@{user}> submitted version {version} at {at}; yours was not "
              "saved. Open the evaluation again to revise version {version}."},
    "drill.stale.plan": {
        "zh-TW": "⚠️ 您填寫期間，<@{user}> 已於 {at} 變更演練規劃，您這份未儲存。請重新開啟規劃查看後再修改。",
        "en": "⚠️ While you had the plan open, <@{user}> saved it at {at}; yours was not saved. Open the plan "
              "again to see theirs and change it."},
    "drill.saved.title": {"zh-TW": "未儲存", "en": "Not saved"},
    "handover.just_handed": {
        "zh-TW": "「{seat}」剛由 <@{by}> 於 {at} 移交給 <@{to}>，您的移交未執行。如仍需變更，請再下一次指令。",
        "en": "The seat \u201c{seat}\u201d was just handed to <@{to}> by <@{by}> at {at}; your handover was not "
              "made. Run it again if it is still needed."},
    "handover.just_changed": {
        "zh-TW": "「{seat}」剛改由 <@{to}> 擔任，您的移交未執行。如仍需變更，請再下一次指令。",
        "en": "The seat \u201c{seat}\u201d was just given to <@{to}>; your handover was not made. Run it again "
              "if it is still needed."},
})


# Texts that do not fit, and work that could not be delivered (issue 11 §5).
MESSAGES.update({
    "fit.modal_more": {"zh-TW": "…（內容較長，全文請見戰情室）", "en": "… (longer than a form can show; the whole "
                       "text is in the war room)"},
    "undelivered.room": {
        "zh-TW": "⚠️ 無法送達：{what}（危機事件 {number}）。已重試 {attempts} 次仍失敗（{error}），請人工處理；"
                 "紀錄未遺失，可用 `/crisis status {number}` 查看。",
        "en": "⚠️ Could not deliver: {what} (incident {number}). It failed {attempts} times ({error}); please "
              "handle it by hand. Nothing was lost: `/crisis status {number}` shows the record.",
    },
    "undelivered.dm": {
        "zh-TW": "⚠️ 無法送達：{what}{subject}。已重試 {attempts} 次仍失敗（{error}），請人工處理；紀錄未遺失。",
        "en": "⚠️ Could not deliver: {what}{subject}. It failed {attempts} times ({error}); please handle it by "
              "hand. Nothing was lost.",
    },
    "undelivered.incident": {"zh-TW": "（危機事件 {number}）", "en": " (incident {number})"},
    "undelivered.drill": {"zh-TW": "（{period} 演練）", "en": " (the {period} drill)"},
    "work.reporter.notify": {"zh-TW": "給通報人的受理通知", "en": "the reporter's receipt"},
    "work.triage.request": {"zh-TW": "請單位主管研判等級的通知", "en": "the request to the unit head to triage"},
    "work.triage.timeout": {"zh-TW": "研判逾時的處理", "en": "the triage timeout"},
    "work.lowlevel.report": {"zh-TW": "低度危機的處理報告", "en": "the low-level incident's report"},
    "work.observe.remind": {"zh-TW": "持續觀察的提醒", "en": "the reminder to keep watching"},
    "work.page.send": {"zh-TW": "呼叫通知（私訊）", "en": "a page (direct message)"},
    "work.page.mention": {"zh-TW": "戰情室中的呼叫", "en": "a page's mention in the war room"},
    "work.page.escalate": {"zh-TW": "呼叫未回應的升級", "en": "the escalation of an unanswered page"},
    "work.page.acked": {"zh-TW": "已確認收到的更新", "en": "the update of an acknowledged page"},
    "work.page.settled": {"zh-TW": "他人已確認或已結束之通知的更新", "en": "the update of a settled page"},
    "work.warroom.alert": {"zh-TW": "無人回應的警示", "en": "the alert that nobody answered"},
    "work.warroom.open": {"zh-TW": "開設戰情室", "en": "opening the war room"},
    "work.warroom.invite": {"zh-TW": "邀請成員加入戰情室", "en": "inviting people to the war room"},
    "work.warroom.card": {"zh-TW": "戰情室的事件卡", "en": "the war room's incident card"},
    "work.warroom.card.refresh": {"zh-TW": "事件卡的更新", "en": "an update of the incident card"},
    "work.warroom.note": {"zh-TW": "戰情室的紀錄訊息", "en": "a note in the war room"},
    "work.warroom.purpose": {"zh-TW": "戰情室的用途說明", "en": "the war room's purpose"},
    "work.warroom.topic": {"zh-TW": "戰情室的主題", "en": "the war room's topic"},
    "work.handling.post": {"zh-TW": "戰情室的處理訊息（如處理情形、意見、紀錄）",
                           "en": "a post in the war room (an update, advice or a record)"},
    "work.handling.dm": {"zh-TW": "處理過程的私訊通知", "en": "a direct message about the handling"},
    "work.plan.post": {"zh-TW": "處理方案", "en": "a handling plan"},
    "work.plan.refresh": {"zh-TW": "處理方案的核定更新", "en": "the confirmation shown on a plan"},
    "work.media.post": {"zh-TW": "新聞稿（對外說明）草稿", "en": "a media statement draft"},
    "work.media.refresh": {"zh-TW": "新聞稿的決定更新", "en": "the decision shown on a media statement"},
    "work.update.remind": {"zh-TW": "更新處理情形的提醒", "en": "the reminder to post a status update"},
    "work.casefile.remind": {"zh-TW": "案例檔案的提醒", "en": "the case-file reminder"},
    "work.casefile.upload": {"zh-TW": "案例檔案的上傳", "en": "the case file's upload"},
    "work.incident.archive": {"zh-TW": "戰情室的封存", "en": "archiving the war room"},
    "work.drill.approval": {"zh-TW": "演練評估的核定請求", "en": "the drill evaluation's approval request"},
    "work.drill.circulate": {"zh-TW": "演練評估的分送", "en": "circulating the drill evaluation"},
    "work.drill.decided": {"zh-TW": "演練評估的核定結果", "en": "the decision on the drill evaluation"},
    "work.drill.note": {"zh-TW": "演練討論串的紀錄", "en": "a note in the drill's thread"},
    "work.drill.notify_team": {"zh-TW": "給小組的演練通知", "en": "the drill notice to the team"},
    "work.drill.notify_unit": {"zh-TW": "給受演練單位的通知", "en": "the drill notice to the unit"},
    "work.drill.overdue": {"zh-TW": "演練報告逾期的通知", "en": "the overdue drill report notice"},
    "work.drill.remind": {"zh-TW": "演練報告的提醒", "en": "the drill report reminder"},
    "work.drill.report_sent": {"zh-TW": "演練報告（附件二）的送達", "en": "the filed drill report (annex 2)"},
    "work.drill.thread": {"zh-TW": "演練討論串", "en": "the drill's thread"},
    "work.drill.upload": {"zh-TW": "演練文件的上傳", "en": "a drill document's upload"},
    "work.roster.handover.notify": {"zh-TW": "職務移交的通知", "en": "the handover notice"},
    "work.delivery.failed": {"zh-TW": "無法送達的警示", "en": "an alert about undelivered work"},
})


# The reporter's account on every surface, and the flags that bring people in (issue 12 §3).
MESSAGES.update({
    "account.title": {"zh-TW": "*📝 通報內容*", "en": "*📝 The report*"},
    "account.case_report": {"zh-TW": "通報內容", "en": "As reported"},
    "flag.notify": {
        "zh-TW": "🚩 危機事件 {number}「{title}」的通報人表示：{flags}。依此請您（{role}）掌握狀況。",
        "en": "🚩 The reporter of incident {number} \u201c{title}\u201d says: {flags}. You ({role}) are brought in "
              "because of it.",
    },
    "flag.notify.invited": {"zh-TW": "已邀請您加入戰情室：{room}", "en": "You are invited to the war room: {room}"},
    "flag.notify.room": {"zh-TW": "戰情室：{room}", "en": "War room: {room}"},
    "work.flag.notify": {"zh-TW": "依通報情形（媒體、民代、傷亡）的通知", "en": "the notice a report's flag sends"},
})


# ---- §3 移交: a handover hands over the open work (issue 12, bullet 5)
MESSAGES.update({
    "page.handed_over_note": {"zh-TW": "↪️ 此職務已移交給 <@{user}>，通知已改送新任者；您無需處理。",
                              "en": "↪️ Handed over to <@{user}>, who has been paged instead; no action needed."},
    "page.handed_over_ack": {"zh-TW": "此通知已隨職務移交給 <@{user}>，由新任者確認；您無需處理，謝謝。",
                             "en": "This page was handed over to <@{user}> with the seat; they answer it now. No "
                                   "action needed, thank you."},
    "handover.preview": {"zh-TW": "確認移交：「{seat}」由 {previous} 移交給 <@{to}>？",
                         "en": "Confirm the handover: the {seat} seat from {previous} to <@{to}>?"},
    "handover.preview.nothing": {"zh-TW": "此職務目前沒有待處理的通知、戰情室或工作。",
                                 "en": "The seat has no open pages, war rooms or tasks right now."},
    "handover.preview.pages": {"zh-TW": "*待確認的通知（{n}）*：將改送新任者（重新計時），原通知作廢",
                               "en": "*Pages waiting ({n})*: re-sent to the new holder (with a new timer); the old "
                                     "ones are withdrawn"},
    "handover.preview.rooms": {"zh-TW": "*處理中的戰情室（{n}）*：將邀請新任者加入",
                               "en": "*Open war rooms ({n})*: the new holder is invited"},
    "handover.preview.tasks": {"zh-TW": "*待辦工作（{n}）*：隨職務移交，新任者可在 App 首頁處理",
                               "en": "*Pending tasks ({n})*: they follow the seat; the new holder acts on them "
                                     "from App Home"},
    "handover.task.triage": {"zh-TW": "研判 *{number}* 的等級", "en": "set the level of *{number}*"},
    "handover.task.plan_confirm": {"zh-TW": "核定 *{number}* 的處理方案", "en": "confirm the plan of *{number}*"},
    "handover.task.media_approve": {"zh-TW": "核定 *{number}* 的新聞稿",
                                    "en": "approve the statement of *{number}*"},
    "handover.task.legal_answer": {"zh-TW": "答覆 *{number}* 的法律諮詢",
                                   "en": "answer the legal question of *{number}*"},
    "handover.task.drill_plan": {"zh-TW": "規劃本期演練", "en": "plan this period's drill"},
    "handover.task.drill_report": {"zh-TW": "填寫演練報告表（附件二）", "en": "file the drill report form (annex 2)"},
    "handover.task.drill_evaluate": {"zh-TW": "擬具演練評估報告", "en": "write the drill evaluation"},
    "handover.task.drill_approve": {"zh-TW": "核定演練評估報告", "en": "approve the drill evaluation"},
    "handover.button.confirm": {"zh-TW": "確認移交", "en": "Confirm handover"},
    "handover.button.cancel": {"zh-TW": "取消", "en": "Cancel"},
    "handover.cancelled": {"zh-TW": "已取消，「{seat}」未移交。",
                           "en": "Cancelled: the {seat} seat was not handed over."},
    "handover.dm.pages": {"zh-TW": "📣 {n} 則待確認的通知已改送給您，請至私訊確認。",
                          "en": "📣 {n} page(s) waiting on the seat were re-sent to you; please acknowledge them."},
    "handover.dm.rooms": {"zh-TW": "🚪 已邀請您加入 {n} 個處理中的戰情室：",
                          "en": "🚪 You were invited to {n} open war room(s):"},
    "handover.dm.tasks": {"zh-TW": "📝 {n} 項待辦工作隨職務移交，請至 App 首頁處理。",
                          "en": "📝 {n} pending task(s) came with the seat; act on them from App Home."},
    "overview.task.plan_confirm": {"zh-TW": "核定 *{number}*「{title}」的處理方案（<@{user}> 提出）",
                                   "en": "Confirm the handling plan of *{number}* \u201c{title}\u201d (proposed by "
                                         "<@{user}>)"},
    "overview.task.media_approve": {"zh-TW": "核定 *{number}*「{title}」的新聞稿（<@{user}> 草擬）",
                                    "en": "Approve the statement for *{number}* \u201c{title}\u201d (drafted by "
                                          "<@{user}>)"},
    "overview.task.legal_answer": {"zh-TW": "答覆 *{number}*「{title}」的法律諮詢",
                                   "en": "Answer the legal question of *{number}* \u201c{title}\u201d"},
    "overview.task.drill_approve_now": {"zh-TW": "核定 {unit} 演練評估報告",
                                        "en": "Approve the evaluation of {unit}'s drill"},
})


# Issue 12 (screens): confirmation dialogs, a finished card's final state, `/crisis update <text>`.
MESSAGES.update({
    "confirm.deny": {"zh-TW": "取消", "en": "Cancel"},
    "confirm.resolve.title": {"zh-TW": "確定解除危機？", "en": "Resolve this incident?"},
    "confirm.resolve.text": {"zh-TW": "解除後將停止處理情形提醒、關閉尚未回應的通知，並請處理組撰寫案例檔案；"
                                      "處理步驟與等級將無法再變更。",
                             "en": "Status-update reminders stop, unanswered pages close and the unit is asked "
                                   "for the case file; the steps and the level can no longer change."},
    "confirm.resolve.confirm": {"zh-TW": "危機解除", "en": "Resolve"},
    "confirm.confirm_plan.title": {"zh-TW": "確定核定處理方案？", "en": "Confirm this plan?"},
    "confirm.confirm_plan.text": {"zh-TW": "核定後即依此方案處理，並記錄核定人與時間；之後如有變更須另提新方案。",
                                  "en": "The team handles the crisis by this plan; who confirmed it and when is "
                                        "recorded. A change needs a new plan."},
    "confirm.confirm_plan.confirm": {"zh-TW": "核定", "en": "Confirm"},
    "confirm.approve_statement.title": {"zh-TW": "確定核准發布？", "en": "Release this statement?"},
    "confirm.approve_statement.text": {"zh-TW": "此說明將以發言人核准對外發布，發布內容與時間留存紀錄，無法撤回。",
                                       "en": "The statement is released with the spokesperson's approval; its "
                                             "words and time are recorded and cannot be withdrawn."},
    "confirm.approve_statement.confirm": {"zh-TW": "核准發布", "en": "Release"},
    "confirm.approve_evaluation.title": {"zh-TW": "確定核定演練評估報告？", "en": "Approve this evaluation?"},
    "confirm.approve_evaluation.text": {"zh-TW": "核定後評估報告將分送各單位參考，演練即告結束。",
                                        "en": "Once approved, the evaluation report is circulated to every unit "
                                              "and the drill is closed."},
    "confirm.approve_evaluation.confirm": {"zh-TW": "核定", "en": "Approve"},
    "steps.filed": {"zh-TW": "已完成：案例檔案已提交", "en": "done: the case file is in"},
    "steps.awaiting": {"zh-TW": "*待處理組提交案例檔案*", "en": "*awaiting the unit's case file*"},
    "steps.unrecorded": {"zh-TW": "未記錄", "en": "not recorded"},
    "card.hint.resolved": {"zh-TW": "危機已解除：權責單位主管（或代理人）請按「填寫案例檔案」，提交後即結案。",
                           "en": "Resolved: the unit's head (or deputy) writes the case file; filing it closes "
                                 "the incident."},
    "card.hint.closed": {"zh-TW": "已結案：此卡片為最終紀錄，案例檔案已上傳至本頻道。",
                         "en": "Closed: this card is the final record; the case file is in this channel."},
    "update.where": {"zh-TW": "請在事件的戰情室頻道中輸入 `/crisis update 處理情形`，"
                              "或寫明事件編號：`/crisis update 2026-0007 處理情形`。",
                     "en": "Type `/crisis update <text>` in the incident's war room, or name the incident: "
                           "`/crisis update 2026-0007 <text>`."},
    "update.posted_to": {"zh-TW": "已將處理情形張貼於 {room}。", "en": "Status update posted in {room}."},
    "update.already_posted": {"zh-TW": "這則處理情形已由 <@{user}> 於 {at} 張貼，未重複張貼。",
                              "en": "<@{user}> already posted this update at {at}; it was not posted twice."},
})


# Hand-offs to a role's holder and deputy (§3 職務代理人, bot.delivery.copies): acknowledging one, the copies.
MESSAGES.update({
    "button.handoff_read": {"zh-TW": "收悉 Acknowledge", "en": "Acknowledge"},
    "handoff.read_line": {"zh-TW": "✅ <@{user}> 已於 {at} 收悉。", "en": "✅ Acknowledged by <@{user}> at {at}."},
    "handoff.read_by": {"zh-TW": "<@{user}> 已於 {at} 收悉此陳報，無須再確認。",
                        "en": "<@{user}> already acknowledged this report at {at}; nothing more to do."},
    "handoff.none": {"zh-TW": "找不到這份陳報。", "en": "There is no such report."},
    "handoff.read_ok": {"zh-TW": "✅ 已記錄您收悉此陳報，其他副本也會註明。",
                        "en": "✅ Recorded that you read this report; the other copy will say so."},
    "action.handoff_read": {"zh-TW": "確認收悉陳報", "en": "acknowledging the report"},
    "allowed.handoff_read.executive_secretary": {"zh-TW": "執行秘書或其職務代理人",
                                                 "en": "the executive secretary or the deputy"},
    "work.lowlevel.refresh": {"zh-TW": "低度危機陳報副本的更新", "en": "an update of the low-level report's copies"},
    "work.drill.approval.refresh": {"zh-TW": "演練評估核定請求副本的更新",
                                    "en": "an update of the evaluation approval request's copies"},
    "work.media.approval.refresh": {"zh-TW": "新聞稿核定請求副本的更新",
                                    "en": "an update of the statement approval request's copies"},
    "work.drill.closed.refresh": {"zh-TW": "演練結案後訊息按鈕的移除", "en": "removing the closed drill's buttons"},
    "drill.closed.line": {"zh-TW": "🔒 本次演練已結案（評估報告已由 <@{user}> 於 {at} 核定）。",
                          "en": "🔒 This drill is closed (the evaluation was approved by <@{user}> at {at})."},
})


MESSAGES.update({  # paging: a proposed level, standing down, re-triage (issue 12, bullets 1, 2, 4)
    "page.level_proposed": {"zh-TW": "待研判（通報人建議：{level}）",
                            "en": "awaiting triage (the reporter proposes: {level})"},
    "page.proposed_note": {"zh-TW": "⏳ 等級為通報人之建議，尚待單位主管研判；研判後此訊息會更新。",
                           "en": "⏳ The level is the reporter's proposal, awaiting the unit head's judgement; this "
                                 "message is updated once it is judged."},
    "page.proposed_note_triage": {"zh-TW": "⏳ 等級為通報人之建議，尚待單位主管研判；您也可以直接研判等級。",
                                  "en": "⏳ The level is the reporter's proposal, awaiting the unit head's judgement; "
                                        "you may set the level yourself."},
    "page.stood_down": {"zh-TW": "☑️ <@{user}> 已研判為{level}，此通知無須處理（您仍在戰情室中）。",
                        "en": "☑️ <@{user}> judged it {level}; this page needs no action (you stay in the war "
                              "room)."},
    "card.page_stood_down": {"zh-TW": "☑️ {role}：<@{user}>（研判等級較低，無須處理 stood down）",
                             "en": "☑️ {role}: <@{user}> (judged lower, stood down)"},
    "reopened.note": {"zh-TW": "🔁 <@{user}> 將等級提高為{level}：本事件恢復處理中，觀察提醒停止，"
                               "改為定期提醒更新處理情形。",
                      "en": "🔁 <@{user}> raised the level to {level}: the incident is open again; the observation "
                            "reminders stop and status-update reminders start."},
    "ack.stood_down": {"zh-TW": "<@{user}> 已研判為{level}，此通知無須確認。",
                       "en": "<@{user}> judged it {level}; this page needs no acknowledgement."},
    "page.mention_proposed": {"zh-TW": "（依通報人建議之{level}通知，尚待單位主管研判）",
                              "en": " (paged on the reporter's proposal of {level}, awaiting the unit head's "
                                    "judgement)"},
    "work.page.redraw": {"zh-TW": "等級變更後呼叫通知的更新", "en": "the update of a page after a level change"},
})


# The triage request once judged, and its redraw (issue 12 §7: finished actions lose their buttons).
MESSAGES.update({
    "triage.done_line": {"zh-TW": "✅ <@{user}> 已於 {at} 研判為{level}，此請求已完成。",
                         "en": "✅ <@{user}> judged it {level} at {at}; this request is done."},
    "work.triage.refresh": {"zh-TW": "研判請求的更新", "en": "the update of the triage request"},
})


# An ended incident's reminders and requests, redrawn without their buttons (issue 12 §7).
MESSAGES.update({
    "finished.dm": {"zh-TW": "危機事件 *{number}*「{title}」：{status}。此訊息已無待辦事項。",
                    "en": "Incident *{number}* \u201c{title}\u201d: {status}. Nothing is left to do here."},
    "work.incident.finished_dms": {"zh-TW": "事件結束後提醒訊息的更新",
                                   "en": "the update of an ended incident's reminders"},
})


# The periodic review (issue 13 §5; procedure §2 定期檢討評估, §6 step 6 將經驗記錄與傳承).
MESSAGES.update({
    "cmd.review": {"zh-TW": "危機管理定期檢討數據（預設為上個月，或指定 2026、2026-11），並私訊 DOCX 與 CSV",
                   "en": "The periodic review's figures (last month, or 2026 or 2026-11), with the DOCX and CSV by DM"},
    "action.review": {"zh-TW": "查看危機管理定期檢討", "en": "viewing the periodic review"},
    "allowed.review": {"zh-TW": "總指揮及執行秘書（含職務代理人）",
                       "en": "the commander and the executive secretary (or their deputies)"},
    "review.error.period": {"zh-TW": "「{text}」不是有效的期間：請輸入年份（如 2026）或月份（如 2026-11）。",
                            "en": "\u201c{text}\u201d is not a period: give a year (2026) or a month (2026-11)."},
    "review.title": {"zh-TW": "危機管理定期檢討 {period}", "en": "Crisis management review {period}"},
    "review.monthly": {"zh-TW": "📊 上個月（{period}）的危機管理定期檢討數據，供總指揮會議參考。",
                       "en": "📊 Last month's ({period}) crisis management review, for the commander's meeting."},
    "review.incidents": {"zh-TW": "期間內通報 *{n}* 件危機事件（{at} 製表，{tz}）",
                         "en": "*{n}* incidents reported in the period (as of {at}, {tz})"},
    "review.by_category": {"zh-TW": "*依類別*", "en": "*By category*"},
    "review.by_level": {"zh-TW": "*依等級*", "en": "*By level*"},
    "review.by_unit": {"zh-TW": "*依權責單位*", "en": "*By unit*"},
    "review.line": {"zh-TW": "• {name}：{n}", "en": "• {name}: {n}"},
    "review.none": {"zh-TW": "（無）", "en": "(none)"},
    "review.untriaged": {"zh-TW": "未研判", "en": "not triaged"},
    "review.no_unit": {"zh-TW": "未指定", "en": "none"},
    "review.times": {"zh-TW": "*反應時間*（件數／中位數／最長）", "en": "*Response times* (count / median / longest)"},
    "review.time.triage": {"zh-TW": "通報至研判", "en": "Report to triage"},
    "review.time.first_page": {"zh-TW": "通報至首次通知", "en": "Report to the first page"},
    "review.time.ack": {"zh-TW": "通知至確認（{tier}）", "en": "Page to acknowledgement ({tier})"},
    "review.time_line": {"zh-TW": "• {name}：{count} 件／{median}／{max}",
                         "en": "• {name}: {count} / {median} / {max}"},
    "review.unanswered": {"zh-TW": "，{n} 件無人確認", "en": ", {n} unanswered"},
    "review.escalations": {"zh-TW": "*職務代理人及上一層級*：通知 {pages} 次，逾時轉送 {escalated} 次；"
                                    "確認 {acked} 次，其中由職務代理人 {deputy} 次、由上一層級 {next_tier} 次；"
                                    "無人確認 {exhausted} 次。",
                           "en": "*Deputies and the next tier*: {pages} pages, {escalated} timed out and escalated; "
                                 "{acked} acknowledged, {deputy} by a deputy and {next_tier} by the next tier; "
                                 "{exhausted} answered by nobody."},
    "review.followups": {"zh-TW": "*待追蹤事項*（{n}）", "en": "*Open follow-ups* ({n})"},
    "review.followup_line": {"zh-TW": "• *{number}* {title}（{unit}）：{text}",
                             "en": "• *{number}* {title} ({unit}): {text}"},
    "review.more": {"zh-TW": "…另有 {n} 項，詳見 DOCX", "en": "… and {n} more in the DOCX"},
    "review.drills": {"zh-TW": "*模擬演練*：{total} 次，已提報 {done} 次，逾期 {late} 次",
                      "en": "*Drills*: {total}, {done} reported, {late} late"},
    "review.drill_line": {"zh-TW": "• {period} {unit}：{status}{late}；評估：{evaluation}",
                          "en": "• {period} {unit}: {status}{late}; evaluation: {evaluation}"},
    "review.late": {"zh-TW": "（逾期）", "en": " (late)"},
    "review.eval.none": {"zh-TW": "尚無", "en": "none yet"},
    "review.eval.superseded": {"zh-TW": "已由新版取代", "en": "superseded"},
    "review.eval.circulated": {"zh-TW": "，已影送各單位", "en": ", circulated"},
    "review.files_coming": {"zh-TW": "📎 DOCX 與 CSV 檔將以私訊傳送給您。",
                            "en": "📎 The DOCX and CSV are on their way to you by DM."},
    "review.files_sent": {"zh-TW": "📎 這些數據的 DOCX 與 CSV 檔已經私訊給您了（或正在傳送中）。",
                          "en": "📎 The DOCX and CSV of these figures were sent to you by DM already (or are on "
                                "their way)."},
    "review.files_below": {"zh-TW": "📎 DOCX 與 CSV 檔附於此訊息的討論串。",
                           "en": "📎 The DOCX and CSV are in this message's thread."},
    "review.upload": {"zh-TW": "📎 危機管理定期檢討 {period}", "en": "📎 Crisis management review {period}"},
    "work.review.send": {"zh-TW": "定期檢討數據與檔案的私訊", "en": "the periodic review's figures and files by DM"},
})


# The case-file library (issue 13 parts 1, 3, 4): /crisis cases, the case file modal, its DOCX, past cases.
MESSAGES.update({
    "cmd.cases": {"zh-TW": "查詢已結案之案例檔案（可加關鍵字、類別、單位、等級、年度）",
                  "en": "search the closed cases' case files (words, category, unit, level, year)"},
    "action.cases": {"zh-TW": "查閱案例檔案", "en": "reading case files"},
    "allowed.cases": {"zh-TW": "危機管理小組成員及各單位人員", "en": "crisis team members and unit staff"},
    "action.case_open": {"zh-TW": "查閱此案例檔案", "en": "reading this case file"},
    "allowed.case_restricted": {"zh-TW": "指定之危機管理小組成員及承辦單位",
                                "en": "the designated crisis team members and the unit that handled it"},
    "cases.title": {"zh-TW": "*案例檔案*：{n} 件符合「{words}」", "en": "*Case files*: {n} match \u201c{words}\u201d"},
    "cases.none": {"zh-TW": "查無符合「{words}」之已結案案例。可減少關鍵字或改用其他字詞。",
                   "en": "No closed case matches \u201c{words}\u201d. Try fewer or other words."},
    "cases.everything": {"zh-TW": "全部", "en": "everything"},
    "cases.more": {"zh-TW": "僅列出前 {shown} 件，尚有 {n} 件；請加上關鍵字、類別、單位、等級或年度縮小範圍。",
                   "en": "The first {shown} are shown, {n} more match: add words, a category, a unit, a level or "
                         "a year to narrow it."},
    "cases.dates": {"zh-TW": "通報 {reported}｜結案 {closed}", "en": "Reported {reported} | closed {closed}"},
    "cases.summary": {"zh-TW": "*摘要*：{text}", "en": "*Summary*: {text}"},
    "cases.lessons": {"zh-TW": "*檢討與經驗傳承*：{text}", "en": "*Lessons*: {text}"},
    "button.cases_open": {"zh-TW": "開啟案例檔案", "en": "Open case file"},
    "button.cases_docx": {"zh-TW": "DOCX", "en": "DOCX"},
    "cases.docx_sent": {"zh-TW": "案例檔案的 DOCX 將以私訊傳送給您。",
                        "en": "The case file's DOCX is on its way to your DM."},
    "cases.docx_note": {"zh-TW": "案例檔案 *{number}*「{title}」第 {version} 版（DOCX）如下。",
                        "en": "The case file of *{number}* \u201c{title}\u201d, version {version} (DOCX)."},
    "work.cases.docx": {"zh-TW": "案例檔案 DOCX 的私訊傳送", "en": "sending a case file's DOCX by DM"},
    "cases.not_found": {"zh-TW": "查無此已結案之案例。", "en": "There is no such closed case."},
    "cases.modal_title": {"zh-TW": "案例 {number}", "en": "Case {number}"},
    "cases.close": {"zh-TW": "關閉", "en": "Close"},
    "cases.previous": {"zh-TW": "◀ 上一頁", "en": "◀ Previous"},
    "cases.next": {"zh-TW": "下一頁 ▶", "en": "Next ▶"},
    "cases.page": {"zh-TW": "第 {n} / {total} 頁", "en": "Page {n} of {total}"},
    "cases.versions": {"zh-TW": "版本", "en": "Versions"},
    "cases.version": {"zh-TW": "第 {version} 版：{user}，{at}", "en": "Version {version}: {user}, {at}"},
    "cases.timeline": {"zh-TW": "時間軸（{tz}）", "en": "Timeline ({tz})"},
    "cases.past_title": {"zh-TW": "📚 *過往案例*（同類型，{n} 件）", "en": "📚 *Past cases* (same sub-type, {n})"},
    "cases.home_title": {"zh-TW": "📚 *過往案例*", "en": "📚 *Past cases*"},
    "cases.home_none": {"zh-TW": "尚無已結案之案例。", "en": "No closed case yet."},
    "button.cases_search": {"zh-TW": "搜尋案例", "en": "Search cases"},
    "cases.search_title": {"zh-TW": "搜尋案例", "en": "Search cases"},
    "cases.search_submit": {"zh-TW": "搜尋", "en": "Search"},
    "cases.f.words": {"zh-TW": "關鍵字", "en": "Words"},
    "cases.f.category": {"zh-TW": "類別", "en": "Category"},
    "cases.f.unit": {"zh-TW": "單位", "en": "Unit"},
    "cases.f.level": {"zh-TW": "等級", "en": "Level"},
    "cases.f.year": {"zh-TW": "年度", "en": "Year"},
    "cases.any": {"zh-TW": "不限", "en": "Any"},
})


# `/crisis status` of a closed incident: its case file and the timeline's key moments (issue 13, part 2).
MESSAGES.update({
    "record.title": {"zh-TW": "📁 *案例檔案*（第 {version} 版）", "en": "📁 *Case file* (version {version})"},
    "record.none": {"zh-TW": "📁 此事件結案時沒有案例檔案。", "en": "📁 This incident was closed without a case file."},
    "record.versions": {"zh-TW": "*案例檔案版本*", "en": "*Case file versions*"},
    "record.version_line": {"zh-TW": "• 第 {version} 版：{user}，{at}", "en": "• Version {version}: {user}, {at}"},
    "record.moments": {"zh-TW": "*時間軸重點*（時間均為 {zone}）", "en": "*Key moments* (times in {zone})"},
    "record.more": {"zh-TW": "…另有 {n} 則紀錄，請見完整案例檔案。", "en": "…and {n} more; see the full case file."},
    "record.clipped": {"zh-TW": "（節錄，全文見完整案例檔案）",
                       "en": "(an excerpt: the full text is in the case file)"},
    "record.hint": {"zh-TW": "完整案例檔案與時間軸：系統管理者可執行 `crisisbot export {number}` "
                             "取得 Markdown、DOCX 與 CSV。",
                    "en": "The full case file and timeline: the operator can run `crisisbot export {number}` for "
                          "Markdown, DOCX and CSV."},
    "record.m.incident.reported": {"zh-TW": "{at} 通報：{user}", "en": "{at} reported by {user}"},
    "record.m.incident.triaged": {"zh-TW": "{at} 研判：{user}，{level}", "en": "{at} triaged by {user}: {level}"},
    "record.m.incident.level_set": {"zh-TW": "{at} 調整等級：{user}，{level}",
                                    "en": "{at} level set by {user}: {level}"},
    "record.m.page.sent": {"zh-TW": "{at} 通知{role}：{target}（{attempt}）",
                           "en": "{at} paged the {role_lower}: {target} ({attempt})"},
    "record.m.page.acked": {"zh-TW": "{at} {role}確認收到：{user}",
                            "en": "{at} acknowledged for the {role_lower} by {user}"},
    "record.m.page.escalated": {"zh-TW": "{at} {role}未回應（{target}），轉{attempt}",
                                "en": "{at} no answer from {target} for the {role_lower}; escalated to the {attempt}"},
    "record.m.page.stood_down": {"zh-TW": "{at} 撤回給{role}的通知：{target}",
                                 "en": "{at} page to the {role_lower} stood down: {target}"},
    "record.m.step.completed": {"zh-TW": "{at} 完成步驟「{step}」：{user}",
                                "en": "{at} step \u201c{step}\u201d completed by {user}"},
    "record.m.incident.resolved": {"zh-TW": "{at} 危機解除：{user}", "en": "{at} resolved by {user}"},
    "record.m.casefile.submitted": {"zh-TW": "{at} 繳交案例檔案第 {version} 版：{user}",
                                    "en": "{at} case file version {version} submitted by {user}"},
    "record.m.incident.closed": {"zh-TW": "{at} 結案", "en": "{at} closed"},
})
