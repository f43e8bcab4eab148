"""The report flags' routes in the organisation config (`routing.flags`, issue 12 §3): the procedure's defaults,
a config that routes a flag otherwise or silences it, a flag left out keeping its default, and clear errors for a
flag the report form does not have or a role the team does not have."""

from __future__ import annotations

import pytest
import yaml

from bot.incidents.state import FLAGS
from bot.procedure.config import (
    EXAMPLE_CONFIG,
    FLAG_ROUTE_DEFAULTS,
    REPORT_FLAGS,
    ConfigError,
    FlagRoute,
    Role,
    load_config,
    parse_config,
)


def example() -> dict:
    return yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def with_flags(flags) -> dict:
    data = example()
    data["routing"]["flags"] = flags
    return data


def test_the_defaults_are_the_procedures_choice():
    routing = load_config().routing
    assert routing.flag_route("media") == FlagRoute(invite=[Role.PUBLIC_RELATIONS], notify=[Role.PUBLIC_RELATIONS])
    assert routing.flag_route("legislator") == FlagRoute(
        invite=[Role.PUBLIC_RELATIONS, Role.EXECUTIVE_SECRETARY],
        notify=[Role.PUBLIC_RELATIONS, Role.EXECUTIVE_SECRETARY])
    assert routing.flag_route("casualties") == FlagRoute(page=[Role.COMMANDER])
    assert set(FLAG_ROUTE_DEFAULTS) == set(REPORT_FLAGS) == set(FLAGS)


def test_the_shipped_example_spells_out_the_defaults():
    assert dict(load_config().routing.flags) == FLAG_ROUTE_DEFAULTS


def test_a_config_without_flags_or_without_routing_gets_the_defaults():
    data = example()
    del data["routing"]["flags"]
    assert parse_config(data).routing.flag_route("casualties").page == [Role.COMMANDER]
    minimal = {k: example()[k] for k in ("organisation", "roles", "units")}
    assert parse_config(minimal).routing.flag_route("media").invite == [Role.PUBLIC_RELATIONS]


def test_a_flag_routed_otherwise_or_silenced_and_one_left_out_keeps_its_default():
    routing = parse_config(with_flags({"media": {"invite": ["planning"], "page": ["public_relations"]},
                                       "casualties": {}})).routing
    assert routing.flag_route("media") == FlagRoute(invite=[Role.PLANNING], page=[Role.PUBLIC_RELATIONS])
    assert routing.flag_route("casualties") == FlagRoute()
    assert routing.flag_route("legislator") == FLAG_ROUTE_DEFAULTS["legislator"]


def test_an_unknown_flag_is_named_with_the_flags_there_are():
    with pytest.raises(ConfigError) as err:
        parse_config(with_flags({"press": {"invite": ["public_relations"]}}), "org.yaml")
    message = str(err.value)
    assert message.startswith("org.yaml: invalid organisation config")
    assert "routing: flags ['press'] are not flags of the report form; use ['media', 'legislator', 'casualties']" \
        in message


def test_an_unknown_role_is_named_where_it_is():
    with pytest.raises(ConfigError) as err:
        parse_config(with_flags({"media": {"notify": ["spokesperson"]}}), "org.yaml")
    assert "routing.flags.media.notify[0]: Input should be 'commander', 'executive_secretary'" in str(err.value)


def test_an_unknown_key_in_a_route_is_refused():
    with pytest.raises(ConfigError) as err:
        parse_config(with_flags({"casualties": {"call": ["commander"]}}), "org.yaml")
    assert "routing.flags.casualties.call: Extra inputs are not permitted" in str(err.value)
