"""Draw a business process as an SVG flowchart: data in, markup out.

Steps are laid out top to bottom in layers (a step sits one layer below the deepest step
leading to it), each layer centred; edges are curves with arrowheads. A step's fill comes
from `fill_for(step)`: the risk register colours risk nodes by their highest grade.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 200, 58, 36, 46, 16
FONT = "WenQuanYi Zen Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


@dataclass(frozen=True)
class Node:
    key: str
    title: str
    subtitle: str = ""
    next_keys: tuple[str, ...] = ()


def _layers(nodes: Sequence[Node]) -> list[list[Node]]:
    by_key = {n.key: n for n in nodes}
    depth: dict[str, int] = {}

    def visit(key: str, level: int, path: frozenset[str]) -> None:
        if key in path:  # a cycle: never drawn, the services refuse it; stay finite anyway
            return
        if depth.get(key, -1) >= level:
            return
        depth[key] = level
        for nxt in by_key[key].next_keys:
            if nxt in by_key:
                visit(nxt, level + 1, path | {key})

    targets = {k for n in nodes for k in n.next_keys}
    for n in nodes:
        if n.key not in targets:
            visit(n.key, 0, frozenset())
    for n in nodes:
        depth.setdefault(n.key, 0)
    layers: list[list[Node]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for n in nodes:
        layers[depth[n.key]].append(n)
    return layers


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(
    nodes: Sequence[Node],
    *,
    fill_for: Callable[[Node], str | None] = lambda n: None,
    warned: Callable[[Node], bool] = lambda n: False,
    title: str = "",
) -> str:
    """The SVG markup of the process (an empty drawing for no steps)."""
    layers = _layers(nodes)
    widest = max((len(layer) for layer in layers), default=0)
    width = MARGIN * 2 + max(widest, 1) * BOX_W + max(widest - 1, 0) * GAP_X
    height = MARGIN * 2 + len(layers) * BOX_H + max(len(layers) - 1, 0) * GAP_Y
    position: dict[str, tuple[float, float]] = {}
    row_of = {node.key: row for row, layer in enumerate(layers) for node in layer}
    width += GAP_X  # room on the right for edges that skip a layer
    for row, layer in enumerate(layers):
        span = len(layer) * BOX_W + (len(layer) - 1) * GAP_X
        left = (width - GAP_X - span) / 2
        for col, node in enumerate(layer):
            position[node.key] = (left + col * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lz-flowchart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        '<defs><marker id="lz-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>',
    ]
    for node in nodes:
        x1, y1 = position[node.key]
        for nxt in node.next_keys:
            if nxt not in position:
                continue
            x2, y2 = position[nxt]
            if row_of[nxt] - row_of[node.key] > 1:
                # Skipping a layer: go round the right-hand side, clear of the boxes between.
                sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H / 2, x2 + BOX_W, y2 + BOX_H / 2
                bend = max(sx, ex) + GAP_X * 0.8
                d = f"M{sx:.0f},{sy:.0f} C{bend:.0f},{sy:.0f} {bend:.0f},{ey:.0f} {ex + 2:.0f},{ey:.0f}"
            else:
                sx, sy, ex, ey = x1 + BOX_W / 2, y1 + BOX_H, x2 + BOX_W / 2, y2
                mid = (sy + ey) / 2
                d = f"M{sx:.0f},{sy:.0f} C{sx:.0f},{mid:.0f} {ex:.0f},{mid:.0f} {ex:.0f},{ey - 2:.0f}"
            parts.append(
                f'<path class="edge" data-from="{escape(node.key)}" data-to="{escape(nxt)}" d="{d}" '
                f'fill="none" stroke="#6b7280" stroke-width="1.5" marker-end="url(#lz-arrow)"/>'
            )
    for node in nodes:
        x, y = position[node.key]
        fill = fill_for(node) or "#ffffff"
        is_warned = warned(node)
        css = "step warned" if is_warned else "step"
        stroke = (
            'stroke="#c62828" stroke-width="3" stroke-dasharray="6 3"'
            if is_warned
            else ('stroke="#9b2c24" stroke-width="1.5"')
        )
        parts.append(
            f'<g class="{css}" data-key="{escape(node.key)}">'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" {stroke}/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 24:.0f}" text-anchor="middle" font-family="{FONT}" '
            f'font-size="14" fill="#111827">{escape(_clip(node.title, 13))}</text>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 44:.0f}" text-anchor="middle" font-family="{FONT}" '
            f'font-size="11" fill="#4b5563">{escape(_clip(node.subtitle, 24))}</text>'
            + (
                f'<circle cx="{x + BOX_W - 6:.0f}" cy="{y + 6:.0f}" r="9" fill="#c62828"/>'
                f'<text x="{x + BOX_W - 6:.0f}" y="{y + 10:.0f}" text-anchor="middle" font-family="{FONT}" '
                f'font-size="12" font-weight="bold" fill="#ffffff">!</text>'
                if is_warned
                else ""
            )
            + "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
