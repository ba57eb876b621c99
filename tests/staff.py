"""Signing in to the staff pages as a real staff member would: the login form, its CSRF
token, and the session cookie it sets."""

from __future__ import annotations

import re
import uuid

import requests

from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from bot.web.staff.accounts import StaffAccounts

PASSWORD = "a long staff passphrase"


def form_token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


def fill_in_login(
    session: requests.Session, web: str, username: str, password: str, follow: bool = True
) -> requests.Response:
    """The login form fetched, filled in and sent, as a browser does."""
    form = session.get(f"{web}/staff/login", timeout=10)
    return session.post(
        f"{web}/staff/login",
        data={"csrf": form_token(form.text), "username": username, "password": password},
        allow_redirects=follow,
        timeout=10,
    )


def sign_in(web: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A session signed in as `username` (its `username`); its `csrf` is the token its
    forms must send."""
    session = requests.Session()
    reply = fill_in_login(session, web, username, password)
    assert reply.status_code == 200 and reply.url == f"{web}/staff/", reply.text
    session.csrf = form_token(reply.text)  # type: ignore[attr-defined]
    session.username = username  # type: ignore[attr-defined]
    return session


def new_staff_member(database_url: str, role: str = "staff") -> str:
    """The username of a new account of its own in the web app's database."""
    username = f"{role}-{uuid.uuid4().hex[:8]}"
    database = engine(database_url)
    upgrade(database)
    StaffAccounts(database).add(username, f"Test {role}", role, PASSWORD)
    return username
