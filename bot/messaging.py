"""Posting from due work without ever posting twice.

A job's message carries the job's key as Slack message metadata. A retried job (its lease ran out after Slack
answered but before the result was committed) first looks for that key in the channel's recent history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.work import Job

if TYPE_CHECKING:
    from bot.services import Services


def text_message(text: str) -> dict[str, Any]:
    """A one-section mrkdwn message with the same text as its notification fallback (text must be escaped)."""
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def post_once(services: Services, job: Job, channel: str, message: dict[str, Any]) -> dict[str, Any]:
    """chat.postMessage that a retry cannot duplicate: the work key rides along as message metadata, and a
    retried job first looks for it in the channel's recent history."""
    if job.attempts > 1:
        found = _posted(services, channel, job.key)
        if found is not None:
            return {"channel": channel, "ts": found}
    return services.chat.call("chat.postMessage", channel=channel, text=message["text"], blocks=message["blocks"],
                              metadata={"event_type": "crisisbot_work", "event_payload": {"work": job.key}},
                              unfurl_links=False, unfurl_media=False)


HISTORY_PAGES = 5  # newest 1,000 messages: a retry comes within minutes, even in a busy DM
HISTORY_PAGE = 200


def _posted(services: Services, channel: str, key: str) -> str | None:
    """The ts of the message carrying work ``key`` among the channel's recent messages, if any.

    More than one page: a burst (a thousand reminders, a typhoon's pages) can put dozens of messages in one DM
    between a crashed attempt and its retry, and a match beyond the first page must still be found.
    """
    cursor = None
    for _ in range(HISTORY_PAGES):
        args: dict[str, Any] = {"channel": channel, "limit": HISTORY_PAGE, "include_all_metadata": True}
        if cursor:
            args["cursor"] = cursor
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
