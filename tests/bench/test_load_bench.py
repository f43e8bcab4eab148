"""The load benchmark's parts run and count what they claim (tiny counts; the figures are for the README)."""

import pytest

from bench.load import burst, concurrency, table, tick_cost


def test_tick_cost_counts_every_job(tmp_path):
    t = tick_cost(f"sqlite:///{tmp_path}/tick.db", pending=500, due=60)
    assert t["due"] == 60 and t["sweep_ticks"] == 3 and t["idle_tick_ms"]["median"] > 0


@pytest.mark.reliability
def test_concurrency_and_burst_run(tmp_path):
    c = concurrency([2], rounds=1, slack_deadlines=False)
    assert c["2"]["slash"]["n"] == c["2"]["slash_base"]["n"] == 2
    b = burst(6, 30.0, None, slack_deadlines=False)  # counts, not times: a loaded CI machine may be slow
    assert b["acked"] == b["incidents"] == b["war_rooms"] == b["pages"] == 6
    assert b["ack_over_3s"] >= 0 and b["ack_max_ms"] > 0 and b["rss_idle_mib"] > 10
    text = table({"concurrency": c, "burst": b, "tick": [], "report": None})
    assert "bare Bolt" in text and "none twice" in text
