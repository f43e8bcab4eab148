"""Every Block Kit block id, action id and view callback id the bot uses, in one place.

Handlers register on these and views render them, so a renamed id cannot leave a button without a listener.
"""

from __future__ import annotations

# ---- help / home
HELP_HEADER = "help_header"
HELP_COMMANDS = "help_commands"

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
