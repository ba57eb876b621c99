"""Replaying the recorded conversations at a given concurrency, timing every turn."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
import uuid
from dataclasses import dataclass, field

from bot.devtools.bench.client import Client, TurnError
from bot.devtools.bench.scripts import Script

PROGRESS_EVERY = 2.0  # seconds


@dataclass
class Run:
    """What one load phase measured."""

    latencies: list[float] = field(default_factory=list)
    """Seconds per turn (the REST webhook's round trip), for the turns that succeeded."""
    errors: list[str] = field(default_factory=list)
    conversations: int = 0
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def replay(
    client: Client, scripts: list[Script], conversations: int, concurrency: int, plain: bool
) -> Run:
    """`conversations` conversations, cycling through the scripts, `concurrency` at a time.

    KnotBot's replays end with a look at the tracker: a level other than the recorded one
    counts as an error (the plain bot decides nothing, so it is not asked).
    """
    run = Run()
    queue = itertools.islice(itertools.cycle(scripts), conversations)

    async def converse(script: Script) -> None:
        sender = f"bench-{script.vignette}-{uuid.uuid4().hex[:10]}"
        try:
            for turn in script.turns:
                _, seconds = await client.send(sender, turn.said if plain else turn.sent)
                run.latencies.append(seconds)
            if not plain and (level := (await client.slots(sender)).get("triage_level")) != (
                script.level
            ):
                run.errors.append(f"{script.vignette}: ended at {level}, not {script.level}")
        except TurnError as error:
            run.errors.append(f"{script.vignette}: {error}")
        run.conversations += 1

    async def worker() -> None:
        for script in queue:  # one shared iterator: each worker takes the next script
            await converse(script)

    start = time.perf_counter()
    progress = asyncio.create_task(_progress(run, conversations, start))
    await asyncio.gather(*(worker() for _ in range(min(concurrency, conversations))))
    run.seconds = time.perf_counter() - start
    progress.cancel()
    return run


async def _progress(run: Run, conversations: int, start: float) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        seconds = time.perf_counter() - start
        print(
            f"    {run.conversations}/{conversations} conversations, {len(run.latencies)} turns, "
            f"{len(run.latencies) / seconds:.1f} turns/s, {len(run.errors)} errors",
            file=sys.stderr,
            flush=True,
        )
