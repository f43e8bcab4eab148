"""The threads Bolt runs listeners on after the ack, counting what is in flight.

A listener acks first and then works (views, database writes). Knowing when none is running lets the tests sweep
due work only after every click's transaction has committed, and lets a shutdown wait for them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

LISTENER_THREADS = 16  # Bolt's default is 5: too few when a typhoon brings many reports at once


class ListenerPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor with `wait_idle()`."""

    def __init__(self, max_workers: int = LISTENER_THREADS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="crisisbot-listener")
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._busy += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any] | None) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 30) -> bool:
        """Block until no listener runs (True), or the timeout passes (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)
