"""Every change KnotBot makes to Rasa itself, in one place, applied explicitly at start-up.

Rasa 3.6.21 spends most of a turn in three places that give the same answer every time
(docs/performance.md, measured with py-spy and cProfile). Each patch below replaces one
attribute of one Rasa class with a function giving exactly Rasa's answer, faster; each
says why, keeps Rasa's original so that `undo()` puts it back, and has a test in
tests/unit/test_rasa_patches.py that shows the slow path it removes, with the patch applied and
undone (and tests/unit/test_action_responses.py, test_event_types.py and test_slot_copies.py
check that the answers are Rasa's own).

Nothing here happens on import. `apply()` is called once, before Rasa starts:
`python -m bot.server.serve run ...` (bot/server/serve.py), which is how `knotbot run`, the tests'
servers, docker-compose and Kubernetes start the Rasa server. It refuses to patch any Rasa
but the one the patches were written for (`WRITTEN_FOR`): on an upgrade, read each
replaced function in the new Rasa, adapt or drop the patch, run the tests named above,
then change `WRITTEN_FOR`.

The channels' fixes for Rasa's socket.io and Telegram bugs (rasa-3.6-notes.md, section 0)
are not here: they are subclasses and a channel of KnotBot's
own (bot/server/channels/), named in bot/credentials.yml, and change nothing in Rasa.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import rasa
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot
from rasa.shared.utils.common import all_subclasses

logger = logging.getLogger(__name__)

WRITTEN_FOR = "3.6.21"
"""The Rasa whose source each patch below was read against."""


class RasaPatchError(RuntimeError):
    """The patches cannot be applied: another Rasa, or an attribute changed by others."""


class _Missing:
    def __repr__(self) -> str:
        return "<not defined on the class itself>"


MISSING: Any = _Missing()
"""An attribute the class does not define itself (`Slot.__copy__`): undone by deleting."""


@dataclass(frozen=True)
class Patch:
    """One Rasa attribute replaced: `owner.attribute` becomes `replacement`."""

    name: str
    owner: type
    attribute: str
    replacement: Any
    """What goes into the class's own dictionary (a function, a staticmethod)."""
    why: str
    original: Any = field(init=False)
    """What the class's own dictionary held before (MISSING: nothing)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "original", self.current())

    @property
    def target(self) -> str:
        return f"{self.owner.__module__}.{self.owner.__qualname__}.{self.attribute}"

    def current(self) -> Any:
        return vars(self.owner).get(self.attribute, MISSING)

    def is_applied(self) -> bool:
        return self.current() is self.replacement

    def install(self) -> None:
        setattr(self.owner, self.attribute, self.replacement)

    def restore(self) -> None:
        if self.original is MISSING:
            delattr(self.owner, self.attribute)
        else:
            setattr(self.owner, self.attribute, self.original)


# -- 1. RemoteAction._validate_action_result: the schema's validators built once ------------

RASA_VALIDATE_ACTION_RESULT: Callable[[RemoteAction, Any], bool] = vars(RemoteAction)[
    "_validate_action_result"
]
"""Rasa's own check, kept so that tests can compare the two."""


class ResponseCheck:
    """Rasa's schema for an action server response, as validators built once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)
        self.full = validator_class(schema)

        without_kinds = deepcopy(schema)
        kinds = without_kinds["properties"]["events"]["items"].pop("oneOf")
        self.without_kinds = validator_class(without_kinds)
        self.kind = {
            branch["properties"]["event"]["const"]: validator_class(branch) for branch in kinds
        }
        # the reasoning of VALIDATOR_WHY holds only if no two kinds share a name
        assert len(self.kind) == len(kinds), "two kinds of event share a name"

    def is_valid(self, result: Any) -> bool:
        """The full schema's verdict, without trying every event against every kind."""
        if not self.without_kinds.is_valid(result):
            return False
        # now every event is an object whose `event` is a string
        for event in result.get("events", []):
            kind = self.kind.get(event["event"])
            if kind is None or not kind.is_valid(event):
                return False
        return True


@cache
def response_check() -> ResponseCheck:
    return ResponseCheck(RemoteAction.action_response_format_spec())


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    check = response_check()
    if check.is_valid(result):
        return True
    error = best_match(check.full.iter_errors(result))
    if error is None:
        return True
    # Rasa's words (rasa/core/actions/action.py), so its logs read the same
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


VALIDATOR_WHY = """\
Rasa 3.6.21 checks every response of the action server with `jsonschema.validate(result,
schema)` (rasa/core/actions/action.py:699-713). jsonschema 4.17's `validate` first checks
the *schema itself* against its Draft 2020-12 metaschema, on every call: 147 ms a response
on this machine, against 3 ms for the response. KnotBot's forms call the action server
several times a turn, and py-spy put half of the Rasa server's time there
(docs/performance.md). The schema never changes, so it is checked once and its validators
kept, and each response gets exactly `jsonschema.validate`'s verdict and error (the same
validator class, the same `best_match` error, Rasa's own message added).

Even then, most of the 3 ms went to the schema's `oneOf` over the 23 kinds of event: every
event is tried against every kind, and each kind that does not match builds its error. The
kinds are told apart by `event` alone (each is `{"event": {"const": kind}}`), so an event
whose `event` is a string matches the others never: `oneOf` passes exactly when the event
matches its own kind. A response is therefore first checked that way, and only one that
fails is checked in full, for Rasa's own error. tests/unit/test_action_responses.py compares
both verdicts and messages on 1,000 generated responses."""


# -- 2. Event.resolve_by_type: the event classes listed once -------------------------------

RASA_RESOLVE_BY_TYPE: Callable[..., type[Event] | None] = vars(Event)["resolve_by_type"].__func__
"""Rasa's own lookup, kept so that tests can compare the two."""


@cache
def event_classes() -> dict[str, type[Event]]:
    classes: dict[str, type[Event]] = {}
    for event_class in all_subclasses(Event):
        classes.setdefault(event_class.type_name, event_class)
    return classes


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    event_class = event_classes().get(type_name)
    if event_class is None:
        return RASA_RESOLVE_BY_TYPE(type_name, default)
    return event_class


EVENT_TABLE_WHY = """\
Rasa 3.6.21 finds the class of every event it reads (`Event.resolve_by_type`,
rasa/shared/core/events.py:374-387: each event of a tracker loaded from the store, each
event in an action server's response) by walking the whole tree of `Event`'s subclasses and
asking `inspect.isabstract` of each, every time: 40 % of loading a 77-event tracker from
SQLite on this machine (12.6 ms; 3.5 ms with the table; docs/performance.md). KnotBot
defines no events of its own, and Rasa's are all defined once `rasa.shared.core.events` is
imported, so the same walk is made once, keeping Rasa's first match for each name. A name
not in the table (an event class defined since, or an unknown name) still goes to Rasa's
own lookup, which gives Rasa's answer. tests/unit/test_event_types.py checks every name."""


# -- 3. Slot.__copy__: slots copied directly -------------------------------------------------


def copy_slot(slot: Slot) -> Slot:
    """What `copy.copy` makes of a slot: the same class, a shallow copy of its attributes."""
    # Any: Rasa is untyped, and mypy takes `__new__` of an untyped class for type's own
    cls: Any = type(slot)
    copied = cls.__new__(cls)
    copied.__dict__.update(slot.__dict__)
    return copied


SLOT_COPY_WHY = """\
Every tracker Rasa 3.6.21 makes copies each of the domain's slots with `copy.copy`
(rasa/shared/core/trackers.py:202), and it makes many: the policies replay the whole
conversation into a fresh tracker to read its states, once per policy before each action,
and each action runs on a copy of the tracker. With KnotBot's 47 slots that was a tenth of
the turn that gives the advice (docs/performance.md), nearly all of it in `copy.copy`'s
generic path (`__reduce_ex__`, then `copy._reconstruct`). For Rasa's slot classes (none
defines `__copy__`, `__reduce__` or `__setstate__`) that path makes a new object of the
same class and copies the attribute dictionary into it, which `copy_slot` does at once.
tests/unit/test_slot_copies.py compares each domain slot's copy with the generic path's."""


PATCHES: tuple[Patch, ...] = (
    Patch(
        "one_response_validator",
        RemoteAction,
        "_validate_action_result",
        validate_action_result,
        VALIDATOR_WHY,
    ),
    Patch(
        "event_type_table",
        Event,
        "resolve_by_type",
        staticmethod(resolve_by_type),
        EVENT_TABLE_WHY,
    ),
    Patch("direct_slot_copies", Slot, "__copy__", copy_slot, SLOT_COPY_WHY),
)


def check_version(installed: str | None = None) -> None:
    installed = rasa.__version__ if installed is None else installed
    if installed != WRITTEN_FOR:
        raise RasaPatchError(
            f"the patches in bot/server/rasa_patches.py were written for rasa {WRITTEN_FOR}; "
            f"installed is {installed}: re-check each against the new source before changing "
            "WRITTEN_FOR (the patched attributes: "
            + ", ".join(patch.target for patch in PATCHES)
            + ")"
        )


def apply() -> None:
    """Apply every patch, once (idempotent); refuses another Rasa than WRITTEN_FOR, and an
    attribute that something else has changed, before changing anything."""
    check_version()
    for patch in PATCHES:
        if not patch.is_applied() and patch.current() is not patch.original:
            raise RasaPatchError(
                f"{patch.target} is neither Rasa's nor KnotBot's ({patch.current()!r}): "
                f"something else changed it, so the patch {patch.name} is not applied"
            )
    for patch in PATCHES:
        if not patch.is_applied():
            patch.install()


def undo() -> None:
    """Put Rasa's originals back where a patch is applied (idempotent)."""
    for patch in PATCHES:
        if patch.is_applied():
            patch.restore()


def applied() -> list[str]:
    """The names of the patches in force now."""
    return [patch.name for patch in PATCHES if patch.is_applied()]


def summary() -> str:
    return f"Rasa {rasa.__version__} with KnotBot's patches (bot/server/rasa_patches.py): " + (
        ", ".join(applied()) or "none"
    )


_warned = False


def warn_unless_applied() -> None:
    """Log once when the Rasa server runs without the patches (started as `rasa run`)."""
    global _warned
    missing = [patch.name for patch in PATCHES if not patch.is_applied()]
    if missing and not _warned:
        _warned = True
        logger.warning(
            "Rasa runs without KnotBot's patches %s (bot/server/rasa_patches.py), so turns are "
            "slower: start it with `python -m bot.server.serve run ...`, as `knotbot run` does",
            ", ".join(missing),
        )
