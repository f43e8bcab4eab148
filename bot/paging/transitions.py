"""The life of a page as plain data (procedure §3, §5): which event moves a page from which status to which, who is
paged when a page times out, and which waiting pages a lower judged level stands down.

No database and no Slack here: `bot.paging.service` asks these functions and writes what they decide, and the unit
tests walk every transition with plain values.

    paged ──acknowledged──▶ acked
      │ ──timed out───────▶ escalated ──▶ the deputy, else the next tier, else exhausted (the room's alarm)
      │ ──answered by another on its chain──▶ superseded
      │ ──the incident is over──▶ closed
      │ ──its seat handed over (§3 移交; the new holder gets a page of their own)──▶ superseded
      └ ──judged lower (its tier no longer needed)──▶ stood down
    escalated ──acknowledged (late, nobody after it answered)──▶ acked
    escalated ──judged lower, still unanswered──▶ stood down
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.procedure.config import Role
from bot.procedure.status import PageStatus

# The paging chain, lowest tier first: an unanswered executive secretary brings in the commander; the commander is
# the top. A page of a role outside the chain (the legal group) escalates to its deputy and then only alarms.
CHAIN: tuple[Role, ...] = (Role.EXECUTIVE_SECRETARY, Role.COMMANDER)
NEXT_TIER: dict[Role, Role | None] = {role: (CHAIN[i + 1] if i + 1 < len(CHAIN) else None)
                                      for i, role in enumerate(CHAIN)}


class Event(StrEnum):
    """What can happen to a page."""

    ACKNOWLEDGED = "acknowledged"
    TIMED_OUT = "timed_out"
    ANSWERED_ELSEWHERE = "answered_elsewhere"  # another page on its chain was acknowledged
    INCIDENT_OVER = "incident_over"
    STOOD_DOWN = "stood_down"  # the judged level does not need this page's tier
    HANDED_OVER = "handed_over"  # the seat it waits on was handed over: the new holder is paged instead


TRANSITIONS: dict[tuple[PageStatus, Event], PageStatus] = {
    (PageStatus.PAGING, Event.ACKNOWLEDGED): PageStatus.ACKED,
    (PageStatus.PAGING, Event.TIMED_OUT): PageStatus.ESCALATED,
    (PageStatus.PAGING, Event.ANSWERED_ELSEWHERE): PageStatus.SUPERSEDED,
    (PageStatus.PAGING, Event.INCIDENT_OVER): PageStatus.CLOSED,
    (PageStatus.PAGING, Event.STOOD_DOWN): PageStatus.STOOD_DOWN,
    (PageStatus.PAGING, Event.HANDED_OVER): PageStatus.SUPERSEDED,
    # An escalated page still carries its button: a late answer counts while nobody after it has answered.
    (PageStatus.ESCALATED, Event.ACKNOWLEDGED): PageStatus.ACKED,
    (PageStatus.ESCALATED, Event.STOOD_DOWN): PageStatus.STOOD_DOWN,
}

# Nothing moves a page out of these: the answer (or the reason nobody needs to answer) is final.
FINAL = frozenset({PageStatus.ACKED, PageStatus.SUPERSEDED, PageStatus.CLOSED, PageStatus.STOOD_DOWN})


def step(status: str, event: Event) -> PageStatus | None:
    """The status a page in `status` moves to on `event`, or None when the event does not apply to it."""
    return TRANSITIONS.get((PageStatus(status), event))


@dataclass(frozen=True)
class Next:
    """Who a timed-out page goes to: the role's deputy, the next tier's holder, or nobody (`exhausted`)."""

    attempt: str  # "deputy" | "next_tier" | "exhausted"
    role: Role | None = None
    tier: int = 0


def after_timeout(role: Role, attempt: str, tier: int, *, target: str, deputy: str | None) -> Next:
    """§3 職務代理人, then the next tier: the primary's page goes to the deputy (when there is one other than the
    person just paged); a deputy's page, or a role without one, goes up the chain; the top of it is exhausted."""
    if attempt != "deputy" and deputy and deputy != target:
        return Next("deputy", role, tier)
    up = NEXT_TIER.get(role)
    return Next("next_tier", up, tier + 1) if up is not None else Next("exhausted")


def chain_above(role: Role) -> set[Role]:
    """The tiers a role's unanswered page escalates to (executive secretary → commander)."""
    above: set[Role] = set()
    nxt = NEXT_TIER.get(role)
    while nxt is not None:
        above.add(nxt)
        nxt = NEXT_TIER.get(nxt)
    return above


def root_of(role: Role, tier: int) -> Role | None:
    """The tier a page answers for: its own role, or for a next-tier page the role `tier` steps down the chain
    whose silence brought it in. None for a role outside the chain."""
    if role not in CHAIN:
        return None
    index = CHAIN.index(role) - tier
    return CHAIN[index] if index >= 0 else None


def stands_down(role: Role, tier: int, paged_for: str | None, needed: Role | None) -> bool:
    """Whether a waiting page is no longer needed once the level is judged to be one whose tier is `needed` (None:
    the level pages nobody, as low). Only a level's own pages (`paged_for` set: the tier of a level or of a
    proposal, and its escalations) can stand down, and only when they answer for a tier above the needed one; a page
    in its own right (the legal group's, a flag's) and the needed tier's own chain keep running."""
    if paged_for is None:
        return False
    root = root_of(role, tier)
    if root is None:
        return False
    rank = CHAIN.index(needed) if needed in CHAIN else -1
    return CHAIN.index(root) > rank
