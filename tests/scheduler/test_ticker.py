import threading

from scheduler.ticker import Ticker


def test_kick_runs_a_sweep_now_and_drains():
    swept = threading.Event()
    counts = iter([2, 1, 0])
    calls = []

    def sweep():
        calls.append(1)
        n = next(counts, 0)
        if n == 0:
            swept.set()
        return n

    ticker = Ticker(sweep, seconds=3600).start()
    try:
        assert swept.wait(5)
        assert len(calls) == 3  # drained until nothing ran
        swept.clear()
        ticker.kick()
        assert swept.wait(5)
    finally:
        ticker.shutdown()


def test_a_failing_sweep_does_not_stop_the_scheduler():
    attempts = []
    first, second = threading.Event(), threading.Event()

    def sweep():
        attempts.append(1)
        if len(attempts) == 1:
            first.set()
            raise RuntimeError("database is down")
        second.set()
        return 0

    ticker = Ticker(sweep, seconds=3600).start()
    try:
        assert first.wait(5)
        ticker.kick()
        assert second.wait(5)
    finally:
        ticker.shutdown()
