"""Rasa's lookup of an event's class by its name, with the classes listed once.

Rasa 3.6.21 finds the class of every event it reads (`Event.resolve_by_type`: each event
of a tracker loaded from the store, each event in an action server's response) by walking
the whole tree of `Event`'s subclasses and asking `inspect.isabstract` of each, every
time: 40 % of loading a 77-event tracker from SQLite on this machine (12.6 ms; 3.5 ms
with the table; docs/performance.md). KnotBot defines no events of its own, and Rasa's
are all defined once `rasa.shared.core.events` is imported, so the same walk is made
once, keeping Rasa's first match for each name. A name not in the table (an event class
defined since, or an unknown name) still goes to Rasa's own lookup, which gives Rasa's
answer.
"""

from __future__ import annotations

from functools import cache

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

RASA_RESOLVE_BY_TYPE = Event.resolve_by_type
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


def resolve_event_types_from_one_table() -> None:
    """Make Rasa look event classes up in the table made once (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
