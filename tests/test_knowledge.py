"""The knowledge base: the seed loads all or nothing, covers every region, and ranks."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from actions.knowledge.database import engine, session
from actions.knowledge.rank import rank
from actions.knowledge.schema import Muscle, Referral
from actions.knowledge.seed import SeedError, load, read_regions
from actions.settings import DATA_DIR

SEED = DATA_DIR / "knowledge" / "muscles.yml"


def test_every_region_has_at_least_two_muscles(kb_url):
    with session(kb_url) as db:
        counts = dict(
            db.execute(
                select(Referral.region_code, func.count()).group_by(Referral.region_code)
            ).all()
        )
    assert set(counts) == set(read_regions())
    assert min(counts.values()) >= 2


def test_every_muscle_names_its_source_and_self_care(kb_url):
    with session(kb_url) as db:
        muscles = db.scalars(select(Muscle)).all()
    assert len(muscles) >= 60
    for muscle in muscles:
        assert muscle.source and muscle.location and muscle.pressure and muscle.stretch


def test_loading_twice_gives_the_same_knowledge_base(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    first = load(engine(url))
    second = load(engine(url))
    with session(url) as db:
        assert db.scalar(select(func.count()).select_from(Muscle)) == first == second


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
    ],
    ids=["unknown region", "duplicate", "no source", "bad cause"],
)
def test_a_bad_seed_is_refused_naming_the_entry_and_nothing_changes(tmp_path, change, message):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    count = load(engine(url))
    muscles = yaml.safe_load(SEED.read_text())["muscles"]
    change(muscles)
    bad = tmp_path / "muscles.yml"
    bad.write_text(yaml.safe_dump({"muscles": muscles}))
    with pytest.raises(SeedError, match=message) as error:
        load(engine(url), bad)
    assert "muscles.yml: muscle #" in str(error.value)
    with session(url) as db:
        assert db.scalar(select(func.count()).select_from(Muscle)) == count


# The first muscles of each region's list in ../shared/research/trigger-points.md, Table A.
@pytest.mark.parametrize(
    ("regions", "cause", "expected"),
    [
        (["shoulder_top"], "posture", "upper_trapezius"),
        (["calf"], "dehydration", "gastrocnemius"),
        (["low_back"], "overuse", "quadratus_lumborum"),
        (["head_back"], "posture", "upper_trapezius"),
        (["elbow_outer"], "overuse", "supinator"),
        (["heel"], None, "soleus"),
        (["shoulder_back"], "injury", "posterior_deltoid"),
    ],
)
def test_rank_names_the_textbook_muscles_in_the_top_three(kb_url, regions, cause, expected):
    with session(kb_url) as db:
        top = [m.code for m in rank(db, regions, cause)]
    assert len(top) == 3
    assert expected in top, top


def test_rank_is_deterministic_and_explains_itself(kb_url):
    with session(kb_url) as db:
        first = rank(db, ["low_back", "buttock"], "overuse")
        again = rank(db, ["low_back", "buttock"], "overuse")
    assert first == again
    assert first[0].score >= first[1].score >= first[2].score
    assert "lower back" in first[0].reason and "(primary)" in first[0].reason


def test_rank_favours_a_muscle_that_covers_several_regions(kb_url):
    with session(kb_url) as db:
        neck_only = {m.code: m.score for m in rank(db, ["neck_back"], limit=50)}
        both = {m.code: m.score for m in rank(db, ["neck_back", "shoulder_top"], limit=50)}
    assert both["upper_trapezius"] > neck_only["upper_trapezius"] * 2


def test_no_regions_no_muscles(kb_url):
    with session(kb_url) as db:
        assert rank(db, []) == []
