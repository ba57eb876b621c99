"""Reading how long the pain has lasted from what people type, in a first message and as
an answer to "how long?"."""

from datetime import date

import pytest

from actions.reading.duration import read_days

MONDAY = date(2026, 12, 7)

BOTH = pytest.mark.parametrize("asked", [True, False], ids=["answer", "first message"])


@BOTH
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("since Tuesday", 6),
        ("since last tuesday", 6),
        ("since Sunday night", 1),
        ("since this morning", 0),
        ("day before yesterday", 2),
        ("the day before yesterday", 2),
        ("for a week now", 7),
        ("for the past couple of days", 2),
        ("the last few days", 3),
        ("a fortnight", 14),
        ("3 wks", 21),
        ("3wks", 21),
        ("2 wk", 14),
        ("10 dys", 10),
        ("2 hrs", 0),
        ("couple wks", 14),
        ("a good few weeks", 21),
        ("about a month and a half", 45),
        ("a week and a half", 10.5),
        ("two and a half weeks", 17.5),
        ("2 weeks and a half", 17.5),
        ("6 months or so", 180),
        ("half a year", 180),
        ("over a year", 365),
        ("2 years", 730),
        ("on and off for months", 90),
        ("since I started my new job 3 weeks ago", 21),
        ("started 3 days ago", 3),
        ("three days ago", 3),
        ("aching for 3 days", 3),
        ("3 weeks of pain", 21),
        ("I work 12 hour shifts and my back has ached for 2 weeks", 14),
        ("I run 3 times a week, calf tight for a week", 7),
    ],
)
def test_durations(text, days, asked):
    assert read_days(text, asked, today=MONDAY) == days


@BOTH
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("a week or two", 10.5),
        ("1-2 weeks", 10.5),
        ("one or two weeks", 10.5),
        ("2 or 3 days", 2.5),
        ("2-3 weeks", 17.5),
        ("between 2 and 3 weeks", 17.5),
        ("a day or two", 1.5),
    ],
)
def test_a_range_is_its_middle(text, days, asked):
    assert read_days(text, asked, today=MONDAY) == days


@BOTH
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("since the 3rd", 4),  # this month's 3rd
        ("since the 8th", 29),  # last month's: this month's is still to come
        ("since the 31st", 37),  # November has none: October's
        ("since the 3rd of November", 34),
        ("since 3/11", 34),  # the 3rd of November, not March the 11th: the closest past one
        ("since 11/3", 34),  # month first
        ("since 25/12", 347),  # only day first is a date
        ("since 12/25", 347),  # only month first is a date
        ("since 3 march", 279),
        ("since about the start of November", 36),
        ("since mid-october", 53),
        ("since the end of august", 98),
        ("since about tuesday", 6),
    ],
)
def test_dates(text, days, asked):
    assert read_days(text, asked, today=MONDAY) == days


@BOTH
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("since Christmas", 347),  # 25 December 2025: this year's is to come
        ("since Easter", 246),  # 5 April 2026, by dateutil.easter
        ("since new year", 340),
        ("since the new year", 340),
        ("since thanksgiving", 11),  # the fourth Thursday of November: 26 November 2026
        ("since halloween", 37),
        ("started over easter", 246),
        ("since the weekend", 2),
        ("since last weekend", 2),
        ("knitting all weekend", 2),
        ("after the allotment this weekend", 2),
        ("sore over the weekend", 2),
    ],
)
def test_named_days_are_their_most_recent_occurrence(text, days, asked):
    assert read_days(text, asked, today=MONDAY) == days


def test_last_weekend_said_at_the_weekend_is_the_one_before():
    sunday = date(2026, 12, 6)
    assert read_days("since the weekend", asked=True, today=sunday) == 1
    assert read_days("since last weekend", asked=True, today=sunday) == 8


def test_thanksgiving_and_easter_move_with_the_year():
    assert read_days("since thanksgiving", asked=True, today=date(2027, 11, 26)) == 1
    assert read_days("since easter", asked=True, today=date(2027, 3, 28)) == 0
    assert read_days("since easter", asked=True, today=date(2027, 3, 27)) == 356  # 2026's


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("ages", 365),
        ("the weekend", 2),
        ("last weekend", 2),
        ("christmas", 347),
        ("around christmas", 347),
        ("the 3rd", 4),
        ("3/11", 34),
        ("about 4", 4),
        ("4 i think", 4),
    ],
)
def test_answers_only(text, days):
    assert read_days(text, asked=True, today=MONDAY) == days
    assert read_days(text, asked=False, today=MONDAY) is None


@BOTH
@pytest.mark.parametrize(
    "text",
    [
        "I'm 45 years old",
        "45 years young",
        "a 3 year old toddler",
        "my 2-year-old",
        "my 6 month old baby",
        "I'm 30 years of age",
        "I sit 8 hours a day",
        "10 hour shifts",
        "10-hour shifts",
        "gaming for 12 hours",
        "been running for 3 weeks and now my shins hurt",
        "ran 5 k",
        "my 3 kids",
        "on my left side",
        "press on the knot",
        "a week of holiday next month",
        "in 2 weeks I have a race",
        "back at the gym after a year off",
        "I teach 12 classes a week",
        "I boulder 4x a week",
        "out of breath after my first swim in years",
        "all night long",
    ],
)
def test_what_is_not_the_pains_duration_is_not_read(text, asked):
    assert read_days(text, asked, today=MONDAY) is None


@BOTH
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("I sit for 10-12 hours. From 3 weeks I am getting pain", 21),
        ("a 10 hour flight, and since landing on Saturday my neck is stiff", 2),
        ("it started an hour ago", 0),
    ],
)
def test_hours_beside_days_or_a_date_are_how_long_something_else_lasted(text, days, asked):
    assert read_days(text, asked, today=MONDAY) == days


@pytest.mark.parametrize("text", ["it's a 4", "I'm 45", "2 kids", "since 3", "the summer"])
def test_a_number_or_date_is_days_only_when_the_answer_is_that_alone(text):
    assert read_days(text, asked=True, today=MONDAY) is None
