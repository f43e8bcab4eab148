"""The case-file library (案例檔案, §3 "供日後參考改進"; §6 step 6 "將經驗記錄與傳承"): the closed incidents with
their case files, searched with `/crisis cases [words]`, opened in full, sent as DOCX, offered as past cases on a
new report's card and triage DM, and listed on App Home.

Who may read (decided here, at every look-up and click): the crisis team (a holder or deputy of a standing role)
and every unit's head and deputy read every case that is not restricted; a unit's member reads their own unit's
cases only (the cases they may have lived through, without opening every unit's record to the whole staff).
Restricted cases (config `cases.restricted`) are read by the roles in `cases.restricted_readers` and by the unit
that handled the case; for everyone else they are not listed, and opening one by id is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.kinds import WorkKind
from bot.handling.casefile import Compiled, compile_case
from bot.handling.state import CASE_FIELDS
from bot.overview.state import CaseHit
from bot.procedure.config import Level, OrgConfig
from bot.procedure.errors import NotAllowed, NotFound
from bot.procedure.who import Who
from storage import audit
from storage import cases as library
from storage import work as queue
from storage.cases import Filters
from storage.models import CaseFile, Incident
from storage.types import as_utc

MAX_HITS = 10  # hits in one answer: each is a few blocks, and a phone reads ten
PAST_CASES = 3  # on a new report's card and triage DM
HOME_CASES = 5

# Level words as people type them, besides the config's level names.
LEVEL_WORDS = {"高": Level.HIGH, "中": Level.MEDIUM, "低": Level.LOW,
               "high": Level.HIGH, "medium": Level.MEDIUM, "low": Level.LOW}


@dataclass(frozen=True)
class Query:
    """A search as typed: the words to find, and the filters recognised among them (as typed, for the answer)."""

    words: tuple[str, ...] = ()
    filters: Filters = Filters()
    recognised: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join((*self.recognised, *self.words))


@dataclass(frozen=True)
class CaseSearch:
    query: Query
    hits: tuple[CaseHit, ...]
    more: int = 0  # matching cases beyond those shown


@dataclass(frozen=True)
class Version:
    version: int
    by: str
    at: datetime


@dataclass(frozen=True)
class CaseView:
    """A case file in full for the modal: the hit's line, the compiled case file and its versions."""

    hit: CaseHit
    compiled: Compiled
    versions: tuple[Version, ...] = field(default=())


def _names(config: OrgConfig) -> dict[str, tuple[str, str]]:
    """Every filter word (lower-cased) -> (filter kind, value): ids and zh/en names of categories, sub-types,
    units and levels."""
    found: dict[str, tuple[str, str]] = {}

    def add(kind: str, value: str, *words: str) -> None:
        for word in words:
            found.setdefault(word.casefold(), (kind, value))

    for level in Level:
        spec = config.levels.of(level)
        add("levels", level.value, spec.name("zh-TW"), spec.name("en"))
    for word, level in LEVEL_WORDS.items():
        add("levels", level.value, word)
    for category in config.categories:
        add("categories", category.id, category.id, category.name("zh-TW"), category.name("en"))
        for sub in category.subtypes:
            add("subtypes", sub.id, sub.id, sub.name("zh-TW"), sub.name("en"))
    for unit in config.units:
        add("units", unit.id, unit.id, unit.name("zh-TW"), unit.name("en"))
    return found


def parse_query(words: list[str], config: OrgConfig) -> Query:
    """Words typed after `/crisis cases`: a category or sub-type, a unit, a level (高/中/低, high/medium/low or the
    level's name) or a year (2026) filters; any other word must be found in the case. Filters of one kind widen
    each other (two years: either); of different kinds they narrow."""
    names = _names(config)
    chosen: dict[str, set[str]] = {"categories": set(), "subtypes": set(), "units": set(), "levels": set()}
    years: set[int] = set()
    rest: list[str] = []
    recognised: list[str] = []
    for word in words:
        known = names.get(word.casefold())
        if known is not None:
            chosen[known[0]].add(known[1])
            recognised.append(word)
        elif word.isdigit() and len(word) == 4 and 1990 <= int(word) <= 2200:
            years.add(int(word))
            recognised.append(word)
        elif word.strip():
            rest.append(word)
    filters = Filters(frozenset(chosen["categories"]), frozenset(chosen["subtypes"]), frozenset(chosen["units"]),
                      frozenset(chosen["levels"]), frozenset(years))
    return Query(tuple(dict.fromkeys(rest)), filters, tuple(recognised))


def score(words: tuple[str, ...], title: str, case_text: str, account_text: str) -> tuple[int, int, int] | None:
    """How well a case matches: None unless every word is found (as a substring, case-folded: Chinese needs no
    word splitting); else (words found in the title, in the case file only, in the account only), compared in
    that order, so title hits rank above case-file hits above account hits."""
    places = (title.casefold(), case_text.casefold(), account_text.casefold())
    counts = [0, 0, 0]
    for word in words:
        needle = word.casefold()
        where = next((n for n, text in enumerate(places) if needle in text), None)
        if where is None:
            return None
        counts[where] += 1
    return counts[0], counts[1], counts[2]


def _case_text(case_file: CaseFile | None) -> str:
    data = dict(case_file.data or {}) if case_file else {}
    return "\n".join(str(data.get(f) or "") for f in CASE_FIELDS)


def _account_text(incident: Incident) -> str:
    return "\n".join((incident.description or "", incident.impact or "", incident.location or ""))


def may_search(who: Who) -> bool:
    """The library is for the crisis team and the units' people (a member sees their own unit's cases)."""
    return who.known


def _team(who: Who) -> bool:
    return bool(who.roles) or who.heads()


def may_read(who: Who, config: OrgConfig, incident: Incident) -> bool:
    if incident.unit_id and who.member_of(incident.unit_id):
        return True  # the unit that handled it always reads its own
    if config.cases.is_restricted(incident.category, incident.subtype):
        return any(who.holds(role) for role in config.cases.restricted_readers)
    return _team(who)


def _hit(config: OrgConfig, incident: Incident, case_file: CaseFile | None) -> CaseHit:
    data = dict(case_file.data or {}) if case_file else {}
    return CaseHit(incident.id, incident.number, incident.title, incident.level or incident.proposed_level,
                   incident.category, incident.subtype, incident.unit_id, as_utc(incident.created_at),
                   as_utc(incident.closed_at) if incident.closed_at else None, str(data.get("summary") or ""),
                   str(data.get("lessons") or ""), config.cases.is_restricted(incident.category, incident.subtype))


def search(session: Session, config: OrgConfig, who: Who, query: Query, limit: int = MAX_HITS) -> CaseSearch:
    """The closed cases this person may read that match: best match first, then newest."""
    if not may_search(who):
        raise NotAllowed("action.cases", "allowed.cases")
    ranked: list[tuple[tuple[int, int, int], int, CaseHit]] = []
    for n, (incident, case_file) in enumerate(library.closed_cases(session, query.filters)):
        if not may_read(who, config, incident):
            continue
        found = score(query.words, incident.title, _case_text(case_file), _account_text(incident))
        if found is not None:
            ranked.append((found, n, _hit(config, incident, case_file)))
    # n is the newest-first position from the query: a stable tie-break
    ranked.sort(key=lambda r: (-r[0][0], -r[0][1], -r[0][2], r[1]))
    return CaseSearch(query, tuple(hit for _, _, hit in ranked[:limit]), max(0, len(ranked) - limit))


def latest(session: Session, config: OrgConfig, who: Who, limit: int = HOME_CASES) -> tuple[CaseHit, ...]:
    """The newest closed cases this person may read (App Home)."""
    if not may_search(who):
        return ()
    # App Home opens often: read a few times the cases shown (some may not be this person's), not the library
    rows = library.closed_cases(session, limit=limit * 10)
    return tuple([_hit(config, i, c) for i, c in rows if may_read(who, config, i)][:limit])


def past_cases(session: Session, config: OrgConfig, subtype: str | None, exclude: int | None = None,
               reader: Who | None = None, limit: int = PAST_CASES) -> tuple[CaseHit, ...]:
    """Closed cases of the sub-type, newest first, for a new report. With no ``reader`` the list is for a shared
    place (the war-room card): restricted cases are left out; with one, what that person may read."""
    if not subtype:
        return ()
    rows = library.closed_cases(session, Filters(subtypes=frozenset({subtype})), limit=limit + 20)
    hits = [_hit(config, i, c) for i, c in rows if i.id != exclude and i.subtype == subtype
            and (may_read(reader, config, i) if reader is not None
                 else not config.cases.is_restricted(i.category, i.subtype))]
    return tuple(hits[:limit])


def _readable(session: Session, config: OrgConfig, who: Who, incident_id: int) -> tuple[Incident, CaseFile | None]:
    if not may_search(who):
        raise NotAllowed("action.cases", "allowed.cases")
    rows = library.closed_cases(session, incident_ids=[incident_id], limit=1)
    if not rows:
        raise NotFound(f"case {incident_id}")
    incident, case_file = rows[0]
    if not may_read(who, config, incident):
        raise NotAllowed("action.case_open", "allowed.case_restricted")
    return incident, case_file


def case_view(session: Session, config: OrgConfig, who: Who, incident_id: int) -> CaseView:
    """One closed case in full, if this person may read it."""
    incident, case_file = _readable(session, config, who, incident_id)
    versions = tuple(Version(v.version, v.submitted_by, as_utc(v.submitted_at))
                     for v in library.versions(session, incident.id))
    return CaseView(_hit(config, incident, case_file), compile_case(session, config, incident, case_file), versions)


def request_docx(session: Session, config: OrgConfig, who: Who, incident_id: int, click: str,
                 now: datetime) -> bool:
    """Send the case file's DOCX to the person by DM (due work: the upload is a side effect after the click).
    ``click`` names the button shown (its message or modal): a second click of it enqueues nothing more. True
    when new."""
    incident, case_file = _readable(session, config, who, incident_id)
    version = case_file.version if case_file else 0
    added = queue.enqueue(session, WorkKind.CASES_DOCX, f"cases:docx:{incident.id}:{who.user}:{click}"[:300], now,
                          {"incident": incident.id, "user": who.user, "version": version}, incident.id)
    if added:
        audit.record(session, who.user, "casefile.docx_requested", "incident", incident.id, incident_id=incident.id,
                     at=now, data={"version": version})
    return added
