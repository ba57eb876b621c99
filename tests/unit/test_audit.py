"""The dependency audit's triage (`bot/devtools/audit.py`): what counts as triaged, what fails.

pip-audit itself runs in `make test` (and `make audit`); these tests need no network.
"""

from __future__ import annotations

import pytest

from actions.settings import PROJECT_ROOT
from bot.devtools import audit

REPORT = {
    "dependencies": [
        {
            "name": "aiohttp",
            "version": "3.9.5",
            "vulns": [
                {
                    "id": "GHSA-8495-4g3g-x7pr",
                    "fix_versions": ["3.10.11"],
                    "aliases": ["CVE-2024-52304"],
                }
            ],
        },
        {"name": "requests", "version": "2.34.2", "vulns": []},
        {"name": "absl-py", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}


def test_every_triaged_finding_has_a_reason_and_a_section_in_the_triage_document():
    entries = audit.triaged()
    document = (PROJECT_ROOT / "docs" / "security" / "pip-audit.md").read_text()
    for vuln, reason in entries.items():
        package = reason.split(":")[0]
        assert package in document and vuln in document, vuln


def test_an_entry_without_a_reason_is_refused(tmp_path):
    listed = tmp_path / "ignore.txt"
    listed.write_text("# comment\nGHSA-xxxx-yyyy-zzzz aiohttp\n")
    with pytest.raises(ValueError, match="reason"):
        audit.triaged(listed)


def test_findings_and_packages_not_looked_up_are_both_reported():
    findings, skipped = audit.verdict(REPORT)
    assert findings == ["aiohttp 3.9.5: GHSA-8495-4g3g-x7pr (CVE-2024-52304), fixed in 3.10.11"]
    assert skipped == ["absl-py: Dependency not found on PyPI"]
