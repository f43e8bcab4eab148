"""Run a few callables truly at once: each in its own thread, released together by a barrier, as two deliveries of
one click (or two people) reach the bot. The results come back in argument order; an exception in any of them is
re-raised, so a race that ends in an error fails the test that provoked it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(*actions: Callable[[], Any], timeout: float = 30.0) -> list[Any]:
    """Call every action at the same moment; return their results in order, or raise the first error."""
    start = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(i: int, action: Callable[[], Any]) -> None:
        try:
            start.wait(timeout)
            results[i] = action()
        except BaseException as exc:  # handed to the test below, whatever it is
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"an action did not finish within {timeout} s (a deadlock?)")
    if errors:
        raise errors[0]
    return results
