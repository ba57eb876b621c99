"""The lexicon pipeline built from data/lexicon, through the entity extractor Rasa runs."""

from __future__ import annotations

import pytest
import yaml

from actions.settings import DATA_DIR
from bot.server.nlu import lexicon
from tests.unit.conftest import found


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
    "text",
    [
        "no fever",
        "I'm not short of breath",
        "without any numbness",
        "I don't feel sick",
        "I dont feel sick",
        "not at all short of breath",
        "never had cancer",
        "no numbness or tingling",
        # hypothetical
        "what if it goes numb?",
        "should I worry about a fever?",
        "can trigger points cause numbness?",
    ],
)
def test_negated_and_hypothetical_findings_are_left_out(nlp, text):
    assert not {kind for kind, _ in found(nlp, text)} & {"finding", "doubted_finding"}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # resolved
        ("bum went numb from sitting on a hard chair but it's fine now", "saddle_numbness"),
        ("my hand went numb, but it's ok now", "numbness"),
        ("my face drooped for a minute and then it went back to normal", "one_sided_weakness"),
        # someone else's (a parent may be typing for a child)
        ("my mum has a fever", "fever"),
        # doubt
        ("maybe a fever", "fever"),
        ("I dont know if I have a fever", "fever"),
        ("not sure if it's numbness or just tired", "numbness"),
    ],
)
def test_resolved_doubted_and_someone_elses_findings_are_asked_about_not_taken(nlp, text, finding):
    kinds = found(nlp, text)
    assert ("doubted_finding", finding) in kinds
    assert ("finding", finding) not in kinds


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("no cough, but a fever", "fever"),
        ("no fever but numb", "numbness"),
        ("no fever and my neck is stiff", "stiff_neck"),
        ("never had cancer but I've lost weight", "weight_loss"),
        ("no chest pain but I'm sweating", "sweating"),
        # the negation is part of the finding's own words
        ("I can't breathe", "breathless"),
        ("I suddenly can't feel my inner thighs", "saddle_numbness"),
        # words with a "no" or "never" in them that negate nothing
        ("no idea why my chest is tight", "chest_pain"),
        ("I've never been this short of breath", "breathless"),
        ("out of nowhere, without any warning, the worst headache of my life", "thunderclap"),
    ],
)
def test_a_cue_reaches_no_further_than_its_clause_and_is_no_cue_inside_a_finding(
    nlp, text, finding
):
    assert ("finding", finding) in found(nlp, text)


@pytest.mark.parametrize(
    ("text", "cause", "present"),
    [
        ("no specific injury, I just overdid it", "injury", False),
        ("no specific injury, I just overdid it", "overuse", True),
        ("it's not from a fall", "injury", False),
        ("I might have pulled it at the gym", "injury", True),  # the person's best guess
    ],
)
def test_a_negated_cause_is_left_out_and_a_guessed_one_kept(nlp, text, cause, present):
    assert (("cause", cause) in found(nlp, text)) is present


def test_a_term_in_two_entries_is_refused(tmp_path):
    for path in (DATA_DIR / "lexicon").glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text())
    sides = yaml.safe_load((tmp_path / "sides.yml").read_text())
    sides["sides"]["dehydrated"] = ["laptop"]
    (tmp_path / "sides.yml").write_text(yaml.safe_dump(sides))
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
    from bot.server.nlu.spelling import Speller

    speller = Speller(["calf", "half", "shoulder", "knee", "knees"])
    assert speller.correct("shouldr") == "shoulder"
    assert speller.correct("kneee") == "knee"  # a doubled letter beats a changed one
    assert speller.correct("xalf") is None  # calf or half: no guess


def test_two_misspellings_of_one_word_are_one_reading():
    from bot.server.nlu.spelling import Speller

    speller = Speller(
        ["shoulder", "sholder", "shouldr"], {"sholder": "shoulder", "shouldr": "shoulder"}
    )
    assert speller.correct("sholdr") == "shoulder"  # as close to both: both are shoulder
    assert speller.correct("sholder") == "shoulder"  # a known misspelling is its word


def test_a_slip_of_a_neighbouring_key_or_vowel_breaks_a_tie():
    from bot.server.nlu.spelling import Speller

    assert Speller(["front", "fruit"]).correct("frunt") == "front"


@pytest.mark.parametrize(
    ("word", "vocabulary"),
    [
        ("bot", ["both"]),  # three letters: too short to guess
        ("erm", ["arm"]),
        ("refered", ["fevered"]),  # another first letter
        ("realising", ["revising"]),  # a British spelling is English
        ("cafe", ["calf", "calfe"]),
    ],
)
def test_what_the_speller_leaves_alone(word, vocabulary):
    from bot.server.nlu.spelling import Speller

    assert Speller(vocabulary, kept=["cafe"]).correct(word) is None


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("my calf is stiff after running, but it is not swollen, warm or red", "red_warm"),
        ("no fever, chills or rash", "rash"),
    ],
)
def test_a_cue_reaching_past_the_commas_of_a_list_leaves_the_items_in_doubt(nlp, text, listed):
    kinds = found(nlp, text)
    assert ("doubted_finding", listed) in kinds
    assert not {kind for kind, _ in kinds} & {"finding"}


def test_a_small_bruise_is_not_the_heavy_bruising_of_a_fracture(nlp):
    kinds = found(nlp, "I bumped my arm, there is a small bruise but I can move it")
    assert ("doubted_finding", "bruise") in kinds
    assert not {("finding", "bruising"), ("finding", "bruise")} & set(kinds)
    assert ("finding", "bruising") in found(nlp, "I fell and my ankle is badly bruised")
    # a bruise of no stated size is no fracture sign either: its question is asked
    assert ("finding", "bruise") in found(nlp, "I bumped my shin and it's bruised")
    assert ("finding", "bruising") not in found(nlp, "I bumped my shin and it's bruised")


def test_a_faint_bruise_is_no_feeling_faint(nlp):
    assert ("finding", "faint") not in found(nlp, "there's a faint bruise on my shoulder")
    assert ("finding", "faint") in found(nlp, "my shoulder aches and I feel faint")
    assert ("finding", "faint") in found(nlp, "arm pain, faint and sweaty")


def test_stopping_an_activity_is_not_a_symptom_that_stopped(nlp):
    kinds = found(nlp, "I have been gasping ever since, even though I stopped an hour ago")
    assert ("finding", "breathless") in kinds


def test_a_slipped_disc_names_the_back_and_is_no_fall(nlp):
    kinds = found(nlp, "I slipped a disc last year and now I'm dribbling urine")
    assert ("vague_region", "back") in kinds
    assert ("cause", "injury") not in kinds


def test_the_words_of_a_cue_are_no_place(nlp):
    kinds = found(nlp, "my bottom went numb, but the feeling came back when I stood up")
    assert ("vague_region", "back") not in kinds
    assert ("body_region", "buttock") in kinds


def test_a_place_with_a_cue_word_in_it_is_still_a_place(nlp):
    assert ("body_region", "fingers") in found(nlp, "numbness in my little finger")


def test_what_someone_says_of_the_person_is_the_persons(nlp):
    assert ("finding", "speech_trouble") in found(nlp, "my husband says I'm slurring my words")


def test_a_possessive_without_its_apostrophe_is_the_word(nlp):
    assert ("finding", "breathless") in found(nlp, "me breathings gone funny")
    assert ("body_region", "calf") in found(nlp, "both calves ache")  # a listed plural stays
    assert ("side", "both") in found(nlp, "both calves ache")


def test_a_near_fall_is_no_injury(nlp):
    kinds = found(nlp, "my left leg went weak and i nearly fell over")
    assert ("cause", "injury") not in kinds
    assert ("finding", "faint") in found(nlp, "I nearly fainted")


@pytest.mark.parametrize(
    "text",
    [
        "fingers went tingly while i slept on my arm, sorted in 5 min",
        "my thumb went numb from gaming but its come back",
    ],
)
def test_a_numbness_gone_again_is_asked_about_not_taken(nlp, text):
    assert ("doubted_finding", "numbness") in found(nlp, text)


def test_asking_whether_it_is_fine_is_no_sign_it_has_passed(nlp):
    kinds = found(nlp, "crushing chest pain and I'm sweating, is that fine?")
    assert {("finding", "chest_pain"), ("finding", "sweating")} <= kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tmj ache rt side", {("body_region", "jaw"), ("side", "right")}),
        ("Anterior shoulder pain R side", {("body_region", "shoulder_front"), ("side", "right")}),
        ("my neck is stiff at the back", {("body_region", "neck_back"), ("finding", "stiff_neck")}),
        ("IT band on my right leg is tight", {("body_region", "thigh_outer"), ("side", "right")}),
        ("my shoulder blade aches when I raise my arm", {("body_region", "shoulder_blade")}),
        ("my lower back aches and my legs feel fine", {("body_region", "low_back")}),
        ("it hurts when I turn my head", {("vague_region", "head")}),  # alone, it counts
        ("my side hurts", {("vague_region", "flank")}),
    ],
)
def test_where_on_a_place_or_a_part_moved_is_a_place_only_alone(nlp, text, expected):
    assert found(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I felt a pull in my hamstring sprinting for the bus",
        "felt it go in my calf halfway through the match",
        "took a knock to my thigh at rugby",
        "lost my footing on the stairs and my back has hurt since",
    ],
)
def test_a_strain_or_knock_felt_at_a_moment_is_an_injury(nlp, text):
    """Injury outranks overuse (causes.yml `priority`): an injury read as overuse would
    lower the level the policy gives (a therapist, not self-care)."""
    assert ("cause", "injury") in found(nlp, text)
