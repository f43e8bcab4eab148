"""The manifests carry exactly what the registered listeners and the Web API calls need."""

import re
from pathlib import Path

import pytest
import yaml

from bot.platform.slack import SCOPES_BY_METHOD, SURFACE_SCOPES
from handlers import app as app_module

ROOT = Path(__file__).parents[1]
MANIFESTS = sorted((ROOT / "manifests").glob("*.yaml"))


class RecordingApp:
    """Stands in for Bolt's App: records what each handler module registers."""

    def __init__(self) -> None:
        self.commands: set[str] = set()
        self.events: set[str] = set()
        self.actions: set[str] = set()
        self.views: set[str] = set()

    def _recorder(self, bucket: set[str]):
        def register(key, *args, **kwargs):
            bucket.add(key if isinstance(key, str) else str(key))
            return lambda fn: fn
        return register

    def __getattr__(self, name):
        bucket = {"command": self.commands, "event": self.events, "action": self.actions, "view": self.views,
                  "view_submission": self.views, "view_closed": self.views, "block_action": self.actions}.get(name)
        if bucket is None:
            raise AttributeError(name)
        return self._recorder(bucket)


@pytest.fixture(scope="module")
def registered() -> RecordingApp:
    fake = RecordingApp()
    for module in app_module.HANDLER_MODULES:
        module.register(fake)
    return fake


def used_methods() -> set[str]:
    """Web API methods the code calls: chat port calls and Bolt client calls."""
    by_snake = {m.replace(".", "_"): m for m in SCOPES_BY_METHOD}
    found: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        source = path.read_text(encoding="utf-8")
        if path.parts[-2:] == ("platform", "slack.py"):
            source = source.split("SCOPES_BY_METHOD")[0]
        found |= {m for m in re.findall(r"[\"']([a-z]+\.[a-zA-Z]+)[\"']", source) if m in SCOPES_BY_METHOD}
        found |= {by_snake[m] for m in re.findall(r"client\.([a-z]+_[a-zA-Z_]+)\(", source) if m in by_snake}
    return found


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.stem)
def test_manifest_matches_the_listeners(path, registered):
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == registered.commands
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == registered.events
    assert manifest["features"]["app_home"]["home_tab_enabled"] == ("app_home_opened" in registered.events)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.stem)
def test_manifest_asks_for_the_least_scopes(path, registered):
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    needed = {scope for m in used_methods() for scope in (SCOPES_BY_METHOD[m] or "").split(",") if scope}
    if registered.commands:
        needed.add(SURFACE_SCOPES["slash_command"])
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_the_two_variants_differ_only_in_transport():
    socket, http = (yaml.safe_load((ROOT / "manifests" / f"{n}.yaml").read_text()) for n in ("socket-mode", "http"))
    assert socket["settings"]["socket_mode_enabled"] is True and http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert http["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert all(c["url"].endswith("/slack/events") for c in http["features"]["slash_commands"])
    assert socket["oauth_config"] == http["oauth_config"]


def test_every_called_method_has_a_known_scope():
    assert "users.info" in used_methods()
    assert "views.publish" in used_methods()
