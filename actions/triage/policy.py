"""The triage rule table of data/triage/policy.yml and the decision it gives for a case."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from actions.settings import DATA_DIR
from actions.triage.case import Case
from actions.triage.region_sets import regions_of

LEVELS = ("emergency", "urgent", "doctor", "therapist", "self_care")
"""Triage levels, most urgent first."""


class PolicyError(ValueError):
    """The policy file is not a valid rule table."""


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    summary: str
    red_flag: bool
    matches: Callable[[Case], bool]


@dataclass(frozen=True)
class Decision:
    level: str
    rules: tuple[Rule, ...]
    """Every rule that matched, most urgent first; the first one decided the level."""

    @property
    def red_flags(self) -> list[str]:
        return [rule.code for rule in self.rules if rule.red_flag]

    @property
    def reasons(self) -> list[str]:
        return [rule.summary for rule in self.rules if rule.level == self.level]


def _condition(spec: Mapping[str, Any], where: str) -> Callable[[Case], bool]:
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise PolicyError(f"{where}: a condition is a mapping with exactly one key, got {spec!r}")
    ((kind, arg),) = spec.items()
    if kind in ("all", "any"):
        parts = [_condition(part, f"{where}.{kind}[{i}]") for i, part in enumerate(arg)]
        combine = all if kind == "all" else any
        return lambda case: combine(part(case) for part in parts)
    if kind == "finding":
        return lambda case: arg in case.findings
    if kind == "any_finding":
        wanted = frozenset(arg)
        return lambda case: bool(wanted & case.findings)
    if kind == "region_in":
        regions = regions_of(arg, where)
        return lambda case: bool(regions & case.possible_regions)
    if kind == "cause":
        return lambda case: case.cause == arg
    if kind == "intensity_at_least":
        return lambda case: case.intensity is not None and case.intensity >= arg
    if kind == "days_over":
        return lambda case: case.days is not None and case.days > arg
    if kind == "days_at_least":
        return lambda case: case.days is not None and case.days >= arg
    raise PolicyError(f"{where}: unknown condition {kind!r}")


class Policy:
    """The rule groups, most urgent first. The first group with a matching rule decides."""

    def __init__(self, rules: list[Rule]):
        self.rules = rules

    @classmethod
    def from_file(cls, path: Path) -> Policy:
        data = yaml.safe_load(path.read_text())
        rules: list[Rule] = []
        levels = [group["level"] for group in data["groups"]]
        if tuple(levels) != LEVELS:
            raise PolicyError(f"{path}: groups must be {', '.join(LEVELS)} in that order")
        for group in data["groups"]:
            for spec in group["rules"]:
                where = f"{path.name}: rule {spec.get('code', '?')}"
                rules.append(
                    Rule(
                        code=spec["code"],
                        level=group["level"],
                        summary=spec["summary"],
                        red_flag=bool(spec.get("red_flag", False)),
                        matches=_condition(spec["when"], where),
                    )
                )
        return cls(rules)

    def decide(self, case: Case) -> Decision:
        matched = tuple(rule for rule in self.rules if rule.matches(case))
        level = matched[0].level if matched else "self_care"
        return Decision(level=level, rules=matched)


@cache
def policy() -> Policy:
    return Policy.from_file(DATA_DIR / "triage" / "policy.yml")
