"""How well the trained model understands the held-out test set, against the baseline.

`knotbot nlu-report` runs `rasa test nlu` on tests/nlu/test_nlu.yml (written apart from the
training data, in other words), sums up intent accuracy and F1, the F1 of each entity
and of the FAQ answers, and compares them with tests/nlu/baseline.json, the numbers the
last accepted change reached. `--save` makes the new numbers the baseline.

Entities are scored twice. `<entity>_f1` is Rasa's own score: token by token, by the kind
of entity alone, so it counts where the words of an entity start and end ("left side" or
"left") and never looks at the value. `<entity>_code_f1` scores what the bot acts on: the
set of codes of each kind found in each message against the annotated ones ("lower bak" is
right when it gives `low_back`, whatever words it spans). The targets apply to the codes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from actions.settings import PROJECT_ROOT
from actions.triage.places import first_cause

TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
BASELINE = PROJECT_ROOT / "tests" / "nlu" / "baseline.json"
EXTRACTOR = "LexiconEntityExtractor"
TARGETS = {"intent_f1": 0.95, "body_region_code_f1": 0.95, "cause_code_f1": 0.9}
"""Issue 4's floor for the held-out set."""
TOLERANCE = 0.02
"""How far below the baseline a number may fall before it counts as a regression."""


def evaluate(model: Path, out_dir: Path | None = None) -> dict[str, float]:
    """Run `rasa test nlu` and return its numbers, rounded to three places."""
    with tempfile.TemporaryDirectory() as scratch:
        out = out_dir or Path(scratch)
        rasa = str(Path(sys.executable).parent / "rasa")
        command = [rasa, "test", "nlu", "--model", str(model), "--nlu", str(TEST_SET)]
        command += ["--out", str(out), "--no-plot", "--successes"]
        result = subprocess.run(
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise RuntimeError(f"rasa test nlu failed:\n{result.stderr[-3000:]}")
        return summary(out)


def summary(out: Path) -> dict[str, float]:
    intents = json.loads((out / "intent_report.json").read_text())
    entities = json.loads((out / f"{EXTRACTOR}_report.json").read_text())
    numbers = {
        "intent_accuracy": intents["accuracy"],
        "intent_f1": intents["weighted avg"]["f1-score"],
    }
    for label, scores in entities.items():
        if isinstance(scores, dict) and label.isidentifier() and label != "no_entity":
            numbers[f"{label}_f1"] = scores["f1-score"]
    numbers |= code_scores(out)
    faq = out / "response_selection_report.json"
    if faq.exists():
        numbers["faq_answer_f1"] = json.loads(faq.read_text())["weighted avg"]["f1-score"]
    return {name: round(value, 3) for name, value in sorted(numbers.items())}


def code_scores(out: Path) -> dict[str, float]:
    """F1 of the codes found per message, for each kind of entity."""
    examples: dict[str, dict[str, Any]] = {}
    for name in (f"{EXTRACTOR}_successes.json", f"{EXTRACTOR}_errors.json"):
        if (out / name).exists():
            examples |= {e["text"]: e for e in json.loads((out / name).read_text())}
    counts: dict[str, list[int]] = {}
    for example in examples.values():
        gold = {(e["entity"], e["value"]) for e in example["entities"]}
        found = {(e["entity"], e["value"]) for e in example["predicted_entities"]}
        found = the_cause_the_bot_takes(found)
        for kind, _ in gold | found:
            counts.setdefault(kind, [0, 0, 0])
        for kind, _ in gold & found:
            counts[kind][0] += 1
        for kind, _ in found - gold:
            counts[kind][1] += 1
        for kind, _ in gold - found:
            counts[kind][2] += 1
    return {
        f"{kind}_code_f1": 2 * tp / (2 * tp + fp + fn)
        for kind, (tp, fp, fn) in counts.items()
        if tp + fn  # kinds the test set annotates
    }


def the_cause_the_bot_takes(found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of several causes named ("I pulled it at football"), the slot takes the first in the
    lexicon's priority (injury), so that one is scored."""
    causes = [value for kind, value in found if kind == "cause"]
    if len(causes) < 2:
        return found
    others = {(kind, value) for kind, value in found if kind != "cause"}
    first = first_cause(causes)
    if first is None:  # none of them in the lexicon's priority: the slot takes none
        return others
    return others | {("cause", first)}


def baseline() -> dict[str, float]:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def regressions(numbers: dict[str, float], base: dict[str, float]) -> list[str]:
    """What fell more than TOLERANCE below the baseline, or below issue 4's targets."""
    found = [
        f"{name}: {numbers.get(name, 0):.3f}, baseline {value:.3f}"
        for name, value in base.items()
        if numbers.get(name, 0) < value - TOLERANCE
    ]
    found += [
        f"{name}: {numbers.get(name, 0):.3f}, target {target:.2f}"
        for name, target in TARGETS.items()
        if numbers.get(name, 0) < target
    ]
    return found


def table(numbers: dict[str, float], base: dict[str, float]) -> str:
    lines = [f"{'measure':22} {'now':>6} {'baseline':>9}"]
    for name, value in numbers.items():
        was = f"{base[name]:.3f}" if name in base else "-"
        lines.append(f"{name:22} {value:6.3f} {was:>9}")
    return "\n".join(lines)


def save(numbers: dict[str, float]) -> None:
    BASELINE.write_text(json.dumps(numbers, indent=2) + "\n")
