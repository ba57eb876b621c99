"""The clinic intake questionnaire as data, and the FHIR R4 Questionnaire and
QuestionnaireResponse made from it, validated with fhir.resources rather than by hand."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from actions.intake.questionnaire import (
    APPOINTMENT_REF_SYSTEM,
    CODE_SYSTEM_BASE,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    fhir_questionnaire,
    load_questionnaire,
    questionnaire_response,
)
from actions.knowledge.pain import read_regions
from actions.settings import PROJECT_ROOT

CONTRACT_SLOTS = (
    "pain_regions",
    "pain_side",
    "pain_cause",
    "pain_duration_days",
    "pain_intensity",
    "red_flags",
    "triage_level",
    "trigger_points",
)
RECORDED_SLOTS = (*CONTRACT_SLOTS, "emergency_number")
"""The contract's slots and the number the patient was given: what the triage answers."""
AUTHORED = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=1)))
FULL_ANSWERS = {
    "pain_regions": ["neck_side", "shoulder_top"],
    "pain_side": "right",
    "pain_cause": "posture",
    "pain_duration_days": 10,
    "pain_intensity": 6.5,
    "red_flags": ["numbness_tingling"],
    "triage_level": "doctor",
    "trigger_points": ["upper_trapezius", "levator_scapulae", "scalenes"],
    "emergency_number": "999",
    "makes_worse": "Long days at the laptop, and turning my head to the right.",
    "makes_better": "A hot shower, and moving around.",
    "tried_so_far": "Ibuprofen and a tennis ball against the wall; both help for a while.",
    "session_goals": "To turn my head without pain and sleep through the night.",
    "pressure_preference": "medium",
    "areas_to_avoid": "My lower back, it is ticklish.",
    "blood_thinners": True,
    "pregnancy": False,
    "recent_surgery": False,
    "varicose_veins_or_clots": False,
    "skin_conditions": False,
    "osteoporosis": False,
}
VALUE_TYPE = {
    "string": "valueString",
    "text": "valueString",
    "boolean": "valueBoolean",
    "choice": "valueCoding",
    "decimal": "valueDecimal",
    "integer": "valueInteger",
}


def response(answers, **kwargs) -> dict:
    return questionnaire_response(load_questionnaire(), "APT-0042", answers, AUTHORED, **kwargs)


def test_item_codes_are_unique_snake_case():
    codes = [item.code for item in load_questionnaire().items]
    assert len(codes) == len(set(codes))
    assert all(code.isidentifier() and code == code.lower() for code in codes)


def test_every_triage_slot_of_the_contract_answers_an_item():
    from_slots = {item.from_slot for item in load_questionnaire().items}
    assert set(CONTRACT_SLOTS) <= from_slots
    assert from_slots - {None} == set(RECORDED_SLOTS)


def test_the_therapist_questions_are_asked_and_the_health_screen_is_yes_or_no():
    questionnaire = load_questionnaire()
    asked = [item for item in questionnaire.items if item.from_slot is None]
    assert {item.code for item in asked} == set(FULL_ANSWERS) - set(RECORDED_SLOTS)
    screen = [item for item in asked if item.type == "boolean"]
    assert len(screen) == 6
    # each yes on the health screen is flagged to staff (bot/web/intake_view.py)
    assert all(item.caution for item in screen)
    assert [item for item in questionnaire.items if item.caution] == screen
    assert all("?" in item.text for item in asked)


def test_the_region_options_are_the_codes_and_labels_of_regions_yml():
    item = load_questionnaire().item("pain_regions")
    assert item.repeats
    assert {o.code: o.display for o in item.options} == dict(read_regions())
    assert len(item.options) == 43


def test_the_questionnaire_validates_as_fhir_r4_and_its_choices_carry_their_options():
    questionnaire = load_questionnaire()
    resource = Questionnaire.parse_obj(fhir_questionnaire(questionnaire))
    assert resource.id == QUESTIONNAIRE_ID
    assert resource.url == QUESTIONNAIRE_URL
    assert [item.linkId for item in resource.item] == [i.code for i in questionnaire.items]
    for fhir_item, item in zip(resource.item, questionnaire.items, strict=True):
        assert fhir_item.type == item.type
        assert bool(fhir_item.repeats) == item.repeats
        if item.type == "choice":
            codings = [option.valueCoding for option in fhir_item.answerOption]
            assert [c.code for c in codings] == [o.code for o in item.options]
            assert {c.system for c in codings} == {f"{CODE_SYSTEM_BASE}/{item.code}"}
            assert all(c.display for c in codings)
        else:
            assert fhir_item.answerOption is None


def test_a_full_response_validates_as_fhir_r4_with_the_right_value_types():
    questionnaire = load_questionnaire()
    resource = QuestionnaireResponse.parse_obj(response(FULL_ANSWERS))
    assert resource.questionnaire == QUESTIONNAIRE_URL
    assert resource.status == "completed"
    assert resource.authored.utcoffset() == timedelta(hours=1)
    assert resource.identifier.system == APPOINTMENT_REF_SYSTEM
    assert resource.identifier.value == "APT-0042"
    assert [item.linkId for item in resource.item] == [i.code for i in questionnaire.items]
    for fhir_item in resource.item:
        item = questionnaire.item(fhir_item.linkId)
        assert fhir_item.text == item.text
        for answer in fhir_item.answer:
            given = {key for key, value in answer.dict().items() if key.startswith("value")}
            assert given == {VALUE_TYPE[item.type]}, item.code
    answers = {item.linkId: item.answer for item in resource.item}
    assert [a.valueCoding.code for a in answers["pain_regions"]] == ["neck_side", "shoulder_top"]
    assert answers["pain_regions"][0].valueCoding.display == "Side or front of the neck"
    assert answers["pain_intensity"][0].valueDecimal == Decimal("6.5")
    assert answers["blood_thinners"][0].valueBoolean is True
    assert answers["pregnancy"][0].valueBoolean is False
    assert len(answers["trigger_points"]) == 3


def test_missing_answers_are_left_out_and_the_order_is_the_questionnaires():
    answers = {
        "pressure_preference": "firm",
        "pain_side": None,
        "makes_worse": "  ",
        "red_flags": [],
        "pain_regions": ["calf"],
    }
    resource = QuestionnaireResponse.parse_obj(response(answers, status="in-progress"))
    assert [item.linkId for item in resource.item] == ["pain_regions", "pressure_preference"]
    assert resource.status == "in-progress"


def test_an_empty_intake_is_a_response_without_items():
    resource = response({}, status="in-progress")
    assert "item" not in resource
    QuestionnaireResponse.parse_obj(resource)


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        ({"pain_side": ["left", "right"]}, "pain_side"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"pain_regions": ["neck_side", "elbow_tip"]}, "pain_regions"),
        ({"pressure_preference": "deep"}, "pressure_preference"),
        ({"blood_thinners": "yes"}, "blood_thinners"),
        ({"blood_thinners": 1}, "blood_thinners"),
        ({"pain_intensity": "6"}, "pain_intensity"),
        ({"pain_intensity": True}, "pain_intensity"),
        ({"pain_intensity": float("nan")}, "pain_intensity"),
        ({"makes_worse": 3}, "makes_worse"),
        ({"red_flags": ["stroke", None]}, "red_flags"),
        ({"triage_level": 2}, "triage_level"),
    ],
    ids=[
        "several-answers-to-a-one-answer-item",
        "unknown-code",
        "region-not-among-the-options",
        "choice-not-among-the-options",
        "text-for-a-boolean",
        "number-for-a-boolean",
        "text-for-a-decimal",
        "boolean-for-a-decimal",
        "nan-for-a-decimal",
        "number-for-a-text",
        "none-among-several-answers",
        "number-for-a-choice",
    ],
)
def test_a_bad_answer_raises_value_error_naming_the_item(answers, named):
    with pytest.raises(ValueError, match=named):
        response(answers)


def test_a_response_needs_a_timezone_a_reference_and_a_fhir_status():
    questionnaire = load_questionnaire()
    with pytest.raises(ValueError, match="timezone"):
        questionnaire_response(questionnaire, "APT-0042", {}, datetime(2026, 11, 24, 9, 30))
    with pytest.raises(ValueError, match="reference"):
        questionnaire_response(questionnaire, "", {}, AUTHORED)
    with pytest.raises(ValueError, match="status"):
        response({}, status="in_progress")


def test_the_consent_says_who_sees_it_how_long_it_is_kept_and_how_to_delete_it():
    consent = load_questionnaire().consent
    assert "clinic's staff for this appointment" in consent
    assert "30 days after your appointment" in consent
    assert '"delete my data"' in consent
    assert "nothing is stored" in consent


def test_a_questionnaire_with_a_mistake_is_refused_naming_the_item(tmp_path: Path):
    path = tmp_path / "questionnaire.yml"
    path.write_text(
        'consent: OK?\nitems:\n  - {code: goals, text: "Goals?", type: text, repeat: true}\n'
    )
    with pytest.raises(ValueError, match=r"goals.*repeat"):
        load_questionnaire(path)
    path.write_text('consent: OK?\nitems:\n  - {code: pressure, text: "Pressure?", type: choice}\n')
    with pytest.raises(ValueError, match=r"pressure.*options"):
        load_questionnaire(path)
    path.write_text(
        'consent: OK?\nitems:\n  - {code: goals, text: "Goals?", type: text, caution: x}\n'
    )
    with pytest.raises(ValueError, match=r"goals.*only a yes/no question can flag a caution"):
        load_questionnaire(path)


def test_the_module_needs_neither_rasa_nor_a_fhir_library():
    # `fhir` alone is preloaded by fhir.resources' namespace .pth file, so look for the package.
    code = (
        "import sys, actions.intake.questionnaire; "
        "print(sorted(set(sys.modules) & {'rasa', 'rasa_sdk', 'fhir.resources'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
