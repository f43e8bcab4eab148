"""Slack's channel-name and Block Kit rules as the sandbox enforces them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.rules import block_messages, channel_name_error, view_messages

# Derandomized, and no per-example deadline: a loaded CI machine must not turn a slow example into a failure.
STEADY = settings(deadline=None, derandomize=True)
ALLOWED = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_事件火警碼頭基隆關", min_size=1, max_size=80)


@STEADY
@given(ALLOWED.filter(lambda name: name.strip("-_") != ""))
def test_lowercase_letters_of_any_script_digits_hyphen_underscore_are_accepted(name: str) -> None:
    assert channel_name_error(name) is None


@STEADY
@given(ALLOWED, st.sampled_from([" ", ".", "A", "#", "@", "，"]))
def test_spaces_periods_capitals_and_symbols_are_specials(name: str, bad: str) -> None:
    assert channel_name_error(name + bad) == "invalid_name_specials"


def test_blocks_and_views_messages() -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}
    duplicate = [{**section, "block_id": "a"}, {**section, "block_id": "a"}]
    bad_element = [{"type": "actions", "elements": [{"type": "nope", "action_id": "x"}]}]
    input_without_submit = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "T"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "L"},
                "element": {"type": "plain_text_input", "action_id": "a"},
            }
        ],
    }

    assert block_messages([section]) == []
    assert "duplicate block_id" in block_messages(duplicate)[0]
    assert "unsupported element type" in block_messages(bad_element)[0]
    assert "submit is required" in view_messages(input_without_submit)[0]
    assert view_messages({"type": "home", "blocks": [section]}, "home") == []
