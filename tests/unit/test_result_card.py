"""The result card says no more than the advice allows: the number alone for an emergency,
the muscles without self-care for a doctor, self-care and booking only when massage fits."""

from __future__ import annotations

import pytest

from actions.knowledge.rank import MuscleCard, RankedMuscle
from actions.triage.result import result_card

SOLEUS = (
    RankedMuscle(code="soleus", name="Soleus", score=1.0, reason="refers pain to the calf"),
    MuscleCard(
        code="soleus",
        name="Soleus",
        locations=("In the lower calf.",),
        pressure="Press it.",
        stretch="Stretch it.",
        cautions=("rule out a clot first",),
        mimics=(),
        source="TS2",
    ),
)


def test_an_emergency_card_is_the_number_and_nothing_else():
    card = result_card("emergency", ["chest"], "left", [SOLEUS], "999")
    assert card == {
        "knotbot": "result",
        "level": "emergency",
        "title": "Emergency: call now",
        "colour": "#b3261e",
        "emergency_number": "999",
    }


@pytest.mark.parametrize("level", ["urgent", "doctor"])
def test_no_self_care_and_no_booking_before_a_doctor_has_looked(level):
    card = result_card(level, ["calf"], "left", [SOLEUS] if level == "doctor" else [], "911")
    assert card["booking"] is False
    for point in card["trigger_points"]:
        assert "pressure" not in point and "stretch" not in point


@pytest.mark.parametrize("level", ["therapist", "self_care"])
def test_when_massage_fits_the_card_says_how_and_where_to_book(level):
    card = result_card(level, ["calf"], "left", [SOLEUS], "911")
    assert card["booking"] is True
    assert card["regions"] == [{"code": "calf", "label": "Calf"}]
    assert card["trigger_points"] == [
        {
            "number": 1,
            "code": "soleus",
            "name": "Soleus",
            "reason": "refers pain to the calf",
            "location": "In the lower calf.",
            "pressure": "Press it.",
            "stretch": "Stretch it.",
            "cautions": ["rule out a clot first"],
        }
    ]
