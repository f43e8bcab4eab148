"""The handlers' kit: subject ids, a modal's first input block, the services in Bolt's context, the router table."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from bot.procedure import commands as procedure_commands
from handlers import commands, kit


def test_subject_id_from_an_action_value() -> None:
    assert kit.subject_id({"actions": [{"value": "12"}]}) == 12
    assert kit.subject_id({"actions": [{"value": "12:assess"}]}) == 12
    assert kit.parse_id("12:assess") == (12, "assess")
    assert kit.parse_id("7") == (7, "")


@pytest.mark.parametrize("body", [{}, {"actions": []}, {"actions": [{}]}, {"actions": [{"value": "x:12"}]},
                                  {"actions": [{"value": ""}]}, {"actions": [{"value": None}]}])
def test_subject_id_of_a_bad_action_is_no_row(body: dict[str, Any]) -> None:
    assert kit.subject_id(body) == -1


def test_subject_id_from_private_metadata() -> None:
    body = {"view": {"private_metadata": json.dumps({"drill": 5, "incident": "9", "lang": "en"})}}
    assert kit.subject_id(body, "drill") == 5
    assert kit.subject_id(body, "incident") == 9


@pytest.mark.parametrize("metadata", ["", "{", "[1]", json.dumps({"drill": "five"}), json.dumps({"other": 1})])
def test_subject_id_of_bad_metadata_is_no_row(metadata: str) -> None:
    assert kit.subject_id({"view": {"private_metadata": metadata}}, "drill") == -1
    assert kit.subject_id({}, "drill") == -1


def test_as_id() -> None:
    assert kit.as_id("3") == 3 and kit.as_id(4) == 4
    assert kit.as_id(None) == -1 and kit.as_id("#3") == -1


def test_first_input_block() -> None:
    view = {"blocks": [{"type": "section", "block_id": "s"}, {"type": "input", "block_id": "a"},
                       {"type": "input", "block_id": "b"}]}
    assert kit.first_input_block(view) == "a"
    assert kit.first_input_block({"blocks": [{"type": "section", "block_id": "s"}]}) is None
    assert kit.first_input_block({}) is None


def test_submission_key_is_the_view_id_and_hash() -> None:
    assert kit.submission({"id": "V1", "hash": "h"}) == "V1:h"
    assert len(kit.submission({"id": "V" * 80, "hash": "h"})) == 64


def test_the_middleware_puts_the_services_in_the_context() -> None:
    services, context, calls = object(), {}, []
    middleware = kit.provide(services)  # type: ignore[arg-type]
    assert middleware(context, lambda: calls.append(dict(context)) or "response") == "response"  # type: ignore[arg-type]
    assert calls == [{kit.SERVICES: services}]


def test_actor_looks_up_once_and_a_modal_language_wins() -> None:
    asked: list[str] = []
    services = SimpleNamespace(who=lambda u: asked.append("who") or f"who:{u}",
                               lang_of=lambda u: asked.append("lang") or "en", clock=lambda: asked.append("now"))
    person = kit.actor(services, {"user": {"id": "U1"}})  # type: ignore[arg-type]
    assert asked == []  # nothing before first use: a listener acks first
    assert (person.who, person.who, person.lang, person.lang) == ("who:U1", "who:U1", "en", "en")
    assert asked == ["who", "lang"]
    drawn = kit.actor(services, {"user": {"id": "U1"}}, {"private_metadata": json.dumps({"lang": "zh-TW"})})  # type: ignore[arg-type]
    assert drawn.lang == "zh-TW" and asked == ["who", "lang"]


def test_register_walks_the_table() -> None:
    seen: list[tuple[str, str, Any]] = []

    class App:
        def __getattr__(self, kind: str) -> Any:
            return lambda key: lambda fn: seen.append((kind, key, fn))

    kit.register(App(), commands.LISTENERS)  # type: ignore[arg-type]
    assert seen == [("command", procedure_commands.SLASH, commands.on_crisis)]


def test_every_sub_command_has_a_route() -> None:
    assert set(commands.ROUTES) == {c.key for c in procedure_commands.COMMANDS}
