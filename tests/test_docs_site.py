"""The documentation site builds with ``mkdocs build --strict``, API page included."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import dealmodel

ROOT = Path(__file__).parent.parent


def test_site_builds_strict_with_the_whole_api(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material's banner
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    api = (site / "reference" / "api" / "index.html").read_text("utf-8")
    documented = set(re.findall(r'id="dealmodel\.(\w+)"', api))
    assert documented == set(dealmodel.__all__)
    assert ":class:`" not in api and ":func:`" not in api  # reST roles became Markdown
    # Every page is in the nav: mkdocs.yml makes an omitted page a warning, so an error here.
    assert (site / "tutorial" / "first-run" / "index.html").is_file()
