"""The chat widget in a real browser: Debian's Chromium driven by Playwright, against the
running assistant and web app. Screenshots go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import http.server
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import partial

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from actions.settings import clinic_emergency_number, emergency_numbers
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM, serious_violations
from tests.conftest import CLINIC_TOKEN
from tests.databases import free_port

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser, bot) -> Iterator:
    """A new browser profile per call (its own sessionStorage), at a given window size."""
    contexts = []

    def open_page(viewport: dict, url: str | None = None) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url or bot.web_url + "/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=ARTIFACTS / f"{name}-{width}px.png")


def bot_messages(page: Page):
    return page.locator(".kb-bot")


def last_bot_text(page: Page) -> str:
    return bot_messages(page).last.inner_text()


def wait_for_question(page: Page, pattern: str) -> None:
    expect(bot_messages(page).last).to_contain_text(re.compile(pattern, re.I))


def tap_region(page: Page, code: str, side: str) -> None:
    page.locator(
        f'.kb-map:not(.kb-answered) [data-region="{code}"][data-side="{side}"]'
    ).first.click()


def type_answer(page: Page, text: str) -> None:
    page.locator("#kb-input").fill(text)
    page.locator("#kb-input").press("Enter")


def press_button(page: Page, title: str) -> None:
    page.locator(".kb-reply:enabled", has_text=title).first.click()


def whole_turn(page: Page, answer) -> None:
    """Answer, then wait for the bot's whole reply (the typing indicator goes away)."""
    said = page.locator(".kb-log > *").count()
    answer()
    page.wait_for_function(f"document.querySelectorAll('.kb-log > *').length > {said + 1}")
    expect(page.locator(".kb-typing")).to_be_hidden(timeout=60_000)


def session_of(page: Page) -> str:
    return page.evaluate("sessionStorage.getItem('knotbot:session')")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_tapping_the_map_and_buttons_reaches_a_result_card_that_survives_a_reload(
    page_at, bot, viewport
):
    page = page_at(viewport)
    expect(page.locator(".kb-disclaimer")).to_contain_text("not a diagnosis")
    expect(page.locator(".kb-map svg")).to_be_visible()
    shoot(page, "map-question")

    tap_region(page, "calf", "left")
    expect(page.locator(".kb-map-send")).to_have_text("Send (1 selected)")
    page.locator(".kb-map-send").click()
    expect(page.locator(".kb-user").last).to_have_text(re.compile("Calf, left side"))
    wait_for_question(page, "any of these")  # the red flags first
    press_button(page, "No")
    wait_for_question(page, "brought it on")
    press_button(page, "Overuse")
    wait_for_question(page, "How long")
    type_answer(page, "3 days")
    wait_for_question(page, "How bad")
    type_answer(page, "4")

    card = page.locator(".kb-card")
    expect(card).to_be_visible()
    expect(card.locator(".kb-level")).to_have_text(re.compile("Self-care first"))
    expect(card.locator(".kb-points li").first).to_contain_text("Pressure")
    expect(card.locator(".kb-caution").first).to_contain_text("Take care")
    # each caution an item of a list (issue 21)
    expect(card.locator(".kb-caution li").first).to_be_visible()
    # the card lists the muscles, so no message repeats them one by one
    assert not [t for t in bot_messages(page).all_inner_texts() if re.search(r": 1\. ", t)]
    expect(card.locator(".kb-book")).to_have_attribute("href", "/#booking")
    image = card.locator("img.kb-card-map")
    expect(image).to_have_attribute("alt", re.compile("Pain shaded: Calf \\(left side\\)"))
    page.wait_for_function("document.querySelector('img.kb-card-map').naturalWidth > 0")
    page.wait_for_timeout(1000)  # the notes after the card arrive; the card stays in view
    expect(card.locator(".kb-level")).to_be_in_viewport()
    assert image.bounding_box()["height"] > 200  # drawn at full size, not squeezed
    shoot(page, "result-card")

    slots = bot.slots(session_of(page))
    assert slots["pain_regions"] == ["calf"]
    assert slots["pain_side"] == "left"
    assert slots["triage_level"] == "self_care"

    said = page.locator(".kb-log > *").count()
    page.reload()
    expect(page.locator(".kb-card")).to_be_visible()
    assert page.locator(".kb-log > *").count() == said
    expect(page.locator(".kb-user").first).to_have_text(re.compile("Calf, left side"))
    # the restored answers can't be sent twice, and the conversation goes on on the server
    assert page.locator(".kb-map:not(.kb-answered)").count() == 0
    type_answer(page, "thank you")
    expect(bot_messages(page)).to_have_count(bot_messages(page).count() + 1)
    assert bot.slots(session_of(page))["triage_level"] == "self_care"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_emergency_shows_only_a_banner_with_the_number_to_call(page_at, viewport):
    page = page_at(viewport)
    expect(page.locator(".kb-map svg")).to_be_visible()
    type_answer(page, "crushing chest pain spreading to my left arm and I'm sweating")
    banner = page.locator(".kb-emergency")
    expect(banner).to_be_visible()
    expect(banner.locator("a")).to_have_attribute("href", "tel:911")
    expect(banner).to_have_attribute("role", "alert")
    assert banner.locator("img, ol, .kb-book").count() == 0
    expect(banner.locator("a")).to_be_focused()
    shoot(page, "emergency-banner")


def test_the_whole_flow_works_with_the_keyboard_alone(page_at, bot):
    page = page_at(DESKTOP)
    expect(page.locator(".kb-map svg")).to_be_visible()

    def tab_until(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_until(".kb-map [data-region]")
    for _ in range(120):
        focused = page.evaluate(
            "[document.activeElement.dataset.region, document.activeElement.dataset.side]"
        )
        if focused == ["shoulder_top", "left"]:
            break
        page.keyboard.press("ArrowRight")
    else:
        raise AssertionError("the arrow keys never reached the left shoulder top")
    page.keyboard.press("Space")
    expect(page.locator('[data-region="shoulder_top"][data-side="left"]').first).to_have_attribute(
        "aria-checked", "true"
    )
    tab_until(".kb-map-send")
    page.keyboard.press("Enter")
    expect(page.locator("#kb-input")).to_be_focused()
    wait_for_question(page, "any of these")  # the red flags first

    def type_no() -> None:
        page.keyboard.type("no")
        page.keyboard.press("Enter")

    whole_turn(page, type_no)
    wait_for_question(page, "brought it on")

    tab_until(".kb-reply:enabled")
    while "Posture" not in page.evaluate("document.activeElement.textContent"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_for_question(page, "How long")
    page.keyboard.type("2 weeks")
    page.keyboard.press("Enter")
    wait_for_question(page, "How bad")
    page.keyboard.type("5")
    whole_turn(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator(".kb-card .kb-level")).to_be_visible()
    assert bot.slots(session_of(page))["pain_regions"] == ["shoulder_top"]

    page.keyboard.press("Escape")
    expect(page.locator(".kb-launcher")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#kb-input")).to_be_focused()


def test_the_list_alternative_answers_like_the_map(page_at, bot):
    page = page_at(DESKTOP)
    expect(page.locator(".kb-map svg")).to_be_visible()
    page.locator(".kb-map-list summary").click()
    page.get_by_label("Outer elbow (tennis-elbow side), right side", exact=True).check()
    page.get_by_label("Forearm, right side", exact=True).check()
    expect(page.locator('[data-region="forearm"][data-side="right"]').first).to_have_attribute(
        "aria-checked", "true"
    )
    page.locator(".kb-map-send").click()
    wait_for_question(page, "any of these")  # the red flags first, for both places
    slots = bot.slots(session_of(page))
    assert slots["pain_regions"] == ["elbow_outer", "forearm"]
    assert slots["pain_side"] == "right"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_accessibility_problems(page_at, viewport):
    page = page_at(viewport)
    expect(page.locator(".kb-map svg")).to_be_visible()
    assert serious_violations(page) == []
    tap_region(page, "forearm", "right")
    page.locator(".kb-map-send").click()
    wait_for_question(page, "any of these")  # the red flags first
    assert serious_violations(page) == []
    press_button(page, "No")
    wait_for_question(page, "brought it on")
    press_button(page, "Overuse")
    wait_for_question(page, "How long")
    type_answer(page, "2 weeks")
    wait_for_question(page, "How bad")
    whole_turn(page, lambda: type_answer(page, "3"))
    page.locator(".kb-card img").scroll_into_view_if_needed()
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [320, 375, 768, 1280])
def test_nothing_overflows_from_phone_to_desktop(page_at, width):
    page = page_at({"width": width, "height": 700})
    expect(page.locator(".kb-map svg")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    panel = page.locator(".kb-panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width


def test_what_a_person_types_is_shown_as_text_never_as_markup(page_at):
    page = page_at(DESKTOP)
    expect(page.locator(".kb-map svg")).to_be_visible()
    type_answer(page, "<img src=x onerror=window.hacked=1> **my neck**")
    expect(page.locator(".kb-user").last).to_have_text(
        "You: <img src=x onerror=window.hacked=1> **my neck**"
    )
    assert page.evaluate("window.hacked") is None
    assert page.locator(".kb-log img[src='x']").count() == 0


class _ClinicSite(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def clinic_site(tmp_path, bot) -> Iterator[str]:
    """A clinic's own site on another origin, embedding the widget with one script tag."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='en-GB'><head><title>Clinic</title></head><body>"
        "<h1>Harbour Physio</h1>"
        f"<script src='{bot.web_url}/widget.js' data-server='{bot.url}'"
        " data-title='Harbour Physio assistant' data-color='#ffd54f' data-locale='en-GB' data-booking-url='https://harbour.example/book'"
        "></script></body></html>"
    )
    port = free_port()
    handler = partial(_ClinicSite, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()


def test_a_clinic_embeds_it_with_one_tag_and_its_own_settings(page_at, clinic_site):
    page = page_at(DESKTOP, clinic_site)
    launcher = page.locator(".kb-launcher")
    expect(launcher).to_have_text("Ask Harbour Physio assistant about a sore muscle")
    # a light clinic colour gets dark text, so the contrast stays readable
    expect(launcher).to_have_css("color", "rgb(17, 17, 17)")
    launcher.click()
    expect(page.locator("#kb-title")).to_have_text("Harbour Physio assistant")
    expect(page.locator(".kb-disclaimer a")).to_have_attribute("href", "tel:999")
    expect(page.locator(".kb-map svg")).to_be_visible()
    type_answer(page, "sudden weakness on one side of my face and slurred speech")
    expect(page.locator(".kb-emergency a")).to_have_attribute("href", "tel:999")


def test_an_intake_link_opens_the_chat_on_that_appointments_intake(page_at, bot):
    ref = f"WEB-{uuid.uuid4().hex[:6].upper()}"
    starts = datetime.now(timezone.utc) + timedelta(days=1)
    staff = {"Authorization": f"Bearer {CLINIC_TOKEN}"}
    registered = requests.post(
        f"{bot.web_url}/clinic/appointments",
        json={"ref": ref, "starts_at": starts.isoformat()},
        headers=staff,
        timeout=10,
    )
    assert registered.status_code == 201
    page = page_at(DESKTOP, f"{bot.web_url}/?intake={ref}")
    wait_for_question(page, "Is it OK to save your answers")
    expect(bot_messages(page).first).to_contain_text("before your appointment on")
    whole_turn(page, lambda: press_button(page, "Yes, save my answers"))
    expect(page.locator(".kb-map:not(.kb-answered)")).to_be_visible()
    whole_turn(
        page,
        lambda: type_answer(page, "crushing chest pain spreading to my left arm and I'm sweating"),
    )
    expect(page.locator(".kb-emergency")).to_be_visible()
    record = requests.get(f"{bot.web_url}/clinic/intakes/{ref}", headers=staff, timeout=10)
    assert record.json()["flagged"] and record.json()["triage_level"] == "emergency"


LOCALES = {
    "en-GB": "999",
    "en-US": "911",
    "en-AU": "000",
    "en-NZ": "111",
    "de-DE": "112",
    "fr-FR": "112",
    "pt-BR": None,  # not in data/emergency_numbers.yml: the clinic's setting, else 911
}
"""The browser's share of the countries (tests/integration/test_emergency_numbers.py has
them all over socket.io, the widget's channel)."""
EMERGENCY = "crushing chest pain, I'm short of breath and sweating"


@pytest.fixture
def clinic_pages(tmp_path, bot) -> Iterator:
    """Clinic pages on another origin, one per `data-locale`, each opening the chat."""
    for page_locale in LOCALES:
        (tmp_path / f"{page_locale}.html").write_text(
            f"<!doctype html><html lang='{page_locale}'><head><title>Clinic</title></head>"
            f"<body><h1>Clinic</h1><script src='{bot.web_url}/widget.js'"
            f" data-server='{bot.url}' data-locale='{page_locale}' data-open='true'>"
            "</script></body></html>"
        )
    port = free_port()
    handler = partial(_ClinicSite, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield lambda page_locale: f"http://127.0.0.1:{port}/{page_locale}.html"
    server.shutdown()


def numbers_shown(page: Page) -> set[str]:
    """The table's numbers (and the clinic's) that the chat shows, in words or links."""
    shown = page.locator(".kb-panel").inner_text() + " ".join(
        page.locator(".kb-panel a[href^='tel:']").evaluate_all("links => links.map(a => a.href)")
    )
    known = {*emergency_numbers()["countries"].values(), clinic_emergency_number()}
    return known & set(re.findall(r"\d+", shown))


@pytest.mark.parametrize("page_locale", list(LOCALES))
def test_a_whole_emergency_in_the_pages_locale_shows_one_number_everywhere(
    page_at, clinic_pages, bot, page_locale
):
    number = LOCALES[page_locale] or clinic_emergency_number()
    page = page_at(DESKTOP, clinic_pages(page_locale))
    disclaimer = page.locator(".kb-disclaimer a")
    expect(disclaimer).to_have_attribute("href", f"tel:{number}")
    expect(disclaimer).to_have_text(number)
    expect(page.locator(".kb-map svg")).to_be_visible()  # the greeting and the map question
    expect(bot_messages(page).first).to_contain_text(f"in an emergency call {number}.")
    whole_turn(page, lambda: type_answer(page, EMERGENCY))

    banner = page.locator(".kb-emergency")
    expect(banner).to_be_visible()
    expect(banner.locator("a")).to_have_attribute("href", f"tel:{number}")
    expect(banner.locator("a")).to_have_text(f"Call {number} now")
    advice = bot_messages(page).filter(has_text="emergency care")
    expect(advice).to_contain_text(f"Please call {number} now.")
    expect(disclaimer).to_have_attribute("href", f"tel:{number}")
    assert numbers_shown(page) == {number}
    assert bot.slots(session_of(page))["emergency_number"] == number


def test_the_disclaimer_switches_to_the_number_the_bot_tells(browser, clinic_pages):
    """The web app's first paint could say another number than the conversation's (say the
    action server has another KNOTBOT_EMERGENCY_NUMBER): the bot's wins, after a reload too."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        context.route(
            "**/widget/emergency-number.json*",
            lambda route: route.fulfill(json={"emergency_number": "5550123"}),
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(clinic_pages("en-AU"))
        expect(page.locator(".kb-map svg")).to_be_visible()
        expect(page.locator(".kb-disclaimer a")).to_have_attribute("href", "tel:000")
        page.reload()
        expect(page.locator(".kb-map svg")).to_be_visible()
        expect(page.locator(".kb-disclaimer a")).to_have_attribute("href", "tel:000")
        expect(page.locator(".kb-disclaimer a")).to_have_text("000")
    finally:
        context.close()
