""""At once" for tests: a few callables started on threads of their own and released together by a barrier, so
that their requests reach the bot while the others' are in flight (a double tap, a retry that overtakes the first
delivery, two people at the same moment, a timer firing as someone clicks).

    first, second = twice(lambda: commander.click(page_dm, ids.PAGE_ACK))
    ack, tick = at_once(lambda: commander.click(page_dm, ids.PAGE_ACK), lambda: stack.bot.tick(due))

No sleeps: the barrier is the only synchronisation, and each call's own result (or exception) comes back.
`rounds()` is how many times a race suite repeats each race: small by default, `CRISISBOT_RACE_ROUNDS` for the
long run (`make reliability-full`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

ROUNDS_ENV = "CRISISBOT_RACE_ROUNDS"
DEFAULT_ROUNDS = 2
JOIN_TIMEOUT = 60.0


def rounds(default: int = DEFAULT_ROUNDS) -> int:
    """How many rounds of each race: `CRISISBOT_RACE_ROUNDS`, else `default`."""
    value = os.environ.get(ROUNDS_ENV, "").strip()
    return max(1, int(value)) if value else default


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run every action on its own thread, all released by one barrier; their results in the order given.
    An exception in any of them is raised here (the first one, after every thread has finished)."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    failures: list[BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(JOIN_TIMEOUT)
            results[index] = action()
        except BaseException as exc:  # handed back to the caller below
            failures[index] = exc

    threads = [threading.Thread(target=run, args=(i, a), name=f"at-once-{i}", daemon=True)
               for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        raise TimeoutError(f"still running after {JOIN_TIMEOUT:.0f} s: {stuck}")
    for failure in failures:
        if failure is not None:
            raise failure
    return results


def twice(action: Callable[[], T]) -> list[T]:
    """The same action twice at once: a double tap, or a retry that overtakes the first delivery."""
    return at_once(action, action)
