"""The knowledge base: migrations, a seed that loads all or nothing, coverage, and rank."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from actions.knowledge.database import engine
from actions.knowledge.pain import read_regions
from actions.knowledge.rank import KnowledgeBase
from actions.knowledge.schema import Muscle, Referral, Technique, TriggerPoint
from actions.knowledge.seed import SEED
from actions.settings import PROJECT_ROOT

TABLES = {
    "kb_region",
    "kb_muscle",
    "kb_trigger_point",
    "kb_referral",
    "kb_activating_cause",
    "kb_technique",
}


@pytest.fixture(scope="module")
def kb(kb_url) -> KnowledgeBase:
    """The loaded knowledge base on SQLite (on PostgreSQL: tests/integration/test_knowledge.py)."""
    return KnowledgeBase(engine(kb_url))


def count(kb: KnowledgeBase, table) -> int:
    with kb.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


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


CASES = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / "rank_cases.yml").read_text())["cases"]


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


def test_every_muscle_is_named_and_its_referral_zones_come_primary_first(kb):
    names = kb.muscle_names()
    assert len(names) == count(kb, Muscle)
    assert names["levator_scapulae"].lower().startswith("levator scapulae")
    zones = [code for code, _ in kb.referred_regions("levator_scapulae")]
    assert zones[0] == "shoulder_top"
    assert {"neck_side", "shoulder_blade"} <= set(zones)
    assert kb.referred_regions("no_such_muscle") == []
