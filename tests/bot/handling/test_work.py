"""Handling's due work renders what the service stored as facts: the service decides, the executor speaks mrkdwn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.handling.work import render_facts, values_of
from bot.procedure.config import OrgConfig, load_config

CONFIG = load_config()


@dataclass
class Config:
    """Just what rendering reads of the services."""

    config: OrgConfig


SERVICES = Config(CONFIG)


def test_typed_words_are_escaped_and_an_empty_one_shows_a_dash():
    shown = render_facts(SERVICES, {"text": "<!channel> & <https://x|y>", "outcome": ""}, "zh-TW")  # type: ignore[arg-type]
    assert shown == {"text": "&lt;!channel&gt; &amp; &lt;https://x|y&gt;", "outcome": "—"}


def test_ids_numbers_and_versions_are_shown_as_they_are():
    facts = {"user": "U0000CMDR", "number": "2026-0007", "version": 2}
    assert render_facts(SERVICES, facts, "en") == facts  # type: ignore[arg-type]


def test_the_room_is_a_channel_link_and_people_are_mentions():
    shown = render_facts(SERVICES, {"room": "C0001", "people": ["U1", "U2"]}, "en")  # type: ignore[arg-type]
    assert shown == {"room": "<#C0001>", "people": "<@U1> <@U2>"}
    assert render_facts(SERVICES, {"room": None}, "en") == {"room": "—"}  # type: ignore[arg-type]


def test_a_time_is_shown_in_the_organisations_time_zone():
    at = datetime(2026, 12, 2, 1, 30, tzinfo=UTC).isoformat()
    assert render_facts(SERVICES, {"when": at}, "zh-TW") == {"when": "2026-12-02 09:30"}  # type: ignore[arg-type]


def test_a_step_is_named_in_the_readers_language():
    step = CONFIG.steps[0]
    assert render_facts(SERVICES, {"step": step.id}, "en") == {"step": step.name("en")}  # type: ignore[arg-type]
    assert render_facts(SERVICES, {"step": step.id}, "zh-TW") == {"step": step.name("zh-TW")}  # type: ignore[arg-type]


def test_work_queued_before_facts_were_raw_is_shown_as_it_was_rendered():
    payload = {"values": {"user": "U1", "text": "&lt;already escaped&gt;", "room": "<#C1>"}}
    assert values_of(SERVICES, payload, "en") == payload["values"]  # type: ignore[arg-type]
