"""Benchmark: reading the incident card's state (bot.warroom.state.card_state) at 100 and at 10,000 audit events.

The card is redrawn after every change, so its read must not grow with the incident's timeline. The figure that
matters is the ratio of the two medians in the same run (≈ 1 when the read is bounded; it was about 40× when the
whole timeline was loaded), not either time on its own: a loaded machine moves both alike.

Run: `python -m bench.card [--database-url URL]` (default: a SQLite file in a temp folder). bench/load.py runs it
too and puts it in its table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.incidents import service as incidents
from bot.incidents.state import Report
from bot.procedure.config import Level, load_config
from bot.procedure.who import who_from_config
from bot.runtime.compose import prepare_database
from bot.warroom.state import card_state
from storage import db
from storage.models import AuditEvent, Incident

HEAD = "U0000INSH"  # the inspection section's head in the shipped config: a report of theirs is triaged at once
SIZES = (100, 10_000)
# What a long incident's timeline is mostly made of, with the acts the card summarises among them.
FILLER = (("update.posted", {"text": "水位持平"}), ("page.sent", {"page": 1}), ("page.acked", {"page": 1}),
          ("work.gave_up", {"kind": "warroom.note"}), ("update.posted", {"text": "持續觀察"}))
ACTS = (("step.completed", {"step": "identify"}), ("plan.proposed", {"plan": "疏散貨櫃場人員"}),
        ("media.drafted", {"kind": "statement", "text": "新聞稿"}))


def _incident_with(session: Any, config: Any, now: datetime, events: int) -> int:
    data = Report(unit_id="inspection", category="sudden_event", subtype="force_majeure", title=f"{events} 筆紀錄",
                  description="港區積水", occurred_at=None, location="", impact="", proposed_level=Level.HIGH, flags={})
    reported = incidents.report(session, config, who_from_config(config, HEAD), data,
                                submission_key=f"bench-card:{events}", now=now)
    every = max(1, events // len(ACTS))  # the acts spread over the timeline, the filler between them

    def entry(i: int) -> tuple[str, dict[str, Any]]:
        return ACTS[i // every] if i % every == 0 and i // every < len(ACTS) else FILLER[i % len(FILLER)]

    rows = [{"at": now + timedelta(seconds=i), "actor": HEAD, "kind": kind, "subject_type": "incident",
             "subject_id": str(reported.incident_id), "incident_id": reported.incident_id, "data": payload}
            for i, (kind, payload) in ((i, entry(i)) for i in range(events))]
    for start in range(0, len(rows), 5_000):
        session.execute(sa.insert(AuditEvent), rows[start:start + 5_000])
    return reported.incident_id


def run(database_url: str | None = None, *, sizes: tuple[int, ...] = SIZES, reads: int = 30) -> dict[str, Any]:
    """Median time of `reads` card reads for an incident of each size, and the largest over the smallest."""
    url = database_url or f"sqlite:///{tempfile.mkdtemp(prefix='crisisbot-card-')}/card.db"
    config = load_config()
    now = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    engine = prepare_database(url, config, now)
    sessions = db.session_factory(engine)
    try:
        with sessions() as session, session.begin():
            ids = {n: _incident_with(session, config, now, n) for n in sizes}
        medians: dict[str, float] = {}
        for n, incident_id in ids.items():
            times = []
            for _ in range(reads):
                with sessions() as session:  # a fresh session, as each redraw has
                    t0 = time.perf_counter()
                    incident = session.get(Incident, incident_id)
                    card_state(session, incident, config)  # type: ignore[arg-type]
                    times.append(time.perf_counter() - t0)
            medians[str(n)] = statistics.median(times) * 1000
        small, large = str(min(sizes)), str(max(sizes))
        return {"database": engine.dialect.name, "reads": reads, "median_ms": medians,
                "ratio": medians[large] / medians[small], "sizes": list(sizes)}
    finally:
        engine.dispose()


def table(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    cells = " | ".join(f"{result['median_ms'][str(n)]:.2f} ms" for n in sizes)
    return "\n".join([f"card read ({result['database']}, median of {result['reads']})", "",
                      "| " + " | ".join(f"{n:,} events" for n in sizes) + f" | {sizes[-1]:,} / {sizes[0]:,} |",
                      "|" + "---|" * (len(sizes) + 1),
                      f"| {cells} | {result['ratio']:.2f} |"])


def main() -> None:
    from bench.report import write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp folder")
    parser.add_argument("--out", default="bench/results/card.json")
    args = parser.parse_args()
    result = run(args.database_url)
    write_result(result, args.out, table(result))


if __name__ == "__main__":
    main()
