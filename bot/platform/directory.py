"""Resolving the config's people: an e-mail address becomes the user id the chat platform gives for it."""

from __future__ import annotations

from typing import Any

from bot.platform.chat import ChatError, ChatPort
from bot.procedure.config import ConfigError, OrgConfig


def emails_in(value: Any) -> set[str]:
    """Every e-mail address in a (nested) config value: the people Slack must resolve."""
    if isinstance(value, str):
        return {value} if "@" in value else set()
    if isinstance(value, dict):
        return set().union(*(emails_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(emails_in(v) for v in value)) if value else set()
    return set()


def _replace(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, dict):
        return {k: _replace(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, ids) for v in value]
    return value


def resolve_people(config: OrgConfig, chat: ChatPort) -> OrgConfig:
    """The config with every person as a user id. An address Slack does not know stops the start, named."""
    people = config.model_dump(by_alias=True, include={"roles", "units"})
    emails = sorted(emails_in(people))
    if not emails:
        return config
    ids: dict[str, str] = {}
    unknown: list[str] = []
    for email in emails:
        try:
            ids[email] = chat.person_by_email(email).id
        except ChatError as exc:
            unknown.append(f"  {email}: {exc.code}")
    if unknown:
        raise ConfigError("the organisation config names people Slack cannot find (users.lookupByEmail):\n"
                          + "\n".join(unknown))
    return config.model_copy(update={
        "roles": type(config.roles).model_validate(_replace(people["roles"], ids)),
        "units": [type(config.units[0]).model_validate(u) for u in _replace(people["units"], ids)],
    })
