"""Every Block Kit block id, action id and view callback id the bot uses, in one place.

Handlers register on these and views render them, so a renamed id cannot leave a button without a listener."""

from __future__ import annotations

# ---- help / home
HELP_HEADER = "help_header"


HELP_COMMANDS = "help_commands"


# ---- roster and overview (procedure §3; the App Home tab, /crisis list and status)
ROSTER_HEADER = "roster_header"


HOME_HEADER = "home_header"


HOME_INCIDENTS = "home_incidents"


HOME_PAGES = "home_pages"


HOME_TASKS = "home_tasks"


HOME_DRILL = "home_drill"


HOME_PAGE_PREFIX = "home_page_"  # + page id: one Acknowledge button per block


HOME_TASK_PREFIX = "home_task_"  # + task number


# ---- the report modal (/crisis report): one block per field, the action id is the field's name
REPORT_VIEW = "report_incident"


REPORT_LOADING_VIEW = "report_loading"


REPORT_DONE_VIEW = "report_done"


F_UNIT = "unit"


F_SUBTYPE = "subtype"


F_TITLE = "title"


F_DESCRIPTION = "description"


F_OCCURRED = "occurred"


F_LOCATION = "location"


F_IMPACT = "impact"


F_LEVEL = "proposed_level"


F_FLAGS = "flags"


REPORT_FIELDS = (F_UNIT, F_SUBTYPE, F_TITLE, F_DESCRIPTION, F_OCCURRED, F_LOCATION, F_IMPACT, F_LEVEL, F_FLAGS)


# ---- the incident card and pages
CARD_HEADER = "card_header"


CARD_ACTIONS = "card_actions"


PAGE_ACK = "page_ack"


TRIAGE_OPEN = "triage_open"


TRIAGE_VIEW = "triage_incident"


T_LEVEL = "level"


T_SUBTYPE = "subtype"


MARK_HANDLED = "mark_handled"


REQUEST_LEGAL = "request_legal"


ACTION_IDS: frozenset[str] = frozenset({PAGE_ACK, TRIAGE_OPEN, MARK_HANDLED, REQUEST_LEGAL})


CALLBACK_IDS: frozenset[str] = frozenset({REPORT_VIEW, TRIAGE_VIEW})


# ---- drills (procedure §7, annex 2)
DRILL_PLAN_OPEN = "drill_plan_open"


DRILL_PLAN_VIEW = "drill_plan"


D_CATEGORY = "drill_category"


D_SCENARIO = "drill_scenario"


D_WINDOW_START = "drill_window_start"


D_WINDOW_END = "drill_window_end"


D_DUE = "drill_due"


DRILL_REPORT_OPEN = "drill_report_open"


DRILL_REPORT_VIEW = "drill_report"


DRILL_REPORT_DONE_VIEW = "drill_report_done"


R_UNIT = "drill_unit"


R_TIME = "drill_time"


R_ITEMS = "drill_items"


R_CASE = "drill_case"


R_SUMMARY = "drill_summary"


R_FINDINGS = "drill_findings"


R_IMPROVEMENTS = "drill_improvements"


DRILL_EVAL_OPEN = "drill_evaluation_open"


DRILL_EVAL_VIEW = "drill_evaluation"


E_ASSESSMENT = "evaluation_assessment"


E_STRENGTHS = "evaluation_strengths"


E_RECOMMENDATIONS = "evaluation_recommendations"


DRILL_APPROVE = "drill_evaluation_approve"


DRILL_RETURN_OPEN = "drill_evaluation_return"


DRILL_RETURN_VIEW = "drill_evaluation_return_view"


E_RETURN_COMMENT = "evaluation_return_comment"


DRILL_STATUS_HEADER = "drill_status_header"


DRILL_ACTION_IDS: frozenset[str] = frozenset({DRILL_PLAN_OPEN, DRILL_REPORT_OPEN, DRILL_EVAL_OPEN, DRILL_APPROVE,
                                              DRILL_RETURN_OPEN})


DRILL_CALLBACK_IDS: frozenset[str] = frozenset({DRILL_PLAN_VIEW, DRILL_REPORT_VIEW, DRILL_EVAL_VIEW,
                                                DRILL_RETURN_VIEW})


ACTION_IDS = ACTION_IDS | DRILL_ACTION_IDS


CALLBACK_IDS = CALLBACK_IDS | DRILL_CALLBACK_IDS


# ---- handling the crisis in the war room (procedure §6): the step tracker and the handling modals
STEP_COMPLETE = "step_complete"


STEP_SKIP_OPEN = "step_skip_open"


STEP_SKIP_VIEW = "step_skip"


H_REASON = "handling_reason"


UPDATE_OPEN = "update_open"


UPDATE_VIEW = "status_update"


H_TEXT = "handling_text"


UPDATE_SNOOZE = "update_snooze"


HANDLING_MENU = "handling_menu"  # the card's overflow menus: value "<action>:<incident id>"


HANDLING_MENU_MORE = "handling_menu_more"


CONVENE_VIEW = "convene_team"


H_MEETING_AT = "meeting_at"


H_PLACE = "meeting_place"


NOTES_VIEW = "assess_notes"


H_INFORMATION = "assess_information"


H_DIAGNOSIS = "assess_diagnosis"


PLAN_VIEW = "handling_plan"


PLAN_CONFIRM = "plan_confirm"


MEDIA_VIEW = "media_draft"


H_KIND = "media_kind"


MEDIA_APPROVE = "media_approve"


MEDIA_EDIT_OPEN = "media_edit_open"


MEDIA_EDIT_VIEW = "media_edit"


MEDIA_REJECT_OPEN = "media_reject_open"


MEDIA_REJECT_VIEW = "media_reject"


OPINION_VIEW = "public_opinion"


LEGAL_REQUEST_VIEW = "legal_request"


H_QUESTION = "legal_question"


LEGAL_ANSWER_OPEN = "legal_answer_open"


LEGAL_ANSWER_VIEW = "legal_answer"


COORD_VIEW = "coordination"


H_ACTION = "coordination_action"


H_OUTCOME = "coordination_outcome"


RESOLVE = "incident_resolve"


CASEFILE_OPEN = "case_file_open"


CASEFILE_VIEW = "case_file"


CF_PREFIX = "case_"  # block ids of the case-file fields: case_summary, case_cause, ...


STEPS_BLOCK = "card_steps"


HANDLING_ACTIONS = "card_handling_actions"


HANDLING_ACTION_IDS: frozenset[str] = frozenset({
    STEP_COMPLETE, STEP_SKIP_OPEN, UPDATE_OPEN, UPDATE_SNOOZE, HANDLING_MENU, HANDLING_MENU_MORE, PLAN_CONFIRM,
    MEDIA_APPROVE, MEDIA_EDIT_OPEN, MEDIA_REJECT_OPEN, LEGAL_ANSWER_OPEN, RESOLVE, CASEFILE_OPEN})


HANDLING_CALLBACK_IDS: frozenset[str] = frozenset({
    STEP_SKIP_VIEW, UPDATE_VIEW, CONVENE_VIEW, NOTES_VIEW, PLAN_VIEW, MEDIA_VIEW, MEDIA_EDIT_VIEW, MEDIA_REJECT_VIEW,
    OPINION_VIEW, LEGAL_REQUEST_VIEW, LEGAL_ANSWER_VIEW, COORD_VIEW, CASEFILE_VIEW})


ACTION_IDS = ACTION_IDS | HANDLING_ACTION_IDS


CALLBACK_IDS = CALLBACK_IDS | HANDLING_CALLBACK_IDS


ACCOUNT = "incident_account"  # the reporter's account in full (card, triage DM)


ACCOUNT_SHORT = "incident_account_short"  # the short account (page DM, flag DM)

# ---- the handover's preview (procedure §3 移交) and App Home's task buttons
HANDOVER_PREVIEW = "handover_preview"


HANDOVER_CONFIRM = "handover_confirm"  # value: "role|unit|seat|to|expected" (empty unit / expected: none)


HANDOVER_CANCEL = "handover_cancel"


HOME_TASK = "home_task_do"  # value: "<the DM button's action id>|<its value>", answered on the App Home tab


ROSTER_ACTION_IDS: frozenset[str] = frozenset({HANDOVER_CONFIRM, HANDOVER_CANCEL, HOME_TASK})


ACTION_IDS = ACTION_IDS | ROSTER_ACTION_IDS

# Hand-offs to a role's holder and deputy (bot.delivery.copies): acknowledging an informational one (收悉).
HANDOFF_READ = "handoff_read"


ACTION_IDS = ACTION_IDS | {HANDOFF_READ}

# ---- the case-file library (/crisis cases, App Home's past cases, past cases on a new report's card)
CASES_OPEN = "cases_open"  # value: the incident id; opens the case file modal


CASES_DOCX = "cases_docx"  # value: the incident id; the DOCX by DM


CASES_PAGE = "cases_page"  # value: "<incident id>:<page>"; the case file modal's Previous / Next


CASES_SEARCH_OPEN = "cases_search_open"  # App Home's Search cases button


CASE_VIEW = "case_file_read_view"  # the case file modal (read only)


CASES_SEARCH_VIEW = "cases_search_view"  # the search modal; its submit shows the results in it


CASES_HIT_PREFIX = "cases_hit_"  # + n: a hit's section (its actions: + "_actions")


CASES_HEADER = "cases_header"


HOME_CASES = "home_cases"


CARD_PAST_CASES = "past_cases"  # the card's and the triage DM's past cases


CS_WORDS = "cases_words"  # the search modal's inputs


CS_CATEGORY = "cases_category"


CS_UNIT = "cases_unit"


CS_LEVEL = "cases_level"


CS_YEAR = "cases_year"


CASES_ACTION_IDS: frozenset[str] = frozenset({CASES_OPEN, CASES_DOCX, CASES_PAGE, CASES_SEARCH_OPEN})


CASES_CALLBACK_IDS: frozenset[str] = frozenset({CASE_VIEW, CASES_SEARCH_VIEW})


ACTION_IDS = ACTION_IDS | CASES_ACTION_IDS


CALLBACK_IDS = CALLBACK_IDS | CASES_CALLBACK_IDS
