"""The learned part of reading red flags: which red-flag questions a message hints at.

The vocabulary (data/lexicon) reads the phrasings it lists; people describe red flags in
words no list holds ("feels like an elephant is sitting on my chest", "i cant really
control when i wee anymore"). This model is trained on the varied phrasings of
data/red_flags/reader.yml, each labelled with the screening question of
data/triage/screening.yml it should bring forward (`none` for everyday muscle talk,
look-alikes and negated mentions). What it suspects is never taken as a finding: the
question is asked next, and the person's answer decides (triage-policy.md, "the bot asks
the flag's question when in doubt").

Word and character n-grams (typos, run-together words and dialect share their pieces with
the words they stand for), one logistic regression per question; scikit-learn is already
Rasa's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline, make_union
from sklearn.preprocessing import MultiLabelBinarizer

NONE = "none"
FILE = "red_flag_model.joblib"


class ExamplesError(ValueError):
    """data/red_flags/reader.yml is not a valid set of examples; the message says where."""


@dataclass(frozen=True)
class Examples:
    texts: list[str]
    labels: list[list[str]]

    @classmethod
    def read(cls, path: Path, questions: Iterable[str], places: Iterable[str] = ()) -> Examples:
        """The file's examples, and its `places_alone` phrases filled with each of `places`
        (the vocabulary's word for each region): a place alone raises no question."""
        try:
            data = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as error:
            raise ExamplesError(f"{path}: {error}") from error
        known = set(questions)
        texts = [
            phrase.format(place=place)
            for phrase in data.get("places_alone") or []
            for place in dict.fromkeys(places)
        ]
        labels: list[list[str]] = [[] for _ in texts]
        for label, phrasings in (data.get("examples") or {}).items():
            if label != NONE and label not in known:
                raise ExamplesError(f"{path}: {label!r} is no screening question")
            texts += [str(t) for t in phrasings]
            labels += [[] if label == NONE else [label]] * len(phrasings)
        for item in data.get("mixed") or []:
            unknown = set(item["raises"]) - known
            if unknown:
                raise ExamplesError(f"{path}: {sorted(unknown)} in {item['text']!r}")
            texts.append(str(item["text"]))
            labels.append(list(item["raises"]))
        if not texts:
            raise ExamplesError(f"{path}: no examples")
        return cls(texts, labels)


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


class RedFlagModel:
    def __init__(self, pipeline: Pipeline, questions: list[str]):
        self.pipeline = pipeline
        self.questions = questions

    @classmethod
    def train(
        cls, examples: Examples, strength: float, seed: int, balanced: bool = True
    ) -> RedFlagModel:
        """`balanced` weighs each question's few examples up against the many others."""
        binarizer = MultiLabelBinarizer()
        targets = binarizer.fit_transform(examples.labels)
        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        classifier = OneVsRestClassifier(
            LogisticRegression(
                C=strength,
                class_weight="balanced" if balanced else None,
                max_iter=2000,
                random_state=seed,
            )
        )
        pipeline = Pipeline([("features", features), ("classifier", classifier)])
        pipeline.fit(examples.texts, targets)
        return cls(pipeline, list(binarizer.classes_))

    def suspects(self, texts: list[str], threshold: float) -> list[dict[str, float]]:
        """For each text, the questions it hints at with their probabilities."""
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(texts)
        return [
            {self.questions[i]: float(row[i]) for i in np.flatnonzero(row >= threshold)}
            for row in np.atleast_2d(probabilities)
        ]

    def save(self, directory: Path) -> None:
        joblib.dump({"pipeline": self.pipeline, "questions": self.questions}, directory / FILE)

    @classmethod
    def load(cls, directory: Path) -> RedFlagModel:
        saved = joblib.load(directory / FILE)
        return cls(saved["pipeline"], saved["questions"])
