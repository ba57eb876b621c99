"""The interview plan: what to ask next, given what the person has said so far.

Asked in this order, and only what is not known yet: where it hurts, the questions the
person's own words raised, what caused it, how long, how bad, then the remaining
red-flag screening for those regions. An emergency ends the interview at once; an urgent
flag leaves only the emergency questions still open.
"""

from __future__ import annotations

from actions.triage.case import Case
from actions.triage.policy import policy
from actions.triage.screening import open_questions

REGIONS, CAUSE, DURATION, INTENSITY = (
    "pain_regions",
    "pain_cause",
    "pain_duration_days",
    "pain_intensity",
)


def questions_to_ask(case: Case) -> list[str]:
    """The slots still to fill, in the order to ask them. Empty when it is time to decide."""
    level = policy().decide(case).level
    if level == "emergency":
        return []
    screening = open_questions(case)
    if level == "urgent":
        return [q.slot for q in screening if q.level == "emergency"]
    raised = [q.slot for q in screening if q.raised(case)]
    basics = [
        slot
        for slot, value in (
            (REGIONS, case.regions or None),
            (CAUSE, case.cause),
            (DURATION, case.days),
            (INTENSITY, case.intensity),
        )
        if value is None
    ]
    rest = [q.slot for q in screening if q.slot not in raised]
    return raised + basics + rest
