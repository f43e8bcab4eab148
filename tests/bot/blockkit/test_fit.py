"""The splitter that makes texts fit Slack's limits, tried on many random texts (property style, seeded): every
word, escape and token survives, in order; no block, message or modal passes Slack's limits; slack_sdk's own
models accept every block."""

from __future__ import annotations

import random
import re

import pytest
from slack_sdk.models.blocks import Block

from bot.blockkit import fit
from bot.blockkit.blocks import simple_message, text_message
from bot.procedure.text import escape

WORDS = ["火警", "貨櫃場", "基隆關", "通關", "暫停", "3號倉", "AT&T", "<script>", "a<b>c", "x&y", "&amp;", "R&D",
         "<@U0000CMDR>", "<!channel>", "<#C0001|general>", "<https://example.gov.tw|官網>", "👩‍👩‍👧‍👦", "🇹🇼",
         "👍🏽", "é", "e\u0301", "🔥", "——", "。", "，", "word", "supercalifragilistic", "x" * 40]
SEPARATORS = [" ", " ", "\n", "\n\n", "", "", "　", "\t"]


def random_text(rng: random.Random, size: int) -> str:
    out: list[str] = []
    length = 0
    while length < size:
        piece = rng.choice(WORDS) + rng.choice(SEPARATORS)
        if rng.random() < 0.05:
            piece = "".join(rng.choice("危機處理組") for _ in range(rng.randint(100, 4000)))  # no break for long
        out.append(piece)
        length += len(piece)
    return "".join(out)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def atoms(text: str) -> list[str]:
    return re.findall(r"&(?:amp|lt|gt);|<[^<>\n]{1,800}>", text)


def texts(n: int = 300):
    rng = random.Random(11)
    for i in range(n):
        yield escape(random_text(rng, rng.choice([10, 500, 2990, 3001, 6000, 10_000, 50_000]))) if i % 3 else \
            random_text(rng, rng.choice([3000, 9000, 20_000]))  # unescaped too: user tokens like <@U…> as is


@pytest.mark.parametrize("limit", [fit.SECTION_MAX, 1000, 37])
def test_every_word_escape_and_token_survives_in_order_and_every_chunk_fits(limit):
    for text in texts(120 if limit == fit.SECTION_MAX else 40):
        chunks = fit.split_text(text, limit)
        assert all(0 < fit.slack_len(c) <= limit for c in chunks)
        assert squeeze("".join(chunks)) == squeeze(text)  # only the line break or space at a boundary goes
        assert [a for c in chunks for a in atoms(c)] == atoms(text)  # no &amp; or <@U…> is cut in two
        assert all(c.strip() for c in chunks)


def test_a_split_falls_at_a_line_then_a_space_and_keeps_words_whole():
    lines = [f"第{n}行 " + "字" * 90 for n in range(100)]
    chunks = fit.split_text("\n".join(lines))
    assert len(chunks) > 1 and all(c.split("\n")[0].startswith("第") for c in chunks)
    words = ["w" + str(n) * 7 for n in range(2000)]
    chunks = fit.split_text(" ".join(words))
    assert [w for c in chunks for w in c.split(" ")] == words


def test_chinese_without_spaces_breaks_after_punctuation():
    text = "本關已啟動應變機制，" * 600
    chunks = fit.split_text(text)
    assert len(chunks) == 2 and all(c.endswith("，") for c in chunks)
    assert "".join(chunks) == text


def test_length_is_counted_as_slack_does_an_emoji_is_two():
    text = "🔥" * 2000  # 2,000 code points, 4,000 UTF-16 units
    chunks = fit.split_text(text)
    assert [fit.slack_len(c) for c in chunks] == [3000, 1000]
    assert fit.split_text("👩‍👩‍👧‍👦" * 500, 100)[0].endswith("👦")  # a family emoji is never split


def test_an_escape_or_a_mention_at_the_limit_goes_whole_to_the_next_block():
    for pad in range(2990, 3001):
        for atom in ("&amp;", "<@U0000CMDR>"):
            chunks = fit.split_text("字" * pad + atom + "字" * 10)
            assert atom in chunks[0] or atom in chunks[1]
            assert not chunks[0].endswith(("&", "&a", "&am", "&amp", "<", "<@")), pad


def test_sections_and_quotes_fit_and_are_valid_block_kit():
    for text in texts(60):
        for quoted in (False, True):
            blocks = fit.sections(text, quoted=quoted)
            for block in blocks:
                assert fit.slack_len(block["text"]["text"]) <= fit.SECTION_MAX
                Block.parse(block).validate_json()
                if quoted:
                    assert all(line.startswith(">") for line in block["text"]["text"].split("\n"))
            shown = "".join(re.sub(r"(^|\n)> ", r"\1", b["text"]["text"]) if quoted else b["text"]["text"]
                            for b in blocks)
            assert squeeze(shown) == squeeze(text)


def test_a_message_becomes_parts_within_fifty_blocks_and_forty_thousand_characters():
    for text in texts(60):
        message = simple_message(text, [["case_file", "7"]], "zh-TW")
        parts = fit.messages(message)
        for part in parts:
            assert len(part["blocks"]) <= fit.MESSAGE_BLOCKS_MAX
            assert fit.slack_len(part["text"]) + sum(fit.block_len(b) for b in part["blocks"]) <= fit.MESSAGE_TEXT_MAX
        body = [b["text"]["text"] for p in parts for b in p["blocks"] if b["type"] == "section"]
        assert squeeze("".join(body)) == squeeze(text)
        assert [b["type"] for b in parts[-1]["blocks"] if b["type"] == "actions"] == ["actions"]  # the button stays
        if len(parts) > 1:
            assert [p["blocks"][-1]["elements"][0]["text"].split(")")[0] for p in parts] == [
                f"({n}/{len(parts)}" for n in range(1, len(parts) + 1)]


def test_a_message_that_fits_is_left_as_it_was():
    message = text_message("短訊 &amp; 完整")
    assert fit.messages(message) == [message]


def test_an_oversized_section_from_any_view_is_split_by_the_net():
    block = {"type": "section", "block_id": "b1", "text": {"type": "mrkdwn", "text": "字 " * 4000},
             "accessory": {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "x"}}}
    fitted = fit.fit_blocks([block])
    assert len(fitted) == 3 and fitted[0]["block_id"] == "b1" and "accessory" in fitted[0]
    assert all("block_id" not in b for b in fitted[1:])
    assert squeeze("".join(b["text"]["text"] for b in fitted)) == squeeze(block["text"]["text"])


def test_a_modal_keeps_its_inputs_within_a_hundred_blocks():
    blocks = [*fit.sections("字" * 400_000), {"type": "input", "block_id": "i", "label": {"type": "plain_text",
                                                                                       "text": "x"}, "element": {}}]
    fitted = fit.modal_blocks(blocks, "…")
    assert len(fitted) == fit.MODAL_BLOCKS_MAX and fitted[-1]["type"] == "input"
    assert fitted[-2]["elements"][0]["text"] == "…"


def test_the_notification_fallback_is_short_and_marks_its_cut():
    assert fit.fallback("字" * 5000).endswith("…") and fit.slack_len(fit.fallback("🔥" * 5000)) <= fit.FALLBACK_MAX
