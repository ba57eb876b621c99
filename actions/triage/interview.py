"""The interview plan: what to ask next, given what the person has said so far.

Screening comes first (triage-policy.md, "Screening comes first"). Asked in this order, and
only what is not known yet: the red-flag questions the person's own words raised, where it
hurts, the red-flag screening for those regions (the questions that must be asked alone,
those of a group that could not be answered with one "no", then the rest in groups: the
slot `screening` stands for the group in hand), then what caused it, how long and how bad.
A vague place ("my back") is screened for every part it may be before "which part?".
A question that depends on an answer waits for it (the injury questions come once the
cause is an injury, right after it). An emergency ends the interview at once; an urgent
flag leaves only the emergency questions still open. A question the person could not
answer even with choices is recorded as unknown and not asked again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from actions.knowledge.pain import read_regions
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
    if level == "urgent":
        return [q.slot for q in raised] + _in_turns(rest, singly)
    where, *basics = [
        slot if value is None and slot not in case.unknown else None
        for slot, value in (
            (REGIONS, case.regions or None),
            (CAUSE, case.cause),
            (DURATION, case.days),
            (INTENSITY, case.intensity),
        )
    ]
    asked = [q.slot for q in raised]
    if where and not case.maybe_regions:
        # the regions decide the screening, so nothing but the raised questions goes first;
        # when the place alone could make the words an emergency ("I've suddenly become
        # incontinent" with back pain), "where" is the question to ask first
        return [where, *asked] if _the_place_decides(case) else [*asked, where]
    # a vague place ("my head") is screened for all its parts before "which part?"
    return asked + _in_turns(rest, singly) + [s for s in (where, *basics) if s]


def _the_place_decides(case: Case) -> bool:
    """Some place ("my head": some part of it) would make what is known more urgent."""
    anywhere = replace(case, regions=case.maybe_regions or tuple(read_regions()))
    return policy().decide(anywhere).level != policy().decide(case).level


def screening_group(case: Case, singly: Collection[str] = ()) -> list[Question]:
    """The questions the `screening` slot stands for now: asked together in one turn."""
    _, rest = _screening_plan(case, policy().decide(case).level)
    return _group(rest, singly)


def _screening_plan(case: Case, level: str) -> tuple[list[Question], list[Question]]:
    """The screening questions raised by the person's words, and the rest. Of the raised,
    those whose yes would make it an emergency with what is known come first, then by how
    directly the words point at them (a finding raises a question only at what may go
    with it: "I feel sick" raises the heart-attack screen); else in the screening's order."""
    screening = open_questions(case)
    if level == "urgent":
        screening = [q for q in screening if q.level == "emergency"]
    raised = sorted(
        (q for q in screening if q.raised(case)),
        key=lambda q: (not _settles_an_emergency(q, case), _evidence(q, case)),
    )
    return raised, [q for q in screening if q not in raised]


def _evidence(question: Question, case: Case) -> int:
    """How directly the words point at the question: an accident told (0), words that hint
    at its red flag (1), a finding that only may go with it (2)."""
    if case.cause in question.raised_by_causes:
        return 0
    return 1 if question.code in case.raised else 2


def _settles_an_emergency(question: Question, case: Case) -> bool:
    more = replace(case, findings=case.findings | question.on_yes)
    return policy().decide(more).level == "emergency"


def _group(questions: list[Question], singly: Collection[str]) -> list[Question]:
    return [q for q in questions if not q.alone and q.code not in singly][: group_size()]


def _in_turns(questions: list[Question], singly: Collection[str]) -> list[str]:
    alone = [q.slot for q in questions if q.alone or q.code in singly]
    grouped = _group(questions, singly)
    if len(grouped) == 1:
        return [*alone, grouped[0].slot]
    return [*alone, SCREENING_GROUP] if grouped else alone
