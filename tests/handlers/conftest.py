"""End-to-end fixtures: the whole bot on each database, driven through the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack import Stack


@pytest.fixture
def stack(database_url: str) -> Iterator[Stack]:
    running = Stack(database_url).start()
    try:
        yield running
    finally:
        running.stop()
