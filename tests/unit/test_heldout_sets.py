"""The held-out sets are what docs/understanding.md says: large, valid, and never trained on."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from actions.knowledge.pain import read_regions
from actions.settings import DATA_DIR
from actions.triage.places import vague_regions
from bot.devtools import understanding

FIRST = understanding.load(understanding.FIRST_MESSAGES)
FRESH = understanding.load(understanding.FRESH_FIRST_MESSAGES)
QUESTIONS = understanding.load(understanding.QUESTIONS)


def training_examples() -> set[str]:
    """Rasa's reading of data/nlu, as tests/integration/test_nlu_quality.py reads it."""
    training = load_data(str(DATA_DIR / "nlu"))
    return {understanding.words(m.get("text")) for m in training.intent_examples}


def test_the_sets_are_as_large_as_issue_21_asks():
    assert len(FIRST) >= 200
    assert len(QUESTIONS) >= 100
    assert len(FRESH) >= 100


def test_no_held_out_message_is_a_training_example():
    held_out = {understanding.words(c["text"]) for c in FIRST + FRESH}
    held_out |= {understanding.words(c["ask"]) for c in QUESTIONS}
    assert held_out & training_examples() == set()


@pytest.mark.parametrize("case", FIRST + FRESH, ids=lambda c: c["text"][:40])
def test_each_first_message_names_real_codes(case):
    regions = set(read_regions())
    assert set(case.get("regions") or []) | set(case.get("also") or []) <= regions
    assert case.get("vague") in (None, *vague_regions())
    assert case.get("side") in (None, "left", "right", "both", "center")
    causes = (None, "posture", "overuse", "injury", "dehydration", "other", "unknown")
    assert case.get("cause") in causes


def test_every_question_has_an_answer_to_look_for():
    for case in QUESTIONS:
        assert all(understanding.expected_answers(case["topic"])), case
