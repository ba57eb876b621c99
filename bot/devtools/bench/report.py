"""The numbers, as a table and against issue 8's targets."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import psutil

from bot.devtools.bench.load import Run

MB = 1_000_000
# Issue 8, on a 2-core machine
SINGLE_P95_MS = 60
RASA_RSS_MB = 1300
READY_SECONDS = 30


@dataclass
class Measurement:
    bot: str
    """"knotbot" or "plain" (the `rasa init` bot)."""
    concurrency: int
    run: Run
    rasa_bytes: int | None
    actions_bytes: int | None


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: a value that was measured, never an interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    memory = psutil.virtual_memory().total / 1e9
    return f"{os.cpu_count()} CPUs, {memory:.1f} GB of memory, load average {load} (1, 5, 15 min)"


def table(rows: list[Measurement]) -> str:
    lines = [
        f"{'':23}{'convs':>6}{'turns':>7}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'turns/s':>9}{'Rasa MB':>9}{'actions MB':>11}"
    ]
    for row in rows:
        ms = [1000 * percentile(row.run.latencies, p) for p in (50, 95, 99)]
        lines.append(
            f"{row.bot:8} {row.concurrency:>3} at a time{row.run.conversations:>6}"
            f"{len(row.run.latencies):>7}{len(row.run.errors):>7}"
            + "".join(f"{x:>8.1f}" for x in ms)
            + f"{row.run.throughput:>9.1f}{_mb(row.rasa_bytes):>9}{_mb(row.actions_bytes):>11}"
        )
    return "\n".join(lines)


def _mb(size: int | None) -> str:
    return f"{size / MB:.0f}" if size else "n/a"


def render(
    ours: list[Measurement],
    plain: list[Measurement],
    ready: dict[str, float] | None,
    plain_ready: float | None,
    loading: int | None = None,
) -> str:
    """The report: the table, start-up times, the targets and the first errors.

    `ours` and `plain` are [one at a time, concurrently] (`plain` empty without a baseline);
    `ready` is the seconds each of KnotBot's servers took to answer (None: not measured),
    `loading` the Rasa server's peak RSS while it started.
    """
    lines = [table(ours + plain)]
    started = []
    if ready:
        each = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in ready.items())
        started.append(f"KnotBot {max(ready.values()):.1f} s ({each})")
    if plain_ready is not None:
        started.append(f"plain bot {plain_ready:.1f} s")
    if started:
        lines.append("Start-up to ready: " + "; ".join(started))
    if loading:
        lines.append(f"Rasa server RSS while starting: {_mb(loading)} MB at most")
    lines.append("Targets (issue 8):")
    ready_seconds = max(ready.values()) if ready else None
    lines += targets(ours[0], ours[1], plain[1] if plain else None, ready_seconds, loading)
    errors = [error for row in ours + plain for error in row.run.errors]
    lines += [f"error: {error}" for error in errors[:10]]
    return "\n".join(lines)


def targets(
    single: Measurement,
    loaded: Measurement,
    plain_loaded: Measurement | None,
    ready_seconds: float | None,
    loading: int | None = None,
) -> list[str]:
    """One line per target that this run measured: met or NOT met, and the number."""
    checks = []
    if plain_loaded:
        at = f"at {loaded.concurrency} at a time"
        ratio = loaded.run.throughput / plain_loaded.run.throughput
        checks.append((ratio >= 1, f"throughput {at} >= the plain bot's: {ratio:.2f} x theirs"))
        p95 = percentile(loaded.run.latencies, 95) / percentile(plain_loaded.run.latencies, 95)
        checks.append((p95 <= 1, f"p95 {at} <= the plain bot's: {p95:.2f} x theirs"))
    single_p95 = 1000 * percentile(single.run.latencies, 95)
    checks.append(
        (
            single_p95 < SINGLE_P95_MS,
            f"single-conversation p95 < {SINGLE_P95_MS} ms: {single_p95:.1f}",
        )
    )
    peak = max(single.rasa_bytes or 0, loaded.rasa_bytes or 0, loading or 0)
    if peak:
        checks.append(
            (peak < RASA_RSS_MB * MB, f"Rasa server RSS < {RASA_RSS_MB} MB: {peak / MB:.0f}")
        )
    if ready_seconds is not None:
        checks.append(
            (
                ready_seconds < READY_SECONDS,
                f"start-up to ready < {READY_SECONDS} s: {ready_seconds:.1f}",
            )
        )
    return [f"  {'met    ' if ok else 'NOT met'}  {text}" for ok, text in checks]
