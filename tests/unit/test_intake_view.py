"""What the staff pages say of an intake, without a server: codes in words, the cautions,
the body map's address, and which day "today" is at the clinic."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions.intake.records import Intake
from actions.knowledge.database import engine
from actions.knowledge.rank import KnowledgeBase
from bot.web.intake_view import NOT_ANSWERED, detail, start_of_today, summary

WHEN = datetime(2026, 12, 1, 15, 30, tzinfo=timezone.utc)


def intake(slots: dict, answers: dict, level: str | None = "therapist") -> Intake:
    return Intake(
        ref="VIEW-1",
        starts_at=WHEN,
        status="completed",
        triage_level=level,
        flagged=level in ("emergency", "urgent"),
        slots=slots,
        answers=answers,
        updated_at=WHEN,
    )


@pytest.fixture
def knowledge(kb_url) -> KnowledgeBase:
    return KnowledgeBase(engine(kb_url))


def by_label(rows) -> dict[str, tuple[str, bool]]:
    return {row.label: (row.text, row.caution) for row in rows}


def test_answers_read_as_words_and_a_yes_on_the_health_screen_is_a_caution(knowledge):
    slots = {
        "pain_regions": ["calf"],
        "pain_side": "left",
        "pain_cause": "overuse",
        "pain_intensity": 7.0,
        "red_flags": [],
        "triage_level": "therapist",
        "trigger_points": ["gastrocnemius", "not_a_muscle", "soleus"],
    }
    answers = {"pressure_preference": "firm", "osteoporosis": True, "pregnancy": False}
    view = detail(intake(slots, answers), knowledge)
    triage = by_label(view.triage_answers)
    assert triage["Side"] == ("Left", False)
    assert triage["Likely cause"] == ("Overuse", False)
    assert triage["Pain intensity (0 = none, 10 = worst imaginable)"][0] == "7"
    assert triage["Red flags found"][0] == "None"  # looked for, none found
    assert triage["Days since the pain started"][0] == NOT_ANSWERED
    assert triage["Likely trigger points (most likely first)"][0].startswith("Gastrocnemius")
    health = by_label(view.health_answers)
    assert health["Have you been told you have osteoporosis (thin or brittle bones)?"] == (
        "Yes",
        True,
    )
    assert health["Are you pregnant, or could you be?"] == ("No", False)
    assert by_label(view.intake_answers)["How much pressure do you like in a massage?"][0] == "Firm"
    assert view.cautions == ["Osteoporosis"]
    assert view.red_flags == []
    # the map numbers the known muscles as the list does; the unknown one is listed apart
    assert [(p.number, p.code) for p in view.trigger_points] == [
        (1, "gastrocnemius"),
        (2, "soleus"),
    ]
    assert view.unknown_muscles == ["not_a_muscle"]
    assert view.map_url == "/bodymap.svg?regions=calf&side=left&muscles=gastrocnemius,soleus"
    assert "Calf (Left)" in view.map_alt and "1 Gastrocnemius" in view.map_alt


def test_an_intake_before_the_triage_has_decided_says_so(knowledge):
    view = detail(intake({}, {}, level=None), knowledge)
    assert view.summary.level.title == "Not decided yet" and view.summary.level.code is None
    assert view.red_flags is None and view.map_url is None and view.trigger_points == []
    assert all(row.text == NOT_ANSWERED for row in view.triage_answers)


def test_flagged_and_level_come_from_the_record():
    row = summary(intake({"pain_regions": ["chest"]}, {}, level="emergency"))
    assert row.flagged and row.level.title == "Emergency: call now"
    assert row.regions == ["Chest"] and row.status == "Completed"
    assert row.starts_at == "Tue 1 Dec 2026, 15:30 UTC"


def test_today_is_the_clinics_day(monkeypatch):
    late_evening_in_new_york = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)
    monkeypatch.setenv("KNOTBOT_CLINIC_TIMEZONE", "America/New_York")
    start = start_of_today(late_evening_in_new_york)
    assert start.astimezone(timezone.utc) == datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc)
    monkeypatch.delenv("KNOTBOT_CLINIC_TIMEZONE")
    assert start_of_today(late_evening_in_new_york) == datetime(2026, 12, 2, tzinfo=timezone.utc)
