"""Rasa's slots copied directly (`direct_slot_copies` in bot/server/rasa_patches.py) are what
`copy.copy` made of them, and the policies read the same states from a conversation."""

from __future__ import annotations

import copy

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import CategoricalSlot, Slot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import rasa_patches
from bot.server.rasa_patches import copy_slot

DOMAIN = Domain.load("bot/domain")

pytestmark = pytest.mark.usefixtures("rasa_patched")


def generic_copy(slot: Slot) -> Slot:
    """`copy.copy` as it was for a slot: its generic path, through `__reduce_ex__`."""
    return copy._reconstruct(slot, None, *slot.__reduce_ex__(4))


def slots_with_values() -> list[Slot]:
    slots = [copy.deepcopy(slot) for slot in DOMAIN.slots]
    values = {"pain_regions": ["calf"], "pain_intensity": 4.0, "pain_side": "left"}
    for slot in slots:
        if slot.name in values:
            slot.value = values[slot.name]
    sizes = CategoricalSlot("size", [], values=["small", "large"], initial_value="small")
    return [*slots, sizes]


def test_the_patches_make_copy_use_the_direct_copy():
    assert Slot.__copy__ is copy_slot


@pytest.mark.parametrize("slot", slots_with_values(), ids=lambda slot: slot.name)
def test_a_copy_is_what_copy_made_before(slot):
    copied, before = copy.copy(slot), generic_copy(slot)
    assert type(copied) is type(before) is type(slot)
    assert copied is not slot
    assert copied.__dict__ == before.__dict__ == slot.__dict__
    assert copied.value is slot.value  # shallow, as before


def test_setting_a_copy_leaves_the_slot_as_it_was():
    slot = next(slot for slot in slots_with_values() if slot.name == "pain_regions")
    copied = copy.copy(slot)
    copied.value = ["neck"]
    assert slot.value == ["calf"] and copied.value == ["neck"]


def test_the_policies_read_the_same_states_from_a_conversation():
    events = [
        ActionExecuted("action_listen"),
        UserUttered(
            "my left calf hurts",
            {"name": "inform", "confidence": 0.9},
            [{"entity": "body_region", "value": "calf"}, {"entity": "side", "value": "left"}],
        ),
        ActionExecuted("triage_form"),
        SlotSet("appointment_ref", "A-12"),
        SlotSet("intake_consent", True),
        ActiveLoop("triage_form"),
        SlotSet("pain_regions", ["calf"]),
        SlotSet("pain_side", "left"),
        SlotSet("requested_slot", "pain_cause"),
        ActionExecuted("action_listen"),
        UserUttered("running", {"name": "inform", "confidence": 0.8}),
        ActionExecuted("triage_form"),
        SlotSet("pain_cause", "overuse"),
        ActiveLoop(None),
        SlotSet("triage_level", "self_care"),
        ActionExecuted("action_give_triage_advice"),
    ]
    tracker = DialogueStateTracker.from_events("someone", events, DOMAIN.slots)
    states = tracker.past_states(DOMAIN)
    rasa_patches.undo()
    try:
        assert tracker.past_states(DOMAIN) == states
        assert tracker.copy().current_slot_values() == tracker.current_slot_values()
    finally:
        rasa_patches.apply()
    assert states[-1]["slots"] == {"appointment_ref": (1.0,), "intake_consent": (1.0, 1.0)}
