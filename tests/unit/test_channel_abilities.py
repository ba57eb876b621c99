"""What each channel can show (data/channels/abilities.yml) covers every channel KnotBot runs."""

from __future__ import annotations

import importlib

import yaml

from actions.channels import abilities_of, channel_abilities
from actions.settings import PROJECT_ROOT


def channel_names() -> set[str]:
    """The names (`name()`) of the channels bot/credentials.yml turns on."""
    credentials = yaml.safe_load((PROJECT_ROOT / "bot" / "credentials.yml").read_text())
    names = set()
    for path in credentials:
        module, _, cls = path.rpartition(".")
        names.add(getattr(importlib.import_module(module), cls).name())
    return names


def test_every_channel_of_the_credentials_says_what_it_can_show():
    assert channel_names() == set(channel_abilities()) - {""}


def test_the_widget_draws_the_result_card_and_telegram_has_no_body_map_to_tap():
    assert abilities_of("socketio").result_card and abilities_of("socketio").body_map
    assert not abilities_of("telegram").body_map and not abilities_of("telegram").result_card
    assert not abilities_of("rest").result_card


def test_a_channel_not_listed_gets_the_default_abilities():
    assert abilities_of("cmdline") == abilities_of(None) == abilities_of("rest")
