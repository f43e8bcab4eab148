"""The procedure's refusals, one home for every area: services raise them with domain words (i18n keys and field
names); handlers turn them into the reader's language and Slack's inline modal errors."""

from __future__ import annotations


class InvalidInput(Exception):
    """Inline errors for a modal: block id → message in the reader's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAllowed(Exception):
    """The procedure does not give this person this action; `action` and `allowed` are i18n keys."""

    def __init__(self, action: str, allowed: str) -> None:
        super().__init__(f"{action} is for {allowed}")
        self.action = action
        self.allowed = allowed


class Closed(Exception):
    """The incident is no longer in this state (already resolved or closed); `reason` is an i18n key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotFound(Exception):
    """No such drill (or evaluation)."""
