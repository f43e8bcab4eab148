"""The words after a `/crisis` sub-command, as typed: `/crisis update <text>` posts them, so their line breaks and
spacing must survive the parse that splits the command into words."""

from __future__ import annotations

import pytest

from bot.procedure.commands import after_words, parse


@pytest.mark.parametrize(("typed", "key", "tail"), [
    ("update 火勢已控制", "update", "火勢已控制"),
    ("  UPDATE   第一行\n第二行  \n", "update", "第一行\n第二行"),
    ("更新\u3000消防隊已到場，  3 號倉冷卻中", "update", "消防隊已到場，  3 號倉冷卻中"),
    ("進度 #7 道路已開放", "update", "#7 道路已開放"),
    ("update", "update", ""),
    ("drill status extra words", "drill_status", "extra words"),
])
def test_the_tail_is_the_text_after_the_sub_command_as_typed(typed, key, tail):
    parsed = parse(typed)
    assert parsed.command is not None and parsed.command.key == key
    assert parsed.tail == tail


def test_after_words_skips_whole_words_only():
    assert after_words("#7  道路\n已開放", 1) == "道路\n已開放"
    assert after_words("#7", 1) == "" and after_words("text", 0) == "text"
