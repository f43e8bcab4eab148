"""Every interaction the bot answers, delivered twice at once, on SQLite and PostgreSQL (issue 11, design §3).

The table RACES has one row per listener the bot registers (handlers/app.py HANDLER_MODULES, each module's
LISTENERS) and per `/crisis` sub-command (handlers/commands.py ROUTES); `test_every_listener_has_a_race` fails,
naming it, for a listener without a row. A row is a scenario: it brings an incident, a drill or the roster to the
state where the interaction means something, and returns the one interaction (a click, a submission, a command, an
event) as the person would make it through the sandbox.

Each row runs once alone (the control: what one delivery does), then `rounds()` times twice at once (a double tap,
or Slack's retry overtaking the first delivery), each time on a fresh subject. After `drain()` the durable effect
of the pair (audit events by kind, war-room posts and DMs per person, pages, case-file and drill-form versions,
incidents by state, open seats, pending work by kind) must equal the control's: one effect, not two. And nobody
sees an error: no internal-error reply ("資料未遺失"), no modal error but the row's legitimate ones, no
"listener failed" in the log.

Then the pairs that conflict, at once: acknowledge vs the escalation timer, resolve vs triage to high, resolve vs
the case file, two handovers of one seat, approving an old evaluation vs submitting a new version, the head and
the deputy filing the case file. Their assertions are the invariants that must hold whoever wins.

A row or a pair the product does not pass yet carries `xfail={backend: "what happens"}` (strict), to be removed
when it is fixed.
"""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.blockkit import ids
from bot.drills import service as drills
from bot.drills.state import Plan
from bot.handling import service as handling
from bot.incidents import service as incidents
from bot.incidents.state import Report
from bot.procedure.config import Level, Role
from bot.roster import forms as roster_forms
from bot.roster import service as roster_service
from handlers import app as handler_app
from handlers import commands
from sandbox import payloads
from sandbox.driver import Message, Person, ViewHandle
from sandbox.interactions import Outcome, find_element
from sandbox.transport import BotReply, Delivery
from storage import roster as seats
from storage import work as queue
from storage.incidents import allocate_incident_number
from storage.models import (
    AuditEvent,
    CaseFile,
    Drill,
    DrillEvaluation,
    DrillReport,
    DueWork,
    Incident,
    Page,
    RoleAssignment,
)
from tests.concurrency import at_once, rounds, twice
from tests.stack import Stack

pytestmark = pytest.mark.reliability

# One round in `make test` (every row is still delivered twice at once, on both databases, beside its control);
# `make reliability-full` sets 20.
ROUNDS = rounds(default=1)

COMMANDER, COMMANDER_DEPUTY = "U0000CMDR", "U0000CMDD"
EXEC, EXEC_DEPUTY = "U0000EXEC", "U0000EXED"
LEGAL = "U0000LGSH"
PR = "U0000PRPR"
PLANNER = "U0000PLAN"
HEAD, DEPUTY, MEMBER = "U0000INSH", "U0000INSD", "U0000INS1"
SPARE = ("U0000SECH", "U0000PER1", EXEC)  # people a seat may be handed to

ERROR_MARKS = ("錯誤代碼", "error id")  # the global error handler's words (error.generic)

BACKENDS = ("sqlite", "pg")


# ---------------------------------------------------------------------------------------------- the world


class World:
    """One running bot per database for the whole module, and what a scenario needs to set a scene quickly:
    state is made through the services (as a person's earlier clicks would have made it), then drained, so the
    buttons and modals the scenario's person uses are the ones the bot really sent."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    @property
    def services(self) -> Any:
        return self.stack.bot.services

    @property
    def config(self) -> Any:
        return self.services.config

    def person(self, user: str) -> Person:
        return self.stack.person(user)

    def drain(self) -> None:
        self.stack.drain()

    # ---- incidents

    def report(self, reporter: str, level: str, unit: str = "inspection") -> int:
        """An incident reported by `reporter` (a unit head's level stands), its war room open, pages sent."""
        data = Report(unit_id=unit, category="sudden_event", subtype="force_majeure", title="貨櫃場火警",
                      description="六堵貨櫃場 3 號倉庫冒煙", occurred_at=None, location="六堵", impact="",
                      proposed_level=Level(level), flags={})
        with self.services.sessions() as s, s.begin():
            done = incidents.report(s, self.config, self.services.who(reporter), data,
                                    submission_key=f"race:{uuid.uuid4().hex}", now=self.stack.clock())
        self.drain()
        return done.incident_id

    def change(self, incident_id: int, user: str, act: Callable[..., Any]) -> Any:
        """`act(session, config, who, incident, now)` in one transaction, as that person's earlier step."""
        with self.services.sessions() as s, s.begin():
            incident = s.get(Incident, incident_id)
            done = act(s, self.config, self.services.who(user), incident, self.stack.clock())
        self.drain()
        return done

    def incident(self, incident_id: int) -> Incident:
        with self.services.sessions() as s:
            found = s.get(Incident, incident_id)
        assert found is not None
        return found

    def room(self, incident_id: int) -> Any:
        return self.stack.sandbox.channel(self.incident(incident_id).channel_id)

    def card(self, incident_id: int) -> Message:
        return self.room(incident_id).pins[0].refresh()

    def post_with(self, incident_id: int, action_id: str) -> Message:
        """The war room's latest message with that button."""
        return [m for m in self.room(incident_id).messages(True) if action_id in str(m.blocks)][-1]

    def dm_with(self, user: str, action_id: str) -> Message:
        """The person's latest DM from the bot with that button."""
        return [m for m in self.person(user).dm().messages(True) if action_id in str(m.blocks)][-1]

    def pages(self, incident_id: int) -> list[Page]:
        with self.services.sessions() as s:
            return list(s.scalars(sa.select(Page).where(Page.incident_id == incident_id).order_by(Page.id)))

    def timeline(self, incident_id: int) -> list[str]:
        """The incident's audit trail, oldest first, as kinds."""
        with self.services.sessions() as s:
            return list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.incident_id == incident_id)
                                  .order_by(AuditEvent.id)))

    def drill_events(self, drill_id: int) -> list[str]:
        with self.services.sessions() as s:
            return list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.subject_type == "drill",
                                                                   AuditEvent.subject_id == str(drill_id))
                                  .order_by(AuditEvent.id)))

    def modal(self, user: str, target: Message, action_id: str, callback: str, value: Any = None) -> ViewHandle:
        """The person clicks and waits for the modal."""
        person = self.person(user)
        assert person.click(target, action_id, value).ok
        return person.wait_modal(callback)

    def menu(self, user: str, incident_id: int, what: str, callback: str, more: bool = False) -> ViewHandle:
        return self.modal(user, self.card(incident_id), ids.HANDLING_MENU_MORE if more else ids.HANDLING_MENU,
                          callback, f"{what}:{incident_id}")

    def resolved(self, level: str = "high") -> int:
        """An incident the commander has resolved: the head and the deputy are asked for the case file."""
        incident = self.report(HEAD, level)
        self.change(incident, COMMANDER, handling.resolve)
        return incident

    # ---- drills

    def drill(self, *, planned: bool = False, reported: bool = False, evaluated: bool = False) -> int:
        """This month's drill in a month of its own (one draw a period): the clock moves to the next month."""
        now = self.stack.clock.now
        first = (now.replace(day=1) + timedelta(days=32)).replace(day=3, hour=1, minute=0)
        self.stack.clock.set(first)
        self.drain()
        with self.services.sessions() as s, s.begin():
            drawn = drills.draw(s, self.config, EXEC, self.stack.clock(), self.services.rng,
                                who=self.services.who(EXEC))
        self.drain()
        if planned or reported or evaluated:
            self.drill_change(drawn.drill_id, PLANNER, lambda s, who, d, now: drills.set_plan(
                s, self.config, who, d, Plan(d.category, "模擬：颱風淹水", now + timedelta(days=1),
                                              now + timedelta(days=1, hours=2), None), now))
        if reported or evaluated:
            self.drill_change(drawn.drill_id, self.head_of(drawn.drill_id), lambda s, who, d, now: drills.file_report(
                s, self.config, who, d, self.form(d, now), now))
        if evaluated:
            self.drill_change(drawn.drill_id, PLANNER, lambda s, who, d, now: drills.submit_evaluation(
                s, who, d, {"assessment": "通報流程順暢", "strengths": "", "recommendations": "每季更新名冊"}, now))
        return drawn.drill_id

    def drill_change(self, drill_id: int, user: str, act: Callable[..., Any]) -> Any:
        with self.services.sessions() as s, s.begin():
            done = act(s, self.services.who(user), drills.get(s, drill_id), self.stack.clock())
        self.drain()
        return done

    def drill_row(self, drill_id: int) -> Drill:
        with self.services.sessions() as s:
            return drills.get(s, drill_id)

    def head_of(self, drill_id: int) -> str:
        return self.config.unit(self.drill_row(drill_id).unit_id).head

    def form(self, drill: Drill, now: datetime) -> dict[str, Any]:
        return {"unit": drill.unit_id, "drill_time": (now - timedelta(hours=1)).isoformat(),
                "items": [drill.category], "case": "颱風淹水", "summary": "09:00 通報", "findings": "",
                "improvements": ""}

    def evaluations(self, drill_id: int) -> list[DrillEvaluation]:
        with self.services.sessions() as s:
            return list(s.scalars(sa.select(DrillEvaluation).where(DrillEvaluation.drill_id == drill_id)
                                  .order_by(DrillEvaluation.version)))

    # ---- the roster

    def holder(self, role: Role) -> str:
        with self.services.sessions() as s:
            return seats.holders(s, role).primary or ""


@pytest.fixture(scope="module")
def worlds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        Callable[[str], World]]:
    """One stack per database for the module, started on first use: `worlds("pg")`."""
    started: dict[str, World] = {}
    made: list[str] = []

    def world(backend: str) -> World:
        if backend not in started:
            started[backend] = World(Stack(_database(backend)).start())
        return started[backend]

    def _database(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("races") / "crisisbot.db"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            return f"sqlite:///{path}"
        admin_url, template = request.getfixturevalue("pg_admin_url"), request.getfixturevalue("pg_template")
        name = f"crisisbot_races_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        admin.dispose()
        made.append(name)
        return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield world
    for each in started.values():
        each.stack.stop()
    if made:
        admin = sa.create_engine(request.getfixturevalue("pg_admin_url"), isolation_level="AUTOCOMMIT",
                                 poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            for name in made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# ---------------------------------------------------------------------------------------------- effects


def effects(world: World) -> Counter[str]:
    """Everything durable the bot has done so far, counted: subtract two of these to get what one act did."""
    found: Counter[str] = Counter()
    with world.services.sessions() as s:
        for kind, n in s.execute(sa.select(AuditEvent.kind, sa.func.count()).group_by(AuditEvent.kind)):
            found[f"audit {kind}"] = n
        for role, attempt, status, n in s.execute(sa.select(Page.role, Page.attempt, Page.status, sa.func.count())
                                                  .group_by(Page.role, Page.attempt, Page.status)):
            found[f"page {role}/{attempt} {status}"] = n
        for status, level, step, n in s.execute(sa.select(Incident.status, Incident.level, Incident.step,
                                                          sa.func.count())
                                                .group_by(Incident.status, Incident.level, Incident.step)):
            found[f"incident {status}/{level}/{step}"] = n
        found["case-file versions"] = s.scalar(sa.select(sa.func.count()).select_from(CaseFile)) or 0
        found["drill-report versions"] = s.scalar(sa.select(sa.func.count()).select_from(DrillReport)) or 0
        for status, n in s.execute(sa.select(DrillEvaluation.status, sa.func.count())
                                   .group_by(DrillEvaluation.status)):
            found[f"evaluation {status}"] = n
        for status, n in s.execute(sa.select(Drill.status, sa.func.count()).group_by(Drill.status)):
            found[f"drill {status}"] = n
        for role, unit, seat, n in s.execute(sa.select(RoleAssignment.role, RoleAssignment.unit_id,
                                                       RoleAssignment.seat, sa.func.count())
                                             .where(RoleAssignment.ended_at.is_(None))
                                             .group_by(RoleAssignment.role, RoleAssignment.unit_id,
                                                       RoleAssignment.seat)):
            found[f"open seat {role}/{unit}/{seat}"] = n
        for kind, n in s.execute(sa.select(DueWork.kind, sa.func.count())
                                 .where(DueWork.done_at.is_(None), DueWork.cancelled_at.is_(None))
                                 .group_by(DueWork.kind)):
            found[f"pending {kind}"] = n
    ws = world.stack.sandbox.workspace
    with ws.reading():
        for channel in ws.channels.values():
            posts = sum(1 for m in channel.messages.values() if m.get("bot_id") == ws.bot_id)
            if channel.is_im:
                found[f"DM {channel.im_user}"] += posts
            else:
                found["war rooms"] += channel.name.startswith("inc-")
                found["posts in war rooms" if channel.name.startswith("inc-") else f"posts in #{channel.name}"] += posts
        found["files"] = len(ws.files)
    return +found


def difference(after: Counter[str], before: Counter[str]) -> dict[str, int]:
    """What changed. Who is DMed depends on the round (the drawn unit, the seat's holder): DMs are counted as
    how many people got one, two... new DMs, so a DM sent twice still shows."""
    keys = set(after) | set(before)
    changed = {k: after[k] - before[k] for k in sorted(keys) if after[k] != before[k]}
    dms = Counter(n for k, n in changed.items() if k.startswith("DM "))
    changed = {k: n for k, n in changed.items() if not k.startswith("DM ")}
    return {**changed, **{f"people sent {n} DM(s)": people for n, people in sorted(dms.items())}}


@dataclass
class Seen:
    """What people saw during one act: the outcomes of the deliveries, new ephemerals and DMs, error logs."""

    outcomes: list[Any]
    shown: list[str]
    logged: list[str]

    def errors(self, allowed: tuple[str, ...] = ()) -> list[str]:
        """Every sign of an error a person would see, but the row's legitimate modal errors."""
        found = []
        for outcome in self.outcomes:
            if isinstance(outcome, Outcome):
                if not outcome.ok:
                    found.append(f"delivery failed: {outcome.failure or outcome.reply.status}")
                for block, text in (outcome.errors or {}).items():
                    if not any(a in text for a in allowed):
                        found.append(f"modal error on {block}: {text}")
            elif isinstance(outcome, BotReply) and outcome.status != 200:
                found.append(f"event answered {outcome.status}")
        found += [f"shown: {text}" for text in self.shown if any(m in text for m in ERROR_MARKS)]
        found += [f"logged: {line}" for line in self.logged]
        return found


class Watch:
    """Marks the workspace and the log before an act, to tell afterwards what was new."""

    def __init__(self, world: World, caplog: pytest.LogCaptureFixture) -> None:
        self.world, self.caplog = world, caplog
        ws = world.stack.sandbox.workspace
        with ws.reading():
            self.ephemerals = len(ws.ephemerals)
            self.posted = {(c.id, ts) for c in ws.channels.values() for ts in c.messages}
        self.records = len(caplog.records)

    def seen(self, outcomes: list[Any]) -> Seen:
        ws = self.world.stack.sandbox.workspace
        with ws.reading():
            shown = [e.message.get("text") or "" for e in ws.ephemerals[self.ephemerals:]]
            shown += [str(m.get("text") or "") + str(m.get("blocks") or "") for c in ws.channels.values()
                      for ts, m in c.messages.items() if (c.id, ts) not in self.posted]
        logged = [f"{r.name}: {r.getMessage()}" for r in self.caplog.records[self.records:]
                  if r.levelno >= logging.ERROR]
        return Seen(outcomes, shown, logged)


# ---------------------------------------------------------------------------------------------- the table


Deliver = Callable[[], Any]


@dataclass(frozen=True)
class Race:
    """One listener's row: `scene(world)` sets the state and returns the one interaction; `once` is the audit
    event that one delivery writes (None: the interaction only reads or opens a modal); `opens` the modal the
    person must be left with; `allowed` the words of a legitimate modal error for the loser; `xfail` the
    backends on which the product does not pass yet, with what happens there."""

    listener: str
    scene: Callable[[World], Deliver]
    once: str | None = None
    opens: tuple[str, str] | None = None  # (user, callback id)
    allowed: tuple[str, ...] = ()
    xfail: dict[str, str] = field(default_factory=dict)
    check: Callable[[World, list[Any]], None] | None = None


def slash(user: str, text: str, channel: str | None = None) -> Callable[[World], Deliver]:
    def scene(world: World) -> Deliver:
        return lambda: world.person(user).slash("/crisis", text, channel=channel)
    return scene


# ---- slash commands


def the_executive_secretary_asks_for_this_months_review(world: World) -> Deliver:
    # A new incident each round changes the figures: each round's request is a fresh one (the same figures twice
    # are sent once, as the pair at once must be)
    world.report(HEAD, "medium")
    period = world.stack.clock.now.astimezone(world.config.organisation.tz).strftime("%Y-%m")
    return lambda: world.person(EXEC).slash("/crisis", f"review {period}")


def head_asks_for_the_status_of_an_incident(world: World) -> Deliver:
    number = world.incident(world.report(HEAD, "medium")).number
    return lambda: world.person(EXEC).slash("/crisis", f"status {number}")


def the_holder_hands_the_executive_secretary_seat_over(world: World) -> Deliver:
    holder = world.holder(Role.EXECUTIVE_SECRETARY)
    to = "U0000SECH" if holder == EXEC else EXEC  # back and forth: each round tells the same two people
    return lambda: world.person(holder).slash("/crisis", f"handover executive_secretary <@{to}>")


def handover_preview(world: World, holder: str, to: str) -> Message:
    """`/crisis handover …` and the preview it shows (with Confirm / Cancel): the newest, not an earlier row's."""
    person = world.person(holder)
    before = len(person.ephemerals())
    person.slash("/crisis", f"handover executive_secretary <@{to}>")
    return person.sandbox.workspace.wait_for(lambda: next(
        (m for m in person.ephemerals()[before:] if ids.HANDOVER_CONFIRM in str(m.blocks)), None))


def click_preview_as_it_was(person: Person, shown: Message, action_id: str) -> Outcome:
    """Click the preview's button as the screen showed it: the first delivery's answer replaces the preview
    while the second is on its way."""
    block, element = find_element(shown.blocks, action_id)
    return person.sandbox.interactions.block_action(person.user, block=block, element=element,
                                                    channel=person.sandbox.workspace.channels[shown.channel],
                                                    message=shown.raw, is_ephemeral=True)


def the_holder_confirms_the_handover(world: World) -> Deliver:
    holder = world.holder(Role.EXECUTIVE_SECRETARY)
    to = "U0000SECH" if holder == EXEC else EXEC
    shown = handover_preview(world, holder, to)
    return lambda: click_preview_as_it_was(world.person(holder), shown, ids.HANDOVER_CONFIRM)


def the_holder_cancels_the_handover(world: World) -> Deliver:
    holder = world.holder(Role.EXECUTIVE_SECRETARY)
    shown = handover_preview(world, holder, "U0000SECH" if holder == EXEC else EXEC)
    return lambda: click_preview_as_it_was(world.person(holder), shown, ids.HANDOVER_CANCEL)


def the_executive_secretary_approves_from_app_home(world: World) -> Deliver:
    world.drill(evaluated=True)
    home = world.person(EXEC).open_home()
    assert home is not None
    person = world.person(EXEC)
    block, element = find_element(home.blocks, ids.HOME_TASK)  # as the tab showed it before a republish
    return lambda: person.sandbox.interactions.block_action(person.user, block=block, element=element,
                                                            view=home._record)


def a_member_asks_for_the_update_modal_in_the_war_room(world: World) -> Deliver:
    room = world.incident(world.report(HEAD, "medium")).channel_id
    return lambda: world.person(MEMBER).slash("/crisis", "update", channel=room)


def the_executive_secretary_draws_this_months_drill(world: World) -> Deliver:
    now = world.stack.clock.now
    world.stack.clock.set((now.replace(day=1) + timedelta(days=32)).replace(day=3, hour=1, minute=0))
    world.drain()
    return lambda: world.person(EXEC).slash("/crisis", "drill draw")


def the_drilled_unit_asks_for_its_report_form(world: World) -> Deliver:
    head = world.head_of(world.drill())
    return lambda: world.person(head).slash("/crisis", "drill report")


def a_member_verifies_the_draw(world: World) -> Deliver:
    drill = world.drill()
    return lambda: world.person(EXEC).slash("/crisis", f"drill verify {drill}")


# ---- events


def the_commander_opens_the_home_tab(world: World) -> Deliver:
    world.report(HEAD, "high")  # a page waits on the commander
    ws, interactions = world.stack.sandbox.workspace, world.stack.sandbox.interactions
    user = ws.users[COMMANDER]
    event = payloads.app_home_opened(ws, user, ws.im_with(COMMANDER), None)
    delivery = Delivery("events_api", payloads.event_callback(ws, event))
    return lambda: interactions.send(delivery)  # Slack's retry: the very same envelope


# ---- the report and the incident's buttons


def a_member_submits_the_report_modal(world: World) -> Deliver:
    member = world.person(MEMBER)
    assert member.slash("/crisis", "report").ok
    modal = member.wait_modal(ids.REPORT_VIEW)
    modal.fill({ids.F_SUBTYPE: "force_majeure", ids.F_TITLE: "貨櫃場火警", ids.F_DESCRIPTION: "3 號倉冒煙",
                ids.F_LOCATION: "六堵", ids.F_LEVEL: "medium"})
    return modal.submit


def both_deliveries_show_the_one_incidents_receipt(world: World, outcomes: list[Any]) -> None:
    receipts = [o.view for o in outcomes]
    assert all(o.response_action == "update" for o in outcomes), [o.response_action for o in outcomes]
    numbers = [set(re.findall(r"\b\d{4}-\d{4}\b", str(view))) for view in receipts]
    assert len(numbers[0]) == 1 and numbers[0] == numbers[1], numbers


def the_commander_acknowledges_the_page(world: World) -> Deliver:
    world.report(HEAD, "high")
    page = world.dm_with(COMMANDER, ids.PAGE_ACK)
    return lambda: world.person(COMMANDER).click(page, ids.PAGE_ACK)


def the_head_opens_triage(world: World) -> Deliver:
    world.report(MEMBER, "medium")
    asked = world.dm_with(HEAD, ids.TRIAGE_OPEN)
    return lambda: world.person(HEAD).click(asked, ids.TRIAGE_OPEN)


def the_head_submits_triage(world: World) -> Deliver:
    world.report(MEMBER, "low")
    modal = world.modal(HEAD, world.dm_with(HEAD, ids.TRIAGE_OPEN), ids.TRIAGE_OPEN, ids.TRIAGE_VIEW)
    return modal.fill({ids.T_LEVEL: "medium"}).submit


def the_head_asks_for_legal_advice(world: World) -> Deliver:
    card = world.card(world.report(HEAD, "high"))
    return lambda: world.person(HEAD).click(card, ids.REQUEST_LEGAL)


def the_head_marks_a_low_incident_handled(world: World) -> Deliver:
    card = world.card(world.report(DEPUTY, "low"))
    return lambda: world.person(HEAD).click(card, ids.MARK_HANDLED)


def the_deputy_acknowledges_the_low_level_report(world: World) -> Deliver:
    incident = world.report(DEPUTY, "low")
    world.change(incident, HEAD, incidents.mark_handled)
    copy = world.dm_with(EXEC_DEPUTY, ids.HANDOFF_READ)
    return lambda: world.person(EXEC_DEPUTY).click(copy, ids.HANDOFF_READ)


# ---- drills


def the_planner_opens_the_plan(world: World) -> Deliver:
    world.drill()
    notice = world.dm_with(PLANNER, ids.DRILL_PLAN_OPEN)
    return lambda: world.person(PLANNER).click(notice, ids.DRILL_PLAN_OPEN)


def the_planner_submits_the_plan(world: World) -> Deliver:
    drill = world.drill_row(world.drill())
    modal = world.modal(PLANNER, world.dm_with(PLANNER, ids.DRILL_PLAN_OPEN), ids.DRILL_PLAN_OPEN,
                        ids.DRILL_PLAN_VIEW)
    now = world.stack.clock.now
    return modal.fill({ids.D_CATEGORY: drill.category, ids.D_SCENARIO: "模擬：颱風淹水",
                       ids.D_WINDOW_START: now + timedelta(days=1),
                       ids.D_WINDOW_END: now + timedelta(days=1, hours=2)}).submit


def the_head_opens_the_drill_report(world: World) -> Deliver:
    head = world.head_of(world.drill(planned=True))
    notice = world.dm_with(head, ids.DRILL_REPORT_OPEN)
    return lambda: world.person(head).click(notice, ids.DRILL_REPORT_OPEN)


def the_head_files_the_drill_report(world: World) -> Deliver:
    drill = world.drill_row(world.drill(planned=True))
    head = world.head_of(drill.id)
    modal = world.modal(head, world.dm_with(head, ids.DRILL_REPORT_OPEN), ids.DRILL_REPORT_OPEN,
                        ids.DRILL_REPORT_VIEW)
    return modal.fill({ids.R_UNIT: drill.unit_id, ids.R_TIME: world.stack.clock.now - timedelta(hours=1),
                       ids.R_ITEMS: [drill.category], ids.R_CASE: "颱風淹水", ids.R_SUMMARY: "09:00 通報"}).submit


def the_planner_opens_the_evaluation(world: World) -> Deliver:
    world.drill(reported=True)
    sent = world.dm_with(PLANNER, ids.DRILL_EVAL_OPEN)
    return lambda: world.person(PLANNER).click(sent, ids.DRILL_EVAL_OPEN)


def the_planner_submits_the_evaluation(world: World) -> Deliver:
    world.drill(reported=True)
    modal = world.modal(PLANNER, world.dm_with(PLANNER, ids.DRILL_EVAL_OPEN), ids.DRILL_EVAL_OPEN,
                        ids.DRILL_EVAL_VIEW)
    return modal.fill({ids.E_ASSESSMENT: "通報流程順暢", ids.E_RECOMMENDATIONS: "每季更新名冊"}).submit


def the_executive_secretary_approves(world: World) -> Deliver:
    world.drill(evaluated=True)
    asked = world.dm_with(EXEC, ids.DRILL_APPROVE)
    return lambda: world.person(EXEC).click(asked, ids.DRILL_APPROVE)


def the_executive_secretary_opens_the_return(world: World) -> Deliver:
    world.drill(evaluated=True)
    asked = world.dm_with(EXEC, ids.DRILL_RETURN_OPEN)
    return lambda: world.person(EXEC).click(asked, ids.DRILL_RETURN_OPEN)


def the_executive_secretary_returns_the_evaluation(world: World) -> Deliver:
    world.drill(evaluated=True)
    modal = world.modal(EXEC, world.dm_with(EXEC, ids.DRILL_RETURN_OPEN), ids.DRILL_RETURN_OPEN,
                        ids.DRILL_RETURN_VIEW)
    return modal.fill({ids.E_RETURN_COMMENT: "請補充改進時程"}).submit


# ---- handling: buttons that open a modal


def click_on_card(user: str, action_id: str, level: str = "high", value: Callable[[int], str] | None = None,
                  ready: Callable[[World, int], None] | None = None) -> Callable[[World], Deliver]:
    def scene(world: World) -> Deliver:
        incident = world.report(HEAD, level)
        if ready is not None:
            ready(world, incident)
        card = world.card(incident)
        return lambda: world.person(user).click(card, action_id, value(incident) if value else None)
    return scene


def resolved_by_the_commander(world: World, incident: int) -> None:
    world.change(incident, COMMANDER, handling.resolve)


def a_pending_statement(world: World) -> int:
    incident = world.report(HEAD, "high")
    world.change(incident, PR, lambda s, c, who, inc, now: handling.draft_statement(
        s, c, who, inc, "statement", "本關已啟動應變", now))
    return incident


def click_on_statement(action_id: str) -> Callable[[World], Deliver]:
    def scene(world: World) -> Deliver:
        draft = world.post_with(a_pending_statement(world), ids.MEDIA_APPROVE)
        return lambda: world.person(COMMANDER).click(draft, action_id)
    return scene


def a_legal_question(world: World) -> int:
    incident = world.report(HEAD, "high")
    world.change(incident, HEAD, lambda s, c, who, inc, now: handling.request_legal(s, c, who, inc, "可否暫停通關？",
                                                                                     now))
    return incident


def legal_opens_the_answer(world: World) -> Deliver:
    a_legal_question(world)
    page = world.dm_with(LEGAL, ids.LEGAL_ANSWER_OPEN)
    return lambda: world.person(LEGAL).click(page, ids.LEGAL_ANSWER_OPEN)


def the_head_snoozes_the_update_reminder(world: World) -> Deliver:
    world.report(HEAD, "medium")
    world.stack.later(minutes=world.config.routing.update_interval("medium") + 1)
    reminder = world.dm_with(HEAD, ids.UPDATE_SNOOZE)
    return lambda: world.person(HEAD).click(reminder, ids.UPDATE_SNOOZE)


def a_proposed_plan(world: World) -> int:
    incident = world.report(HEAD, "high")
    world.change(incident, HEAD, lambda s, c, who, inc, now: handling.propose_plan(s, c, who, inc, "疏散 3 號倉", now))
    return incident


def the_commander_confirms_the_plan(world: World) -> Deliver:
    post = world.post_with(a_proposed_plan(world), ids.PLAN_CONFIRM)
    return lambda: world.person(COMMANDER).click(post, ids.PLAN_CONFIRM)


def the_commander_confirms_the_plan_from_the_menu(world: World) -> Deliver:
    incident = a_proposed_plan(world)
    card = world.card(incident)
    return lambda: world.person(COMMANDER).click(card, ids.HANDLING_MENU, f"confirm_plan:{incident}")


# ---- handling: modals submitted


def submit(user: str, open_modal: Callable[[World, int], ViewHandle], values: dict[str, Any],
           prepare: Callable[[World], int] | None = None) -> Callable[[World], Deliver]:
    def scene(world: World) -> Deliver:
        incident = prepare(world) if prepare else world.report(HEAD, "high")
        return open_modal(world, incident).fill(values).submit
    return scene


def via_menu(user: str, what: str, callback: str, more: bool = False) -> Callable[[World, int], ViewHandle]:
    return lambda world, incident: world.menu(user, incident, what, callback, more)


def via_card(user: str, action_id: str, callback: str) -> Callable[[World, int], ViewHandle]:
    return lambda world, incident: world.modal(user, world.card(incident), action_id, callback)


def via_statement(action_id: str, callback: str) -> Callable[[World, int], ViewHandle]:
    return lambda world, incident: world.modal(COMMANDER, world.post_with(incident, ids.MEDIA_APPROVE), action_id,
                                               callback)


def the_executive_secretary_convenes_the_team(world: World) -> Deliver:
    incident = world.report(HEAD, "high")
    modal = world.menu(EXEC, incident, "convene", ids.CONVENE_VIEW)
    return modal.fill({ids.H_MEETING_AT: world.stack.clock.now + timedelta(hours=1), ids.H_PLACE: "三樓會議室"}).submit


def legal_answers(world: World) -> Deliver:
    a_legal_question(world)
    modal = world.modal(LEGAL, world.dm_with(LEGAL, ids.LEGAL_ANSWER_OPEN), ids.LEGAL_ANSWER_OPEN,
                        ids.LEGAL_ANSWER_VIEW)
    return modal.fill({ids.H_TEXT: "依關稅法得暫停"}).submit


CASE_FILE = {f"{ids.CF_PREFIX}summary": "3 號倉火警", f"{ids.CF_PREFIX}cause": "電線走火",
             f"{ids.CF_PREFIX}handling": "疏散、通報消防", f"{ids.CF_PREFIX}lessons": "定期檢查電線"}


# ---- the table: one row per listener and per /crisis sub-command


# ---- the case-file library (/crisis cases)


def a_closed_case(world: World, long: bool = False) -> int:
    """A closed incident with its case file, written as the aftermath leaves it; the newest closed case."""
    now = world.stack.clock()
    handled = "。".join(f"第{i}項措施為加強巡查與通報聯繫" for i in range(700)) if long else "疏散"
    with world.services.sessions() as s, s.begin():
        seq, number = allocate_incident_number(s, 2024)
        incident = Incident(number=number, year=2024, seq=seq, category="sudden_event", subtype="force_majeure",
                            level="medium", proposed_level="medium", status="closed", unit_id="inspection",
                            reporter=MEMBER, title="颱風淹水", description="", flags={}, created_at=now,
                            closed_at=now)
        s.add(incident)
        s.flush()
        s.add(CaseFile(incident_id=incident.id, version=1, submitted_by=HEAD, submitted_at=now,
                       data={"summary": "颱風", "cause": "豪雨", "handling": handled, "lessons": "沙包"}))
        return incident.id


def cases_answer(world: World, user: str) -> Message:
    person = world.person(user)
    seen = {m.ts for m in person.ephemerals()}
    assert person.slash("/crisis", "cases 颱風").ok
    return person.wait_ephemeral(lambda m: m.ts not in seen and ids.CASES_HEADER in str(m.blocks))


def the_head_searches_the_cases(world: World) -> Deliver:
    a_closed_case(world)
    return lambda: world.person(HEAD).slash("/crisis", "cases 颱風")


def click_on_a_case(action_id: str) -> Callable[[World], Deliver]:
    def scene(world: World) -> Deliver:
        a_closed_case(world)
        shown = cases_answer(world, HEAD)
        return lambda: world.person(HEAD).click(shown, action_id, block_id=f"{ids.CASES_HIT_PREFIX}0_actions")
    return scene


def the_head_turns_the_case_files_page(world: World) -> Deliver:
    a_closed_case(world, long=True)
    head = world.person(HEAD)
    head.click(cases_answer(world, HEAD), ids.CASES_OPEN, block_id=f"{ids.CASES_HIT_PREFIX}0_actions")
    modal = head.wait_modal(ids.CASE_VIEW)
    return lambda: head.click(modal, ids.CASES_PAGE, block_id="case_nav")


def the_head_opens_the_case_search(world: World) -> Deliver:
    home = world.person(HEAD).open_home()
    assert home is not None
    return lambda: world.person(HEAD).click(home, ids.CASES_SEARCH_OPEN)


def the_head_searches_from_app_home(world: World) -> Deliver:
    a_closed_case(world)
    head = world.person(HEAD)
    home = head.open_home()
    assert home is not None
    head.click(home, ids.CASES_SEARCH_OPEN)
    return head.wait_modal(ids.CASES_SEARCH_VIEW).fill({ids.CS_WORDS: "颱風"}).submit


def opens(user: str, callback: str) -> tuple[str, str]:
    return (user, callback)


RACES: tuple[Race, ...] = (
    # /crisis sub-commands (handlers/commands.py ROUTES)
    Race("route help", slash(MEMBER, "help")),
    Race("route report", slash(MEMBER, "report"), opens=opens(MEMBER, ids.REPORT_VIEW)),
    Race("route list", slash(EXEC, "list")),
    Race("route status", head_asks_for_the_status_of_an_incident),
    Race("route roster", slash(MEMBER, "roster")),
    Race("route handover", the_holder_hands_the_executive_secretary_seat_over),  # the preview: nothing yet
    Race(f"action {ids.HANDOVER_CONFIRM}", the_holder_confirms_the_handover, once="roster.handover"),
    Race(f"action {ids.HANDOVER_CANCEL}", the_holder_cancels_the_handover),
    Race(f"action {ids.HOME_TASK}", the_executive_secretary_approves_from_app_home,
         once="drill.evaluation_approved"),
    Race("route update", a_member_asks_for_the_update_modal_in_the_war_room, opens=opens(MEMBER, ids.UPDATE_VIEW)),
    Race("route drill_draw", the_executive_secretary_draws_this_months_drill, once="drill.drawn"),
    Race("route drill_report", the_drilled_unit_asks_for_its_report_form),
    Race("route drill_status", slash(EXEC, "drill status")),
    Race("route drill_verify", a_member_verifies_the_draw),
    Race("route review", the_executive_secretary_asks_for_this_months_review, once="review.requested"),
    # events
    Race("event app_home_opened", the_commander_opens_the_home_tab),
    # the report modal and the incident's buttons (handlers/report.py, handlers/incident.py)
    Race(f"view {ids.REPORT_VIEW}", a_member_submits_the_report_modal, once="incident.reported",
         check=both_deliveries_show_the_one_incidents_receipt),
    Race(f"action {ids.PAGE_ACK}", the_commander_acknowledges_the_page, once="page.acked"),
    Race(f"action {ids.TRIAGE_OPEN}", the_head_opens_triage, opens=opens(HEAD, ids.TRIAGE_VIEW)),
    Race(f"view {ids.TRIAGE_VIEW}", the_head_submits_triage, once="incident.level_set"),
    Race(f"action {ids.REQUEST_LEGAL}", the_head_asks_for_legal_advice, opens=opens(HEAD, ids.LEGAL_REQUEST_VIEW)),
    Race(f"action {ids.MARK_HANDLED}", the_head_marks_a_low_incident_handled, once="incident.handled"),
    # hand-offs to a role's holder and deputy (handlers/handoffs.py)
    Race(f"action {ids.HANDOFF_READ}", the_deputy_acknowledges_the_low_level_report, once="handoff.read"),
    # drills (handlers/drills.py)
    Race(f"action {ids.DRILL_PLAN_OPEN}", the_planner_opens_the_plan, opens=opens(PLANNER, ids.DRILL_PLAN_VIEW)),
    Race(f"view {ids.DRILL_PLAN_VIEW}", the_planner_submits_the_plan, once="drill.planned"),
    Race(f"action {ids.DRILL_REPORT_OPEN}", the_head_opens_the_drill_report),
    Race(f"view {ids.DRILL_REPORT_VIEW}", the_head_files_the_drill_report, once="drill.reported"),
    Race(f"action {ids.DRILL_EVAL_OPEN}", the_planner_opens_the_evaluation,
         opens=opens(PLANNER, ids.DRILL_EVAL_VIEW)),
    Race(f"view {ids.DRILL_EVAL_VIEW}", the_planner_submits_the_evaluation, once="drill.evaluation_submitted"),
    Race(f"action {ids.DRILL_APPROVE}", the_executive_secretary_approves, once="drill.evaluation_approved"),
    Race(f"action {ids.DRILL_RETURN_OPEN}", the_executive_secretary_opens_the_return,
         opens=opens(EXEC, ids.DRILL_RETURN_VIEW)),
    Race(f"view {ids.DRILL_RETURN_VIEW}", the_executive_secretary_returns_the_evaluation,
         once="drill.evaluation_returned", allowed=("此評估報告已經處理過了",)),
    # handling: buttons that open a modal (handlers/handling.py)
    Race(f"action {ids.STEP_SKIP_OPEN}", click_on_card(HEAD, ids.STEP_SKIP_OPEN),
         opens=opens(HEAD, ids.STEP_SKIP_VIEW)),
    Race(f"action {ids.UPDATE_OPEN}", click_on_card(MEMBER, ids.UPDATE_OPEN), opens=opens(MEMBER, ids.UPDATE_VIEW)),
    Race(f"action {ids.HANDLING_MENU}", click_on_card(HEAD, ids.HANDLING_MENU, value=lambda i: f"notes:{i}"),
         opens=opens(HEAD, ids.NOTES_VIEW)),
    Race(f"action {ids.HANDLING_MENU} confirm_plan", the_commander_confirms_the_plan_from_the_menu),  # shows it
    Race(f"action {ids.HANDLING_MENU_MORE}", click_on_card(PR, ids.HANDLING_MENU_MORE, value=lambda i: f"draft:{i}"),
         opens=opens(PR, ids.MEDIA_VIEW)),
    Race(f"action {ids.MEDIA_EDIT_OPEN}", click_on_statement(ids.MEDIA_EDIT_OPEN),
         opens=opens(COMMANDER, ids.MEDIA_EDIT_VIEW)),
    Race(f"action {ids.MEDIA_REJECT_OPEN}", click_on_statement(ids.MEDIA_REJECT_OPEN),
         opens=opens(COMMANDER, ids.MEDIA_REJECT_VIEW)),
    Race(f"action {ids.LEGAL_ANSWER_OPEN}", legal_opens_the_answer, opens=opens(LEGAL, ids.LEGAL_ANSWER_VIEW)),
    Race(f"action {ids.CASEFILE_OPEN}", click_on_card(HEAD, ids.CASEFILE_OPEN, ready=resolved_by_the_commander),
         opens=opens(HEAD, ids.CASEFILE_VIEW)),
    # handling: buttons that act at once
    Race(f"action {ids.STEP_COMPLETE}", click_on_card(HEAD, ids.STEP_COMPLETE), once="step.completed"),
    Race(f"action {ids.UPDATE_SNOOZE}", the_head_snoozes_the_update_reminder, once="update.snoozed"),
    Race(f"action {ids.PLAN_CONFIRM}", the_commander_confirms_the_plan, once="plan.confirmed"),
    Race(f"action {ids.MEDIA_APPROVE}", click_on_statement(ids.MEDIA_APPROVE), once="media.released"),
    Race(f"action {ids.RESOLVE}", click_on_card(COMMANDER, ids.RESOLVE), once="incident.resolved"),
    # handling: modals
    Race(f"view {ids.STEP_SKIP_VIEW}", submit(HEAD, via_card(HEAD, ids.STEP_SKIP_OPEN, ids.STEP_SKIP_VIEW),
                                              {ids.H_REASON: "已於電話會議評估"}), once="step.skipped"),
    Race(f"view {ids.UPDATE_VIEW}", submit(MEMBER, via_card(MEMBER, ids.UPDATE_OPEN, ids.UPDATE_VIEW),
                                           {ids.H_TEXT: "火勢已控制"}), once="update.posted"),
    Race(f"view {ids.CONVENE_VIEW}", the_executive_secretary_convenes_the_team, once="team.convened"),
    Race(f"view {ids.NOTES_VIEW}", submit(HEAD, via_menu(HEAD, "notes", ids.NOTES_VIEW),
                                          {ids.H_INFORMATION: "消防隊已到場"}), once="assess.notes"),
    Race(f"view {ids.PLAN_VIEW}", submit(HEAD, via_menu(HEAD, "plan", ids.PLAN_VIEW), {ids.H_TEXT: "疏散 3 號倉"}),
         once="plan.proposed"),
    Race(f"view {ids.MEDIA_VIEW}", submit(PR, via_menu(PR, "draft", ids.MEDIA_VIEW, more=True),
                                          {ids.H_TEXT: "本關已啟動應變"}), once="media.drafted"),
    Race(f"view {ids.MEDIA_EDIT_VIEW}", submit(COMMANDER, via_statement(ids.MEDIA_EDIT_OPEN, ids.MEDIA_EDIT_VIEW),
                                               {ids.H_TEXT: "本關已啟動應變，詳情稍後說明"},
                                               prepare=a_pending_statement), once="media.released"),
    Race(f"view {ids.MEDIA_REJECT_VIEW}", submit(COMMANDER, via_statement(ids.MEDIA_REJECT_OPEN,
                                                                          ids.MEDIA_REJECT_VIEW),
                                                 {ids.H_REASON: "待查證"}, prepare=a_pending_statement),
         once="media.rejected"),
    Race(f"view {ids.OPINION_VIEW}", submit(PR, via_menu(PR, "opinion", ids.OPINION_VIEW, more=True),
                                            {ids.H_TEXT: "臉書社團討論增加"}), once="opinion.noted"),
    Race(f"view {ids.LEGAL_REQUEST_VIEW}", submit(HEAD, via_card(HEAD, ids.REQUEST_LEGAL, ids.LEGAL_REQUEST_VIEW),
                                                  {ids.H_QUESTION: "可否暫停該倉通關？"}), once="legal.requested"),
    Race(f"view {ids.LEGAL_ANSWER_VIEW}", legal_answers, once="legal.answered"),
    Race(f"view {ids.COORD_VIEW}", submit(EXEC_DEPUTY, via_menu(EXEC_DEPUTY, "coordinate", ids.COORD_VIEW, more=True),
                                          {ids.H_ACTION: "與港務公司協調替代倉位"}), once="coordination.logged"),
    Race("route cases", the_head_searches_the_cases),
    Race(f"action {ids.CASES_OPEN}", click_on_a_case(ids.CASES_OPEN), opens=opens(HEAD, ids.CASE_VIEW)),
    Race(f"action {ids.CASES_DOCX}", click_on_a_case(ids.CASES_DOCX), once="casefile.docx_requested"),
    Race(f"action {ids.CASES_PAGE}", the_head_turns_the_case_files_page, opens=opens(HEAD, ids.CASE_VIEW)),
    Race(f"action {ids.CASES_SEARCH_OPEN}", the_head_opens_the_case_search,
         opens=opens(HEAD, ids.CASES_SEARCH_VIEW)),
    Race(f"view {ids.CASES_SEARCH_VIEW}", the_head_searches_from_app_home, opens=opens(HEAD, ids.CASES_SEARCH_VIEW)),
    Race(f"view {ids.CASEFILE_VIEW}", submit(HEAD, via_card(HEAD, ids.CASEFILE_OPEN, ids.CASEFILE_VIEW), CASE_FILE,
                                             prepare=World.resolved), once="casefile.submitted"),
)


def registered() -> list[str]:
    """Every listener the bot registers, as a row names it: "action page_ack", "route handover"..."""
    found = [f"{kind} {key}" for module in handler_app.HANDLER_MODULES for kind, key, _ in module.LISTENERS
             if kind != "command"]
    found += [f"route {key}" for key in commands.ROUTES]
    return found


def test_every_listener_has_a_race() -> None:
    rows = {race.listener.split(" confirm_plan")[0] for race in RACES}
    assert [listener for listener in registered() if listener not in rows] == []
    assert [race.listener for race in RACES if race.listener.split(" confirm_plan")[0] not in registered()] == []
    assert {kind for module in handler_app.HANDLER_MODULES for kind, _, _ in module.LISTENERS} <= {
        "action", "view", "event", "command"}


def cases(rows: tuple[Any, ...], name: Callable[[Any], str]) -> list[Any]:
    """Each row on each database; a row's xfail for a database is strict (it must fail there)."""
    found = []
    for row in rows:
        for backend in BACKENDS:
            marks = [pytest.mark.postgres] if backend == "pg" else []
            if backend in row.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=row.xfail[backend]))
            found.append(pytest.param(row, backend, marks=marks, id=f"{name(row)}-{backend}"))
    return found


def act(world: World, caplog: pytest.LogCaptureFixture, deliver: Deliver,
        together: bool) -> tuple[dict[str, int], Seen]:
    """Deliver once or twice at once; drain; what changed and what people saw."""
    world.drain()
    before, watch = effects(world), Watch(world, caplog)
    outcomes = twice(deliver) if together else [deliver()]
    world.drain()
    return difference(effects(world), before), watch.seen(outcomes)


def fresh_scene(world: World) -> None:
    """Before each scene: nobody has a modal open, and every seat is held as the config says (a handover row
    moved the executive secretary's)."""
    ws = world.stack.sandbox.workspace
    with ws.changing():
        for user in list(ws.modal_stacks):
            ws.close_modal(user, clear=True)
    if world.holder(Role.EXECUTIVE_SECRETARY) != EXEC:  # a config reload keeps a handover: hand it back
        target, to = roster_forms.parse(f"executive_secretary <@{EXEC}>")
        with world.services.sessions() as s, s.begin():
            roster_service.hand_over(s, world.services.who(EXEC_DEPUTY), target, to, world.stack.clock(),
                                     config=world.config)
        world.drain()


@pytest.mark.parametrize(("race", "backend"), cases(RACES, lambda r: r.listener.replace(" ", ":")))
def test_twice_at_once_has_the_effect_of_once(race: Race, backend: str, worlds: Callable[[str], World],
                                              caplog: pytest.LogCaptureFixture) -> None:
    world = worlds(backend)
    caplog.set_level(logging.WARNING)
    fresh_scene(world)
    once, seen = act(world, caplog, race.scene(world), together=False)
    assert seen.errors(race.allowed) == [], "one delivery alone already shows an error"
    if race.once:
        assert once.get(f"audit {race.once}") == 1, once
    for n in range(ROUNDS):
        fresh_scene(world)
        doubled, seen = act(world, caplog, race.scene(world), together=True)
        assert seen.errors(race.allowed) == [], f"round {n + 1}"
        assert doubled == once, f"round {n + 1}: twice at once did {doubled}, once did {once}"
        if race.opens:
            user, callback = race.opens
            shown = world.person(user).modal()
            assert shown is not None and shown.callback_id == callback, f"round {n + 1}: {shown}"
        if race.check:
            race.check(world, seen.outcomes)


# ---------------------------------------------------------------------------------------------- conflicting pairs


@dataclass(frozen=True)
class Pair:
    """Two different interactions at once, and the invariants that hold whichever wins."""

    name: str
    run: Callable[[World, Callable[[], Seen]], None]
    xfail: dict[str, str] = field(default_factory=dict)


def watching(world: World, caplog: pytest.LogCaptureFixture) -> Callable[..., Seen]:
    def start(*actions: Deliver) -> Seen:
        world.drain()
        watch = Watch(world, caplog)
        outcomes = at_once(*actions)
        world.drain()
        return watch.seen(outcomes)
    return start


def acknowledge_as_the_escalation_fires(world: World, together: Callable[..., Seen]) -> None:
    incident = world.report(HEAD, "high")
    page = world.dm_with(COMMANDER, ids.PAGE_ACK)
    timeout = world.config.paging.ack_timeout_seconds["high"]
    world.stack.clock.advance(seconds=timeout + 1)  # the escalation is due; nobody has swept it yet
    commander = world.person(COMMANDER)
    seen = together(lambda: commander.click(page, ids.PAGE_ACK), lambda: world.stack.bot.tick(world.stack.clock()))
    assert seen.errors() == []
    told = [t for t in seen.shown if "已確認收到" in t]
    first = world.pages(incident)[0]
    acked = world.timeline(incident).count("page.acked")
    assert acked <= 1, f"{acked} page.acked events"
    if told:  # the commander was told it is done: then it is, and nobody else is chased
        assert first.status == "acked" and acked == 1, (first.status, acked)
        live = [p for p in world.pages(incident) if p.status == "paging"]
        assert live == [], [(p.target_user, p.attempt) for p in live]
        world.stack.later(seconds=timeout * 3)
        assert not [m for m in world.room(incident).messages() if "未回應" in m.text], "a false alarm"


def resolve_as_the_head_raises_to_high(world: World, together: Callable[..., Seen]) -> None:
    incident = world.report(MEMBER, "medium")
    modal = world.modal(HEAD, world.dm_with(HEAD, ids.TRIAGE_OPEN), ids.TRIAGE_OPEN, ids.TRIAGE_VIEW)
    world.change(incident, HEAD, lambda s, c, who, inc, now: incidents.set_level(s, c, who, inc, Level.MEDIUM, None,
                                                                                  now))  # the secretary is paged
    modal.fill({ids.T_LEVEL: "high"})  # the head's modal, opened before, now raises it
    card = world.card(incident)
    seen = together(lambda: world.person(EXEC).click(card, ids.RESOLVE), modal.submit)
    assert seen.errors(allowed=("僅限處理中的事件",)) == []  # the triage came too late: legitimate
    assert world.incident(incident).status == "resolved"
    live = [(p.role, p.target_user) for p in world.pages(incident) if p.status == "paging"]
    assert live == [], f"a resolved incident still pages {live}"
    with world.services.sessions() as s:
        chasing = [w.kind for w in queue.pending(s, subject_id=incident) if w.kind.startswith("page.")]
    assert chasing == [], chasing
    world.stack.later(seconds=world.config.paging.ack_timeout_seconds["medium"] * 4)
    assert not [m for m in world.room(incident).messages() if "未回應" in m.text], "a false alarm"


def click_as_it_was(person: Person, message: Message, action_id: str) -> Outcome:
    """Click a button on the message as the person's screen still shows it (before a refresh removed it)."""
    sandbox = person.sandbox
    block, element = find_element(message.blocks, action_id)
    return sandbox.interactions.block_action(person.user, block=block, element=element,
                                             channel=sandbox.workspace.channels[message.channel],
                                             message=message.raw)


def resolve_again_as_the_head_files_the_case_file(world: World, together: Callable[..., Seen]) -> None:
    incident = world.report(HEAD, "high")
    stale = world.card(incident)  # the executive secretary's screen, with Resolve on it
    world.change(incident, COMMANDER, handling.resolve)
    modal = world.modal(HEAD, world.card(incident), ids.CASEFILE_OPEN, ids.CASEFILE_VIEW).fill(CASE_FILE)
    seen = together(lambda: click_as_it_was(world.person(EXEC), stale, ids.RESOLVE), modal.submit)
    assert seen.errors() == []
    kinds = world.timeline(incident)
    assert kinds.count("incident.resolved") == 1 and kinds.count("casefile.submitted") == 1, kinds
    assert kinds.count("incident.closed") == 1, kinds
    assert world.incident(incident).status == "closed"
    with world.services.sessions() as s:
        left = sorted(w.kind for w in queue.pending(s, subject_id=incident))
    assert left == ["incident.archive"], left


def two_handovers_of_one_seat(world: World, together: Callable[..., Seen]) -> None:
    holder = world.holder(Role.EXECUTIVE_SECRETARY)
    first, second = [u for u in SPARE if u != holder][:2]
    with world.services.sessions() as s:
        mark = s.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    by_holder = handover_preview(world, holder, first)  # each confirms the preview they were shown
    by_deputy = handover_preview(world, EXEC_DEPUTY, second)
    seen = together(lambda: click_preview_as_it_was(world.person(holder), by_holder, ids.HANDOVER_CONFIRM),
                    lambda: click_preview_as_it_was(world.person(EXEC_DEPUTY), by_deputy, ids.HANDOVER_CONFIRM))
    assert seen.errors() == []
    with world.services.sessions() as s:
        handed = list(s.scalars(sa.select(AuditEvent).where(AuditEvent.id > mark,
                                                            AuditEvent.kind == "roster.handover")
                                .order_by(AuditEvent.id)))
        open_seats = [a.user_id for a in seats.history(s, Role.EXECUTIVE_SECRETARY)
                      if a.seat == "primary" and a.ended_at is None]
    assert len(open_seats) == 1, open_seats
    chain = [holder] + [e.data["to"] for e in handed]
    assert [e.data["from"] for e in handed] == chain[:-1], "a handover from someone who no longer held the seat"
    assert open_seats == chain[-1:]
    # each preview is replaced by its answer: one says done for each handover made
    answers = [m.text for user, shown in ((holder, by_holder), (EXEC_DEPUTY, by_deputy))
               for m in world.person(user).ephemerals() if m.ts == shown.ts]
    done = [t for t in answers + seen.shown if "✅" in t]
    assert len(done) == len(handed) >= 1, (done, len(handed))


def approve_the_old_evaluation_as_a_new_version_arrives(world: World, together: Callable[..., Seen]) -> None:
    drill = world.drill(evaluated=True)
    approve = world.dm_with(EXEC, ids.DRILL_APPROVE)
    modal = world.modal(PLANNER, world.dm_with(PLANNER, ids.DRILL_EVAL_OPEN), ids.DRILL_EVAL_OPEN,
                        ids.DRILL_EVAL_VIEW).fill({ids.E_ASSESSMENT: "第二版：通報流程順暢"})
    seen = together(lambda: world.person(EXEC).click(approve, ids.DRILL_APPROVE), modal.submit)
    assert seen.errors(allowed=("核定", "approved")) == []
    versions = world.evaluations(drill)
    approved = [e.version for e in versions if e.status == "approved"]
    assert len(approved) <= 1, approved
    if approved:
        assert approved == [versions[-1].version], (
            f"version {approved[0]} approved while version {versions[-1].version} superseded it")
    kinds = world.drill_events(drill)
    assert kinds.count("drill.evaluation_approved") == len(approved), kinds


def head_and_deputy_file_the_case_file(world: World, together: Callable[..., Seen]) -> None:
    incident = world.resolved()
    head = world.modal(HEAD, world.card(incident), ids.CASEFILE_OPEN, ids.CASEFILE_VIEW).fill(CASE_FILE)
    deputy = world.modal(DEPUTY, world.card(incident), ids.CASEFILE_OPEN, ids.CASEFILE_VIEW).fill(
        {**CASE_FILE, f"{ids.CF_PREFIX}summary": "3 號倉火警（代理人版）"})
    seen = together(head.submit, deputy.submit)
    assert seen.errors(allowed=("版",)) == []
    with world.services.sessions() as s:
        versions = sorted(s.scalars(sa.select(CaseFile.version).where(CaseFile.incident_id == incident)))
    assert versions in ([1], [1, 2]), versions
    kinds = world.timeline(incident)
    assert kinds.count("casefile.submitted") == len(versions) and kinds.count("incident.closed") == 1, kinds
    assert world.incident(incident).status == "closed"


PAIRS: tuple[Pair, ...] = (
    Pair("acknowledge vs the escalation timer", acknowledge_as_the_escalation_fires),
    Pair("resolve vs triage to high", resolve_as_the_head_raises_to_high),
    Pair("resolve vs the case file", resolve_again_as_the_head_files_the_case_file),
    Pair("two handovers of one seat", two_handovers_of_one_seat),
    Pair("approve an old evaluation vs a new version", approve_the_old_evaluation_as_a_new_version_arrives),
    Pair("head and deputy file the case file", head_and_deputy_file_the_case_file),
)


@pytest.mark.parametrize(("pair", "backend"), cases(PAIRS, lambda p: p.name.replace(" ", "-")))
def test_conflicting_pair_at_once(pair: Pair, backend: str, worlds: Callable[[str], World],
                                  caplog: pytest.LogCaptureFixture) -> None:
    world = worlds(backend)
    caplog.set_level(logging.WARNING)
    for _ in range(ROUNDS + 1):
        fresh_scene(world)
        pair.run(world, watching(world, caplog))

