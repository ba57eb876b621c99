"""The clinic intake questionnaire (data/intake/questionnaire.yml) and its FHIR R4 forms: the
`Questionnaire` a clinic's system imports once, and one `QuestionnaireResponse` per intake.

Both are plain dicts in FHIR's JSON shape: the staff app serves them as they are, and the
tests validate them with fhir.resources, so the module needs neither Rasa nor a FHIR library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from actions.settings import DATA_DIR

QUESTIONNAIRE_ID = "knotbot-intake"
QUESTIONNAIRE_VERSION = "2"
"""2: the `emergency_number` item (the number the patient was given)."""
FHIR_BASE = "https://knotbot.example/fhir"
QUESTIONNAIRE_URL = f"{FHIR_BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
CODE_SYSTEM_BASE = f"{FHIR_BASE}/CodeSystem"
"""A choice item's options are codes of the system `{CODE_SYSTEM_BASE}/{item code}`."""
APPOINTMENT_REF_SYSTEM = f"{FHIR_BASE}/appointment-ref"

# The data's type names happen to be FHIR's; the map keeps the YAML's vocabulary our own.
FHIR_ITEM_TYPES = {
    "string": "string",
    "text": "text",
    "boolean": "boolean",
    "choice": "choice",
    "decimal": "decimal",
    "integer": "integer",
}
RESPONSE_STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
ITEM_KEYS = {"code", "text", "type", "options", "repeats", "from_slot", "caution"}
CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Option:
    code: str
    display: str
    words: tuple[str, ...] = ()
    """Other ways people say it ("deep" for firm), for reading a typed answer."""


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    type: str
    options: tuple[Option, ...] = ()
    repeats: bool = False
    from_slot: str | None = None
    caution: str | None = None
    """On the health screen: what staff see flagged when the answer is yes."""

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class IntakeQuestionnaire:
    consent: str
    items: tuple[Item, ...]

    def item(self, code: str) -> Item | None:
        return next((item for item in self.items if item.code == code), None)


@cache
def load_questionnaire(
    path: Path = DATA_DIR / "intake" / "questionnaire.yml",
) -> IntakeQuestionnaire:
    """The questionnaire, checked as it is read (read once per path; it is immutable)."""
    data = yaml.safe_load(Path(path).read_text())
    consent = data.get("consent")
    if not isinstance(consent, str) or not consent.strip():
        raise ValueError(f"{path}: the consent text is missing")
    items = tuple(_item(entry, f"{path}: item #{i + 1}") for i, entry in enumerate(data["items"]))
    codes = [item.code for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate item codes {', '.join(duplicates)}")
    return IntakeQuestionnaire(consent=consent.strip(), items=items)


def _item(entry: Mapping[str, Any], where: str) -> Item:
    # A typo such as `repeat:` would otherwise silently make a one-answer item.
    where = f"{where} ({entry.get('code', 'no code')})"
    unknown = set(entry) - ITEM_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if not isinstance(entry.get("code"), str) or not CODE.fullmatch(entry["code"]):
        raise ValueError(f"{where}: the code must be snake_case")
    if not isinstance(entry.get("text"), str) or not entry["text"].strip():
        raise ValueError(f"{where}: the text is missing")
    if entry.get("type") not in FHIR_ITEM_TYPES:
        raise ValueError(f"{where}: the type must be one of {', '.join(FHIR_ITEM_TYPES)}")
    options = tuple(
        Option(
            code=str(option["code"]),
            display=str(option["display"]),
            words=tuple(str(word) for word in option.get("words") or ()),
        )
        for option in entry.get("options") or ()
    )
    if (entry["type"] == "choice") != bool(options):
        raise ValueError(f"{where}: a choice item needs options, and only a choice item has them")
    if len({option.code for option in options}) != len(options):
        raise ValueError(f"{where}: duplicate option codes")
    if entry.get("caution") is not None and entry["type"] != "boolean":
        raise ValueError(f"{where}: only a yes/no question can flag a caution")
    return Item(
        code=entry["code"],
        text=entry["text"].strip(),
        type=entry["type"],
        options=options,
        repeats=bool(entry.get("repeats", False)),
        from_slot=entry.get("from_slot"),
        caution=entry.get("caution"),
    )


def fhir_questionnaire(questionnaire: IntakeQuestionnaire) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 Questionnaire resource."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "KnotBotIntake",
        "title": "KnotBot clinic intake",
        "status": "active",
        "item": [_fhir_item(item) for item in questionnaire.items],
    }


def _fhir_item(item: Item) -> dict[str, Any]:
    fhir: dict[str, Any] = {
        "linkId": item.code,
        "text": item.text,
        "type": FHIR_ITEM_TYPES[item.type],
    }
    if item.repeats:
        fhir["repeats"] = True
    if item.options:
        fhir["answerOption"] = [{"valueCoding": _coding(item, o)} for o in item.options]
    return fhir


def questionnaire_response(
    questionnaire: IntakeQuestionnaire,
    ref: str,
    answers: Mapping[str, Any],
    authored: datetime,
    status: str = "completed",
) -> dict[str, Any]:
    """An intake as a FHIR R4 QuestionnaireResponse: one item per answered question, in the
    questionnaire's order. `answers` maps item codes to values (a list for several answers);
    None, a blank text and an empty list count as not answered. Raises ValueError naming the
    item for an unknown code or a value the item cannot take."""
    if not isinstance(ref, str) or not ref.strip():
        raise ValueError(f"the appointment reference must be a non-empty string, not {ref!r}")
    if status not in RESPONSE_STATUSES:
        raise ValueError(f"status must be one of {', '.join(RESPONSE_STATUSES)}, not {status!r}")
    # FHIR requires a zone on a dateTime with a time; guessing one would misplace the intake.
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored must carry a timezone")
    unknown = sorted(code for code in answers if questionnaire.item(code) is None)
    if unknown:
        raise ValueError(f"no questionnaire item with the code {', '.join(unknown)}")
    items = []
    for item in questionnaire.items:
        values = _values(item, answers.get(item.code))
        if values:
            items.append(
                {
                    "linkId": item.code,
                    "text": item.text,
                    "answer": [_answer(item, value) for value in values],
                }
            )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": status,
        "authored": authored.isoformat(),
        "identifier": {"system": APPOINTMENT_REF_SYSTEM, "value": ref},
    }
    # FHIR JSON forbids empty arrays: an intake with nothing answered yet has no `item`.
    if items:
        resource["item"] = items
    return resource


def _values(item: Item, value: Any) -> list[Any]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, (list, tuple)):
        if not item.repeats and value:
            raise ValueError(f"item {item.code!r} takes one answer, not a list: {value!r}")
        return list(value)
    return [value]


def _answer(item: Item, value: Any) -> dict[str, Any]:
    # bool is an int in Python, so True must not pass as a number (nor 1 as a yes).
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if item.type in ("string", "text") and isinstance(value, str) and value.strip():
        return {"valueString": value.strip()}
    if item.type == "boolean" and isinstance(value, bool):
        return {"valueBoolean": value}
    if item.type == "decimal" and number and math.isfinite(value):
        return {"valueDecimal": value}
    if item.type == "integer" and number and isinstance(value, int):
        return {"valueInteger": value}
    if item.type == "choice" and isinstance(value, str):
        option = item.option(value)
        if option is None:
            raise ValueError(f"item {item.code!r} has no option {value!r}")
        return {"valueCoding": _coding(item, option)}
    raise ValueError(f"item {item.code!r} ({item.type}) cannot take {value!r}")


def _coding(item: Item, option: Option) -> dict[str, str]:
    return {
        "system": f"{CODE_SYSTEM_BASE}/{item.code}",
        "code": option.code,
        "display": option.display,
    }
