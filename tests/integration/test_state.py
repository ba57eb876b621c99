"""Conversations kept in SQL and served in turn: a conversation survives a restart of the
Rasa server mid-interview; two Rasa replicas with two action servers, sharing PostgreSQL
and Redis behind nginx, serve one conversation turn by turn, also when one of them dies.
Real servers throughout (bot/server/stores.py, tests/services.py)."""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator

import pytest
import requests
import socketio

from actions.knowledge.database import engine
from actions.knowledge.seed import load
from actions.settings import tracker_database_url
from bot.server.stores import AtomicRedisLockStore, EnvironmentLockStore
from tests.databases import new_postgres_database
from tests.integration.test_erasure import full_tracker, new_marker, rows_saying
from tests.services import (
    NGINX_PATH,
    Service,
    action_server,
    nginx_balancer,
    rasa_replica,
    redis_server,
)

TURNS = (
    "I've had a knot between my shoulder blades since I started working from home",
    "no",  # the red-flag questions, asked first, as one group
    "4 days",
    "3",
)


def send(url: str, sender: str, text: str) -> list[dict]:
    reply = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    assert isinstance(reply.json(), list)
    return reply.json()


def tracker(url: str, sender: str) -> dict:
    reply = requests.get(f"{url}/conversations/{sender}/tracker", timeout=30)
    reply.raise_for_status()
    return reply.json()


def said_by_person(url: str, sender: str) -> list[str]:
    return [e["text"] for e in tracker(url, sender)["events"] if e["event"] == "user"]


def loaded_database(url: str) -> str:
    load(engine(url))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return loaded_database(f"sqlite:///{tmp_path / 'knotbot.db'}")
    return loaded_database(new_postgres_database(request.getfixturevalue("postgres")))


@pytest.fixture
def started(tmp_path) -> Iterator[list[Service]]:
    """The services a test starts, stopped at its end whatever happens."""
    services: list[Service] = []
    yield services
    for service in services:
        service.stop()


def test_a_conversation_survives_a_restart_of_the_rasa_server_mid_interview(
    database, started, tmp_path
):
    settings = {"DATABASE_URL": database}
    actions = action_server("actions", settings, tmp_path)
    started.append(actions.start())
    rasa = rasa_replica("rasa", actions, settings, tmp_path)
    started.append(rasa.start())
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    for text in TURNS[:2]:
        send(rasa.url, sender, text)
    before = tracker(rasa.url, sender)

    rasa.kill()
    rasa.start()

    after = tracker(rasa.url, sender)
    assert after["slots"] == before["slots"]
    assert after["events"] == before["events"]
    for text in TURNS[2:]:
        send(rasa.url, sender, text)
    slots = tracker(rasa.url, sender)["slots"]
    assert slots["pain_regions"] == ["upper_back"] and slots["pain_duration_days"] == 4
    assert slots["triage_level"] == "self_care" and len(slots["trigger_points"]) == 3
    assert said_by_person(rasa.url, sender) == list(TURNS)


def needs_redis_and_nginx() -> None:
    if shutil.which("redis-server") and shutil.which("nginx", path=NGINX_PATH):
        return
    missing = "Redis or nginx is not installed (make test installs them: apt-get install "
    missing += "redis-server nginx)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must test the scale-out: {missing}")
    pytest.skip(missing)


@pytest.fixture(scope="module")
def scaled_out(postgres, tmp_path_factory) -> Iterator[tuple[list[Service], str, str]]:
    """Two Rasa replicas, each with its action server, on one PostgreSQL database and one
    Redis lock store, behind nginx; yields the replicas, nginx's URL and the database's.
    Started once for the module's tests: a test that kills a replica starts it again."""
    needs_redis_and_nginx()
    tmp_path = tmp_path_factory.mktemp("scaled-out")
    started: list[Service] = []
    with redis_server() as redis_url:
        settings = {
            "DATABASE_URL": loaded_database(new_postgres_database(postgres)),
            "REDIS_URL": redis_url,
        }
        actions = [action_server(f"actions-{i}", settings, tmp_path) for i in (1, 2)]
        replicas = [
            rasa_replica(f"rasa-{i}", server, settings, tmp_path)
            for i, server in zip((1, 2), actions, strict=True)
        ]
        try:
            for service in (*actions, *replicas):
                started.append(service.launch())
            for service in (*actions, *replicas):
                service.wait_until_up()
            with nginx_balancer([replica.port for replica in replicas]) as balancer:
                yield replicas, balancer, settings["DATABASE_URL"]
        finally:
            for service in started:
                service.stop()


def test_turns_on_alternating_replicas_make_one_conversation(scaled_out):
    replicas, _, _ = scaled_out
    sender = f"alternating-{uuid.uuid4().hex[:8]}"
    for turn, text in enumerate(TURNS):
        send(replicas[turn % 2].url, sender, text)
    for replica in replicas:
        slots = tracker(replica.url, sender)["slots"]
        assert slots["triage_level"] == "self_care" and slots["pain_regions"] == ["upper_back"]
        assert said_by_person(replica.url, sender) == list(TURNS)


def test_delete_my_data_on_one_replica_leaves_no_typed_word_on_either_or_in_postgresql(
    scaled_out,
):
    replicas, _, database = scaled_out
    marker = new_marker()
    sender = f"erase-{uuid.uuid4().hex[:8]}"
    send(replicas[0].url, sender, f"hi, I'm {marker}, I have a knot between my shoulder blades")
    send(replicas[1].url, sender, "no")
    assert rows_saying(database, marker)  # there before: the check can fail

    reply = send(replicas[1].url, sender, "delete my data")

    assert "deleted this conversation" in " ".join(m.get("text") or "" for m in reply)
    for replica in replicas:
        assert marker not in full_tracker(replica.url, sender)
    assert rows_saying(database, marker) == []


def test_two_replicas_take_turns_on_messages_sent_at_the_same_moment(scaled_out):
    """The Redis lock store makes the second replica wait for the first: both messages are
    handled, one after the other, and each is answered."""
    replicas, _, _ = scaled_out
    sender = f"together-{uuid.uuid4().hex[:8]}"
    for text in TURNS[:2]:
        send(replicas[0].url, sender, text)
    replies: dict[int, list[dict]] = {}
    texts = ("4 days", "and it's about a 3")

    def say(index: int) -> None:
        replies[index] = send(replicas[index].url, sender, texts[index])

    threads = [threading.Thread(target=say, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(replies.get(i) for i in (0, 1)), replies
    events = tracker(replicas[1].url, sender)["events"]
    people = [e["text"] for e in events if e["event"] == "user"]
    assert people[:2] == list(TURNS[:2]) and sorted(people[2:]) == sorted(texts)
    # one turn's events never interleave with the other's: each message is followed by the
    # bot's actions for it, before the next message
    kinds = [e["event"] for e in events if e["event"] in ("user", "action")]
    *_, second, third = (i for i, kind in enumerate(kinds) if kind == "user")
    assert "action" in kinds[second + 1 : third] and "action" in kinds[third + 1 :]
    slots = tracker(replicas[0].url, sender)["slots"]
    # the lock lets either message through first; "about a 3" is a rating in a rating's
    # words whichever question it answers, and "4 days" a duration, so both orders agree
    assert slots["pain_duration_days"] == 4 and slots["pain_intensity"] == 3


def test_a_replica_killed_mid_conversation_leaves_it_to_the_other_through_nginx(scaled_out):
    replicas, balancer, _ = scaled_out
    sender = f"failover-{uuid.uuid4().hex[:8]}"
    for text in TURNS[:2]:
        send(balancer, sender, text)
    before = tracker(replicas[1].url, sender)["slots"]

    replicas[0].kill()
    try:
        for text in TURNS[2:]:
            send(balancer, sender, text)
        slots = tracker(replicas[1].url, sender)["slots"]
    finally:
        replicas[0].start()  # the module's other tests have two replicas again
    assert {k: slots[k] for k in ("pain_regions", "pain_cause")} == {
        k: before[k] for k in ("pain_regions", "pain_cause")
    }
    assert slots["triage_level"] == "self_care"
    assert said_by_person(replicas[1].url, sender) == list(TURNS)  # no turn lost or doubled


def test_the_web_chat_works_through_nginx_with_polling_kept_on_one_replica(scaled_out):
    _, balancer, _ = scaled_out
    client = socketio.Client(reconnection=False)
    answers: list[dict] = []
    confirmed, answered = threading.Event(), threading.Event()
    session = uuid.uuid4().hex
    client.on("session_confirm", lambda *_: confirmed.set())

    @client.on("bot_uttered")
    def bot_uttered(message: dict) -> None:
        answers.append(message)
        answered.set()

    client.connect(balancer, transports=["polling"], socketio_path="socket.io", wait_timeout=30)
    try:
        client.emit("session_request", {"session_id": session})
        assert confirmed.wait(timeout=30), "no session over polling through nginx"
        client.emit("user_uttered", {"message": TURNS[0], "session_id": session})
        assert answered.wait(timeout=60), "no reply over polling through nginx"
    finally:
        # without waiting for the last long poll: through nginx, a graceful disconnect
        # waited on it for over ten minutes once
        client.eio.disconnect(abort=True)
    assert any("any of these" in (a.get("text") or "") for a in answers), answers


def test_the_tracker_database_is_the_knowledge_bases_or_a_file_beside_it(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://knotbot@db.example:5432/knotbot")
    assert tracker_database_url() == "postgresql://knotbot@db.example:5432/knotbot"
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/knotbot/knotbot.db")
    assert tracker_database_url() == "sqlite:////srv/knotbot/knotbot-trackers.db"


def test_several_workers_without_redis_are_refused_with_what_to_do(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(ValueError, match="set REDIS_URL"):
        EnvironmentLockStore()


def test_a_malformed_redis_url_is_refused_with_an_example(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "localhost:6379")
    with pytest.raises(ValueError, match="redis://host:6379/0"):
        EnvironmentLockStore()


def test_tickets_taken_at_the_same_moment_are_all_different():
    """Rasa OSS's Redis store lets two replicas take the same ticket; ours must not."""
    needs_redis_and_nginx()
    with redis_server() as redis_url:
        stores = [AtomicRedisLockStore.from_url(redis_url) for _ in range(8)]
        start = threading.Barrier(len(stores))
        tickets: list[int] = []

        def take(store: AtomicRedisLockStore) -> None:
            start.wait()
            for _ in range(25):
                tickets.append(store.issue_ticket("same-conversation"))

        threads = [threading.Thread(target=take, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(tickets) == list(range(len(tickets))) and len(tickets) == 200
        for ticket in tickets:
            stores[0].cleanup("same-conversation", ticket)
        assert stores[0].get_lock("same-conversation") is None
