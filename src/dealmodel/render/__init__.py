"""Outputs: diagram models, DOT/Mermaid/SVG renderings, timelines and text."""

from dealmodel.render.diagram_model import DiagramModel, diagram_model
from dealmodel.render.dot import (
    node_id,
    to_dot,
    to_mermaid,
    to_svg,
    to_text,
    write_diagram,
)
from dealmodel.render.html import mimebundle, to_html

__all__ = [
    "DiagramModel",
    "diagram_model",
    "mimebundle",
    "node_id",
    "to_dot",
    "to_html",
    "to_mermaid",
    "to_svg",
    "to_text",
    "write_diagram",
]
