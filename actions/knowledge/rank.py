"""The knowledge base and its `rank` query: the muscles whose trigger points most likely
cause pain in these regions.

The score of a muscle adds, for each of the person's regions it refers pain to:
  primary referral  3 + 1/rank   (rank = its order among the region's muscles in the
                                  references; the first listed gets the most)
  secondary         1
then multiplies by 1.25 for every further region it covers (one muscle explaining
several regions is likelier than several muscles), and adds
  1.5  when the person's cause is one that often activates the muscle
  2    more when the person's own words for it ("typing") are among the muscle's
       activities for that cause: the kind of cause is broad (overuse covers typing and
       running alike), the activity is not
  6    when the person reports a symptom the muscle is known for (numbness, ...): as much
       as two primary referrals, because referral zones overlap widely while a symptom
       like numbness points at the few muscles that can press on a nerve (scalenes,
       pectoralis minor)
Ties go to the muscle listed first for the first region, then to the code, so the same
question always gets the same answer. One query: the referrals to these regions, with
what scores them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Engine

from actions.knowledge.database import engine as default_engine
from actions.knowledge.schema import (
    ActivatingCause,
    Muscle,
    Referral,
    Region,
    Technique,
    TriggerPoint,
)

PRIMARY, SECONDARY = 3.0, 1.0
EXTRA_REGION_FACTOR = 1.25
CAUSE_BONUS = 1.5
ACTIVITY_BONUS = 2.0
SYMPTOM_BONUS = 2 * PRIMARY
UNRANKED = 10
"""The rank a primary referral counts as when the references give it no order."""


# Built once: the referrals to some regions, with what scores them.
REFERRALS = (
    select(
        Referral.muscle_code,
        Referral.region_code,
        Referral.role,
        Referral.rank,
        Region.label,
        Muscle.name,
        Muscle.symptoms,
        ActivatingCause.activities,
    )
    .join(Region, Region.code == Referral.region_code)
    .join(Muscle, Muscle.code == Referral.muscle_code)
    .outerjoin(
        ActivatingCause,
        and_(
            ActivatingCause.muscle_code == Referral.muscle_code,
            ActivatingCause.cause == bindparam("cause"),
        ),
    )
    .where(Referral.region_code.in_(bindparam("regions", expanding=True)))
)


@dataclass(frozen=True)
class RankedMuscle:
    code: str
    name: str
    score: float
    reason: str


@dataclass(frozen=True)
class MuscleCard:
    """What the person is told about one muscle: where to find it and how to work it."""

    code: str
    name: str
    locations: tuple[str, ...]
    pressure: str
    stretch: str
    cautions: tuple[str, ...]
    mimics: tuple[str, ...]
    source: str


class KnowledgeBase:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def default(cls) -> KnowledgeBase:
        """The knowledge base at DATABASE_URL, or the embedded SQLite one."""
        return cls(default_engine())

    def rank(
        self,
        regions: Sequence[str],
        cause: str | None = None,
        side: str | None = None,
        limit: int = 3,
        symptoms: Iterable[str] = (),
        activity: str | None = None,
    ) -> list[RankedMuscle]:
        """The `limit` most likely muscles for pain in `regions`, best first, with a reason.

        `side` does not change the ranking: referral patterns are the same on both sides.
        """
        regions = list(dict.fromkeys(regions))
        if not regions:
            return []
        by_muscle = defaultdict(list)
        with self.engine.connect() as connection:
            for row in connection.execute(REFERRALS, {"regions": regions, "cause": cause or ""}):
                by_muscle[row.muscle_code].append(row)
        symptoms = frozenset(symptoms)
        stems = _stems(activity or "")
        scored = [_score(rows, regions, cause, symptoms, stems) for rows in by_muscle.values()]
        return [ranked for _, ranked in sorted(scored, key=lambda item: item[0])[:limit]]

    def referrals(self, code: str) -> list[str]:
        """Where a muscle refers pain, primary zones first: "Heel (primary)"."""
        return [f"{label} ({role})" for _, label, role in self._referral_rows(code)]

    def referred_regions(self, code: str) -> list[tuple[str, str]]:
        """The regions a muscle refers pain to, as (code, label), primary zones first."""
        return [(region, label) for region, label, _ in self._referral_rows(code)]

    def _referral_rows(self, code: str) -> list[tuple[str, str, str]]:
        query = (
            select(Region.code, Region.label, Referral.role)
            .join(Referral, Referral.region_code == Region.code)
            .where(Referral.muscle_code == code)
            .order_by(Referral.role, Referral.rank, Region.label)
        )
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query)]

    def muscle_names(self) -> dict[str, str]:
        """Every muscle's code and name."""
        with self.engine.connect() as connection:
            return {
                code: name for code, name in connection.execute(select(Muscle.code, Muscle.name))
            }

    def cards(self, codes: Sequence[str]) -> list[MuscleCard]:
        """The muscles' cards, in the order asked."""
        with self.engine.connect() as connection:
            muscles = {
                row.code: row
                for row in connection.execute(
                    select(Muscle, Technique.pressure, Technique.stretch)
                    .join(Technique)
                    .where(Muscle.code.in_(codes))
                )
            }
            locations = defaultdict(list)
            for code, location in connection.execute(
                select(TriggerPoint.muscle_code, TriggerPoint.location)
                .where(TriggerPoint.muscle_code.in_(codes))
                .order_by(TriggerPoint.id)
            ):
                locations[code].append(location)
        return [
            MuscleCard(
                code=code,
                name=muscles[code].name,
                locations=tuple(locations[code]),
                pressure=muscles[code].pressure,
                stretch=muscles[code].stretch,
                cautions=tuple(muscles[code].cautions),
                mimics=tuple(muscles[code].mimics),
                source=muscles[code].source,
            )
            for code in codes
            if code in muscles
        ]


def _stems(words: str) -> frozenset[str]:
    """Word stems good enough to tell "typing" in "typing with cocked wrists"."""
    return frozenset(w[:5] for w in re.findall(r"[a-z]+", words.lower()) if len(w) >= 4)


def _score(
    rows, regions: list[str], cause: str | None, symptoms: frozenset[str], stems: frozenset[str]
) -> tuple[tuple, RankedMuscle]:
    """The sort key and the ranked muscle for one muscle's referral rows."""
    rows = sorted(rows, key=lambda row: regions.index(row.region_code))
    score = sum(
        PRIMARY + 1 / (row.rank or UNRANKED) if row.role == "primary" else SECONDARY for row in rows
    )
    score *= EXTRA_REGION_FACTOR ** (len(rows) - 1)
    reasons = [f"refers pain to the {row.label.lower()} ({row.role})" for row in rows]
    activities = rows[0].activities
    if activities is not None:
        score += CAUSE_BONUS
        matching = [a for a in activities if stems & _stems(a)]
        if matching:
            score += ACTIVITY_BONUS
        examples = ", ".join((matching + [a for a in activities if a not in matching])[:2])
        reasons.append(f"often set off by {cause}" + (f" ({examples})" if examples else ""))
    shared = sorted(symptoms & set(rows[0].symptoms))
    if shared:
        score += SYMPTOM_BONUS
        reasons.append("can also cause " + " and ".join(shared))
    first = rows[0]
    score = round(score, 3)
    key = (-score, regions.index(first.region_code), first.rank or 99, first.muscle_code)
    return key, RankedMuscle(first.muscle_code, first.name, score, "; ".join(reasons))
