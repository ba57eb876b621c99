"""`rank`: the muscles whose trigger points most likely cause pain in these regions.

The score of a muscle adds, for each of the person's regions it refers pain to:
  primary referral  3 + 1/rank   (rank = its order among the region's muscles in the
                                  references; the first listed gets the most)
  secondary         1
then multiplies by 1.25 for every further region it covers (one muscle explaining
several regions is likelier than several muscles), and adds
  1.5  when the person's cause is one that often activates the muscle
  6    when the person reports a symptom the muscle is known for (numbness, ...): as much
       as two primary referrals, because referral zones overlap widely while a symptom
       like numbness points at the few muscles that can press on a nerve (scalenes,
       pectoralis minor)
Ties go to the muscle listed first for the first region, then to the code, so the
same question always gets the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from actions.knowledge.schema import Muscle, Referral, Region

PRIMARY, SECONDARY = 3.0, 1.0
EXTRA_REGION_FACTOR = 1.25
CAUSE_BONUS = 1.5
SYMPTOM_BONUS = 2 * PRIMARY


@dataclass(frozen=True)
class RankedMuscle:
    code: str
    name: str
    score: float
    reason: str
    location: str
    pressure: str
    stretch: str
    cautions: tuple[str, ...]


def rank(
    session: Session,
    regions: Sequence[str],
    cause: str | None = None,
    side: str | None = None,
    symptoms: Iterable[str] = (),
    limit: int = 3,
) -> list[RankedMuscle]:
    """The `limit` most likely muscles for pain in `regions`, best first, with a reason.

    `side` does not change the ranking (referral patterns are the same on both sides);
    it is accepted so callers can pass the whole case.
    """
    if not regions:
        return []
    symptoms = frozenset(symptoms)
    labels = dict(session.execute(select(Region.code, Region.label)).all())
    muscles = session.scalars(
        select(Muscle)
        .join(Referral)
        .where(Referral.region_code.in_(regions))
        .options(selectinload(Muscle.referrals), selectinload(Muscle.causes))
        .distinct()
    ).all()
    scored = [_score(m, list(regions), cause, symptoms, labels) for m in muscles]
    scored.sort(key=lambda item: (-item[0].score, item[1], item[0].code))
    return [ranked for ranked, _ in scored[:limit]]


def _score(
    muscle: Muscle,
    regions: list[str],
    cause: str | None,
    symptoms: frozenset[str],
    labels: dict[str, str],
) -> tuple[RankedMuscle, tuple[int, int]]:
    by_region = {r.region_code: r for r in muscle.referrals}
    covered = [by_region[code] for code in regions if code in by_region]
    score = sum(PRIMARY + 1 / (r.rank or 10) if r.role == "primary" else SECONDARY for r in covered)
    score *= EXTRA_REGION_FACTOR ** (len(covered) - 1)
    reasons = [f"refers pain to the {labels[r.region_code].lower()} ({r.role})" for r in covered]
    activities = {c.cause: c.activities for c in muscle.causes}
    if cause in activities:
        score += CAUSE_BONUS
        examples = ", ".join(activities[cause][:2])
        reasons.append(f"often set off by {cause}" + (f" ({examples})" if examples else ""))
    shared = sorted(symptoms & set(muscle.symptoms))
    if shared:
        score += SYMPTOM_BONUS
        reasons.append("can also cause " + " and ".join(shared))
    first = covered[0]
    tie_break = (regions.index(first.region_code), first.rank or 99)
    ranked = RankedMuscle(
        code=muscle.code,
        name=muscle.name,
        score=round(score, 3),
        reason="; ".join(reasons),
        location=muscle.location,
        pressure=muscle.pressure,
        stretch=muscle.stretch,
        cautions=tuple(muscle.cautions),
    )
    return ranked, tie_break
