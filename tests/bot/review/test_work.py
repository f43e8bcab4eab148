"""The review's executor over a recording chat: each person's figures under their own key, both files into that
message's thread (where a retry looks for them), the retry flag passed on, and GiveUp when nobody holds the seat."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.delivery.job import GiveUp, Job
from bot.review import work
from storage.models import RoleAssignment

JOB = Job(1, "review.send", "review:monthly:2026-11", "review:2026-11",
          {"period": "2026-11", "to": ["executive_secretary"]}, 1, datetime(2026, 12, 1, 1, tzinfo=UTC))


def test_the_monthly_review_goes_to_the_holder_and_the_deputy_with_its_files(services, chat):
    result = work.send(services, JOB, datetime(2026, 12, 1, 1, tzinfo=UTC))
    dms = [a for v, a in chat.calls if v == "direct_message_once"]
    assert [(a["key"], a["user"]) for a in dms] == [("review:monthly:2026-11:U0000EXEC", "U0000EXEC"),
                                                   ("review:monthly:2026-11:U0000EXED", "U0000EXED")]
    assert "上個月（2026-11）" in dms[0]["message"]["blocks"][1]["text"]["text"]
    uploads = [a for v, a in chat.calls if v == "upload_once"]
    assert [(a["name"], a["retry"]) for a in uploads] == [("review-2026-11.docx", False), ("review-2026-11.csv", False),
                                                         ("review-2026-11.docx", False), ("review-2026-11.csv", False)]
    first = result["copies"]["U0000EXEC"]
    assert {(a["room"], a["thread"]) for a in uploads[:2]} == {(first["channel"], first["ts"])}
    chat.calls.clear()
    work.send(services, Job(**{**JOB.__dict__, "attempts": 2}), datetime(2026, 12, 1, 1, 1, tzinfo=UTC))
    assert all(a["retry"] for v, a in chat.calls if v in ("direct_message_once", "upload_once"))


def test_nobody_in_the_seat_gives_up(services, session):
    for row in session.query(RoleAssignment).filter_by(role="executive_secretary"):
        row.ended_at = datetime(2026, 11, 1, tzinfo=UTC)
    session.commit()
    with pytest.raises(GiveUp):
        work.send(services, JOB, datetime(2026, 12, 1, 1, tzinfo=UTC))
    with pytest.raises(GiveUp):
        work.send(services, Job(**{**JOB.__dict__, "payload": {"period": "2026-13", "user": "U0000EXEC"}}),
                  datetime(2026, 12, 1, 1, tzinfo=UTC))
