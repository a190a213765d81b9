"""A command that needs a missing optional dependency names the extra, exits 1, no traceback.

The missing package is simulated by putting None in sys.modules, which makes its import
fail exactly as when it is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dealmodel.cli import main

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(("module", "argv", "extra"), [
    ("matplotlib", ["timeline", "gaza-2025", "-o", "{tmp}/t.png"], "charts"),
    ("matplotlib", ["timeline", "gaza-2025", "-o", "{tmp}/t.pdf"], "charts"),
    ("graphviz", ["diagram", "gaza-2025", "-o", "{tmp}/d.svg"], "diagrams"),
    ("graphviz", ["diagram", "gaza-2025", "-o", "{tmp}/d.dot"], "diagrams"),
])
def test_missing_extra_exit_1(module: str, argv: list[str], extra: str, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    assert main([a.format(tmp=tmp_path) for a in argv]) == 1
    err = capsys.readouterr().err
    assert f"pip install 'dealmodel[{extra}]'" in err
    assert f"needs {module}, which is not installed" in err
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.skipif(shutil.which("dot") is not None,
                    reason="with Graphviz's dot the PDF is drawn without Pillow")
def test_diagram_pdf_without_pillow_names_the_extra(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    assert main(["diagram", "gaza-2025", "--compact", "-o", str(tmp_path / "d.pdf")]) == 1
    err = capsys.readouterr().err
    assert "PDF output of a diagram needs pillow, which is not installed" in err
    assert "pip install 'dealmodel[diagrams]'" in err


def test_compact_diagram_dot_needs_no_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    assert main(["diagram", "gaza-2025", "--compact", "-o", str(tmp_path / "c.dot")]) == 0
    assert "digraph" in (tmp_path / "c.dot").read_text("utf-8")


def test_missing_matplotlib_real_process_no_traceback(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['matplotlib'] = None; from dealmodel.cli import main; "
            f"sys.exit(main(['timeline', 'gaza-2025', '-o', {str(tmp_path / 't.png')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "dealmodel: a timeline chart needs matplotlib, which is not installed; install it "
        "with: pip install 'dealmodel[charts]'")
