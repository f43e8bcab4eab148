"""Benchmark of the report flow against the sandbox, over real HTTP.

- ack latency (median, p99) of `/crisis report` and of the report modal's submission, beside a bare Bolt app
  that only acks the same signed requests, reported as a ratio;
- the time from the submission to the commander's page DM being delivered (high level, scheduler running);
- the Slack Web API calls per incident, against the least the procedure's features need.

Run: `make bench` (or `python -m bench.report --incidents 40`). Prints a table and writes bench/results/report.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from slack_bolt import App

from bot.blockkit import ids
from bot.platform.settings import Settings
from bot.platform.slack import make_client
from bot.runtime.compose import HttpServer, build_bot
from handlers.http import build_asgi
from sandbox.driver import Sandbox

TOKEN, SECRET = "xoxb-bench", "bench-secret"
REPORT = {ids.F_SUBTYPE: "force_majeure", ids.F_TITLE: "颱風致貨櫃場淹水",
          ids.F_DESCRIPTION: "基隆港區積水，貨櫃場停止作業。", ids.F_LEVEL: "high"}
# What one high-level incident needs at the least: the channel, its topic and purpose, one invite, the card and
# its pin, the page DM and its war-room mention, and the reporter's link.
LEAST_CALLS = Counter({"conversations.create": 1, "conversations.setTopic": 1, "conversations.setPurpose": 1,
                       "conversations.invite": 1, "chat.postMessage": 4, "pins.add": 1})


def baseline_app(api_url: str) -> HttpServer:
    """A bare Bolt app acking the same requests: the floor that HTTP, signature checks and Bolt cost."""
    app = App(client=make_client(TOKEN, api_url), signing_secret=SECRET, token_verification_enabled=False)
    app.command("/crisis")(lambda ack: ack())
    app.view(ids.REPORT_VIEW)(lambda ack: ack())
    return HttpServer(build_asgi(app, SECRET, lambda: {"database": "ok"})).start()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(incidents: int, database_url: str | None, *, slack_deadlines: bool = True) -> dict[str, Any]:
    """Report `incidents` crises and time each ack beside the bare Bolt app's. `slack_deadlines=False` (the test
    of the parts) gives the bot more than Slack's 3 s, so a loaded CI machine does not fail it."""
    workdir = Path(tempfile.mkdtemp(prefix="crisisbot-bench-"))
    url = database_url or f"sqlite:///{workdir}/bench.db"
    sandbox = Sandbox.start(bot_token=TOKEN)
    if not slack_deadlines:
        sandbox.relax_deadlines()
    sandbox.subscribe_manifest(Path(__file__).parents[1] / "manifests" / "http.yaml")
    settings = Settings(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=sandbox.api_url,  # type: ignore[call-arg]
                        DATABASE_URL=url, CRISISBOT_TICK_SECONDS=1)
    bot = build_bot(settings, rng=random.Random(1))
    server = HttpServer(bot.asgi()).start()
    ticker = bot.start_scheduler()
    base = baseline_app(sandbox.api_url)
    heads = [u.head for u in bot.services.config.units]
    samples: dict[str, list[float]] = {"slash": [], "slash_base": [], "submit": [], "submit_base": [], "page": []}
    calls_per_incident: list[Counter[str]] = []
    try:
        for i in range(incidents):
            person = sandbox.as_user(heads[i % len(heads)])
            commander = sandbox.as_user("U0000CMDR").dm()
            sandbox.configure_bot(server.url + "/slack/events", SECRET)
            shown = person.slash("/crisis", "report")
            modal = person.wait_modal(ids.REPORT_VIEW)
            modal.fill({**REPORT, ids.F_TITLE: f"{REPORT[ids.F_TITLE]} {i}"})
            before = len([m for m in commander.messages() if ids.PAGE_ACK in str(m.blocks)])
            calls_before = len(sandbox.calls())
            started = time.perf_counter()
            submitted = modal.submit()
            sandbox.wait_for(lambda dm=commander, n=before: len(
                [x for x in dm.messages() if ids.PAGE_ACK in str(x.blocks)]) > n, timeout=30)
            samples["page"].append(time.perf_counter() - started)
            settle(bot)
            calls_per_incident.append(Counter(c.method for c in sandbox.calls()[calls_before:]))
            samples["slash"].append(shown.reply.duration)
            samples["submit"].append(submitted.reply.duration)
            sandbox.configure_bot(base.url + "/slack/events", SECRET)
            samples["slash_base"].append(sandbox.resend(shown).duration)
            samples["submit_base"].append(sandbox.resend(submitted).duration)
    finally:
        ticker.shutdown()
        server.stop()
        base.stop()
        sandbox.stop()
    calls = sum(calls_per_incident, Counter())
    mean_calls = {m: n / incidents for m, n in sorted(calls.items())}
    result = {
        "incidents": incidents,
        "database": "postgresql" if database_url else "sqlite",
        "ack_ms": {k: {"median": statistics.median(v) * 1000, "p99": pct(v, 0.99) * 1000}
                   for k, v in samples.items() if k != "page"},
        "ack_ratio": {
            "slash_median": statistics.median(samples["slash"]) / statistics.median(samples["slash_base"]),
            "submit_median": statistics.median(samples["submit"]) / statistics.median(samples["submit_base"]),
        },
        "submit_to_page_ms": {"median": statistics.median(samples["page"]) * 1000,
                              "p99": pct(samples["page"], 0.99) * 1000},
        "api_calls_per_incident": mean_calls,
        "api_calls_total": sum(mean_calls.values()),
        "api_calls_least": sum(LEAST_CALLS.values()),
    }
    return result


def settle(bot: Any, timeout: float = 30) -> None:
    """Wait until the bot has no due work left (the database is polled: it has no change notification)."""
    deadline = time.monotonic() + timeout
    while _pending(bot):
        if time.monotonic() > deadline:
            raise TimeoutError("due work did not settle")
        time.sleep(0.005)


def _pending(bot: Any) -> bool:
    from storage import work

    with bot.services.sessions() as session:
        return any(w.due_at <= bot.services.clock() for w in work.pending(session))


def table(result: dict[str, Any]) -> str:
    a = result["ack_ms"]
    lines = [
        f"crisisbot report benchmark: {result['incidents']} incidents on {result['database']}",
        "",
        "| measure | crisisbot median | p99 | bare Bolt median | p99 | ratio (median) |",
        "|---|---|---|---|---|---|",
        f"| ack of `/crisis report` | {a['slash']['median']:.1f} ms | {a['slash']['p99']:.1f} ms | "
        f"{a['slash_base']['median']:.1f} ms | {a['slash_base']['p99']:.1f} ms | "
        f"{result['ack_ratio']['slash_median']:.2f} |",
        f"| ack of the modal submission | {a['submit']['median']:.1f} ms | {a['submit']['p99']:.1f} ms | "
        f"{a['submit_base']['median']:.1f} ms | {a['submit_base']['p99']:.1f} ms | "
        f"{result['ack_ratio']['submit_median']:.2f} |",
        "",
        f"submission → page DM delivered: median {result['submit_to_page_ms']['median']:.0f} ms, "
        f"p99 {result['submit_to_page_ms']['p99']:.0f} ms",
        f"Slack API calls per incident: {result['api_calls_total']:.1f} (least possible {result['api_calls_least']})",
        "  " + ", ".join(f"{m} {n:.1f}" for m, n in result["api_calls_per_incident"].items()),
    ]
    return "\n".join(lines)


def write_result(result: dict[str, Any], out: str, shown: str) -> None:
    """Save a run's figures as JSON (the README's tables come from these files) and print its table."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(shown)
    print(f"\nwritten: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp folder")
    parser.add_argument("--out", default="bench/results/report.json")
    args = parser.parse_args()
    result = run(args.incidents, args.database_url)
    write_result(result, args.out, table(result))


if __name__ == "__main__":
    main()
