"""One message as the NLU read it: its text, intent and entities, and what kind of message
that makes it (an answer, an aside such as "are you a bot?", or an interruption for the
dialogue rules)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actions.reading.questions import is_question
from actions.triage.places import known_codes

# Intents that are not answers: when nothing else could be read and the NLU is sure of
# the intent, the bot answers it and asks its question again.
ASIDE_CONFIDENCE = 0.8
ASIDES = {
    "greet": "utter_greet_short",
    "bot_challenge": "utter_iamabot",
    "ask_help": "utter_help",
    "out_of_scope": "utter_out_of_scope_in_form",
    "thank": "utter_welcome_in_form",
    "goodbye": "utter_out_of_scope_in_form",
}
# Intents that leave the interview for a moment: the form lets the dialogue rules answer
# them (a question about trigger points or one muscle, "stop", "talk to a person", "delete
# my data", an intake link, a message in another language).
INTERRUPTIONS = {
    "faq",
    "ask_muscle",
    "stop",
    "human_handoff",
    "delete_my_data",
    "start_intake",
    "other_language",
}
QUESTIONS_ONLY = {"faq", "ask_muscle"}
"""Interruptions only when put as a question: a statement the NLU took for one is an answer
(or, unreadable, counts towards leaving the question unknown)."""
UNREAD_INTENTS = {"other_language"}
"""Messages not read at all: in another language, "no puedo respirar" is not a "no"."""
SMALL_TALK = (set(ASIDES) - {"out_of_scope"}) | INTERRUPTIONS
"""Intents a reply to "what brought it on?" is not an answer with: any other words are a
cause, one we cannot place being `other`."""
UNSURE_INTENTS = {"dont_know"}


@dataclass(frozen=True)
class Message:
    text: str
    intent: str | None = None
    entities: tuple[Mapping[str, Any], ...] = ()
    confidence: float = 0.0
    """The NLU's confidence in the intent."""
    answer: str | None = None
    """The response to the question the message also asks, when the NLU heard one: "Could
    this be my heart? It started after I moved furniture" is a description that asks."""

    @property
    def aside(self) -> str | None:
        """The response to an intent that is not an answer ("are you a bot?")."""
        if self.confidence < ASIDE_CONFIDENCE:
            return None
        return ASIDES.get(self.intent or "")

    @property
    def is_statement_taken_for_a_question(self) -> bool:
        """ "the push-up challenge, too many" answers "what brought it on?"."""
        return self.intent in QUESTIONS_ONLY and not is_question(self.text)

    @property
    def interrupts(self) -> bool:
        if self.is_statement_taken_for_a_question:
            return False
        return self.confidence >= ASIDE_CONFIDENCE and self.intent in INTERRUPTIONS

    @property
    def asks(self) -> bool:
        """A question for the dialogue rules ("how do I stretch my piriformis?"): the places
        it names are what it asks about, not where it hurts."""
        return self.interrupts and self.intent in QUESTIONS_ONLY

    def values(self, entity: str) -> list[str]:
        """Codes of one kind of entity, in the order said, each once. Only codes the bot
        knows: a client can send any entity in a payload (`/inform{"body_region": 5}`)."""
        known = known_codes().get(entity)
        found = [e.get("value") for e in self.entities if e.get("entity") == entity]
        return list(
            dict.fromkeys(v for v in found if isinstance(v, str) and (known is None or v in known))
        )

    def words_of(self, entity: str, value: str) -> str | None:
        """The words the person used for an entity ("typing" for the cause overuse)."""
        for e in self.entities:
            if e.get("entity") != entity or e.get("value") != value:
                continue
            start, end = e.get("start"), e.get("end")
            if isinstance(start, int) and isinstance(end, int):
                return self.text[start:end].lower() or None
        return None

    def has_role(self, entity: str, role: str) -> bool:
        return any(e.get("entity") == entity and e.get("role") == role for e in self.entities)
