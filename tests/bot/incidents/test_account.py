"""The reporter's account as pure views (issue 12 §3): the full form and the short one in both languages, times in
the organisation's time zone, typed words escaped, "—" for what is missing (never "None"), a long account split
into sections without losing a word; and each surface that shows it (card, triage DM, page DM, status, home line,
case file), validated with the sandbox's Block Kit rules (slack_sdk.models)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.blockkit import ids
from bot.blockkit.fit import SECTION_MAX
from bot.handling.casefile import compile_case, to_docx, to_markdown
from bot.incidents.account import account_blocks, account_short, account_short_block, account_text, badges, when
from bot.incidents.state import Account
from bot.incidents.views import triage_request
from bot.overview.state import IncidentLine, Overview, PageWaiting, Task
from bot.overview.views import home_view, incident_line, list_message, status_message
from bot.paging.views import page_message
from bot.procedure.commands import available
from bot.procedure.config import Level, load_config
from bot.procedure.who import who_from_config
from bot.warroom.state import CardState
from bot.warroom.views import incident_card
from sandbox.rules import block_messages, view_messages
from tests.bot.procedure_kit import INSPECTION_MEMBER, file_report

CONFIG = load_config()
WHEN = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)  # 08:30 in Taipei
FULL = Account("倉庫冒煙 <!channel> & <https://evil.example|官網>", WHEN, "六堵 3 號倉", "40 個貨櫃延後",
               ("media", "casualties"))


def state(account: Account) -> CardState:
    return CardState(7, "2026-0007", "火警", "sudden_event", "force_majeure", None, "medium", "open", "identify",
                     "inspection", INSPECTION_MEMBER, "C0000ROOM", {"unit": ("U0000INSH", "U0000INSD")}, (),
                     account=account)


def mrkdwn(blocks) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b.get("type") == "section" and "text" in b)


def test_the_full_account_in_chinese():
    text = account_text(FULL, CONFIG, "zh-TW")
    assert text.splitlines() == [
        "*📝 通報內容*", "*事件經過*", "倉庫冒煙 &lt;!channel&gt; &amp; &lt;https://evil.example|官網&gt;",
        "*發生時間*：2026-11-28 08:30", "*發生地點*：六堵 3 號倉", "*目前影響*：40 個貨櫃延後",
        "*其他情形*：📰 媒體已關注　🚑 有人員傷亡"]


def test_the_full_account_in_english():
    text = account_text(FULL, CONFIG, "en")
    assert "*What happened*" in text and "*When*: 2026-11-28 08:30" in text and "*Where*: 六堵 3 號倉" in text
    assert "*Also*: 📰 Media are involved  🚑 People are hurt" in text


def test_missing_fields_show_a_dash_and_no_flags_no_line():
    text = account_text(Account(), CONFIG, "zh-TW")
    assert "*發生時間*：—" in text and "*發生地點*：—" in text and "*目前影響*：—" in text
    assert "None" not in text and "其他情形" not in text
    short = account_short(Account(), CONFIG, "en")
    assert short == "📝 —\n📍 — | 🕘 —"


def test_when_is_in_the_organisations_time_zone():
    assert when(Account(occurred_at=datetime(2026, 12, 31, 16, 5, tzinfo=UTC)), CONFIG) == "2027-01-01 00:05"


def test_the_short_account_cuts_what_happened_at_a_word_and_keeps_where_when_and_the_badges():
    long = Account(" ".join(f"word{n} & more" for n in range(100)), WHEN, "Liudu yard", "impact not shown",
                   ("legislator",))
    short = account_short(long, CONFIG, "en")
    first, second, third = short.splitlines()
    assert first.startswith("📝 word0 &amp; more") and first.endswith("…")
    assert len(first) < 2 + 200 * 5  # about 200 characters of the words, escaped
    assert not first.removesuffix("…").endswith("wor")  # a word whole or not at all
    assert second == "📍 Liudu yard | 🕘 2026-11-28 08:30"
    assert third == "🏛️ A legislator is involved"
    assert "impact" not in short


def test_the_short_block_is_one_section_within_slacks_limit_at_the_forms_limits():
    worst = Account("&" * 3000, WHEN, "<" * 200, ">" * 2000, ("media", "legislator", "casualties"))
    block = account_short_block(worst, CONFIG, "zh-TW", block_id=ids.ACCOUNT_SHORT)
    assert block["block_id"] == ids.ACCOUNT_SHORT and len(block["text"]["text"]) <= SECTION_MAX
    assert block_messages([block]) == []


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_long_full_account_is_split_into_sections_losing_nothing(lang):
    words = " ".join(f"第{n}段&煙霧" for n in range(600))[:3000]
    blocks = account_blocks(Account(words, WHEN, "x", "&" * 2000, ("media",)), CONFIG, lang, block_id=ids.ACCOUNT)
    assert len(blocks) > 2 and blocks[0]["block_id"] == ids.ACCOUNT
    assert all(len(b["text"]["text"]) <= SECTION_MAX for b in blocks) and block_messages(blocks) == []
    joined = " ".join(mrkdwn(blocks).split())
    assert " ".join(words.replace("&", "&amp;").split()) in joined and joined.count("&amp;") >= 2000


def test_badges_follow_the_forms_order():
    assert badges(Account(flags=("media", "legislator", "casualties")), "zh-TW") == \
        "📰 媒體已關注　🏛️ 民意代表關切　🚑 有人員傷亡"
    assert badges(Account(), "en") == ""


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_every_surface_shows_the_account_escaped(lang):
    card = incident_card(state(FULL), CONFIG, lang)["blocks"]
    triage = triage_request(state(FULL), CONFIG, lang)["blocks"]
    page = page_message(state(FULL), "commander", CONFIG, lang, page_id=3)["blocks"]
    status = status_message(state(FULL), CONFIG, lang)["blocks"]
    for blocks in (card, triage, page, status):
        assert block_messages(blocks) == []
        shown = mrkdwn(blocks)
        assert "倉庫冒煙" in shown and "六堵 3 號倉" in shown and "2026-11-28 08:30" in shown and "🚑" in shown
        assert "<!channel>" not in shown and "<https://evil" not in shown and "None" not in shown
    assert "40 個貨櫃延後" in mrkdwn(card) + mrkdwn(triage) and "40 個貨櫃延後" not in mrkdwn(page)
    assert [b.get("block_id") for b in page].count(ids.ACCOUNT_SHORT) == 1
    assert ids.ACCOUNT in [b.get("block_id") for b in card] and ids.ACCOUNT in [b.get("block_id") for b in triage]


def test_the_home_line_carries_the_short_account_as_a_quote():
    line = IncidentLine(7, "2026-0007", "火警", "high", "high", "open", "identify", "inspection", "C0000ROOM", WHEN,
                        account=FULL)
    text = incident_line(line, CONFIG, "zh-TW")
    head, *quoted = text.splitlines()
    assert head.startswith("• *2026-0007* 火警")
    assert quoted[0].startswith("> 📝 倉庫冒煙 &lt;!channel&gt;") and quoted[-1] == "> 📰 媒體已關注　🚑 有人員傷亡"


def test_the_case_file_carries_the_account_in_both_languages(session, clock):
    incident = file_report(session, INSPECTION_MEMBER, Level.MEDIUM, clock.now)
    incident.description, incident.impact, incident.location = "倉庫冒煙\n兩人送醫", "延後查驗", "六堵 3 號倉"
    incident.occurred_at, incident.flags = WHEN, {"media": True, "legislator": False, "casualties": True}
    session.flush()
    compiled = compile_case(session, CONFIG, incident)
    facts = {en: value for (_, en), value in compiled.facts}
    assert facts["Where"] == "六堵 3 號倉" and facts["Occurred"] == "2026-11-28 08:30"
    assert facts["Flags"] == "媒體已關注 Media are involved; 有人員傷亡 People are hurt"
    fields = {en: value for (_, en), value in compiled.fields}
    assert fields["What happened (as reported)"] == "倉庫冒煙\n兩人送醫"
    assert fields["Impact (as reported)"] == "延後查驗"
    markdown = to_markdown(compiled, CONFIG)
    assert "## 事件經過（通報） What happened (as reported)\n\n倉庫冒煙\n兩人送醫" in markdown
    assert to_docx(compiled, CONFIG)[:2] == b"PK"


def test_an_account_of_a_row_with_nothing_filled_in():
    row = SimpleNamespace(description=None, occurred_at=None, location=None, impact=None, flags=None)
    assert Account.of(row) == Account()
    row = SimpleNamespace(description="d", occurred_at=WHEN, location="", impact=None,
                          flags={"casualties": True, "media": True, "legislator": False, "unknown": True})
    assert Account.of(row) == Account("d", WHEN, "", "", ("media", "casualties"))


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_home_and_list_fit_with_many_incidents_of_the_longest_accounts(lang):
    worst = Account("&" * 3000, WHEN, "<" * 200, ">" * 2000, ("media", "legislator", "casualties"))
    lines = tuple(IncidentLine(n, f"2026-{n:04d}", f"火警 {n}", "high", "high", "open", "identify", "inspection",
                               f"C{n:08d}", WHEN, account=worst) for n in range(1, 26))
    pages = tuple(PageWaiting(n, "executive_secretary", "primary", WHEN, WHEN, lines[n]) for n in range(15))
    tasks = tuple(Task("triage", n, lines[n], WHEN) for n in range(15))
    who = who_from_config(CONFIG, "U0000EXEC")
    data = Overview(who, lines, 0, pages, tasks, None, ())
    view = home_view(who, available(who), CONFIG, lang, data, WHEN)
    assert view_messages(view, "home") == [] and len(view["blocks"]) <= 100
    assert mrkdwn(view["blocks"]).count("2026-0025") == 1  # the last incident is still there
    assert block_messages(list_message(data, CONFIG, lang)["blocks"]) == []
