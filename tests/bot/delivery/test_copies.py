"""Hand-offs to a role's holder and deputy (`bot.delivery.copies`), with a recording chat: who a hand-off goes to,
one DM per person under their own key, the copies a refresh redraws (and waits for), the first reader recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.delivery import copies
from bot.delivery.job import GiveUp, Job, NotReady
from bot.delivery.kinds import WorkKind
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.procedure.config import Role, load_config
from bot.procedure.errors import Closed, NotAllowed
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from storage import audit
from storage import work as queue
from storage.db import session_factory
from storage.models import AuditEvent, RoleAssignment
from tests.fakes import RecordingChat

CONFIG = load_config()
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
COMMANDER, COMMANDER_DEPUTY = "U0000CMDR", "U0000CMDD"
EXEC, EXEC_DEPUTY = "U0000EXEC", "U0000EXED"
HANDOFF = "incident:7:handled-report"


@pytest.fixture
def services(engine):
    sessions = session_factory(engine)
    with sessions() as s, s.begin():
        sync_roster(s, CONFIG, actor="config", now=NOW)
    chat = RecordingChat({EXEC: "zh-TW", EXEC_DEPUTY: "en-US", COMMANDER: "zh-TW", COMMANDER_DEPUTY: "en-US"})
    return Services(Settings(), CONFIG, sessions, chat, lambda: NOW)  # type: ignore[call-arg]


def job(key: str = HANDOFF, attempts: int = 1, **payload) -> Job:
    return Job(1, WorkKind.LOWLEVEL_REPORT, key, "7", payload, attempts, NOW)


def vacate(services, role: Role, seat: str) -> None:
    with services.sessions() as s, s.begin():
        s.execute(sa.update(RoleAssignment).where(RoleAssignment.role == role.value, RoleAssignment.seat == seat,
                                                  RoleAssignment.ended_at.is_(None)).values(ended_at=NOW))


def seat(services, role: Role, seat: str, user: str) -> None:
    vacate(services, role, seat)
    with services.sessions() as s, s.begin():
        s.add(RoleAssignment(role=role.value, seat=seat, user_id=user, assigned_at=NOW))


def render(user, lang):
    return {"text": f"{lang}:{user}", "blocks": []}


# ---------------------------------------------------------------------------------------------- who it goes to


def test_a_hand_off_to_a_role_goes_to_its_holder_then_its_deputy(services):
    with services.sessions() as s:
        assert copies.addressed(s, [Role.EXECUTIVE_SECRETARY]) == [EXEC, EXEC_DEPUTY]
        assert copies.addressed(s, ["commander", "executive_secretary"]) == [COMMANDER, COMMANDER_DEPUTY, EXEC,
                                                                             EXEC_DEPUTY]


def test_an_empty_seat_adds_nobody_and_a_person_in_two_seats_is_asked_once(services):
    vacate(services, Role.EXECUTIVE_SECRETARY, "deputy")
    seat(services, Role.COMMANDER, "deputy", EXEC)
    with services.sessions() as s:
        assert copies.addressed(s, [Role.EXECUTIVE_SECRETARY]) == [EXEC]
        assert copies.addressed(s, [Role.COMMANDER, Role.EXECUTIVE_SECRETARY]) == [COMMANDER, EXEC]


def test_the_roles_are_read_when_it_is_sent_and_older_work_keeps_its_one_person(services):
    with services.sessions() as s:
        assert copies.recipients(s, {"to": ["executive_secretary"]}) == [EXEC, EXEC_DEPUTY]
        assert copies.recipients(s, {"user": EXEC}) == [EXEC]  # queued before hand-offs had copies
        assert copies.recipients(s, {}) == []


# ---------------------------------------------------------------------------------------------- sending


def test_each_person_gets_one_dm_under_their_own_key_in_their_language(services):
    result = copies.send(services, job(), [EXEC, EXEC_DEPUTY], render)
    sent = services.chat.asked("direct_message_once")
    assert [(d["key"], d["user"], d["message"]["text"]) for d in sent] == [
        (f"{HANDOFF}:{EXEC}", EXEC, f"zh-TW:{EXEC}"), (f"{HANDOFF}:{EXEC_DEPUTY}", EXEC_DEPUTY, f"en:{EXEC_DEPUTY}")]
    assert result == {"copies": {EXEC: {"channel": f"D{EXEC}", "ts": "1.000000"},
                                 EXEC_DEPUTY: {"channel": f"D{EXEC_DEPUTY}", "ts": "2.000000"}}}


def test_a_hand_off_with_every_seat_empty_gives_up_and_is_alerted(services):
    with pytest.raises(GiveUp, match="nobody holds"):
        copies.send(services, job(), [], render)
    assert services.chat.calls == []


def test_a_retry_asks_the_chat_to_look_for_each_copy_first(services):
    copies.send(services, job(attempts=2), [EXEC], render)
    assert [d["retry"] for d in services.chat.asked("direct_message_once")] == [True]


# ---------------------------------------------------------------------------------------------- redrawing


def sent_as(services, result, *, done: bool = True, cancelled: bool = False, **payload) -> None:
    with services.sessions() as s, s.begin():
        queue.enqueue(s, WorkKind.LOWLEVEL_REPORT, HANDOFF, NOW, payload, "7")
        row = queue.get(s, HANDOFF)
        if done:
            queue.complete(s, row, NOW, result)
        if cancelled:
            queue.fail(s, row, NOW, "gave up", None)


def refresh_job() -> Job:
    return Job(2, WorkKind.LOWLEVEL_REFRESH, f"{HANDOFF}:copies:read", "7", {"handoff": HANDOFF, "incident": 7}, 1,
               NOW)


def test_a_refresh_redraws_every_copy_the_hand_off_recorded(services):
    sent_as(services, {"copies": {EXEC: {"channel": "D1", "ts": "1.1"}, EXEC_DEPUTY: {"channel": "D2", "ts": "2.2"}}},
            incident=7, user="U0000INSH")
    found = copies.copies_of(services, refresh_job())
    assert found.payload == {"incident": 7, "user": "U0000INSH"}
    assert found.where == {EXEC: ("D1", "1.1"), EXEC_DEPUTY: ("D2", "2.2")}
    assert copies.redraw(services, found, render) == {"updated": [EXEC, EXEC_DEPUTY]}
    assert [(u["room"], u["ts"], u["message"]["text"]) for u in services.chat.asked("update")] == [
        ("D1", "1.1", f"zh-TW:{EXEC}"), ("D2", "2.2", f"en:{EXEC_DEPUTY}")]


def test_a_refresh_waits_while_the_hand_off_is_on_its_way(services):
    sent_as(services, None, done=False, incident=7)
    with pytest.raises(NotReady):
        copies.copies_of(services, refresh_job())


def test_a_hand_off_sent_before_copies_is_redrawn_as_its_one_dm(services):
    sent_as(services, {"channel": "D1", "ts": "1.1"}, incident=7, user=EXEC)
    assert copies.copies_of(services, refresh_job()).where == {EXEC: ("D1", "1.1")}


def test_a_hand_off_that_gave_up_or_never_existed_has_nothing_to_redraw(services):
    assert copies.copies_of(services, refresh_job()).where == {}
    sent_as(services, None, done=False, cancelled=True, incident=7)
    assert copies.copies_of(services, refresh_job()).where == {}


# ---------------------------------------------------------------------------------------------- acknowledging


@pytest.fixture
def handed_off(services):
    sent_as(services, {"copies": {}}, incident=7, user="U0000INSH")


def read(session, user: str, at: datetime):
    return copies.read(session, who_from_config(CONFIG, user), HANDOFF, [Role.EXECUTIVE_SECRETARY], at,
                       subject=("incident", 7), refresh=WorkKind.LOWLEVEL_REFRESH, payload={"incident": 7})


def test_the_first_reader_is_recorded_and_the_copies_are_redrawn(services, handed_off):
    with services.sessions() as s, s.begin():
        first = read(s, EXEC_DEPUTY, NOW)
    assert (first.by, first.at) == (EXEC_DEPUTY, NOW)
    with services.sessions() as s:
        [event] = audit.events(s, kind_prefix="handoff.read")
        assert (event.actor, event.subject_id, event.data) == (EXEC_DEPUTY, "7", {"handoff": HANDOFF})
        assert copies.first_reader(s, HANDOFF) == copies.Read(EXEC_DEPUTY, NOW)
        refresh = queue.get(s, f"{HANDOFF}:copies:read")
        assert refresh is not None and refresh.kind == WorkKind.LOWLEVEL_REFRESH
        assert refresh.payload == {"incident": 7, "handoff": HANDOFF}


def test_a_later_reader_is_told_who_read_it_first_and_nothing_more_is_recorded(services, handed_off):
    with services.sessions() as s, s.begin():
        read(s, EXEC_DEPUTY, NOW)
    with services.sessions() as s, s.begin(), pytest.raises(Closed) as told:
        read(s, EXEC, NOW + timedelta(minutes=3))
    assert told.value.reason == "handoff.read_by" and told.value.facts == {"user": EXEC_DEPUTY, "at": NOW}
    with services.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                        .where(AuditEvent.kind == "handoff.read")) == 1


def test_only_the_roles_holder_or_deputy_may_acknowledge_it(services, handed_off):
    with services.sessions() as s, s.begin(), pytest.raises(NotAllowed) as refused:
        read(s, COMMANDER, NOW)
    assert refused.value.allowed == "allowed.handoff_read.executive_secretary"
    with services.sessions() as s:
        assert copies.first_reader(s, HANDOFF) is None


def test_a_report_never_handed_off_cannot_be_acknowledged(services):
    with services.sessions() as s, s.begin(), pytest.raises(Closed) as told:
        read(s, EXEC, NOW)
    assert told.value.reason == "handoff.none"
    with services.sessions() as s:
        assert copies.first_reader(s, HANDOFF) is None
