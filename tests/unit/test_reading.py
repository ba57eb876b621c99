"""Reading durations, intensities and yes/no answers the way the policy says."""

from datetime import date

import pytest

from actions.reading.answers import Answer, read_answer
from actions.reading.duration import read_days
from actions.reading.intensity import read_intensity

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("since this morning", 0),
        ("an hour ago", 0),
        ("for the last half hour", 0),
        ("yesterday", 1),
        ("since my run yesterday", 1),
        ("a few days", 3),
        ("a week", 7),
        ("last week", 7),
        ("a couple of weeks", 14),
        ("two weeks", 14),
        ("three weeks", 21),
        ("a month", 30),
        ("a few months", 90),
        ("half a year", 180),
        ("six months", 180),
        ("years", 365),
        ("five months", 150),
        ("10 days ago", 10),
        ("about 2.5 weeks", 17.5),
        ("since Monday", 1),
        ("since 3 March", 266),
        ("I tweaked my shoulder in a fall while skiing 10 days ago", 10),
        ("Tension headaches at the back of my head most afternoons for a month", 30),
    ],
)
def test_durations(text, days):
    assert read_days(text, asked=True, today=TODAY) == days


def test_a_bare_number_is_days_only_when_asked():
    assert read_days("4", asked=True, today=TODAY) == 4
    assert read_days("it's a 4", asked=False, today=TODAY) is None


@pytest.mark.parametrize(
    "text",
    ["I'm 45 years old and my back hurts", "I have a knot in my shoulder", "working from home"],
)
def test_no_duration_in_text_that_gives_none(text):
    assert read_days(text, asked=False, today=TODAY) is None


def test_unreadable_duration_is_none_even_when_asked():
    assert read_days("purple", asked=True, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("about a six", 6),
        ("7/10", 7),
        ("5 out of 10", 5),
        ("it's a seven out of ten", 7),
        ("mild", 3),
        ("slight", 3),
        ("moderate", 5),
        ("pretty bad", 8),
        ("severe", 8),
        ("unbearable", 10),
        ("the worst pain ever", 10),
        ("6 or 7", 7),  # a range is its middle
        ("0", 0),
    ],
)
def test_intensity_when_asked(text, value):
    assert read_intensity(text, asked=True) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a bad pillow gave me a stiff neck", None),
        ("I have 2 knots in my back", None),
        ("my back is about 6/10 today", 6),
        ("excruciating pain in my calf", 10),
    ],
)
def test_intensity_in_passing(text, value):
    assert read_intensity(text, asked=False) == value


@pytest.mark.parametrize("text", ["11", "42", "-3 please"])
def test_intensity_off_the_scale_is_not_read(text):
    assert read_intensity(text, asked=True) is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", Answer.YES),
        ("Yeah, a bit", Answer.YES),
        ("no", Answer.NO),
        ("Nope.", Answer.NO),
        ("no: I can walk on it", Answer.NO),
        ("no, it wasn't serious: I slipped on ice", Answer.NO),
        ("I do not", Answer.NO),
        ("not really", Answer.NO),
        ("not sure", Answer.UNCLEAR),
        ("no idea", Answer.UNCLEAR),
        ("I'm not sure", Answer.UNCLEAR),  # opens like "I'm not", a no
        ("no, well, I don't know", Answer.UNCLEAR),
        ("banana", Answer.UNCLEAR),
        ("there's nothing like that", Answer.NO),
        ("yesss it was instant n its so bad", Answer.YES),  # letters held down
        ("yeh both legs", Answer.YES),
        ("Noooo", Answer.NO),
    ],
)
def test_answers(text, answer):
    assert read_answer(text) is answer


def test_an_answer_that_names_the_symptom_is_yes():
    assert read_answer("I've had a temperature of 38.5", named_symptom=True) is Answer.YES


def test_buttons_are_read_by_their_intent_typed_text_by_its_words():
    assert read_answer("/affirm", intent="affirm") is Answer.YES
    assert read_answer("/deny", intent="deny") is Answer.NO
    assert read_answer("purple", intent="affirm") is Answer.UNCLEAR
    assert read_answer("purple", intent="deny") is Answer.UNCLEAR


def test_a_date_ends_where_its_clause_does():
    assert read_days("since friday, and now I get out of breath", True, TODAY) == 4
    assert read_days("since friday and I feel sick", True, TODAY) == 4


def test_a_question_with_on_in_it_is_no_date():
    assert read_days("how long should I press on a knot?", asked=True, today=TODAY) is None


@pytest.mark.parametrize("text", ["first run in ages, shins sore", "writing for a long time"])
def test_vague_long_times_are_a_duration_only_as_an_answer(text):
    assert read_days(text, asked=False) is None
    assert read_days("ages", asked=True) == 365
