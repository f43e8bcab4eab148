"""The case-file library with plain data: the filter words' parser, the ranking, who may read, and the views
within Slack's limits (validated with the sandbox's Block Kit rules) in both languages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.blockkit import ids
from bot.handling.casefile import Compiled
from bot.overview.cases import CaseHit, CaseSearch, CaseView, Query, Version, may_read, parse_query, score
from bot.overview.casesview import case_modal, case_pages, cases_message, clip_words, search_modal, search_words
from bot.procedure.config import load_config, parse_config
from bot.procedure.who import who_from_config
from sandbox.rules import block_messages, view_messages

CONFIG = load_config()
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def test_filter_words_are_recognised_and_the_rest_are_searched():
    query = parse_query(["颱風", "高", "2025", "inspection", "force_majeure", "淹水", "颱風"], CONFIG)
    assert query.words == ("颱風", "淹水")  # a word twice is searched once
    f = query.filters
    assert (f.levels, f.years, f.units, f.subtypes) == ({"high"}, {2025}, {"inspection"}, {"force_majeure"})
    named = parse_query(["驗貨課", "突發案件", "Medium", "低"], CONFIG)  # names, either language, any case
    assert named.filters.units == {"inspection"} and named.filters.categories == {"sudden_event"}
    assert named.filters.levels == {"medium", "low"} and named.words == ()
    level_name = CONFIG.levels.high.name("zh-TW")
    assert parse_query([level_name], CONFIG).filters.levels == {"high"}
    assert parse_query(["12345", "20"], CONFIG).words == ("12345", "20")  # not years


def test_ranking_title_above_case_file_above_account():
    words = ("颱風", "淹水")
    assert score(words, "颱風淹水", "", "") == (2, 0, 0)
    assert score(words, "颱風", "倉庫淹水", "") == (1, 1, 0)
    assert score(words, "停電", "", "颱風淹水") == (0, 0, 2)
    assert score(words, "颱風", "", "") is None  # every word must be found
    assert score(("TYPHOON",), "Typhoon flood", "", "") == (1, 0, 0)  # case-folded
    assert score((), "x", "", "") == (0, 0, 0)  # no words: everything, newest first
    ranked = sorted([("account", score(words, "停電", "", "颱風淹水")), ("title", score(words, "颱風淹水", "", "")),
                     ("mixed", score(words, "颱風", "淹水", ""))], key=lambda r: tuple(-x for x in r[1]))
    assert [name for name, _ in ranked] == ["title", "mixed", "account"]


def case(unit="inspection", subtype="force_majeure", category="sudden_event"):
    return SimpleNamespace(unit_id=unit, subtype=subtype, category=category)


def test_who_may_read_a_case():
    config = CONFIG
    commander, head = who_from_config(config, "U0000CMDR"), who_from_config(config, "U0000CL1H")
    member, investigator = who_from_config(config, "U0000INS1"), who_from_config(config, "U0000INVH")
    guest = who_from_config(config, "U0000GUST")
    assert may_read(commander, config, case()) and may_read(head, config, case())
    assert may_read(member, config, case()) and not may_read(member, config, case(unit="clearance1"))
    assert not may_read(guest, config, case())
    secret = case(unit="investigation", subtype="asset_or_intrusion")
    assert may_read(commander, config, secret) and may_read(investigator, config, secret)
    assert not may_read(head, config, secret)
    # restriction is configuration: a category restricts its sub-types; the readers are roles
    raw = config.model_dump(mode="json")
    raw["cases"] = {"restricted": {"categories": ["sudden_event"]}, "restricted_readers": ["legal"]}
    other = parse_config(raw)
    assert not may_read(who_from_config(other, "U0000CMDR"), other, case())
    assert may_read(who_from_config(other, "U0000LGSH"), other, case())
    raw["cases"] = {"restricted": {"subtypes": ["nope"]}}
    with pytest.raises(Exception, match="cases.restricted"):
        parse_config(raw)


def hit(n: int, **extra) -> CaseHit:
    return CaseHit(n, f"2026-{n:04d}", "颱風<淹水>", "medium", "sudden_event", "force_majeure", "inspection",
                   NOW, NOW, **{"summary": "摘要 " * 400, "lessons": "沙包", **extra})


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_views_fit_slacks_limits(lang):
    search = CaseSearch(Query(("颱風",)), tuple(hit(n) for n in range(1, 11)), more=7)
    message = cases_message(search, CONFIG, lang)
    assert block_messages(message["blocks"]) == [] and len(message["blocks"]) <= 50
    assert "&lt;淹水&gt;" in str(message["blocks"]) and "7" in message["blocks"][-1]["elements"][0]["text"]
    none = cases_message(CaseSearch(Query(("地震",)), ()), CONFIG, lang)
    assert "地震" in none["text"]
    long = "。".join(f"第{i}項" for i in range(3000))
    compiled = Compiled("2026-0001", [(("案號", "Number"), "2026-0001")], [(("處理經過", "Handling"), long)],
                        [("2026-11-28 09:00", "U0000INSH", "結案 Closed", "")] * 300, 2)
    view = CaseView(hit(1), compiled, (Version(1, "U0000INSH", NOW), Version(2, "U0000INSD", NOW)))
    pages = case_pages(view, CONFIG, lang)
    assert len(pages) > 1
    shown = ""
    for n in range(len(pages)):
        modal = case_modal(view, n, CONFIG, lang)
        assert view_messages(modal, "modal") == [], n
        assert len(modal["blocks"]) <= 100 and len(modal["title"]["text"]) <= 24
        shown += "\n".join(b["text"]["text"] for b in modal["blocks"] if b["type"] == "section")
    assert "第2999項" in shown  # nothing lost across the pages
    form = search_modal(CONFIG, lang, [2026, 2025], search)
    assert view_messages(form, "modal") == [] and len(form["blocks"]) <= 100


def test_clip_keeps_whole_words_and_the_search_modal_reads_as_words():
    clipped = clip_words("alpha beta gamma delta", 12)
    assert clipped.endswith("…") and clipped[:-1].strip() in ("alpha beta", "alpha")
    assert clip_words("", 10) == "—"
    values = {ids.CS_WORDS: {ids.CS_WORDS: {"value": "颱風\u3000淹水"}},
              ids.CS_CATEGORY: {ids.CS_CATEGORY: {"selected_option": {"value": "s:force_majeure"}}},
              ids.CS_YEAR: {ids.CS_YEAR: {"selected_option": {"value": "2025"}}},
              ids.CS_LEVEL: {ids.CS_LEVEL: {"selected_option": None}}}
    words = search_words(values)
    assert words == ["颱風", "淹水", "force_majeure", "2025"]
    query = parse_query(words, CONFIG)
    assert query.filters.subtypes == {"force_majeure"} and query.filters.years == {2025}
    assert replace(query, words=()).text == "force_majeure 2025"
