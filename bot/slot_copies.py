"""Rasa's copies of slots, made directly instead of through `copy.copy`'s generic path.

Every tracker Rasa 3.6.21 makes copies each of the domain's slots with `copy.copy`, and it
makes many: the policies replay the whole conversation into a fresh tracker to read its
states, once per policy before each action, and each action runs on a copy of the
tracker. With KnotBot's 47 slots that was a tenth of the turn that gives the advice
(docs/performance.md), nearly all of it in `copy.copy`'s generic path (`__reduce_ex__`,
then `copy._reconstruct`). For Rasa's slot classes that path makes a new object of the
same class and copies the attribute dictionary into it, which `copy_slot` does at once.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.slots import Slot


def copy_slot(slot: Slot) -> Slot:
    """What `copy.copy` makes of a slot: the same class, a shallow copy of its attributes."""
    # Any: Rasa is untyped, and mypy takes `__new__` of an untyped class for type's own
    cls: Any = type(slot)
    copied = cls.__new__(cls)
    copied.__dict__.update(slot.__dict__)
    return copied


def copy_slots_directly() -> None:
    """Make `copy.copy` use `copy_slot` for Rasa's slots (idempotent)."""
    Slot.__copy__ = copy_slot
