"""Reading the pain's intensity (0-10) from what people type, in a first message and as an
answer to "how bad is it?"."""

import pytest

from actions.reading.intensity import read_intensity

BOTH = pytest.mark.parametrize("asked", [True, False], ids=["answer", "first message"])


@BOTH
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7/10", 7),
        ("7 / 10", 7),
        ("7 out of 10", 7),
        ("7 outta 10", 7),
        ("5 on 10", 5),
        ("8+/10", 8),
        ("6-7/10", 7),
        ("between 3 and 4 out of 10", 4),
        ("like a 7", 7),
        ("about a 6", 6),
        ("a solid 8", 8),
        ("a 10", 10),
        ("an 8", 8),
        ("it's a 7 when I move", 7),
        ("its like a 5 or 6", 6),
        ("I'd rate it a 6", 6),
        ("pain is 7", 7),
        ("pain at 7", 7),  # "at 7" alone is a time
        ("at 7/10 right now", 7),
        ("excruciating pain in my calf", 10),
    ],
)
def test_intensity(text, value, asked):
    assert read_intensity(text, asked) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seven-ish", 7),
        ("7ish", 7),
        ("6 or 7", 7),
        ("six or seven", 7),
        ("between 4 and 5", 5),
        ("4-6", 6),
        ("7 at worst", 7),
        ("7, 8 at worst", 8),  # two numbers, not a range: the higher
        ("not bad", 3),
        ("worst pain ever", 10),
        ("mild, sometimes severe", 8),
    ],
)
def test_intensity_as_an_answer_only(text, value):
    assert read_intensity(text, asked=True) == value
    assert read_intensity(text, asked=False) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("eleven out of ten", 10),  # asked, above the scale is its top
        ("15/10", 10),
        ("my back is killing me", 8),
        ("my back hurts so bad", 8),
        ("if my back got really bad would i lose control of my bladder?", 8),
    ],
)
def test_hyperbole_counts_as_an_answer_only(text, value):
    """In passing, "a million out of ten lol" and "killing me" are figures of speech as often
    as numbers (tests/data/red_flags.yml's hyperbole look-alikes): the question is asked."""
    assert read_intensity(text, asked=True) == value
    assert read_intensity(text, asked=False) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("about 7", 7),
        ("maybe 6", 6),
        ("mild, like 3", 3),
        ("it's like a 6 by evening", 6),
        ("jaw pain sevenish, both sides", 7),
        ("bearable", 5),
        ("tolerable", 5),
        ("pain is moderate", 5),
        ("it's not too bad though", 3),
        ("annoying more than painful", 2),
        ("more annoying than painful", 2),
        ("pretty painful", 6),
        ("really sore", 6),
        ("it's not unbearable, moderate I'd say", 5),
    ],
)
def test_how_the_pain_is_said_in_passing_is_read_in_any_message(text, value):
    assert read_intensity(text, asked=False) == value
    assert read_intensity(text, asked=True) == value


@pytest.mark.parametrize(
    "text",
    ["a bad pillow", "like 3 weeks", "about 5 days ago", "pain 5 days", "maybe 2 kids"],
)
def test_what_counts_something_else_is_no_intensity(text):
    assert read_intensity(text, asked=False) is None


@BOTH
@pytest.mark.parametrize(
    "text",
    [
        "not severe",
        "it isn't severe",
        "no severe pain",
        "not really bad",
        "not excruciating",
    ],
)
def test_a_negated_word_is_not_read(text, asked):
    assert read_intensity(text, asked) is None


@BOTH
@pytest.mark.parametrize(
    "text",
    [
        "2 kids",
        "3 sets of 10",
        "I lift 3 sets of 10 reps",
        "7 of 10 reps",
        "10 hour shifts",
        "a 10 minute walk",
        "top 5",
        "at 7",
        "woke at 7 in the morning",
        "at 5pm",
        "for 7 days",
        "5 days ago",
        "5k run",
        "I did a 10k",
        "a 7 year old",
        "I'm 45 years old",
        "6 or 7 times a day",
        "I've had 6 or 7 massages",
        "since 3/10",
        "on 3/10/2026",
        "3 to 8",  # too wide to be one number
        "3, but 8 when I move",
    ],
)
def test_what_is_no_rating_is_not_read(text, asked):
    assert read_intensity(text, asked) is None


@pytest.mark.parametrize("asked", [True, False])
def test_a_range_at_the_doctor_threshold_is_read_at_its_top(asked):
    """triage-policy.md: 8 or more is a doctor. "7 or 8" is never read as 7.5."""
    assert read_intensity("it's a 7 or 8", asked) == 8
