"""The due-work contract every area's executors keep: a claimed `Job`, `NotReady` (retry shortly), `GiveUp`
(retrying cannot help) and `subject` (the row a job is about). The tick that runs them is `scheduler.tick`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from bot.platform.services import Services


T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """A claimed piece of work, detached from the session so executors run outside any transaction."""

    id: int
    kind: str
    key: str
    subject_id: str | None
    payload: dict[str, Any]
    attempts: int
    due_at: datetime

    @property
    def retried(self) -> bool:
        """An earlier attempt ran and may have reached the chat platform: its `_once` verbs look before acting."""
        return self.attempts > 1

    def per(self, recipient: str) -> Job:
        """The same job for one of several recipients, so a retry finds each one's message by its own key."""
        return dataclasses.replace(self, key=f"{self.key}:{recipient}")


class NotReady(Exception):
    """The work depends on other work (say, the war-room channel) that has not happened yet: retry shortly."""


NOT_READY_RETRY = timedelta(seconds=1)


class GiveUp(Exception):
    """An executor's verdict that retrying cannot help; the reason is kept on the row and in the audit trail."""


def subject(session: Session, model: type[T], job: Job, key: str, *, lock: bool = False) -> T:
    """The row a job is about (its id in `job.payload[key]`); a job whose row is gone cannot succeed: GiveUp.
    With `lock`, the row is locked until the transaction ends and read afresh: the job decides on it (design §3)."""
    row = session.get(model, int(job.payload[key]), with_for_update=lock or None, populate_existing=lock)
    if row is None:
        raise GiveUp(f"{model.__name__} {job.payload[key]} does not exist")
    return row


Executor = Callable[["Services", Job, datetime], "dict[str, Any] | None"]
