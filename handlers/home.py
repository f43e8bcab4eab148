"""The App Home tab, published when a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import commands
from bot.services import Services
from bot.views.home import home_view


def register(app: App, services: Services) -> None:
    """Wire the app_home_opened event."""

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        user = str(event["user"])
        who = services.who(user)
        view = home_view(who, commands.available(who), services.config, services.lang_of(user))
        client.views_publish(user_id=user, view=view)
