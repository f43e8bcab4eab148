"""Crash safety: the bot as a separate process, killed with SIGKILL at random moments (seeded) while incidents
are being reported and drill reminders fall due, and started again on the same database.

Promise checked: every incident that exists ends with one war room, its pinned card and its pages delivered;
every reminder DM is sent exactly once; no message carrying a work key is ever posted twice.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from sandbox.driver import Sandbox
from tests.reliability.procs import (
    BotProcess,
    check_incidents,
    report,
    scale,
    seed_reminders,
    wait_settled,
    work_keys,
)

pytestmark = pytest.mark.reliability

MANIFEST = Path(__file__).parents[2] / "manifests" / "http.yaml"


@pytest.mark.timeout(600)
def test_sigkill_while_reporting_and_reminding(database_url: str, tmp_path: Path) -> None:
    rng = random.Random(20261128)
    trials, incidents, reminders = scale(3, 25), scale(12, 60), scale(20, 300)
    sandbox = Sandbox.start(bot_token="xoxb-reliability").relax_deadlines()
    sandbox.subscribe_manifest(MANIFEST)
    _drill, reminder_keys = seed_reminders(database_url, reminders)
    bot = BotProcess(database_url, sandbox, tmp_path).start()
    bot.route_here()
    heads = ["U0000INSH", "U0000CL1H", "U0000CL2H", "U0000INVH"]
    done = threading.Event()
    acked = []

    def reporters() -> None:
        # A person tries again until the bot answers. Bounded by time, not by tries: on a slow machine the bot can
        # be down (killed, or still starting) for many quick failed tries in a row; the kills stop after a while.
        for i in range(incidents):
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                if report(sandbox, heads[i % len(heads)], f"颱風 {i}", "high", resubmit_for=120):
                    acked.append(i)
                    break
                time.sleep(0.1)
        done.set()

    thread = threading.Thread(target=reporters, daemon=True)
    thread.start()
    try:
        kills = during = 0
        while kills < trials or not done.is_set():
            time.sleep(rng.uniform(0.05, 0.5))
            during += not done.is_set()
            bot.kill()
            kills += 1
            bot.start()
            if kills > trials * 4:
                break
        thread.join(420)
        assert done.is_set(), "the reporters did not finish"
        wait_settled(database_url, timeout=120)
        figures = check_incidents(database_url, sandbox)
        keys = work_keys(sandbox)
        missing = [k for k in reminder_keys if keys[k] != 1]
        assert not missing, f"reminders not sent exactly once: {missing[:5]}"
        # A submission the dying bot committed but never acked is pressed again: still one incident.
        assert figures["incidents"] == len(acked) == incidents, figures
        assert during >= 1, "no kill landed while incidents were being reported"
        print(f"crash: {kills} SIGKILLs ({during} while reporting), {figures}, "
              f"reminders {len(reminder_keys)} DMs once each")
    finally:
        bot.stop()
        sandbox.stop()
