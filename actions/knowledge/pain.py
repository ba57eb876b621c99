"""The words for where a pain is and what brought it on: the body regions (data/regions.yml),
the sides and the causes.

The triage interview asks for them, the knowledge base files its muscles under them and
the clinic's pages show them. None of those owns them, so each imports them from here and
none needs another for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import yaml

from actions.settings import DATA_DIR

CAUSES = ("posture", "overuse", "injury", "dehydration", "other", "unknown")
SIDES = ("left", "right", "both", "center")


@cache
def read_regions(path: Path = DATA_DIR / "regions.yml") -> Mapping[str, str]:
    """The region codes and their labels (read once; do not change the mapping)."""
    return {r["code"]: r["label"] for r in yaml.safe_load(path.read_text())["regions"]}
