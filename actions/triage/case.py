"""What the interview has learnt about one person's pain."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    regions: tuple[str, ...] = ()
    maybe_regions: tuple[str, ...] = ()
    """The parts a vague word ("my back") may mean, until the person says which. The
    red-flag rules count them: back pain with bladder loss is never waved through."""
    side: str | None = None
    cause: str | None = None
    activity: str | None = None
    """The words of the cause the person named ("typing", "a long drive")."""
    days: float | None = None
    intensity: float | None = None
    findings: frozenset[str] = field(default_factory=frozenset)
    answered: frozenset[str] = field(default_factory=frozenset)
    """Codes of the screening questions the person has answered."""
    raised: frozenset[str] = field(default_factory=frozenset)
    """Codes of the screening questions the person's words brought up without settling
    them: a red flag the words only hint at, doubt or mention in passing ("my face might
    be drooping", "it went numb but it's fine now")."""
    unknown: frozenset[str] = field(default_factory=frozenset)
    """The questions the person could not answer, asked with choices too: recorded as
    unknown, so the interview goes on without them."""

    @property
    def possible_regions(self) -> frozenset[str]:
        return frozenset(self.regions) | frozenset(self.maybe_regions)
