"""`python -m bot.devtools.audit`: pip-audit over requirements.lock, failing on any
untriaged finding.

pip-audit runs from its own virtual environment (`.audit-venv`, from requirements-audit.txt):
its dependencies conflict with Rasa 3.6's pins. It audits the lock file as it is (`--no-deps
--disable-pip`: every line is pinned), so the audit is of what every machine installs.

Triaged findings are in docs/security/pip-audit-ignore.txt, one ID a line with the package and
the reason (docs/security/pip-audit.md has the details); they are passed as `--ignore-vuln`.

A dependency that could not be looked up is not a pass. When no vulnerability service answers
at all (PyPI's per-version JSON API and OSV both out of reach, as on the project's machines,
whose network reaches only the package registries' indexes), the audit says loudly that
nothing was audited and passes, because a build here cannot depend on a service it cannot
reach; KNOTBOT_AUDIT_REQUIRED=1 (for a CI with the internet) makes that a failure too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from actions.settings import PROJECT_ROOT

PIP_AUDIT = PROJECT_ROOT / ".audit-venv" / "bin" / "pip-audit"
LOCK = PROJECT_ROOT / "requirements.lock"
IGNORED = PROJECT_ROOT / "docs" / "security" / "pip-audit-ignore.txt"
SERVICES = ("pypi", "osv")  # pip-audit's default first


def triaged(path: Path = IGNORED) -> dict[str, str]:
    """ID -> "package: reason"; an entry without a reason is not triaged."""
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 3:
            raise ValueError(f"{path.name}:{number}: give the ID, the package and the reason")
        entries[parts[0]] = f"{parts[1]}: {parts[2]}"
    return entries


def run_pip_audit(service: str, ignored: list[str]) -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and why there is none."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [str(PIP_AUDIT), "-r", str(LOCK), "--no-deps", "--disable-pip"]
        command += ["--progress-spinner", "off", "-s", service, "-f", "json", "-o", str(out)]
        for vuln in ignored:
            command += ["--ignore-vuln", vuln]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if not out.exists():
            lines = done.stderr.strip().splitlines() or ["no output"]
            return None, lines[-1]
        return json.loads(out.read_text()), ""


def verdict(report: dict) -> tuple[list[str], list[str]]:
    """The untriaged findings, and the dependencies that could not be looked up."""
    findings, skipped = [], []
    for dependency in report["dependencies"]:
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none"
            aliases = ", ".join(vuln.get("aliases") or [])
            findings.append(
                f"{dependency['name']} {dependency['version']}: {vuln['id']} ({aliases}), "
                f"fixed in {fixes}"
            )
    return findings, skipped


def main() -> int:
    if not PIP_AUDIT.exists():
        print(f"audit: {PIP_AUDIT} is missing: `make audit` installs it", file=sys.stderr)
        return 2
    ignored = triaged()
    reasons = []
    for service in SERVICES:
        report, error = run_pip_audit(service, list(ignored))
        if report is None:
            reasons.append(f"{service}: {error}")
            continue
        findings, skipped = verdict(report)
        if len(skipped) == len(report["dependencies"]):
            reasons.append(f"{service}: no package could be looked up, e.g. {skipped[0]}")
            continue
        print(f"audit: pip-audit ({service}) over {len(report['dependencies'])} locked packages, ")
        print(f"       {len(ignored)} triaged findings ignored (docs/security/pip-audit.md)")
        for line in findings:
            print(f"UNTRIAGED {line}")
        for line in skipped:
            print(f"NOT AUDITED {line}")
        return 1 if findings or skipped else 0
    print("audit: NOT AUDITED: no vulnerability service answered", file=sys.stderr)
    for reason in reasons:
        print(f"       {reason}", file=sys.stderr)
    print(
        "       (docs/security/pip-audit.md: the last triage, and how to run it)", file=sys.stderr
    )
    return 1 if os.environ.get("KNOTBOT_AUDIT_REQUIRED") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
