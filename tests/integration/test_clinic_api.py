"""The clinic's API on the running web app: appointments in, intakes out, staff only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from tests.conftest import CLINIC_TOKEN
from tests.intakes import THERAPIST

STAFF = {"Authorization": f"Bearer {CLINIC_TOKEN}"}


def register(bot, ref: str, starts_at: str, headers=STAFF) -> requests.Response:
    return requests.post(
        f"{bot.web_url}/clinic/appointments",
        json={"ref": ref, "starts_at": starts_at},
        headers=headers,
        timeout=10,
    )


def test_a_registered_appointment_shows_its_intake_to_staff(bot, kb_url):
    starts = (datetime.now(timezone.utc) + timedelta(hours=2)).replace(microsecond=0)
    reply = register(bot, "API-1001", starts.isoformat())
    assert reply.status_code == 201, reply.text
    IntakeRecords(engine(kb_url)).save(
        "API-1001", "web-x", {"triage_level": "urgent", "pain_regions": ["low_back"]}, {}, True
    )
    listed = requests.get(f"{bot.web_url}/clinic/intakes", headers=STAFF, timeout=10).json()
    assert listed["intakes"][0]["ref"] == "API-1001" and listed["intakes"][0]["flagged"]
    one = requests.get(f"{bot.web_url}/clinic/intakes/API-1001?token={CLINIC_TOKEN}", timeout=10)
    assert one.status_code == 200
    assert one.json()["status"] == "completed"
    assert one.json()["slots"]["pain_regions"] == ["low_back"]
    assert one.json()["starts_at"] == starts.isoformat()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": CLINIC_TOKEN},
        {"X-Token": CLINIC_TOKEN},
    ],
)
@pytest.mark.parametrize(
    "path", ["/clinic/intakes", "/clinic/intakes/API-1001", "/clinic/intakes/API-1001/fhir"]
)
def test_without_the_clinic_token_nothing_of_a_record_is_shown(bot, headers, path):
    reply = requests.get(bot.web_url + path, headers=headers, timeout=10)
    assert reply.status_code == 401
    assert "API-1001" not in reply.text and "low_back" not in reply.text


def test_registering_needs_the_token_too(bot):
    assert register(bot, "API-2002", "2026-12-01T10:00:00+00:00", headers={}).status_code == 401


@pytest.mark.parametrize(
    ("ref", "starts_at", "message"),
    [
        ("a b", "2026-12-01T10:00:00+00:00", "ref must be"),
        ("API-3003", "next tuesday", "not an ISO-8601"),
        ("API-3003", "2026-12-01T10:00:00", "needs its time zone"),
    ],
)
def test_a_bad_appointment_gets_a_clear_error(bot, ref, starts_at, message):
    reply = register(bot, ref, starts_at)
    assert reply.status_code == 400 and message in reply.json()["error"]


def test_malformed_json_and_unknown_references_get_clear_answers(bot):
    bad = requests.post(
        f"{bot.web_url}/clinic/appointments",
        data="{not json",
        headers={**STAFF, "Content-Type": "application/json"},
        timeout=10,
    )
    assert bad.status_code == 400
    missing = requests.get(f"{bot.web_url}/clinic/intakes/NOPE-404", headers=STAFF, timeout=10)
    assert missing.status_code == 404 and "no intake for NOPE-404" in missing.json()["error"]


def test_an_intake_exports_as_a_valid_fhir_questionnaire_response(bot, kb_url):
    assert register(bot, "FHIR-1", "2026-12-01T10:00:00+00:00").status_code == 201
    answers = {"session_goals": "turn my head", "blood_thinners": False}
    IntakeRecords(engine(kb_url)).save("FHIR-1", "web-f", THERAPIST, answers, True)
    reply = requests.get(f"{bot.web_url}/clinic/intakes/FHIR-1/fhir", headers=STAFF, timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/fhir+json")
    resource = QuestionnaireResponse.parse_obj(reply.json())
    assert resource.status == "completed" and resource.identifier.value == "FHIR-1"
    by_item = {item.linkId: item.answer for item in resource.item}
    assert [a.valueCoding.code for a in by_item["pain_regions"]] == ["neck_side", "shoulder_top"]
    assert by_item["blood_thinners"][0].valueBoolean is False
    assert "red_flags" not in by_item  # nothing found is not an answer
    refused = requests.get(f"{bot.web_url}/clinic/intakes/FHIR-1/fhir", timeout=10)
    assert refused.status_code == 401 and "neck_side" not in refused.text


def test_the_questionnaire_is_served_as_fhir(bot):
    reply = requests.get(f"{bot.web_url}/clinic/fhir/Questionnaire/knotbot-intake", timeout=10)
    assert reply.status_code == 200
    questionnaire = Questionnaire.parse_obj(reply.json())
    assert questionnaire.id == "knotbot-intake" and len(questionnaire.item) >= 20
