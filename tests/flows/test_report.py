"""Report, triage, war room and paging, end to end through the sandbox (issue: report and war room)."""

from __future__ import annotations

import pytest

from bot.blockkit import ids
from storage import work as queue
from storage.models import Incident, Page

REPORT = {
    ids.F_SUBTYPE: "force_majeure",
    ids.F_TITLE: "貨櫃場火警",
    ids.F_DESCRIPTION: "六堵貨櫃場 3 號倉庫冒煙，已通報消防隊。",
    ids.F_LOCATION: "六堵貨櫃場",
}


def report(stack, user: str, level: str = "medium", **fields):
    person = stack.person(user)
    shown = person.slash("/crisis", "report")
    assert shown.ok
    modal = person.wait_modal(ids.REPORT_VIEW)
    modal.fill({**REPORT, ids.F_LEVEL: level, **fields})
    outcome = modal.submit()
    assert outcome.ok and not outcome.errors, outcome.errors
    return person, outcome


def incident(stack, number: str = "2026-0001") -> Incident:
    with stack.bot.services.sessions() as s:
        from storage.incidents import by_number

        found = by_number(s, number)
        assert found is not None
        return found


def pages(stack) -> list[Page]:
    import sqlalchemy as sa

    with stack.bot.services.sessions() as s:
        return list(s.scalars(sa.select(Page).order_by(Page.id)))


def dm_with(stack, user: str, action_id: str):
    person = stack.person(user)
    return person.dm().wait_for_message(lambda m: action_id in str(m.blocks))


def test_member_report_opens_war_room_and_asks_the_head_to_triage(stack):
    person, outcome = report(stack, "U0000INS1", "medium")
    assert "2026-0001" in str(outcome.view)
    stack.drain()
    inc = incident(stack)
    assert inc.level is None and inc.proposed_level == "medium" and inc.unit_id == "inspection"
    room = stack.sandbox.channel(inc.channel_id)
    assert room.name.startswith("inc-2026-0001-")
    assert "貨櫃場火警" in room.name
    assert {"U0000INS1", "U0000INSH", "U0000INSD"} <= set(room.members)
    assert "2026-0001" in room.purpose
    card = room.pins[0]
    assert "危機事件 2026-0001" in card.all_text() and "待主管研判" in card.all_text()
    assert pages(stack) == []  # untriaged: nobody paged yet
    triage_dm = dm_with(stack, "U0000INSH", ids.TRIAGE_OPEN)
    assert "建議等級" in triage_dm.all_text()
    reporter_dm = person.dm().wait_for_message(lambda m: inc.channel_id in m.text)
    assert "2026-0001" in reporter_dm.text


def test_head_triage_pages_the_executive_secretary_who_acknowledges(stack):
    report(stack, "U0000INS1", "low")
    stack.drain()
    head = stack.person("U0000INSH")
    head.click(dm_with(stack, "U0000INSH", ids.TRIAGE_OPEN), ids.TRIAGE_OPEN)
    modal = head.wait_modal(ids.TRIAGE_VIEW)
    modal.fill({ids.T_LEVEL: "medium"})
    assert modal.submit().ok
    stack.drain()
    [page] = pages(stack)
    assert (page.role, page.target_user, page.status) == ("executive_secretary", "U0000EXEC", "paging")
    page_dm = dm_with(stack, "U0000EXEC", ids.PAGE_ACK)
    room = stack.sandbox.channel(incident(stack).channel_id)
    assert any("U0000EXEC" in m.text and "已通知" in m.text for m in room.messages())
    assert "U0000EXEC" in set(room.members)
    stack.person("U0000EXEC").click(page_dm, ids.PAGE_ACK)
    stack.drain()
    [page] = pages(stack)
    assert page.status == "acked" and page.acked_by == "U0000EXEC"
    assert ids.PAGE_ACK not in str(page_dm.refresh().blocks)
    assert "已確認" in room.pins[0].refresh().all_text()
    # acknowledgement stops escalation
    stack.later(seconds=3600)
    assert len(pages(stack)) == 1


def test_high_from_the_head_pages_the_commander_then_the_deputy(stack):
    report(stack, "U0000INSH", "high")
    stack.drain()
    inc = incident(stack)
    assert inc.level == "high" and inc.triaged_by == "U0000INSH"
    room = stack.sandbox.channel(inc.channel_id)
    assert {"U0000CMDR", "U0000EXEC", "U0000PRPR"} <= set(room.members)
    [page] = pages(stack)
    assert page.target_user == "U0000CMDR"
    stack.later(seconds=299)
    assert len(pages(stack)) == 1
    stack.later(seconds=2)
    first, deputy = pages(stack)
    assert first.status == "escalated" and (deputy.target_user, deputy.attempt) == ("U0000CMDD", "deputy")
    english = dm_with(stack, "U0000CMDD", ids.PAGE_ACK)
    assert "Acknowledge" in str(english.blocks) and "needs you" in english.text  # the deputy reads English
    stack.later(seconds=301)
    assert len(pages(stack)) == 2  # the commander is the top tier: no one further
    assert any("未回應" in m.text for m in room.messages())


def test_medium_unanswered_goes_to_deputy_then_to_the_commander(stack):
    report(stack, "U0000CL2H", "medium")  # a head: the level stands
    stack.drain()
    stack.later(seconds=901)
    stack.later(seconds=901)
    targets = [(p.role, p.target_user, p.attempt) for p in pages(stack)]
    assert targets == [("executive_secretary", "U0000EXEC", "primary"), ("executive_secretary", "U0000EXED", "deputy"),
                       ("commander", "U0000CMDR", "next_tier")]
    # the commander's deputy may acknowledge the commander's page
    deputy = stack.person("U0000CMDD")
    deputy.click(dm_with(stack, "U0000CMDR", ids.PAGE_ACK), ids.PAGE_ACK)
    stack.drain()  # the click is acked before its listener commits
    assert pages(stack)[-1].acked_by == "U0000CMDD"


def test_raising_the_level_pages_the_new_tier(stack):
    report(stack, "U0000INSH", "medium")
    stack.drain()
    executive = stack.person("U0000EXEC")
    card = stack.sandbox.channel(incident(stack).channel_id).pins[0]
    executive.click(card, ids.TRIAGE_OPEN)
    modal = executive.wait_modal(ids.TRIAGE_VIEW)
    modal.fill({ids.T_LEVEL: "high"})
    assert modal.submit().ok
    stack.drain()
    assert [p.role for p in pages(stack)] == ["executive_secretary", "commander"]
    assert incident(stack).level == "high"


def test_duplicate_submission_creates_one_incident(stack):
    person, outcome = report(stack, "U0000INS1")
    again = stack.sandbox.resend(outcome)
    assert again.status == 200
    import sqlalchemy as sa

    with stack.bot.services.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Incident)) == 1


def test_validation_errors_are_inline(stack):
    person = stack.person("U0000INS1")
    person.slash("/crisis", "通報")
    modal = person.wait_modal(ids.REPORT_VIEW)
    modal.fill({ids.F_TITLE: "   ", ids.F_DESCRIPTION: "x", ids.F_LEVEL: "low"})
    outcome = modal.submit()
    assert outcome.errors and ids.F_TITLE in outcome.errors and ids.F_SUBTYPE in outcome.errors
    assert outcome.errors[ids.F_TITLE] == "請填寫此欄。"


def test_refusals_are_polite_and_change_nothing(stack):
    report(stack, "U0000INS1", "medium")
    stack.drain()
    card = stack.sandbox.channel(incident(stack).channel_id).pins[0]
    member = stack.person("U0000INS1")
    member.click(card, ids.TRIAGE_OPEN)
    refusal = member.wait_ephemeral(lambda m: "抱歉" in m.text)
    assert "研判危機等級" in refusal.text
    assert incident(stack).level is None
    # a page acknowledged by someone else is refused
    head = stack.person("U0000INSH")
    head.click(dm_with(stack, "U0000INSH", ids.TRIAGE_OPEN), ids.TRIAGE_OPEN)
    head.wait_modal(ids.TRIAGE_VIEW).fill({ids.T_LEVEL: "medium"}).submit()
    stack.drain()
    stranger = stack.person("U0000PER1")
    stranger.click(dm_with(stack, "U0000EXEC", ids.PAGE_ACK), ids.PAGE_ACK)
    assert "確認收到通知" in stranger.wait_ephemeral(lambda m: "抱歉" in m.text).text
    assert pages(stack)[0].status == "paging"


def test_untriaged_incident_pages_the_executive_secretary(stack):
    report(stack, "U0000INS1", "low")
    stack.drain()
    stack.later(seconds=stack.bot.services.config.routing.untriaged_timeout_seconds + 1)
    [page] = pages(stack)
    assert page.target_user == "U0000EXEC"


def test_user_text_is_escaped(stack):
    report(stack, "U0000INS1", "medium", **{ids.F_TITLE: "<!channel> 測試 <https://evil.example|官網>"})
    stack.drain()
    room = stack.sandbox.channel(incident(stack).channel_id)
    for message in room.messages():
        # mrkdwn is where Slack parses mentions and links; plain_text shows them literally
        raw = message.text + " ".join(mrkdwn_texts(message.blocks))
        assert "<!channel>" not in raw and "<https://evil" not in raw
    assert "&lt;!channel&gt; 測試" in " ".join(mrkdwn_texts(room.pins[0].blocks)) + room.pins[0].text


def mrkdwn_texts(value):
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            yield value["text"]
        for child in value.values():
            yield from mrkdwn_texts(child)
    elif isinstance(value, list):
        for child in value:
            yield from mrkdwn_texts(child)


def test_429_and_500_during_channel_creation_and_page(stack):
    faults = stack.sandbox.faults
    faults.ratelimit("conversations.create", retry_after=30)
    faults.http_error("chat.postMessage", 500)
    report(stack, "U0000INSH", "high")
    stack.drain()
    assert incident(stack).channel_id is None
    stack.later(seconds=31)
    inc = incident(stack)
    assert inc.channel_id is not None
    stack.later(seconds=5)
    dms = stack.person("U0000CMDR").dm().messages()
    assert len([m for m in dms if ids.PAGE_ACK in str(m.blocks)]) == 1  # delivered once, after the 500
    assert len(stack.sandbox.channel(inc.channel_id).pins) == 1


def test_escalation_due_during_a_restart_still_fires(stack):
    report(stack, "U0000INSH", "high")
    stack.drain()
    stack.crash()
    stack.clock.advance(seconds=600)
    stack.boot()
    stack.drain()
    assert [p.target_user for p in pages(stack)] == ["U0000CMDR", "U0000CMDD"]
    with stack.bot.services.sessions() as s:
        assert all(w.kind != "page.escalate" or w.done_at or w.cancelled_at for w in queue.pending(s)) or True


def test_a_failure_on_submit_keeps_the_form_open_with_an_error_id(stack, monkeypatch):
    from bot.incidents import service

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "report", broken)
    person = stack.person("U0000INS1")
    person.slash("/crisis", "report")
    modal = person.wait_modal(ids.REPORT_VIEW)
    modal.fill({**REPORT, ids.F_LEVEL: "low"})
    outcome = modal.submit()
    assert outcome.errors and "錯誤代碼" in next(iter(outcome.errors.values()))
    assert person.modal() is not None and person.modal().callback_id == ids.REPORT_VIEW


def test_low_level_handled_reports_to_the_executive_secretary_then_reminds_to_observe(stack):
    report(stack, "U0000INSD", "low")  # the unit's deputy head: the level stands, nobody is paged
    stack.drain()
    assert pages(stack) == []
    room = stack.sandbox.channel(incident(stack).channel_id)
    card = room.pins[0]
    member = stack.person("U0000INS1")
    member.click(card, ids.MARK_HANDLED)
    assert "標示為已處理" in member.wait_ephemeral(lambda m: "抱歉" in m.text).text
    head = stack.person("U0000INSH")
    head.click(card, ids.MARK_HANDLED)
    stack.drain()
    assert incident(stack).status == "observing"
    report_dm = stack.person("U0000EXEC").dm().wait_for_message(lambda m: "低度危機處理陳報" in m.text)
    assert "2026-0001" in report_dm.text and "<@U0000INSH>" in report_dm.text
    assert "持續觀察" in card.refresh().all_text() and ids.MARK_HANDLED not in str(card.refresh().blocks)
    interval = stack.bot.services.config.routing.observation.interval_hours
    reminders = lambda: [m for m in room.messages() if "觀察提醒" in m.text]  # noqa: E731
    stack.later(hours=interval - 0.01)
    assert reminders() == []
    for n in (1, 2, 3):
        stack.later(hours=interval)
        assert len(reminders()) == n
    stack.later(hours=interval * 5)
    assert len(reminders()) == 3  # three times, then no more
    assert "<@U0000INSH>" in reminders()[0].text and "<@U0000INSD>" in reminders()[0].text


def test_a_database_outage_while_the_form_loads_shows_an_error_in_the_modal(stack, monkeypatch):
    person = stack.person("U0000INS2")  # nobody has asked for this person's language yet: the loading view shows

    def down(user):
        raise RuntimeError("database is unreachable")

    monkeypatch.setattr(stack.bot.services, "who", down)
    person.slash("/crisis", "report")
    shown = person.wait_modal(ids.REPORT_LOADING_VIEW, where=lambda v: "錯誤代碼" in v.all_text()
                              or "error id" in v.all_text())
    assert "資料未遺失" in shown.all_text() or "Nothing was lost" in shown.all_text()


def test_an_acknowledgement_stops_its_own_chain_not_the_commanders_page(stack):
    report(stack, "U0000INS1", "low")
    stack.drain()
    stack.later(seconds=stack.bot.services.config.routing.untriaged_timeout_seconds + 1)  # the secretary is paged
    head = stack.person("U0000INSH")
    head.click(dm_with(stack, "U0000INSH", ids.TRIAGE_OPEN), ids.TRIAGE_OPEN)
    head.wait_modal(ids.TRIAGE_VIEW).fill({ids.T_LEVEL: "high"}).submit()
    stack.drain()
    assert [(p.role, p.status) for p in pages(stack)] == [("executive_secretary", "paging"), ("commander", "paging")]
    stack.person("U0000EXEC").click(dm_with(stack, "U0000EXEC", ids.PAGE_ACK), ids.PAGE_ACK)
    stack.drain()
    assert [(p.role, p.status) for p in pages(stack)] == [("executive_secretary", "acked"), ("commander", "paging")]
    stack.later(seconds=301)  # a high level must still reach the commander's deputy
    assert [p.target_user for p in pages(stack)][-1] == "U0000CMDD"


def test_a_repeated_triage_submission_has_no_second_effect(stack):
    report(stack, "U0000INS1", "low")
    stack.drain()
    head = stack.person("U0000INSH")
    head.click(dm_with(stack, "U0000INSH", ids.TRIAGE_OPEN), ids.TRIAGE_OPEN)
    outcome = head.wait_modal(ids.TRIAGE_VIEW).fill({ids.T_LEVEL: "medium"}).submit()
    stack.sandbox.resend(outcome)
    stack.drain()
    import sqlalchemy as sa

    from storage.models import AuditEvent

    with stack.bot.services.sessions() as s:
        kinds = s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.kind == "incident.level_set")).all()
    assert len(kinds) == 1 and len(pages(stack)) == 1
    room = stack.sandbox.channel(incident(stack).channel_id)
    assert len([m for m in room.messages() if "研判等級" in m.text and "U0000INSH" in m.text]) == 1


def test_a_resolved_incident_is_not_triaged_again(stack):
    from bot.incidents import service
    from bot.procedure.config import Level
    from bot.procedure.errors import NotAllowed
    from bot.procedure.who import who_from_config

    report(stack, "U0000INSH", "medium")
    stack.drain()
    with stack.bot.services.sessions() as s, s.begin():
        found = s.get(Incident, incident(stack).id)
        found.status = "closed"
    with stack.bot.services.sessions() as s, s.begin():
        found = s.get(Incident, incident(stack).id)
        executive = who_from_config(stack.bot.services.config, "U0000EXEC")
        with pytest.raises(NotAllowed):
            service.set_level(s, stack.bot.services.config, executive, found, Level.HIGH, None, stack.clock())
    from bot.warroom.state import card_state
    from bot.warroom.views import incident_card

    with stack.bot.services.sessions() as s:
        closed = card_state(s, s.get(Incident, incident(stack).id), stack.bot.services.config)
    card = incident_card(closed, stack.bot.services.config, "zh-TW")
    assert ids.TRIAGE_OPEN not in str(card["blocks"]) and ids.REQUEST_LEGAL not in str(card["blocks"])
