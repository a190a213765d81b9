"""Every command's help: a one-line summary, examples, no repository paths; shell completion."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dealmodel.cli import main
from dealmodel.cli.main import build_parser

ROOT = Path(__file__).parent.parent


def commands() -> dict[str, argparse.ArgumentParser]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


COMMANDS = sorted(commands())
REPO_PATH = re.compile(r"(?<![/\w.])(docs|src)/[\w/.-]+\.(md|py|yaml)")


def help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


def test_the_commands() -> None:
    assert {"run", "deals", "check", "whatif", "diagram", "timeline", "schema",
            "completion"} <= set(COMMANDS)


def test_top_level_help_lists_every_command_with_a_summary(
        capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of([], capsys)
    lines = text.splitlines()
    for name in COMMANDS:
        i = next(i for i, line in enumerate(lines) if line.strip().split()[:1] == [name])
        summary = " ".join(lines[i].split()[1:]) or lines[i + 1].strip()  # may wrap
        assert len(summary) > 10, summary
    assert "examples:" in text
    assert not REPO_PATH.search(text)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_has_a_summary_and_examples(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = commands()[name]
    assert parser.description and len(parser.description) > 20, "a description"
    text = help_of([name], capsys)
    assert re.search(r"^examples?:\n  dealmodel " + name, text, re.M), text
    assert not REPO_PATH.search(text), REPO_PATH.search(text)
    assert "docs/" not in text.replace("dealmodel.github.io/dealmodel/", "")
    assert "examples/" not in text  # an installed package has no examples folder


def complete(words: list[str]) -> list[str]:
    script = subprocess.run([sys.executable, "-m", "dealmodel.cli.main", "completion", "bash"],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout
    quoted = " ".join(f"'{w}'" for w in words)
    program = (f"{script}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
               'COMPREPLY=(); _dealmodel; printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(("words", "expected"), [
    (["dealmodel", "wh"], ["whatif"]),
    (["dealmodel", "run", "--c"], ["--csv"]),
    (["dealmodel", "run", "gaza-2025", "--csv", ""], ["ledger", "events", "on_record",
                                                        "allegations"]),
    (["dealmodel", "schema", ""], ["deal", "scenario"]),
    (["dealmodel", "run", "gaza-2025-w"], ["gaza-2025-whatif"]),
    (["dealmodel", "run", "examples/gaza-2025-r"], ["examples/gaza-2025-record.yaml"]),
])
def test_bash_completion(words: list[str], expected: list[str]) -> None:
    assert complete(words) == expected


def test_zsh_script_uses_bashcompinit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "zsh"]) == 0
    script = capsys.readouterr().out
    assert "bashcompinit" in script and "complete -o filenames -F _dealmodel dealmodel" in script
