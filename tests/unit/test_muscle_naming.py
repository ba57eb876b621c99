"""Which muscle a question names: by the knowledge base's name, its code, the names people
use (data/knowledge/muscle_naming.yml) and small typos of long words."""

from __future__ import annotations

import pytest
import yaml

from actions.knowledge.naming import extra_names, named_muscle
from actions.settings import DATA_DIR

MUSCLES = {
    m["code"]: m["name"]
    for m in yaml.safe_load((DATA_DIR / "knowledge" / "muscles.yml").read_text())["muscles"]
}


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("where is the levator scapulae trigger point?", "levator_scapulae"),
        ("how do I loosen my lev scap", "levator_scapulae"),
        ("how do I stretch my piriformus?", "piriformis"),
        ("how to massage the QL", "quadratus_lumborum"),
        ("what does the Infraspinatus refer pain to", "infraspinatus"),
        ("stretch for rear delts?", "posterior_deltoid"),
        ("where do my traps send pain", "upper_trapezius"),
        ("how to release the lower traps", "lower_trapezius"),
        ("what's the outer hamstring's trigger point", "biceps_femoris"),
        ("how do I press on the sternocleidomastoid", "sternocleidomastoid"),
        ("where is the gluteus medius knot", "gluteus_medius"),
    ],
)
def test_a_question_names_its_muscle(question, code):
    assert named_muscle(question, MUSCLES) == code


@pytest.mark.parametrize(
    "question", ["where is the trigger point?", "how do I stretch?", "my cat sat on my pet"]
)
def test_no_muscle_is_found_where_none_is_named(question):
    assert named_muscle(question, MUSCLES) is None


def test_every_extra_name_belongs_to_a_known_muscle_and_to_one_only():
    names = extra_names()
    assert set(names) <= set(MUSCLES)
    every = [name for listed in names.values() for name in listed]
    assert len(every) == len(set(every))
