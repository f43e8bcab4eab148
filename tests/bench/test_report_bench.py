"""The benchmark runs and counts what it claims to (its figures are for the README, not for assertions)."""

from bench.report import LEAST_CALLS, run, table


def test_benchmark_runs_and_reports_every_figure(tmp_path):
    result = run(2, None, slack_deadlines=False)
    assert set(result["ack_ms"]) == {"slash", "slash_base", "submit", "submit_base"}
    assert result["submit_to_page_ms"]["median"] > 0
    calls = result["api_calls_per_incident"]
    for method, least in LEAST_CALLS.items():
        assert calls.get(method, 0) >= least  # every needed call happened
    assert "least possible" in table(result)
