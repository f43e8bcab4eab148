"""The App Home tab, published when a person opens it: their overview, then their commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.platform.services import Services
from handlers import kit
from handlers.overview import publish_home


def on_home_opened(event: dict[str, Any], client: WebClient, services: Services) -> None:
    """Publish the tab when its owner opens it (not for the Messages tab)."""
    if event.get("tab") not in (None, "home"):
        return
    publish_home(services, client, str(event["user"]))


LISTENERS: tuple[kit.Listener, ...] = (
    ("event", "app_home_opened", on_home_opened),
)


def register(app: App) -> None:
    """Wire the app_home_opened event."""
    kit.register(app, LISTENERS)
