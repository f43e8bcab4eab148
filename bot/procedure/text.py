"""Safe text: user input is escaped for mrkdwn and trimmed to Slack's limits before it reaches a message."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls (but newline and tab) make Slack drop or mangle a message; bidi overrides can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Drop control characters and bidi overrides, normalise to NFC."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def escape(text: str) -> str:
    """Escape user text for mrkdwn: no `<!channel>`, `<@U…>` or forged `<url|label>` can survive."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut text to at most limit characters, marking the cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
