"""Benchmark under load: concurrency, a rate-limited burst, the tick's cost with many timers, the server's memory.

- ack latency (median, p99) of `/crisis report` and of the modal submission with 1, 10 and 50 people at once,
  over HTTP, beside a bare Bolt app acking the same signed requests at the same concurrency (ratio);
- a burst of 100 high-level incidents with the sandbox enforcing Slack's rate-limit tiers on compressed time:
  every incident gets its war room and its page, nothing twice, no ack later than 3 s;
- the cost of a tick with 100,000 pending timers and nothing due, and of sweeping 1,000 due jobs (a no-op
  executor), on SQLite and PostgreSQL, against a bare `SELECT 1` round trip;
- the resident memory (RSS) of the serving process (`crisisbot serve`), idle and after the burst;
- the card's read at 100 and at 10,000 audit events (bench/card.py), as a ratio;
- and bench/report.py's figures (submission → page DM, Slack API calls per incident), run in the same command.

Run: `make bench-load` (or `python -m bench.load`). Prints a table and writes bench/results/load.json.
`--quick` uses small counts (the test suite runs it that way).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import card as card_bench
from bench import report as report_bench
from bench.report import SECRET, TOKEN, baseline_app, pct
from bot.blockkit import ids
from bot.delivery.job import Executor
from bot.platform.settings import Settings
from bot.runtime.compose import HttpServer, build_bot
from sandbox.driver import Sandbox
from sandbox.transport import HttpTransport
from scheduler import tick
from storage import db
from storage.models import DueWork

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "manifests" / "http.yaml"
FORM = {ids.F_UNIT: "inspection", ids.F_SUBTYPE: "force_majeure", ids.F_DESCRIPTION: "颱風來襲，港區積水。",
        ids.F_LEVEL: "medium"}


def ms(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values) * 1000, "p99": pct(values, 0.99) * 1000, "max": max(values) * 1000,
            "n": len(values)}


# ---------------------------------------------------------------------------------------------- concurrency


def concurrency(levels: list[int], rounds: int, *, slack_deadlines: bool = True) -> dict[str, Any]:
    """N people report at once, `rounds` times each; the same signed requests then go to the bare Bolt app at
    the same concurrency. The bot runs in this process with its scheduler, on a SQLite file."""
    workdir = Path(tempfile.mkdtemp(prefix="crisisbot-load-"))
    sandbox = Sandbox.start(bot_token=TOKEN)
    if not slack_deadlines:
        sandbox.relax_deadlines()
    sandbox.subscribe_manifest(MANIFEST)
    settings = Settings(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=sandbox.api_url,  # type: ignore[call-arg]
                        DATABASE_URL=f"sqlite:///{workdir}/load.db", CRISISBOT_TICK_SECONDS=1)
    bot = build_bot(settings, rng=random.Random(1))
    server = HttpServer(bot.asgi()).start()
    ticker = bot.start_scheduler()
    base = baseline_app(sandbox.api_url)
    sandbox.configure_bot(server.url + "/slack/events", SECRET)
    with sandbox.workspace.reading():
        people = [u for u in sandbox.workspace.users if not sandbox.workspace.users[u].is_bot]
    results: dict[str, Any] = {}
    try:
        for n in levels:
            results[str(n)] = _level(sandbox, people, base.url, n, rounds)
            report_bench.settle(bot, timeout=120)
    finally:
        ticker.shutdown()
        server.stop()
        base.stop()
        sandbox.stop()
        bot.engine.dispose()
    return results


def _has_inputs(view: Any) -> bool:
    return any(b.get("type") == "input" for b in view.blocks)


def _level(sandbox: Sandbox, people: list[str], base_url: str, n: int, rounds: int) -> dict[str, Any]:
    outcomes: list[tuple[Any, Any]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        person = sandbox.as_user(people[i % len(people)])
        for r in range(rounds):
            shown = person.slash("/crisis", "report")
            modal = person.wait_modal(ids.REPORT_VIEW, timeout=30, where=_has_inputs)
            modal.fill({**FORM, ids.F_TITLE: f"颱風 {n}-{i}-{r}"})
            submitted = modal.submit()
            sandbox.workspace.close_modal(person.id, clear=True)  # the person closes the receipt
            if not (shown.ok and submitted.ok and not submitted.errors):
                raise RuntimeError(f"report failed: {shown.reply.text} {submitted.errors}")
            with lock:
                outcomes.append((shown, submitted))

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(one, range(n)))

    def replay(chunk: list[tuple[Any, Any]]) -> list[tuple[float, float]]:
        transport = HttpTransport(base_url + "/slack/events", SECRET)
        try:
            return [(transport.send(s.delivery).duration, transport.send(v.delivery).duration) for s, v in chunk]
        finally:
            transport.close()

    with ThreadPoolExecutor(n) as pool:
        base_times = [t for part in pool.map(replay, [outcomes[i::n] for i in range(n)]) for t in part]
    slash = [s.reply.duration for s, _ in outcomes]
    submit = [v.reply.duration for _, v in outcomes]
    slash_base = [a for a, _ in base_times]
    submit_base = [b for _, b in base_times]
    return {
        "slash": ms(slash), "slash_base": ms(slash_base), "submit": ms(submit), "submit_base": ms(submit_base),
        "ratio": {"slash_median": statistics.median(slash) / statistics.median(slash_base),
                  "submit_median": statistics.median(submit) / statistics.median(submit_base),
                  "slash_p99": pct(slash, .99) / pct(slash_base, .99),
                  "submit_p99": pct(submit, .99) / pct(submit_base, .99)},
    }


# ---------------------------------------------------------------------------------------------- the burst


def burst(incidents: int, compression: float, database_url: str | None, *,
          slack_deadlines: bool = True) -> dict[str, Any]:
    """`incidents` high-level reports from unit heads, 10 at a time, against `crisisbot serve` in its own process,
    with Slack's tiers enforced on time running `compression` times faster. A test of the parts turns Slack's
    3-second deadlines off (`slack_deadlines=False`): there the counts matter, not the times."""
    from tests.reliability.procs import BotProcess, check_incidents, report, wait_settled

    workdir = Path(tempfile.mkdtemp(prefix="crisisbot-burst-"))
    url = database_url or f"sqlite:///{workdir}/burst.db"
    sandbox = Sandbox.start(bot_token="xoxb-reliability")
    if not slack_deadlines:
        sandbox.relax_deadlines()
    sandbox.subscribe_manifest(MANIFEST)
    bot = BotProcess(url, sandbox, workdir, tick=0.5, lease=60).start()
    bot.route_here()
    rss_idle = bot.rss_kib()
    # Ten reporters, one unit head each (a person has one modal at a time), each reporting in turn.
    heads = ["U0000INSH", "U0000CL1H", "U0000CL2H", "U0000INVH", "U0000LGSH", "U0000SECH", "U0000ITOH",
             "U0000PERH", "U0000LDUH", "U0000TPPH"]

    def reporter(w: int) -> list[bool]:
        return [report(sandbox, heads[w], f"颱風 {i}", "high", timeout=30) for i in range(w, incidents, len(heads))]

    try:
        sandbox.faults.rate_limits(True, compression=compression)
        started = time.perf_counter()
        with ThreadPoolExecutor(len(heads)) as pool:
            acked = [ok for part in pool.map(reporter, range(len(heads))) for ok in part]
        reported = time.perf_counter() - started
        wait_settled(url, timeout=600)
        settled = time.perf_counter() - started
        figures = check_incidents(url, sandbox)
        rss_after = bot.rss_kib()
        with sandbox.workspace.reading():
            deliveries = list(sandbox.workspace.deliveries)
            calls = list(sandbox.workspace.calls)
        acks = [d.get("duration", 0.0) for d in deliveries if isinstance(d, dict)]
        limited = sum(1 for c in calls if getattr(c, "status", 200) == 429)
    finally:
        sandbox.faults.rate_limits(False)
        bot.stop()
        sandbox.stop()
    return {**figures, "reported": incidents, "acked": sum(acked), "compression": compression,
            "ack_max_ms": max(acks) * 1000 if acks else None, "ack_over_3s": sum(1 for a in acks if a > 3),
            "reported_s": reported, "settled_s": settled, "answered_429": limited,
            "rss_idle_mib": rss_idle / 1024, "rss_after_burst_mib": rss_after / 1024}


# ---------------------------------------------------------------------------------------------- the tick


def tick_cost(database_url: str, pending: int, due: int) -> dict[str, Any]:
    """The tick with `pending` timers in the future and nothing due; then `due` rows due (no-op executor)."""
    engine = db.create_engine(database_url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    now = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    services = types.SimpleNamespace(sessions=sessions, settings=Settings(),  # type: ignore[call-arg]
                                     clock=lambda: now)
    try:
        with engine.begin() as conn:
            conn.execute(sa.delete(DueWork))
            rows = [{"kind": "timer", "key": f"timer:{i}", "due_at": now + timedelta(hours=1, seconds=i),
                     "payload": {}, "attempts": 0, "created_at": now} for i in range(pending)]
            for start in range(0, len(rows), 10_000):
                conn.execute(sa.insert(DueWork), rows[start:start + 10_000])
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execute(sa.text("ANALYZE due_work"))
                conn.commit()

        def timed(fn: Callable[[], Any], times: int) -> list[float]:
            out = []
            for _ in range(times):
                t0 = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t0)
            return out

        def select_one() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))

        executors: dict[str, Executor] = {"noop": lambda s, j, n: None}
        select = timed(select_one, 200)
        idle = timed(lambda: tick.tick(services, now, executors), 100)  # type: ignore[arg-type]
        with engine.begin() as conn:
            conn.execute(sa.insert(DueWork), [{"kind": "noop", "key": f"noop:{i}", "due_at": now - timedelta(seconds=1),
                                               "payload": {}, "attempts": 0, "created_at": now} for i in range(due)])
        t0 = time.perf_counter()
        ticks = ran = 0
        while True:
            n = tick.tick(services, now, executors)  # type: ignore[arg-type]
            ticks += 1
            ran += n
            if not n:
                break
        sweep = time.perf_counter() - t0
        assert ran == due, (ran, due)
        select_ms = statistics.median(select) * 1000
        return {"database": engine.dialect.name, "pending": pending, "due": due,
                "select_1_ms": select_ms,
                "idle_tick_ms": {"median": statistics.median(idle) * 1000, "p99": pct(idle, .99) * 1000},
                "idle_tick_vs_select_1": statistics.median(idle) * 1000 / select_ms,
                "sweep_s": sweep, "sweep_ticks": ticks, "per_job_ms": sweep * 1000 / due,
                "per_job_vs_select_1": sweep * 1000 / due / select_ms}
    finally:
        engine.dispose()


def postgres_url(given: str | None) -> tuple[str | None, Callable[[], None]]:
    """The PostgreSQL URL to use: the one given, or a throw-away server from the machine's binaries."""
    if given:
        return given, lambda: None
    try:
        from tests.pg import TestServer

        server = TestServer()
        return server.start(), server.stop
    except Exception as exc:  # no binaries: the PostgreSQL rows are left out, and the table says so
        print(f"(no PostgreSQL: {exc})")
        return None, lambda: None


# ---------------------------------------------------------------------------------------------- output


def table(r: dict[str, Any]) -> str:
    lines = ["crisisbot load benchmark", "",
             "| people at once | ack | crisisbot median | p99 | bare Bolt median | p99 | ratio median | ratio p99 |",
             "|---|---|---|---|---|---|---|---|"]
    for n, c in r["concurrency"].items():
        for kind, label in (("slash", "`/crisis report`"), ("submit", "modal submission")):
            lines.append(f"| {n} | {label} | {c[kind]['median']:.1f} ms | {c[kind]['p99']:.1f} ms | "
                         f"{c[kind + '_base']['median']:.1f} ms | {c[kind + '_base']['p99']:.1f} ms | "
                         f"{c['ratio'][kind + '_median']:.2f} | {c['ratio'][kind + '_p99']:.2f} |")
    b = r["burst"]
    lines += ["", f"burst: {b['reported']} high-level incidents, 10 reporters at once, Slack's tiers at "
                  f"{b['compression']:g}× time: {b['acked']} acked, {b['war_rooms']} war rooms, {b['pages']} pages, "
                  f"{b['messages']} keyed messages, none twice; slowest ack {b['ack_max_ms']:.0f} ms "
                  f"({b['ack_over_3s']} over 3 s); {b['answered_429']} calls answered 429; all done "
                  f"{b['settled_s']:.1f} s after the first report",
              f"memory of `crisisbot serve`: {b['rss_idle_mib']:.0f} MiB idle, {b['rss_after_burst_mib']:.0f} MiB "
              f"after the burst", "",
              "| database | pending timers | SELECT 1 | idle tick median | p99 | idle tick / SELECT 1 | "
              "1,000 due: total | per job | per job / SELECT 1 |", "|---|---|---|---|---|---|---|---|---|"]
    for t in r["tick"]:
        lines.append(f"| {t['database']} | {t['pending']:,} | {t['select_1_ms']:.2f} ms | "
                     f"{t['idle_tick_ms']['median']:.2f} ms | {t['idle_tick_ms']['p99']:.2f} ms | "
                     f"{t['idle_tick_vs_select_1']:.1f} | {t['sweep_s'] * 1000:.0f} ms ({t['sweep_ticks']} ticks) | "
                     f"{t['per_job_ms']:.2f} ms | {t['per_job_vs_select_1']:.1f} |")
    if r.get("card"):
        lines += ["", card_bench.table(r["card"])]
    if r.get("report"):
        rep = r["report"]
        lines += ["", f"sequential ({rep['incidents']} incidents, bench/report.py): submission → page DM median "
                      f"{rep['submit_to_page_ms']['median']:.0f} ms, p99 {rep['submit_to_page_ms']['p99']:.0f} ms; "
                      f"Slack API calls per incident {rep['api_calls_total']:.1f} (least possible "
                      f"{rep['api_calls_least']})"]
    return "\n".join(lines)


def run(quick: bool, pg: str | None, skip_pg: bool) -> dict[str, Any]:
    levels, rounds = ([1, 5], 2) if quick else ([1, 10, 50], 4)
    pending, due = (2_000, 100) if quick else (100_000, 1_000)
    result: dict[str, Any] = {"quick": quick}
    result["concurrency"] = concurrency(levels, rounds)
    result["burst"] = burst(20 if quick else 100, 30.0, None)
    workdir = Path(tempfile.mkdtemp(prefix="crisisbot-tick-"))
    result["tick"] = [tick_cost(f"sqlite:///{workdir}/tick.db", pending, due)]
    if not skip_pg:
        url, stop = postgres_url(pg)
        try:
            if url:
                result["tick"].append(tick_cost(url, pending, due))
        finally:
            stop()
    result["card"] = card_bench.run(None, sizes=(100, 2_000) if quick else card_bench.SIZES, reads=5 if quick else 30)
    result["report"] = report_bench.run(5 if quick else 40, None)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (for the test suite)")
    parser.add_argument("--pg-url", default=None, help="PostgreSQL for the tick figures (default: a throw-away one)")
    parser.add_argument("--no-pg", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--out", default="bench/results/load.json")
    args = parser.parse_args()
    result = run(args.quick, args.pg_url, args.no_pg)
    report_bench.write_result(result, args.out, table(result))


if __name__ == "__main__":
    main()
