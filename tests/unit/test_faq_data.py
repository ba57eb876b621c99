"""The FAQ's data: every topic of data/nlu/faq.yml has an answer in bot/domain/faq.yml and
the other way round, each answer says where its facts come from, and each topic has enough
examples, none of them shared with another topic."""

from __future__ import annotations

import re
from collections import defaultdict

import yaml

from actions.settings import PROJECT_ROOT

TRAINING = PROJECT_ROOT / "data" / "nlu" / "faq.yml"
ANSWERS = PROJECT_ROOT / "bot" / "domain" / "faq.yml"
RETRIEVAL_INTENT = "faq"
MIN_EXAMPLES = 10
MIN_TOPICS = 40
RESPONSE_LINE = re.compile(rf"^\s*utter_{RETRIEVAL_INTENT}/(\w+):\s*$")
SOURCE_LINE = re.compile(r"^\s*# source: \S")
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples() -> dict[str, list[str]]:
    """Each topic's examples, as written (entity annotations replaced by their words)."""
    topics: dict[str, list[str]] = defaultdict(list)
    for item in yaml.safe_load(TRAINING.read_text())["nlu"]:
        intent, _, topic = item.get("intent", "").partition("/")
        if intent != RETRIEVAL_INTENT or not topic:
            continue
        for line in item["examples"].splitlines():
            if line.strip().startswith("- "):
                topics[topic].append(ANNOTATION.sub(r"\1", line.strip()[2:]).strip())
    return dict(topics)


def answer_topics() -> set[str]:
    responses = yaml.safe_load(ANSWERS.read_text())["responses"]
    prefix = f"utter_{RETRIEVAL_INTENT}/"
    return {name.removeprefix(prefix) for name in responses if name.startswith(prefix)}


def normal(text: str) -> str:
    """What makes two examples the same question: case, punctuation and spacing aside."""
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def test_there_are_at_least_40_topics():
    assert len(answer_topics()) >= MIN_TOPICS
    assert len(training_examples()) >= MIN_TOPICS


def test_every_answer_has_at_least_10_training_examples():
    examples = training_examples()
    few = {
        topic: len(examples.get(topic, []))
        for topic in answer_topics()
        if len(examples.get(topic, [])) < MIN_EXAMPLES
    }
    assert few == {}


def test_every_training_topic_has_an_answer():
    assert set(training_examples()) - answer_topics() == set()


def test_every_answer_has_a_source_comment_directly_above_it():
    lines = ANSWERS.read_text().splitlines()
    found = {}
    for number, line in enumerate(lines):
        if match := RESPONSE_LINE.match(line):
            found[match[1]] = number > 0 and bool(SOURCE_LINE.match(lines[number - 1]))
    assert set(found) == answer_topics()
    assert [topic for topic, sourced in found.items() if not sourced] == []


def test_no_training_example_is_under_two_topics():
    topics_of: dict[str, set[str]] = defaultdict(set)
    for topic, examples in training_examples().items():
        for example in examples:
            topics_of[normal(example)].add(topic)
    shared = {text: sorted(topics) for text, topics in topics_of.items() if len(topics) > 1}
    assert shared == {}
