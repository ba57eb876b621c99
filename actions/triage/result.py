"""The result card: what a channel draws after the advice (the web widget's card, later the
Telegram picture). The same decision as the advice, as data a picture can be drawn from."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import yaml

from actions.knowledge.pain import read_regions
from actions.knowledge.rank import MuscleCard, RankedMuscle
from actions.settings import DATA_DIR

LEVELS_WITH_SELF_CARE = ("therapist", "self_care")
"""A doctor sees the muscles' names only: self-care waits until the doctor has looked."""


@cache
def levels() -> dict[str, dict[str, str]]:
    return yaml.safe_load((DATA_DIR / "triage" / "levels.yml").read_text())["levels"]


def result_card(
    level: str,
    regions: Sequence[str],
    side: str | None,
    muscles: Sequence[tuple[RankedMuscle, MuscleCard]],
    emergency_number: str,
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "knotbot": "result",
        "level": level,
        "title": levels()[level]["title"],
        "colour": levels()[level]["colour"],
        "emergency_number": emergency_number,
    }
    if level == "emergency":
        return card  # the banner and the number, nothing to read past
    labels = read_regions()
    card["regions"] = [{"code": code, "label": labels[code]} for code in regions]
    card["side"] = side
    card["trigger_points"] = [
        {
            "number": number,
            "code": muscle.code,
            "name": muscle.name,
            "reason": muscle.reason,
            "location": " ".join(about.locations),
            **(
                {"pressure": about.pressure, "stretch": about.stretch}
                if level in LEVELS_WITH_SELF_CARE
                else {}
            ),
            "cautions": list(about.cautions),
        }
        for number, (muscle, about) in enumerate(muscles, start=1)
    ]
    card["booking"] = level in LEVELS_WITH_SELF_CARE
    return card
