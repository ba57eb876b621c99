"""The red-flag reader: its examples, kept apart from the test set, and what it learns."""

from __future__ import annotations

import re

import pytest
import yaml
from rapidfuzz import fuzz, process

from actions.settings import DATA_DIR, PROJECT_ROOT
from actions.triage.screening import questions
from bot.server.nlu.red_flag_model import Examples, ExamplesError, RedFlagModel
from bot.server.nlu.red_flag_reader import RedFlagReader, places

EXAMPLES = DATA_DIR / "red_flags" / "reader.yml"
TEST_SET = PROJECT_ROOT / "tests" / "data" / "red_flags.yml"
TOO_CLOSE = 75
"""Similarity (rapidfuzz, 0-100) from which a training phrasing is a copy of a test one."""


def plain(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower())


def test_no_training_phrasing_is_a_copy_of_a_test_phrasing():
    """The test set is held out: nothing close to its phrasings may be learnt from."""
    examples = Examples.read(EXAMPLES, (q.code for q in questions()))
    data = yaml.safe_load(TEST_SET.read_text())
    tested = [plain(item["text"]) for item in data["flags"] + data["look_alikes"]]
    close = []
    for text in examples.texts:
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            match, score, _ = process.extractOne(plain(text), tested, scorer=scorer)
            if score >= TOO_CLOSE:
                close.append(f"{text!r} ~ {match!r} ({score:.0f})")
    assert not close, "\n".join(close)


def test_every_label_is_a_screening_question_and_each_has_examples():
    examples = Examples.read(EXAMPLES, (q.code for q in questions()), places())
    labels = {label for found in examples.labels for label in found}
    assert labels == {q.code for q in questions()} - {"trauma_effects"}
    assert sum(not found for found in examples.labels) > len(examples.texts) / 3


def test_a_label_that_is_no_question_is_refused(tmp_path):
    path = tmp_path / "reader.yml"
    path.write_text('examples:\n  heart: ["my chest is tight"]\n')
    with pytest.raises(ExamplesError, match="'heart' is no screening question"):
        Examples.read(path, (q.code for q in questions()))


@pytest.fixture(scope="module")
def model() -> RedFlagModel:
    config = RedFlagReader.get_default_config()
    examples = Examples.read(EXAMPLES, (q.code for q in questions()), places())
    return RedFlagModel.train(
        examples, strength=config["strength"], seed=1, balanced=config["balanced"]
    )


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("feels like an elephant is sitting on my chest", "cardiac"),
        ("my lower back hurts and i cant really control when i wee anymore", "cauda_equina"),
        ("my face has gone droopy on one side", "stroke"),
        ("out of nowhere it felt like my head exploded", "thunderclap"),
    ],
)
def test_unlisted_phrasings_raise_their_question(model, text, question):
    (found,) = model.suspects([text], RedFlagReader.get_default_config()["threshold"])
    assert question in found


@pytest.mark.parametrize(
    "text", ["my neck hurts", "my back", "a knot in my calf", "3 days", "yes", "about a 5"]
)
def test_a_place_or_a_plain_answer_raises_nothing(model, text):
    (found,) = model.suspects([text], RedFlagReader.get_default_config()["threshold"])
    assert found == {}


def test_the_model_survives_saving(model, tmp_path):
    model.save(tmp_path)
    again = RedFlagModel.load(tmp_path)
    text = ["feels like an elephant is sitting on my chest"]
    assert again.suspects(text, 0.3) == model.suspects(text, 0.3)
