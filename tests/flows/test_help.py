"""`/crisis help` and a bare `/crisis`, typed by people in the sandbox, answered over signed HTTP."""

from bot.blockkit.ids import HELP_COMMANDS


def test_bare_command_answers_in_traditional_chinese(stack):
    clerk = stack.person("U0000INS1")  # locale zh-TW
    shown = clerk.slash("/crisis")
    assert shown.ok
    assert shown.response_type == "ephemeral"
    text = " ".join(str(b) for b in shown.blocks)
    assert "可用指令" in text and "驗貨課成員" in text
    assert "/crisis help" in text


def test_help_answers_in_english_for_an_english_locale(stack):
    deputy = stack.person("U0000CMDD")  # locale en-US, deputy commander
    shown = deputy.slash("/crisis", "help")
    text = " ".join(str(b) for b in shown.blocks)
    assert "Crisis team bot" in text
    assert "Deputy commander-in-chief" in text


def test_chinese_alias_and_unknown_words(stack):
    head = stack.person("U0000INSH")
    assert "可用指令" in head.slash("/crisis", "說明").text
    unknown = head.slash("/crisis", "<!channel> 發射")
    assert "看不懂指令" in unknown.text
    assert "<!channel>" not in unknown.text and "&lt;!channel&gt;" in unknown.text


def test_help_lists_commands_for_the_roles(stack):
    guest = stack.person("U0000GUST")
    shown = guest.slash("/crisis", "help")
    section = next(b for b in shown.blocks if b.get("block_id") == HELP_COMMANDS)
    assert "/crisis help" in section["text"]["text"]
    assert "not on the crisis team" in str(shown.blocks)


def test_app_home_shows_the_overview(stack):
    commander = stack.person("U0000CMDR")
    home = commander.open_home()
    assert "總指揮兼發言人" in home.all_text()
