"""What the conversation's slots say of the intake: whether it is stored, what is left to ask."""

from __future__ import annotations

from actions.intake.saving import intake_questions, questions_left, storing

CONSENTED = {"intake_consent": True, "appointment_ref": "RIV-2002"}


def test_only_a_consent_for_an_appointment_stores_anything():
    assert storing(CONSENTED)
    assert not storing({**CONSENTED, "intake_consent": False})
    assert not storing({"intake_consent": True})
    assert questions_left({"appointment_ref": "RIV-2002"}) == []


def test_the_questions_left_are_the_unanswered_ones_in_the_questionnaires_order():
    codes = [item.code for item in intake_questions()]
    assert questions_left(CONSENTED) == codes
    answered = {**CONSENTED, codes[0]: "To sleep", codes[2]: False}
    assert questions_left(answered) == [codes[1], *codes[3:]]


def test_an_emergency_or_urgent_result_asks_nothing_more():
    for level in ("emergency", "urgent"):
        assert questions_left({**CONSENTED, "triage_level": level}) == []
    assert questions_left({**CONSENTED, "triage_level": "therapist"})
