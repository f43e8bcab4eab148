"""`/crisis handover` text → the seat and the person: the words for each role and post, in English and the
procedure's Chinese, and Slack's escaped mention (`<@U123|name>`)."""

from __future__ import annotations

import re

from bot.procedure.config import Role
from bot.procedure.errors import InvalidInput
from bot.roster.state import Target
from storage.models import Seat, UnitPost

# The words a person may type for a standing role, in English and in the procedure's Chinese.
ROLE_WORDS: dict[str, Role] = {
    "commander": Role.COMMANDER, "總指揮": Role.COMMANDER, "總指揮兼發言人": Role.COMMANDER,
    "發言人": Role.COMMANDER,
    "executive_secretary": Role.EXECUTIVE_SECRETARY, "executive-secretary": Role.EXECUTIVE_SECRETARY,
    "secretary": Role.EXECUTIVE_SECRETARY, "執行秘書": Role.EXECUTIVE_SECRETARY, "執秘": Role.EXECUTIVE_SECRETARY,
    "legal": Role.LEGAL, "法務組": Role.LEGAL, "法務": Role.LEGAL,
    "public_relations": Role.PUBLIC_RELATIONS, "public-relations": Role.PUBLIC_RELATIONS, "pr": Role.PUBLIC_RELATIONS,
    "連絡暨公關組": Role.PUBLIC_RELATIONS, "公關組": Role.PUBLIC_RELATIONS, "公關": Role.PUBLIC_RELATIONS,
    "planning": Role.PLANNING, "策劃組": Role.PLANNING, "策劃": Role.PLANNING,
}


DEPUTY_WORDS = frozenset({"deputy", "代理人", "職務代理人"})


PRIMARY_WORDS = frozenset({"primary", "holder", "主要"})


UNIT_HEAD_WORDS = frozenset({"head", "主管"})


UNIT_DEPUTY_WORDS = frozenset({"deputy", "代理人", "職務代理人", "主管代理人"})


# Slack escapes a mention in slash-command text as <@U123|name> (or <@U123>).
MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")


class Usage(InvalidInput):
    """The text does not name a seat and one person; the handler shows the usage."""

    def __init__(self, text: str = "") -> None:
        super().__init__({"text": "handover.usage"})
        self.args = (text,)


def parse(text: str) -> tuple[Target, str]:
    """``commander @X``, ``執行秘書 deputy @X``, ``head:inspection @X``, ``deputy:inspection @X`` → (seat, user)."""
    people = MENTION.findall(text)
    words = [w for w in MENTION.sub(" ", text).replace("\u3000", " ").replace("：", ":").split() if w]
    if len(people) != 1 or not words:
        raise Usage(text)
    first, rest = words[0], [w.lower() for w in words[1:]]
    if ":" in first:
        post, _, unit_id = first.partition(":")
        post = post.lower()
        if not unit_id or rest or post not in UNIT_HEAD_WORDS | UNIT_DEPUTY_WORDS:
            raise Usage(text)
        seat = Seat.PRIMARY if post in UNIT_HEAD_WORDS else Seat.DEPUTY
        return Target(UnitPost.HEAD.value, unit_id.lower(), seat.value), people[0]
    role = ROLE_WORDS.get(first.lower())
    if role is None or len(rest) > 1 or (rest and rest[0] not in DEPUTY_WORDS | PRIMARY_WORDS):
        raise Usage(text)
    seat = Seat.DEPUTY if rest and rest[0] in DEPUTY_WORDS else Seat.PRIMARY
    return Target(role.value, None, seat.value), people[0]
