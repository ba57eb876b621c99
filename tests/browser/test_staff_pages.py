"""The clinic staff pages on the real web app, served by this process with a clock the tests
move (no Rasa server, no model): signing in as oneself, the list, one intake, its printable
copy, its erasure, the admin pages, who may see what, and the audit row of every access;
then the same in Debian's Chromium. Screenshots and the printed PDF go to tests/artifacts/."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from itertools import count

import pytest
import requests
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from playwright.sync_api import Page, expect, sync_playwright

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from actions.knowledge.seed import load
from actions.settings import tracker_database_url
from bot.web.app import create_app
from bot.web.staff.audit import CLINIC_TOKEN, Entry
from bot.web.staff.desk import StaffDesk
from bot.web.staff.pages import LOGIN_COOKIE, SESSION_COOKIE
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM, serious_violations
from tests.clock import Clock
from tests.databases import free_port
from tests.intakes import EMERGENCY, THERAPIST, URGENT, stored_conversations
from tests.staff import PASSWORD, fill_in_login, form_token, sign_in
from tests.web_app import serving

TOKEN = "staff-pages-token-for-tests_0123456789"
NOW = datetime.now(timezone.utc).replace(microsecond=0)

THERAPIST_ANSWERS = {
    "session_goals": "Turn my head again <script>alert(1)</script>",
    "pressure_preference": "medium",
    "blood_thinners": True,
    "pregnancy": False,
}
# Whatever of a record must never reach someone who is not signed in.
SECRETS = ("STAFF-", "neck_side", "Side or front of the neck", "Turn my head", "calf", "Calf")
names = count(1)


@dataclass
class Clinic:
    web: str
    clock: Clock
    desk: StaffDesk
    records: IntakeRecords
    database_url: str

    def account(self, role: str = "staff") -> str:
        """A new account for one test, so that its failures and sessions are its own."""
        username = f"{role}{next(names)}"
        self.desk.accounts.add(username, f"Test {role.title()} {username}", role, PASSWORD)
        return username

    def audit(self, **wanted: str) -> list[Entry]:
        return [
            entry
            for entry in self.desk.trail.entries()
            if all(getattr(entry, name) == value for name, value in wanted.items())
        ]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Iterator[Clinic]:
    """The web app with the clinic token and intakes: two flagged, one not, one past. Its
    own database, as other tests' intakes would share the list."""
    folder = tmp_path_factory.mktemp("staff")
    url = f"sqlite:///{folder / 'knotbot.db'}"
    load(engine(url))
    upgrade(engine(url))
    records = IntakeRecords(engine(url))
    for ref, starts_at, slots, answers in [
        ("STAFF-1001", NOW + timedelta(hours=3), THERAPIST, THERAPIST_ANSWERS),
        ("STAFF-1002", NOW + timedelta(hours=6), URGENT, {"recent_surgery": True}),
        ("STAFF-1003", NOW + timedelta(days=1), EMERGENCY, {}),
        ("STAFF-0999", NOW - timedelta(days=1), THERAPIST, {}),
    ]:
        records.register_appointment(ref, starts_at)
        records.save(ref, f"web-{ref}", slots, answers, completed=ref != "STAFF-1003")
    clock = Clock(NOW)
    desk = StaffDesk.on(engine(url), clock, idle=timedelta(minutes=30), limit=timedelta(hours=12))
    app = create_app(
        "http://127.0.0.1:1",
        "/#booking",
        clinic_token=TOKEN,
        records=records,
        desk=desk,
        conversations=engine(tracker_database_url(url)),
    )
    with serving(app) as web:
        yield Clinic(web, clock, desk, records, url)


@pytest.fixture
def signed_in(clinic) -> requests.Session:
    return sign_in(clinic.web, clinic.account())


def positions(html: str, *refs: str) -> list[int]:
    return [html.index(f">{ref}</a>") for ref in refs]


def test_the_list_shows_flagged_intakes_first_in_words(clinic, signed_in):
    reply = signed_in.get(f"{clinic.web}/staff/", timeout=10)
    assert reply.status_code == 200
    html = reply.text
    urgent, emergency, therapist = positions(html, "STAFF-1002", "STAFF-1003", "STAFF-1001")
    assert urgent < emergency < therapist  # flagged first, each part by appointment time
    assert "STAFF-0999" not in html  # yesterday's appointment
    assert '<a href="/staff/intakes/STAFF-1001">' in html
    assert "Urgent: see a doctor today" in html and "Emergency: call now" in html
    assert "A licensed massage therapist can help" in html
    assert html.count(">Flagged</strong>") >= 2
    assert "Side or front of the neck; Top of the shoulder, between neck and shoulder" in html
    assert "Completed" in html and "In progress" in html
    assert 'scope="col">Appointment</th>' in html and '<html lang="en">' in html
    assert "Signed in as Test Staff" in html and "/staff/admin/" not in html


def test_an_intake_shows_every_answer_with_its_question(clinic, signed_in):
    reply = signed_in.get(f"{clinic.web}/staff/intakes/STAFF-1001", timeout=10)
    assert reply.status_code == 200
    html = reply.text
    assert "<h1>Intake STAFF-1001</h1>" in html
    assert 'class="level level-therapist">A licensed massage therapist can help<' in html
    assert "Flagged:" not in html
    # choices by their display text, booleans as Yes/No, the unanswered said so
    assert re.search(r"How much pressure do you like in a massage\?</dt>\s*<dd>Medium<", html)
    assert re.search(r"Are you pregnant, or could you be\?</dt>\s*<dd>No<", html)
    assert re.search(r"Have you had surgery in the last 3 months\?</dt>\s*<dd>Not answered<", html)
    assert re.search(r"Days since the pain started</dt>\s*<dd>14<", html)
    assert re.search(r"Likely cause</dt>\s*<dd>Posture<", html)
    # a yes on the health screen is a caution, in words
    assert "Cautions for the therapist" in html and "<li>Takes blood thinners</li>" in html
    assert re.search(r"blood thinners.*?</dt>\s*<dd>Yes <strong class=\"tag\">Caution<", html)
    # what the patient typed is shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    # the map with the trigger points numbered as in the list
    assert (
        'src="/bodymap.svg?regions=neck_side,shoulder_top&amp;side=left'
        '&amp;muscles=upper_trapezius,levator_scapulae"'
    ) in html
    assert re.search(r'alt="Body map with the pain marked: Side or front of the neck', html)
    assert re.search(r'<li value="1"><strong>Upper trapezius', html)
    assert re.search(r'<li value="2"><strong>Levator scapulae', html)
    assert 'href="/staff/intakes/STAFF-1001/print"' in html
    assert 'href="/staff/intakes/STAFF-1001/fhir"' in html
    assert 'href="/staff/intakes/STAFF-1001/erase"' in html
    image = signed_in.get(
        clinic.web + re.search(r'src="(/bodymap[^"]+)"', html)[1].replace("&amp;", "&")
    )
    assert image.status_code == 200 and 'data-muscle="levator_scapulae"' in image.text


def test_a_flagged_intake_says_so_first_with_its_red_flags(clinic, signed_in):
    html = signed_in.get(f"{clinic.web}/staff/intakes/STAFF-1002", timeout=10).text
    banner = html.index('class="banner"')
    assert banner < html.index('id="summary-title"')
    assert "Flagged: Urgent: see a doctor today." in html
    assert "<li>Possible deep-vein thrombosis</li>" in html
    assert "<li>Surgery in the last 3 months</li>" in html
    assert re.search(r"Red flags found</dt>\s*<dd>Possible deep-vein thrombosis<", html)


def test_the_printable_copy_has_the_content_and_no_navigation(clinic, signed_in):
    reply = signed_in.get(f"{clinic.web}/staff/intakes/STAFF-1001/print", timeout=10)
    assert reply.status_code == 200
    html = reply.text
    assert '<body class="printable">' in html
    assert "All intakes" not in html and "Log out" not in html and "/print" not in html
    assert "Takes blood thinners" in html and "Upper trapezius" in html and "/bodymap.svg?" in html
    assert "Confidential" in html and "/erase" not in html


def test_the_fhir_link_gives_the_questionnaire_response(clinic, signed_in):
    reply = signed_in.get(f"{clinic.web}/staff/intakes/STAFF-1001/fhir", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/fhir+json")
    resource = QuestionnaireResponse.parse_obj(reply.json())
    assert resource.identifier.value == "STAFF-1001" and resource.status == "completed"


def test_an_unknown_reference_gets_a_friendly_page(clinic, signed_in):
    reply = signed_in.get(f"{clinic.web}/staff/intakes/NOPE-404", timeout=10)
    assert reply.status_code == 404
    assert "<h1>No intake for NOPE-404</h1>" in reply.text
    assert 'href="/staff/"' in reply.text


# --- who may see what -------------------------------------------------------------------

ROUTES = [
    ("GET", "/staff/"),
    ("GET", "/staff"),
    ("GET", "/staff/intakes/STAFF-1001"),
    ("GET", "/staff/intakes/STAFF-1001/print"),
    ("GET", "/staff/intakes/STAFF-1001/fhir"),
    ("GET", "/staff/intakes/STAFF-1001/erase"),
    ("POST", "/staff/intakes/STAFF-1001/erase"),
    ("GET", "/staff/intakes/NOPE-404"),
    ("POST", "/staff/logout"),
    ("GET", "/staff/admin/accounts"),
    ("POST", "/staff/admin/accounts"),
    ("POST", "/staff/admin/accounts/admin1/disable"),
    ("POST", "/staff/admin/accounts/admin1/password"),
    ("GET", "/staff/admin/audit"),
    ("GET", "/staff/admin/audit.csv"),
]
CREDENTIALS = {
    "nothing": {},
    "the clinic token": {"Authorization": f"Bearer {TOKEN}"},  # for the API, not the pages
    "the token as cookie": {"Cookie": f"{SESSION_COOKIE}={TOKEN}"},
    "a forged cookie": {"Cookie": f"{SESSION_COOKIE}=" + "A" * 43},
}


@pytest.mark.parametrize("credentials", CREDENTIALS.values(), ids=CREDENTIALS.keys())
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_staff_route_refuses_without_a_session(clinic, method, path, credentials):
    reply = requests.request(
        method,
        clinic.web + path,
        headers=credentials,
        data={"csrf": "x", "username": "mallory", "password": PASSWORD, "role": "admin"},
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code == 303
    assert reply.headers["Location"].startswith("/staff/login")
    assert reply.headers["Cache-Control"] == "no-store"
    assert not any(secret in reply.text for secret in SECRETS)
    assert clinic.records.find("STAFF-1001") is not None
    assert clinic.desk.accounts.find("mallory") is None


def test_a_wrong_password_gets_the_form_again_with_an_error(clinic):
    username = clinic.account()
    session = requests.Session()
    reply = fill_in_login(session, clinic.web, username, "guess")
    assert reply.status_code == 401
    assert 'role="alert"' in reply.text and "do not match an active account" in reply.text
    assert 'aria-invalid="true"' in reply.text and SESSION_COOKIE not in str(session.cookies)
    assert f'value="{username}"' in reply.text  # the name stays, the password does not
    assert "guess" not in reply.text
    assert not any(secret in reply.text for secret in SECRETS)
    (refused,) = clinic.audit(actor=username, action="login")
    assert (refused.outcome, refused.reason, refused.source) == (
        "refused",
        "wrong password",
        "127.0.0.1",
    )


def test_the_login_form_has_labelled_fields_and_its_own_csrf_token(clinic):
    reply = requests.get(f"{clinic.web}/staff/login", timeout=10)
    assert reply.status_code == 200
    assert '<label for="username">Username</label>' in reply.text
    assert '<label for="password">Password</label>' in reply.text
    assert 'id="password" name="password" type="password"' in reply.text
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert form_token(reply.text) == reply.cookies[LOGIN_COOKIE]


def test_a_login_without_its_csrf_token_is_refused(clinic):
    username = clinic.account()
    reply = requests.post(
        f"{clinic.web}/staff/login",
        data={"username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code == 403 and "The form had expired" in reply.text
    assert SESSION_COOKIE not in reply.headers.get("Set-Cookie", "")
    assert clinic.audit(actor=username) == []


def test_the_staff_session_cookie_is_random_and_kept_from_scripts_and_other_sites(clinic):
    username = clinic.account()
    reply = fill_in_login(requests.Session(), clinic.web, username, PASSWORD, follow=False)
    assert reply.status_code == 303 and reply.headers["Location"] == "/staff/"
    cookie = next(c for c in reply.headers["Set-Cookie"].split(", ") if SESSION_COOKIE in c)
    value = re.match(rf"{SESSION_COOKIE}=([A-Za-z0-9_-]{{43}});", cookie)[1]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"path=/staff", "httponly", "samesite=strict", "max-age=43200"} <= attributes
    assert "secure" not in attributes  # plain http://127.0.0.1: it would never come back
    assert PASSWORD not in reply.headers["Set-Cookie"] and TOKEN not in reply.headers["Set-Cookie"]
    page = requests.get(
        f"{clinic.web}/staff/intakes/STAFF-1001", cookies={SESSION_COOKIE: value}, timeout=10
    )
    assert page.status_code == 200 and "Takes blood thinners" in page.text


def test_behind_https_the_cookies_are_secure(clinic):
    app = create_app(
        "http://127.0.0.1:1",
        "/",
        records=clinic.records,
        desk=clinic.desk,
        conversations=engine(tracker_database_url(clinic.database_url)),
        always_secure=True,
    )
    with serving(app) as web:
        reply = requests.get(f"{web}/staff/login", timeout=10)
    attributes = {part.strip().lower() for part in reply.headers["Set-Cookie"].split(";")}
    assert {"secure", "httponly", "samesite=strict"} <= attributes


def test_session_expiry_after_30_idle_minutes(clinic):
    session = sign_in(clinic.web, clinic.account())
    clinic.clock.advance(minutes=29)
    assert session.get(f"{clinic.web}/staff/", timeout=10).url == f"{clinic.web}/staff/"
    clinic.clock.advance(minutes=30, seconds=1)
    reply = session.get(f"{clinic.web}/staff/intakes/STAFF-1001", timeout=10)
    assert reply.url == f"{clinic.web}/staff/login?ended=1"
    assert "Your session has ended. Please sign in again." in reply.text
    assert not any(secret in reply.text for secret in SECRETS)


def test_session_expiry_12_hours_after_sign_in_however_busy(clinic):
    session = sign_in(clinic.web, clinic.account())
    for _ in range(24):  # a page every 29 minutes for 11 h 36 min
        clinic.clock.advance(minutes=29)
        assert session.get(f"{clinic.web}/staff/", timeout=10).url == f"{clinic.web}/staff/"
    clinic.clock.advance(minutes=25)  # 12 h 1 min in, 25 minutes after the last page
    reply = session.get(f"{clinic.web}/staff/", timeout=10)
    assert reply.url == f"{clinic.web}/staff/login?ended=1"


def test_logout_revokes_the_session_and_a_replayed_cookie_is_refused(clinic):
    session = sign_in(clinic.web, clinic.account())
    copied = session.cookies[SESSION_COOKIE]
    reply = session.post(
        f"{clinic.web}/staff/logout",
        data={"csrf": session.csrf},  # type: ignore[attr-defined]
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code == 303 and reply.headers["Location"] == "/staff/login"
    assert re.search(rf'{SESSION_COOKIE}="?"?;.*Max-Age=0', reply.headers["Set-Cookie"])
    replayed = requests.get(
        f"{clinic.web}/staff/intakes/STAFF-1002",
        cookies={SESSION_COOKIE: copied},
        allow_redirects=False,
        timeout=10,
    )
    assert replayed.status_code == 303 and "deep-vein" not in replayed.text


def test_disabling_a_staff_account_revokes_its_open_session_at_once(clinic):
    username = clinic.account()
    session = sign_in(clinic.web, username)
    admin = sign_in(clinic.web, clinic.account("admin"))
    reply = admin.post(
        f"{clinic.web}/staff/admin/accounts/{username}/disable",
        data={"csrf": admin.csrf},  # type: ignore[attr-defined]
        timeout=10,
    )
    assert reply.status_code == 200 and f"Disabled {username}" in reply.text
    after = session.get(f"{clinic.web}/staff/", allow_redirects=False, timeout=10)
    assert after.status_code == 303
    assert clinic.audit(action="account_disable", subject=username)[0].outcome == "ok"


def test_csrf_a_form_without_the_session_token_changes_nothing(clinic):
    session = sign_in(clinic.web, clinic.account())
    someone_elses = sign_in(clinic.web, clinic.account()).csrf  # type: ignore[attr-defined]
    login_form = form_token(requests.get(f"{clinic.web}/staff/login", timeout=10).text)
    for data in ({}, {"csrf": "forged"}, {"csrf": someone_elses}, {"csrf": login_form}):
        reply = session.post(f"{clinic.web}/staff/intakes/STAFF-1003/erase", data=data, timeout=10)
        assert reply.status_code == 403 and "This form has expired" in reply.text
    assert clinic.records.find("STAFF-1003") is not None
    logout = session.post(f"{clinic.web}/staff/logout", data={}, timeout=10)
    assert logout.status_code == 403
    assert session.get(f"{clinic.web}/staff/", timeout=10).url == f"{clinic.web}/staff/"
    assert len(clinic.audit(action="csrf", outcome="refused")) >= 5


def test_lockout_after_5_failed_sign_ins_even_with_the_right_password(clinic):
    username = clinic.account()
    session = requests.Session()
    for password in ["guess"] * 5 + [PASSWORD]:
        reply = fill_in_login(session, clinic.web, username, password)
        assert reply.status_code == 401
    assert "Too many failed sign-ins. Wait 15 minutes" in reply.text
    clinic.clock.advance(minutes=16)
    sign_in(clinic.web, username)


def test_staff_cannot_open_the_admin_pages(clinic, signed_in):
    for path in ("/staff/admin/accounts", "/staff/admin/audit", "/staff/admin/audit.csv"):
        reply = signed_in.get(clinic.web + path, timeout=10)
        assert reply.status_code == 403 and "Only an admin" in reply.text
    reply = signed_in.post(
        f"{clinic.web}/staff/admin/accounts",
        data={
            "csrf": signed_in.csrf,  # type: ignore[attr-defined]
            "username": "sneaky",
            "name": "Sneaky",
            "role": "admin",
            "password": PASSWORD,
        },
        timeout=10,
    )
    assert reply.status_code == 403 and clinic.desk.accounts.find("sneaky") is None
    tried = clinic.audit(actor=signed_in.username, action="admin_page")  # type: ignore[attr-defined]
    assert [(e.subject, e.outcome, e.reason) for e in reversed(tried)] == [
        (path, "refused", "not an admin")
        for path in (
            "/staff/admin/accounts",
            "/staff/admin/audit",
            "/staff/admin/audit.csv",
            "/staff/admin/accounts",
        )
    ]


def test_an_admin_adds_a_staff_account_who_then_signs_in_as_themselves(clinic):
    admin = sign_in(clinic.web, clinic.account("admin"))
    page = admin.get(f"{clinic.web}/staff/admin/accounts", timeout=10)
    assert page.status_code == 200 and "Add an account" in page.text
    form = {"csrf": admin.csrf, "name": "Dana Cruz", "role": "staff"}  # type: ignore[attr-defined]
    short = admin.post(
        f"{clinic.web}/staff/admin/accounts",
        data={**form, "username": "dana", "password": "short"},
        timeout=10,
    )
    assert short.status_code == 400 and "at least 12 characters" in short.text
    added = admin.post(
        f"{clinic.web}/staff/admin/accounts",
        data={**form, "username": "dana", "password": "dana's own passphrase"},
        timeout=10,
    )
    assert added.status_code == 200 and "Added dana" in added.text and "Dana Cruz" in added.text
    dana = sign_in(clinic.web, "dana", "dana's own passphrase")
    assert "Signed in as Dana Cruz" in dana.get(f"{clinic.web}/staff/", timeout=10).text
    assert clinic.audit(action="account_add", subject="dana")[0].outcome == "ok"


def test_audit_a_row_for_each_access_and_never_the_health_content(clinic):
    username = clinic.account()
    session = sign_in(clinic.web, username)
    for path in ("", "intakes/STAFF-1002", "intakes/STAFF-1002/print", "intakes/STAFF-1002/fhir"):
        assert session.get(f"{clinic.web}/staff/{path}", timeout=10).status_code == 200
    api = requests.get(
        f"{clinic.web}/clinic/intakes/STAFF-1001",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert api.status_code == 200
    mine = clinic.audit(actor=username)
    assert [(e.action, e.subject) for e in reversed(mine)] == [
        ("login", None),
        ("intake_list", None),  # the sign-in lands on the list
        ("intake_list", None),
        ("intake_view", "STAFF-1002"),
        ("intake_print", "STAFF-1002"),
        ("fhir_export", "STAFF-1002"),
    ]
    assert all(e.source == "127.0.0.1" and e.outcome == "ok" for e in mine)
    token_read = clinic.audit(actor=CLINIC_TOKEN, action="intake_view")[0]
    assert token_read.subject == "STAFF-1001"

    admin = sign_in(clinic.web, clinic.account("admin"))
    page = admin.get(f"{clinic.web}/staff/admin/audit", timeout=10)
    assert page.status_code == 200
    assert f"<td>{username}</td>" in page.text and "Opened the printable copy" in page.text
    csv = admin.get(f"{clinic.web}/staff/admin/audit.csv", timeout=10)
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert f",{username},fhir_export,STAFF-1002,127.0.0.1,ok," in csv.text
    for words in ("deep-vein", "Calf", "calf", "surgery", "thrombosis", "Turn my head"):
        assert words not in csv.text and words not in page.text


def test_staff_erase_an_intake_and_the_conversation_it_came_from(clinic):
    clinic.records.register_appointment("ERASE-1", NOW + timedelta(hours=2))
    clinic.records.save("ERASE-1", "web-ERASE-1", THERAPIST, {"session_goals": "x"}, True)
    before = stored_conversations(clinic.database_url, "web-ERASE-1", "web-someone-else")
    assert before == {"web-ERASE-1": 2, "web-someone-else": 2}
    username = clinic.account()
    session = sign_in(clinic.web, username)
    confirm = session.get(f"{clinic.web}/staff/intakes/ERASE-1/erase", timeout=10)
    assert confirm.status_code == 200 and "<h1>Erase intake ERASE-1?</h1>" in confirm.text
    reply = session.post(
        f"{clinic.web}/staff/intakes/ERASE-1/erase",
        data={"csrf": form_token(confirm.text)},
        timeout=10,
    )
    assert reply.url == f"{clinic.web}/staff/?erased=ERASE-1"
    assert "Erased the intake of ERASE-1 and the conversation it came from." in reply.text
    assert clinic.records.find("ERASE-1") is None
    assert stored_conversations(clinic.database_url) == {"web-someone-else": 2}
    assert clinic.audit(actor=username, action="intake_erase")[0].subject == "ERASE-1"
    again = session.post(
        f"{clinic.web}/staff/intakes/ERASE-1/erase",
        data={"csrf": session.csrf},  # type: ignore[attr-defined]
        timeout=10,
    )
    assert again.status_code == 404


def test_without_any_account_the_login_page_says_how_to_make_the_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(engine(url))
    app = create_app(
        "http://127.0.0.1:1",
        "/",
        records=IntakeRecords(engine(url)),
        desk=StaffDesk.on(engine(url)),
        conversations=engine(tracker_database_url(url)),
    )
    with serving(app) as web:
        login = requests.get(f"{web}/staff/", timeout=10)
        assert login.url == f"{web}/staff/login"
        assert "knotbot staff add USERNAME" in login.text


# --- in a real browser ------------------------------------------------------------------


def check(page: Page, name: str) -> None:
    """No serious accessibility problem, no sideways scrolling of the page; a screenshot."""
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=ARTIFACTS / f"{name}-{width}px.png", full_page=True)


@pytest.fixture
def browser():
    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser, width: int = 1280) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(30_000)
    return page


def log_in(page: Page, web: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{web}/staff/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_staff_log_in_and_read_a_flagged_intake_in_chromium(clinic, browser):
    web, username = clinic.web, clinic.account()
    page = new_page(browser)
    page.goto(f"{web}/staff/intakes/STAFF-1002")
    expect(page).to_have_url(f"{web}/staff/login")
    log_in(page, web, username, "not it")
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    check(page, "staff-login-error")
    log_in(page, web, username)
    expect(page).to_have_url(f"{web}/staff/")

    rows = page.locator("table.intakes tbody tr")
    expect(rows.first).to_contain_text("STAFF-1002")
    expect(rows.first).to_contain_text("Flagged")
    for width in (1280, 375, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, "staff-list")

    page.get_by_role("link", name="STAFF-1002").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake STAFF-1002")
    expect(page.locator(".banner")).to_be_visible()
    expect(page.locator(".banner")).to_contain_text("Flagged: Urgent: see a doctor today")
    expect(page.get_by_role("img", name=re.compile("Body map"))).to_be_visible()
    # decode() waits for the picture, and fails if it did not load
    assert page.locator(".pain img").evaluate("i => i.decode().then(() => i.naturalWidth)")
    expect(page.locator(".points li").first).to_contain_text("Gastrocnemius")
    expect(page.locator(".cautions")).to_contain_text("Surgery in the last 3 months")
    for width in (320, 375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, "staff-intake")

    page.get_by_role("link", name="Printable version").click()
    expect(page.locator(".cautions")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".bar")).to_have_count(0)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "staff-intake-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) <= 2  # on one or two A4 sheets
    assert [e.action for e in clinic.audit(actor=username)][:3] == [
        "intake_print",
        "intake_view",
        "intake_list",
    ]


def test_logout_revocation_and_a_replayed_cookie_refused_in_chromium(clinic, browser):
    web = clinic.web
    page = new_page(browser)
    log_in(page, web, clinic.account())
    expect(page).to_have_url(f"{web}/staff/")
    copied = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert copied and copied[0]["httpOnly"] and copied[0]["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # no script can read the session
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{web}/staff/login")
    page.context.add_cookies(copied)  # the cookie copied before the logout, put back
    page.goto(f"{web}/staff/intakes/STAFF-1002")
    expect(page).to_have_url(re.compile(rf"{re.escape(web)}/staff/login"))
    expect(page.locator("body")).not_to_contain_text("deep-vein")


def test_session_expiry_in_chromium(clinic, browser):
    web = clinic.web
    page = new_page(browser)
    log_in(page, web, clinic.account())
    expect(page).to_have_url(f"{web}/staff/")
    clinic.clock.advance(minutes=31)
    page.get_by_role("link", name="STAFF-1001").click()
    expect(page).to_have_url(f"{web}/staff/login?ended=1")
    expect(page.get_by_role("status")).to_have_text("Your session has ended. Please sign in again.")
    check(page, "staff-session-ended")


def test_lockout_in_chromium(clinic, browser):
    web, username = clinic.web, clinic.account()
    page = new_page(browser, 375)
    for _ in range(5):
        log_in(page, web, username, "wrong password")
        expect(page.get_by_role("alert")).to_contain_text("do not match")
    log_in(page, web, username)
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    expect(page).to_have_url(f"{web}/staff/login")
    check(page, "staff-locked")


class _AttackerSite(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def attacker_site(tmp_path, clinic) -> Iterator[str]:
    """Another site that, once a signed-in staff member opens it, posts the erase form."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>Win a prize</title></head><body>"
        f"<form id='f' method='post' action='{clinic.web}/staff/intakes/STAFF-1003/erase'>"
        "<input name='csrf' value='guessed'></form>"
        "<script>document.getElementById('f').submit()</script></body></html>"
    )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", free_port()), partial(_AttackerSite, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_csrf_from_another_site_is_refused_in_chromium(clinic, browser, attacker_site):
    page = new_page(browser)
    log_in(page, clinic.web, clinic.account())
    expect(page).to_have_url(f"{clinic.web}/staff/")
    page.goto(attacker_site)
    expect(page.locator("body")).to_contain_text(
        re.compile("This form has expired|Clinic staff sign-in")
    )
    assert clinic.records.find("STAFF-1003") is not None


def test_an_admin_reads_the_audit_trail_in_chromium(clinic, browser):
    page = new_page(browser)
    log_in(page, clinic.web, clinic.account("admin"))
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.locator("table.audit tbody tr").first).to_contain_text("Read the audit trail")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, "staff-audit")
    page.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    check(page, "staff-accounts")
