"""Messages in other languages on the running assistant: `/model/parse` for what the NLU
makes of every message of the project's English data (none may be taken for another
language), and the REST webhook for the answers (the component: tests/unit/)."""

from __future__ import annotations

import uuid

import pytest
import requests
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from actions.languages import english_only
from actions.settings import DATA_DIR, PROJECT_ROOT
from tests.conftest import texts
from tests.unit.test_other_language import (
    ANSWERED_IN_THEIR_LANGUAGE,
    ENGLISH_EDGE_CASES,
    FOREIGN_OUT_OF_SCOPE,
    INTENT,
    OTHER_LANGUAGES,
)


def english_messages() -> list[str]:
    """Every English message of the project's data and the team's example patients."""
    found = []
    nlu_files = [*sorted((DATA_DIR / "nlu").glob("*.yml")), PROJECT_ROOT / "tests/nlu/test_nlu.yml"]
    for path in nlu_files:
        for example in load_data(str(path)).intent_examples:
            if example.get("intent") != INTENT and example.get("text") not in FOREIGN_OUT_OF_SCOPE:
                found.append(example.get("text"))
    utterances = yaml.safe_load((PROJECT_ROOT / "tests/data/utterances.yml").read_text())
    found += [u["text"] for u in utterances]
    for name in ("vignettes.yml", "vignettes_examples.yml"):
        for case in yaml.safe_load((PROJECT_ROOT / "tests/data" / name).read_text()):
            found.append(case["open"])
            found += [str(words) for words in (case.get("say") or {}).values()]
            found += [str(words) for words in (case.get("flags") or {}).values()]
    return list(dict.fromkeys(found + ENGLISH_EDGE_CASES))


def training_examples_of_other_languages() -> list[str]:
    data = load_data(str(DATA_DIR / "nlu"))
    found = [m.get("text") for m in data.intent_examples if m.get("intent") == INTENT]
    return found + FOREIGN_OUT_OF_SCOPE


def parse(bot, text: str) -> dict:
    reply = requests.post(f"{bot.url}/model/parse", json={"text": text}, timeout=30)
    reply.raise_for_status()
    return reply.json()


def say(bot, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
    body: dict = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    reply = requests.post(f"{bot.url}/webhooks/rest/webhook", json=body, timeout=60)
    reply.raise_for_status()
    return reply.json()


def new_sender() -> str:
    return f"language-{uuid.uuid4().hex[:10]}"


def test_no_english_message_of_the_projects_data_is_taken_for_another_language(bot):
    messages = english_messages()
    assert len(messages) > 1_000
    taken = [t for t in messages if parse(bot, t)["intent"]["name"] == INTENT]
    assert taken == []


def test_every_message_in_another_language_gets_the_intent_and_its_language(bot):
    wrong = {}
    for code, messages in OTHER_LANGUAGES.items():
        # a language without a sentence may go unnamed: its answer is the English one
        named = {code} if code in ANSWERED_IN_THEIR_LANGUAGE else {code, None}
        for text in messages:
            result = parse(bot, text)
            found = (result["intent"]["name"], (result.get("language") or {}).get("code"))
            if found[0] != INTENT or found[1] not in named:
                wrong[text] = found
    assert wrong == {}
    training = training_examples_of_other_languages()
    assert [t for t in training if parse(bot, t)["intent"]["name"] != INTENT] == []


@pytest.mark.parametrize("code", ANSWERED_IN_THEIR_LANGUAGE)
@pytest.mark.parametrize(("locale", "number"), [("es-ES", "112"), (None, "911")])
def test_a_first_message_in_another_language_is_answered_in_it(bot, code, locale, number):
    for text in OTHER_LANGUAGES[code][:4]:
        sender = new_sender()
        reply = say(bot, sender, text, {"locale": locale} if locale else None)
        assert texts(reply) == english_only(code, number), text
        slots = bot.slots(sender)
        assert slots["emergency_number"] == number
        assert slots["pain_regions"] is None and slots["triage_level"] is None


def test_an_emergency_written_in_spanish_gets_the_sentence_with_the_number(bot):
    sender = new_sender()
    reply = say(bot, sender, "me duele el pecho y no puedo respirar", {"locale": "es-ES"})
    assert texts(reply) == english_only("es", "112")
    assert "112" in texts(reply)
    slots = bot.slots(sender)  # nothing was read from it, and nothing is guessed
    assert slots["triage_level"] is None and not slots["red_flags"] and not slots["findings"]


@pytest.mark.parametrize("text", ["mijn rug doet pijn", "boynumda ağrı var", "у меня болит шея"])
def test_a_language_without_a_sentence_gets_the_english_one(bot, text):
    _, (reply,) = bot.talk(text)
    assert texts(reply) == english_only("en", "911")


def test_in_the_middle_of_the_interview_it_is_answered_and_english_goes_on(bot):
    sender, replies = bot.talk("I have a knot in my left calf from running", "no")
    assert "How long" in texts(replies[-1])  # after the red-flag questions
    reply = say(bot, sender, "me duele mucho, no entiendo")
    said = texts(reply)
    assert said.startswith(english_only("es", "911"))
    assert "How long" in said  # the question still open is asked again
    slots = bot.slots(sender)
    assert slots["pain_duration_days"] is None and slots["triage_level"] is None
    bot.send(sender, "3 days")
    slots = bot.slots(sender)
    assert slots["pain_regions"] == ["calf"] and slots["pain_duration_days"] == 3


def test_a_red_flag_question_answered_in_another_language_is_not_taken_for_a_no(bot):
    sender, replies = bot.talk("a knot in my left calf from running")
    assert "any of these" in texts(replies[-1])
    reply = say(bot, sender, "no puedo respirar bien")
    assert texts(reply).startswith(english_only("es", "911"))
    slots = bot.slots(sender)
    assert slots["triage_level"] is None and slots["screen_embolism"] is None
    bot.send(sender, "no")
    bot.answer(sender, pain_duration_days="2 days", pain_intensity="3")
    assert bot.slots(sender)["triage_level"] == "self_care"


def test_after_the_answer_an_english_description_starts_the_interview(bot):
    sender, (first, second) = bot.talk("ich habe Schmerzen im Nacken", "my neck hurts")
    assert texts(first) == english_only("de", "911")
    assert "any of these" in texts(second) or "Have you had" in texts(second)
    assert bot.slots(sender)["vague_regions"] == ["neck"]
