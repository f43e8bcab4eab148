import pytest
import yaml

from bot.platform.chat import ChatError
from bot.platform.directory import resolve_people
from bot.platform.slack import SlackChat
from bot.procedure.config import EXAMPLE_CONFIG, ConfigError, parse_config
from tests.fakes import RecordingWebApi


def config_with_emails():
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["roles"]["legal"]["primary"] = "ho.chenyu@customs.example.gov.tw"
    data["units"][0]["members"].append("guest.visitor@customs.example.gov.tw")
    return parse_config(data)


def test_email_addresses_become_user_ids():
    chat = RecordingWebApi()
    directory = {"ho.chenyu@customs.example.gov.tw": "U0000LGSH", "guest.visitor@customs.example.gov.tw": "U0000GUST"}
    chat.script["users.lookupByEmail"] = lambda email: {"ok": True, "user": {"id": directory[email]}}
    resolved = resolve_people(config_with_emails(), SlackChat(chat))
    assert resolved.roles.legal.primary == "U0000LGSH"
    assert "U0000GUST" in resolved.units[0].members
    assert chat.methods() == ["users.lookupByEmail", "users.lookupByEmail"]


def test_unknown_addresses_stop_the_start_by_name():
    chat = RecordingWebApi()
    chat.script["users.lookupByEmail"] = ChatError("users_not_found")
    with pytest.raises(ConfigError, match="ho.chenyu@customs.example.gov.tw: users_not_found"):
        resolve_people(config_with_emails(), SlackChat(chat))


def test_a_config_of_ids_makes_no_calls():
    chat = RecordingWebApi()
    from bot.procedure.config import load_config

    config = load_config()
    assert resolve_people(config, SlackChat(chat)) is config and chat.calls == []
