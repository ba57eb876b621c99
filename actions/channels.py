"""What the channel a person writes in can show (data/channels/abilities.yml), and lists
written so that each channel shows them as lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from actions.settings import DATA_DIR


@dataclass(frozen=True)
class Abilities:
    body_map: bool
    result_card: bool


@cache
def channel_abilities(path: Path = DATA_DIR / "channels" / "abilities.yml") -> dict[str, Abilities]:
    data = yaml.safe_load(path.read_text())
    abilities = {name: Abilities(**entry) for name, entry in data["channels"].items()}
    abilities[""] = Abilities(**data["default"])
    return abilities


def bulleted(items: Sequence[str]) -> str:
    """Items as a list every channel shows as one: a line each, starting "- " (the widget
    draws such lines as a list; Telegram and plain text read them as one)."""
    return "".join(f"\n- {item[:1].upper()}{item[1:]}" for item in items)


def abilities_of(channel: str | None) -> Abilities:
    """The abilities of a channel by its name; the default for one not listed, or none."""
    known = channel_abilities()
    return known.get(channel or "", known[""])
