"""A Rasa NLU component: Rasa's ResponseSelector, asked only about the questions it answers.

Rasa's ResponseSelector runs its model on every message, though its answer is used only
for a message whose intent is its retrieval intent (`faq`): the rules run `utter_faq` on
that intent alone, and no later component turns another intent into it
(`PainMentionClassifier` only turns intents into `inform`). Its model was 12 % of a turn
(docs/performance.md), so other messages are passed over: they get no selection, as a
message with no retrieval intent would.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class QuestionResponseSelector(ResponseSelector):
    def process(self, messages: list[Message]) -> list[Message]:
        super().process([message for message in messages if self._is_asked(message)])
        return messages

    def _is_asked(self, message: Message) -> bool:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.retrieval_intent
