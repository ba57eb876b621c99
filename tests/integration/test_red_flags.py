"""Red flags in people's own words, and look-alikes, through the running assistant.

Every item of tests/data/red_flags.yml is a whole conversation over REST with a scripted
patient (bot/devtools/red_flag_eval.py), in the locale of a country of data/emergency_numbers.yml
in turn. What the issue forbids fails here; the numbers go to tests/artifacts/red-flags.md
(docs/red-flags.md is the same report, kept by `knotbot red-flags`).
"""

from __future__ import annotations

import pytest

from actions.settings import PROJECT_ROOT
from bot.devtools import red_flag_eval

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def outcomes(bot):
    cases, confirmed_by = red_flag_eval.load(red_flag_eval.RED_FLAG_SET, red_flag_eval.FRESH_SET)
    found = red_flag_eval.run(bot.url, cases, confirmed_by)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "red-flags.md").write_text(red_flag_eval.report(found))
    return found


def described(outcome) -> str:
    case = outcome.case
    result = outcome.error or f"{outcome.level} after {outcome.replies} replies"
    return f"{case.part} {case.flag or case.kind} {case.text!r}: {result}"


def test_the_set_is_as_large_as_the_issue_asks():
    cases, confirmed_by = red_flag_eval.load()
    flags = [c for c in cases if c.flag]
    assert len(flags) >= 300 and len([c for c in cases if c.kind]) >= 150
    levels = red_flag_eval.rule_levels()
    every_flag = {code for code, level in levels.items() if level in ("emergency", "urgent")}
    assert {c.flag for c in flags} == every_flag == set(confirmed_by)
    assert {c.part for c in cases} == {"dev", "held_out"}


def counted(outcomes):
    """All but the known misses (of the fresh set), which the last test keeps honest."""
    return [o for o in outcomes if not o.case.known_miss]


@pytest.mark.parametrize("part", ["fresh", "held_out", "dev"])
def test_every_emergency_is_told_to_call_by_the_second_reply(outcomes, part):
    late = [
        described(o)
        for o in counted(outcomes)
        if o.case.part == part
        and o.case.level == "emergency"
        and (o.call_at or 99) > red_flag_eval.CALL_BY
    ]
    assert not late, "\n".join(late)


def test_no_red_flag_ends_less_urgent_than_its_level(outcomes):
    under = [described(o) for o in counted(outcomes) if red_flag_eval.under_triaged(o) or o.error]
    assert not under, "\n".join(under)


def test_no_look_alike_is_sent_to_an_emergency_or_a_doctor_today(outcomes):
    urgent = ("emergency", "urgent")
    alarms = [described(o) for o in counted(outcomes) if o.case.kind and o.level in urgent]
    assert not alarms, "\n".join(alarms)


def test_look_alikes_end_at_a_therapist_or_self_care(outcomes):
    others = [
        described(o)
        for o in counted(outcomes)
        if o.case.kind and o.level not in red_flag_eval.SAFE_FOR_LOOK_ALIKES
    ]
    assert not others, "\n".join(others)


def test_the_call_names_the_locales_number_and_no_other_countrys(outcomes):
    wrong = [f"{described(o)} ({o.locale})" for o in outcomes if not o.number_ok]
    assert not wrong, "\n".join(wrong)


def test_a_known_miss_is_marked_only_while_it_is_still_missed(outcomes):
    known = [o for o in outcomes if o.case.known_miss]
    fixed = red_flag_eval.failures(known, parts=("fresh", "held_out", "dev"))
    assert not fixed, "\n".join(fixed)
