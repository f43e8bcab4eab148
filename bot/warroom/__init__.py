"""The war room (procedure §5–§6): the incident's channel, who is invited, and its pinned card."""
