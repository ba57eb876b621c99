"""A message in a language KnotBot cannot read: it says so, in that language where it has
the sentence (data/languages.yml), with the emergency number, and guesses nothing about
what the message said.

The NLU (bot/server/nlu/other_language.py) gives the message the intent `other_language` and
puts its language in the parse data's `language`; the number is the conversation's
`emergency_number` slot, which the session start sets from the page's locale.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import DATA_DIR

ENGLISH = "en"


@cache
def sentences() -> dict[str, str]:
    return dict(yaml.safe_load((DATA_DIR / "languages.yml").read_text())["english_only"])


def english_only(language: str | None, emergency_number: str) -> str:
    """That KnotBot reads English only, in the language when there is a sentence for it."""
    sentence = sentences().get(language or ENGLISH) or sentences()[ENGLISH]
    return sentence.replace("{emergency_number}", emergency_number)


def message_language(tracker: Tracker) -> str | None:
    """The ISO 639-1 code the NLU found for the latest message, if it named one."""
    found = (tracker.latest_message or {}).get("language")
    code = found.get("code") if isinstance(found, dict) else None
    return code if isinstance(code, str) else None


class ActionExplainEnglishOnly(Action):
    def name(self) -> str:
        return "action_explain_english_only"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = tracker.get_slot("emergency_number")
        dispatcher.utter_message(text=english_only(message_language(tracker), str(number)))
        return []
