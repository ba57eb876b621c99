"""The named sets of body regions (data/triage/region_sets.yml) that the triage rules and the
red-flag questions share: `region_in: back` and `regions: back` are the same six codes."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import yaml

from actions.knowledge.pain import read_regions
from actions.settings import DATA_DIR


class RegionSetError(ValueError):
    """A region set names a region, or a rule names a set, that does not exist."""


@cache
def region_sets(
    path: Path = DATA_DIR / "triage" / "region_sets.yml",
) -> Mapping[str, frozenset[str]]:
    sets = {
        name: frozenset(codes)
        for name, codes in yaml.safe_load(path.read_text())["region_sets"].items()
    }
    for name, codes in sets.items():
        if unknown := codes - set(read_regions()):
            raise RegionSetError(
                f"{path}: the set {name!r} names regions that data/regions.yml does not have: "
                f"{', '.join(sorted(unknown))}"
            )
    return sets


def regions_of(spec: str | list[str], where: str) -> frozenset[str]:
    """The region codes a rule or question names: a list of codes, or the name of a set."""
    if not isinstance(spec, str):
        return frozenset(spec)
    if spec not in region_sets():
        raise RegionSetError(
            f"{where}: no region set {spec!r} in data/triage/region_sets.yml "
            f"(it has {', '.join(sorted(region_sets()))})"
        )
    return region_sets()[spec]
