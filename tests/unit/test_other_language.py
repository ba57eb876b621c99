"""Messages in other languages: the NLU component that reads them as such, and the answer.

On the running assistant: tests/integration/test_other_language.py.
"""

from __future__ import annotations

import time

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.languages import ActionExplainEnglishOnly, english_only, sentences
from actions.settings import PROJECT_ROOT
from bot.server.channels.limits import settings
from bot.server.nlu.other_language import (
    COMMON_WORDS,
    COURTESIES,
    ENGLISH_WORDS,
    OtherLanguageClassifier,
    OtherLanguageDetector,
)

OTHER_LANGUAGES = yaml.safe_load((PROJECT_ROOT / "tests/data/other_languages.yml").read_text())
ANSWERED_IN_THEIR_LANGUAGE = ["es", "fr", "de", "pt", "it"]
INTENT = "other_language"

# English the way people write it, beyond the project's data: short replies, foreign words
# and names, typos and slang, the Latin of anatomy, emoji and numbers.
ENGLISH_EDGE_CASES = [
    "no", "ok", "3", "yes please", "nope", "yes", "y", "n", "k", "kk", "ya", "nah mate",
    "my back hurts since the fiesta", "I'm from São Paulo and my neck hurts",
    "I had a siesta and woke up with a stiff neck", "my abuela says it's a pulled muscle",
    "it started at the café in Paris", "I live in München and my calf hurts",
    "Ich bin ein Berliner lol, my shoulder hurts", "Señora Martínez recommended stretching",
    "José told me to ice it", "I'm from Москва and my neck hurts", "Señor, my hamstring",
    "muy back hurts", "me neck is killin me", "ma back is killin me", "gonna b fine lol",
    "lowr bak pain", "shoulda stretched b4 runnin", "calfs r cramping", "nek stiff af",
    "hammys tite", "cramp in mi calf", "sholder iz killing me", "bruh my neck", "idk",
    "dunno", "tbh no", "okie dokie", "alrighty", "sure thing", "k thx", "ouch ouch ouch",
    "plantar fasciitis", "gluteus medius pain", "piriformis syndrome?", "levator scapulae",
    "sternocleidomastoid", "quadratus lumborum", "latissimus dorsi sore", "erector spinae",
    "supraspinatus tendinitis", "tibialis anterior shin splints", "rectus femoris",
    "biceps femoris tight", "vastus medialis", "iliopsoas", "multifidi", "scalenes",
    "mea culpa", "rigor mortis", "et cetera", "vice versa", "Mazel tov", "Feng shui",
    "Jiu jitsu", "Tai chi", "Muay thai", "Krav maga", "Paso doble", "Salsa dancing",
    "after capoeira class", "Doing ballet en pointe", "got hurt playing jai alai",
    "Alexander technique", "espresso machine", "hasta la vista baby", "c'est la vie",
    "gracias", "muchas gracias", "merci beaucoup", "danke schön", "grazie mille", "hola",
    "bonjour", "ciao", "obrigado", "au revoir", "Namaste", "Konnichiwa",
    "since lunes", "2 semanas", "it's a 7 out of 10", "8/10", "🙂", "👍👍", "😭😭", "...",
    "𝐦𝐲 𝐧𝐞𝐜𝐤 𝐡𝐮𝐫𝐭𝐬", "ｍｙ ｎｅｃｋ ｈｕｒｔｓ",
]  # fmt: skip


FOREIGN_OUT_OF_SCOPE = [
    "quelle heure est-il", "wie spät ist es", "¿qué tiempo hace hoy?", "che ore sono",
    "¿dónde está la biblioteca?", "quel temps fait-il?", "wie spät ist es?", "今天天气怎么样",
]  # fmt: skip
"""out_of_scope's examples in other languages (data/nlu/basics.yml, for DIET): not English."""


@pytest.fixture(scope="module")
def component() -> OtherLanguageClassifier:
    return OtherLanguageClassifier(OtherLanguageClassifier.get_default_config())


@pytest.fixture(scope="module")
def detector(component) -> OtherLanguageDetector:
    return component.detector


# --- the detector alone ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t", "🙂🙂🙂", "👍", "3", "8/10", "12345 678", "?!?!", "x" * 2_000,
     "my neck hurts " * 150, "a" * 2_000, "é" * 2_000, "🙂" * 2_000],
    ids=["empty", "blank", "whitespace", "emoji", "one-emoji", "number", "score", "digits",
         "punctuation", "2000-x", "2000-english", "2000-a", "2000-accent", "2000-emoji"],
)  # fmt: skip
def test_nothing_to_read_is_not_another_language(detector, text):
    assert detector.read(text) is None


@pytest.mark.parametrize(
    ("text", "script"),
    [("у меня болит шея", "cyrillic"), ("我的脖子很疼", "cjk"), ("首が痛いです", "hiragana"),
     ("목이 아파요", "hangul"), ("أشعر بألم في رقبتي", "arabic"),
     ("मेरी गर्दन में दर्द है", "devanagari"), ("ευχαριστώ πολύ", "greek"),
     ("болит спина, neck", "cyrillic")],
)  # fmt: skip
def test_a_script_english_is_not_written_in_is_another_language(detector, text, script):
    verdict = detector.read(text)
    assert verdict is not None and verdict.code is None and verdict.script == script


@pytest.mark.parametrize(
    "text",
    [
        "I'm from Москва and my neck hurts",
        "my neck hurts 我的",
        "pain in my neck, спасибо",
        "Ich habe Schmerzen, my neck hurts",
        "me duele, it hurts since Monday",
    ],
)
def test_mixed_scripts_and_languages_with_english_in_them_are_english(detector, text):
    assert detector.read(text) is None


def test_the_longest_message_in_another_language_is_read_with_no_pause_a_person_notices(
    detector,
):
    text = ("me duele mucho el cuello y la espalda desde hace una semana " * 40)[:2_000]
    assert len(text) == settings()["limits"]["max_message_chars"]  # the channels' limit
    started = time.perf_counter()
    verdict = detector.read(text)
    # a second is a pause a person notices in a reply, and a thousand times what a read of
    # 2,000 characters costs (about 1 ms, docs/performance.md): only a model loaded per
    # message, or work growing with the square of the length, gets there, however busy
    # the machine
    assert time.perf_counter() - started < 1
    assert verdict is not None and verdict.code == "es"


def test_a_language_lingua_was_not_given_is_another_language_unnamed(detector):
    # lingua, choosing among the languages it has, takes Czech for Spanish
    for text in ("bolí mě záda", "jag har ont i nacken", "mă doare gâtul de trei zile"):
        verdict = detector.read(text)
        assert verdict is not None and verdict.code is None, text


def test_a_misspelled_lexicon_word_in_another_language_is_not_english(detector):
    # the lexicon reads "Knie" as "knee" and "Luft" as "left": corrections, not English
    entities = [{"entity": "vague_region", "value": "knee", "start": 5, "end": 9}]
    verdict = detector.read("mein Knie tut beim Laufen weh", entities)
    assert verdict is not None and verdict.code == "de"
    entities = [{"entity": "vague_region", "value": "neck", "start": 7, "end": 11}]
    assert detector.read("mi neck duele mucho ahora", entities) is None


def test_the_english_words_are_no_common_word_of_the_languages_detected():
    for code, words in COMMON_WORDS.items():
        assert not ENGLISH_WORDS & words, code
    assert not ENGLISH_WORDS & COURTESIES


def test_every_language_detected_has_its_common_words():
    languages = OtherLanguageClassifier.get_default_config()["languages"]
    assert set(languages) - {"en"} == set(COMMON_WORDS)


@pytest.mark.parametrize(
    ("code", "text"),
    [(code, text) for code, messages in OTHER_LANGUAGES.items() for text in messages],
)
def test_messages_in_other_languages_are_read_as_such(detector, code, text):
    verdict = detector.read(text)
    assert verdict is not None, text
    if code in ANSWERED_IN_THEIR_LANGUAGE:
        assert verdict.code == code
    else:
        assert verdict.code in (code, None)


# --- the component in the pipeline ----------------------------------------------------


def processed(
    component: OtherLanguageClassifier, text: str, intent: str, ranking: list[tuple[str, float]]
) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": ranking[0][1] if ranking else 0.0},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "entities": [],
        }
    )
    return component.process([message])[0]


def test_a_message_in_another_language_gets_the_intent_and_its_language(component):
    ranking = [("inform", 0.95), ("faq", 0.9)]
    message = processed(component, "me duele mucho el cuello", "inform", ranking)
    assert message.get("intent") == {"name": INTENT, "confidence": 1.0}
    # alone in the ranking, so the FallbackClassifier does not find it ambiguous
    assert message.get("intent_ranking") == [{"name": INTENT, "confidence": 1.0}]
    assert message.get("language") == {"code": "es", "confidence": 0.867, "script": "latin"}
    assert "language" in message.as_dict(only_output_properties=True)


def test_diet_saying_other_language_of_english_gives_way_to_its_next_intent(component):
    ranking = [(INTENT, 0.6), ("out_of_scope", 0.3)]
    message = processed(component, "asdf jkl qwerty", INTENT, ranking)
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 0.3}
    assert [r["name"] for r in message.get("intent_ranking")] == ["out_of_scope"]
    assert message.get("language") is None
    alone = processed(component, "my neck", INTENT, [(INTENT, 0.6)])
    assert alone.get("intent") == {"name": None, "confidence": 0.0}


def test_english_keeps_diets_intent(component):
    message = processed(component, "my back hurts since the fiesta", "inform", [("inform", 0.99)])
    assert message.get("intent") == {"name": "inform", "confidence": 0.99}


# --- the answer -----------------------------------------------------------------------


def test_every_sentence_says_the_emergency_number_once():
    assert set(sentences()) == {"en", *ANSWERED_IN_THEIR_LANGUAGE}
    for code, sentence in sentences().items():
        assert sentence.count("{emergency_number}") == 1, code
        assert "KnotBot" in sentence, code
    assert english_only("es", "112").count("112") == 1
    assert english_only("nl", "911") == english_only(None, "911") == english_only("en", "911")


async def test_the_action_answers_in_the_messages_language_with_the_slots_number():
    tracker = Tracker(
        sender_id="test",
        slots={"emergency_number": "999"},
        latest_message={"text": "x", "intent": {"name": INTENT}, "language": {"code": "fr"}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    assert await ActionExplainEnglishOnly().run(dispatcher, tracker, {}) == []
    assert [m["text"] for m in dispatcher.messages] == [english_only("fr", "999")]
    assert "999" in dispatcher.messages[0]["text"]


# --- with the real servers ------------------------------------------------------------
