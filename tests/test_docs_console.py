"""Every ```console block in docs/ and README.md: its commands run, and the output it shows
is what they print.

In a block, a line ``$ dealmodel ...`` is a command; the lines after it, up to the next
command, are output it must print, in that order (``...`` stands for any lines). Files a
command writes (``-o FILE``, ``> FILE``, a directory after ``--all``) go to a temporary
directory. Blocks without a ``$`` prompt (synopses) are not run.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from dealmodel.cli import main

ROOT = Path(__file__).parent.parent
PAGES = sorted([*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"])
BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
#: set-up commands shown in the docs that are not dealmodel commands
SKIP = ("python3 -m venv", "pip install", ".venv/bin/pip", "mkdocs",
        "python benchmarks/", ".venv/bin/python benchmarks/")


def commands(page: Path) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every console block on ``page``."""
    out: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        current: tuple[str, list[str]] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = (line[2:], [])
                out.append(current)
            elif current is not None and line.strip():
                current[1].append(line.rstrip())
    return out


def argv(command: str, tmp: Path) -> tuple[list[str], Path | None]:
    """The arguments of a ``dealmodel`` command line, with written files sent to ``tmp``."""
    text = command.split("  #")[0].split(" # ")[0]
    words = shlex.split(text)
    assert words and words[0] in ("dealmodel", ".venv/bin/dealmodel"), command
    words = words[1:]
    target = None
    if ">" in words:
        at = words.index(">")
        target = tmp / Path(words[at + 1]).name
        words = words[:at]
    for flag in ("-o", "--output", "--all", "--plot"):
        if flag in words:
            at = words.index(flag) + 1
            words[at] = str(tmp / Path(words[at]).name)
    return words, target


def check_output(shown: list[str], printed: str, command: str) -> None:
    lines = [line.rstrip() for line in printed.splitlines()]
    at = 0
    for want in shown:
        if want.strip() == "...":
            continue
        for i in range(at, len(lines)):
            if lines[i].strip() == want.strip():
                at = i + 1
                break
        else:
            raise AssertionError(f"{command!r} did not print {want!r} (in this order);"
                                 f" it printed:\n{printed[:3000]}")


CASES = [(page, command, shown) for page in PAGES for command, shown in commands(page)
         if not command.startswith(SKIP)]


@pytest.mark.parametrize(("page", "command", "shown"), CASES,
                         ids=[f"{p.relative_to(ROOT)}:{c[:60]}" for p, c, _ in CASES])
def test_console_block_runs_and_prints_what_it_shows(page: Path, command: str,
                                                     shown: list[str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "200")
    if command.startswith("python "):  # an example script: run it as a user would
        done = subprocess.run([sys.executable, *shlex.split(command)[1:]], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        check_output(shown, done.stdout, command)
        return
    words, target = argv(command, tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(words)
        except SystemExit as exc:  # --help and --version exit through argparse
            code = int(exc.code or 0)
    if any("error:" in line for line in shown):  # the page shows a refusal: exit 2 for bad input
        assert code == 2, f"{command!r} exited {code}, not 2"
    else:
        assert code in (0, 1), f"{command!r} exited {code}: {err.getvalue()[:2000]}"
    if target is not None:
        target.write_text(out.getvalue(), encoding="utf-8")
    check_output(shown, out.getvalue() + err.getvalue(), command)


def test_the_docs_show_commands() -> None:
    assert len(CASES) >= 15
