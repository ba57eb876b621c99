"""`knotbot bench`: the command against the running bot, and its parts.

The baseline (`--baseline`: training a `rasa init` bot, about two minutes) and the start-up
timing (`--startup`: a second copy of the servers) are too slow for every test run; their
pieces that are cheap (the plain bot's command line, the process and memory lookups, the
targets) are tested here, the whole of them by docs/performance.md's runs.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from pathlib import Path

import pytest

from bot.devtools.bench import report, scripts, servers
from bot.devtools.bench.client import BenchError
from bot.devtools.bench.command import _check_rasa
from bot.devtools.bench.load import Run
from tests.databases import free_port

KNOTBOT = str(Path(sys.executable).parent / "knotbot")
NUMBER = r"(\d+(?:\.\d+)?|n/a)"


def row(printed: str, concurrency: int) -> list[str]:
    """The numbers of KnotBot's row at a concurrency: conversations, turns, errors, p50,
    p95, p99, turns/s, Rasa MB, actions MB."""
    found = re.search(rf"^knotbot\s+{concurrency} at a time" + rf"\s+{NUMBER}" * 9, printed, re.M)
    assert found, printed
    return list(found.groups())


def test_nothing_answering_says_how_to_start_the_bot():
    with pytest.raises(BenchError, match=r"nothing answers at .*`make run`"):
        _check_rasa(f"http://127.0.0.1:{free_port()}")


def test_percentiles_are_values_that_were_measured():
    values = [0.01 * n for n in range(1, 101)]
    assert report.percentile(values, 50) == pytest.approx(0.50)
    assert report.percentile(values, 95) == pytest.approx(0.95)
    assert report.percentile([0.3], 99) == 0.3


def measured(
    bot: str, latency: float, seconds: float, rss: int | None, concurrency: int = 20
) -> report.Measurement:
    return report.Measurement(bot, concurrency, Run([latency] * 10, [], 2, seconds), rss, None)


def test_the_report_puts_both_bots_start_up_and_targets_together():
    ours = [measured("knotbot", 0.05, 1.0, 1_200_000_000, 1), measured("knotbot", 0.2, 1.0, None)]
    plain = [measured("plain", 0.02, 1.0, 400_000_000, 1), measured("plain", 0.1, 0.5, None)]
    ours[1].run.errors.append("e01: HTTP 500 from the REST webhook")
    ready = {"action server": 5.0, "Rasa server": 25.0}
    printed = report.render(ours, plain, ready, 12.0, loading=1_400_000_000)
    assert re.search(r"^plain\s+20 at a time\s+2\s+10\s+0\s+100\.0", printed, re.M)
    assert row(printed, 20)[2] == "1"  # one error
    assert (
        "Start-up to ready: KnotBot 25.0 s (action server 5.0 s, Rasa server 25.0 s); " in printed
    )
    assert "plain bot 12.0 s" in printed
    assert "Rasa server RSS while starting: 1400 MB at most" in printed
    assert "NOT met  Rasa server RSS < 1300 MB: 1400" in printed
    assert "throughput at 20 at a time >= the plain bot's: 0.50 x theirs" in printed
    assert printed.endswith("error: e01: HTTP 500 from the REST webhook")
    assert "Start-up" not in report.render(ours, [], None, None)


def test_targets_compare_with_the_plain_bot_and_the_issues_numbers():
    ours = measured("knotbot", 0.05, 1.0, 1_200_000_000)
    plain = measured("plain", 0.04, 2.0, 500_000_000)
    lines = report.targets(ours, ours, plain, ready_seconds=40.0)
    assert any(line.strip().startswith("met") and "throughput" in line for line in lines)
    assert any(line.strip().startswith("NOT met") and "p95 at 20" in line for line in lines)
    assert any(line.strip().startswith("met") and "single-conversation" in line for line in lines)
    assert any(line.strip().startswith("met") and "RSS" in line for line in lines)
    assert any(line.strip().startswith("NOT met") and "start-up" in line for line in lines)


def test_a_listening_process_is_found_by_its_port_and_its_memory_watched():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert servers.listening_pid(listener.getsockname()[1]) == os.getpid()
    with servers.PeakMemory(os.getpid(), every=0.01) as memory:
        bytearray(10_000_000)
    assert memory.peak > 10_000_000


def test_the_plain_bot_runs_with_its_api_on_loopback(tmp_path):
    command = servers.plain_command(tmp_path, 5999)
    assert command[1:3] == ["run", "--model"]
    assert {"--enable-api", "127.0.0.1", "5999"} <= set(command)


def test_a_conversation_ends_where_the_scripted_patient_stops():
    assert scripts.decided({"triage_level": "emergency"})
    assert scripts.decided({"triage_level": "self_care", "trigger_points": ["soleus"]})
    assert not scripts.decided({"triage_level": "self_care", "trigger_points": []})
    assert not scripts.decided({})
