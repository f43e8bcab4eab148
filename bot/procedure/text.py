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
