"""The drill lottery (procedure §7.1, 抽選演練單位): a weighted draw that any auditor can recompute by hand.

Nothing here touches the database, Slack, a clock or Python's ``random``: the draw is a pure function of the
record it stores. The algorithm, version ``crisisbot-draw-v1``:

1. **History.** The units drawn before, most recent first. A unit's *age* is its 1-based position in that list
   (drawn last time: 1); a unit never drawn has age ``len(history) + 1``.
2. **Exclusion.** ``k = min(exclusion_draws, len(eligible) - 1)`` (never negative): a unit drawn within the last
   k draws (it is in ``history[:k]``) is left out. The clamp keeps at least one unit in the lottery.
3. **Weights.** Each remaining unit weighs ``max(age - k, 1)``: the longer since its last drill, the heavier; a
   unit never drawn is the heaviest.
4. **Seed.** ``seed = sha256("crisisbot-draw-v1|" + period + "|" + previous_record_hash + "|" + nonce)`` in hex.
   The nonce is 32 random bytes the server drew *at the previous draw* and committed to by publishing
   ``sha256(nonce)`` in that draw's record (``next_commitment``); it is revealed only now. So whoever triggers the
   draw cannot choose the seed, nobody could predict it from the public records, and an auditor checks that the
   revealed nonce matches the commitment. The first draw has no previous record (``previous_record_hash`` is 64
   zeros) and no commitment to check.
5. **Ticket.** ``ticket = int(sha256(seed + "|ticket"), 16) mod total_weight`` (the modulo bias is below 2^-200).
6. **Result.** Walk the candidates sorted by unit id, adding up weights; the first unit whose running total
   exceeds the ticket is drawn.
7. **Record hash.** ``sha256`` of the record as canonical JSON (keys sorted, no spaces, UTF-8), without its own
   ``record_hash``; the next draw chains to it, so no past record can be changed unnoticed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

ALGORITHM = "crisisbot-draw-v1"


GENESIS = "0" * 64


@dataclass(frozen=True)
class Lottery:
    """The inputs a draw is computed from, and how each eligible unit fared."""

    eligible: tuple[str, ...]
    effective_exclusion: int
    ages: dict[str, int]
    excluded: tuple[str, ...]
    weights: dict[str, int]  # the candidates (eligible, not excluded), by unit id

    @property
    def total(self) -> int:
        return sum(self.weights.values())


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commitment(nonce: str) -> str:
    """What a draw publishes about the nonce the next draw will use."""
    return sha256(nonce)


def derive_seed(period: str, previous_record_hash: str, nonce: str) -> str:
    return sha256(f"{ALGORITHM}|{period}|{previous_record_hash}|{nonce}")


def lottery(eligible: Iterable[str], history: Sequence[str], exclusion_draws: int) -> Lottery:
    """Ages, exclusion and weights of the eligible units given the history (most recent first)."""
    units = tuple(sorted(set(eligible)))
    if not units:
        raise ValueError("no unit is eligible for drills")
    k = max(0, min(exclusion_draws, len(units) - 1))
    ages: dict[str, int] = {}
    for unit in units:
        ages[unit] = history.index(unit) + 1 if unit in history else len(history) + 1
    recent = set(history[:k])
    excluded = tuple(u for u in units if u in recent)
    weights = {u: max(ages[u] - k, 1) for u in units if u not in recent}
    return Lottery(units, k, ages, excluded, weights)


def ticket(seed: str, total: int) -> int:
    if total <= 0:
        raise ValueError("the lottery has no weight")
    return int(sha256(f"{seed}|ticket"), 16) % total


def pick(seed: str, weights: dict[str, int]) -> tuple[int, str]:
    """(ticket, unit) for the seed over the weights, walked in unit-id order."""
    drawn = ticket(seed, sum(weights.values()))
    running = 0
    for unit in sorted(weights):
        running += weights[unit]
        if drawn < running:
            return drawn, unit
    raise AssertionError("unreachable: the ticket is below the total weight")  # pragma: no cover


def canonical(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "record_hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(record: dict[str, Any]) -> str:
    return sha256(canonical(record))


def build_record(*, period: str, eligible: Iterable[str], history: Sequence[str], exclusion_draws: int,
                 previous: dict[str, Any] | None, nonce: str, next_nonce: str, drawn_by: str,
                 drawn_at: str) -> dict[str, Any]:
    """Run the draw and return its full record (what is stored and what `verify` recomputes)."""
    lot = lottery(eligible, history, exclusion_draws)
    previous_hash = previous["record_hash"] if previous else GENESIS
    seed = derive_seed(period, previous_hash, nonce)
    drawn_ticket, unit = pick(seed, lot.weights)
    record: dict[str, Any] = {
        "algorithm": ALGORITHM,
        "period": period,
        "previous": {"period": previous["period"], "record_hash": previous_hash} if previous else None,
        "commitment": previous.get("next_commitment") if previous else None,
        "nonce": nonce,
        "seed": seed,
        "history": list(history),
        "exclusion_draws": exclusion_draws,
        "effective_exclusion": lot.effective_exclusion,
        "eligible": list(lot.eligible),
        "ages": lot.ages,
        "excluded": list(lot.excluded),
        "weights": lot.weights,
        "total_weight": lot.total,
        "ticket": drawn_ticket,
        "unit": unit,
        "next_commitment": commitment(next_nonce),
        "drawn_by": drawn_by,
        "drawn_at": drawn_at,
    }
    record["record_hash"] = record_hash(record)
    return record


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def verify(record: dict[str, Any], previous: dict[str, Any] | None,
           history: Sequence[str] | None = None) -> list[Check]:
    """Recompute a stored draw from its inputs. ``previous`` is the previous draw's stored record (None for the
    first), ``history`` the units drawn before as the database holds them (most recent first), when known."""
    checks: list[Check] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append(Check(name, ok, detail))

    check("algorithm", record.get("algorithm") == ALGORITHM, str(record.get("algorithm")))
    stored_hash = record.get("record_hash", "")
    check("record_hash", record_hash(record) == stored_hash, f"sha256(canonical JSON) = {stored_hash}")
    previous_hash = previous["record_hash"] if previous else GENESIS
    recorded_previous = (record.get("previous") or {}).get("record_hash", GENESIS)
    check("chain", recorded_previous == previous_hash,
          f"previous record {previous.get('period') if previous else '(none: first draw)'} = {previous_hash}")
    if previous is not None:
        promised = previous.get("next_commitment")
        check("commitment", promised is not None and commitment(record.get("nonce", "")) == promised,
              f"sha256(nonce) = {commitment(record.get('nonce', ''))}; committed at {previous.get('period')}: "
              f"{promised}")
    if history is not None:
        check("history", list(history) == list(record.get("history", [])),
              "units drawn before, most recent first: " + (", ".join(history) or "(none)"))
    seed = derive_seed(record.get("period", ""), previous_hash, record.get("nonce", ""))
    check("seed", seed == record.get("seed"), f"sha256({ALGORITHM}|{record.get('period')}|…|nonce) = {seed}")
    try:
        lot = lottery(record.get("eligible", []), record.get("history", []), int(record.get("exclusion_draws", 0)))
        drawn_ticket, unit = pick(seed, lot.weights)
    except ValueError as exc:
        check("draw", False, str(exc))
        return checks
    check("weights", lot.weights == record.get("weights") and lot.excluded == tuple(record.get("excluded", [])),
          f"exclusion {lot.effective_exclusion}; excluded {', '.join(lot.excluded) or '(none)'}; weights "
          + ", ".join(f"{u}={w}" for u, w in sorted(lot.weights.items())))
    check("ticket", drawn_ticket == record.get("ticket"), f"sha256(seed|ticket) mod {lot.total} = {drawn_ticket}")
    check("unit", unit == record.get("unit"), f"drawn: {unit}")
    return checks
