"""The repository holds sources only: nothing installed or generated is ever committed."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Installed or generated on each machine: `npm ci`, the virtual environment, data, compiled
# catalogues. A symlink to one of them is as wrong as the thing itself (a checkout would replace
# the real folder with a link to nowhere).
NEVER_COMMITTED = ("node_modules", ".venv", "var/")


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout"
)
def test_nothing_installed_or_generated_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.splitlines()

    offending = [
        path
        for path in tracked
        if path.startswith(NEVER_COMMITTED) or path.endswith(".mo") or path == "node_modules"
    ]

    assert offending == []
