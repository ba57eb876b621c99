"""The triage policy tested from its own data (data/triage/policy.yml,
docs/triage-policy.md).

tests/unit/test_policy.py holds one hand-written case per rule. Here the cases come from the
rule table itself, so a rule, an alternative or a region added to the data is tested
without anyone writing its case:

- every way the data says a rule can be met (each member of an `any`, `any_finding` or
  `region_in`, combined across an `all`) is one minimal case, which must reach the rule and
  its level; taking away any one part of it must not reach the rule;
- the duration and intensity thresholds, read from the data and checked against the spec,
  just below, at and just above;
- properties over random cases (hypothesis): more red flags, worse pain and longer pain
  never give a less urgent level, and the level is always one of the policy's levels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.knowledge.pain import CAUSES
from actions.settings import DATA_DIR
from actions.triage.case import Case
from actions.triage.policy import LEVELS, policy
from actions.triage.region_sets import regions_of

POLICY_DATA = yaml.safe_load((DATA_DIR / "triage" / "policy.yml").read_text())
REGION_CODES = sorted(
    region["code"] for region in yaml.safe_load((DATA_DIR / "regions.yml").read_text())["regions"]
)
LEXICON_FINDINGS = set(
    yaml.safe_load((DATA_DIR / "lexicon" / "findings.yml").read_text())["findings"]
)
SCREENING_FINDINGS = {
    code
    for question in yaml.safe_load((DATA_DIR / "triage" / "screening.yml").read_text())["questions"]
    for code in question["on_yes"]
}

# One part of a way to meet a rule, as (condition kind, argument):
# ("finding", "fever"), ("region_in", "calf"), ("cause", "injury"),
# ("intensity_at_least", 8), ("days_over", 84), ("days_at_least", 14).
Part = tuple[str, Any]
Alternative = frozenset[Part]


def alternatives(when: Mapping[str, Any]) -> list[Alternative]:
    """Every minimal way of meeting a condition: each one needs all of its parts, and any one
    of them is enough. The policy's conditions never negate, so these are exactly the
    cases the rule matches (and any case holding more than one of them)."""
    ((kind, arg),) = when.items()
    if kind == "any":
        return [alt for part in arg for alt in alternatives(part)]
    if kind == "all":
        return [
            frozenset().union(*combination)
            for combination in itertools.product(*(alternatives(part) for part in arg))
        ]
    if kind == "any_finding":
        return [frozenset({("finding", code)}) for code in arg]
    if kind == "region_in":
        return [frozenset({("region_in", code)}) for code in sorted(regions_of(arg, "test"))]
    if kind in ("finding", "cause", "intensity_at_least", "days_over", "days_at_least"):
        return [frozenset({(kind, arg)})]
    raise AssertionError(f"the test does not know the condition {kind!r}: teach it")


def case_for(alternative: Alternative, vague: bool = False) -> Case:
    """The smallest case that meets the alternative; nothing else is given. `vague` gives
    the regions as the parts a vague word may mean ("my back") rather than as named ones."""
    findings = {arg for kind, arg in alternative if kind == "finding"}
    regions = tuple(sorted(arg for kind, arg in alternative if kind == "region_in"))
    causes = {arg for kind, arg in alternative if kind == "cause"}
    assert len(causes) <= 1, f"{sorted(causes)}: a rule that needs two causes can never match"
    intensities = [arg for kind, arg in alternative if kind == "intensity_at_least"]
    # durations are whole days in what people say, so "more than N" is met first at N + 1
    days = [arg + 1 for kind, arg in alternative if kind == "days_over"] + [
        arg for kind, arg in alternative if kind == "days_at_least"
    ]
    return Case(
        regions=() if vague else regions,
        maybe_regions=regions if vague else (),
        cause=next(iter(causes), None),
        intensity=max(intensities, default=None),
        days=max(days, default=None),
        findings=frozenset(findings),
    )


def meets(case: Case, alternative: Alternative) -> bool:
    """The policy file's own reading of its conditions (the comment at its top), kept apart
    from actions/triage/policy.py so that the two check each other."""

    def holds(kind: str, arg: Any) -> bool:
        if kind == "finding":
            return arg in case.findings
        if kind == "region_in":
            return arg in case.regions or arg in case.maybe_regions
        if kind == "cause":
            return case.cause == arg
        if kind == "intensity_at_least":
            return case.intensity is not None and case.intensity >= arg
        if kind == "days_over":
            return case.days is not None and case.days > arg
        if kind == "days_at_least":
            return case.days is not None and case.days >= arg
        raise AssertionError(kind)

    return all(holds(kind, arg) for kind, arg in alternative)


def rules() -> Iterator[tuple[str, dict[str, Any]]]:
    for group in POLICY_DATA["groups"]:
        for rule in group["rules"]:
            yield group["level"], rule


RULE_ALTERNATIVES = [
    (level, rule, alternatives(rule["when"])) for level, rule in rules()
]  # (level, rule, its alternatives), most urgent first, as the file has them


def expected_decision(case: Case) -> tuple[str, list[str]]:
    """The level and matched rule codes the data gives, read with `meets`."""
    matched = [
        (level, rule["code"])
        for level, rule, alts in RULE_ALTERNATIVES
        if any(meets(case, alt) for alt in alts)
    ]
    return (matched[0][0] if matched else LEVELS[-1]), [code for _, code in matched]


def describe(alternative: Alternative) -> str:
    return " + ".join(f"{kind} {arg}" for kind, arg in sorted(alternative, key=str))


def urgency(level: str) -> int:
    """Smaller is more urgent."""
    return LEVELS.index(level)


WAYS = [
    pytest.param(level, rule["code"], alt, id=f"{rule['code']}: {describe(alt)}")
    for level, rule, alts in RULE_ALTERNATIVES
    for alt in alts
]
WAYS_WITH_A_REGION = [way for way in WAYS if any(k == "region_in" for k, _ in way.values[2])]
WAYS_WITHOUT_ONE_PART = [
    pytest.param(
        rule["code"], alt, part, id=f"{rule['code']}: {describe(alt)}, without {part[0]} {part[1]}"
    )
    for _, rule, alts in RULE_ALTERNATIVES
    for alt in alts
    for part in sorted(alt, key=str)
]


def test_every_rule_of_the_policy_file_has_generated_cases():
    generated = {code for _, code, _ in (way.values for way in WAYS)}
    assert generated == {rule.code for rule in policy().rules}
    assert all(alts for _, _, alts in RULE_ALTERNATIVES)


def test_the_rules_name_only_regions_findings_and_causes_a_person_can_give():
    # a misspelt code in the policy file would make its rule silently unreachable
    parts = {part for _, _, alts in RULE_ALTERNATIVES for alt in alts for part in alt}
    assert {arg for kind, arg in parts if kind == "region_in"} <= set(REGION_CODES)
    assert {arg for kind, arg in parts if kind == "finding"} <= (
        LEXICON_FINDINGS | SCREENING_FINDINGS
    )
    assert {arg for kind, arg in parts if kind == "cause"} <= set(CAUSES)


@pytest.mark.parametrize(("level", "code", "alternative"), WAYS)
def test_each_way_a_rule_can_be_met_reaches_the_rule_and_its_level(level, code, alternative):
    decision = policy().decide(case_for(alternative))
    assert code in [rule.code for rule in decision.rules]
    # a minimal case may meet a more urgent rule too (a major mechanism with a leg that
    # cannot bear weight is major trauma, not only a possible fracture): the more urgent
    # one decides, and never a less urgent one
    expected_level, _ = expected_decision(case_for(alternative))
    assert urgency(expected_level) <= urgency(level)
    assert decision.level == expected_level


@pytest.mark.parametrize(("level", "code", "alternative"), WAYS_WITH_A_REGION)
def test_a_vague_region_that_may_mean_a_rules_region_counts_as_that_region(
    level, code, alternative
):
    # "my back" with bladder loss is never waved through while the person has not said
    # which part of the back
    named = policy().decide(case_for(alternative))
    vague = policy().decide(case_for(alternative, vague=True))
    assert code in [rule.code for rule in vague.rules]
    assert vague.level == named.level


@pytest.mark.parametrize(("code", "alternative", "part"), WAYS_WITHOUT_ONE_PART)
def test_without_any_one_part_of_a_way_the_rule_is_not_met(code, alternative, part):
    decision = policy().decide(case_for(alternative - {part}))
    assert code not in [rule.code for rule in decision.rules]


# --- thresholds --------------------------------------------------------------------------

# A mild, recent pain from posture that no rule matches: a threshold alone moves it.
BACKGROUND = Case(regions=("low_back",), cause="posture", days=3, intensity=3)

THRESHOLDS = [
    # (rule, the spec's condition, level below, at, above the threshold)
    ("long_lasting", ("days_over", 84), "therapist", "therapist", "doctor"),
    ("two_weeks_or_more", ("days_at_least", 14), "self_care", "therapist", "therapist"),
    ("moderate_pain", ("intensity_at_least", 5), "self_care", "therapist", "therapist"),
    ("severe_pain", ("intensity_at_least", 8), "therapist", "doctor", "doctor"),
]


def data_threshold(code: str) -> tuple[str, float]:
    (rule,) = [rule for _, rule in rules() if rule["code"] == code]
    ((kind, value),) = rule["when"].items()
    return kind, value


def test_nothing_in_the_threshold_background_matches_a_rule():
    assert policy().decide(BACKGROUND).rules == ()


@pytest.mark.parametrize(
    ("code", "spec"), [t[:2] for t in THRESHOLDS], ids=[t[0] for t in THRESHOLDS]
)
def test_the_thresholds_in_the_data_are_the_specs(code, spec):
    assert data_threshold(code) == spec


def threshold_cases() -> Iterator[Any]:
    for code, _, below, at, above in THRESHOLDS:
        kind, value = data_threshold(code)
        field = "days" if kind.startswith("days") else "intensity"
        for given_value, level in [
            (value - 1, below),
            (value - 0.5, below),
            (value, at),
            (value + 0.5, above),
            (value + 1, above),
        ]:
            yield pytest.param(
                replace(BACKGROUND, **{field: given_value}),
                level,
                id=f"{code}: {field} {given_value:g} is {level}",
            )


@pytest.mark.parametrize(("example", "level"), list(threshold_cases()))
def test_the_level_just_below_at_and_just_above_each_threshold(example, level):
    assert policy().decide(example).level == level


# --- properties --------------------------------------------------------------------------

KNOWN_FINDINGS = sorted(
    LEXICON_FINDINGS
    | SCREENING_FINDINGS
    | {
        arg
        for _, _, alts in RULE_ALTERNATIVES
        for alt in alts
        for kind, arg in alt
        if kind == "finding"
    }
)
RED_FLAG_FINDINGS = sorted(
    {
        arg
        for _, rule, alts in RULE_ALTERNATIVES
        if rule.get("red_flag")
        for alt in alts
        for kind, arg in alt
        if kind == "finding"
    }
)


def amounts(most: int) -> st.SearchStrategy[float]:
    # whole answers ("about a six") and readings in between ("7.5")
    return st.one_of(st.integers(0, most), st.floats(0, most))


@st.composite
def cases(draw) -> Case:
    return Case(
        regions=tuple(draw(st.lists(st.sampled_from(REGION_CODES), unique=True, max_size=3))),
        maybe_regions=tuple(draw(st.lists(st.sampled_from(REGION_CODES), unique=True, max_size=2))),
        cause=draw(st.none() | st.sampled_from(CAUSES)),
        days=draw(st.none() | amounts(400)),
        intensity=draw(st.none() | amounts(10)),
        findings=frozenset(draw(st.sets(st.sampled_from(KNOWN_FINDINGS), max_size=5))),
    )


# derandomized with no example database, so every run and CI tries the same cases
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)


@PROPERTY
@given(cases(), st.sampled_from(RED_FLAG_FINDINGS))
def test_one_more_red_flag_never_makes_the_advice_less_urgent(case, finding):
    before = policy().decide(case).level
    after = policy().decide(replace(case, findings=case.findings | {finding})).level
    assert urgency(after) <= urgency(before), (case, finding, before, after)


def assert_more_is_never_less_urgent(case, field, one, other):
    less, more = sorted((one, other))
    before = policy().decide(replace(case, **{field: less})).level
    after = policy().decide(replace(case, **{field: more})).level
    assert urgency(after) <= urgency(before), (case, field, less, more, before, after)


@PROPERTY
@given(cases(), amounts(10), amounts(10))
def test_worse_pain_never_makes_the_advice_less_urgent(case, one, other):
    assert_more_is_never_less_urgent(case, "intensity", one, other)


@PROPERTY
@given(cases(), amounts(400), amounts(400))
def test_longer_pain_never_makes_the_advice_less_urgent(case, one, other):
    assert_more_is_never_less_urgent(case, "days", one, other)


@PROPERTY
@given(cases())
def test_every_case_gets_one_of_the_policys_levels(case):
    assert policy().decide(case).level in LEVELS


@PROPERTY
@given(cases())
def test_the_decision_is_the_one_the_policy_file_reads_as(case):
    # the engine and the file's own description of its conditions agree on random cases,
    # not only on the minimal ones above
    decision = policy().decide(case)
    assert (decision.level, [rule.code for rule in decision.rules]) == expected_decision(case)
