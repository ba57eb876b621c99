"""Fuzzing what people type through the code that reads it (hypothesis): any unicode,
control characters, huge texts, payload-looking and SQL-looking text. Nothing may raise,
and every result must have the type and the values its callers rely on.

The examples are derandomized and no example database is kept, so every run (and CI)
tries the same inputs. The NLU part loads only the model's NLU graph (41 s on two busy
cores, against 145 s for `Agent.load`, which loads the dialogue policies too).
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from datetime import date

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actions.intake.answers import MAX_TEXT, read_item_answer
from actions.intake.saving import intake_questions
from actions.knowledge.pain import CAUSES, SIDES, read_regions
from actions.reading.answers import Answer, read_answer
from actions.reading.duration import read_days
from actions.reading.intensity import read_intensity
from actions.settings import DATA_DIR, PROJECT_ROOT
from actions.triage.case import Case
from actions.triage.interview import CAUSE, DURATION, INTENSITY, REGIONS, SCREENING_GROUP
from actions.triage.message import Message
from actions.triage.places import known_codes
from actions.triage.reply import read_message
from actions.triage.screening import questions
from actions.triage.slots import Interview
from bot.server.channels.telegram import command_text
from bot.server.nlu.lexicon import entries, read
from bot.web.app import _codes
from bot.web.bodymap import Spot, body_map

TODAY = date(2026, 11, 24)
CODES = known_codes()
REGION_CODES = sorted(read_regions())
MUSCLES = sorted(yaml.safe_load((DATA_DIR / "bodymap" / "spots.yml").read_text())["spots"])
INTENTS = sorted(
    intent if isinstance(intent, str) else next(iter(intent))
    for path in (PROJECT_ROOT / "bot" / "domain").glob("*.yml")
    for intent in yaml.safe_load(path.read_text()).get("intents") or ()
)
WORDS = [
    *sorted({term for _, _, term in entries(read(DATA_DIR / "lexicon"))}),
    *("3 days", "since monday", "a couple of weeks", "7/10", "10", "0", "-1", "1e308"),
    *("no", "yes", "not sure", "a bit", "really bad", "I'm not", "nope", "actually"),
]
TRICKY = [
    "",
    " \t\n",
    "\x00\x01\x1b[31m\x7f",
    "'; DROP TABLE events; --",
    "1 OR 1=1",
    '{"sender": "x", "message": "y"}',
    '/inform{"body_region": ["calf"], "side": "left"}',
    '/inform{"body_region": 5}',
    "/inform{broken",
    "/start_intake{}",
    "İİİİ my left calf",
    "\u202ecalf left\u202c",
    "😀" * 50,
    "1 " * 1000,  # dateparser recursed once per word and failed past about 900
]
TEXT = st.one_of(
    st.text(max_size=300),  # any unicode but lone surrogates (bot/server/channels/limits.readable)
    st.text(st.characters(max_codepoint=0x7F), max_size=300),  # ASCII, controls and all
    st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=15).map(" ".join),
    st.sampled_from(TRICKY),
)
HUGE = "my calf hurts since monday, 7/10, no " * 54  # the channels' limit: 2,000 characters
FUZZ = settings(
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)


def entity() -> st.SearchStrategy[dict]:
    """What the NLU or a client's payload may put in a message: known codes mostly, but
    anything at all in any field."""
    kinds = [*sorted(CODES), "appointment_ref", "nonsense"]
    value = st.one_of(
        st.sampled_from(sorted(set().union(*CODES.values()))),
        st.text(max_size=8),
        st.none(),
        st.integers(),
        st.lists(st.text(max_size=3), max_size=2),
    )
    offset = st.one_of(st.integers(-3, 400), st.none(), st.text(max_size=2))
    return st.fixed_dictionaries(
        {"entity": st.sampled_from(kinds), "value": value},
        optional={"start": offset, "end": offset, "role": st.sampled_from(["both_sides", "x"])},
    )


CASES = st.builds(
    Case,
    regions=st.lists(st.sampled_from(REGION_CODES), max_size=3).map(tuple),
    side=st.sampled_from((None, *SIDES)),
    cause=st.sampled_from((None, *CAUSES)),
    days=st.none() | st.floats(0, 3650),
    intensity=st.none() | st.floats(0, 10),
    findings=st.frozensets(st.sampled_from(sorted(CODES["finding"])), max_size=3),
)
REQUESTED = [None, REGIONS, CAUSE, DURATION, INTENSITY, SCREENING_GROUP]
REQUESTED += [q.slot for q in questions()]


def in_range(value: object, low: float, high: float) -> bool:
    return isinstance(value, float) and math.isfinite(value) and low <= value <= high


@fuzz(300)
@given(
    text=TEXT,
    intent=st.sampled_from([None, "nonsense", *INTENTS]),
    confidence=st.floats(0, 1),
    entities=st.lists(entity(), max_size=5),
    requested=st.sampled_from(REQUESTED),
    case=CASES,
    vague=st.lists(st.sampled_from(sorted(CODES["vague_region"])), max_size=2),
)
@example(HUGE, "inform", 1.0, [], DURATION, Case(), [])
def test_any_message_is_read_into_slots_of_the_right_kind(
    text, intent, confidence, entities, requested, case, vague
):
    message = Message(text, intent, tuple(entities), confidence)
    interview = Interview(case=case, vague_regions=tuple(vague))
    reading = read_message(message, requested, interview, TODAY)
    json.dumps(reading.slots, allow_nan=False)  # Rasa sends the slots on as JSON
    assert all(isinstance(r, str) for r in reading.responses)
    slots = reading.slots
    assert set(slots.get(REGIONS) or ()) <= CODES["body_region"]
    assert set(slots.get("vague_regions") or ()) <= CODES["vague_region"]
    assert set(slots.get("findings") or ()) <= CODES["finding"]
    assert slots.get("pain_side", "left") in SIDES
    assert slots.get(CAUSE, "other") in CAUSES
    assert slots.get(DURATION) is None or in_range(slots[DURATION], 0, math.inf)
    assert slots.get(INTENSITY) is None or in_range(slots[INTENSITY], 0, 10)
    assert isinstance(slots.get("pain_activity", ""), str)


@fuzz(300)
@given(text=TEXT, asked=st.booleans())
@example(HUGE, True)
def test_any_text_is_read_as_a_duration_an_intensity_and_an_answer_or_not_at_all(text, asked):
    days = read_days(text, asked, TODAY)
    assert days is None or in_range(days, 0, math.inf)
    intensity = read_intensity(text, asked)
    assert intensity is None or in_range(intensity, 0, 10)
    assert isinstance(read_answer(text, asked), Answer)
    assert isinstance(read_answer(text, intent="affirm"), Answer)


@fuzz(200)
@given(
    item=st.sampled_from(intake_questions()),
    text=TEXT,
    intent=st.sampled_from([None, "affirm", "deny", "nonsense"]),
)
@example(intake_questions()[0], HUGE, None)
def test_any_reply_to_an_intake_question_is_a_value_of_its_type_or_none(item, text, intent):
    value = read_item_answer(item, text, intent)
    if value is None:
        return
    if item.type == "boolean":
        assert isinstance(value, bool)
    elif item.type == "choice":
        assert value in {option.code for option in item.options}
    else:  # kept as said, for the therapist: no control characters, a bounded length
        assert isinstance(value, str) and 0 < len(value) <= MAX_TEXT
        assert not any(c not in "\n\t" and (ord(c) < 0x20 or c == "\x7f") for c in value)


@fuzz(200)
@given(text=TEXT, bot_name=st.none() | st.text(max_size=10))
def test_any_telegram_text_becomes_a_message_and_a_start_link_a_valid_payload(text, bot_name):
    result = command_text(text, bot_name)
    assert isinstance(result, str)
    if result != text and result.startswith("/start_intake"):
        assert isinstance(json.loads(result[len("/start_intake") :])["appointment_ref"], str)


class Query:
    """The part of a Sanic request that the body map's code parsing reads."""

    def __init__(self, **args: str) -> None:
        self.args = args


@fuzz(200)
@given(value=TEXT | st.lists(st.sampled_from(REGION_CODES) | TEXT).map(",".join))
def test_any_query_value_is_split_into_at_most_50_codes(value):
    codes = _codes(Query(regions=value), "regions")
    assert len(codes) <= 50 and all(isinstance(c, str) and c and "," not in c for c in codes)


@fuzz(60)
@given(
    regions=st.lists(st.sampled_from(REGION_CODES), max_size=50),
    side=st.sampled_from((None, *SIDES)),
    muscles=st.lists(st.sampled_from(MUSCLES), max_size=50),
)
def test_any_valid_codes_draw_a_well_formed_body_map(regions, side, muscles):
    spots = [Spot(number, code) for number, code in enumerate(muscles, start=1)]
    ET.fromstring(body_map().svg(regions, side, spots))


# -- the NLU of the trained model -------------------------------------------------------------
