"""The Rasa project itself: the data validates and the test stories pass on the trained model."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from actions.settings import PROJECT_ROOT
from actions.triage.policy import LEVELS
from bot.server import launch

RASA = str(Path(sys.executable).parent / "rasa")


def rasa(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


RASA_DEFAULT_RESPONSES = {"utter_restart", "utter_default"}
"""Said by Rasa's own default actions (action_restart, action_default_fallback)."""


RETRIEVAL_INTENT_TWICE = (
    "The following duplicated intents have been found across multiple domain files: faq"
)
"""Rasa adds a retrieval intent to the domain from its responses as well; declared or not,
one of the validator's checks complains, and undeclared it fails the rules that use it."""


def sent_by_code(utterance: str) -> bool:
    """Responses the form asks by slot name, the custom actions send, or Rasa's default
    actions say, which the validator cannot see in any story or rule."""
    if utterance in RASA_DEFAULT_RESPONSES:
        return True
    if re.fullmatch(r"utter_ask_(pain_\w+|screen_\w+|screening)|utter_screen_item_\w+", utterance):
        return True
    if utterance.removeprefix("utter_level_") in LEVELS:
        return True
    code = "".join(p.read_text() for p in (PROJECT_ROOT / "actions").rglob("*.py"))
    return f'"{utterance}"' in code


def test_rasa_data_validate_passes_with_no_warning_the_project_can_fix():
    result = rasa(
        "data", "validate", "--fail-on-warnings",
        "--config", "bot/config.yml",
        "--domain", "bot/domain",
        "--data", "data/nlu", "data/rules", "data/stories",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = re.findall(r"UserWarning: (.*)", output)
    assert warnings, "the validator reports the responses only code sends"
    unused = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")
    fixable = [
        w
        for w in warnings
        if not ((m := unused.match(w)) and sent_by_code(m[1])) and w != RETRIEVAL_INTENT_TWICE
    ]
    assert fixable == []


def test_the_test_stories_pass(tmp_path, kb_url):
    model = launch.model_path()
    if not model.exists():
        pytest.skip("no trained model: run `knotbot train` (make test does)")
    result = rasa(
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        "tests/test_stories.yml",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_the_contract_slots_are_in_the_domain():
    slots: dict = {}
    for path in (PROJECT_ROOT / "bot" / "domain").glob("*.yml"):
        slots |= yaml.safe_load(path.read_text()).get("slots") or {}
    contract = {
        "pain_regions": "list",
        "pain_side": "text",
        "pain_cause": "text",
        "pain_duration_days": "float",
        "pain_intensity": "float",
        "red_flags": "list",
        "triage_level": "text",
        "trigger_points": "list",
    }
    assert {name: slots[name]["type"] for name in contract} == contract
