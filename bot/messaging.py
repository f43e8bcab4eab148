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
        history = services.chat.call("conversations.history", channel=channel, limit=50, include_all_metadata=True)
        for msg in history.get("messages", []):
            if ((msg.get("metadata") or {}).get("event_payload") or {}).get("work") == job.key:
                return {"channel": channel, "ts": msg["ts"]}
    return services.chat.call("chat.postMessage", channel=channel, text=message["text"], blocks=message["blocks"],
                              metadata={"event_type": "crisisbot_work", "event_payload": {"work": job.key}},
                              unfurl_links=False, unfurl_media=False)


def dm(services: Services, job: Job, user: str, message: dict[str, Any]) -> dict[str, Any]:
    channel = user
    if job.attempts > 1:
        channel = services.chat.call("conversations.open", users=user)["channel"]["id"]
    return post_once(services, job, channel, message)
