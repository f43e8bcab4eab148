"""Recording fakes for unit tests (Zulip style): they remember what was asked and answer from a script.

`RecordingWebApi` stands in for Slack's Web API under the real adapter (`SlackChat(RecordingWebApi())`), so a
test asserts the Web API calls production makes. `RecordingChat` stands in for the chat port itself and records
the procedure's verbs, for tests of an executor's decisions that do not care how Slack is spoken to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.platform.chat import ChatError, Person, Posted, Room, Uploaded
from bot.platform.slack import error_for


class RecordingWebApi:
    """A Web API that records every call. `script[method]` may be a value, a list of them (one per call), an
    exception, or a callable of the call's arguments. users.info answers from `locales` unless scripted."""

    def __init__(self, locales: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.locales = locales or {}
        self.script: dict[str, Any] = {}
        self.uploads: list[tuple[str, bytes]] = []
        self.timeouts: list[float] = []

    def call(self, method: str, /, **args: Any) -> dict[str, Any]:
        self.calls.append((method, args))
        if method == "users.info" and method not in self.script:
            if args["user"] not in self.locales:
                raise ChatError("user_not_found", method)
            return {"ok": True, "user": {"id": args["user"], "locale": self.locales[args["user"]]}}
        answer = self.script.get(method, {"ok": True})
        if isinstance(answer, list):
            answer = answer.pop(0) if answer else {"ok": True}
        if isinstance(answer, ChatError):
            # as the production API does: an error code becomes the port's class for it
            raise error_for(answer.code)(answer.code, method) if type(answer) is ChatError else answer
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, Callable):  # type: ignore[arg-type]
            return answer(**args)  # type: ignore[no-any-return]
        return answer  # type: ignore[no-any-return]

    def with_timeout(self, timeout: float) -> RecordingWebApi:
        self.timeouts.append(timeout)
        return self

    def send_file(self, url: str, content: bytes) -> None:
        self.uploads.append((url, content))

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]


class RecordingChat:
    """A chat port that records every verb as (verb, arguments). `script[verb]` may be a value, a list of them, an
    exception or a callable, as for RecordingWebApi; unscripted verbs answer plausibly."""

    def __init__(self, people: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.people = people or {}  # user id → locale
        self.script: dict[str, Any] = {}
        self._ts = 0

    def _answer(self, verb: str, args: dict[str, Any], default: Callable[[], Any]) -> Any:
        self.calls.append((verb, args))
        answer = self.script.get(verb)
        if isinstance(answer, list):
            answer = answer.pop(0) if answer else None
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(**args)
        return default() if answer is None else answer

    def _posted(self, room: str) -> Posted:
        self._ts += 1
        return Posted(room, f"{self._ts}.000000")

    def create_room(self, name: str) -> Room:
        return self._answer("create_room", {"name": name}, lambda: Room(f"C{len(self.calls)}", name))  # type: ignore[no-any-return]

    def find_room(self, name: str) -> Room | None:
        return self._answer("find_room", {"name": name}, lambda: None)  # type: ignore[no-any-return]

    def room_info(self, room: str) -> Room:
        return self._answer("room_info", {"room": room}, lambda: Room(room, ""))  # type: ignore[no-any-return]

    def set_purpose(self, room: str, purpose: str) -> None:
        self._answer("set_purpose", {"room": room, "purpose": purpose}, lambda: None)

    def set_topic(self, room: str, topic: str) -> None:
        self._answer("set_topic", {"room": room, "topic": topic}, lambda: None)

    def invite(self, room: str, users: list[str]) -> list[dict[str, Any]]:
        return self._answer("invite", {"room": room, "users": users}, list)  # type: ignore[no-any-return]

    def join_room(self, room: str) -> None:
        self._answer("join_room", {"room": room}, lambda: None)

    def archive_room(self, room: str) -> None:
        self._answer("archive_room", {"room": room}, lambda: None)

    def post_once(self, key: str, room: str, message: dict[str, Any], *, thread: str | None = None,
                  retry: bool = False) -> Posted:
        args = {"key": key, "room": room, "message": message, "thread": thread, "retry": retry}
        return self._answer("post_once", args, lambda: self._posted(room))  # type: ignore[no-any-return]

    def direct_message_once(self, key: str, user: str, message: dict[str, Any], *, retry: bool = False) -> Posted:
        args = {"key": key, "user": user, "message": message, "retry": retry}
        return self._answer("direct_message_once", args, lambda: self._posted(f"D{user}"))  # type: ignore[no-any-return]

    def update(self, room: str, ts: str, message: dict[str, Any]) -> None:
        self._answer("update", {"room": room, "ts": ts, "message": message}, lambda: None)

    def pin(self, room: str, ts: str) -> None:
        self._answer("pin", {"room": room, "ts": ts}, lambda: None)

    def upload_once(self, key: str, room: str, name: str, title: str, content: bytes, *, thread: str | None = None,
                    comment: str | None = None, retry: bool = False) -> Uploaded:
        args = {"key": key, "room": room, "name": name, "title": title, "content": content, "thread": thread,
                "comment": comment, "retry": retry}
        return self._answer("upload_once", args, lambda: Uploaded(f"F{len(self.calls)}", name))  # type: ignore[no-any-return]

    def person(self, user: str, *, timeout: float | None = None) -> Person:
        def known() -> Person:
            if user not in self.people:
                raise ChatError("user_not_found")
            return Person(user, self.people[user])
        return self._answer("person", {"user": user, "timeout": timeout}, known)  # type: ignore[no-any-return]

    def person_by_email(self, email: str) -> Person:
        def unknown() -> Person:
            raise ChatError("users_not_found")
        return self._answer("person_by_email", {"email": email}, unknown)  # type: ignore[no-any-return]

    def verbs(self) -> list[str]:
        return [v for v, _ in self.calls]

    def asked(self, verb: str) -> list[dict[str, Any]]:
        """The arguments of each call of `verb`, in order."""
        return [args for v, args in self.calls if v == verb]
