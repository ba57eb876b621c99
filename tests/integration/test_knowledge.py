"""The knowledge base on SQLite and PostgreSQL: migrations, and a seed that loads all or
nothing (the rest: tests/unit/test_knowledge.py)."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import inspect

from actions.knowledge.database import engine
from actions.knowledge.migrate import current_revision, downgrade, upgrade
from actions.knowledge.rank import KnowledgeBase
from actions.knowledge.schema import Muscle
from actions.knowledge.seed import SEED, SeedError, load
from tests.databases import new_postgres_database

# The knowledge base's checks and queries of tests/unit/test_knowledge.py, collected here
# again to run on PostgreSQL with the `kb` fixture below.
from tests.unit.test_knowledge import (  # noqa: F401
    TABLES,
    count,
    test_a_cause_match_raises_a_muscle,
    test_a_known_symptom_points_at_the_muscles_that_cause_it,
    test_every_muscle_has_a_source_a_technique_and_a_location,
    test_every_region_has_at_least_two_muscles,
    test_no_regions_no_muscles,
    test_primary_outweighs_secondary,
    test_rank_agrees_with_the_references,
    test_rank_is_deterministic_and_explains_itself,
    test_rank_speed,
    test_several_regions_favour_a_muscle_that_covers_them_together,
    test_the_persons_own_activity_raises_the_muscles_it_activates,
)


@pytest.fixture(scope="module")
def kb(postgres) -> KnowledgeBase:
    """The loaded knowledge base on PostgreSQL."""
    url = new_postgres_database(postgres)
    load(engine(url))
    return KnowledgeBase(engine(url))


def test_migrations_upgrade_from_empty_and_downgrade(empty_database):
    empty = engine(empty_database)
    assert current_revision(empty) is None
    upgrade(empty)
    assert current_revision(empty) == "0003"
    assert set(inspect(empty).get_table_names()) >= TABLES
    downgrade(empty)
    assert current_revision(empty) is None
    assert not TABLES & set(inspect(empty).get_table_names())


def test_loading_twice_gives_the_same_knowledge_base(empty_database):
    url = empty_database
    first = load(engine(url))
    second = load(engine(url))
    assert count(KnowledgeBase(engine(url)), Muscle) == first == second


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: m[0]["refers"].append({"region": "left_elbow", "role": "primary"}),
            "unknown region code 'left_elbow'",
        ),
        (lambda m: m.append(dict(m[0])), "duplicate muscle code"),
        (lambda m: m[1].pop("source"), "missing source"),
        (lambda m: m[2]["causes"].update({"boredom": []}), "unknown cause"),
        (lambda m: m[3]["self_care"].pop("stretch"), "self_care needs 'stretch'"),
    ],
    ids=["unknown region", "duplicate", "no source", "bad cause", "no stretch"],
)
def test_a_bad_seed_is_refused_naming_the_entry_and_nothing_changes(
    empty_database, tmp_path, change, message
):
    url = empty_database
    loaded = load(engine(url))
    muscles = yaml.safe_load(SEED.read_text())["muscles"]
    change(muscles)
    bad = tmp_path / "muscles.yml"
    bad.write_text(yaml.safe_dump({"muscles": muscles}))
    with pytest.raises(SeedError, match=message) as error:
        load(engine(url), bad)
    assert "muscles.yml: muscle #" in str(error.value)
    assert count(KnowledgeBase(engine(url)), Muscle) == loaded
