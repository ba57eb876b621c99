"""The lexicon pipeline built from data/lexicon, through the entity extractor Rasa runs."""

from __future__ import annotations

import pytest
import spacy

from actions.settings import DATA_DIR
from bot.nlu import lexicon


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    path, count = lexicon.build(DATA_DIR / "lexicon", tmp_path_factory.mktemp("lexicon") / "p")
    assert count > 1000
    return spacy.load(path)


def found(nlp, text: str) -> set[tuple[str, str]]:
    return {(e["entity"], e["value"]) for e in lexicon.entities(nlp, text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a knot on top of my right shoulder",
            {("body_region", "shoulder_top"), ("side", "right")},
        ),
        ("between my shoulder blades", {("body_region", "upper_back")}),
        ("my traps are tight", {("body_region", "shoulder_top")}),
        ("sore glutes", {("body_region", "buttock")}),
        ("shin splints", {("body_region", "shin")}),
        ("tennis elbow", {("body_region", "elbow_outer")}),
        ("the base of my skull", {("body_region", "head_back")}),
        ("lower bak pain", {("body_region", "low_back")}),
        ("my sholder", {("vague_region", "shoulder")}),
        ("my back", {("vague_region", "back")}),
        ("both calves", {("body_region", "calf"), ("side", "both")}),
    ],
)
def test_places(nlp, text, expected):
    assert expected <= found(nlp, text)


def test_a_plural_place_has_the_both_sides_role(nlp):
    found = lexicon.entities(nlp, "my calves are cramping")
    (calf,) = [e for e in found if e["entity"] == "body_region"]
    assert calf == {**calf, "value": "calf", "role": "both_sides"}


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("from working on my laptop", "posture"),
        ("after the gym", "overuse"),
        ("I slipped on ice", "injury"),
        ("I ran out of water", "dehydration"),
        ("stress at work", "other"),
    ],
)
def test_causes(nlp, text, cause):
    assert ("cause", cause) in found(nlp, text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I feel short of breath and clammy", "breathless"),
        ("I feel short of breath and clammy", "sweating"),
        ("I suddenly can't feel my inner thighs", "saddle_numbness"),
        ("I suddenly can\u2019t feel my inner thighs", "saddle_numbness"),  # a phone's apostrophe
        ("and I wet myself", "bladder_bowel_loss"),
        ("I've had a temperature", "fever"),
        ("my hands are numb", "numbness"),
        ("worst headache of my life", "thunderclap"),
    ],
)
def test_findings(nlp, text, finding):
    assert ("finding", finding) in found(nlp, text)


def test_a_finding_that_names_a_place_gives_the_place(nlp):
    assert ("body_region", "chest") in found(nlp, "I have chest pain")
    assert ("vague_region", "head") in found(nlp, "the worst headache of my life")


@pytest.mark.parametrize(
    "text", ["no fever", "I'm not short of breath", "without any numbness", "I don't feel sick"]
)
def test_negated_findings_are_left_out(nlp, text):
    assert not {kind for kind, _ in found(nlp, text)} & {"finding"}


def test_negation_stops_at_the_clause(nlp):
    assert ("finding", "fever") in found(nlp, "no cough, but a fever")


def test_a_term_in_two_entries_is_refused(tmp_path):
    for name in ("regions.yml", "causes.yml", "findings.yml", "sides.yml"):
        (tmp_path / name).write_text((DATA_DIR / "lexicon" / name).read_text())
    with (tmp_path / "sides.yml").open("a") as sides:
        sides.write("  dehydrated: [laptop]\n")
    with pytest.raises(lexicon.LexiconError, match="'laptop'"):
        lexicon.build(tmp_path, tmp_path / "out")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my sholder blade aches", ("body_region", "shoulder_blade")),
        ("lower bak pain", ("body_region", "low_back")),
        ("I have a hedache", ("vague_region", "head")),
        ("my hamstrng is tight", ("body_region", "thigh_back")),
        ("a knot in my trapezuis", ("body_region", "shoulder_top")),
        ("sore forarm from typing", ("body_region", "forearm")),
    ],
)
def test_misspelled_words_are_read_as_the_vocabulary_word_they_are_closest_to(nlp, text, expected):
    assert expected in found(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "half an hour ago",  # half is an English word, not a misspelled calf
        "I went to the bank",  # nor is bank a misspelled back
        "the bach concert",
    ],
)
def test_english_words_are_never_corrected_into_places(nlp, text):
    assert not {kind for kind, _ in found(nlp, text)} & {"body_region", "vague_region"}


def test_a_word_two_vocabulary_words_are_equally_close_to_is_left_alone():
    from bot.nlu.spelling import Speller

    speller = Speller(["calf", "half", "shoulder", "knee", "knees"])
    assert speller.correct("shouldr") == "shoulder"
    assert speller.correct("kneee") == "knee"  # a doubled letter beats a changed one
    assert speller.correct("xalf") is None  # calf or half: no guess
