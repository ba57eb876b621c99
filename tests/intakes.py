"""Example triage results, as the action server stores them in an intake record, and the
conversations that gave them."""

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, select

from actions.intake.conversations import EVENTS_TABLE
from actions.knowledge.database import engine
from actions.settings import tracker_database_url

THERAPIST = {
    "pain_regions": ["neck_side", "shoulder_top"],
    "pain_side": "left",
    "pain_cause": "posture",
    "pain_duration_days": 14.0,
    "pain_intensity": 6.0,
    "red_flags": [],
    "triage_level": "therapist",
    "trigger_points": ["upper_trapezius", "levator_scapulae"],
}
URGENT = {
    "pain_regions": ["calf"],
    "pain_side": "right",
    "pain_cause": "unknown",
    "red_flags": ["deep_vein_thrombosis"],
    "triage_level": "urgent",
    "trigger_points": ["gastrocnemius", "soleus"],
}
EMERGENCY = {"pain_regions": ["chest"], "red_flags": ["heart_attack"], "triage_level": "emergency"}


def stored_conversations(url: str, *senders: str) -> dict[str, int]:
    """Rasa's `events` table beside the records, with two events for each sender."""
    database = engine(tracker_database_url(url))
    events = Table(
        EVENTS_TABLE,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255)),
        Column("data", Text),
    )
    events.create(database, checkfirst=True)
    with database.begin() as connection:
        for sender in senders:
            for text in ("my name is Ada", "a knot in my neck"):
                connection.execute(events.insert(), {"sender_id": sender, "data": text})
    with database.connect() as connection:
        query = select(events.c.sender_id, func.count()).group_by(events.c.sender_id)
        return dict(connection.execute(query).all())
