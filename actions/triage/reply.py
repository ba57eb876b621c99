"""Reading one message of the interview into what it tells about the case.

A message may answer the question asked and say more besides: "my left calf, since
Monday, and I'm a bit short of breath" fills the region, the side and the duration, and
reports a finding that the policy acts on at once. The NLU gives the message's intent and
the lexicon's entities (region, vague region, cause, finding and side codes); numbers,
durations and yes/no answers are read from the text here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from actions.reading.answers import Answer, read_answer
from actions.reading.duration import read_days
from actions.reading.intensity import read_intensity
from actions.reading.questions import is_question
from actions.reading.typography import straight_quotes
from actions.reading.vocabulary import phrase_pattern, readings
from actions.triage.case import Case
from actions.triage.interview import (
    CAUSE,
    DURATION,
    INTENSITY,
    REGIONS,
    SCREENING_GROUP,
    screening_group,
)
from actions.triage.message import SMALL_TALK, UNREAD_INTENTS, UNSURE_INTENTS, Message
from actions.triage.places import first_cause, usual_places, vague_regions
from actions.triage.screening import Question, question_for_slot, questions_about
from actions.triage.slots import CHOICES_FOR, INTERVIEW_BOOKKEEPING, RAISED, UNKNOWN, Interview

NOT_UNDERSTOOD = {
    "utter_did_not_understand",
    "utter_did_not_understand_duration",
    "utter_did_not_understand_intensity",
}
_HAS_WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass
class Reading:
    """What one message changed, and what the bot should say about it."""

    slots: dict[str, Any] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)
    interrupted: bool = False
    """The message was not an answer but a question or a request for the dialogue rules."""


@cache
def _cue(kind: str) -> re.Pattern[str]:
    return phrase_pattern(readings()[kind])


def is_correction(text: str) -> bool:
    clean = straight_quotes(text.lower())
    return bool(_cue("corrections").search(clean)) and not _cue("additions").search(clean)


def read_message(
    message: Message, requested: str | None, interview: Interview, today: date | None = None
) -> Reading:
    if message.intent in UNREAD_INTENTS:
        return Reading(interrupted=True)
    reading = Reading()
    case = interview.case
    correcting = is_correction(message.text)
    if correcting:
        # what a correction names replaces what was said; the rest is read as usual
        case = replace(case, regions=(), side=None, cause=None, days=None, intensity=None)
        interview = replace(interview, case=case, vague_regions=())
    findings = set(case.findings) | set(message.values("finding"))
    if findings != set(case.findings):
        reading.slots["findings"] = sorted(findings)
    _read_hints(message, case, reading)

    _read_side(message, case, reading)
    answered = _read_regions(message, requested, interview, reading)
    answered |= _read_cause(message, requested, case, reading)
    answered |= _read_number(
        message,
        requested,
        DURATION,
        case.days,
        read_days(message.text, requested == DURATION, today),
        "utter_did_not_understand_duration",
        reading,
    )
    answered |= _read_number(
        message,
        requested,
        INTENSITY,
        case.intensity,
        read_intensity(message.text, requested == INTENSITY),
        "utter_did_not_understand_intensity",
        reading,
    )
    # a correction is not an answer to the red-flag question still open, nor is a question
    # that names no sign ("can not drinking enough cause knots?" is no "no")
    screening = not (correcting and set(reading.slots) - {"findings"}) and not (
        message.interrupts and not message.values("finding")
    )
    if requested and requested.startswith("screen") and screening and message.aside:
        # "are you a bot?" is answered; as an answer to the red-flag question it is unclear
        reading.responses.append(message.aside)
    if requested == SCREENING_GROUP and screening:
        group = screening_group(interview.case, interview.singly)
        _read_screening_group(message, group, interview, findings, reading)
    elif requested and requested.startswith("screen_") and screening:
        _read_screening(message, requested, interview, findings, reading)
    elif requested and not answered and not reading.slots:
        _read_unreadable(message, requested, interview, reading)
    if correcting:
        _settle_correction(reading)
    if message.interrupts and not set(reading.slots) - INTERVIEW_BOOKKEEPING:
        return Reading(interrupted=True)
    if message.answer and is_question(message.text) and findings == set(case.findings):
        # a description that asks ("is my pillow the problem?") gets its answer, then the
        # interview goes on; a message naming a red flag gets the screening alone
        reading.responses.insert(0, message.answer)
    return reading


def _read_hints(message: Message, case: Case, reading: Reading) -> None:
    """Red flags the words hint at without settling them ("my face might be drooping", "it
    went numb but it's fine now", what the red-flag reader suspects): their questions are
    asked next."""
    doubted = frozenset(message.values("doubted_finding")) - case.findings
    hinted = {q.code for q in questions_about(doubted)} | set(message.values("red_flag_question"))
    raised = case.raised | (hinted - case.answered)
    if raised != case.raised:
        reading.slots[RAISED] = sorted(raised)


def _read_unreadable(
    message: Message, requested: str, interview: Interview, reading: Reading
) -> None:
    """An answer that says nothing to the question asked. The question is asked again, then
    once more with choices; after that it is left unknown and the interview goes on
    (triage-policy.md, "No endless loops")."""
    if message.interrupts:
        return  # a question for the dialogue rules, not an answer
    if message.aside:
        reading.responses = [message.aside]  # "are you a bot?" is answered, and counts
    elif not reading.responses:
        reading.responses.append("utter_did_not_understand")
    if requested not in interview.unclear:
        # asking again, with more help (a place gets buttons for the body's areas)
        reading.slots["unclear_questions"] = sorted(interview.unclear | {requested})
    elif interview.choices_for != requested:
        reading.slots[CHOICES_FOR] = requested
    else:
        reading.slots[CHOICES_FOR] = None
        reading.responses = [
            *([message.aside] if message.aside else []),
            "utter_going_on_without_it",
        ]
        if requested == CAUSE:
            reading.slots[CAUSE] = "unknown"  # the cause has a value for it
        else:
            reading.slots[UNKNOWN] = sorted(interview.case.unknown | {requested})


def _settle_correction(reading: Reading) -> None:
    if reading.slots.get("vague_regions") and REGIONS not in reading.slots:
        reading.slots[REGIONS] = None  # "actually it's my back": ask which part again
    corrected = set(reading.slots) - {"unclear_questions", "findings"}
    if corrected:
        # the correction was understood; the question still open is simply asked again
        reading.responses = [r for r in reading.responses if r not in NOT_UNDERSTOOD]
        reading.slots.pop("unclear_questions", None)


def _read_regions(
    message: Message, requested: str | None, interview: Interview, reading: Reading
) -> bool:
    specific = message.values("body_region")
    known = interview.case.regions
    if known and requested != REGIONS:
        # a place named later joins the others: "and now my calf is swollen" is screened
        # for the calf as well; a question's place is what it asks about
        added = [code for code in specific if code not in known]
        if added and not message.asks:
            reading.slots[REGIONS] = [*known, *added]
        return False
    # "headaches at the back of my head": the vague word names the same place
    vague = [
        v
        for v in message.values("vague_region")
        if v in vague_regions() and not set(vague_regions()[v].choices) & set(specific)
    ]
    pending = [v for v in interview.vague_regions if v not in vague]
    if specific:
        # A vague word beside a precise place takes its usual meaning ("my neck and my
        # little finger"); the answer to "which part?" settles where it is.
        others = [] if interview.vague_regions else usual_places(vague)
        reading.slots[REGIONS] = list(dict.fromkeys(specific + others))
        reading.slots["vague_regions"] = None
        return True
    if vague and interview.vague_regions:
        # asked which part once already, and still vague: the usual meaning
        reading.slots[REGIONS] = usual_places(vague + pending)
        reading.slots["vague_regions"] = None
        return True
    if vague:
        reading.slots["vague_regions"] = vague
        return True
    if requested == REGIONS and interview.vague_regions:
        # "I don't know", or a place we don't know, in reply to "which part?"
        reading.slots[REGIONS] = usual_places(interview.vague_regions)
        reading.slots["vague_regions"] = None
        return True
    return False


def _read_side(message: Message, case: Case, reading: Reading) -> None:
    sides = set(message.values("side"))
    # "my traps" is both sides, unless a side is named: "traps are tight, the left one"
    if {"left", "right"} <= sides or (not sides and message.has_role("body_region", "both_sides")):
        sides.add("both")
    side = next((s for s in ("both", "left", "right", "center") if s in sides), None)
    if side and (case.side is None or message.values("body_region")):
        reading.slots["pain_side"] = side


def _read_cause(message: Message, requested: str | None, case: Case, reading: Reading) -> bool:
    if case.cause is not None and requested != CAUSE:
        return False
    cause = first_cause(message.values("cause"))
    activity = message.words_of("cause", cause) if cause else None
    if activity:
        reading.slots["pain_activity"] = activity
    if cause is None and requested == CAUSE:
        if message.intent in UNSURE_INTENTS or message.intent == "deny":
            cause = "unknown"
        elif _HAS_WORDS.search(message.text) and (
            message.intent not in SMALL_TALK or message.is_statement_taken_for_a_question
        ):
            cause = "other"  # words we cannot place ("writing", taken for small talk too)
    if cause is None:
        return False
    reading.slots[CAUSE] = cause
    return True


def _read_number(
    message: Message,
    requested: str | None,
    slot: str,
    known: float | None,
    value: float | None,
    not_understood: str,
    reading: Reading,
) -> bool:
    asked = requested == slot
    if value is not None and (asked or known is None):
        reading.slots[slot] = value
        return True
    if asked:
        reading.responses.append(not_understood)
    return False


def _read_screening(
    message: Message,
    slot: str,
    interview: Interview,
    findings: Iterable[str],
    reading: Reading,
) -> None:
    question = question_for_slot(slot)
    if question is None:
        return
    named = bool(question.signs & set(message.values("finding")))
    answer = read_answer(message.text, named_symptom=named, intent=message.intent)
    if answer is Answer.UNCLEAR and slot not in interview.unclear:
        reading.slots["unclear_questions"] = sorted(interview.unclear | {slot})
        reading.responses.append("utter_need_yes_or_no")
        return
    # a second unclear answer counts as yes: the policy never guesses a red flag away
    present = answer is not Answer.NO
    reading.slots[slot] = "yes" if present else "no"
    if present:
        reading.slots["findings"] = sorted(set(findings) | question.on_yes)


def _read_screening_group(
    message: Message,
    group: list[Question],
    interview: Interview,
    findings: Iterable[str],
    reading: Reading,
) -> None:
    """One reply to "do you have any of these?". A plain no answers every question; the
    questions whose signs the reply names are answered yes; when the reply is anything
    else, the questions it did not answer are asked one at a time."""
    named = set(message.values("finding"))
    present = [q for q in group if q.signs & named]
    answer = read_answer(message.text, named_symptom=bool(present), intent=message.intent)
    found = set(findings)
    for question in present:
        reading.slots[question.slot] = "yes"
        found |= question.on_yes
    if found != set(interview.case.findings):
        reading.slots["findings"] = sorted(found)
    rest = [q for q in group if q not in present]
    if answer is Answer.NO and not present:
        reading.slots.update({q.slot: "no" for q in rest})
        return
    if not rest:
        return
    reading.slots["ask_singly"] = sorted(interview.singly | {q.code for q in rest})
    reading.responses.append("utter_screening_one_at_a_time")
    if answer is Answer.UNCLEAR:
        # asked once already: a second unclear answer to one of them counts as yes
        reading.slots["unclear_questions"] = sorted(interview.unclear | {q.slot for q in rest})
