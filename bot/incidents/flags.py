"""The report's flags act (procedure §3, §5; issue 12): media attention brings in the liaison & PR group, a
legislator's concern PR and the executive secretary, casualties page the commander whatever the level. Which flag
does what is `routing.flags` in the config (`FlagRoute`: invite, notify, page).

Runs in the report's transaction: the invitations, the DMs and the pages are due work committed with the incident,
and each flag that acted leaves an audit event naming whom it brought in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery import copies
from bot.delivery.kinds import WorkKind
from bot.paging import service as paging
from bot.procedure.config import REPORT_FLAGS, OrgConfig, Role
from bot.warroom.service import invite
from storage import audit, roster
from storage import work as queue
from storage.models import Incident


def _holder(session: Session, role: Role) -> str | None:
    # The seat's primary, or the deputy standing in when the primary seat is empty.
    holders = roster.holders(session, role)
    return holders.primary or holders.deputy


def bring_in(session: Session, config: OrgConfig, incident: Incident, now: datetime) -> None:
    """Act on the flags the reporter set: invite, tell and page the roles their routes name.

    Each role is told once however many flags name it (one DM listing them all), and a role that is paged gets
    no DM besides its page. A page goes through `paging.page_role`, which pages nobody twice for one role, so a
    high level's page to the commander is not doubled by the casualties flag."""
    chosen = [f for f in REPORT_FLAGS if (incident.flags or {}).get(f)]
    if not chosen:
        return
    invited: dict[Role, None] = {}
    told: dict[Role, list[str]] = {}
    paged: dict[Role, None] = {}
    for flag in chosen:
        route = config.routing.flag_route(flag)
        invited.update(dict.fromkeys([*route.invite, *route.page]))
        for role in route.notify:
            told.setdefault(role, []).append(flag)
        paged.update(dict.fromkeys(route.page))
        audit.record(session, "crisisbot", "incident.flag_routed", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"flag": flag, "invite": [r.value for r in route.invite],
                                   "notify": [r.value for r in route.notify], "page": [r.value for r in route.page]})
    # A role told is told in both seats (§3 職務代理人), and both are let in, so the DM's room link opens.
    told_people = copies.addressed(session, [r for r in told if r in invited and r not in paged])
    invite(session, incident, [*(_holder(session, r) for r in invited), *told_people], now)
    for role, flags in told.items():
        if _holder(session, role) is None or role in paged:
            continue
        queue.enqueue(session, WorkKind.FLAG_NOTIFY, f"incident:{incident.id}:flag-notify:{role.value}", now,
                      {"incident": incident.id, "role": role.value, copies.TO: [role.value], "flags": flags,
                       "invited": role in invited}, incident.id)
    for role in paged:
        paging.page_role(session, config, incident, role, incident.level or incident.proposed_level, now)
