"""The clinic staff pages on the real web app, started alone (no Rasa server, no model): the
list, one intake, its printable copy, who may see them, and the pages in Debian's Chromium.
Screenshots and the printed PDF go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from playwright.sync_api import Page, expect, sync_playwright

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from actions.knowledge.seed import load
from actions.settings import PROJECT_ROOT
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM, serious_violations
from tests.conftest import wait_until_up
from tests.databases import free_port
from tests.intakes import EMERGENCY, THERAPIST, URGENT

KNOTBOT = str(Path(sys.executable).parent / "knotbot")
TOKEN = "staff-pages-token-for-tests_0123456789"
STAFF = {"Authorization": f"Bearer {TOKEN}"}
NOW = datetime.now(timezone.utc).replace(microsecond=0)

THERAPIST_ANSWERS = {
    "session_goals": "Turn my head again <script>alert(1)</script>",
    "pressure_preference": "medium",
    "blood_thinners": True,
    "pregnancy": False,
}
# Whatever of a record must never reach someone without the token.
SECRETS = ("STAFF-", "neck_side", "Side or front of the neck", "Turn my head", "calf", "Calf")


def start_web(database_url: str, log: Path, token: str | None) -> tuple[subprocess.Popen, str]:
    """`knotbot web` alone on a free port; returns the process and the app's base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KNOTBOT_WEB_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    for name in ("KNOTBOT_CLINIC_TOKEN", "KNOTBOT_WEB_HOST", "KNOTBOT_CLINIC_TIMEZONE"):
        env.pop(name, None)
    if token:
        env["KNOTBOT_CLINIC_TOKEN"] = token
    process = subprocess.Popen(
        [KNOTBOT, "web"], cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    web = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{web}/health", process, log, timeout=120)
    except RuntimeError:
        stop(process)
        raise
    return process, web


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[str]:
    """The web app with the staff token, and intakes: two flagged, one not, one past. Its
    own database: other tests' intakes would share the list."""
    folder = tmp_path_factory.mktemp("staff")
    url = f"sqlite:///{folder / 'knotbot.db'}"
    load(engine(url))
    process, running = start_web(url, folder / "web.log", TOKEN)
    try:
        records = IntakeRecords(engine(url))  # the app has added the intake tables
        for ref, starts_at, slots, answers in [
            ("STAFF-1001", NOW + timedelta(hours=3), THERAPIST, THERAPIST_ANSWERS),
            ("STAFF-1002", NOW + timedelta(hours=6), URGENT, {"recent_surgery": True}),
            ("STAFF-1003", NOW + timedelta(days=1), EMERGENCY, {}),
            ("STAFF-0999", NOW - timedelta(days=1), THERAPIST, {}),
        ]:
            records.register_appointment(ref, starts_at)
            records.save(ref, f"web-{ref}", slots, answers, completed=ref != "STAFF-1003")
        yield running
    finally:
        stop(process)


@pytest.fixture
def signed_in(web) -> requests.Session:
    session = requests.Session()
    reply = session.post(f"{web}/staff/login", data={"token": TOKEN}, timeout=10)
    assert reply.status_code == 200 and reply.url == f"{web}/staff/", reply.text
    return session


def positions(html: str, *refs: str) -> list[int]:
    return [html.index(f">{ref}</a>") for ref in refs]


def test_the_list_shows_flagged_intakes_first_in_words(web, signed_in):
    reply = signed_in.get(f"{web}/staff/", timeout=10)
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


def test_an_intake_shows_every_answer_with_its_question(web, signed_in):
    reply = signed_in.get(f"{web}/staff/intakes/STAFF-1001", timeout=10)
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
    image = signed_in.get(web + re.search(r'src="(/bodymap[^"]+)"', html)[1].replace("&amp;", "&"))
    assert image.status_code == 200 and 'data-muscle="levator_scapulae"' in image.text


def test_a_flagged_intake_says_so_first_with_its_red_flags(web, signed_in):
    html = signed_in.get(f"{web}/staff/intakes/STAFF-1002", timeout=10).text
    banner = html.index('class="banner"')
    assert banner < html.index('id="summary-title"')
    assert "Flagged: Urgent: see a doctor today." in html
    assert "<li>Possible deep-vein thrombosis</li>" in html
    assert "<li>Surgery in the last 3 months</li>" in html
    assert re.search(r"Red flags found</dt>\s*<dd>Possible deep-vein thrombosis<", html)


def test_the_printable_copy_has_the_content_and_no_navigation(web, signed_in):
    reply = signed_in.get(f"{web}/staff/intakes/STAFF-1001/print", timeout=10)
    assert reply.status_code == 200
    html = reply.text
    assert '<body class="printable">' in html
    assert "All intakes" not in html and "Log out" not in html and "/print" not in html
    assert "Takes blood thinners" in html and "Upper trapezius" in html and "/bodymap.svg?" in html
    assert "Confidential" in html


def test_the_fhir_link_gives_the_questionnaire_response(web, signed_in):
    reply = signed_in.get(f"{web}/staff/intakes/STAFF-1001/fhir", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/fhir+json")
    resource = QuestionnaireResponse.parse_obj(reply.json())
    assert resource.identifier.value == "STAFF-1001" and resource.status == "completed"


PAGES = [
    "/staff/",
    "/staff",
    "/staff/intakes/STAFF-1001",
    "/staff/intakes/STAFF-1001/print",
    "/staff/intakes/STAFF-1001/fhir",
    "/staff/intakes/NOPE-404",
]


@pytest.mark.parametrize("path", PAGES)
def test_without_logging_in_a_page_sends_to_the_login_form_and_shows_nothing(web, path):
    reply = requests.get(web + path, allow_redirects=False, timeout=10)
    assert reply.status_code == 303
    assert reply.headers["Location"] == "/staff/login"
    assert reply.headers["Cache-Control"] == "no-store"
    assert not any(secret in reply.text for secret in SECRETS)


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer "},
        {"Cookie": f"knotbot_staff={TOKEN}"},  # the token is not the session
        {"Cookie": "knotbot_staff=" + "0" * 64},
    ],
    ids=["wrong bearer", "empty bearer", "token as cookie", "forged cookie"],
)
@pytest.mark.parametrize("path", ["/staff/", "/staff/intakes/STAFF-1002"])
def test_a_wrong_token_or_cookie_shows_nothing_of_a_record(web, headers, path):
    reply = requests.get(web + path, headers=headers, allow_redirects=False, timeout=10)
    assert reply.status_code in (303, 401)
    if "Authorization" in headers:
        assert reply.status_code == 401 and "wrong" in reply.text
    assert not any(secret in reply.text for secret in SECRETS)
    assert "Possible deep-vein thrombosis" not in reply.text


def test_a_wrong_token_at_the_login_form_gets_the_form_again_with_an_error(web):
    reply = requests.post(f"{web}/staff/login", data={"token": "guess"}, timeout=10)
    assert reply.status_code == 401
    assert 'role="alert"' in reply.text and "not the clinic's staff token" in reply.text.replace(
        "&#39;", "'"
    )
    assert 'aria-invalid="true"' in reply.text and "Set-Cookie" not in reply.headers
    assert not any(secret in reply.text for secret in SECRETS)


def test_the_login_form_has_a_labelled_password_field(web):
    reply = requests.get(f"{web}/staff/login", timeout=10)
    assert reply.status_code == 200
    assert '<label for="token">Clinic staff token</label>' in reply.text
    assert 'id="token" name="token" type="password"' in reply.text
    assert reply.headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_an_hmac_kept_from_scripts_and_other_sites(web):
    reply = requests.post(
        f"{web}/staff/login", data={"token": TOKEN}, allow_redirects=False, timeout=10
    )
    assert reply.status_code == 303 and reply.headers["Location"] == "/staff/"
    cookie = reply.headers["Set-Cookie"]
    value = re.match(r"knotbot_staff=([0-9a-f]{64});", cookie)[1]
    assert TOKEN not in cookie and value != TOKEN
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"path=/staff", "httponly", "samesite=strict"} <= attributes
    page = requests.get(
        f"{web}/staff/intakes/STAFF-1001", cookies={"knotbot_staff": value}, timeout=10
    )
    assert page.status_code == 200 and "Takes blood thinners" in page.text


def test_logging_out_clears_the_session(web, signed_in):
    reply = signed_in.post(f"{web}/staff/logout", allow_redirects=False, timeout=10)
    assert reply.status_code == 303 and reply.headers["Location"] == "/staff/login"
    assert re.search(r"knotbot_staff=\"?\"?;.*Max-Age=0", reply.headers["Set-Cookie"])
    after = signed_in.get(f"{web}/staff/", allow_redirects=False, timeout=10)
    assert after.status_code == 303


@pytest.mark.parametrize("path", PAGES[:5])
def test_the_bearer_token_opens_the_pages_too(web, path):
    reply = requests.get(web + path, headers=STAFF, timeout=10)
    assert reply.status_code == 200
    assert "STAFF-1001" in reply.text
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def test_an_unknown_reference_gets_a_friendly_page(web, signed_in):
    reply = signed_in.get(f"{web}/staff/intakes/NOPE-404", timeout=10)
    assert reply.status_code == 404
    assert "<h1>No intake for NOPE-404</h1>" in reply.text
    assert 'href="/staff/"' in reply.text


def test_without_a_token_the_pages_are_open_and_say_when_there_is_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    load(engine(url))
    process, web = start_web(url, tmp_path / "web.log", token=None)
    try:
        page = requests.get(f"{web}/staff/", timeout=10)
        assert page.status_code == 200
        assert "No intakes for today or later yet." in page.text and "<table" not in page.text
        assert "Log out" not in page.text
        login = requests.get(f"{web}/staff/login", allow_redirects=False, timeout=10)
        assert login.status_code == 303 and login.headers["Location"] == "/staff/"
    finally:
        stop(process)


# --- in a real browser ------------------------------------------------------------------


def check(page: Page, name: str) -> None:
    """No serious accessibility problem, no sideways scrolling of the page; a screenshot."""
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=ARTIFACTS / f"{name}-{width}px.png", full_page=True)


def test_staff_log_in_and_read_a_flagged_intake_in_chromium(web):
    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(f"{web}/staff/intakes/STAFF-1002")
            expect(page).to_have_url(f"{web}/staff/login")
            page.get_by_label("Clinic staff token").fill("not it")
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("alert")).to_contain_text("not the clinic's staff token")
            check(page, "staff-login-error")
            page.get_by_label("Clinic staff token").fill(TOKEN)
            page.get_by_role("button", name="Log in").click()
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

            page.emulate_media(media="screen")
            page.goto(f"{web}/staff/")
            page.get_by_role("button", name="Log out").click()
            expect(page).to_have_url(f"{web}/staff/login")
        finally:
            browser.close()
