"""KNOTBOT_API_TOKEN: with it, the Rasa HTTP API and the clinic endpoints answer only to the
token (without it the Rasa server listens on loopback only: tests/unit/test_cli.py)."""

from __future__ import annotations

import pytest
import requests

from actions.knowledge.database import engine
from actions.knowledge.seed import load
from bot.server import launch
from tests.databases import free_port
from tests.services import Service, action_server, rasa_replica

TOKEN = "api-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """Rasa, its action server and the web app, with the API token and no staff token."""
    logs = tmp_path_factory.mktemp("guarded")
    url = f"sqlite:///{logs / 'knotbot.db'}"
    load(engine(url))
    settings = {"DATABASE_URL": url, "KNOTBOT_API_TOKEN": TOKEN}
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("KNOTBOT_API_TOKEN", TOKEN)  # read where the command lines are made
        actions = action_server("actions", settings, logs)
        rasa = rasa_replica("rasa", actions, settings, logs)
    assert "--auth-token" in rasa.command
    port = free_port()
    model = launch.model_path()
    command = launch.server_commands(model, rasa.port, actions.port, port)["web"]
    env = {**rasa.env}
    env.pop("KNOTBOT_CLINIC_TOKEN", None)
    web = Service("web", command, env, port, "/health", logs / "web.log")
    services = [actions.launch(), rasa.launch(), web.launch()]
    try:
        for service in services:
            service.wait_until_up()
        yield rasa, web
    finally:
        for service in services:
            service.stop()


@pytest.mark.parametrize(
    "path",
    [
        "/conversations/someone/tracker",
        "/conversations/someone/story",
        "/domain",
        "/status",
    ],
)
def test_the_rasa_api_refuses_without_the_token(guarded, path):
    rasa, _ = guarded
    assert requests.get(rasa.url + path, timeout=30).status_code == 401
    assert requests.get(f"{rasa.url}{path}?token=wrong", timeout=30).status_code == 401


def test_the_rasa_api_answers_with_the_token_and_the_chat_still_works(guarded):
    rasa, _ = guarded
    reply = requests.post(
        f"{rasa.url}/webhooks/rest/webhook",
        json={"sender": "guarded-1", "message": "a knot in my left calf"},
        timeout=60,
    )
    assert reply.status_code == 200 and reply.json()
    tracker = requests.get(
        f"{rasa.url}/conversations/guarded-1/tracker?token={TOKEN}", timeout=30
    ).json()
    assert tracker["slots"]["pain_regions"] == ["calf"]
    body = requests.get(f"{rasa.url}/conversations/guarded-1/tracker", timeout=30).text
    assert "calf" not in body


@pytest.mark.parametrize("path", ["/clinic/intakes", "/clinic/intakes/ANY-1"])
def test_the_clinic_endpoints_answer_only_to_the_token_when_no_staff_token_is_set(guarded, path):
    _, web = guarded
    refused = requests.get(web.url + path, timeout=30, allow_redirects=False)
    assert refused.status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert requests.get(web.url + path, headers=headers, timeout=30).status_code in (200, 404)


def test_the_api_token_does_not_open_the_staff_pages(guarded):
    _, web = guarded
    headers = {"Authorization": f"Bearer {TOKEN}"}
    page = requests.get(f"{web.url}/staff/", headers=headers, timeout=30, allow_redirects=False)
    assert page.status_code == 303 and page.headers["Location"] == "/staff/login"
