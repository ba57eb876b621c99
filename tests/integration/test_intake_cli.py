"""`knotbot intake erase` and `purge`: a clinic removes records from the command line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from tests.intakes import stored_conversations
from tests.unit.test_cli import knotbot


@pytest.fixture
def clinic(empty_database) -> tuple[str, IntakeRecords]:
    database = engine(empty_database)
    upgrade(database)
    records = IntakeRecords(database)
    now = datetime.now(timezone.utc)
    for ref, days_ago in (("OLD-1", 40), ("OLD-2", 31), ("SOON-1", -1)):
        records.register_appointment(ref, now - timedelta(days=days_ago))
        records.save(ref, f"conv-{ref}", {"triage_level": "therapist"}, {"goals": "move"}, True)
    return empty_database, records


def test_purge_deletes_what_is_older_than_the_retention(clinic):
    url, records = clinic
    result = knotbot("intake", "--database-url", url, "purge", "--older-than", "30d")
    assert result.returncode == 0, result.stderr
    assert "Deleted 2 appointment(s)" in result.stdout
    assert records.find("OLD-1") is None and records.find("OLD-2") is None
    assert records.find("SOON-1") is not None


def test_purge_erases_the_conversations_of_the_intakes_it_deletes(clinic, monkeypatch):
    url, records = clinic
    stored_conversations(url, "conv-OLD-1", "conv-SOON-1", "no-intake")
    monkeypatch.setenv("KNOTBOT_INTAKE_RETENTION", "35d")  # OLD-2 (31 days) stays
    result = knotbot("intake", "--database-url", url, "purge")
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 appointment(s) older than 35 days" in result.stdout
    assert "and the 1 conversation(s) that gave them" in result.stdout
    assert records.find("OLD-1") is None and records.find("OLD-2") is not None
    assert stored_conversations(url) == {"conv-SOON-1": 2, "no-intake": 2}


def test_erase_deletes_one_intake_and_the_conversation_that_gave_it(clinic):
    url, records = clinic
    assert stored_conversations(url, "conv-SOON-1", "conv-OLD-1") == {
        "conv-SOON-1": 2,
        "conv-OLD-1": 2,
    }
    result = knotbot("intake", "--database-url", url, "erase", "SOON-1")
    assert result.returncode == 0, result.stderr
    assert "Deleted the intake of SOON-1, its answers and the conversation (2 events)" in (
        result.stdout
    )
    assert records.find("SOON-1") is None
    assert stored_conversations(url) == {"conv-OLD-1": 2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("erase", "NOPE-1"), "there is no intake for NOPE-1"),
        (("erase", "../x"), "is not an appointment reference"),
        (("purge", "--older-than", "a month"), "is not an age like 30d"),
    ],
)
def test_mistakes_are_explained_and_change_nothing(clinic, args, message):
    url, records = clinic
    result = knotbot("intake", "--database-url", url, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert records.find("OLD-1") is not None


def test_invite_registers_the_appointment_and_prints_its_links(empty_database, monkeypatch):
    monkeypatch.setenv("KNOTBOT_CLINIC_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("KNOTBOT_PUBLIC_WEB_URL", "https://clinic.example/chat/")
    monkeypatch.setenv("TELEGRAM_BOT_NAME", "clinic_knot_bot")
    result = knotbot(
        "intake", "--database-url", empty_database, "invite", "INV-77", "--at", "2026-12-01 10:00"
    )
    assert result.returncode == 0, result.stderr
    assert "Registered appointment INV-77 on Tuesday 1 December at 10:00" in result.stdout
    assert "https://clinic.example/chat/?intake=INV-77" in result.stdout
    assert "https://t.me/clinic_knot_bot?start=INV-77" in result.stdout
    assert '/start_intake{"appointment_ref": "INV-77"}' in result.stdout
    starts = IntakeRecords(engine(empty_database)).starts_at("INV-77")
    assert starts == datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # 10:00 in Berlin


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invite", "a b", "--at", "2026-12-01 10:00"), "is not an appointment reference"),
        (("invite", "INV-78", "--at", "whenever"), "is not a date and time"),
    ],
)
def test_invite_explains_what_is_wrong(empty_database, args, message):
    result = knotbot("intake", "--database-url", empty_database, *args)
    assert result.returncode != 0 and message in result.stderr
