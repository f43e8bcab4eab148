"""Safe text: user input is cleaned where it is read (no controls, no characters XML forbids), escaped for mrkdwn,
and fitted to Slack's limits (`bot.blockkit.fit`) before it reaches a message."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls (but newline and tab) make Slack drop or mangle a message; bidi overrides can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# What XML 1.0 (so DOCX) refuses: controls but tab, newline and carriage return; lone surrogates; U+FFFE, U+FFFF.
# python-docx raises on any of them, and a document that cannot be built fails every retry the same way.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 forbids, and nothing else (for documents built from stored text)."""
    return _NOT_XML.sub("", text)


def clean(text: str) -> str:
    """What a form keeps of typed text: no control characters, bidi overrides or characters XML forbids; NFC."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", xml_safe(text)))


def escape(text: str) -> str:
    """Escape user text for mrkdwn: no `<!channel>`, `<@U…>` or forged `<url|label>` can survive."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut text to at most limit characters, marking the cut (titles and labels only: a body is split instead,
    `bot.blockkit.fit`)."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def _wide(char: str) -> bool:
    # Chinese and Japanese text has no spaces: a cut between two of its characters splits no word.
    return unicodedata.east_asian_width(char) in ("W", "F")


def fit(text: str, limit: int) -> str:
    """At most `limit` characters, cut where a word ends (a space, punctuation or a CJK character) and marked "…";
    never inside an escaped `&amp;`-style entity, so what Slack shows is whole words of the text."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # half an entity would show as "&am"
    following = text[len(cut)] if len(cut) < len(text) else ""
    if cut and following and cut[-1].isalnum() and following.isalnum() and not _wide(cut[-1]) and not _wide(following):
        # the cut fell inside a Latin word: go back to where it started, unless the word is most of the text
        start = max((i for i, c in enumerate(cut) if not c.isalnum() or _wide(c)), default=-1) + 1
        if start > limit // 2:
            cut = cut[:start]
    return cut.rstrip() + "…"


def is_user_id(value: object) -> bool:
    """A Slack user id (U… or W…), as opposed to the bot's own actors ("crisisbot", "config", "scheduler")."""
    return isinstance(value, str) and len(value) >= 2 and value[0] in "UW" and value[1:].isalnum() and value.isupper()
