"""The organisation config: who holds which crisis role, the units, and the procedure's vocabulary.

The YAML shape is a contract (design.md §2). Categories, levels, steps and routing default to the procedure
(§4–§6) as the shipped Keelung example spells them out, so a deployment only has to name its people."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.procedure.cron import cron_trigger

EXAMPLE_CONFIG = Path(__file__).parent / "data" / "keelung.yaml"


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class Role(StrEnum):
    """The crisis team's standing roles (procedure §3) that have one primary and one deputy."""

    COMMANDER = "commander"
    EXECUTIVE_SECRETARY = "executive_secretary"
    LEGAL = "legal"
    PUBLIC_RELATIONS = "public_relations"
    PLANNING = "planning"


class Level(StrEnum):
    """Crisis levels (procedure §5)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# Who answers for a step: a standing role, the handling group (the unit's head), or the whole team.
RESPONSIBLE = {r.value for r in Role} | {"handling", "team"}


class ConfigError(Exception):
    """A config that cannot be used; the message names the file, the field and what is wrong."""


def _person(value: str) -> str:
    value = value.strip()
    if not (_USER_ID.match(value) or _EMAIL.match(value)):
        raise ValueError(f"{value!r} is neither a Slack user id (like U0123ABCD) nor an e-mail address")
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} must be lowercase letters, digits and underscores, starting with a letter")
    return value


Person = Annotated[str, AfterValidator(_person)]


Slug = Annotated[str, AfterValidator(_slug)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(_Model):
    """A text in both of the bot's languages."""

    zh_tw: str = Field(alias="zh-TW", min_length=1, max_length=300)
    en: str = Field(min_length=1, max_length=300)

    def __call__(self, lang: str) -> str:
        return self.zh_tw if lang == "zh-TW" else self.en


class Organisation(_Model):
    name: Text
    timezone: str = "Asia/Taipei"
    language: Literal["zh-TW", "en"] = "zh-TW"

    @model_validator(mode="after")
    def _known_zone(self) -> Organisation:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {self.timezone!r} is not an IANA time zone such as Asia/Taipei") from None
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class RoleHolders(_Model):
    primary: Person
    deputy: Person

    @model_validator(mode="after")
    def _two_people(self) -> RoleHolders:
        if self.primary == self.deputy:
            raise ValueError("the deputy must be another person than the primary")
        return self


class Roles(_Model):
    commander: RoleHolders
    executive_secretary: RoleHolders
    legal: RoleHolders
    public_relations: RoleHolders
    planning: RoleHolders

    def of(self, role: Role | str) -> RoleHolders:
        return getattr(self, Role(role).value)


class Unit(_Model):
    id: Slug
    name: Text
    head: Person
    deputy: Person
    members: list[Person] = []
    drill_eligible: bool = True


class Subtype(_Model):
    id: Slug
    name: Text


class Category(_Model):
    id: Slug
    name: Text
    drill_item: Text
    subtypes: list[Subtype] = Field(min_length=1)


class LevelSpec(_Model):
    name: Text
    definition: Text


class Levels(_Model):
    high: LevelSpec
    medium: LevelSpec
    low: LevelSpec

    def of(self, level: Level | str) -> LevelSpec:
        return getattr(self, Level(level).value)


class Step(_Model):
    id: Slug
    name: Text
    responsible: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_roles(self) -> Step:
        unknown = [r for r in self.responsible if r not in RESPONSIBLE]
        if unknown:
            raise ValueError(f"unknown responsible role(s) {unknown}; use {sorted(RESPONSIBLE)}")
        return self


class LevelRoute(_Model):
    page: Role | None = None
    invite: list[Role] = []


class CategoryRoute(_Model):
    invite: list[Role] = []


# The flags a reporter may set on the report form (media attention, a legislator's concern, casualties).
REPORT_FLAGS = ("media", "legislator", "casualties")


class FlagRoute(_Model):
    """What a flag set on the report does at once: whose holders join the war room (`invite`), are told by DM
    with the reporter's account and the room (`notify`), and are paged with acknowledgement and escalation
    (`page`, also invited)."""

    invite: list[Role] = []
    notify: list[Role] = []
    page: list[Role] = []


# Where the procedure is silent (§3 names the liaison & PR group for the media, §5 the commander for the gravest
# news), these are what an agency would expect. A config that leaves a flag out keeps its default here; to make a
# flag do nothing, give it an empty route (`casualties: {}`).
FLAG_ROUTE_DEFAULTS: dict[str, FlagRoute] = {
    "media": FlagRoute(invite=[Role.PUBLIC_RELATIONS], notify=[Role.PUBLIC_RELATIONS]),
    "legislator": FlagRoute(invite=[Role.PUBLIC_RELATIONS, Role.EXECUTIVE_SECRETARY],
                            notify=[Role.PUBLIC_RELATIONS, Role.EXECUTIVE_SECRETARY]),
    "casualties": FlagRoute(page=[Role.COMMANDER]),
}


class Observation(_Model):
    interval_hours: float = Field(24, gt=0, le=24 * 30)
    count: int = Field(3, ge=0, le=30)


UPDATE_INTERVAL_DEFAULTS = {Level.HIGH: 30, Level.MEDIUM: 120, Level.LOW: 1440}


class Routing(_Model):
    levels: dict[Level, LevelRoute]
    categories: dict[str, CategoryRoute] = {}
    flags: dict[str, FlagRoute] = {}
    untriaged_timeout_seconds: int = Field(900, ge=10, le=7 * 86400)
    # §5 "迅速通報": a proposal of these levels pages its tier at once, marked as proposed, while the unit head
    # triages; the others wait for triage or the untriaged timeout (which pages the proposal's tier, or
    # `untriaged_page` for a level that pages nobody: nothing may sit unseen).
    page_proposed: list[Level] = [Level.HIGH]
    untriaged_page: Role = Role.EXECUTIVE_SECRETARY
    # A level judged lower than the one a waiting page was sent for stands that page down (its DM says who judged
    # what, its escalation stops) and pages the level's own tier; false: the higher tier's page keeps running.
    # Either way nobody leaves the war room.
    stand_down_when_lowered: bool = True
    observation: Observation = Observation()
    # Handling (§6): how often the incident lead is reminded to post a status update, per level (minutes);
    # how often the unit is reminded of a missing case file; how long a closed war room stays before archiving.
    update_interval_minutes: dict[Level, Annotated[int, Field(ge=1, le=7 * 1440)]] = {}
    case_file_reminder_hours: float = Field(24, gt=0, le=24 * 30)
    archive_after_hours: float = Field(72, ge=0, le=24 * 365)

    @model_validator(mode="after")
    def _every_level(self) -> Routing:
        missing = [lv.value for lv in Level if lv not in self.levels]
        if missing:
            raise ValueError(f"levels {missing} have no route")
        unknown = sorted(set(self.flags) - set(REPORT_FLAGS))
        if unknown:
            raise ValueError(f"flags {unknown} are not flags of the report form; use {list(REPORT_FLAGS)}")
        return self

    def flag_route(self, flag: str) -> FlagRoute:
        """What a flag brings in: the config's route for it, else the default (an empty route does nothing)."""
        return self.flags.get(flag, FLAG_ROUTE_DEFAULTS.get(flag, FlagRoute()))

    def flag_pages(self, flags: dict[str, bool] | None) -> set[Role]:
        """The roles the reporter's flags page (casualties: the commander): a page they ask for stands whatever
        the level is later judged."""
        return {role for f in REPORT_FLAGS if (flags or {}).get(f) for role in self.flag_route(f).page}

    def update_interval(self, level: Level | str | None) -> int:
        """Minutes between status-update reminders for a level (defaults: high 30, medium 120, low 1440)."""
        key = Level(level) if level else Level.MEDIUM
        return self.update_interval_minutes.get(key, UPDATE_INTERVAL_DEFAULTS[key])


class Paging(_Model):
    ack_timeout_seconds: dict[Literal["high", "medium", "low"], int] = {"high": 300, "medium": 900}

    @model_validator(mode="after")
    def _positive(self) -> Paging:
        for level, seconds in self.ack_timeout_seconds.items():
            if not 1 <= seconds <= 86400:
                raise ValueError(f"ack_timeout_seconds.{level} must be between 1 and 86400 seconds")
        return self


def _cron(value: str) -> str:
    try:
        cron_trigger(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a five-field cron expression: {exc}") from None
    return value


class Drills(_Model):
    schedule: Annotated[str, AfterValidator(_cron)] = "0 9 1 * *"
    report_due_days: int = Field(14, ge=1, le=120)
    exclusion_draws: int = Field(6, ge=0, le=60)
    reminder_days: list[int] = [7, 3, 1]
    announcement_channel: str | None = None


class Review(_Model):
    """The periodic review (§2 定期檢討評估): when last month's figures go to the executive secretary by DM."""

    schedule: Annotated[str, AfterValidator(_cron)] = "0 9 1 * *"
class CaseRestriction(_Model):
    """Closed cases shown only to the restricted readers and the unit that handled them (a category restricts
    every sub-type of it)."""

    categories: list[str] = []
    subtypes: list[str] = []


class Cases(_Model):
    """The case-file library (`/crisis cases`): which cases are restricted and which roles may read them."""

    restricted: CaseRestriction = CaseRestriction()
    restricted_readers: list[Role] = [Role.COMMANDER, Role.EXECUTIVE_SECRETARY, Role.LEGAL]

    def is_restricted(self, category: str | None, subtype: str | None) -> bool:
        return category in self.restricted.categories or (subtype is not None and subtype in self.restricted.subtypes)


class OrgConfig(_Model):
    """The whole organisation config (design.md §2)."""

    organisation: Organisation
    roles: Roles
    units: list[Unit] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    levels: Levels
    steps: list[Step] = Field(min_length=1)
    routing: Routing
    paging: Paging = Paging()
    drills: Drills = Drills()
    review: Review = Review()
    cases: Cases = Cases()

    @model_validator(mode="after")
    def _consistent(self) -> OrgConfig:
        for what, ids in (
            ("units", [u.id for u in self.units]),
            ("categories", [c.id for c in self.categories]),
            ("sub-types", [s.id for c in self.categories for s in c.subtypes]),
            ("steps", [s.id for s in self.steps]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{what} ids must be unique; repeated: {dupes}")
        unknown = sorted(set(self.routing.categories) - {c.id for c in self.categories})
        if unknown:
            raise ValueError(f"routing.categories names unknown categories {unknown}")
        unknown = sorted(set(self.cases.restricted.categories) - {c.id for c in self.categories})
        unknown += sorted(set(self.cases.restricted.subtypes) - {s.id for c in self.categories for s in c.subtypes})
        if unknown:
            raise ValueError(f"cases.restricted names unknown categories or sub-types {unknown}")
        return self

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.id == unit_id), None)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def units_of(self, user: str) -> list[Unit]:
        """Units where the person is head, deputy or member."""
        return [u for u in self.units if user in (u.head, u.deputy, *u.members)]


_DEFAULTED = ("categories", "levels", "steps", "routing")


@cache
def _procedure_defaults() -> dict[str, Any]:
    # The procedure's own vocabulary lives once, in the shipped example; other configs inherit it.
    with EXAMPLE_CONFIG.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {key: data[key] for key in _DEFAULTED}


def _where(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def parse_config(data: Any, source: str = "<config>") -> OrgConfig:
    """Validate already-parsed YAML; raise ConfigError naming the source, the field and the reason."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be a YAML mapping, got {type(data).__name__}")
    merged = {**{k: v for k, v in _procedure_defaults().items() if k not in data}, **data}
    try:
        return OrgConfig.model_validate(merged)
    except ValidationError as exc:
        lines = [f"{source}: invalid organisation config"]
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  {_where(err['loc'])}: {msg}")
        raise ConfigError("\n".join(lines)) from None


def load_config(path: str | Path | None = None) -> OrgConfig:
    """Read and validate the organisation YAML (the Keelung example when no path is given)."""
    file = Path(path) if path else EXAMPLE_CONFIG
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the organisation config: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from None
    return parse_config(data, str(file))
