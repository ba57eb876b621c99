"""Intake records on SQLite and PostgreSQL: one intake per registered appointment, flagged
results first, and nothing left behind when a record is erased or purged."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from actions.intake.records import IntakeError, IntakeRecords, Purged
from actions.intake.schema import IntakeAnswer, IntakeRecord
from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
SLOTS = {"pain_regions": ["calf"], "pain_side": "left", "triage_level": "self_care"}


@pytest.fixture
def records(empty_database) -> IntakeRecords:
    database = engine(empty_database)
    upgrade(database)
    return IntakeRecords(database)


def rows(records: IntakeRecords, table) -> int:
    with records.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_an_intake_for_a_registered_appointment_is_kept_once_and_updated(records):
    records.register_appointment("RIV-1001", NOW + timedelta(days=1), now=NOW)
    records.save("RIV-1001", "web-abc", SLOTS, {"goals": "turn my head again"}, False, now=NOW)
    records.save(
        "RIV-1001",
        "web-abc",
        SLOTS,
        {"goals": "turn my head again", "pressure_preference": "medium", "worse": None},
        True,
        now=NOW + timedelta(minutes=5),
    )
    intake = records.find("RIV-1001")
    assert intake.status == "completed"
    assert intake.slots == SLOTS and intake.triage_level == "self_care" and not intake.flagged
    assert intake.answers == {"goals": "turn my head again", "pressure_preference": "medium"}
    assert intake.starts_at == NOW + timedelta(days=1)
    assert rows(records, IntakeRecord) == 1 and rows(records, IntakeAnswer) == 2


@pytest.mark.parametrize("ref", ["UNKNOWN-1", "", "a b", "x" * 65, "../etc", "🙂🙂🙂"])
def test_an_unregistered_or_malformed_reference_gets_no_intake(records, ref):
    with pytest.raises(IntakeError):
        records.save(ref, "web-abc", SLOTS, {}, True)
    assert records.find(ref) is None and records.starts_at(ref) is None
    assert rows(records, IntakeRecord) == 0


@pytest.mark.parametrize("ref", ["", "a b", "x" * 65, "<script>"])
def test_a_malformed_reference_cannot_be_registered(records, ref):
    with pytest.raises(IntakeError):
        records.register_appointment(ref, NOW)


def test_flagged_intakes_come_first_then_by_start_time(records):
    for ref, hours, level in [
        ("A-100", 3, "self_care"),
        ("B-200", 5, "urgent"),
        ("C-300", 1, "therapist"),
    ]:
        records.register_appointment(ref, NOW + timedelta(hours=hours), now=NOW)
        records.save(ref, f"conv-{ref}", {"triage_level": level}, {}, True, now=NOW)
    records.register_appointment("OLD-1", NOW - timedelta(days=2), now=NOW)
    records.save("OLD-1", "conv-old", {"triage_level": "emergency"}, {}, True, now=NOW)
    assert [i.ref for i in records.upcoming(NOW)] == ["B-200", "C-300", "A-100"]


def test_erasing_removes_the_record_and_its_answers(records):
    records.register_appointment("RIV-2002", NOW, now=NOW)
    records.save("RIV-2002", "tg-42", SLOTS, {"goals": "sleep", "osteoporosis": False}, True)
    assert records.erase("RIV-2002") == "tg-42"  # the conversation, to erase it too
    assert records.find("RIV-2002") is None
    assert rows(records, IntakeRecord) == 0 and rows(records, IntakeAnswer) == 0
    assert records.erase("RIV-2002") is None
    assert records.starts_at("RIV-2002") is not None  # the clinic's appointment stays


def test_delete_my_data_erases_what_that_conversation_gave(records):
    for ref in ("D-1", "D-2"):
        records.register_appointment(ref, NOW, now=NOW)
    records.save("D-1", "web-me", SLOTS, {"goals": "a"}, True)
    records.save("D-2", "web-someone-else", SLOTS, {"goals": "b"}, True)
    assert records.erase_conversation("web-me") == 1
    assert records.find("D-1") is None and records.find("D-2") is not None
    assert rows(records, IntakeAnswer) == 1


def test_purge_removes_appointments_older_than_the_retention_with_their_intakes(records):
    records.register_appointment("OLD-9", NOW - timedelta(days=31), now=NOW)
    records.register_appointment("NEW-9", NOW - timedelta(days=29), now=NOW)
    records.save("OLD-9", "c1", SLOTS, {"goals": "x"}, True)
    records.save("NEW-9", "c2", SLOTS, {"goals": "y"}, True)
    assert records.purge(timedelta(days=30), now=NOW) == Purged(1, ("c1",))
    assert records.starts_at("OLD-9") is None and records.find("NEW-9") is not None
    assert rows(records, IntakeRecord) == 1 and rows(records, IntakeAnswer) == 1
