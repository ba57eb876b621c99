"""The web app on its own port: the demo page, the widget's files for other sites, the body
map, and clear errors for what it does not have."""

from __future__ import annotations

import pytest
import requests

from actions.settings import clinic_emergency_number


def test_the_demo_page_embeds_the_widget_with_one_script_tag(bot):
    page = requests.get(bot.web_url + "/", timeout=10)
    assert page.status_code == 200
    assert page.text.count("<script") == 1
    assert 'src="/widget.js"' in page.text and f'data-server="{bot.url}"' in page.text


@pytest.mark.parametrize(
    "path",
    ["/widget.js", "/widget/main.js", "/widget/widget.css", "/widget/vendor/socket.io.esm.min.js"],
)
def test_the_widget_files_load_from_a_clinic_site(bot, path):
    reply = requests.get(bot.web_url + path, headers={"Origin": "https://clinic.example"})
    assert reply.status_code == 200 and reply.content
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("locale", "number"),
    [
        ("en-GB", "999"),
        ("de-DE", "112"),
        ("en-AU", "000"),
        ("pt-BR", None),
        ("", None),
        ("🚑" * 100, None),
    ],
)
def test_the_widgets_first_paint_gets_the_number_the_bot_would_give(bot, locale, number):
    reply = requests.get(
        bot.web_url + "/widget/emergency-number.json", params={"locale": locale}, timeout=10
    )
    assert reply.json() == {"emergency_number": number or clinic_emergency_number()}


@pytest.mark.parametrize("path", ["/widget/../app.py", "/widget/%2e%2e/app.py", "/widget/nope.js"])
def test_nothing_outside_the_widget_is_served(bot, path):
    assert requests.get(bot.web_url + path, timeout=10).status_code == 404


def test_the_body_map_marks_a_result(bot):
    reply = requests.get(
        bot.web_url + "/bodymap.svg",
        params={"regions": "calf", "side": "left", "muscles": "gastrocnemius,soleus"},
        timeout=10,
    )
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("image/svg+xml")
    assert reply.text.count('class="km-region km-marked"') == 1
    assert 'data-muscle="soleus"' in reply.text


@pytest.mark.parametrize(
    "params",
    [{"regions": "kneecap"}, {"muscles": "biceps"}, {"side": "up"}, {"regions": "<script>"}],
)
def test_unknown_codes_get_a_clear_error(bot, params):
    reply = requests.get(bot.web_url + "/bodymap.svg", params=params, timeout=10)
    assert reply.status_code == 400
    assert reply.json()["error"] == "unknown codes"
