"""The report's flags act (issue 12 §3), straight through the service on the real database: who each flag invites,
tells and pages, in the report's transaction; one DM per role however many flags name it; no page twice; the
audit events; another config's routes; and the notice's executor over a recording chat."""

from __future__ import annotations

from datetime import datetime

import yaml

from bot.blockkit import ids
from bot.delivery.kinds import WorkKind
from bot.incidents import service as incidents
from bot.incidents.state import Report
from bot.incidents.work import notify_flagged
from bot.procedure.config import EXAMPLE_CONFIG, Level, OrgConfig, parse_config
from bot.procedure.status import PageStatus
from sandbox.rules import block_messages
from storage.models import Incident
from tests.bot.procedure_kit import (
    COMMANDER,
    CONFIG,
    INSPECTION_HEAD,
    INSPECTION_MEMBER,
    PR,
    PR_DEPUTY,
    SECRETARY,
    due,
    event_data,
    invited,
    job_for,
    pages,
    summary,
    who,
)

PLANNING = "U0000PLAN"


def flagged(session, reporter: str, level: Level, now: datetime, *flags: str,
            config: OrgConfig = CONFIG) -> Incident:
    data = Report(unit_id="inspection", category="sudden_event", subtype="force_majeure", title="倉庫火警",
                  description="3 號倉冒煙，兩人送醫", occurred_at=None, location="六堵", impact="",
                  proposed_level=level, flags={f: f in flags for f in ("media", "legislator", "casualties")})
    reported = incidents.report(session, config, who(reporter), data,
                                submission_key=f"{reporter}:{now.isoformat()}:{flags}", now=now)
    session.flush()
    incident = session.get(Incident, reported.incident_id)
    assert incident is not None
    return incident


def notices(session, incident) -> dict[str, dict]:
    return {w.payload["role"]: dict(w.payload) for w in due(session, incident, WorkKind.FLAG_NOTIFY)}


def test_media_invites_and_tells_pr(session, clock):
    incident = flagged(session, INSPECTION_MEMBER, Level.LOW, clock.now, "media")
    assert PR in invited(session, incident)
    assert notices(session, incident) == {"public_relations": {
        "incident": incident.id, "role": "public_relations", "to": ["public_relations"], "flags": ["media"],
        "invited": True}}
    assert PR_DEPUTY in invited(session, incident)  # the deputy gets a copy of the notice (§3), and its room
    assert pages(session, incident) == []
    assert event_data(session, incident, "incident.flag_routed") == [
        {"flag": "media", "invite": ["public_relations"], "notify": ["public_relations"], "page": []}]


def test_a_legislator_brings_in_pr_and_the_executive_secretary(session, clock):
    incident = flagged(session, INSPECTION_MEMBER, Level.LOW, clock.now, "legislator")
    assert {PR, SECRETARY} <= invited(session, incident)
    told = notices(session, incident)
    assert set(told) == {"public_relations", "executive_secretary"}
    assert told["executive_secretary"]["to"] == ["executive_secretary"]
    assert told["executive_secretary"]["flags"] == ["legislator"]


def test_media_and_legislator_tell_pr_once_with_both_reasons(session, clock):
    incident = flagged(session, INSPECTION_MEMBER, Level.LOW, clock.now, "media", "legislator")
    told = notices(session, incident)
    assert told["public_relations"]["flags"] == ["media", "legislator"]
    assert len(due(session, incident, WorkKind.FLAG_NOTIFY)) == 2  # PR once, the secretary once


def test_casualties_page_the_commander_at_low_level_and_invite_them(session, clock):
    incident = flagged(session, INSPECTION_HEAD, Level.LOW, clock.now, "casualties")
    assert incident.level == "low"
    [page] = pages(session, incident)
    assert summary(page) == ("commander", COMMANDER, "primary", PageStatus.PAGING, 0)
    assert COMMANDER in invited(session, incident)
    assert notices(session, incident) == {}  # the page is the telling


def test_casualties_on_an_untriaged_report_page_the_commander_at_once(session, clock):
    incident = flagged(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now, "casualties")
    assert incident.level is None
    assert [summary(p)[:2] for p in pages(session, incident)] == [("commander", COMMANDER)]


def test_casualties_at_high_level_do_not_page_the_commander_twice(session, clock):
    incident = flagged(session, INSPECTION_HEAD, Level.HIGH, clock.now, "casualties")
    assert [summary(p)[:2] for p in pages(session, incident)] == [("commander", COMMANDER)]


def test_no_flags_change_nothing(session, clock):
    incident = flagged(session, INSPECTION_MEMBER, Level.LOW, clock.now)
    assert event_data(session, incident, "incident.flag_routed") == []
    assert due(session, incident, WorkKind.FLAG_NOTIFY) == [] and pages(session, incident) == []
    assert PR not in invited(session, incident)


def other_config() -> OrgConfig:
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["routing"]["flags"] = {"media": {"invite": ["planning"], "notify": ["planning"]}, "casualties": {},
                                "legislator": {"page": ["executive_secretary"]}}
    return parse_config(data)


def test_another_configs_routes_bring_in_others(session, clock):
    config = other_config()
    incident = flagged(session, INSPECTION_MEMBER, Level.LOW, clock.now, "media", "casualties", "legislator",
                       config=config)
    assert PLANNING in invited(session, incident) and PR not in invited(session, incident)
    assert set(notices(session, incident)) == {"planning"}
    assert [summary(p)[:2] for p in pages(session, incident)] == [("executive_secretary", SECRETARY)]


def test_the_notice_says_why_with_the_short_account_and_the_room(session, clock, services, chat):
    incident = flagged(session, INSPECTION_MEMBER, Level.LOW, clock.now, "media")
    incident.channel_id = "C0000ROOM"
    session.commit()
    notify_flagged(services, job_for(services, incident, WorkKind.FLAG_NOTIFY), clock.now)
    sent, copy = [args for verb, args in chat.calls if verb == "direct_message_once"]
    key = f"incident:{incident.id}:flag-notify:public_relations"
    assert (sent["user"], sent["key"]) == (PR, f"{key}:{PR}")
    assert (copy["user"], copy["key"]) == (PR_DEPUTY, f"{key}:{PR_DEPUTY}")  # the deputy's copy, in English
    message = sent["message"]
    assert "媒體已關注" in message["text"] and "連絡暨公關組" in message["text"]
    assert block_messages(message["blocks"]) == []
    short = next(b for b in message["blocks"] if b.get("block_id") == ids.ACCOUNT_SHORT)["text"]["text"]
    assert "3 號倉冒煙，兩人送醫" in short and "六堵" in short and "📰 媒體已關注" in short
    assert "<#C0000ROOM" in message["blocks"][-1]["text"]["text"]
