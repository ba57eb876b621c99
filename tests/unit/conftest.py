"""The lexicon pipeline the unit tests read messages with: built once from data/lexicon."""

from __future__ import annotations

import pytest
import spacy

from actions.settings import DATA_DIR
from bot.server.nlu import lexicon


@pytest.fixture(scope="session")
def nlp(tmp_path_factory):
    path, count = lexicon.build(DATA_DIR / "lexicon", tmp_path_factory.mktemp("lexicon") / "p")
    assert count > 1000
    return spacy.load(path)


def found(nlp, text: str) -> set[tuple[str, str]]:
    """The (entity, code) pairs the pipeline reads in a text."""
    return {(e["entity"], e["value"]) for e in lexicon.entities(nlp, text)}
