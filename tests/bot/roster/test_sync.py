"""Loading the roster from the organisation config: changes recorded once, handovers keep history."""

from __future__ import annotations

import copy
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from bot.procedure.config import EXAMPLE_CONFIG, Role, parse_config
from bot.roster.sync import sync_roster
from storage import audit
from storage.db import session_factory
from storage.models import AuditEvent, Unit
from storage.roster import Holders, Post, UnitPosts, history, holders, roles_of, unit_posts


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def _config(raw: dict[str, Any], change=None):
    data = copy.deepcopy(raw)
    if change:
        change(data)
    return parse_config(data, "test")


def _audit_count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_first_load_records_everything_then_a_reload_records_nothing(session, raw, now):
    config = _config(raw)
    changes = sync_roster(session, config, actor="config", now=now)
    session.commit()
    kinds = Counter(c.kind for c in changes)
    members = sum(len(u.members) for u in config.units)
    assert kinds == {
        "roster.unit_added": len(config.units),
        "roster.holder_changed": len(Role) + len(config.units),
        "roster.deputy_changed": len(Role) + len(config.units),
        "roster.member_added": members,
    }
    assert _audit_count(session) == len(changes) + 1  # and the load itself, with the seats it named
    event = audit.events(session, kind_prefix="roster.deputy_changed", subject_type="role", subject_id="commander")
    assert [(e.actor, e.at, e.data["before"], e.data["after"]) for e in event] == [("config", now, None, "U0000CMDD")]

    assert sync_roster(session, config, actor="config", now=now + timedelta(hours=1)) == []
    session.commit()
    assert _audit_count(session) == len(changes) + 1


def test_queries(session, raw, now):
    sync_roster(session, _config(raw), actor="config", now=now)
    assert holders(session, Role.COMMANDER) == Holders("U0000CMDR", "U0000CMDD")
    assert holders(session, "executive_secretary") == ("U0000EXEC", "U0000EXED")
    assert holders(session, "head", unit_id="inspection") == ("U0000INSH", "U0000INSD")
    assert unit_posts(session, "inspection") == UnitPosts(
        "inspection", "U0000INSH", "U0000INSD", ("U0000INS1", "U0000INS2")
    )
    # The legal group's primary is also the Legal and Seizure Division's head.
    assert roles_of(session, "U0000LGSH") == [
        Post("legal", "primary", None),
        Post("head", "primary", "legal_seizure"),
    ]
    deputy = roles_of(session, "U0000INSD")
    assert [(p.name, p.unit_id, p.standing) for p in deputy] == [("deputy", "inspection", False)]
    assert [p.name for p in roles_of(session, "U0000PRDP")] == ["public_relations", "member"]
    assert roles_of(session, "U9999NOPE") == []
    with pytest.raises(ValueError, match="unit_id"):
        holders(session, "head")


def test_changed_deputy_is_a_recorded_handover(session, raw, now):
    sync_roster(session, _config(raw), actor="config", now=now)
    later = now + timedelta(days=30)

    def new_deputy(data):
        data["roles"]["commander"]["deputy"] = "U0000NEWD"

    changes = sync_roster(session, _config(raw, new_deputy), actor="U0000EXEC", now=later)
    assert [(c.kind, c.subject_id, c.data["before"], c.data["after"]) for c in changes] == [
        ("roster.deputy_changed", "commander", "U0000CMDD", "U0000NEWD")
    ]
    assert holders(session, Role.COMMANDER) == ("U0000CMDR", "U0000NEWD")
    past = [(a.seat, a.user_id, a.assigned_at, a.ended_at) for a in history(session, Role.COMMANDER)]
    assert past == [
        ("primary", "U0000CMDR", now, None),
        ("deputy", "U0000CMDD", now, later),
        ("deputy", "U0000NEWD", later, None),
    ]
    entry = audit.events(session, kind_prefix="roster.deputy_changed", subject_id="commander")[-1]
    assert (entry.actor, entry.at) == ("U0000EXEC", later)


def test_units_heads_and_members_changes(session, raw, now):
    sync_roster(session, _config(raw), actor="config", now=now)

    def reorganise(data):
        inspection = next(u for u in data["units"] if u["id"] == "inspection")
        inspection["name"]["en"] = "Inspection Division"
        inspection["head"], inspection["deputy"] = inspection["deputy"], inspection["head"]  # they swap
        inspection["members"] = ["U0000INS2", "U0000INS3"]
        data["units"] = [u for u in data["units"] if u["id"] != "personnel"]
        data["units"].append({"id": "audit", "name": {"zh-TW": "稽核室", "en": "Audit Office"},
                              "head": "U0000AUDH", "deputy": "U0000AUDD"})  # fmt: skip

    changes = sync_roster(session, _config(raw, reorganise), actor="config", now=now + timedelta(days=1))

    def who(c):
        return c.data.get("user") or (c.data["after"] if c.kind.endswith("_changed") else None)

    summary = sorted((c.kind, c.subject_id, who(c)) for c in changes)
    assert summary == [
        ("roster.deputy_changed", "audit", "U0000AUDD"),
        ("roster.deputy_changed", "inspection", "U0000INSH"),
        ("roster.deputy_changed", "personnel", None),
        ("roster.holder_changed", "audit", "U0000AUDH"),
        ("roster.holder_changed", "inspection", "U0000INSD"),
        ("roster.holder_changed", "personnel", None),
        ("roster.member_added", "inspection", "U0000INS3"),
        ("roster.member_removed", "inspection", "U0000INS1"),
        ("roster.member_removed", "personnel", "U0000PER1"),
        ("roster.member_removed", "personnel", "U0000PER2"),
        ("roster.unit_added", "audit", None),
        ("roster.unit_renamed", "inspection", None),
        ("roster.unit_retired", "personnel", None),
    ]
    assert unit_posts(session, "inspection") == UnitPosts(
        "inspection", "U0000INSD", "U0000INSH", ("U0000INS2", "U0000INS3")
    )
    assert unit_posts(session, "personnel") == UnitPosts("personnel", None, None, ())
    assert session.get(Unit, "personnel").retired_at == now + timedelta(days=1)
    assert session.get(Unit, "inspection").name_en == "Inspection Division"

    # Bringing the unit back restores it and its posts.
    changes = sync_roster(session, _config(raw), actor="config", now=now + timedelta(days=2))
    assert "roster.unit_restored" in {c.kind for c in changes}
    assert unit_posts(session, "personnel").head == "U0000PERH"


def test_replicas_loading_together_record_once(engine, raw, now):
    config = _config(raw)
    factory = session_factory(engine)
    barrier = threading.Barrier(3)
    results: list[int] = []
    errors: list[BaseException] = []

    def load() -> None:
        try:
            barrier.wait()
            with factory() as s:
                results.append(len(sync_roster(s, config, actor="config", now=now)))
                s.commit()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(results)[:2] == [0, 0] and results.count(0) == 2
    with factory() as s:
        assert _audit_count(s) == max(results) + 1  # the changes and one roster.config_loaded


# ---------------------------------------------------------------------------------------------- handover vs reload


def _hand_over(session, config, by: str, text: str, at):
    from bot.procedure.who import who_from_assignments
    from bot.roster import forms
    from bot.roster import service as handover

    target, to_user = forms.parse(text)
    who = who_from_assignments(by, ((p.role, p.unit_id, p.name if p.unit_id else p.seat)
                                    for p in roles_of(session, by)))
    handed = handover.hand_over(session, who, target, to_user, at, config=config)
    session.commit()
    return handed


def test_a_reload_of_an_unchanged_config_keeps_a_slack_handover(session, raw, now):
    config = _config(raw)
    sync_roster(session, config, actor="config", now=now)
    session.commit()
    _hand_over(session, config, "U0000EXEC", "executive_secretary <@U0000SECH|chen>", now + timedelta(days=1))
    _hand_over(session, config, "U0000EXED", "head:inspection <@U0000INS1>", now + timedelta(days=1))
    assert holders(session, Role.EXECUTIVE_SECRETARY) == ("U0000SECH", "U0000EXED")

    # The same config again (a restart, `crisisbot config reload`): nothing changes, nothing is recorded.
    before = _audit_count(session)
    assert sync_roster(session, config, actor="config", now=now + timedelta(days=2)) == []
    session.commit()
    assert holders(session, Role.EXECUTIVE_SECRETARY).primary == "U0000SECH"
    assert unit_posts(session, "inspection").head == "U0000INS1"
    assert _audit_count(session) == before

    # The config changes another seat: only that seat moves; the handovers stand.
    def new_legal_deputy(data):
        data["roles"]["legal"]["deputy"] = "U0000LGS1"

    changes = sync_roster(session, _config(raw, new_legal_deputy), actor="config", now=now + timedelta(days=3))
    session.commit()
    assert [(c.kind, c.subject_id, c.data["after"]) for c in changes] == [
        ("roster.deputy_changed", "legal", "U0000LGS1")]
    assert holders(session, Role.EXECUTIVE_SECRETARY).primary == "U0000SECH"
    loaded = audit.events(session, kind_prefix="roster.config_loaded")[-1]
    assert (loaded.actor, loaded.data["changes"], loaded.data["seats"]["legal||deputy"]) == ("config", 1, "U0000LGS1")

    # The config changes the handed-over seat itself: the later change (the config's) wins, and is recorded.
    def new_secretary(data):
        data["roles"]["legal"]["deputy"] = "U0000LGS1"
        data["roles"]["executive_secretary"]["primary"] = "U0000SEC1"

    later = now + timedelta(days=4)
    changes = sync_roster(session, _config(raw, new_secretary), actor="config", now=later)
    session.commit()
    assert [(c.kind, c.data["before"], c.data["after"]) for c in changes] == [
        ("roster.holder_changed", "U0000SECH", "U0000SEC1")]
    assert holders(session, Role.EXECUTIVE_SECRETARY).primary == "U0000SEC1"
    seats = [(a.user_id, a.ended_at) for a in history(session, Role.EXECUTIVE_SECRETARY) if a.seat == "primary"]
    assert seats == [("U0000EXEC", now + timedelta(days=1)), ("U0000SECH", later), ("U0000SEC1", None)]


def test_handover_rules(session, raw, now):
    from bot.roster import service as handover

    config = _config(raw)
    sync_roster(session, config, actor="config", now=now)
    session.commit()
    at = now + timedelta(hours=1)
    # the primary may not hand over the deputy seat, nor anyone a seat they do not hold
    with pytest.raises(handover.NotHolder) as refused:
        _hand_over(session, config, "U0000CMDR", "commander deputy <@U0000PER1>", at)
    assert refused.value.holder == "U0000CMDD"
    session.rollback()
    with pytest.raises(handover.NotHolder):
        _hand_over(session, config, "U0000INSH", "head:personnel <@U0000INS1>", at)
    session.rollback()
    with pytest.raises(handover.InvalidTarget, match="same_person"):
        _hand_over(session, config, "U0000CMDR", "總指揮 <@U0000CMDR>", at)
    session.rollback()
    with pytest.raises(handover.InvalidTarget, match="other_seat"):
        _hand_over(session, config, "U0000CMDR", "commander <@U0000CMDD>", at)
    session.rollback()
    with pytest.raises(handover.UnknownSeat):
        _hand_over(session, config, "U0000EXEC", "head:nowhere <@U0000INS1>", at)
    session.rollback()
    # the deputy hands over the deputy seat; the zh-TW words work
    handed = _hand_over(session, config, "U0000CMDD", "總指揮 代理人 <@U0000PER1|tien>", at)
    assert (handed.previous, handed.new) == ("U0000CMDD", "U0000PER1")
    event = audit.events(session, kind_prefix="roster.handover")[-1]
    assert (event.actor, event.at, event.subject_id) == ("U0000CMDD", at, "commander")
    assert event.data == {"role": "commander", "unit": None, "seat": "deputy", "from": "U0000CMDD",
                          "to": "U0000PER1", "by": "U0000CMDD", "pages": [], "rooms": []}  # nothing open moved
