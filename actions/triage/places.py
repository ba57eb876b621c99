"""The lexicon's words for places and causes: the vague regions ("my back") with their
choices and usual meaning, the body's areas offered as buttons, the codes each kind of
entity may carry, and which cause counts first when several are named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from actions.knowledge.pain import CAUSES, SIDES, read_regions
from actions.settings import DATA_DIR
from actions.triage.screening import questions


@dataclass(frozen=True)
class VagueRegion:
    key: str
    choices: tuple[str, ...]
    default: str


@cache
def _region_vocabulary() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "lexicon" / "regions.yml").read_text())


@cache
def vague_regions() -> dict[str, VagueRegion]:
    return {
        key: VagueRegion(key, tuple(entry["choices"]), entry["default"])
        for key, entry in (_region_vocabulary().get("vague") or {}).items()
    }


@cache
def known_codes() -> dict[str, frozenset[str]]:
    """The codes each kind of entity may carry (the lexicon's, and the screening's findings)."""
    findings = yaml.safe_load((DATA_DIR / "lexicon" / "findings.yml").read_text())["findings"]
    return {
        "body_region": frozenset(read_regions()),
        "vague_region": frozenset(vague_regions()),
        "side": frozenset(SIDES),
        "cause": frozenset(CAUSES),
        "finding": frozenset(findings).union(*(q.on_yes for q in questions())),
        "doubted_finding": frozenset(findings),
        "red_flag_question": frozenset(q.code for q in questions()),
    }


def usual_places(keys: Iterable[str]) -> list[str]:
    """What vague words like "my back" usually mean, when there is no time to ask."""
    return list(dict.fromkeys(vague_regions()[k].default for k in keys if k in vague_regions()))


def body_areas() -> dict[str, list[str]]:
    """Vague words and region codes to offer as buttons when words failed to place the pain,
    in groups ("Arms": shoulder, arm, elbow, hand)."""
    return dict(_region_vocabulary()["areas"])


@cache
def cause_priority() -> list[str]:
    data = yaml.safe_load((DATA_DIR / "lexicon" / "causes.yml").read_text())
    return list(data["priority"])


def first_cause(causes: Iterable[str]) -> str | None:
    """Of several causes named ("I pulled it at football"), the one the case takes."""
    named = set(causes)
    return next((c for c in cause_priority() if c in named), None)
