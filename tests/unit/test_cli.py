"""The knotbot command: training only when needed, and the terminal chat."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.knotbot import _is_loopback
from bot.server import launch
from tests.databases import free_port

KNOTBOT = str(Path(sys.executable).parent / "knotbot")


def test_the_model_name_follows_config_and_data(tmp_path, monkeypatch):
    config = tmp_path / "config.yml"
    vocabulary = tmp_path / "lexicon"
    vocabulary.mkdir()
    config.write_text("language: en\n")
    (vocabulary / "regions.yml").write_text("regions: {}\n")
    monkeypatch.setattr(launch, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(launch, "TRAINING_INPUTS", [config, vocabulary])
    first = launch.training_fingerprint()
    assert launch.training_fingerprint() == first
    (vocabulary / "regions.yml").write_text("regions: {calf: {terms: [calf]}}\n")
    assert launch.training_fingerprint() != first


def test_train_skips_when_a_model_matches(capsys):
    if not launch.model_path().exists():
        pytest.skip("no trained model: run `knotbot train` (make test does)")
    assert launch.train() == launch.model_path()
    assert "no training needed" in capsys.readouterr().out


def test_the_servers_listen_on_loopback_without_a_token(monkeypatch):
    monkeypatch.delenv("KNOTBOT_API_TOKEN", raising=False)
    commands = launch.server_commands(Path("model.tar.gz"))
    rasa = commands["rasa"]
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    assert "--auth-token" not in rasa
    assert launch.server_environment()["SANIC_HOST"] == "127.0.0.1"


def test_the_web_app_refuses_to_listen_wider_without_the_clinic_token():
    env = {name: value for name, value in os.environ.items() if name != "KNOTBOT_CLINIC_TOKEN"}
    env |= {"KNOTBOT_WEB_HOST": "0.0.0.0", "KNOTBOT_WEB_PORT": str(free_port())}
    # the timeout fails the test if it started serving instead
    result = subprocess.run([KNOTBOT, "web"], env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode != 0
    assert "KNOTBOT_WEB_HOST is 0.0.0.0" in result.stderr
    assert "set KNOTBOT_CLINIC_TOKEN" in result.stderr
    assert "Web app on" not in result.stdout


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("clinic.example", False),
    ],
)
def test_only_loopback_hosts_count_as_local(host, loopback):
    assert _is_loopback(host) is loopback


def knotbot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KNOTBOT, *args], capture_output=True, text=True, timeout=120)


def test_kb_check_validates_the_seed():
    result = knotbot("kb", "check")
    assert result.returncode == 0, result.stderr
    valid = r"muscles\.yml is valid: \d{2,} muscles; every region has at least"
    assert re.search(valid, result.stdout)


def test_kb_refers_to_prints_the_ranked_muscles_with_reasons(kb_url):
    result = knotbot("kb", "--database-url", kb_url, "refers-to", "heel", "--cause", "overuse")
    assert result.returncode == 0, result.stderr
    assert " 1. soleus" in result.stdout
    assert "refers pain to the heel (primary); often set off by overuse" in result.stdout


def test_kb_where_reads_plain_words(kb_url):
    result = knotbot("kb", "--database-url", kb_url, "where", "a knot in my left heel")
    assert result.returncode == 0, result.stderr
    assert "Pain in: Heel (heel)" in result.stdout and " 1. soleus" in result.stdout


def test_kb_muscle_shows_the_whole_entry(kb_url):
    result = knotbot("kb", "--database-url", kb_url, "muscle", "soleus")
    assert result.returncode == 0, result.stderr
    for part in ("Trigger points:", "Heel (primary)", "Pressure:", "Stretch:", "clot", "Source:"):
        assert part in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("refers-to", "elbow_left"), "unknown region code elbow_left"),
        (("where", "purple"), "no body region found"),
        (("muscle", "kneecapius"), "no muscle 'kneecapius'"),
    ],
)
def test_kb_queries_say_what_is_wrong(kb_url, args, message):
    result = knotbot("kb", "--database-url", kb_url, *args)
    assert result.returncode == 1
    assert message in result.stderr


def test_kb_on_an_empty_database_says_to_load_it(tmp_path):
    result = knotbot(
        "kb", "--database-url", f"sqlite:///{tmp_path / 'empty.db'}", "muscle", "soleus"
    )
    assert result.returncode == 1
    assert "run `knotbot kb load`" in result.stderr


def test_every_training_input_exists():
    """A path that moved would silently stop a change to it from retraining the model."""
    assert [p for p in launch.TRAINING_INPUTS if not p.exists()] == []
