"""Recording the load: each vignette's conversation, as the scripted patient holds it.

The patient (`bot/devtools/bench/patient_sim.py`, the team's scripted patient) reads every question
and answers from the vignette's facts. Its answers depend on KnotBot's questions, so a
conversation is held once, live, and its turns are kept: replaying them gives the load phases
the same turns in the same order every time, and gives the plain bot the patient's own words
for each of them.
"""

from __future__ import annotations

import importlib.util
import random
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import yaml

from actions.settings import PROJECT_ROOT
from bot.devtools.bench.client import BenchError, Client, TurnError

PATIENT_SIM = Path(__file__).parent / "patient_sim.py"
VIGNETTES = [
    PROJECT_ROOT / "tests" / "data" / "vignettes_examples.yml",
    PROJECT_ROOT / "tests" / "data" / "vignettes.yml",
]
MAX_TURNS = 25  # patient_sim's limit for one conversation


@dataclass(frozen=True)
class Turn:
    sent: str
    """What KnotBot got: the patient's words, or the payload of the button they pressed."""
    said: str
    """The patient's words, what the plain bot gets (it has none of KnotBot's buttons)."""


@dataclass(frozen=True)
class Script:
    vignette: str
    turns: tuple[Turn, ...]
    level: str
    """The triage level KnotBot decided; a replay that ends elsewhere went wrong under load."""


def patient_sim(path: Path = PATIENT_SIM) -> ModuleType:
    if not path.exists():
        raise BenchError(f"no scripted patient at {path}: give --patient-sim an existing file")
    spec = importlib.util.spec_from_file_location("patient_sim", path)
    if spec is None or spec.loader is None:
        raise BenchError(f"the scripted patients in {path} are not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vignettes(paths: list[Path]) -> list[dict]:
    missing = [path for path in paths if not path.exists()]
    if missing:
        raise BenchError(f"no vignettes at {', '.join(map(str, missing))}")
    return [case for path in paths for case in yaml.safe_load(path.read_text())]


def decided(slots: dict) -> bool:
    """patient_sim's end of a conversation: a level, with trigger points when it has them."""
    level = slots.get("triage_level")
    return bool(level) and (
        level in ("emergency", "urgent", "doctor") or bool(slots.get("trigger_points"))
    )


async def record(client: Client, sim: ModuleType, case: dict, buttons: float, seed: int) -> Script:
    """Hold the vignette's conversation with KnotBot and keep its turns."""
    patient = sim.Patient(case, random.Random(f"{seed}-{case['id']}"), buttons)
    sender = f"bench-record-{case['id']}-{uuid.uuid4().hex[:8]}"
    turns = [Turn(case["open"], case["open"])]
    while len(turns) <= MAX_TURNS:
        try:
            messages, _ = await client.send(sender, turns[-1].sent)
            slots = await client.slots(sender)
        except TurnError as error:
            raise BenchError(f"vignette {case['id']}, turn {len(turns)}: {error}") from error
        if decided(slots):
            return Script(case["id"], tuple(turns), slots["triage_level"])
        question, offered, _ = sim.bot_question(messages)
        patient.last_question = question
        said = patient.answer(*sim.classify(question))
        turns.append(Turn(patient.pick_button(offered, said) or said, said))
    raise BenchError(f"vignette {case['id']}: no decision within {MAX_TURNS} turns")
