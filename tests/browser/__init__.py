"""What the browser tests share: Debian's Chromium, launched by Playwright through its
executable path (no browser download), and the axe-core scan."""

from __future__ import annotations

import shutil

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from actions.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
"""Screenshots and printouts for people to look at (ignored by git)."""
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "Chromium is not installed (make test installs it: apt-get install chromium)"
# Chromium runs as root in CI, and must not reach for Google's services on a closed network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
