"""What people type is health information: it never reaches the servers' logs at INFO or
above (the level the servers run at), whichever way it came in."""

from __future__ import annotations

import json

import requests

from actions.languages import english_only
from tests.conftest import texts
from tests.integration.test_intake_conversation import appointment
from tests.integration.test_telegram import Chat

MARKER = "zebracorn"
"""A word no response, code path or model name contains, so any hit in a log is a leak."""


def test_nothing_a_person_typed_appears_in_any_log(bot):
    sender = "privacy-rest"
    for text in (
        f"I have a {MARKER} knot in my left calf from running",
        f"since {MARKER} monday",
        f"it's a 4, {MARKER}",
        f"no {MARKER}",
        f"what is a {MARKER} trigger point?",
        f"me duele mucho el cuello desde {MARKER}, no entiendo",
        MARKER * 100,
    ):
        bot.send(sender, text)
    too_long = {"sender": sender, "message": MARKER * 1000}
    requests.post(f"{bot.url}/webhooks/rest/webhook", json=too_long, timeout=60)
    chat = Chat(bot)
    chat.say(f"my {MARKER} neck hurts")
    chat.tap("/deny")
    ref = appointment(bot)
    intake = "/start_intake" + json.dumps({"appointment_ref": ref})
    for text in (intake, "yes", "a knot between my shoulder blades from my desk", "4 days", "3"):
        bot.send("privacy-intake", text)
    bot.send("privacy-intake", "no")
    bot.send("privacy-intake", f"sitting makes the {MARKER} worse")
    first = bot.send("privacy-language", f"j'ai mal au dos depuis {MARKER} trois jours")
    assert texts(first) == english_only("fr", "911")  # read as French, and answered

    leaks = {
        log.name: [line for line in log.read_text().splitlines() if MARKER in line.lower()]
        for log in bot.logs
    }
    assert {name: lines for name, lines in leaks.items() if lines} == {}
    assert all(log.stat().st_size > 0 for log in bot.logs)  # the servers did log
