"""The running Rasa server has KnotBot's patches (tests/unit/test_rasa_patches.py tests
each patch)."""

from __future__ import annotations

from tests.unit.test_rasa_patches import PATCHED_LINE


def test_the_running_rasa_server_has_the_patches(bot):
    log = next(log for log in bot.logs if log.name == "rasa.log").read_text()
    assert PATCHED_LINE in log
    assert "Rasa runs without KnotBot's patches" not in log  # in force before the channels
