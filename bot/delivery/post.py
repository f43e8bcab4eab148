"""Posting from due work without ever posting twice.

A job's message carries the job's key as Slack message metadata. A retried job (its lease ran out after Slack
answered but before the result was committed) first looks for that key in the channel's recent history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from bot.delivery.job import Job
from bot.platform.chat import ChatError, Unavailable

if TYPE_CHECKING:
    from bot.platform.services import Services


def post_once(services: Services, job: Job, channel: str, message: dict[str, Any], *,
              thread_ts: str | None = None) -> dict[str, Any]:
    """chat.postMessage (in a thread with `thread_ts`) that a retry cannot duplicate: the work key rides along as
    message metadata, and a retried job first looks for it in the channel's (or thread's) recent messages."""
    if job.attempts > 1:
        found = _posted(services, channel, job.key, thread_ts)
        if found is not None:
            return {"channel": channel, "ts": found}
    where = {"thread_ts": thread_ts} if thread_ts else {}
    return services.chat.call("chat.postMessage", channel=channel, text=message["text"], blocks=message["blocks"],
                              metadata={"event_type": "crisisbot_work", "event_payload": {"work": job.key}},
                              unfurl_links=False, unfurl_media=False, **where)


HISTORY_PAGES = 5  # newest 1,000 messages: a retry comes within minutes, even in a busy DM


HISTORY_PAGE = 200


def _posted(services: Services, channel: str, key: str, thread_ts: str | None = None) -> str | None:
    """The ts of the message carrying work ``key`` among the channel's recent messages, if any.

    More than one page: a burst (a thousand reminders, a typhoon's pages) can put dozens of messages in one DM
    between a crashed attempt and its retry, and a match beyond the first page must still be found.
    """
    cursor = None
    for _ in range(HISTORY_PAGES):
        args: dict[str, Any] = {"channel": channel, "limit": HISTORY_PAGE, "include_all_metadata": True}
        if cursor:
            args["cursor"] = cursor
        if thread_ts:
            history = services.chat.call("conversations.replies", ts=thread_ts, **args)
        else:
            history = services.chat.call("conversations.history", **args)
        for msg in history.get("messages", []):
            if ((msg.get("metadata") or {}).get("event_payload") or {}).get("work") == key:
                return str(msg["ts"])
        cursor = (history.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


def dm(services: Services, job: Job, user: str, message: dict[str, Any]) -> dict[str, Any]:
    channel = user
    if job.attempts > 1:
        channel = services.chat.call("conversations.open", users=user)["channel"]["id"]
    return post_once(services, job, channel, message)


UPLOAD_TIMEOUT = 30


def upload_once(services: Services, job: Job, channel: str, name: str, title: str, content: bytes, *,
                thread_ts: str | None = None, comment: str | None = None) -> dict[str, Any]:
    """Slack's file upload v2 (files.getUploadURLExternal → POST the bytes → files.completeUploadExternal) into a
    channel or a thread. A retried job first looks for a file of that name there, so it is never shared twice."""
    if job.attempts > 1:
        if thread_ts:
            found = services.chat.call("conversations.replies", channel=channel, ts=thread_ts, limit=200)
        else:
            found = services.chat.call("conversations.history", channel=channel, limit=100)
        for msg in found.get("messages", []):
            for file in msg.get("files") or []:
                if file.get("name") == name:
                    return {"file": file.get("id"), "name": name, "already": True}
    answer = services.chat.call("files.getUploadURLExternal", filename=name, length=len(content))
    try:
        response = httpx.post(answer["upload_url"], content=content, timeout=UPLOAD_TIMEOUT,
                              headers={"Content-Type": "application/octet-stream"})
    except httpx.HTTPError as exc:
        raise Unavailable("upload", f"{type(exc).__name__}") from None
    if response.status_code >= 500:
        raise Unavailable(f"http_{response.status_code}", "upload")
    if response.status_code != 200:
        raise ChatError(f"upload_http_{response.status_code}")
    where: dict[str, Any] = {"channel_id": channel}
    if thread_ts:
        where["thread_ts"] = thread_ts
    if comment:
        where["initial_comment"] = comment
    done = services.chat.call("files.completeUploadExternal", files=[{"id": answer["file_id"], "title": title}],
                              **where)
    return {"file": answer["file_id"], "name": name, "files": [f.get("id") for f in done.get("files", [])]}
