"""Runtime settings from the environment and a `.env` file (design.md §2).

A missing bot token means sandbox mode: the bot runs against the local Slack sandbox workspace."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_URL_DEFAULT = "https://slack.com/api/"


DATA_DIR = Path(os.environ.get("CRISISBOT_DATA_DIR", "data"))


class SettingsError(Exception):
    """A setting has a bad value; the message names the key and what is wrong."""


class Settings(BaseSettings):
    """Every key from design.md §2, typed and checked."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(SLACK_API_URL_DEFAULT, alias="SLACK_API_URL")
    database_url: str = Field("", alias="DATABASE_URL")
    crisisbot_config: Path | None = Field(None, alias="CRISISBOT_CONFIG")
    crisisbot_tick_seconds: float = Field(15, alias="CRISISBOT_TICK_SECONDS", gt=0, le=3600)
    # How long a claimed piece of due work is held before another worker may redo it (a dead replica's claim).
    crisisbot_lease_seconds: float = Field(60, alias="CRISISBOT_LEASE_SECONDS", gt=0, le=3600)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().strip():
            return None
        if v is not None and not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().strip():
            return None
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return v

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().strip():
            return None
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        v = v.strip() or SLACK_API_URL_DEFAULT
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        v = v.strip()
        if v and "://" not in v:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///data/crisisbot.db or postgresql://…")
        return v

    @property
    def sandbox_mode(self) -> bool:
        return self.slack_bot_token is None

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(DATA_DIR / 'crisisbot.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise SettingsError naming each bad key."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = ["invalid settings:"]
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else "?"
            lines.append(f"  {key}: {err['msg'].removeprefix('Value error, ')}")
        raise SettingsError("\n".join(lines)) from None
