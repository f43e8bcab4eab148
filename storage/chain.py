"""The audit trail's hash chain, version ``crisisbot-audit-v1``: what is hashed, so an auditor can recompute it.

Nothing here touches the database: these are pure functions of an event's stored values (``storage.audit``
seals events with them; ``crisisbot audit verify`` and an exported excerpt are checked with them).

1. **Order.** Every audit event has a ``seq``: 1, 2, 3, … with no gap, in the order the transactions that wrote
   them committed (the chain head, one row, is locked at commit). ``seq`` is unique by constraint, so two events
   can never both follow the same predecessor (no fork).
2. **Link.** ``prev_hash`` is the ``hash`` of the event with ``seq - 1``; the first event's is ``GENESIS``, 64
   zeros (as the drill draws' chain).
3. **Body.** The event as one JSON object with exactly these keys::

       v             "crisisbot-audit-v1"
       seq           integer
       id            integer (the database id; renumbering a row breaks its hash too)
       at            text, the UTC instant with microseconds: "2026-11-03T01:30:00.000000Z"
       actor         text
       kind          text
       subject_type  text
       subject_id    text or null
       incident_id   integer or null
       data          the event's JSON data (an object)
       prev_hash     64 lowercase hex digits

4. **Canonical JSON.** Keys sorted (at every depth), no spaces (``","`` and ``":"``), non-ASCII characters as
   themselves, encoded as UTF-8; object keys are text. A number whose value is whole is written as an integer
   (``1.0`` as ``1``, ``1e20`` as ``100000000000000000000``); any other number as the shortest decimal that reads
   back as the same IEEE double (Python's ``repr``, e.g. ``0.1``, ``1.5e-07``). So data hashes the same after a
   round trip through SQLite's JSON text and PostgreSQL's JSONB (which sorts keys its own way and keeps numbers as
   decimals, ``1e20`` coming back as an integer).
5. **Hash.** ``hash = sha256(canonical JSON of the body)``, in lowercase hex.

By hand: ``printf '%s' '<body>' | sha256sum``. In Python: ``hashlib.sha256(json.dumps(body, sort_keys=True,
separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()`` (with whole numbers written as integers).

The chain proves the trail is whole *relative to a head hash you trust*: whoever can write the database could
rebuild every hash after a change, so keep the head hash that ``crisisbot audit verify`` prints (and each export's
manifest records) somewhere the database's administrators cannot rewrite: the minutes of a review, a mail.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

ALGORITHM = "crisisbot-audit-v1"
GENESIS = "0" * 64
FIELDS = ("seq", "id", "at", "actor", "kind", "subject_type", "subject_id", "incident_id", "data", "prev_hash")


def utc_text(at: datetime) -> str:
    """The one spelling of an instant the chain hashes: UTC, microseconds, ``Z``."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} in the audit trail")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _number(value: float) -> int | float:
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be stored as JSON in the audit trail")
    exact = Decimal(repr(value))
    return int(exact) if exact == exact.to_integral_value() else value


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _canonical_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_value(item) for item in value]
    if isinstance(value, float):
        return _number(value)
    return value


def canonical_data(data: Mapping[str, Any] | None) -> Any:
    """The data as JSON reads it back (text keys, lists) with numbers in their canonical form (rule 4)."""
    return _canonical_value(json.loads(json.dumps(dict(data or {}))))


def body(event: Mapping[str, Any]) -> dict[str, Any]:
    """The object that is hashed (rule 3), from an event's stored values (``at`` a datetime or the UTC text)."""
    at = event["at"]
    return {
        "v": ALGORITHM,
        "seq": int(event["seq"]),
        "id": int(event["id"]),
        "at": utc_text(at) if isinstance(at, datetime) else str(at),
        "actor": event["actor"],
        "kind": event["kind"],
        "subject_type": event["subject_type"],
        "subject_id": None if event["subject_id"] is None else str(event["subject_id"]),
        "incident_id": None if event["incident_id"] is None else int(event["incident_id"]),
        "data": canonical_data(event["data"]),
        "prev_hash": event["prev_hash"],
    }


def canonical(event: Mapping[str, Any]) -> str:
    """The canonical JSON text of an event's body (rule 4)."""
    return json.dumps(body(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(event: Mapping[str, Any]) -> str:
    """The hash an event with these stored values must carry (rule 5)."""
    return hashlib.sha256(canonical(event).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first link that does not hold: which event, and what differs."""

    seq: int | None
    event_id: int | None
    problem: str  # "hash", "prev_hash", "gap", "unchained", "head"
    detail: str


@dataclass(frozen=True)
class Walk:
    """What a walk along (part of) the chain found: how many events, the last link, and the first break."""

    checked: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def walk(events: Iterable[Mapping[str, Any]], *, prev_hash: str = GENESIS, first_seq: int = 1) -> Walk:
    """Recompute the chain over events in ``seq`` order, starting after the link ``(first_seq - 1, prev_hash)``:
    the whole trail from GENESIS, or an exported excerpt from the prev_hash its manifest gives. Stops at the
    first break; a link is followed by its *stored* hash, so one edited event is named alone."""
    expected_seq, expected_prev = first_seq, prev_hash
    checked, first, last = 0, None, None
    for event in events:  # in seq order, unchained rows (no seq) last: the caller sorts
        checked += 1
        seq, event_id = event["seq"], event["id"]
        if seq is None or event["hash"] is None:
            return Walk(checked, first, last, expected_prev, Break(
                None, event_id, "unchained",
                f"event id {event_id} has no seq/hash: it was written behind the bot's back"))
        first = seq if first is None else first
        if seq != expected_seq:
            missing = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}–{seq - 1}"
            return Walk(checked, first, last, expected_prev, Break(
                seq, event_id, "gap",
                f"{missing} missing before event id {event_id} (seq {seq}): deleted, or renumbered"
                if seq > expected_seq else
                f"event id {event_id} has seq {seq}, expected {expected_seq}: a duplicate or renumbered link"))
        if event["prev_hash"] != expected_prev:
            return Walk(checked, first, last, expected_prev, Break(
                seq, event_id, "prev_hash",
                f"event id {event_id} (seq {seq}) links to prev_hash {event['prev_hash']}, but the event before "
                f"it hashes to {expected_prev}"))
        recomputed = link_hash(event)
        if recomputed != event["hash"]:
            return Walk(checked, first, last, expected_prev, Break(
                seq, event_id, "hash",
                f"event id {event_id} (seq {seq}): stored hash {event['hash']}, but its contents hash to "
                f"{recomputed}: the event was changed after it was written"))
        expected_seq, expected_prev, last = seq + 1, event["hash"], seq
    return Walk(checked, first, last, expected_prev, None)
