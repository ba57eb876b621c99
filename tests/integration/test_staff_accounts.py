"""Staff accounts, their sessions, sign-in throttling and the audit trail on the real
databases (SQLite and PostgreSQL), with a clock the tests move instead of sleeping."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from bot.web.staff.accounts import AccountError
from bot.web.staff.audit import UNKNOWN_ACCOUNT, write_csv
from bot.web.staff.desk import StaffDesk
from bot.web.staff.sessions import Opened
from bot.web.staff.signin import LOCKED, MOST_FAILURES_PER_ACCOUNT, WRONG
from tests.clock import Clock

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(empty_database, clock) -> StaffDesk:
    database = engine(empty_database)
    upgrade(database)
    made = StaffDesk.on(database, clock, idle=timedelta(minutes=30), limit=timedelta(hours=12))
    made.accounts.add("amara", "Amara Okafor", "staff", PASSWORD)
    made.accounts.add("ben.admin", "Ben Lee", "admin", "another long passphrase")
    return made


def sign_in(desk: StaffDesk, password: str = PASSWORD, username: str = "amara") -> Opened:
    outcome = desk.sign_in.attempt(username, password, "10.0.0.7")
    assert isinstance(outcome, Opened), outcome
    return outcome


def test_staff_account_passwords_are_kept_as_argon2_hashes_only(desk):
    with desk.accounts.engine.connect() as connection:
        stored = connection.execute(text("SELECT username, password_hash FROM staff_account"))
        hashes = dict(stored.all())
    assert hashes["amara"].startswith("$argon2id$")
    assert PASSWORD not in " ".join(hashes.values())
    assert desk.accounts.verify("amara", PASSWORD).name == "Amara Okafor"
    assert desk.accounts.verify("amara", PASSWORD.upper()) is None
    assert desk.accounts.verify("AMARA ", PASSWORD).username == "amara"  # as typed at a form


@pytest.mark.parametrize(
    "username, name, role, password, problem",
    [
        ("amara", "Someone Else", "staff", PASSWORD, "already an account"),
        ("a b", "A B", "staff", PASSWORD, "not a username"),
        ("", "Nobody", "staff", PASSWORD, "not a username"),
        ("carl", "Carl", "owner", PASSWORD, "role must be one of staff, admin"),
        ("carl", "Carl", "staff", "short", "at least 12 characters"),
        ("carl", "Carl", "staff", " " * 20, "at least 12 characters"),
        ("carl", "Carl", "staff", "x" * 257, "at most 256"),
        ("carl", "  ", "staff", PASSWORD, "the person's name"),
    ],
)
def test_a_staff_account_that_cannot_be_made_says_why(
    desk, username, name, role, password, problem
):
    with pytest.raises(AccountError, match=problem):
        desk.accounts.add(username, name, role, password)
    assert [a.username for a in desk.accounts.all()] == ["amara", "ben.admin"]


def test_a_session_expires_after_30_idle_minutes(desk, clock):
    opened = sign_in(desk)
    clock.advance(minutes=29)
    assert desk.sessions.find(opened.cookie).account.username == "amara"
    clock.advance(minutes=29)  # 58 minutes in, but used 29 minutes ago
    assert desk.sessions.find(opened.cookie) is not None
    clock.advance(minutes=30)
    assert desk.sessions.find(opened.cookie) is None
    clock.advance(minutes=-30)  # the row is gone, not only refused
    assert desk.sessions.find(opened.cookie) is None


def test_a_session_expires_12_hours_after_sign_in_however_busy(desk, clock):
    opened = sign_in(desk)
    for _ in range(35):  # a request every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert desk.sessions.find(opened.cookie) is not None
    clock.advance(minutes=20)
    assert desk.sessions.find(opened.cookie) is None


@pytest.mark.parametrize("change", ["disable", "set_password"])
def test_disabling_a_staff_account_or_setting_its_password_revokes_its_sessions(desk, change):
    amara, other = sign_in(desk), sign_in(desk, "another long passphrase", "ben.admin")
    if change == "disable":
        desk.accounts.disable("amara")
    else:
        desk.accounts.set_password("amara", "a brand new passphrase")
    assert desk.sessions.find(amara.cookie) is None
    assert desk.sessions.find(other.cookie) is not None  # nobody else's
    if change == "disable":
        assert desk.sign_in.attempt("amara", PASSWORD, "10.0.0.7") == WRONG
        desk.accounts.enable("amara")
        sign_in(desk)
    else:
        assert desk.sign_in.attempt("amara", PASSWORD, "10.0.0.7") == WRONG
        sign_in(desk, "a brand new passphrase")


def test_logout_closes_only_that_session(desk):
    first, second = sign_in(desk), sign_in(desk)
    desk.sessions.close(first.cookie)
    assert desk.sessions.find(first.cookie) is None
    assert desk.sessions.find(second.cookie) is not None


def test_the_session_table_holds_no_cookie(desk):
    opened = sign_in(desk)
    with desk.accounts.engine.connect() as connection:
        rows = connection.execute(text("SELECT token_hash, csrf_token FROM staff_session")).all()
    assert len(rows) == 1 and opened.cookie not in rows[0][0]
    assert rows[0][1] == opened.csrf_token and opened.csrf_token != opened.cookie


def test_sign_ins_are_refused_after_5_failures_even_with_the_right_password(desk, clock):
    for _ in range(MOST_FAILURES_PER_ACCOUNT):
        assert desk.sign_in.attempt("amara", "guess", "10.0.0.9") == WRONG
    assert desk.sign_in.attempt("amara", PASSWORD, "10.0.0.7") == LOCKED
    sign_in(desk, "another long passphrase", "ben.admin")  # other accounts are not locked
    clock.advance(minutes=16)
    sign_in(desk)


def test_a_new_password_ends_the_lockout(desk, clock):
    for _ in range(MOST_FAILURES_PER_ACCOUNT):
        desk.sign_in.attempt("amara", "guess", "10.0.0.9")
    clock.advance(seconds=1)
    desk.accounts.set_password("amara", "a brand new passphrase")
    desk.trail.record("ben.admin", "password_set", "10.0.0.2", "amara")
    clock.advance(seconds=1)
    sign_in(desk, "a brand new passphrase")


def test_one_address_trying_many_names_is_refused_after_20(desk):
    for number in range(20):
        assert desk.sign_in.attempt(f"user{number}", "guess", "203.0.113.5") == WRONG
    assert desk.sign_in.attempt("amara", PASSWORD, "203.0.113.5") == LOCKED
    sign_in(desk)  # from the clinic's own address


def test_the_audit_trail_records_sign_ins_without_what_was_typed(desk, clock):
    sign_in(desk)
    clock.advance(seconds=1)
    desk.sign_in.attempt("amara", "hunter2-wrong", "10.0.0.9")
    clock.advance(seconds=1)
    desk.sign_in.attempt("my password is hunter2", "x", "10.0.0.9")  # a name typed wrong
    refused_unknown, refused_amara, ok = desk.trail.entries()
    assert (ok.actor, ok.action, ok.outcome, ok.source) == ("amara", "login", "ok", "10.0.0.7")
    assert (refused_amara.outcome, refused_amara.reason) == ("refused", "wrong password")
    assert refused_unknown.actor == UNKNOWN_ACCOUNT and refused_unknown.reason == "no account"
    out = io.StringIO()
    write_csv(desk.trail.entries(), out)
    assert "hunter2" not in out.getvalue()
    assert out.getvalue().splitlines()[0] == "at,actor,action,subject,source,outcome,reason"


@pytest.mark.parametrize(
    "change", ["UPDATE audit_entry SET actor = 'x'", "DELETE FROM audit_entry"]
)
def test_the_audit_trail_is_append_only_in_the_database(desk, change):
    desk.trail.record("amara", "intake_view", "10.0.0.7", "APPT-1")
    with pytest.raises(DBAPIError, match="append-only"), desk.trail.engine.begin() as connection:
        connection.execute(text(change))
    assert [e.subject for e in desk.trail.entries()] == ["APPT-1"]


def test_the_audit_csv_keeps_spreadsheet_formulas_as_text(desk):
    desk.trail.record('=HYPERLINK("http://x")', "login", "+1", refused="no account")
    out = io.StringIO()
    write_csv(desk.trail.entries(), out)
    assert "'=HYPERLINK" in out.getvalue() and ",'+1," in out.getvalue()
