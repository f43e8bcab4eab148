"""Claims: the unique row that lets one of two identical deliveries through, on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from storage import claims
from storage.db import session_factory

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def test_the_second_claim_of_a_key_is_refused_and_the_first_is_kept(engine: Engine) -> None:
    sessions = session_factory(engine)
    with sessions() as s, s.begin():
        first = claims.claim(s, "view:V1:h1", "report", "U1", NOW)
    with sessions() as s, s.begin():
        second = claims.claim(s, "view:V1:h1", "report", "U2", NOW)
        other = claims.claim(s, "view:V1:h2", "report", "U2", NOW)
    with sessions() as s:
        kept = claims.claimed(s, "view:V1:h1")
    assert (first, second, other) == (True, False, True)
    assert kept is not None and kept.user_id == "U1"


def test_two_claims_at_once_let_exactly_one_through(engine: Engine) -> None:
    sessions = session_factory(engine)
    def attempt(user: str, key: str, start: threading.Barrier, results: list[bool]) -> None:
        with sessions() as s, s.begin():
            start.wait()
            results.append(claims.claim(s, key, "report", user, NOW))

    for round_ in range(10):
        start, results = threading.Barrier(2), []
        threads = [threading.Thread(target=attempt, args=(u, f"view:V{round_}:h", start, results))
                   for u in ("U1", "U2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, True], f"round {round_}"


def test_a_rolled_back_claim_frees_its_key(engine: Engine) -> None:
    sessions = session_factory(engine)
    with sessions() as s:
        s.begin()
        assert claims.claim(s, "view:V9:h", "report", "U1", NOW)
        s.rollback()
    with sessions() as s, s.begin():
        assert claims.claim(s, "view:V9:h", "report", "U1", NOW)
