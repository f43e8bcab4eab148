from pathlib import Path

import pytest
import yaml

from bot.procedure.config import EXAMPLE_CONFIG, ConfigError, Level, Role, load_config, parse_config


def example() -> dict:
    return yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_keelung_example_follows_the_procedure():
    config = load_config()
    assert config.organisation.timezone == "Asia/Taipei"
    assert 8 <= len(config.units) <= 12
    assert [c.id for c in config.categories] == ["clearance", "public_opinion", "legislator_concern", "sudden_event"]
    assert sum(len(c.subtypes) for c in config.categories) == 9
    assert config.levels.of(Level.HIGH).name("zh-TW") == "高度危機"
    assert [s.id for s in config.steps] == ["identify", "assess", "handle", "media", "coordinate", "aftermath"]
    assert config.steps[4].responsible == ["executive_secretary"]
    for role in Role:
        holders = config.roles.of(role)
        assert holders.primary != holders.deputy
    assert config.routing.levels[Level.HIGH].page == Role.COMMANDER
    assert config.routing.levels[Level.MEDIUM].page == Role.EXECUTIVE_SECRETARY
    assert config.routing.levels[Level.LOW].page is None


def test_every_text_is_bilingual():
    config = load_config()
    texts = [config.organisation.name, *(u.name for u in config.units), *(c.name for c in config.categories),
             *(s.name for c in config.categories for s in c.subtypes), *(s.name for s in config.steps)]
    for text in texts:
        assert text("zh-TW") and text("en") and text("zh-TW") != text("en")


def test_the_example_people_are_seeded_by_the_sandbox():
    people = yaml.safe_load((Path("sandbox/data/people.yaml")).read_text(encoding="utf-8"))
    seeded = {u["id"] for u in people["users"]}
    config = load_config()
    named = {getattr(config.roles.of(r), p) for r in Role for p in ("primary", "deputy")}
    named |= {p for u in config.units for p in (u.head, u.deputy, *u.members)}
    assert named <= seeded


def test_a_minimal_config_inherits_the_procedure(tmp_path):
    data = {k: example()[k] for k in ("organisation", "roles", "units")}
    file = tmp_path / "org.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_config(file)
    assert len(config.categories) == 4 and len(config.steps) == 6


def test_email_addresses_are_people():
    data = example()
    data["roles"]["legal"]["primary"] = "legal.head@customs.example.gov.tw"
    assert parse_config(data).roles.legal.primary == "legal.head@customs.example.gov.tw"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda d: d["roles"]["commander"].update(primary="not a person"), "roles.commander.primary",
         "neither a Slack user id"),
        (lambda d: d["roles"].pop("planning"), "roles.planning", "Field required"),
        (lambda d: d["organisation"].update(timezone="Mars/Olympus"), "organisation", "not an IANA time zone"),
        (lambda d: d["units"][1].update(id=d["units"][0]["id"]), "(top level)", "units ids must be unique"),
        (lambda d: d["drills"].update(schedule="every month"), "drills.schedule", "cron"),
        (lambda d: d["steps"][0].update(responsible=["janitor"]), "steps[0]", "unknown responsible"),
        (lambda d: d["paging"]["ack_timeout_seconds"].update(high=0), "paging", "between 1 and 86400"),
        (lambda d: d["roles"]["legal"].update(deputy=d["roles"]["legal"]["primary"]), "roles.legal",
         "another person"),
        (lambda d: d["units"][0]["name"].pop("en"), "units[0].name.en", "Field required"),
    ],
)
def test_invalid_config_names_file_field_and_reason(tmp_path, change, field, reason):
    data = example()
    change(data)
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(file)
    message = str(err.value)
    assert str(file) in message
    assert field in message
    assert reason in message


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("roles: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(bad)
