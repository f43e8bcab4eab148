"""The `/crisis` sub-commands: their words in both languages, who may use them, and parsing of the text.

The registry is data, so help texts, authorization and the manifest test all read the same list."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.procedure.config import Role
from bot.procedure.who import Who

SLASH = "/crisis"


def _anyone(who: Who) -> bool:
    return True


def _team(who: Who) -> bool:
    return who.known


def _executive_secretary(who: Who) -> bool:
    return who.holds(Role.EXECUTIVE_SECRETARY)


def _reviewer(who: Who) -> bool:
    return who.holds(Role.COMMANDER) or who.holds(Role.EXECUTIVE_SECRETARY)


def _handover(who: Who) -> bool:
    return bool(who.roles) or who.heads()


@dataclass(frozen=True)
class Command:
    """One sub-command: its phrases (English first, then zh-TW aliases), usage and who may run it."""

    key: str
    phrases: tuple[tuple[str, ...], ...]
    args: str
    allowed: Callable[[Who], bool]

    def usage(self) -> str:
        return " ".join(p for p in (SLASH, *self.phrases[0], self.args) if p)

    def alias_usage(self) -> str:
        """The usage with the first zh-TW phrase, shown beside the English one; empty if there is none."""
        if len(self.phrases) < 2:
            return ""
        return " ".join(p for p in (SLASH, *self.phrases[1], self.args) if p)


# Implemented sub-commands only: help never promises what the bot cannot do.
COMMANDS: tuple[Command, ...] = (
    Command("help", (("help",), ("說明",), ("幫助",)), "", _anyone),
    Command("report", (("report",), ("通報",)), "", _anyone),
    Command("list", (("list",), ("列表",)), "", _team),
    Command("status", (("status",), ("狀態",)), "<number>", _team),
    Command("roster", (("roster",), ("名冊",)), "", _team),
    Command("handover", (("handover",), ("移交",)), "<role> [deputy] @person", _handover),
    Command("update", (("update",), ("更新",), ("進度",)), "[<number>] [text]", _team),
    Command("drill_draw", (("drill", "draw"), ("演練", "抽籤")), "", _executive_secretary),
    Command("drill_report", (("drill", "report"), ("演練", "報告")), "", lambda who: who.member_of()),
    Command("drill_status", (("drill", "status"), ("演練", "狀態"), ("drill",), ("演練",)), "", _team),
    Command("drill_verify", (("drill", "verify"), ("演練", "驗算")), "<id>", _team),
    Command("review", (("review",), ("檢討",)), "[2026 | 2026-11]", _reviewer),
    Command("cases", (("cases",), ("案例",)), "[words]", _team),
)


@dataclass(frozen=True)
class Parsed:
    command: Command | None
    args: list[str]
    text: str
    tail: str = ""  # the text after the sub-command's words as typed: its line breaks and spacing kept


def after_words(text: str, n: int) -> str:
    """The text after its first `n` words (whitespace, the ideographic space included, separates words)."""
    found = re.match(rf"\s*(?:\S+\s*){{{n}}}", text) if n else None
    return text[found.end():].strip() if found else text.strip()


def parse(text: str, commands: tuple[Command, ...] = COMMANDS) -> Parsed:
    """Match the longest sub-command at the start of the text; a bare `/crisis` is help."""
    words = text.replace("\u3000", " ").split()
    if not words:
        return Parsed(next(c for c in commands if c.key == "help"), [], text)
    best: tuple[int, Command] | None = None
    lowered = [w.lower() for w in words]
    for cmd in commands:
        for phrase in cmd.phrases:
            n = len(phrase)
            if lowered[:n] == [p.lower() for p in phrase] and (best is None or n > best[0]):
                best = (n, cmd)
    if best is None:
        return Parsed(None, words, text)
    return Parsed(best[1], words[best[0]:], text, after_words(text, best[0]))


def available(who: Who, commands: tuple[Command, ...] = COMMANDS) -> list[Command]:
    return [c for c in commands if c.allowed(who)]
