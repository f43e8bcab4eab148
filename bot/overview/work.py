"""The case-file library's due work: a case file's DOCX sent to the person who asked for it, by DM.

Two steps, each at most once for the job's key: a DM that says what the file is (it also opens the DM's room,
which the upload needs), then the file shared in that room (a retry first looks for the file there)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.blockkit.blocks import text_message
from bot.delivery.job import Job
from bot.delivery.kinds import WorkKind
from bot.handling.casefile import compile_case, filename, to_docx
from bot.procedure.i18n import t
from bot.procedure.text import clip, escape
from bot.warroom.state import incident_of
from storage.models import CaseFile

if TYPE_CHECKING:
    from bot.platform.services import Services


def send_docx(services: Services, job: Job, now: datetime) -> dict[str, Any]:
    """The DOCX of the case file version the person saw when they clicked, in their DM."""
    user, version = str(job.payload["user"]), int(job.payload.get("version") or 0)
    with services.sessions() as session:
        incident = incident_of(session, job)
        case_file = session.query(CaseFile).filter_by(incident_id=incident.id, version=version).one_or_none()
        content = to_docx(compile_case(session, services.config, incident, case_file), services.config)
        number, title = incident.number, incident.title
    name = filename(number, version, "docx")
    lang = services.lang_of(user)
    note = t("cases.docx_note", lang, number=number, title=escape(clip(title, 150)), version=version)
    posted = services.chat.direct_message_once(f"{job.key}:note", user, text_message(note), retry=job.retried)
    return {**services.chat.upload_once(job.key, posted.room, name, name, content, retry=job.retried).record(),
            "channel": posted.room}


EXECUTORS = {
    WorkKind.CASES_DOCX: send_docx,
}
