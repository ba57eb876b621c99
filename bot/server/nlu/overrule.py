"""Setting a message's intent over DIET's, as KnotBot's rule-like classifiers do."""

from __future__ import annotations

from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


def overrule(message: Message, intent: str) -> None:
    """The intent, certain and alone in the ranking: the FallbackClassifier after these
    components would otherwise find DIET's two closest intents ambiguous and fall back."""
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen], add_to_output=True)
