"""The knotbot command with real servers: the terminal chat, and `knotbot run` starting
and stopping everything (the rest: tests/unit/test_cli.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import requests

from bot.server import launch
from tests.databases import free_port
from tests.unit.test_cli import KNOTBOT


def test_the_terminal_chat_talks_to_the_running_bot(bot):
    result = subprocess.run(
        [KNOTBOT, "chat", "--url", bot.url],
        input="my left calf hurts\n2\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "How long have you had it?" in result.stdout or "brought it on" in result.stdout
    assert "[2] Overuse" in result.stdout


def test_knotbot_run_starts_everything_and_ctrl_c_stops_it(kb_url):
    if not launch.model_path().exists():
        pytest.skip("no trained model: run `knotbot train` (make test does)")
    rasa_port, actions_port = free_port(), free_port()
    env = {
        **os.environ,
        "KNOTBOT_RASA_PORT": str(rasa_port),
        "KNOTBOT_ACTIONS_PORT": str(actions_port),
        "DATABASE_URL": kb_url,
    }
    process = subprocess.Popen(
        [KNOTBOT, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 300
        for line in process.stdout:
            if "KnotBot is ready" in line or time.monotonic() > deadline:
                break
        assert f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in line
        reply = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "run-test", "message": "hello"},
            timeout=60,
        )
        assert "Where does it hurt?" in " ".join(m.get("text", "") for m in reply.json())
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        process.kill()
    for port in (rasa_port, actions_port):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
