"""The repo runs and tests on its own: a clinic gets the repo alone.

No tracked file names the team's shared folder beside the repo, and the repo's copies of the
fixed spec (the contract, the triage policy, the region codes, the reference patients and the
scripted patient) are the originals word for word, but for the one line that says so.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from actions.settings import PROJECT_ROOT

# The team's shared folder on the development machine; only this file names it, to compare
# the copies with their originals.
ORIGINALS = Path("/work/shared")
NAMES_OF_IT = (b"../shared", b"/work/shared")
# NOTES.md is the project's history: its entries say what was true when they were written.
MAY_NAME_IT = {"NOTES.md", "tests/unit/test_self_contained.py"}

# the copy in the repo -> the original in the shared folder, and the copy's note line (its
# first line, or the second after a shebang)
COPIES = {
    "docs/contract.md": ("spec/contract.md", 0),
    "docs/triage-policy.md": ("spec/triage-policy.md", 0),
    "data/regions.yml": ("spec/regions.yml", 0),
    "tests/data/vignettes_examples.yml": ("examples/vignettes.yml", 0),
    "bot/devtools/bench/patient_sim.py": ("tools/patient_sim.py", 1),
}


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    )
    names = [name for name in listed.stdout.decode().split("\0") if name]
    return [PROJECT_ROOT / name for name in names if name not in MAY_NAME_IT]


def test_no_tracked_file_names_the_shared_folder_beside_the_repo():
    found = []
    for path in tracked_files():
        if not path.is_file():  # deleted in the work tree, not yet in git
            continue
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            if any(name in line for name in NAMES_OF_IT):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert found == [], (
        "point these at the repo's own copies (docs/, tests/data/, bot/devtools/bench/)"
    )


@pytest.mark.parametrize("copy", COPIES)
def test_each_copy_says_what_it_copies_and_is_the_original_word_for_word(copy):
    original, note = COPIES[copy]
    lines = (PROJECT_ROOT / copy).read_bytes().splitlines(keepends=True)
    assert b"A copy of" in lines[note] and original.encode() in lines[note], lines[note]
    # The one conditional allowed: without the shared folder (a clinic's checkout) there is
    # no original to compare with, and this part passes silently. Where the folder is, a copy
    # that drifted from it, or an original that went missing, fails.
    if not ORIGINALS.exists():
        return
    del lines[note]
    assert b"".join(lines) == (ORIGINALS / original).read_bytes(), (
        f"{copy} is no longer {ORIGINALS / original}: copy it again, keeping the note line"
    )
