"""Rasa finds the same class for every event name, and a tracker reads back the same,
with the event classes looked up in one table (`event_type_table` in
bot/server/rasa_patches.py)."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.common import all_subclasses

from bot.server import rasa_patches

EVENT_NAMES = sorted({event_class.type_name for event_class in all_subclasses(Event)})

pytestmark = pytest.mark.usefixtures("rasa_patched")


def test_the_patches_make_rasa_use_the_table():
    assert Event.resolve_by_type is rasa_patches.resolve_by_type


@pytest.mark.parametrize("name", EVENT_NAMES)
def test_every_event_name_gives_rasas_own_class(name):
    assert Event.resolve_by_type(name) is rasa_patches.RASA_RESOLVE_BY_TYPE(name)


def test_an_unknown_name_gets_rasas_own_answer():
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("teleport", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'teleport'"):
        Event.resolve_by_type("teleport")


def test_an_event_class_defined_later_is_still_found():
    assert Event.resolve_by_type("slot") is SlotSet  # the table is made

    class Teleported(ActionExecuted):
        type_name = "teleported"

    assert Event.resolve_by_type("teleported") is Teleported


def test_a_tracker_reads_back_the_same():
    domain = Domain.load("bot/domain")
    tracker = DialogueStateTracker.from_events(
        "someone",
        [
            ActionExecuted("action_listen"),
            UserUttered("my calf hurts", {"name": "inform", "confidence": 0.9}),
            SlotSet("pain_regions", ["calf"]),
            ActionExecuted("triage_form"),
        ],
        domain.slots,
    )
    events = tracker.current_state(EventVerbosity.ALL)["events"]
    again = DialogueStateTracker.from_dict("someone", events, domain.slots)
    assert again.events == tracker.events
    assert again.current_slot_values() == tracker.current_slot_values()
