"""Pictures of the algebra: the minimal DFA and the egg-box of its syntactic monoid, as SVG.

:func:`draw_dfa` lays a DFA out with Graphviz ``dot`` (through the ``graphviz`` Python package,
``pip install .[draw]``, when the ``dot`` binary is on the machine: Debian's ``graphviz``
package) or, without it, with a pure networkx + matplotlib drawing; :func:`dfa_engine` says
which one ``engine="auto"`` picks. Both draw the same things: every state (its name), the
initial state's incoming arrow, accepting states as double circles, the rejecting sink (a
state from which nothing is accepted) dashed and grey, and one edge per pair of states labelled
with all the letters that take it. :func:`draw_eggbox` (in :mod:`automata.eggbox`) draws the
monoid's D-classes.

Both return the SVG text and, given ``path``, also write it atomically. Over the
``max_draw_states`` budget (:mod:`automata.budgets`) a DFA is refused with one line.

>>> from automata.regex import regex_to_dfa
>>> d = regex_to_dfa("(ab)*", "ab")
>>> svg = draw_dfa(d, engine="matplotlib")
>>> svg.lstrip().startswith("<?xml") and "<svg" in svg
True
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from . import budgets
from .atomic_io import atomic_write_text
from .dfa import DFA
from .eggbox import draw_eggbox, eggbox_data, svg_of_figure
from .errors import InvalidAutomatonError

try:                                    # optional extra: pip install .[draw]
    import graphviz
except ImportError:                     # pragma: no cover - depends on the machine
    graphviz = None

__all__ = ["draw_dfa", "dfa_engine", "draw_eggbox", "eggbox_data", "ENGINES", "edge_labels",
           "svg_of_figure"]

ENGINES = ("auto", "graphviz", "matplotlib")


def dfa_engine(engine: str = "auto") -> str:
    """The engine ``engine`` resolves to: ``"graphviz"`` when asked for, or for ``"auto"`` when
    the ``graphviz`` package is importable and ``dot`` is on ``PATH``; else ``"matplotlib"``."""
    if engine not in ENGINES:
        raise InvalidAutomatonError(f"unknown drawing engine {engine!r}; choose one of {list(ENGINES)}")
    have = graphviz is not None and shutil.which("dot") is not None
    if engine == "graphviz" and not have:
        raise InvalidAutomatonError("engine 'graphviz' needs the graphviz Python package "
                                    "(pip install .[draw]) and the dot binary (apt-get install "
                                    "graphviz)")
    if engine == "auto":
        return "graphviz" if have else "matplotlib"
    return engine


def edge_labels(d: DFA) -> dict[tuple[int, int], str]:
    """``(source, target) -> "a, b"``: the letters taking each pair of states, alphabet order.

    >>> from automata.regex import regex_to_dfa
    >>> edge_labels(regex_to_dfa("a*", "ab"))
    {(0, 0): 'a', (0, 1): 'b', (1, 1): 'a, b'}
    """
    out: dict[tuple[int, int], list[str]] = {}
    for p in range(d.n_states):
        for a, sym in enumerate(d.alphabet):
            out.setdefault((p, int(d.delta[p, a])), []).append(sym)
    return {k: ", ".join(v) for k, v in sorted(out.items())}


def _sinks(d: DFA) -> set[int]:
    co = d.coreachable_mask()
    return {q for q in range(d.n_states) if not co[q]}


def _graphviz_svg(d: DFA, title: str | None) -> str:
    g = graphviz.Digraph("dfa", format="svg")
    g.attr(rankdir="LR", fontname="Helvetica", fontsize="11")
    if title:
        g.attr(label=title, labelloc="t")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="10")
    sinks = _sinks(d)
    g.node("__start", label="", shape="point", width="0.05")
    for q in range(d.n_states):
        attrs = {"shape": "doublecircle" if q in d.accepting else "circle"}
        if q in sinks:
            attrs.update(style="dashed", color="grey50", fontcolor="grey50")
        g.node(f"q{q}", label=d.state_names[q], **attrs)
    g.edge("__start", f"q{d.initial}")
    for (p, q), lab in edge_labels(d).items():
        extra = {"color": "grey50", "fontcolor": "grey50"} if q in sinks else {}
        g.edge(f"q{p}", f"q{q}", label=lab, **extra)
    return g.pipe(format="svg").decode("utf-8")


def _layout(d: DFA, sinks: set[int]) -> dict[int, np.ndarray]:
    """Positions: states in breadth-first layers from the initial state, left to right, spread
    vertically; the sink last, below; deterministic (no random layout)."""
    depth = {d.initial: 0}
    order = [d.initial]
    for p in order:
        for a in range(len(d.alphabet)):
            q = int(d.delta[p, a])
            if q not in depth and q not in sinks:
                depth[q] = depth[p] + 1
                order.append(q)
    last = max(depth.values())
    for q in range(d.n_states):                     # unreachable states (non-minimal input)
        if q not in depth and q not in sinks:
            depth[q] = last + 1
            order.append(q)
    layers: dict[int, list[int]] = {}
    for q in order:
        layers.setdefault(depth[q], []).append(q)
    pos = {}
    for x, qs in layers.items():
        for i, q in enumerate(qs):
            pos[q] = np.array([2.2 * x, 1.8 * ((len(qs) - 1) / 2 - i)])
    bottom = min(p[1] for p in pos.values()) - 1.8 if pos else 0.0
    right = max(p[0] for p in pos.values()) if pos else 0.0
    for i, q in enumerate(sorted(sinks)):
        pos[q] = np.array([right + 2.2 * (i + 1), bottom if len(layers) > 1 else 0.0])
    return pos


def _matplotlib_svg(d: DFA, title: str | None) -> str:
    g = nx.DiGraph()
    g.add_nodes_from(range(d.n_states))
    labels = edge_labels(d)
    g.add_edges_from(labels)
    sinks = _sinks(d)
    pos = _layout(d, sinks)
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    w = max(3.0, 1.1 * (xs.max() - xs.min()) + 2.5)
    h = max(2.0, 1.1 * (ys.max() - ys.min()) + 2.2)
    fig = Figure(figsize=(min(w, 16), min(h, 12)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_aspect("equal")
    ax.axis("off")
    r = 0.38
    for q in g.nodes:
        c = "0.55" if q in sinks else "black"
        ls = "--" if q in sinks else "-"
        ax.add_patch(Circle(pos[q], r, fill=False, ec=c, ls=ls, lw=1.2))
        if q in d.accepting:
            ax.add_patch(Circle(pos[q], r * 0.8, fill=False, ec=c, ls=ls, lw=1.0))
        ax.text(*pos[q], d.state_names[q], ha="center", va="center", fontsize=10, color=c)
    start = pos[d.initial] - np.array([1.1, 0])
    ax.add_patch(FancyArrowPatch(start, pos[d.initial] - np.array([r, 0]), arrowstyle="-|>",
                                 mutation_scale=12, lw=1.2, color="black"))
    for (p, q), lab in labels.items():
        c = "0.55" if q in sinks else "black"
        if p == q:                                   # self-loop: a small circle above the state
            up = -1 if p in sinks else 1                 # the sink's loop hangs below it
            centre = pos[p] + np.array([0, up * (r + 0.22)])
            ax.add_patch(Circle(centre, 0.24, fill=False, ec=c, lw=1.0))
            ax.text(centre[0], centre[1] + up * 0.32, lab, ha="center",
                    va="bottom" if up > 0 else "top", fontsize=9, color=c)
            continue
        rad = 0.25 if g.has_edge(q, p) else 0.12
        if abs(pos[q][1] - pos[p][1]) < 0.1 and abs(pos[q][0] - pos[p][0]) > 3:
            rad = 0.3 * (1 if pos[q][0] > pos[p][0] else -1)     # arc over the states between
        ax.add_patch(FancyArrowPatch(pos[p], pos[q], connectionstyle=f"arc3,rad={rad}",
                                     arrowstyle="-|>", mutation_scale=12, lw=1.0, color=c,
                                     shrinkA=r * 72 / 1.9, shrinkB=r * 72 / 1.9))
        mid = (pos[p] + pos[q]) / 2
        dx, dy = pos[q] - pos[p]
        n = math.hypot(dx, dy) or 1.0
        off = np.array([dy, -dx]) / n * rad * n / 2       # where arc3 puts the curve's middle
        ax.text(*(mid + off * 1.15), lab, ha="center", va="center", fontsize=9, color=c,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"})
    ax.set_xlim(xs.min() - 1.4, xs.max() + 1.0)
    ax.set_ylim(ys.min() - 1.3, ys.max() + 1.3)
    if title:
        ax.set_title(title, fontsize=10)
    return svg_of_figure(fig)


def draw_dfa(d: DFA, path: str | Path | None = None, *, engine: str = "auto",
             title: str | None = None, max_states: int | None = None) -> str:
    """SVG drawing of ``d`` (draw the minimal DFA by passing ``d.minimize()``).

    ``max_states`` overrides the ``max_draw_states`` budget (60 states: beyond, no layout is
    readable). With ``path`` the SVG is also written there, atomically.
    """
    if not isinstance(d, DFA):
        raise InvalidAutomatonError(f"draw_dfa needs a DFA, got {type(d).__name__}")
    budgets.check(d.n_states, "max_draw_states", "drawing the DFA", max_states, "max_states=")
    how = dfa_engine(engine)
    svg = _graphviz_svg(d, title) if how == "graphviz" else _matplotlib_svg(d, title)
    if path is not None:
        atomic_write_text(path, svg)
    return svg
