"""Recording fakes for unit tests (Zulip style): they remember what was asked and answer from a script."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.platform.chat import ChatError


class RecordingChat:
    """A chat port that records every call. `script[method]` may be a value, an exception, or a callable."""

    def __init__(self, locales: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.locales = locales or {}
        self.script: dict[str, Any] = {}

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        self.calls.append((method, args))
        answer = self.script.get(method, {"ok": True})
        if isinstance(answer, list):
            answer = answer.pop(0) if answer else {"ok": True}
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, Callable):  # type: ignore[arg-type]
            return answer(**args)
        return answer

    def user_info(self, user: str, *, timeout: float | None = None) -> dict[str, Any]:
        self.calls.append(("users.info", {"user": user}))
        if user not in self.locales:
            raise ChatError("user_not_found")
        return {"id": user, "locale": self.locales[user]}

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]
