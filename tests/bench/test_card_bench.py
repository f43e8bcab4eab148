"""The card benchmark runs and reports its ratio (tiny counts; the figure itself is for the README, never asserted
as a time)."""

from bench.card import run, table


def test_the_card_bench_reports_a_ratio(tmp_path):
    result = run(f"sqlite:///{tmp_path}/card.db", sizes=(10, 200), reads=2)
    assert set(result["median_ms"]) == {"10", "200"} and result["ratio"] > 0
    assert "200 / 10" in table(result)
