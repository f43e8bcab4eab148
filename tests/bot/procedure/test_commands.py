from bot.procedure.commands import COMMANDS, available, parse
from bot.procedure.config import Role, load_config
from bot.procedure.who import Who, who_from_config


def test_bare_command_is_help():
    assert parse("").command.key == "help"
    assert parse("   ").command.key == "help"


def test_english_and_chinese_words():
    assert parse("help").command.key == "help"
    assert parse("HELP").command.key == "help"
    assert parse("說明").command.key == "help"
    assert parse("\u3000說明\u3000").command.key == "help"


def test_unknown_words_keep_their_text():
    parsed = parse("launch rockets")
    assert parsed.command is None and parsed.args == ["launch", "rockets"]


def test_every_command_has_bilingual_description_and_alias():
    from bot.procedure.i18n import MESSAGES

    for cmd in COMMANDS:
        assert set(MESSAGES[f"cmd.{cmd.key}"]) == {"zh-TW", "en"}
        assert cmd.alias_usage().startswith("/crisis ")


def test_roles_from_config():
    config = load_config()
    commander = who_from_config(config, "U0000CMDR")
    assert commander.holds(Role.COMMANDER) and not commander.heads()
    deputy = who_from_config(config, "U0000CMDD")
    assert deputy.holds(Role.COMMANDER) and not deputy.holds(Role.COMMANDER, deputy_ok=False)
    head = who_from_config(config, "U0000INSH")
    assert head.heads("inspection") and not head.heads("personnel")
    legal = who_from_config(config, "U0000LGSH")
    assert legal.holds(Role.LEGAL) and legal.heads("legal_seizure")
    assert not who_from_config(config, "U0000GUST").known
    assert "驗貨課主管" in head.describe(config, "zh-TW")
    assert "Deputy commander-in-chief" in deputy.describe(config, "en")


def test_help_and_report_are_available_to_everyone():
    assert [c.key for c in available(Who("U0000GUST"))] == ["help", "report"]
