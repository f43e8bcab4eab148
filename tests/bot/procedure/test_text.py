from bot.platform.logs import RedactTokens
from bot.procedure.text import clip, escape, fit


def test_escape_defuses_mentions_and_links():
    assert escape("<!channel> 測試") == "&lt;!channel&gt; 測試"
    assert escape("<https://evil.example|官網>") == "&lt;https://evil.example|官網&gt;"
    assert escape("<@U0000CMDR>") == "&lt;@U0000CMDR&gt;"
    assert escape("A & B") == "A &amp; B"


def test_escape_drops_control_and_bidi_characters():
    assert escape("ok\x00\x1b[31m\u202egnp.exe") == "ok[31mgnp.exe"
    assert escape("line\nnext\ttab") == "line\nnext\ttab"


def test_clip():
    assert clip("颱風", 5) == "颱風"
    assert clip("一二三四五六", 4) == "一二三…"


def test_fit_cuts_where_a_word_ends():
    assert fit("Fire at the container yard", 100) == "Fire at the container yard"
    assert fit("Fire at the container yard", 20) == "Fire at the…"  # not "Fire at the contain…"
    assert fit("貨櫃場火警延燒至倉庫", 6) == "貨櫃場火警…"  # Chinese: any character boundary
    assert fit("Supercalifragilistic", 10) == "Supercali…"  # one long word: cut it rather than leave nothing


def test_fit_never_leaves_half_an_escape():
    assert fit(escape("A & B & C"), 8) == "A &amp;…"
    assert fit(escape("AB & C"), 6) == "AB…"  # "AB &am" would show a broken entity


def test_log_filter_redacts_tokens():
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s app=%s", ("xoxb-123-abc", "xapp-1-XYZ"), None)
    RedactTokens().filter(record)
    text = record.getMessage()
    assert "123-abc" not in text and "XYZ" not in text and "redacted" in text
