"""The interview plan: what to ask next, given what the person has said so far.

Asked in this order, and only what is not known yet: where it hurts, the questions the
person's own words raised, what caused it, how long, how bad, then the remaining
red-flag screening for those regions: the questions that must be asked alone, those of a
group that could not be answered with one "no", then the rest in groups (the slot
`screening` stands for the group in hand). An emergency ends the interview at once; an
urgent flag leaves only the emergency questions still open.
"""

from __future__ import annotations

from collections.abc import Collection

from actions.triage.case import Case
from actions.triage.policy import policy
from actions.triage.screening import Question, group_size, open_questions

REGIONS, CAUSE, DURATION, INTENSITY = (
    "pain_regions",
    "pain_cause",
    "pain_duration_days",
    "pain_intensity",
)
SCREENING_GROUP = "screening"


def questions_to_ask(case: Case, singly: Collection[str] = ()) -> list[str]:
    """The slots still to fill, in the order to ask them. Empty when it is time to decide.

    `singly` are the codes of screening questions to ask one at a time from now on.
    """
    level = policy().decide(case).level
    if level == "emergency":
        return []
    raised, rest = _screening_plan(case, level)
    basics = [
        slot
        for slot, value in (
            (REGIONS, case.regions or None),
            (CAUSE, case.cause),
            (DURATION, case.days),
            (INTENSITY, case.intensity),
        )
        if value is None and level != "urgent"
    ]
    return [q.slot for q in raised] + basics + _in_turns(rest, singly)


def screening_group(case: Case, singly: Collection[str] = ()) -> list[Question]:
    """The questions the `screening` slot stands for now: asked together in one turn."""
    _, rest = _screening_plan(case, policy().decide(case).level)
    return _group(rest, singly)


def _screening_plan(case: Case, level: str) -> tuple[list[Question], list[Question]]:
    """The screening questions raised by the person's words, and the rest."""
    screening = open_questions(case)
    if level == "urgent":
        return [], [q for q in screening if q.level == "emergency"]
    raised = [q for q in screening if q.raised(case)]
    return raised, [q for q in screening if q not in raised]


def _group(questions: list[Question], singly: Collection[str]) -> list[Question]:
    return [q for q in questions if not q.alone and q.code not in singly][: group_size()]


def _in_turns(questions: list[Question], singly: Collection[str]) -> list[str]:
    alone = [q.slot for q in questions if q.alone or q.code in singly]
    grouped = _group(questions, singly)
    if len(grouped) == 1:
        return [*alone, grouped[0].slot]
    return [*alone, SCREENING_GROUP] if grouped else alone
