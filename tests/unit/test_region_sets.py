"""The region sets that the triage rules and the red-flag questions share
(data/triage/region_sets.yml)."""

from __future__ import annotations

import pytest

from actions.triage.case import Case
from actions.triage.policy import policy
from actions.triage.region_sets import RegionSetError, region_sets, regions_of
from actions.triage.screening import questions


@pytest.mark.parametrize("region", sorted(region_sets()["back"]))
def test_where_the_back_question_is_asked_a_yes_meets_the_back_rule(region):
    """The question (`regions: back`) and the rule (`region_in: back`) name one set: a yes
    to the question anywhere it is asked reaches the rule, and nowhere else is it asked."""
    question = next(q for q in questions() if q.code == "serious_back")
    assert question.regions == region_sets()["back"]
    decision = policy().decide(Case(regions=(region,), findings=question.on_yes))
    assert "serious_back_pain" in [rule.code for rule in decision.rules]


def test_a_name_that_is_no_set_says_which_sets_there_are():
    with pytest.raises(RegionSetError, match=r"no region set 'nape'.*\(it has back, cardiac"):
        regions_of("nape", "policy.yml, group urgent, rule spine_fever")


def test_a_set_naming_a_region_that_does_not_exist_is_refused(tmp_path):
    path = tmp_path / "region_sets.yml"
    path.write_text("region_sets:\n  back: [low_back, lumbar_spine]\n")
    with pytest.raises(RegionSetError, match=r"'back' names regions .* lumbar_spine"):
        region_sets.__wrapped__(path)
