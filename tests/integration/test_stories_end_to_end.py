"""The test stories in tests/stories/, played end to end against the real servers.

`rasa test core` replays a story's events without running the custom actions, and the
decisions of the interview (red flags, corrections) are made in the form's validation
action; so these stories are sent over the REST webhook, and checked against the tracker:
- `user`: a message, sent as typed;
- `action`: the actions Rasa ran for the message before, in order (when any are listed);
- `slot_was_set`: the slots after the message before; a list value means "contains these",
  and `null` means not set.
"""

from __future__ import annotations

import uuid

import pytest
import requests
import yaml

from actions.settings import PROJECT_ROOT

STORIES = PROJECT_ROOT / "tests" / "stories"


def stories() -> list:
    found = []
    for path in sorted(STORIES.glob("*.yml")):
        for story in yaml.safe_load(path.read_text())["stories"]:
            found.append(pytest.param(story, id=f"{path.stem}: {story['story']}"))
    return found


def actions_since_last_message(events: list[dict]) -> list[str]:
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [
        e["name"]
        for e in events[last_user + 1 :]
        if e["event"] == "action" and e["name"] != "action_listen"
    ]


def check_slots(expected: list[dict], slots: dict, said: str) -> None:
    for entry in expected:
        for name, want in entry.items():
            got = slots.get(name)
            if isinstance(want, list):
                assert set(want) <= set(got or []), f"{name}={got!r}, wanted {want}\n{said}"
            else:
                assert got == want, f"{name}={got!r}, wanted {want!r}\n{said}"


@pytest.mark.parametrize("story", stories())
def test_story(bot, story):
    sender = f"story-{uuid.uuid4().hex[:12]}"
    transcript: list[str] = []
    expected_actions: list[str] = []

    def check_actions() -> None:
        if expected_actions:
            events = tracker()["events"]
            assert actions_since_last_message(events) == expected_actions, "\n".join(transcript)
            expected_actions.clear()

    def tracker() -> dict:
        reply = requests.get(f"{bot.url}/conversations/{sender}/tracker", timeout=30)
        reply.raise_for_status()
        return reply.json()

    for step in story["steps"]:
        if "user" in step:
            check_actions()
            text = step["user"].strip()
            transcript.append(f"user: {text}")
            transcript += [f"bot: {m.get('text')}" for m in bot.send(sender, text)]
        elif "action" in step:
            expected_actions.append(step["action"])
        elif "slot_was_set" in step:
            check_slots(step["slot_was_set"], tracker()["slots"], "\n".join(transcript))
    check_actions()
