"""How the running assistant acts on the red-flag set: recall, false alarms, replies to the call.

tests/data/red_flags.yml holds first messages that describe a red flag in people's own
words, and benign look-alikes ("dying after leg day"). Each is a conversation over the REST
and tracker API with a scripted patient: a red-flag patient says yes to the questions about
its flag (`confirmed_by` in the file) and no to the others; a look-alike patient says no to
every red-flag question and answers the rest from its item. Each conversation's page locale
comes from data/emergency_numbers.yml in turn, so the call instruction can be checked for
that country's number and no other.

`knotbot red-flags` runs it against the running assistant and writes docs/red-flags.md;
tests/integration/test_red_flags.py runs it on the test servers and fails on what the issue forbids.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from statistics import median
from typing import Any

import requests
import yaml

from actions.settings import PROJECT_ROOT, emergency_numbers
from actions.triage.interview import SCREENING_GROUP, screening_group
from actions.triage.policy import LEVELS
from actions.triage.slots import interview_from

RED_FLAG_SET = PROJECT_ROOT / "tests" / "data" / "red_flags.yml"
FRESH_SET = PROJECT_ROOT / "tests" / "data" / "red_flags_fresh.yml"
"""Written after the work it measures, in yet other styles: run, never tuned on."""
REPORT = PROJECT_ROOT / "docs" / "red-flags.md"
MAX_REPLIES = 14
CALL_BY = 2
"""An emergency described in the first message is told to call by the bot's 2nd reply."""
SAFE_FOR_LOOK_ALIKES = ("therapist", "self_care")
ANSWERS = {
    "pain_regions": "where",
    "pain_cause": "cause",
    "pain_duration_days": "duration",
    "pain_intensity": "intensity",
}
DEFAULTS = {"where": "it's in my neck", "cause": "not sure", "duration": "2 days", "intensity": "5"}


@dataclass
class Case:
    """One item of the set: a first message and how its patient answers."""

    text: str
    part: str
    flag: str | None = None
    """The policy rule the message describes; None for a look-alike."""
    kind: str | None = None
    """What kind of look-alike it is."""
    known_miss: str | None = None
    """Why the bot is known to get it wrong: reported, and no failure while it still does."""
    answers: dict[str, str] = field(default_factory=dict)
    yes: str = "yes"

    @property
    def level(self) -> str | None:
        return rule_levels().get(self.flag) if self.flag else None


@dataclass
class Outcome:
    case: Case
    locale: str
    level: str | None = None
    replies: int = 0
    call_at: int | None = None
    """The reply that told the person to call, counting from 1."""
    number_ok: bool = True
    """The call named the locale's number first, and no other country's number appeared."""
    flag_questions: int = 0
    """Red-flag questions asked (of a look-alike, each one a false alarm to answer)."""
    transcript: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None


@cache
def rule_levels() -> dict[str, str]:
    data = yaml.safe_load((PROJECT_ROOT / "data" / "triage" / "policy.yml").read_text())
    return {rule["code"]: group["level"] for group in data["groups"] for rule in group["rules"]}


def load(*paths: Path) -> tuple[list[Case], dict[str, set[str]]]:
    """The cases of the red-flag set (and of any other set in its format, such as the fresh
    one), and which questions confirm each flag (the red-flag set's `confirmed_by`)."""
    data = yaml.safe_load(RED_FLAG_SET.read_text())
    confirmed_by = {flag: set(codes) for flag, codes in data["confirmed_by"].items()}
    cases = []
    for path in paths or (RED_FLAG_SET,):
        items = yaml.safe_load(path.read_text())
        cases += [
            Case(
                text=item["text"],
                part=item["part"],
                flag=item["flag"],
                answers={k: item[k] for k in ANSWERS.values() if item.get(k)},
                yes=item.get("yes") or "yes",
                known_miss=item.get("known_miss"),
            )
            for item in items["flags"]
        ]
        cases += [
            Case(
                text=item["text"],
                part=item["part"],
                kind=item["kind"],
                answers={k: str(item[k]) for k in ANSWERS.values() if item.get(k) is not None},
                known_miss=item.get("known_miss"),
            )
            for item in items["look_alikes"]
        ]
    return cases, confirmed_by


def locales() -> list[tuple[str, str]]:
    """(locale, number) for every country of the emergency number table."""
    return [
        (f"en-{country}", number) for country, number in emergency_numbers()["countries"].items()
    ]


class Patient:
    def __init__(self, url: str, confirmed_by: dict[str, set[str]], timeout: float = 60):
        self.url = url.rstrip("/")
        self.confirmed_by = confirmed_by
        self.timeout = timeout
        self.http = requests.Session()

    def talk(self, case: Case, locale: str, number: str) -> Outcome:
        outcome = Outcome(case=case, locale=locale)
        sender = f"red-flag-{uuid.uuid4().hex[:12]}"
        text = case.text
        metadata: dict[str, str] | None = {"locale": locale}  # with the first message only
        others = {n for _, n in locales()} - {number}
        try:
            for reply in range(1, MAX_REPLIES + 1):
                response = self.http.post(
                    f"{self.url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text, "metadata": metadata},
                    timeout=self.timeout,
                )
                response.raise_for_status()
                said = [m.get("text") or "" for m in response.json()]
                outcome.transcript += [("patient", text)] + [("bot", t) for t in said if t]
                outcome.replies = reply
                metadata = None
                if any(re.search(rf"(?<!\d)({'|'.join(others)})(?!\d)", t) for t in said if others):
                    outcome.number_ok = False
                slots = self._slots(sender)
                level = slots.get("triage_level")
                if level:
                    outcome.level = level
                    if level == "emergency":
                        outcome.call_at = reply
                        first_call = next((t for t in said if "call" in t.lower()), "")
                        outcome.number_ok &= f"call {number}" in first_call.lower()
                    return outcome
                requested = slots.get("requested_slot")
                if requested is None:
                    outcome.error = "the interview stopped without advice"
                    return outcome
                text = self._answer(case, requested, slots, outcome)
            outcome.error = f"no advice after {MAX_REPLIES} replies"
        except requests.RequestException as error:
            outcome.error = f"{type(error).__name__}: {error}"
        return outcome

    def _slots(self, sender: str) -> dict[str, Any]:
        response = self.http.get(f"{self.url}/conversations/{sender}/tracker", timeout=self.timeout)
        response.raise_for_status()
        return response.json()["slots"]

    def _answer(self, case: Case, requested: str, slots: dict[str, Any], outcome: Outcome) -> str:
        if requested in ANSWERS:
            key = ANSWERS[requested]
            return case.answers.get(key) or DEFAULTS[key]
        outcome.flag_questions += 1
        if requested == SCREENING_GROUP:
            interview = interview_from(slots)
            asked = {q.code for q in screening_group(interview.case, interview.singly)}
        else:
            asked = {requested.removeprefix("screen_")}
        confirms = case.flag and asked & self.confirmed_by.get(case.flag, set())
        return case.yes if confirms else "no"


def run(url: str, cases: Sequence[Case], confirmed_by: dict[str, set[str]], workers: int = 4):
    """Every case's conversation, `workers` at a time, in the order of `cases`."""
    patient = Patient(url, confirmed_by)
    table = locales()
    jobs = [(case, *table[i % len(table)]) for i, case in enumerate(cases)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: patient.talk(*job), jobs))


def under_triaged(outcome: Outcome) -> bool:
    want = outcome.case.level
    got = outcome.level
    return bool(want) and (got not in LEVELS or LEVELS.index(got) > LEVELS.index(want))


def failures(outcomes: Iterable[Outcome], parts: Sequence[str] = ("held_out",)) -> list[str]:
    """What the issue forbids, in `parts`: an emergency told to call after the 2nd reply, a
    flag less urgent than its level, a look-alike anywhere but at a therapist or self-care;
    and anywhere: a conversation that failed, a call naming another country's number. A
    known miss is none of these while it is still missed, and one once it is not (so that
    its mark is taken off)."""
    problems = []
    for o in outcomes:
        c = o.case
        where = f"{c.part} {c.flag or c.kind}: {c.text!r}"
        problem = _problem(o, parts)
        excused = bool(c.known_miss) and c.part in parts
        if excused and not problem:
            problems.append(f"{where}: marked known_miss, but the bot gets it right now")
        elif problem and not excused:
            problems.append(f"{where}{problem}")
    return problems


def _problem(o: Outcome, parts: Sequence[str]) -> str | None:
    c = o.case
    if o.error:
        return f": {o.error}"
    if c.part in parts and c.level == "emergency" and (o.call_at or 99) > CALL_BY:
        return f": {o.level} after {o.replies} replies"
    if c.part in parts and under_triaged(o):
        return f": {o.level}, less urgent than {c.level}"
    if c.part in parts and c.kind and o.level not in SAFE_FOR_LOOK_ALIKES:
        return f": a look-alike got {o.level}"
    if not o.number_ok:
        return f" ({o.locale}): the call did not name its number alone"
    return None


def report(outcomes: Sequence[Outcome]) -> str:
    """The measurements as Markdown: recall per flag, false alarms per kind of look-alike."""
    lines = [
        "# Red flags in people's own words",
        "",
        "Measured by `knotbot red-flags` (bot/devtools/red_flag_eval.py) over",
        "tests/data/red_flags.yml and tests/data/red_flags_fresh.yml against the running",
        "assistant; tests/integration/test_red_flags.py checks the same on every `make test`.",
        "None of it is trained on. `dev` is written in plain sentences, `held_out` in messy real-",
        "world typing (typos, fragments, dialect); both were read during development. `fresh` was",
        "written afterwards, in other styles (dictation, formal letters, second-language English,",
        "terse notes); its first run is in its file's header, and what the bot still gets wrong",
        "is marked `known_miss` there.",
        "",
        "Each item is one conversation over REST with a scripted patient: yes to the questions",
        "about its flag (`confirmed_by`), no to every other red-flag question, the item's words",
        "for where, what, how long and how bad; the page locale is each country of",
        "data/emergency_numbers.yml in turn.",
        "",
        "## Red flags",
        "",
        "Caught: the advice's level is the flag's level or more urgent. Emergencies: told to call",
        f"by the {CALL_BY}nd reply. Replies: to the advice (the call, for an emergency).",
        "",
        "| flag | level | part | cases | caught | by reply 2 | median replies | max |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    flags = defaultdict(list)
    for o in outcomes:
        if o.case.flag:
            flags[(rule_order(o.case.flag), o.case.flag, o.case.part)].append(o)
    for (_, flag, part), group in sorted(flags.items()):
        caught = sum(not under_triaged(o) and not o.error for o in group)
        quick = sum((o.call_at or o.replies) <= CALL_BY and not under_triaged(o) for o in group)
        replies = [o.replies for o in group]
        lines.append(
            f"| {flag} | {rule_levels()[flag]} | {part} | {len(group)} | {caught} | {quick} | "
            f"{median(replies):g} | {max(replies)} |"
        )
    lines += [
        "",
        "## Look-alikes",
        "",
        "False alarm: the advice was `emergency`, `urgent` or `doctor`. Questions: red-flag",
        "questions the patient had to answer no to.",
        "",
        "| kind | part | cases | emergency or urgent | doctor | median questions | levels |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    kinds = defaultdict(list)
    for o in outcomes:
        if o.case.kind:
            kinds[(o.case.kind, o.case.part)].append(o)
    for (kind, part), group in sorted(kinds.items()):
        levels = Counter(o.level or "none" for o in group)
        alarms = sum(o.level in ("emergency", "urgent") for o in group)
        doctor = sum(o.level == "doctor" for o in group)
        lines.append(
            f"| {kind} | {part} | {len(group)} | {alarms} | {doctor} | "
            f"{median(o.flag_questions for o in group):g} | "
            f"{', '.join(f'{k} {v}' for k, v in levels.most_common())} |"
        )
    missed = [o for o in outcomes if o.case.flag and (under_triaged(o) or o.error)]
    slow = [
        o
        for o in outcomes
        if o.case.level == "emergency" and not under_triaged(o) and (o.call_at or 99) > CALL_BY
    ]
    false_alarms = [o for o in outcomes if o.case.kind and o.level not in SAFE_FOR_LOOK_ALIKES]
    for title, group in (
        ("Missed", missed),
        ("Emergencies told to call later than the 2nd reply", slow),
        ("Look-alikes that did not end at a therapist or self-care", false_alarms),
    ):
        lines += ["", f"## {title} ({len(group)})", ""]
        lines += [
            f"- {o.case.part} {o.case.flag or o.case.kind}: {o.case.text!r}: "
            f"{o.level or o.error} after {o.replies} replies"
            + (f" (known miss: {o.case.known_miss})" if o.case.known_miss else "")
            for o in group
        ] or ["None."]
    return "\n".join(lines) + "\n"


def rule_order(flag: str) -> int:
    return list(rule_levels()).index(flag) if flag in rule_levels() else len(rule_levels())
