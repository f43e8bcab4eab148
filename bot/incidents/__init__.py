"""Incidents (procedure §4–§5): the report, triage by the handling group (high / medium / low), and routing to
the tier the level needs."""
