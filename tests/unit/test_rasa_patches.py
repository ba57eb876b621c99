"""KnotBot's patches of Rasa (bot/server/rasa_patches.py): each removes a slow path that Rasa
3.6.21 still has (shown with the patch undone), they apply only to the Rasa they were
written for, only when asked, and come off again; the Rasa server starts with them
(bot/server/serve.py). That each gives Rasa's own answers is in test_action_responses.py,
test_event_types.py and test_slot_copies.py."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import rasa
import rasa.__main__
import rasa.shared.utils.common
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.core.slots import (
    AnySlot,
    BooleanSlot,
    CategoricalSlot,
    FloatSlot,
    ListSlot,
    Slot,
    TextSlot,
)
from rasa.shared.core.trackers import DialogueStateTracker

from actions.settings import PROJECT_ROOT
from bot.server import launch, rasa_patches, serve

PATCH = {patch.name: patch for patch in rasa_patches.PATCHES}


@contextmanager
def without(name: str) -> Iterator[None]:
    """Rasa's own attribute in place of one patch, for the block."""
    PATCH[name].restore()
    try:
        yield
    finally:
        PATCH[name].install()


# -- what each patch removes -----------------------------------------------------------------

RESPONSE = {
    "events": [{"event": "slot", "name": "pain_regions", "value": ["calf"]}],
    "responses": [{"text": "Where does it hurt?"}],
}


def schema_checks(monkeypatch: pytest.MonkeyPatch, responses: int = 3) -> int:
    """How often Rasa's response schema is itself checked against its metaschema (147 ms
    each) while Rasa checks that many action server responses."""
    validator_class = validator_for(RemoteAction.action_response_format_spec())
    action = RemoteAction("action_x", None)
    action._validate_action_result(RESPONSE)  # what is built once is built
    checked = []
    check_schema = validator_class.check_schema

    def counted(schema, *args, **kwargs):
        checked.append(schema)
        return check_schema(schema, *args, **kwargs)

    monkeypatch.setattr(validator_class, "check_schema", staticmethod(counted))
    for _ in range(responses):
        assert action._validate_action_result(RESPONSE)
    monkeypatch.undo()
    return len(checked)


EVENTS = [
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "my calf hurts", "parse_data": {"intent": {"name": "inform"}}},
    {"event": "slot", "name": "pain_regions", "value": ["calf"]},
]


def event_class_walks(monkeypatch: pytest.MonkeyPatch) -> int:
    """How often the whole tree of Event's subclasses is walked to read three events."""
    Event.from_parameters(EVENTS[0])  # what is built once is built
    walks = []
    walk = rasa.shared.utils.common.all_subclasses

    def counted(cls):
        if cls is Event:
            walks.append(cls)
        return walk(cls)

    monkeypatch.setattr(rasa.shared.utils.common, "all_subclasses", counted)
    read = [Event.from_parameters(event) for event in EVENTS]
    monkeypatch.undo()
    assert [type(event).type_name for event in read] == ["action", "user", "slot"]
    return len(walks)


SLOTS: list[Slot] = [
    TextSlot("pain_cause", []),
    FloatSlot("pain_intensity", []),
    BooleanSlot("intake_consent", []),
    ListSlot("pain_regions", []),
    CategoricalSlot("pain_side", [], values=["left", "right"]),
    AnySlot("appointment_ref", []),
]


def generic_slot_copies(monkeypatch: pytest.MonkeyPatch) -> int:
    """How many slots `copy.copy` copies through its generic path (`__reduce_ex__`, then
    `copy._reconstruct`) when a tracker is made, as the policies make them all the time."""
    copied = []
    reconstruct = copy._reconstruct

    def counted(x, *args, **kwargs):
        if isinstance(x, Slot):
            copied.append(x)
        return reconstruct(x, *args, **kwargs)

    monkeypatch.setattr(copy, "_reconstruct", counted)
    tracker = DialogueStateTracker("someone", SLOTS)
    monkeypatch.undo()
    assert set(tracker.slots) == {slot.name for slot in SLOTS}
    return len(copied)


SLOW_PATHS: dict[str, Callable[[pytest.MonkeyPatch], int]] = {
    "one_response_validator": schema_checks,
    "event_type_table": event_class_walks,
    "direct_slot_copies": generic_slot_copies,
}


def test_every_patch_has_a_test_of_what_it_removes():
    assert set(SLOW_PATHS) == set(PATCH)


def test_one_validator_checks_rasas_schema_once_not_for_every_response(rasa_patched, monkeypatch):
    assert schema_checks(monkeypatch) == 0
    with without("one_response_validator"):
        # if this fails, Rasa no longer re-checks its schema: the patch may go
        assert schema_checks(monkeypatch) == 3


def test_the_event_table_walks_rasas_event_classes_once_not_for_every_event(
    rasa_patched, monkeypatch
):
    assert event_class_walks(monkeypatch) == 0
    with without("event_type_table"):
        # if this fails, Rasa no longer walks its event classes per event: the patch may go
        assert event_class_walks(monkeypatch) == len(EVENTS)


def test_slots_are_copied_directly_not_through_copys_generic_path(rasa_patched, monkeypatch):
    assert generic_slot_copies(monkeypatch) == 0
    with without("direct_slot_copies"):
        # if this fails, copying a slot no longer takes the generic path: the patch may go
        assert generic_slot_copies(monkeypatch) == len(SLOTS)


# -- applying and undoing --------------------------------------------------------------------


def test_apply_refuses_a_rasa_the_patches_were_not_written_for(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(rasa_patches.RasaPatchError) as refused:
        rasa_patches.apply()
    assert str(refused.value).startswith(
        "the patches in bot/server/rasa_patches.py were written for rasa 3.6.21; installed is "
        "3.6.22: re-check each against the new source before changing WRITTEN_FOR"
    )
    assert "rasa.shared.core.slots.Slot.__copy__" in str(refused.value)
    assert rasa_patches.applied() == []


def test_the_patches_were_written_for_the_installed_rasa():
    assert rasa.__version__ == rasa_patches.WRITTEN_FOR
    rasa_patches.check_version()


def test_apply_is_idempotent_and_undo_restores_rasas_own_attributes():
    originals = {name: patch.current() for name, patch in PATCH.items()}
    assert "__copy__" not in vars(Slot)  # Rasa's slots have none: copy.copy's generic path
    try:
        rasa_patches.apply()
        installed = {name: patch.current() for name, patch in PATCH.items()}
        rasa_patches.apply()
        assert {name: patch.current() for name, patch in PATCH.items()} == installed
        assert rasa_patches.applied() == list(PATCH)
        assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
        assert Event.resolve_by_type is rasa_patches.resolve_by_type
        assert Slot.__copy__ is rasa_patches.copy_slot
    finally:
        rasa_patches.undo()
    assert {name: patch.current() for name, patch in PATCH.items()} == originals
    assert "__copy__" not in vars(Slot)
    assert RemoteAction._validate_action_result is rasa_patches.RASA_VALIDATE_ACTION_RESULT
    assert Event.resolve_by_type is rasa_patches.RASA_RESOLVE_BY_TYPE
    rasa_patches.undo()  # undoing twice changes nothing
    assert rasa_patches.applied() == []


def test_apply_refuses_an_attribute_something_else_changed(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", lambda self, result: True)
    with pytest.raises(rasa_patches.RasaPatchError, match="_validate_action_result is neither"):
        rasa_patches.apply()
    assert rasa_patches.applied() == []  # the others are not applied either


def test_nothing_patches_rasa_on_import_or_when_a_channel_is_made():
    """Importing every module of the Rasa server's and making each channel's guard (what
    patched Rasa before) leaves Rasa as it is."""
    program = (
        "import bot.server.rasa_patches, bot.server.stores, bot.server.http_api\n"
        "from bot.server.channels import faults, rest, socketio, telegram\n"
        "faults.Guard(lambda message: None)\n"
        "print(bot.server.rasa_patches.applied())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "Rasa runs without KnotBot's patches" in done.stderr  # the guard says so


# -- the Rasa server starts with them --------------------------------------------------------

PATCHED_LINE = (
    "knotbot: Rasa 3.6.21 with KnotBot's patches (bot/server/rasa_patches.py): "
    "one_response_validator, event_type_table, direct_slot_copies"
)


def test_the_launcher_applies_the_patches_then_hands_over_to_rasa(rasa_patched, monkeypatch):
    rasa_patches.undo()
    seen = {}

    def rasa_main() -> None:
        seen["argv"] = list(sys.argv)
        seen["applied"] = rasa_patches.applied()

    monkeypatch.setattr(sys, "argv", ["bot/server/serve.py"])
    monkeypatch.setattr(rasa.__main__, "main", rasa_main)
    serve.main(["run", "--model", "models", "--port", "5999"])
    assert seen == {
        "argv": ["rasa", "run", "--model", "models", "--port", "5999"],
        "applied": list(PATCH),
    }


def test_the_launcher_does_not_start_rasa_it_was_not_written_for(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    monkeypatch.setattr(rasa.__main__, "main", lambda: pytest.fail("Rasa was started"))
    with pytest.raises(SystemExit) as stopped:
        serve.main(["run"])
    assert "written for rasa 3.6.21; installed is 3.7.0" in str(stopped.value)
    assert rasa_patches.applied() == []


def test_the_launcher_is_rasas_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "bot.server.serve", "--version"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert f"Rasa Version      :         {rasa.__version__}" in done.stdout
    assert PATCHED_LINE in done.stderr


def test_knotbot_run_starts_the_rasa_server_through_the_launcher():
    command = launch.server_commands(Path("models/model.tar.gz"))["rasa"]
    assert command[:4] == [sys.executable, "-m", "bot.server.serve", "run"]
