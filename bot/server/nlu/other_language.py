"""A Rasa NLU component: a message in another language gets the intent `other_language`.

KnotBot reads English only. "me duele mucho el cuello" was taken for something out of
scope (the lexicon even read "cuello" as a misspelled word), and the person was told "I can
only help with muscle pain", in English. The policy: a message the bot cannot read because
it is in another language is answered, in that language where the bot has the sentence,
with the fact that KnotBot reads English only and with the emergency number
(actions/languages.py says it). So a message that is confidently not English gets
`other_language`, whatever DIET took it for, and its language goes into the message's
`language` (an ISO 639-1 code, or null when lingua was not asked about its script), which
the action reads. Not a word of it is logged.

Not English means all of these, so that no English message is taken for another
language (tests/unit/test_other_language.py reads every English message of the project's data):
- it is written mostly in a script other than Latin (English is not written in Cyrillic,
  Arabic, Devanagari or Han; lingua is given only Latin-script languages, which keeps its
  models to the ones that need them); or, in Latin script:
- it has at least `min_letters` letters; lingua (offline, its models in its wheel) gives
  English at most `max_english`, and the likeliest language at least `min_ratio` times
  English's and at least `min_confidence` (more for one or two words: "mea culpa");
- nothing in it is English-specific: no English function word ("my", "the", "since"), no
  common English word that lingua alone takes for English ("recommended"), and no lexicon
  entity in English words (a spelling correction is not English: "cuello" read as a
  cause, "Knie" as "knee");
- it is not only a courtesy ("gracias", "merci beaucoup"): people who write English use
  them too, and DIET answers them.

DIET has examples of `other_language` (data/nlu/languages.yml), so it may say it on its
own; when the detector disagrees, DIET's next intent is taken instead, so `other_language`
is this component's verdict alone. It runs before FallbackClassifier, which then judges
DIET's remaining intents as usual.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.reading.typography import straight_quotes
from bot.server.nlu.overrule import overrule
from bot.server.nlu.spelling import english as english_dictionary

LANGUAGE = "language"
"""The key of the message's parse data that says which language it is in."""

# fmt: off
ENGLISH_WORDS = frozenset({
    "i'm", "i've", "i'd", "i'll", "my", "the", "and", "it", "it's", "its", "of", "with",
    "from", "after", "since", "hurts", "hurting", "painful", "have", "has", "been",
    "for", "at", "this", "that", "that's", "what", "what's", "how", "you", "your",
    "can't", "don't", "doesn't", "didn't", "does", "did", "are", "be", "were", "would",
    "could", "should", "when", "where", "why", "who", "which", "not", "but", "very",
    "really", "feel", "feels", "felt", "like", "just", "about", "please", "thanks",
    "thank", "hi", "hello", "hey", "yeah", "yep", "nope", "sore", "ache", "aches",
    "aching", "got", "get", "gets", "any", "some", "off", "out", "up", "down", "them",
    "they", "she", "our", "said", "there", "here", "then", "than", "because", "if", "too",
    "ive", "dont", "cant", "doesnt", "didnt", "whats", "thats",
})
"""Common English words that are not also common words of the languages detected ("me",
"no", "a", "in", "is", "was", "we", "had", "over", "to" and "do" are)."""

COURTESIES = frozenset({
    "gracias", "muchas", "mil", "hola", "adiós", "adios", "hasta", "luego", "buenos",
    "buenas", "días", "dias", "tardes", "noches", "por", "favor", "amigo", "amiga",
    "señor", "señora", "salud", "merci", "beaucoup", "bien", "bonjour", "bonsoir",
    "salut", "au", "revoir", "bonne", "journée", "soirée", "nuit", "s'il", "vous",
    "plaît", "plait", "danke", "schön", "schoen", "vielen", "dank", "bitte", "hallo",
    "tschüss", "tschüs", "guten", "gute", "tag", "morgen", "abend", "nacht", "gesundheit",
    "grazie", "mille", "tante", "prego", "ciao", "arrivederci", "buongiorno", "buonasera",
    "obrigado", "obrigada", "muito", "olá", "ola", "oi", "tchau", "bom", "boa", "dia",
    "tarde", "noite",
})
"""Words of the greetings and thanks that people who write English use as well."""

COMMON_WORDS = {
    "es": frozenset({
        "me", "mi", "mis", "el", "la", "los", "las", "de", "del", "al", "que", "en", "un",
        "una", "es", "por", "con", "para", "muy", "mucho", "mucha", "tengo", "tiene",
        "duele", "duelen", "dolor", "desde", "hace", "estoy", "está", "pero", "como",
        "cuando", "yo", "se", "lo", "le", "no", "hay", "puedo", "qué", "dónde", "cómo",
        "hablas", "habla", "español", "entiendo", "ayuda", "necesito", "cuello", "espalda",
        "cabeza", "hombro", "rodilla", "pierna", "piernas", "brazo", "pecho", "tobillo",
    }),
    "fr": frozenset({
        "je", "j'ai", "ai", "mal", "le", "la", "les", "de", "des", "du", "un", "une", "et",
        "est", "mon", "ma", "mes", "au", "aux", "depuis", "pas", "ne", "que", "qui", "pour",
        "dans", "sur", "avec", "très", "c'est", "suis", "vous", "tu", "il", "elle", "à",
        "parlez", "parles", "français", "comprends", "aide", "besoin", "dos", "cou", "nuque",
        "tête", "épaule", "genou", "jambe", "jambes", "bras", "poitrine", "cheville", "douleur",
    }),
    "de": frozenset({
        "ich", "habe", "hab", "mein", "meine", "meinem", "meinen", "mir", "mich", "tut",
        "weh", "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "einen", "im",
        "seit", "bei", "beim", "mit", "sie", "es", "schmerzen", "auf", "zu", "von", "den",
        "dem", "sehr", "kann", "keine", "sprechen", "sprichst", "deutsch", "verstehe", "hilfe",
        "brauche", "rücken", "hals", "kopf", "schulter", "knie", "bein", "beine",
        "brust", "knöchel", "fuß", "schmerz",
    }),
    "pt": frozenset({
        "eu", "meu", "minha", "meus", "minhas", "estou", "tenho", "dor", "dores", "dói",
        "não", "com", "no", "na", "nos", "nas", "do", "da", "dos", "das", "um", "uma", "de",
        "em", "que", "para", "por", "muito", "há", "você", "se", "as", "os", "o", "sinto",
        "fala", "falo", "português", "entendo", "ajuda", "preciso", "pescoço", "costas",
        "cabeça", "ombro", "joelho", "perna", "pernas", "braço", "peito", "tornozelo",
    }),
    "it": frozenset({
        "ho", "mi", "fa", "male", "il", "lo", "la", "le", "gli", "di", "da", "del", "della",
        "un", "una", "non", "che", "è", "al", "alla", "ai", "alle", "con", "per", "sono",
        "dolore", "mal", "molto", "mio", "mia", "ti", "parli", "parla", "italiano", "capisco",
        "aiuto", "bisogno", "collo", "schiena", "testa", "spalla", "ginocchio", "gamba",
        "gambe", "braccio", "petto", "caviglia",
    }),
    "nl": frozenset({
        "ik", "heb", "mijn", "het", "een", "de", "van", "en", "is", "niet", "pijn", "doet",
        "in", "dat", "op", "met", "voor", "zijn", "sinds",
    }),
    "pl": frozenset({
        "mnie", "mi", "boli", "bolą", "nie", "jest", "się", "na", "do", "od", "to", "że",
        "mam", "moja", "mój", "moje", "jak", "co", "ale", "czy", "dni",
    }),
    "tr": frozenset({
        "bir", "ve", "bu", "çok", "var", "yok", "ben", "benim", "ağrı", "ağrıyor", "ama",
        "için", "ile", "gibi", "de", "da", "mi", "ne", "değil",
    }),
}
"""Common words of each language detected: the language is named only when the message
has one of its words, since lingua, choosing among the languages it was given, takes Czech
for Spanish and Swedish for German; the message is then in "another language", unnamed."""
# fmt: on

SHORT_MIN_CONFIDENCE = {1: 0.9, 2: 0.6}
"""How sure lingua must be of a message of one or two words: "mea culpa" and "Feng shui"
are not Portuguese and Dutch, and lingua gives them 0.31 and 0.42."""
ONE_WORD_MIN_LETTERS = 10
"""A single word is read only when long ("Kopfschmerzen", Turkish "I don't understand")."""
COMMON_ENGLISH = 1000
"""How often a word must be in the English dictionary's corpus to count as common."""
LONG_WORD = 5
WORDS_CHECKED_ALONE = 30
"""Lingua is asked about at most this many common English words of one message."""
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True)
class Verdict:
    """The language a message is in, when it is not English."""

    code: str | None
    """ISO 639-1 code ("es"), or None: a script lingua was not asked about, or a message
    with none of the common words of the language lingua found likeliest."""
    confidence: float
    """Lingua's confidence in that language; 1.0 for a script English is not written in."""
    script: str
    """"latin", or the first word of the Unicode name of its letters ("cyrillic", "cjk")."""


class OtherLanguageDetector:
    """Says whether a message is confidently in a language other than English."""

    def __init__(
        self,
        languages: Iterable[str],
        max_english: float,
        min_ratio: float,
        min_confidence: float,
        min_letters: int,
        min_confidence_with_its_words: float | None = None,
    ) -> None:
        chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in languages]
        if Language.ENGLISH not in chosen:
            raise ValueError("OtherLanguageClassifier: `languages` must include en")
        # both loaded now rather than on the first message (1 s and 0.1 s)
        self.detector: LanguageDetector = (
            LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()
        )
        english_dictionary()
        self.max_english = max_english
        self.min_ratio = min_ratio
        self.min_confidence = min_confidence
        self.min_letters = min_letters
        self.min_confidence_with_its_words = (
            min_confidence
            if min_confidence_with_its_words is None
            else min_confidence_with_its_words
        )

    def read(self, text: str, entities: Iterable[Mapping[str, Any]] = ()) -> Verdict | None:
        """The message's language when it is not English, else None (English, or unsure)."""
        # mathematical bold and full-width letters, which some keyboards type, are Latin
        clean = straight_quotes(unicodedata.normalize("NFKC", text))
        letters = [c for c in clean if c.isalpha()]
        scripts = [script_of(c) for c in letters]
        others = [s for s in scripts if s != "latin"]
        if len(others) >= 2 and len(others) * 2 > len(letters):
            return Verdict(None, 1.0, max(set(others), key=others.count))
        words = [w.lower() for w in WORD.findall(clean)]
        if not self._long_enough(words, len(letters)) or self._english_specific(
            text, words, entities
        ):
            return None
        values = self.detector.compute_language_confidence_values(clean)
        likeliest = values[0]
        english = next(v.value for v in values if v.language == Language.ENGLISH)
        code = likeliest.language.iso_code_639_1.name.lower()
        its_words = COMMON_WORDS.get(code, frozenset()) & set(words)
        needed = SHORT_MIN_CONFIDENCE.get(len(words), self.min_confidence)
        if len(its_words) >= 2:
            # "j'ai une crampe au mollet": lingua gives French 0.297, its words say more
            needed = min(needed, self.min_confidence_with_its_words)
        if (
            likeliest.language == Language.ENGLISH
            or english > self.max_english
            or likeliest.value < max(needed, self.min_ratio * english)
            or self._has_english_word(words)
        ):
            return None
        return Verdict(code if its_words else None, round(likeliest.value, 3), "latin")

    def _long_enough(self, words: list[str], letters: int) -> bool:
        if len(words) == 1:
            return letters >= ONE_WORD_MIN_LETTERS
        return len(words) >= 2 and letters >= self.min_letters

    def _english_specific(
        self, text: str, words: list[str], entities: Iterable[Mapping[str, Any]]
    ) -> bool:
        if any(w in ENGLISH_WORDS for w in words) or all(w in COURTESIES for w in words):
            return True
        return any(self._in_english_words(text, entity) for entity in entities)

    def _in_english_words(self, text: str, entity: Mapping[str, Any]) -> bool:
        """A lexicon entity the person wrote in English words (a misspelling corrected into
        a lexicon word is not one: the speller corrects only what is not English)."""
        start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
        if not isinstance(start, int) or not isinstance(end, int):
            return True  # cannot tell: not taken for another language
        words = WORD.findall(straight_quotes(text[start:end].lower()))
        return all(w in english_dictionary() for w in words)

    def _has_english_word(self, words: list[str]) -> bool:
        """A common English word that lingua, asked about it alone, takes for English
        ("recommended", not "hospital" or "doctor", which Spanish has as well)."""
        common = [
            w
            for w in dict.fromkeys(words)
            if len(w) >= LONG_WORD and english_dictionary()[w] >= COMMON_ENGLISH
        ]
        for word in common[:WORDS_CHECKED_ALONE]:
            values = self.detector.compute_language_confidence_values(word)
            if values[0].language == Language.ENGLISH and values[0].value >= 0.5:
                return True
        return False


def script_of(letter: str) -> str:
    name = unicodedata.name(letter, "")
    return "latin" if "LATIN" in name else (name.split(" ", 1)[0].lower() or "unknown")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherLanguageClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "languages": ["en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr"],
            "max_english": 0.2,
            "min_ratio": 2.0,
            "min_confidence": 0.3,
            "min_confidence_with_its_words": 0.2,
            "min_letters": 8,
            "intent": "other_language",
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OtherLanguageClassifier:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.intent = config["intent"]
        self.detector = OtherLanguageDetector(
            config["languages"],
            max_english=float(config["max_english"]),
            min_ratio=float(config["min_ratio"]),
            min_confidence=float(config["min_confidence"]),
            min_letters=int(config["min_letters"]),
            min_confidence_with_its_words=float(config["min_confidence_with_its_words"]),
        )

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            verdict = self.detector.read(message.get(TEXT) or "", message.get(ENTITIES) or [])
            if verdict is not None:
                overrule(message, self.intent)
                message.set(LANGUAGE, asdict(verdict), add_to_output=True)
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.intent:
                self._take_the_next_intent(message)
        return messages

    def _take_the_next_intent(self, message: Message) -> None:
        ranking = [
            r
            for r in message.get(INTENT_RANKING_KEY) or []
            if r.get(INTENT_NAME_KEY) != self.intent
        ]
        best = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
        message.set(INTENT, dict(best), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
