"""Drill executors with a recording chat fake: the upload v2 flow, and no second upload on a retry."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.job import Job
from bot.drills import service as drills
from bot.drills import work as drill_work
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.slack import SlackChat
from bot.procedure.config import load_config
from bot.procedure.who import who_from_config
from bot.roster.sync import sync_roster
from storage.db import session_factory
from tests.fakes import RecordingWebApi

CONFIG = load_config()
NOV = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def services(engine):
    api = RecordingWebApi()
    sessions = session_factory(engine)
    with sessions() as s, s.begin():
        sync_roster(s, CONFIG, actor="config", now=NOV)
        drawn = drills.draw(s, CONFIG, "scheduler", NOV, random.Random(2))
        drill = drills.get(s, drawn.drill_id)
        drill.thread_channel, drill.thread_ts = "D0EXEC", "1.000001"
        head = who_from_config(CONFIG, CONFIG.unit(drill.unit_id).head)
        filed = drills.file_report(s, CONFIG, head, drill, {
            "unit": drill.unit_id, "drill_time": NOV.isoformat(), "items": [drill.category], "case": "案",
            "summary": "摘要", "findings": "", "improvements": ""}, NOV + timedelta(days=1))
    svc = Services(Settings(), CONFIG, sessions, SlackChat(api), lambda: NOV)  # type: ignore[call-arg]
    svc.api = api  # type: ignore[attr-defined]
    svc.job = Job(1, "drill.upload", f"drill:{drawn.drill_id}:upload:report:1", None,  # type: ignore[attr-defined]
                  {"drill": drawn.drill_id, "doc": "report", "id": filed.report_id, "version": 1}, 1, NOV)
    return svc


def test_upload_uses_the_v2_flow_into_the_thread(services):
    services.api.script["files.getUploadURLExternal"] = {"upload_url": "https://files.example/up/F1", "file_id": "F1"}
    services.api.script["files.completeUploadExternal"] = {"files": [{"id": "F1"}]}
    result = drill_work.upload(services, services.job, NOV)
    # the form's author is named: looked up first (the cache has nobody yet), then the file goes up
    assert services.api.methods() == ["users.info", "files.getUploadURLExternal", "files.completeUploadExternal"]
    get_url, complete = services.api.calls[1][1], services.api.calls[2][1]
    [(url, content)] = services.api.uploads
    assert url == "https://files.example/up/F1" and get_url["length"] == len(content) and content[:2] == b"PK"
    assert complete["channel_id"] == "D0EXEC" and complete["thread_ts"] == "1.000001"
    assert complete["files"][0]["id"] == "F1" and result["file"] == "F1"


def test_a_retry_finds_the_file_already_in_the_thread(services):
    retry = Job(**{**services.job.__dict__, "attempts": 2})
    services.api.script["conversations.replies"] = {"messages": [
        {"ts": "1.000002", "files": [{"id": "F1", "name": "drill-2026-11-report-v1.docx"}]}]}
    assert drill_work.upload(services, retry, NOV)["already"] is True
    assert services.api.methods()[-1:] == ["conversations.replies"] and services.api.uploads == []
