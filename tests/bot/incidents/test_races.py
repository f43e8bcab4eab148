"""The report modal delivered twice at once (a retry racing the first delivery, a double tap): one incident, one
number, and both deliveries answer with its receipt. On both databases."""

from __future__ import annotations

import pytest

from bot.incidents import service
from bot.incidents.state import Report
from bot.procedure.config import Level
from storage import audit
from storage.models import Incident
from tests.bot.procedure_kit import CONFIG, INSPECTION_MEMBER, who
from tests.concurrency import at_once

REPORT = Report(unit_id="inspection", category="sudden_event", subtype="force_majeure", title="Yard flooded",
                description="Water in the yard", occurred_at=None, location="", impact="", proposed_level=Level.HIGH,
                flags={})


@pytest.mark.parametrize("round_", range(6))
def test_one_report_delivered_twice_at_once_is_one_incident(session, clock, services, round_):
    def deliver():
        with services.sessions() as s, s.begin():
            return service.report(s, CONFIG, who(INSPECTION_MEMBER), REPORT, submission_key=f"V{round_}",
                                  now=clock.now)

    first, second = at_once(deliver, deliver)

    assert first.number == second.number and first.incident_id == second.incident_id
    assert sorted([first.created, second.created]) == [False, True]
    with services.sessions() as s:
        assert s.query(Incident).count() == 1
        assert [e.kind for e in audit.timeline(s, first.incident_id)].count("incident.reported") == 1
