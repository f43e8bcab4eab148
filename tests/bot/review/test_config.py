"""The review's schedule in the organisation config: the documented default, an override, and a bad cron named."""

from __future__ import annotations

import pytest
import yaml

from bot.procedure.config import EXAMPLE_CONFIG, ConfigError, load_config, parse_config


def example() -> dict:
    return yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_the_schedule_defaults_and_can_be_changed():
    assert load_config().review.schedule == "0 9 1 * *"  # documented in keelung.yaml
    data = example()
    data.pop("review")
    assert parse_config(data).review.schedule == "0 9 1 * *"
    data["review"] = {"schedule": "30 8 2 * *"}
    assert parse_config(data).review.schedule == "30 8 2 * *"


def test_a_bad_schedule_names_the_file_and_the_field(tmp_path):
    data = example()
    data["review"] = {"schedule": "monthly"}
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(file)
    assert str(file) in str(err.value) and "review.schedule" in str(err.value) and "cron" in str(err.value)
