"""`knotbot staff ...` and `knotbot audit export` on the real databases, and an account made
at the command line signing in to the real `knotbot web`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
import requests

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from actions.knowledge.seed import load
from actions.settings import PROJECT_ROOT
from bot.web.staff.desk import StaffDesk
from tests.conftest import wait_until_up
from tests.databases import free_port
from tests.staff import sign_in
from tests.unit.test_cli import KNOTBOT

PASSWORD = "the admin's own passphrase"


def knotbot(url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KNOTBOT, args[0], "--database-url", url, *args[1:]],
        input=None if password is None else password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_staff_account_commands_add_list_disable_enable_and_reset(empty_database):
    added = knotbot(
        empty_database,
        "staff", "add", "rosa", "--name", "Rosa Díaz", "--role", "admin", "--password-stdin",
        password=PASSWORD,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Added admin account rosa (Rosa Díaz)" in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    listed = knotbot(empty_database, "staff", "list")
    assert listed.stdout.split("\t")[:4] == ["rosa", "admin", "active", "Rosa Díaz"]
    desk = StaffDesk.on(engine(empty_database))
    opened = desk.sign_in.attempt("rosa", PASSWORD, "10.1.1.1")
    assert desk.sessions.find(opened.cookie) is not None

    disabled = knotbot(empty_database, "staff", "disable", "rosa")
    assert disabled.returncode == 0 and "Disable: rosa; its sessions ended" in disabled.stdout
    assert desk.sessions.find(opened.cookie) is None
    assert "\tdisabled\t" in knotbot(empty_database, "staff", "list").stdout
    assert knotbot(empty_database, "staff", "enable", "rosa").returncode == 0
    reset = knotbot(
        empty_database, "staff", "reset-password", "rosa", "--password-stdin",
        password="a different passphrase",
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert desk.accounts.verify("rosa", PASSWORD) is None
    assert desk.accounts.verify("rosa", "a different passphrase") is not None
    changes = [(e.action, e.subject) for e in reversed(desk.trail.entries())]
    assert changes[0] == ("account_add", "rosa") and changes[-1] == ("password_set", "rosa")
    assert ("account_disable", "rosa") in changes and ("account_enable", "rosa") in changes
    assert all(e.actor.startswith("command line: ") for e in desk.trail.entries() if e.subject)


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "x y", "--name", "X", "--password-stdin"), PASSWORD, "is not a username"),
        (("add", "kim", "--name", "Kim", "--password-stdin"), "short", "at least 12"),
        (("add", "kim", "--name", "Kim"), None, "type the password at a terminal"),
        (("disable", "nobody"), None, "There is no account 'nobody'"),
        (("reset-password", "nobody", "--password-stdin"), PASSWORD, "no account 'nobody'"),
    ],
)
def test_staff_account_mistakes_are_explained_and_change_nothing(
    empty_database, args, password, message
):
    result = subprocess.run(
        [KNOTBOT, "staff", "--database-url", empty_database, *args],
        input=password + "\n" if password else "",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert StaffDesk.on(engine(empty_database)).accounts.all() == []


def test_audit_export_writes_the_trail_as_csv(empty_database, tmp_path):
    upgrade(engine(empty_database))
    desk = StaffDesk.on(engine(empty_database))
    desk.accounts.add("sam", "Sam", "staff", PASSWORD)
    desk.sign_in.attempt("sam", "wrong one", "10.2.2.2")
    desk.trail.record("sam", "intake_view", "10.2.2.2", "APPT-7")
    result = knotbot(empty_database, "audit", "export")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["actor"], r["action"], r["subject"], r["outcome"]) for r in rows] == [
        ("sam", "intake_view", "APPT-7", "ok"),
        ("sam", "login", "", "refused"),
    ]
    out = tmp_path / "audit.csv"
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
    later = knotbot(empty_database, "audit", "export", "--since", tomorrow, "-o", str(out))
    assert later.returncode == 0 and "0 entries written" in later.stderr
    assert out.read_text().splitlines() == ["at,actor,action,subject,source,outcome,reason"]
    bad = knotbot(empty_database, "audit", "export", "--since", "last week")
    assert bad.returncode == 2 and "is not a date like 2026-12-01" in bad.stderr
    # the exports are in the trail too
    assert [e.action for e in desk.trail.entries()][:2] == ["audit_export", "audit_export"]


def test_intake_erase_at_the_command_line_is_in_the_audit_trail(empty_database):
    upgrade(engine(empty_database))
    records = IntakeRecords(engine(empty_database))
    records.register_appointment("CLI-1", datetime.now(timezone.utc))
    records.save("CLI-1", "conv-CLI-1", {"triage_level": "self_care"}, {}, True)
    assert knotbot(empty_database, "intake", "erase", "CLI-1").returncode == 0
    (erased,) = StaffDesk.on(engine(empty_database)).trail.entries()
    assert (erased.action, erased.subject, erased.source) == (
        "intake_erase",
        "CLI-1",
        "command line",
    )


def test_an_account_made_by_knotbot_staff_signs_in_to_knotbot_web(tmp_path):
    url = f"sqlite:///{tmp_path / 'knotbot.db'}"
    load(engine(url))
    made = knotbot(
        url, "staff", "add", "lee", "--name", "Lee Park", "--password-stdin", password=PASSWORD
    )
    assert made.returncode == 0, made.stderr
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "KNOTBOT_WEB_PORT": str(port)}
    env["KNOTBOT_STAFF_IDLE_MINUTES"] = "5"
    for name in ("KNOTBOT_CLINIC_TOKEN", "KNOTBOT_WEB_HOST", "KNOTBOT_PUBLIC_WEB_URL"):
        env.pop(name, None)
    log = tmp_path / "web.log"
    process = subprocess.Popen(
        [KNOTBOT, "web"], cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    web = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{web}/health", process, log, timeout=120)
        session = sign_in(web, "lee", PASSWORD)
        assert "Signed in as Lee Park" in session.get(f"{web}/staff/", timeout=10).text
        assert requests.get(f"{web}/staff/", allow_redirects=False, timeout=10).status_code == 303
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert PASSWORD not in log.read_text()


def test_a_bad_session_setting_stops_knotbot_web_with_what_to_fix(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"}
    env["KNOTBOT_STAFF_IDLE_MINUTES"] = "half an hour"
    env["KNOTBOT_WEB_PORT"] = str(free_port())
    result = subprocess.run([KNOTBOT, "web"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "KNOTBOT_STAFF_IDLE_MINUTES must be a whole number above 0" in result.stderr
