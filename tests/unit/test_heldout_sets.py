"""The held-out sets are what docs/understanding.md says: large, valid, and never trained on."""

from __future__ import annotations

import re

import pytest
import yaml

from actions.knowledge.pain import read_regions
from actions.settings import DATA_DIR
from actions.triage.places import vague_regions
from bot.devtools import understanding

FIRST = understanding.load(understanding.FIRST_MESSAGES)
FRESH = understanding.load(understanding.FRESH_FIRST_MESSAGES)
QUESTIONS = understanding.load(understanding.QUESTIONS)
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples() -> set[str]:
    found = set()
    for path in (DATA_DIR / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                text = ANNOTATION.sub(r"\1", line.strip().removeprefix("- "))
                found.add(understanding.words(text))
    return found


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
