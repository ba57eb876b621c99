"""Region-aware red-flag screening: the questions of data/triage/screening.yml for a case."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from actions.settings import DATA_DIR
from actions.triage.case import Case
from actions.triage.region_sets import regions_of


@dataclass(frozen=True)
class Question:
    code: str
    level: str
    regions: frozenset[str] | None
    """None means every region."""
    causes: frozenset[str]
    raised_by: frozenset[str]
    raised_by_causes: frozenset[str]
    requires: frozenset[str]
    on_yes: frozenset[str]
    signs: frozenset[str]
    """Findings that, named in a reply, mean yes."""
    alone: bool = False
    """Always asked by itself, never in a group."""

    @property
    def slot(self) -> str:
        return f"screen_{self.code}"

    def raised(self, case: Case) -> bool:
        """The person's own words brought this question up: a finding it follows from, or
        words that hint at its red flag."""
        by_words = bool(self.raised_by & case.findings) or case.cause in self.raised_by_causes
        return by_words or self.code in case.raised

    def applies(self, case: Case) -> bool:
        if self.code in case.answered or self.on_yes & case.findings:
            return False
        if self.code in case.raised:
            return True  # the words hint at it: asked whatever else is known
        if not self.requires <= case.findings:
            return False
        by_region = self.regions is None or bool(self.regions & case.possible_regions)
        return by_region or case.cause in self.causes or self.raised(case)


@cache
def questions() -> tuple[Question, ...]:
    return tuple(
        Question(
            code=q["code"],
            level=q["level"],
            regions=None
            if q.get("regions") == "any"
            else regions_of(q.get("regions", ()), f"screening question {q['code']}"),
            causes=frozenset(q.get("causes", ())),
            raised_by=frozenset(q.get("raised_by", ())),
            raised_by_causes=frozenset(q.get("raised_by_causes", ())),
            requires=frozenset(q.get("requires", ())),
            on_yes=frozenset(q["on_yes"]),
            signs=frozenset(q.get("signs", ())),
            alone=bool(q.get("alone")),
        )
        for q in _screening()["questions"]
    )


@cache
def _screening() -> dict:
    return yaml.safe_load((DATA_DIR / "triage" / "screening.yml").read_text())


def group_size() -> int:
    return int(_screening()["group_size"])


def question_for_slot(slot: str) -> Question | None:
    return next((q for q in questions() if q.slot == slot), None)


def questions_about(findings: frozenset[str]) -> list[Question]:
    """The questions whose answer would settle these findings: those that name them as signs."""
    return [q for q in questions() if q.signs & findings]


def open_questions(case: Case) -> list[Question]:
    """The screening questions still to ask for this case, in the policy's order."""
    return [q for q in questions() if q.applies(case)]
