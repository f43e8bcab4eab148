from bot.platform.logs import RedactTokens
from bot.procedure.text import clip, escape


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


def test_log_filter_redacts_tokens():
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s app=%s", ("xoxb-123-abc", "xapp-1-XYZ"), None)
    RedactTokens().filter(record)
    text = record.getMessage()
    assert "123-abc" not in text and "XYZ" not in text and "redacted" in text
