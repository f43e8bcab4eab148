"""Authorization matrix: every action × every role, allowed exactly where the procedure allows it.

Decided in the services (bot/incidents, bot/paging, bot/drills, bot/handling and bot/roster's service.py), so the
matrix goes through them: the roster is loaded from the shipped Keelung config into a real database, and each
person's standing comes from it as it does for a Slack request (`Services.who`). State-changing actions (set level,
mark handled, the handling steps, handover…) run the service itself on a fresh incident and must raise `NotAllowed`
exactly where the table says no.

The table is written from the procedure (§3 the team's duties, §5 levels, §6 the steps' responsible roles). Where
the procedure is silent the bot's own rule stands, marked "bot's rule" below: who may post status updates (the
unit's staff too) and snooze their reminder, which tier confirms the plan, who resolves, who hands a seat over,
who sees the roster.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.drills import service as drills
from bot.handling import service as handling
from bot.incidents import service as incidents
from bot.paging import service as paging
from bot.procedure.config import Level, load_config
from bot.procedure.errors import NotAllowed
from bot.procedure.who import Who, who_from_assignments
from bot.roster import service as handover
from bot.roster import state as handover_state
from bot.roster.sync import sync_roster
from storage import audit
from storage import drills as storage_drills
from storage import work as queue
from storage.incidents import allocate_incident_number
from storage.models import Incident, Page
from storage.roster import roles_of

pytestmark = pytest.mark.reliability

CONFIG = load_config()
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
UNIT = "inspection"  # the incident's unit and the drilled unit

PEOPLE = {
    "commander": "U0000CMDR",
    "commander's deputy": "U0000CMDD",
    "executive secretary": "U0000EXEC",
    "executive secretary's deputy": "U0000EXED",
    "legal": "U0000LGSH",  # also heads the Legal and Seizure Division, not the incident's unit
    "public relations": "U0000PRPR",
    "planning": "U0000PLAN",
    "unit head": "U0000INSH",
    "unit head's deputy": "U0000INSD",
    "unit member": "U0000INS1",
    "outsider": "U0999NOBODY",
}
Y, N = True, False
#          cmdr cmdD exec exeD legl PR   plan head hdD  mbr  out
TEAM =     (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N,   N)  # 危機管理小組: every role, the unit's head/deputy
HANDLING = (N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N)  # 處理組: the incident unit's head or deputy
SPOKES =   (Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N)  # 總指揮兼發言人
EXEC =     (N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N)  # 執行秘書
MEDIA =    (Y,   Y,   N,   N,   N,   Y,   N,   N,   N,   N,   N)  # 發言人或公關組 (§6 step 4)
STEP_RESPONSIBLE = {"identify": HANDLING, "assess": TEAM, "handle": TEAM, "media": MEDIA, "coordinate": EXEC,
                    "aftermath": TEAM}
#                        cmdr cmdD exec exeD legl PR   plan head hdD  mbr  out
MATRIX: dict[str, tuple[bool, ...]] = {
    "set level":          (Y,   Y,   Y,   Y,   N,   N,   N,   Y,   Y,   N,   N),
    "acknowledge a page": (Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N),  # the commander's page
    "mark handled":       (N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N),  # a low-level incident
    "request legal":      TEAM,  # §3: the incident's team asks the legal group; a unit member asks the head
    "drill draw":         (N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N),
    "drill plan":         (N,   N,   Y,   Y,   N,   N,   Y,   N,   N,   N,   N),
    "drill report":       (N,   N,   N,   N,   N,   N,   N,   Y,   Y,   Y,   N),  # the drilled unit only
    "evaluation draft":   (N,   N,   N,   N,   N,   N,   Y,   N,   N,   N,   N),
    "evaluation approve": (N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N),
    "acknowledge report": EXEC,  # §5 the low-level report to the executive secretary; §3 or the deputy (收悉)
    "drill status":       (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N),
    # §6: complete or skip the current step, by the step's responsible roles
    **{f"complete step {step}": rule for step, rule in STEP_RESPONSIBLE.items()},
    **{f"skip step {step}": rule for step, rule in STEP_RESPONSIBLE.items()},
    # §6 step 2: convene the team, gather information and diagnose, propose the plan
    "convene":            TEAM,
    "assessment notes":   TEAM,
    "propose plan":       TEAM,
    # §5: the plan goes to the tier the level notifies (bot's rule: that tier confirms it)
    "confirm plan high":  SPOKES,
    "confirm plan medium": EXEC,
    "confirm plan low":   HANDLING,
    # §6 step 3: the team reports back (bot's rule: the unit's staff may post updates too)
    "status update":      (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N),
    "snooze reminder":    (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N),
    # §6 step 4 / §3: written material by the spokesperson or PR; released by the spokesperson; PR gathers opinion
    "media draft":        MEDIA,
    "media approve":      SPOKES,
    "media edit":         SPOKES,
    "media reject":       SPOKES,
    "opinion notes":      (N,   N,   N,   N,   N,   Y,   N,   N,   N,   N,   N),
    "legal answer":       (N,   N,   N,   N,   Y,   N,   N,   N,   N,   N,   N),  # §3 法務組
    "coordination log":   EXEC,  # §6 step 5
    # bot's rule: the commander or the executive secretary; for a low level the unit that handled it too
    "resolve medium":     (Y,   Y,   Y,   Y,   N,   N,   N,   N,   N,   N,   N),
    "resolve low":        (Y,   Y,   Y,   Y,   N,   N,   N,   Y,   Y,   N,   N),
    "case file":          HANDLING,  # §3 the handling group writes the case file
    # §3 the roster and its handover (bot's rule: the seat's holder or the executive secretary hands it over)
    "roster view":        (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N),
    "hand over commander": (Y,  N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N),
    "hand over unit head": (N,  N,   Y,   Y,   N,   N,   N,   Y,   N,   N,   N),
    "hand over unit deputy": (N, N,  Y,   Y,   N,   N,   N,   N,   Y,   N,   N),
}


@pytest.fixture
def roster(session: Session) -> Session:
    sync_roster(session, CONFIG, actor="config", now=NOW)
    session.commit()
    return session


def who(session: Session, user: str) -> Who:
    posts = roles_of(session, user)
    return who_from_assignments(user, ((p.role, p.unit_id, p.name if p.unit_id else p.seat) for p in posts))


def _incident(session: Session, level: str | None, status: str = "open") -> Incident:
    seq, number = allocate_incident_number(session, 2026)
    row = Incident(number=number, year=2026, seq=seq, category="sudden_event", subtype="force_majeure", status=status,
                   step="identify", reporter="U0000INS1", title="t", description="", flags={}, unit_id=UNIT,
                   level=level, created_at=NOW, updated_at=NOW)
    session.add(row)
    session.flush()
    return row


def _event(session: Session, incident: Incident, kind: str, data: dict[str, object]) -> int:
    return audit.record(session, "U0000INSH", kind, "incident", incident.id, incident_id=incident.id, at=NOW,
                        data=data).id


def _at_step(session: Session, step: str) -> Incident:
    """A medium-level incident whose current step is `step` (the ones before it done)."""
    incident = _incident(session, "medium")
    for before in [s.id for s in CONFIG.steps][:[s.id for s in CONFIG.steps].index(step)]:
        _event(session, incident, "step.completed", {"step": before})
    return incident


def _with_plan(session: Session, level: str) -> Incident:
    incident = _incident(session, level)
    _event(session, incident, "plan.proposed", {"plan": "p"})
    return incident


def _with_draft(session: Session) -> tuple[Incident, int]:
    incident = _incident(session, "high")
    return incident, _event(session, incident, "media.drafted", {"kind": "statement", "text": "d"})


def _handling(session: Session, action: str, person: Who) -> None:
    """Run the handling service for `action` on a fresh incident in the state it needs."""
    h, c = handling, CONFIG
    kind, _, arg = action.partition(" step ")
    if arg:
        h.complete_step(session, c, person, _at_step(session, arg), arg, NOW,
                        skip_reason="r" if kind == "skip" else None)
    elif action == "convene":
        h.convene(session, c, person, _incident(session, "medium"), NOW, "room", NOW)
    elif action == "assessment notes":
        h.record_notes(session, c, person, _incident(session, "medium"), "info", "diagnosis", NOW)
    elif action == "propose plan":
        h.propose_plan(session, c, person, _incident(session, "medium"), "plan", NOW)
    elif action.startswith("confirm plan "):
        h.confirm_plan(session, c, person, _with_plan(session, action.removeprefix("confirm plan ")), None, NOW)
    elif action == "status update":
        h.post_update(session, c, person, _incident(session, "medium"), "update", NOW)
    elif action == "snooze reminder":
        h.snooze(session, c, person, _incident(session, "medium"), NOW)
    elif action == "media draft":
        h.draft_statement(session, c, person, _incident(session, "high"), "statement", "text", NOW)
    elif action.startswith("media "):
        incident, draft = _with_draft(session)
        decision = "reject" if action == "media reject" else "release"
        h.decide_statement(session, c, person, incident, draft, decision, NOW,
                           text="edited" if action == "media edit" else None)
    elif action == "opinion notes":
        h.note_opinion(session, c, person, _incident(session, "high"), "opinion", NOW)
    elif action == "legal answer":
        h.answer_legal(session, c, person, _incident(session, "high"), "advice", NOW)
    elif action == "coordination log":
        h.log_coordination(session, c, person, _incident(session, "medium"), "talks", "agreed", NOW)
    elif action.startswith("resolve "):
        h.resolve(session, c, person, _incident(session, action.removeprefix("resolve ")), NOW)
    elif action == "case file":
        h.submit_case_file(session, c, person, _incident(session, "medium", "resolved"),
                           dict.fromkeys(h.CASE_FIELDS, "x"), NOW)
    else:
        raise KeyError(action)


SEATS = {"hand over commander": handover_state.Target("commander", None, "primary"),
         "hand over unit head": handover_state.Target("head", UNIT, "primary"),
         "hand over unit deputy": handover_state.Target("head", UNIT, "deputy")}


def allowed(session: Session, action: str, person: Who) -> bool:
    if action in SEATS:
        try:
            handover.hand_over(session, person, SEATS[action], "U0000NEWP", NOW, config=CONFIG)
        except NotAllowed:
            return False
        return True
    if action == "roster view":
        try:
            handover.roster_data(session, person)
        except NotAllowed:
            return False
        return True
    if action not in LEGACY:
        try:
            _handling(session, action, person)
        except NotAllowed:
            return False
        return True
    if action == "set level":
        try:
            incidents.set_level(session, CONFIG, person, _incident(session, None), Level.MEDIUM, None, NOW)
        except NotAllowed:
            return False
        return True
    if action == "mark handled":
        try:
            incidents.mark_handled(session, CONFIG, person, _incident(session, "low"), NOW)
        except NotAllowed:
            return False
        return True
    if action == "acknowledge a page":
        incident = _incident(session, "high")
        page = Page(incident_id=incident.id, role="commander", tier=0, target_user="U0000CMDR", attempt="primary",
                    status="paging", paged_at=NOW)
        session.add(page)
        session.flush()
        return paging.may_acknowledge(person, page)
    if action == "acknowledge report":
        incident = _incident(session, "low", "observing")
        queue.enqueue(session, WorkKind.LOWLEVEL_REPORT, incidents.handled_report(incident.id), NOW,
                      {"incident": incident.id, "user": "U0000INSH"}, incident.id)
        try:
            incidents.read_report(session, person, incident, NOW)
        except NotAllowed:
            return False
        return True
    if action == "request legal":
        try:
            handling.request_legal(session, CONFIG, person, _incident(session, "medium"), "Close the gate?", NOW)
        except NotAllowed:
            return False
        return True
    return {
        "drill draw": lambda: drills.may_draw(person),
        "drill plan": lambda: drills.may_plan(person),
        "drill report": lambda: drills.may_report(person, UNIT),
        "evaluation draft": lambda: drills.may_evaluate(person),
        "evaluation approve": lambda: drills.may_approve(person),
        "drill status": lambda: drills.may_view(person),
    }[action]()


LEGACY = ("set level", "mark handled", "acknowledge a page", "request legal", "drill draw", "drill plan",
          "drill report", "evaluation draft", "evaluation approve", "drill status", "acknowledge report")


# The handling and roster actions run in a few groups, not one test each: a fresh database per test is most of the
# cost, and every action × person still runs in its own rolled-back transaction.
GROUPS = {
    "steps": [a for a in MATRIX if " step " in a],
    "assess": ["convene", "assessment notes", "propose plan", "confirm plan high", "confirm plan medium",
               "confirm plan low"],
    "handle": ["status update", "snooze reminder", "media draft", "media approve", "media edit", "media reject",
               "opinion notes", "legal answer", "coordination log"],
    "aftermath": ["resolve medium", "resolve low", "case file"],
    "roster": ["roster view", *SEATS],
}


def _wrong(session: Session, actions: list[str]) -> list[str]:
    wrong = []
    for action in actions:
        for role, expected in zip(PEOPLE, MATRIX[action], strict=True):
            try:
                if allowed(session, action, who(session, PEOPLE[role])) is not expected:
                    wrong.append(f"{role} may{'' if expected else ' not'} {action}")
            finally:
                session.rollback()
    return wrong


def test_every_action_is_checked() -> None:
    grouped = [a for actions in GROUPS.values() for a in actions]
    assert sorted([*LEGACY, *grouped]) == sorted(MATRIX)


@pytest.mark.parametrize("action", LEGACY)
def test_matrix(roster: Session, action: str) -> None:
    wrong = _wrong(roster, [action])
    assert not wrong, wrong


@pytest.mark.parametrize("group", list(GROUPS))
def test_handling_and_roster_matrix(roster: Session, group: str) -> None:
    wrong = _wrong(roster, GROUPS[group])
    assert not wrong, wrong


def test_the_refused_draw_changes_nothing(roster: Session) -> None:
    import random

    with pytest.raises(NotAllowed):
        drills.draw(roster, CONFIG, "U0000INS1", NOW, random.Random(1), who=who(roster, "U0000INS1"))
    assert storage_drills.by_period(roster, drills.period_of(NOW, CONFIG)) is None
