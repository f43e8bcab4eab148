"""`crisisbot audit verify` and `crisisbot audit export`: the audit trail's hash chain for auditors, straight from
the database (no Slack needed). The algorithm is ``storage.chain``'s; this module words the answers and writes
the files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.procedure.config import OrgConfig
from storage import audit, chain
from storage.models import Incident


class BadDate(ValueError):
    """A date argument that is not a calendar day (YYYY-MM-DD); the message names the argument."""


def parse_day(text: str, argument: str) -> date:
    """``2026-11-30`` as a date, or BadDate naming ``argument`` (``--from``)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(f"{argument}: {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30") from None


def verification_text(result: audit.Verification) -> str:
    """What `audit verify` prints: the summary, and the first broken link when there is one."""
    span = f" (seq 1–{result.last_seq})" if result.last_seq else ""
    head = (f"head seq {result.head_seq}, hash {result.head_hash}" if result.head_seq is not None
            else "no chain head row")
    if result.ok:
        return f"audit chain holds: {result.checked} event(s) checked{span}; {head}"
    broken = result.broken
    assert broken is not None
    where = (f"event id {broken.event_id}" if broken.event_id is not None else "the chain head")
    where += f" (seq {broken.seq})" if broken.seq is not None and broken.event_id is not None else ""
    return (f"audit chain BROKEN at {where} [{broken.problem}]: {broken.detail}\n"
            f"{result.checked} event(s) read up to that link; stored {head}")


@dataclass(frozen=True)
class Written:
    """The files an export wrote, the manifest last."""

    files: list[Path]
    manifest: dict[str, Any]


def export(session: Session, config: OrgConfig, first: date, last: date, out: Path, now: datetime) -> Written:
    """The events of days ``first``..``last`` (inclusive, in the organisation's time zone) as CSV and JSON, with a
    manifest: each file's sha256, the range, count, first and last seq, the link into the excerpt (prev_hash)
    and the head at export time, so the excerpt can be verified on its own (``storage.chain.walk``)."""
    tz = config.organisation.tz
    start = datetime.combine(first, time(0), tz)
    until = datetime.combine(last + timedelta(days=1), time(0), tz)
    part = audit.excerpt(session, start, until)
    numbers = _numbers(session, {e["incident_id"] for e in part.events if e["incident_id"] is not None})
    events = [_exported(e, numbers) for e in part.events]
    stem = f"audit-{first.isoformat()}-to-{last.isoformat()}"
    contents = {
        f"{stem}.csv": _csv(events, config),
        f"{stem}.json": _json({"algorithm": chain.ALGORITHM, "prev_hash": part.prev_hash, "events": events}),
    }
    stored_head = audit.head(session)
    manifest: dict[str, Any] = {
        "algorithm": chain.ALGORITHM,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "timezone": config.organisation.timezone,
        "utc_from": chain.utc_text(start),
        "utc_until": chain.utc_text(until),  # exclusive
        "count": len(events),
        "first_seq": part.first_seq,
        "last_seq": part.last_seq,
        "prev_hash": part.prev_hash,  # the hash of seq first_seq - 1 (GENESIS for seq 1): the link into the range
        "last_hash": events[-1]["hash"] if events else None,
        "outside_range_seqs": part.outside,
        "unchained_event_ids": part.unsealed,
        "head": {"seq": stored_head[0], "hash": stored_head[1]} if stored_head else None,
        "exported_at": chain.utc_text(now),
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in contents.items()},
    }
    contents[f"{stem}-manifest.json"] = _json(manifest)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in contents.items():
        (out / name).write_bytes(content)
        paths.append(out / name)
    return Written(paths, manifest)


def _numbers(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Incident.id, Incident.number).where(Incident.id.in_(sorted(ids))))
    return {row.id: row.number for row in rows}


def _exported(event: dict[str, Any], numbers: dict[int, str]) -> dict[str, Any]:
    # Exactly the hashed values (storage.chain rule 3, ``at`` in its UTC spelling, data canonical), plus the
    # incident's number for people; the hash is recomputed from every key but ``hash`` and ``incident_number``.
    return {
        "seq": event["seq"], "id": event["id"], "at": chain.utc_text(event["at"]), "actor": event["actor"],
        "kind": event["kind"], "subject_type": event["subject_type"], "subject_id": event["subject_id"],
        "incident_id": event["incident_id"], "incident_number": numbers.get(event["incident_id"] or 0),
        "data": chain.canonical_data(event["data"]), "prev_hash": event["prev_hash"], "hash": event["hash"],
    }


def _csv(events: list[dict[str, Any]], config: OrgConfig) -> bytes:
    tz = config.organisation.tz
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["seq", "id", f"time ({config.organisation.timezone})", "time (UTC)", "actor", "kind",
                     "subject_type", "subject_id", "incident", "data", "prev_hash", "hash"])
    for e in events:
        at = datetime.fromisoformat(e["at"])
        writer.writerow([e["seq"], e["id"], at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e["at"], e["actor"],
                         e["kind"], e["subject_type"], e["subject_id"] or "", e["incident_number"] or "",
                         json.dumps(e["data"], sort_keys=True, ensure_ascii=False), e["prev_hash"], e["hash"]])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 (Chinese) correctly


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
