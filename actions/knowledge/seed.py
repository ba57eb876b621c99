"""Loading the knowledge base from data/knowledge/muscles.yml, all or nothing.

The seed is checked before anything is written: an unknown region code, a duplicate muscle,
a missing source or a missing field stops the load with an error that names the file and
the entry, and the database is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from actions.knowledge.migrate import upgrade
from actions.knowledge.pain import CAUSES, read_regions
from actions.knowledge.schema import (
    ActivatingCause,
    Muscle,
    Referral,
    Region,
    Technique,
    TriggerPoint,
)
from actions.settings import DATA_DIR

REQUIRED = ("code", "name", "location", "refers", "causes", "self_care", "source")
ROLES = ("primary", "secondary")


class SeedError(ValueError):
    """The seed data is not valid; the message names the file and the entry."""


def validate(entries: list[dict[str, Any]], regions: Mapping[str, str], path: Path) -> None:
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{path}: muscle #{i + 1} ({entry.get('code', 'no code')})"
        missing = [key for key in REQUIRED if not entry.get(key)]
        if missing:
            raise SeedError(f"{where}: missing {', '.join(missing)}")
        code = entry["code"]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise SeedError(f"{where}: the code must be snake_case")
        if code in seen:
            raise SeedError(f"{where}: duplicate muscle code {code!r}")
        seen.add(code)
        for referral in entry["refers"]:
            if referral.get("region") not in regions:
                raise SeedError(f"{where}: unknown region code {referral.get('region')!r}")
            if referral.get("role") not in ROLES:
                raise SeedError(f"{where}: role must be primary or secondary: {referral!r}")
        named = [r["region"] for r in entry["refers"]]
        if len(named) != len(set(named)):
            raise SeedError(f"{where}: a region is listed twice in refers")
        if not any(r["role"] == "primary" for r in entry["refers"]):
            raise SeedError(f"{where}: needs at least one primary referral")
        unknown_causes = set(entry["causes"]) - set(CAUSES)
        if unknown_causes:
            raise SeedError(f"{where}: unknown cause {sorted(unknown_causes)}")
        for part in ("pressure", "stretch"):
            if not entry["self_care"].get(part):
                raise SeedError(f"{where}: self_care needs {part!r}")


SEED = DATA_DIR / "knowledge" / "muscles.yml"


def check(path: Path = SEED) -> list[dict[str, Any]]:
    """The seed's muscle entries, validated; SeedError names the file and entry at fault."""
    try:
        entries = yaml.safe_load(path.read_text())["muscles"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise SeedError(f"{path}: cannot read the muscles list: {error}") from error
    validate(entries, read_regions(), path)
    return entries


def load(engine: Engine, path: Path = SEED) -> int:
    """Migrate the schema and replace the knowledge base with the seed, in one transaction.

    Returns the number of muscles. Loading the same seed again gives the same database.
    """
    entries = check(path)
    regions = read_regions()
    upgrade(engine)
    with Session(engine, future=True) as session, session.begin():
        for table in (Technique, ActivatingCause, Referral, TriggerPoint, Muscle, Region):
            session.execute(delete(table))
        session.add_all(Region(code=code, label=label) for code, label in regions.items())
        session.flush()
        session.add_all(_muscle(entry) for entry in entries)
    return len(entries)


def _muscle(entry: dict[str, Any]) -> Muscle:
    return Muscle(
        code=entry["code"],
        name=entry["name"],
        trigger_points=[TriggerPoint(location=entry["location"].strip())],
        technique=Technique(
            pressure=entry["self_care"]["pressure"].strip(),
            stretch=entry["self_care"]["stretch"].strip(),
        ),
        symptoms=list(entry.get("symptoms") or []),
        cautions=list(entry.get("cautions") or []),
        mimics=list(entry.get("mimics") or []),
        source=entry["source"],
        disagreement=entry.get("disagreement"),
        referrals=[
            Referral(region_code=r["region"], role=r["role"], rank=r.get("rank"))
            for r in entry["refers"]
        ],
        causes=[
            ActivatingCause(cause=cause, activities=list(activities or []))
            for cause, activities in entry["causes"].items()
        ],
    )
