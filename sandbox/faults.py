"""Fault injection for the sandbox Web API: rate-limit tiers, forced errors, HTTP 500s and slow answers.

Everything is off by default.  Tests switch faults on per method from Python (``server.faults``) or through
the admin endpoint ``POST /sandbox/faults``.  Rate limiting follows Slack's published tiers; a time-compression
factor makes a minute pass in ``60 / compression`` real seconds so tier behaviour can be tested quickly.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Calls per minute of Slack's tiers (https://docs.slack.dev/apis/web-api/rate-limits).
TIERS: dict[int, int] = {1: 1, 2: 20, 3: 50, 4: 100}
SPECIAL = 0

# Each implemented method's documented tier.  chat.postMessage is "special": about 1 per second per channel.
METHOD_TIERS: dict[str, int] = {
    "auth.test": 4,  # documented as "Special", generous: treated like Tier 4
    "team.info": 3,
    "users.info": 4,
    "users.list": 2,
    "users.lookupByEmail": 3,
    "conversations.create": 2,
    "conversations.invite": 3,
    "conversations.join": 3,
    "conversations.info": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "conversations.members": 4,
    "conversations.open": 3,
    "conversations.setTopic": 2,
    "conversations.setPurpose": 2,
    "conversations.archive": 2,
    "conversations.list": 2,
    "chat.postMessage": SPECIAL,
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.getPermalink": 4,  # "Special" in the docs, effectively unlimited for normal use
    "pins.add": 2,
    "pins.list": 2,
    "bookmarks.add": 2,
    "bookmarks.list": 3,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "files.info": 4,
}

POST_MESSAGE_PER_SECOND = 1.0
POST_MESSAGE_BURST = 3  # Slack tolerates short bursts in one channel


@dataclass
class Verdict:
    """What the fault layer decided for one call: answer normally (None fields) or as told."""

    delay: float = 0.0
    status: int | None = None
    error: str | None = None
    retry_after: int | None = None


@dataclass
class _Rule:
    kind: str  # "error", "http", "delay", "ratelimit"
    method: str  # method name or "*"
    times: int | None  # None = until cleared
    error: str | None = None
    status: int = 200
    seconds: float = 0.0
    retry_after: int = 1
    match: dict[str, str] = field(default_factory=dict)
    when: Callable[[dict[str, Any]], bool] | None = None

    def applies(self, method: str, args: dict[str, Any]) -> bool:
        if self.method not in ("*", method):
            return False
        for key, pattern in self.match.items():
            if not re.search(pattern, str(args.get(key, ""))):
                return False
        return self.when is None or bool(self.when(args))


class _Bucket:
    """Token bucket: ``capacity`` calls at once, refilled at ``rate`` per (compressed) second."""

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity, self.rate, self.tokens, self.stamp = capacity, rate, capacity, now

    def take(self, now: float) -> float:
        """Take one token; returns 0 when allowed, else the seconds until one is free."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class Faults:
    """Switchable faults, consulted by the Web API before each call."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._monotonic = self._default_clock = monotonic
        self.rate_limiting = False
        self.compression = 1.0
        self._limited_methods: set[str] | None = None
        self._tier_overrides: dict[str, int] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    # ---- switching faults on --------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str,
        times: int | None = 1,
        match: dict[str, str] | None = None,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer ``{"ok": false, "error": error}`` to the next ``times`` matching calls (None: always).

        ``match`` maps argument names to regexes (usable over HTTP); ``when`` is a Python predicate on the args.
        """
        self._add(_Rule("error", method, times, error=error, match=match or {}, when=when))

    def http_error(self, method: str, status: int = 500, times: int | None = 1) -> None:
        """Answer with a bare HTTP ``status`` (500 by default) to the next ``times`` calls."""
        self._add(_Rule("http", method, times, status=status))

    def delay(self, method: str, seconds: float, times: int | None = None) -> None:
        """Answer ``method`` only after ``seconds``."""
        self._add(_Rule("delay", method, times, seconds=seconds))

    def ratelimit(self, method: str, retry_after: int = 1, times: int | None = 1) -> None:
        """Answer 429 with ``Retry-After: retry_after`` to the next ``times`` calls, whatever the tier."""
        self._add(_Rule("ratelimit", method, times, retry_after=retry_after))

    def rate_limits(
        self,
        enabled: bool = True,
        compression: float = 1.0,
        methods: list[str] | None = None,
        tiers: dict[str, int] | None = None,
    ) -> None:
        """Enforce Slack's tiers (for ``methods`` only when given); ``compression`` speeds the minute up."""
        with self._lock:
            self.rate_limiting = enabled
            self.compression = max(compression, 1e-6)
            self._limited_methods = set(methods) if methods else None
            self._tier_overrides = dict(tiers or {})
            self._buckets.clear()

    def use_clock(self, monotonic: Callable[[], float] | None = None) -> None:
        """Read the rate-limit buckets' time from ``monotonic`` (the constructor's clock when called without one).

        Tests hold a clock still so that a burst of calls is a burst however slow the machine is, and move it on
        themselves; the buckets start full again.
        """
        with self._lock:
            self._monotonic = monotonic or self._default_clock
            self._buckets.clear()

    def clear(self) -> None:
        """Switch every fault off, and go back to the constructor's clock."""
        with self._lock:
            self._rules.clear()
            self.rate_limiting = False
            self._monotonic = self._default_clock
            self._buckets.clear()

    def describe(self) -> dict[str, Any]:
        """The current settings, for the admin endpoint."""
        with self._lock:
            return {
                "rate_limiting": self.rate_limiting,
                "compression": self.compression,
                "rules": [
                    {k: v for k, v in vars(r).items() if k != "when" and v not in (None, {}, 0.0)} for r in self._rules
                ],
            }

    def configure(self, spec: dict[str, Any]) -> None:
        """Apply a JSON description (the admin endpoint's body); see the docstring of the server."""
        if spec.get("clear"):
            self.clear()
        if "rate_limits" in spec:
            self.rate_limits(**spec["rate_limits"])
        for item in spec.get("fail", []):
            self.fail(item["method"], item["error"], item.get("times", 1), item.get("match"))
        for item in spec.get("http_error", []):
            self.http_error(item["method"], item.get("status", 500), item.get("times", 1))
        for item in spec.get("delay", []):
            self.delay(item["method"], item["seconds"], item.get("times"))
        for item in spec.get("ratelimit", []):
            self.ratelimit(item["method"], item.get("retry_after", 1), item.get("times", 1))

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    # ---- deciding -----------------------------------------------------------------------------------------------

    def tier(self, method: str) -> int | None:
        return self._tier_overrides.get(method, METHOD_TIERS.get(method))

    def check(self, method: str, args: dict[str, Any]) -> Verdict:
        """Decide how to answer this call; consumes one use of each matching counted rule."""
        verdict = Verdict()
        with self._lock:
            for rule in list(self._rules):
                if not rule.applies(method, args):
                    continue
                if rule.kind == "delay":
                    verdict.delay += rule.seconds
                elif verdict.status is None and verdict.error is None:
                    if rule.kind == "http":
                        verdict.status = rule.status
                    elif rule.kind == "ratelimit":
                        verdict.status, verdict.retry_after = 429, rule.retry_after
                    else:
                        verdict.error = rule.error
                else:
                    continue  # an earlier rule already decides this call; keep this one's uses
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
            if verdict.status is None and verdict.error is None and self.rate_limiting:
                wait = self._take_token(method, args)
                if wait > 0:
                    verdict.status = 429
                    # Retry-After is whole seconds (slack_sdk parses it with int()); at least 1 like Slack.
                    verdict.retry_after = max(1, math.ceil(wait))
        return verdict

    def _take_token(self, method: str, args: dict[str, Any]) -> float:
        if self._limited_methods is not None and method not in self._limited_methods:
            return 0.0
        tier = self.tier(method)
        if tier is None:
            return 0.0
        # Compressed time: the buckets see a clock running ``compression`` times faster.
        now = self._monotonic() * self.compression
        if tier == SPECIAL:
            key = (method, str(args.get("channel", "")))
            capacity, rate = float(POST_MESSAGE_BURST), POST_MESSAGE_PER_SECOND
        else:
            key = (method, "")
            per_minute = TIERS[tier]
            capacity, rate = float(per_minute), per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, rate, now)
        wait = bucket.take(now)
        return wait / self.compression
