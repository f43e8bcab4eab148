"""Fitting escaped mrkdwn into Slack's limits without losing a word: the one place every view and the Slack
adapter use to turn a long text into section blocks, and a long message into several.

Slack refuses a section whose text passes 3,000 characters (`invalid_blocks`), a message of more than 50 blocks
and a message text of more than 40,000 characters (`msg_too_long`), and a modal of more than 100 blocks. A plan
of 3,000 typed `&` is 15,000 characters once escaped, so cutting at any fixed input length is not enough: the
text is escaped first, then split here.

Splits fall at a line break, else at a space, else after sentence punctuation (Chinese has no spaces), else
between two characters; never inside an escape (`&amp;`), a `<@U…>` / `<#C…>` / `<!here>` / `<url|label>` token
or a grapheme cluster (an emoji with its modifiers, a flag). Lengths are counted in UTF-16 code units, as Slack's
clients do: an emoji outside the BMP counts two, so a text that fits here fits Slack whichever way it counts.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any

SECTION_MAX = 3000
FIELD_MAX = 2000
MESSAGE_BLOCKS_MAX = 50
MESSAGE_TEXT_MAX = 40_000
MODAL_BLOCKS_MAX = 100
FALLBACK_MAX = 3000  # a message's notification text: the blocks carry the whole text, this only announces it

# What a split may not fall inside: mrkdwn's three escapes, and any <…> token (mention, room, link, <!here>).
_ATOM = re.compile(r"&(?:amp|lt|gt);|<[^<>\n]{1,800}>")
_SPACES = " \t\u3000"
_PUNCTUATION = "。！？；，、：.!?;,:）)」』】"
_ZWJ = "\u200d"


def slack_len(text: str) -> int:
    """Characters as Slack counts them (UTF-16 code units): never fewer than Python's code points."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _clusters_at(text: str, i: int) -> bool:
    """Whether position i (between text[i-1] and text[i]) splits a grapheme cluster."""
    if i <= 0 or i >= len(text):
        return False
    after, before = text[i], text[i - 1]
    if before == _ZWJ or after == _ZWJ or unicodedata.category(after) in ("Mn", "Mc", "Me"):
        return True
    code = ord(after)
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F \
            or 0xE0100 <= code <= 0xE01EF:
        return True
    if "\U0001f1e6" <= after <= "\U0001f1ff" and "\U0001f1e6" <= before <= "\U0001f1ff":
        # a flag is a pair of regional indicators: split only after an even run
        run = 0
        j = i - 1
        while j >= 0 and "\U0001f1e6" <= text[j] <= "\U0001f1ff":
            run, j = run + 1, j - 1
        return run % 2 == 1
    return False


def _prefix_end(text: str, limit: int) -> int:
    """The largest n with slack_len(text[:n]) <= limit."""
    size = 0
    for n, char in enumerate(text):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            return n
    return len(text)


def _cut(text: str, limit: int) -> tuple[int, int]:
    """Where to split a text longer than limit: (end of this chunk, start of the rest)."""
    end = _prefix_end(text, limit)
    if end == 0:  # one character wider than the limit (an emoji against a limit of one): it goes alone
        return 1, 1
    protected = [(m.start(), m.end()) for m in _ATOM.finditer(text, 0, min(len(text), end + 802))]

    def safe(i: int) -> bool:
        return 0 < i and not any(s < i < e for s, e in protected) and not _clusters_at(text, i)

    floor = end // 2  # a break much earlier than the limit makes many small blocks: cut hard rather
    for i in range(end, floor, -1):  # a line break; it becomes the block boundary
        if text[i - 1] == "\n" and safe(i - 1):
            return i - 1, i
    for i in range(end, floor, -1):  # a space between words
        if text[i - 1] in _SPACES and safe(i - 1):
            return i - 1, i
    for i in range(end, floor, -1):  # after punctuation: Chinese sentences have no spaces
        if text[i - 1] in _PUNCTUATION and safe(i):
            return i, i
    for i in range(end, 0, -1):  # any boundary outside an escape, a token and a grapheme cluster
        if safe(i):
            return i, i
    return end, end


def split_text(text: str, limit: int = SECTION_MAX) -> list[str]:
    """Escaped mrkdwn as chunks of at most `limit` characters (as Slack counts them), in order, losing nothing
    but the line break or space a chunk boundary replaces. Empty text gives no chunk."""
    chunks: list[str] = []
    rest = text
    while slack_len(rest) > limit:
        end, start = _cut(rest, limit)
        chunk, rest = rest[:end], rest[start:].lstrip("\n")
        if chunk.strip():
            chunks.append(chunk)
    if rest.strip():
        chunks.append(rest)
    return chunks


def quote(text: str) -> str:
    """mrkdwn block quote: every line starts with `> `."""
    return "> " + text.replace("\n", "\n> ")


def _quoted(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for chunk in split_text(text, limit):
        quoted = quote(chunk)
        # quoting at most triples a chunk (a line break becomes three characters), so halving ends
        out += [quoted] if slack_len(quoted) <= SECTION_MAX else _quoted(chunk, max(1, limit // 2))
    return out


def sections(text: str, *, quoted: bool = False, block_id: str | None = None) -> list[dict[str, Any]]:
    """Escaped mrkdwn as as many section blocks as it needs (none for empty text); `quoted` sets it as a block
    quote. A `block_id` goes on the first block only (ids are unique in a message)."""
    chunks = _quoted(text, SECTION_MAX) if quoted else split_text(text, SECTION_MAX)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks]
    if blocks and block_id:
        blocks[0]["block_id"] = block_id
    return blocks


def fallback(text: str) -> str:
    """A message's notification text: short is enough, since the blocks carry all of it; a cut shows `…`."""
    return text if slack_len(text) <= FALLBACK_MAX else text[: _prefix_end(text, FALLBACK_MAX - 1)] + "…"


def fit_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same blocks, a section whose text is too long split into several (its accessory on the first). A
    view that built its blocks with `sections` passes through unchanged; this is the net under every post."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        text = (block.get("text") or {}) if block.get("type") == "section" else {}
        if text.get("type") != "mrkdwn" or slack_len(str(text.get("text") or "")) <= SECTION_MAX:
            out.append(block)
            continue
        parts = sections(str(text["text"]))
        head = copy.deepcopy(block)
        head["text"] = parts[0]["text"]
        out += [head, *parts[1:]]
    return out


def block_len(block: dict[str, Any]) -> int:
    """The characters of text a block carries (what counts against a message's 40,000)."""
    size = 0
    stack: list[Any] = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("text"), str):
                size += slack_len(item["text"])
            stack += [v for k, v in item.items() if k != "text" or not isinstance(v, str)]
        elif isinstance(item, list):
            stack += item
    return size


def _marker(n: int, total: int) -> dict[str, Any]:
    # The part's number is the same in every language: no reader's language is needed to post a long message.
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": f"({n}/{total}){' ⤵' if n < total else ''}"}]}


def messages(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A message as one or more messages within Slack's limits (50 blocks, 40,000 characters each), in reading
    order: the first is the message itself, the others continue it (the adapter posts them in its thread).
    Every part but a lone one ends with a `(n/total)` marker, so a reader knows to look in the thread."""
    blocks = fit_blocks(list(message.get("blocks") or []))
    text = fallback(str(message.get("text") or ""))
    groups: list[list[dict[str, Any]]] = [[]]
    size = slack_len(text)
    for block in blocks:
        n = block_len(block)
        # room for the marker and for the fallback text in every part
        if groups[-1] and (len(groups[-1]) >= MESSAGE_BLOCKS_MAX - 1 or size + n > MESSAGE_TEXT_MAX - 100):
            groups.append([])
            size = slack_len(text)
        groups[-1].append(block)
        size += n
    if len(groups) == 1:
        return [{**message, "text": text, "blocks": blocks} if message.get("blocks") is not None
                else {**message, "text": text}]
    total = len(groups)
    return [{"text": text, "blocks": [*group, _marker(n, total)]} for n, group in enumerate(groups, 1)]


def modal_blocks(blocks: list[dict[str, Any]], more: str = "…") -> list[dict[str, Any]]:
    """A modal's blocks within 100: long sections split, and past the limit the last text blocks give way to
    `more` (a modal cannot continue elsewhere; what it shows in full is in the war room)."""
    fitted = fit_blocks(blocks)
    if len(fitted) <= MODAL_BLOCKS_MAX:
        return fitted
    inputs = [b for b in fitted if b.get("type") in ("input", "actions")]
    room = MODAL_BLOCKS_MAX - len(inputs) - 1
    shown = [b for b in fitted if b.get("type") not in ("input", "actions")][:max(0, room)]
    note = {"type": "context", "elements": [{"type": "mrkdwn", "text": more}]}
    return [*shown, note, *inputs]
