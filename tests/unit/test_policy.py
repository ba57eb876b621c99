"""Every rule of the triage policy (docs/triage-policy.md), through the data file."""

from dataclasses import replace

import pytest

from actions.triage.case import Case
from actions.triage.policy import LEVELS, Policy, PolicyError, policy

# A case that matches no rule: mild, recent, posture, no finding.
BASE = Case(regions=("upper_back",), cause="posture", days=3, intensity=3)


def case(**changes) -> Case:
    if "findings" in changes:
        changes["findings"] = frozenset(changes["findings"])
    return replace(BASE, **changes)


RULES = [
    # (rule code, level, a case that matches it)
    ("heart_attack", "emergency", case(regions=("jaw",), findings={"sweating"})),
    ("heart_attack", "emergency", case(regions=("upper_arm",), findings={"exertional"})),
    ("heart_attack", "emergency", case(regions=("neck_side",), findings={"cardiac_signs"})),
    ("heart_attack", "emergency", case(regions=("calf",), findings={"chest_pain", "nausea"})),
    (
        "chest_pain_breathless",
        "emergency",
        case(regions=("chest",), cause="overuse", findings={"breathless"}),
    ),
    ("stroke", "emergency", case(regions=("head_temple",), findings={"speech_trouble"})),
    ("stroke", "emergency", case(findings={"stroke_signs"})),
    ("thunderclap_headache", "emergency", case(regions=("head_back",), findings={"thunderclap"})),
    ("cauda_equina", "emergency", case(regions=("low_back",), findings={"bladder_bowel_loss"})),
    ("cauda_equina", "emergency", case(regions=("sacrum",), findings={"saddle_numbness"})),
    ("meningitis", "emergency", case(regions=("neck_back",), findings={"fever", "stiff_neck"})),
    ("meningitis", "emergency", case(regions=("head_top",), findings={"meningitis_signs"})),
    ("pulmonary_embolism", "emergency", case(regions=("calf",), findings={"breathless"})),
    (
        "major_trauma",
        "emergency",
        case(regions=("neck_back",), cause="injury", findings={"major_mechanism", "numbness"}),
    ),
    (
        "major_trauma",
        "emergency",
        case(regions=("thigh_front",), cause="injury", intensity=9, findings={"major_mechanism"}),
    ),
    ("deep_vein_thrombosis", "urgent", case(regions=("calf",), findings={"swelling"})),
    ("deep_vein_thrombosis", "urgent", case(regions=("calf",), findings={"dvt_signs"})),
    ("fever_with_spinal_pain", "urgent", case(regions=("low_back",), findings={"fever"})),
    (
        "possible_fracture",
        "urgent",
        case(regions=("ankle",), cause="injury", findings={"cannot_bear_weight"}),
    ),
    (
        "giant_cell_arteritis",
        "urgent",
        case(regions=("head_temple",), findings={"arteritis_signs"}),
    ),
    (
        "progressive_weakness",
        "urgent",
        case(regions=("forearm",), findings={"progressive_weakness"}),
    ),
    ("serious_back_pain", "urgent", case(regions=("low_back",), findings={"night_pain"})),
    ("hot_swollen_joint", "urgent", case(regions=("knee_front",), findings={"hot_joint"})),
    ("numbness_tingling", "doctor", case(findings={"numbness"})),
    ("long_lasting", "doctor", case(days=85)),
    ("severe_pain", "doctor", case(intensity=8)),
    ("moderate_pain", "therapist", case(intensity=5)),
    ("moderate_pain", "therapist", case(intensity=7)),
    ("two_weeks_or_more", "therapist", case(days=14)),
    ("minor_injury", "therapist", case(cause="injury")),
]


@pytest.mark.parametrize(("code", "level", "example"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_gives_its_level(code, level, example):
    decision = policy().decide(example)
    assert decision.level == level
    assert code in [rule.code for rule in decision.rules]


def test_every_rule_of_the_policy_file_is_tested():
    tested = {code for code, _, _ in RULES}
    assert {rule.code for rule in policy().rules} == tested


def test_nothing_matched_is_self_care():
    decision = policy().decide(BASE)
    assert decision.level == "self_care"
    assert decision.rules == ()


@pytest.mark.parametrize(
    ("example", "level"),
    [
        (case(intensity=4, days=13), "self_care"),
        (case(intensity=4.9), "self_care"),
        (case(intensity=7.5), "therapist"),  # no gap between 7 and 8
        (case(days=84), "therapist"),  # "more than 84 days" is doctor, 84 is not
        (case(days=13.9), "self_care"),
        (case(cause="dehydration"), "self_care"),
        (case(cause="other"), "self_care"),
        (case(cause="unknown"), "self_care"),
        # fever needs back or neck pain to be urgent
        (case(regions=("calf",), findings={"fever"}), "self_care"),
        # cauda equina signs count with back pain
        (case(regions=("wrist_hand",), findings={"bladder_bowel_loss"}), "self_care"),
        # a minor fall is not major trauma
        (case(cause="injury", findings={"numbness"}), "doctor"),
    ],
)
def test_boundaries(example, level):
    assert policy().decide(example).level == level


def test_the_first_group_decides_and_all_flags_are_kept():
    both = case(regions=("calf",), findings={"swelling", "breathless", "numbness"})
    decision = policy().decide(both)
    assert decision.level == "emergency"
    assert decision.red_flags == ["pulmonary_embolism", "deep_vein_thrombosis", "numbness_tingling"]


def test_a_gym_session_does_not_make_chest_pain_with_breathlessness_muscular():
    decision = policy().decide(case(regions=("chest",), cause="overuse", findings={"breathless"}))
    assert decision.level == "emergency"


def test_unknown_inputs_match_nothing():
    decision = policy().decide(Case(regions=("calf",)))
    assert decision.level == "self_care"


def test_levels_are_most_urgent_first():
    assert LEVELS == ("emergency", "urgent", "doctor", "therapist", "self_care")


def test_a_broken_policy_file_is_refused(tmp_path):
    broken = tmp_path / "policy.yml"
    broken.write_text(
        "groups:\n"
        + "".join(f"  - level: {level}\n    rules: []\n" for level in LEVELS[:-1])
        + "  - level: self_care\n    rules:\n      - {code: x, summary: x, when: {colour: red}}\n"
    )
    with pytest.raises(PolicyError, match="unknown condition 'colour'"):
        Policy.from_file(broken)
    broken.write_text("groups:\n  - level: doctor\n    rules: []\n")
    with pytest.raises(PolicyError, match="must be emergency"):
        Policy.from_file(broken)
