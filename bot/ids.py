"""Every Block Kit block id, action id and view callback id the bot uses, in one place.

Handlers register on these and views render them, so a renamed id cannot leave a button without a listener.
"""

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
