"""Who a person is on the crisis team, and what the procedure lets them do.

Authorization is decided here, in the services' layer, never only by which buttons a view shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.procedure.config import OrgConfig, Role
from bot.procedure.i18n import Lang, t


@dataclass(frozen=True)
class Who:
    """A person's standing roles and unit posts, as the roster holds them now."""

    user: str
    roles: frozenset[tuple[Role, str]] = field(default_factory=frozenset)  # (role, "primary" | "deputy")
    unit_posts: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (unit id, head|deputy|member)

    def holds(self, role: Role, *, deputy_ok: bool = True) -> bool:
        return (role, "primary") in self.roles or (deputy_ok and (role, "deputy") in self.roles)

    def heads(self, unit_id: str | None = None) -> bool:
        """Head of a unit or the head's deputy: the handling group (處理組)."""
        return any(post in ("head", "deputy") and (unit_id is None or u == unit_id) for u, post in self.unit_posts)

    def member_of(self, unit_id: str | None = None) -> bool:
        return any(unit_id is None or u == unit_id for u, _ in self.unit_posts)

    @property
    def known(self) -> bool:
        return bool(self.roles or self.unit_posts)

    def describe(self, config: OrgConfig, lang: Lang) -> str:
        """The person's posts in words, for help texts and refusals."""
        parts: list[str] = []
        for role, position in sorted(self.roles):
            name = t(f"role.{role.value}", lang)
            key = "post.primary" if position == "primary" else "post.deputy"
            parts.append(t(key, lang, role=name, role_lower=name[0].lower() + name[1:]))
        for unit_id, post in sorted(self.unit_posts):
            unit = config.unit(unit_id)
            unit_name = unit.name(lang) if unit else unit_id
            parts.append(t({"head": "post.head", "deputy": "post.unit_deputy"}.get(post, "post.member"), lang,
                           unit=unit_name))
        return "、".join(parts) if lang == "zh-TW" else "; ".join(parts)


def who_from_config(config: OrgConfig, user: str) -> Who:
    """The person's posts as the config names them (the roster in the database starts from this)."""
    roles = {(Role(name), pos) for name in Role for pos in ("primary", "deputy")
             if getattr(config.roles.of(name), pos) == user}
    posts = {(u.id, post) for u in config.units
             for post, people in (("head", [u.head]), ("deputy", [u.deputy]), ("member", u.members))
             if user in people}
    return Who(user, frozenset(roles), frozenset(posts))


def who_from_assignments(user: str, assignments: Iterable[tuple[str, str | None, str]]) -> Who:
    """Build a Who from roster rows: (role or unit post, unit id or None, primary/deputy/head/member)."""
    roles: set[tuple[Role, str]] = set()
    posts: set[tuple[str, str]] = set()
    for role, unit_id, position in assignments:
        if unit_id is None:
            roles.add((Role(role), position))
        else:
            posts.add((unit_id, position))
    return Who(user, frozenset(roles), frozenset(posts))
