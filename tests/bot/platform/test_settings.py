import pytest

from bot.platform.settings import SettingsError, load_settings

KEYS = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DATABASE_URL",
        "CRISISBOT_CONFIG", "CRISISBOT_TICK_SECONDS"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_no_token_means_sandbox_mode():
    settings = load_settings()
    assert settings.sandbox_mode
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.crisisbot_tick_seconds == 15


def test_env_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-123\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    settings = load_settings()
    assert not settings.sandbox_mode
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_env_example_documents_every_key():
    from pathlib import Path

    example = (Path(__file__).parents[3] / ".env.example").read_text()
    for key in KEYS:
        assert f"\n{key}=" in example


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("SLACK_BOT_TOKEN", "abc", "starting with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-1", "starting with xapp-"),
        ("SLACK_API_URL", "slack.com", "http(s) URL"),
        ("DATABASE_URL", "crisis.db", "SQLAlchemy URL"),
        ("CRISISBOT_TICK_SECONDS", "0", "greater than 0"),
        ("CRISISBOT_TICK_SECONDS", "soon", "valid number"),
    ],
)
def test_bad_values_name_the_key(monkeypatch, key, value, reason):
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert key in str(err.value) and reason in str(err.value)


def test_tokens_do_not_show_in_repr(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    assert "very-secret" not in repr(load_settings())
