"""`crisisbot audit verify|export` on a trail the bot's own services wrote: verify holds on a whole chain and
names the first broken link (exit 1) when a row is edited, deleted or forged behind the bot's back (triggers
dropped); export writes CSV, JSON and a manifest whose hashes match and whose excerpt verifies on its own."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.drills import service as drills
from bot.handling import service as handling
from bot.platform import services
from bot.procedure.config import Level
from bot.runtime.cli import main
from storage import audit, chain
from storage.db import create_engine, session_factory
from tests.bot.procedure_kit import COMMANDER, CONFIG, INSPECTION_HEAD, START, file_report, load_roster, who

# START is 2026-11-03 09:30 in Asia/Taipei; the second report is filed at 2026-11-05 00:30 Taipei (11-04 16:30 UTC).
SECOND = START + timedelta(days=1, hours=15)


@pytest.fixture
def trail(database_url, monkeypatch):
    """A roster load, a report resolved with its case file, a drill draw, and a second report two days later:
    the engine on that database, the CLI pointed at it."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setattr(services, "utcnow", lambda: START + timedelta(days=3))
    engine = create_engine(database_url)
    try:
        with session_factory(engine)() as s:
            load_roster(s)
            with s.begin():
                incident = file_report(s, INSPECTION_HEAD, Level.HIGH, START)
                handling.resolve(s, CONFIG, who(COMMANDER), incident, START + timedelta(hours=1))
                case = {"summary": "水退了", "cause": "颱風", "handling": "抽水", "lessons": "備沙包"}
                handling.submit_case_file(s, CONFIG, who(INSPECTION_HEAD), incident, case, START + timedelta(hours=2))
            with s.begin():
                drills.draw(s, CONFIG, "scheduler", START + timedelta(hours=3), random.Random(3))
            with s.begin():
                file_report(s, INSPECTION_HEAD, Level.MEDIUM, SECOND, title="停電")
        yield engine
    finally:
        engine.dispose()


def _rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(audit.EVENTS).order_by(audit.EVENTS.c.seq)).mappings()]


def test_the_bots_own_flows_build_one_unbroken_chain(trail, capsys):
    rows = _rows(trail)
    kinds = {r["kind"] for r in rows}
    assert {"incident.reported", "incident.resolved", "drill.drawn"} <= kinds and len(rows) > 10
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"{len(rows)} event(s) checked (seq 1–{len(rows)})" in out and rows[-1]["hash"] in out


def _drop_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER audit_events_append_only ON audit_events")
    else:
        conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")


def _forge(conn: sa.Connection, rows: list[dict], *, chained: bool) -> None:
    last = rows[-1]
    forged = {"at": last["at"], "actor": COMMANDER, "kind": "incident.resolved", "subject_type": "incident",
              "subject_id": "1", "incident_id": None, "data": {}}
    if chained:  # a forger who knows the layout, but not how to move the head unnoticed
        forged |= {"seq": last["seq"] + 1, "prev_hash": last["hash"], "hash": "f" * 64}
    conn.execute(audit.EVENTS.insert().values(**forged))


TAMPERING = {
    # what is done to the 3rd event (or around it) -> (the problem verify names, whose id it names)
    "edited": ("UPDATE audit_events SET actor = 'U0000EVIL' WHERE seq = 3", "hash", 3),
    "data edited": ("UPDATE audit_events SET subject_id = 'x' WHERE seq = 3", "hash", 3),
    "renumbered": ("UPDATE audit_events SET id = id + 100000 WHERE seq = 3", "hash", None),
    "deleted": ("DELETE FROM audit_events WHERE seq = 3", "gap", 4),
    "last deleted": ("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)", "head", None),
}


@pytest.mark.parametrize("how", [*TAMPERING, "forged", "forged into the chain"])
def test_verify_names_the_row_changed_behind_the_bots_back(trail, how, capsys):
    rows = _rows(trail)
    with trail.begin() as conn:
        _drop_triggers(conn)
        if how in TAMPERING:
            conn.exec_driver_sql(TAMPERING[how][0])
        else:
            _forge(conn, rows, chained=how == "forged into the chain")
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "audit chain BROKEN" in out
    after = {r["id"] for r in _rows(trail)} - {r["id"] for r in rows}
    if how in TAMPERING:
        problem, seq = TAMPERING[how][1:]
        named = rows[seq - 1]["id"] if seq else (after.pop() if after else None)
    else:
        problem, named = ("unchained" if how == "forged" else "head"), after.pop()
    assert f"[{problem}]" in out
    if named is not None:
        assert f"event id {named} " in out
    if how == "deleted":
        assert "seq 3 missing" in out
    if how == "last deleted":
        assert f"records seq {len(rows)}" in out and "deleted" in out


def test_export_writes_the_range_with_a_manifest_that_checks_out(trail, tmp_path, capsys):
    out = tmp_path / "audit"
    assert main(["audit", "export", "--from", "2026-11-03", "--to", "2026-11-04", "--out", str(out)]) == 0
    stem = "audit-2026-11-03-to-2026-11-04"
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}-manifest.json", f"{stem}.csv", f"{stem}.json"]
    manifest = json.loads((out / f"{stem}-manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    rows = _rows(trail)
    # 11-03 and 11-04 in Taipei: the roster load (11-02 09:30 Taipei) and the second report (11-05) stay out.
    expected = [r for r in rows if START - timedelta(hours=9, minutes=30) <= r["at"] < SECOND - timedelta(minutes=30)]
    assert [r["seq"] for r in expected] == list(range(expected[0]["seq"], expected[-1]["seq"] + 1))
    assert (manifest["count"], manifest["first_seq"], manifest["last_seq"]) == (
        len(expected), expected[0]["seq"], expected[-1]["seq"])
    assert manifest["prev_hash"] == rows[expected[0]["seq"] - 2]["hash"]
    assert manifest["head"] == {"seq": len(rows), "hash": rows[-1]["hash"]}
    assert (manifest["from"], manifest["to"], manifest["timezone"]) == ("2026-11-03", "2026-11-04", "Asia/Taipei")

    raw = (out / f"{stem}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    table = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [int(r["seq"]) for r in table] == [r["seq"] for r in expected]
    first = table[0]
    assert first["time (Asia/Taipei)"] == "2026-11-03 09:30:00" and first["time (UTC)"] == "2026-11-03T01:30:00.000000Z"
    assert first["incident"] == "2026-0001" and first["kind"] == "incident.reported"
    assert [r["hash"] for r in table] == [r["hash"] for r in expected]

    # The excerpt verifies on its own, from the manifest's link into it, with nothing but storage.chain.
    excerpt = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    walked = chain.walk(excerpt["events"], prev_hash=manifest["prev_hash"], first_seq=manifest["first_seq"])
    assert walked.ok and walked.checked == manifest["count"] and walked.last_hash == manifest["last_hash"]
    printed = capsys.readouterr().out
    assert str(out / f"{stem}.csv") in printed and f"{manifest['count']} event(s)" in printed


def test_an_edited_export_no_longer_verifies(trail, tmp_path):
    out = tmp_path / "audit"
    assert main(["audit", "export", "--from", "2026-11-03", "--to", "2026-11-03", "--out", str(out)]) == 0
    excerpt = json.loads((out / "audit-2026-11-03-to-2026-11-03.json").read_text(encoding="utf-8"))
    excerpt["events"][1]["actor"] = "U0000EVIL"
    walked = chain.walk(excerpt["events"], prev_hash=excerpt["prev_hash"], first_seq=excerpt["events"][0]["seq"])
    assert walked.broken is not None and walked.broken.event_id == excerpt["events"][1]["id"]


@pytest.mark.parametrize(("args", "named"), [
    (["--from", "2026-13-01", "--to", "2026-11-30"], "--from: '2026-13-01' is not a date"),
    (["--from", "2026-11-01", "--to", "tomorrow"], "--to: 'tomorrow' is not a date"),
    (["--from", "2026-11-30", "--to", "2026-11-01"], "--from 2026-11-30 is after --to 2026-11-01"),
])
def test_export_refuses_bad_dates_by_name(trail, tmp_path, capsys, args, named):
    assert main(["audit", "export", *args, "--out", str(tmp_path / "x")]) == 2
    captured = capsys.readouterr()
    assert named in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "x").exists()


def test_an_empty_range_writes_an_empty_excerpt(trail, tmp_path, capsys):
    out = tmp_path / "audit"
    assert main(["audit", "export", "--from", "2027-01-01", "--to", "2027-01-31", "--out", str(out)]) == 0
    manifest = json.loads((out / "audit-2027-01-01-to-2027-01-31-manifest.json").read_text(encoding="utf-8"))
    assert (manifest["count"], manifest["first_seq"], manifest["prev_hash"]) == (0, None, None)
    csv_rows = (out / "audit-2027-01-01-to-2027-01-31.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == 1 and csv_rows[0].startswith("seq,id,")
    assert "0 event(s), none in that range" in capsys.readouterr().out
