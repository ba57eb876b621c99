"""The model on the held-out NLU test set: issue 4's targets, and no fall below the baseline."""

from __future__ import annotations

import re

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from actions.settings import DATA_DIR
from bot.devtools import nlu_report
from bot.server import launch


def normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def test_the_test_set_is_large_and_shares_no_example_with_the_training_data():
    test = load_data(str(nlu_report.TEST_SET))
    training = load_data(str(DATA_DIR / "nlu"))
    assert len(test.intent_examples) >= 150
    shared = {normalised(m.get("text")) for m in test.intent_examples} & {
        normalised(m.get("text")) for m in training.intent_examples
    }
    assert shared == set()


def test_the_model_meets_the_targets_and_the_baseline(tmp_path):
    model = launch.model_path()
    if not model.exists():
        pytest.skip("no trained model: run `knotbot train` (make test does)")
    numbers = nlu_report.evaluate(model, tmp_path)
    assert nlu_report.regressions(numbers, nlu_report.baseline()) == [], nlu_report.table(
        numbers, nlu_report.baseline()
    )
