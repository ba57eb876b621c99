"""The knowledge base: migrations, a seed that loads all or nothing, coverage, and rank."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, inspect, select

from actions.knowledge.database import engine
from actions.knowledge.migrate import current_revision, downgrade, upgrade
from actions.knowledge.pain import read_regions
from actions.knowledge.rank import KnowledgeBase
from actions.knowledge.schema import Muscle, Referral, Technique, TriggerPoint
from actions.knowledge.seed import SEED, SeedError, load
from tests.databases import new_postgres_database

TABLES = {
    "kb_region",
    "kb_muscle",
    "kb_trigger_point",
    "kb_referral",
    "kb_activating_cause",
    "kb_technique",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def kb(request, kb_url) -> KnowledgeBase:
    """The loaded knowledge base, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return KnowledgeBase(engine(kb_url))
    url = new_postgres_database(request.getfixturevalue("postgres"))
    load(engine(url))
    return KnowledgeBase(engine(url))


def count(kb: KnowledgeBase, table) -> int:
    with kb.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_migrations_upgrade_from_empty_and_downgrade(empty_database):
    empty = engine(empty_database)
    assert current_revision(empty) is None
    upgrade(empty)
    assert current_revision(empty) == "0002"
    assert set(inspect(empty).get_table_names()) >= TABLES
    downgrade(empty)
    assert current_revision(empty) is None
    assert not TABLES & set(inspect(empty).get_table_names())


def test_every_region_has_at_least_two_muscles(kb):
    with kb.engine.connect() as connection:
        counts = dict(
            connection.execute(
                select(Referral.region_code, func.count()).group_by(Referral.region_code)
            ).all()
        )
    assert set(counts) == set(read_regions())
    assert min(counts.values()) >= 2


def test_every_muscle_has_a_source_a_technique_and_a_location(kb):
    muscles = count(kb, Muscle)
    assert muscles >= 60
    assert count(kb, Technique) == muscles
    codes = [entry["code"] for entry in yaml.safe_load(SEED.read_text())["muscles"]]
    cards = kb.cards(codes)
    assert len(cards) == muscles
    for card in cards:
        assert card.source and card.locations and card.pressure and card.stretch, card.code
    assert count(kb, TriggerPoint) >= muscles


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


CASES = yaml.safe_load((Path(__file__).parent / "data" / "rank_cases.yml").read_text())["cases"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=f"{'+'.join(case['regions'])}-{case.get('cause')}",
            marks=[pytest.mark.xfail(strict=True, reason=case["known_disagreement"])]
            if "known_disagreement" in case
            else [],
        )
        for case in CASES
    ],
)
def test_rank_agrees_with_the_references(kb, case):
    top = [m.code for m in kb.rank(case["regions"], case.get("cause"))]
    assert set(case["top3"]) & set(top), f"{top} ({case['source']})"
    if "first" in case:
        assert top[0] == case["first"], f"{top} ({case['source']})"


def test_the_reference_cases_cover_the_regions_and_causes():
    regions = {region for case in CASES for region in case["regions"]}
    assert len(CASES) >= 30
    assert regions == set(read_regions())
    causes = [case.get("cause") for case in CASES]
    for cause in ("posture", "overuse", "injury", "dehydration", "other"):
        assert causes.count(cause) >= 2, cause


def test_rank_is_deterministic_and_explains_itself(kb):
    first = kb.rank(["low_back", "buttock"], "overuse")
    assert first == kb.rank(["low_back", "buttock"], "overuse")
    assert len(first) == 3
    assert first[0].score >= first[1].score >= first[2].score
    assert "lower back" in first[0].reason and "(primary)" in first[0].reason


def test_primary_outweighs_secondary(kb):
    scores = {m.code: m for m in kb.rank(["heel"], limit=50)}
    primary = [m for m in scores.values() if "(primary)" in m.reason]
    secondary = [m for m in scores.values() if "(secondary)" in m.reason]
    assert primary and secondary
    assert min(m.score for m in primary) > max(m.score for m in secondary)


def test_a_cause_match_raises_a_muscle(kb):
    plain = {m.code: m.score for m in kb.rank(["calf"], limit=50)}
    cramps = {m.code: m.score for m in kb.rank(["calf"], "dehydration", limit=50)}
    assert cramps["gastrocnemius"] > plain["gastrocnemius"]
    assert "often set off by dehydration" in kb.rank(["calf"], "dehydration")[0].reason


def test_several_regions_favour_a_muscle_that_covers_them_together(kb):
    neck_only = {m.code: m.score for m in kb.rank(["neck_back"], limit=50)}
    both = {m.code: m.score for m in kb.rank(["neck_back", "shoulder_top"], limit=50)}
    assert both["upper_trapezius"] > neck_only["upper_trapezius"] * 2


def test_a_known_symptom_points_at_the_muscles_that_cause_it(kb):
    regions = ["neck_back", "shoulder_top", "fingers"]
    assert "scalenes" not in [m.code for m in kb.rank(regions)]
    assert "scalenes" in [m.code for m in kb.rank(regions, symptoms={"numbness"})]


def test_no_regions_no_muscles(kb):
    assert kb.rank([]) == []


def test_rank_speed(kb, benchmark):
    """Recorded, not asserted: pytest-benchmark's table shows the time per query."""
    result = benchmark(kb.rank, ["low_back", "buttock"], "overuse")
    assert len(result) == 3


def test_the_persons_own_activity_raises_the_muscles_it_activates(kb):
    plain = [m.code for m in kb.rank(["forearm"], "overuse")]
    typing = kb.rank(["forearm"], "overuse", activity="typing")
    assert "extensor_carpi_radialis_longus" not in plain
    assert typing[0].code == "extensor_carpi_radialis_longus"
    assert "often set off by overuse (typing" in typing[0].reason
