"""The App Home tab, published when a person opens it: their overview, then their commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.platform.services import Services
from handlers.overview import publish_home


def register(app: App, services: Services) -> None:
    """Wire the app_home_opened event."""

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        publish_home(services, client, str(event["user"]))
