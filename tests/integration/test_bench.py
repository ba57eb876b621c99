"""`knotbot bench` against the running bot (its cheap parts: tests/unit/test_bench.py)."""

from __future__ import annotations

import subprocess

from actions.settings import PROJECT_ROOT
from tests.unit.test_bench import KNOTBOT, row


def test_the_bench_reports_latency_throughput_and_memory_of_the_running_bot(bot):
    options = ["--url", bot.url, "--conversations", "2", "--concurrency", "2", "--single", "1"]
    vignettes = str(PROJECT_ROOT / "tests/data/vignettes.yml")
    done = subprocess.run(
        [KNOTBOT, "bench", *options, "--vignettes", vignettes],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "conversations" in done.stderr  # the progress
    single, loaded = row(done.stdout, 1), row(done.stdout, 2)
    assert single[:1] == ["1"] and loaded[:1] == ["2"]
    for numbers in (single, loaded):
        conversations, turns, errors, p50, p95, p99, throughput, rasa, actions = numbers
        assert errors == "0" and int(turns) >= int(conversations)
        assert 0 < float(p50) <= float(p95) <= float(p99)
        assert float(throughput) > 0
        assert int(rasa) > 100 and int(actions) > 10  # both servers found by their ports
    assert "single-conversation p95 < 60 ms" in done.stdout
    assert "error:" not in done.stdout
