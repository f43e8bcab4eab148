"""The checks Slack makes on what an app sends: channel names, Block Kit, views and size limits.

Each check returns Slack's error messages (``"... [json-pointer:/blocks/0/text]"``) instead of raising, so the
Web API layer can put them in ``response_metadata.messages`` the way Slack does.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

CHANNEL_NAME_MAX = 80
MESSAGE_BLOCKS_MAX = 50
MESSAGE_TEXT_MAX = 40_000
TOPIC_MAX = 250
PURPOSE_MAX = 250
ID_MAX = 255  # block_id and action_id

# Block types whose elements Slack keeps in ``elements`` / ``element`` / ``accessory``.
_ELEMENT_KEYS = ("elements", "element", "accessory")


def channel_name_error(name: str | None) -> str | None:
    """Return Slack's ``invalid_name*`` code for a channel name, or None when Slack would accept it.

    Slack's rule: at most 80 characters, lowercase, no spaces or periods; letters of any script (Chinese
    included), digits, hyphens and underscores.  Anything else is a "special" character.
    """
    if not name:
        return "invalid_name_required"
    if len(name) > CHANNEL_NAME_MAX:
        return "invalid_name_maxlength"
    if name.strip("-_") == "":
        # Slack refuses names made only of punctuation.
        return "invalid_name_punctuation"
    for char in name:
        if char in "-_":
            continue
        category = unicodedata.category(char)
        if category == "Lu" or category == "Lt":
            # Uppercase letters are refused: Slack asks the caller to lowercase.
            return "invalid_name_specials"
        if category.startswith("L") or category == "Nd" or category == "Mn" or category == "Mc":
            continue
        return "invalid_name_specials"
    return None


def _element_messages(element: Any, pointer: str) -> list[str]:
    """Check one element's ids; slack_sdk parses unknown element types to None, so catch that too."""
    errors: list[str] = []
    if not isinstance(element, dict):
        return [f"must be an object [json-pointer:{pointer}]"]
    action_id = element.get("action_id")
    if isinstance(action_id, str) and len(action_id) > ID_MAX:
        errors.append(f"must be less than {ID_MAX + 1} characters [json-pointer:{pointer}/action_id]")
    if "confirm" in element:
        errors += _confirm_messages(element["confirm"], f"{pointer}/confirm")
    return errors


# A confirmation dialog's parts: each required, plain text except the text (either kind), and Slack's limits.
CONFIRM_PARTS = {"title": 100, "text": 300, "confirm": 30, "deny": 30}


def _confirm_messages(confirm: Any, pointer: str) -> list[str]:
    """Slack's checks on a `confirm` composition object (slack_sdk's model checks neither lengths nor types)."""
    if not isinstance(confirm, dict):
        return [f"must be an object [json-pointer:{pointer}]"]
    errors: list[str] = []
    for part, limit in CONFIRM_PARTS.items():
        value = confirm.get(part)
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            errors.append(f"missing required field: {part} [json-pointer:{pointer}/{part}]")
            continue
        kinds = ("plain_text", "mrkdwn") if part == "text" else ("plain_text",)
        if value.get("type") not in kinds:
            errors.append(f"must be a {' or '.join(kinds)} text object [json-pointer:{pointer}/{part}/type]")
        if len(value["text"]) > limit:
            errors.append(f"must be less than {limit + 1} characters [json-pointer:{pointer}/{part}/text]")
    if confirm.get("style") not in (None, "primary", "danger"):
        errors.append(f"must be one of primary, danger [json-pointer:{pointer}/style]")
    return errors


def block_messages(blocks: Any, pointer: str = "/blocks", max_blocks: int = MESSAGE_BLOCKS_MAX) -> list[str]:
    """Validate a list of blocks with slack_sdk's models, returning Slack-style error messages."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"must contain at most {max_blocks} items [json-pointer:{pointer}]")
    seen_ids: set[str] = set()
    for index, raw in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(raw, dict) or "type" not in raw:
            errors.append(f"missing required field: type [json-pointer:{where}]")
            continue
        try:
            block = Block.parse(raw)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            errors.append(f"invalid block: {exc} [json-pointer:{where}]")
            continue
        if block is None:
            errors.append(f"unsupported type: {raw['type']} [json-pointer:{where}/type]")
            continue
        try:
            block.validate_json()
        except SlackObjectFormationError as exc:
            errors.append(f"{exc} [json-pointer:{where}]")
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            errors.append(f"invalid block: {exc} [json-pointer:{where}]")
        block_id = raw.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > ID_MAX:
                errors.append(f"must be less than {ID_MAX + 1} characters [json-pointer:{where}/block_id]")
            elif block_id in seen_ids:
                errors.append(f"duplicate block_id: {block_id} [json-pointer:{where}/block_id]")
            seen_ids.add(block_id)
        for key in _ELEMENT_KEYS:
            value = raw.get(key)
            if value is None:
                continue
            parsed = getattr(block, key, None)
            if isinstance(value, list):
                for j, element in enumerate(value):
                    errors += _element_messages(element, f"{where}/{key}/{j}")
                    if isinstance(parsed, list) and j < len(parsed) and parsed[j] is None:
                        errors.append(f"unsupported element type [json-pointer:{where}/{key}/{j}/type]")
            else:
                errors += _element_messages(value, f"{where}/{key}")
                if parsed is None:
                    errors.append(f"unsupported element type [json-pointer:{where}/{key}/type]")
    return errors


def view_messages(view: Any, expected_type: str | None = None) -> list[str]:
    """Validate a modal or home view; returns Slack-style messages (empty when valid)."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    view_type = view.get("type")
    if view_type not in ("modal", "home"):
        return [f"must be one of modal, home [json-pointer:/view/type] (got {view_type!r})"]
    if expected_type is not None and view_type != expected_type:
        return [f"must be {expected_type} [json-pointer:/view/type]"]
    errors: list[str] = []
    if view_type == "modal" and not view.get("title"):
        errors.append("missing required field: title [json-pointer:/view/title]")
    if "blocks" not in view:
        errors.append("missing required field: blocks [json-pointer:/view/blocks]")
    errors += block_messages(view.get("blocks", []), "/view/blocks", max_blocks=100)
    try:
        View(**{k: v for k, v in view.items() if k != "state"}).validate_json()
    except SlackObjectFormationError as exc:
        errors.append(f"{exc} [json-pointer:/view]")
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        errors.append(f"invalid view: {exc} [json-pointer:/view]")
    metadata = view.get("private_metadata")
    if metadata is not None and not isinstance(metadata, str):
        errors.append("must be a string [json-pointer:/view/private_metadata]")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
    if view_type == "modal" and has_input and not view.get("submit"):
        # Slack requires a submit button as soon as a modal has an input block.
        errors.append("submit is required when an input block is present [json-pointer:/view/submit]")
    return errors


def with_error_prefix(messages: list[str]) -> list[str]:
    """Slack prefixes each ``response_metadata.messages`` entry with its severity."""
    return [f"[ERROR] {m}" for m in messages]
