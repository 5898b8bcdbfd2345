"""Draw an extracted automaton beside the language's minimal DFA (networkx + matplotlib).

>>> import tempfile, pathlib
>>> from automata.dfa import DFA
>>> even = DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0])
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.png"
>>> draw_side_by_side([("extracted", even), ("minimal DFA", even)], p, "parity")
>>> p.stat().st_size > 0
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from automata.atomic_io import atomic_write_bytes

__all__ = ["draw_side_by_side"]

MAX_DRAWN_STATES = 60


def _draw(ax: Any, dfa: Any, title: str) -> None:
    import networkx as nx

    n = int(dfa.n_states)
    ax.set_title(f"{title} ({n} states)", fontsize=9)
    ax.axis("off")
    if n > MAX_DRAWN_STATES:
        ax.text(0.5, 0.5, f"{n} states: too many to draw", ha="center", va="center")
        return
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(n))
    labels: dict[tuple[int, int], list[str]] = {}
    delta = dfa.delta.astype(np.int64)
    for q in range(n):
        for s, sym in enumerate(dfa.alphabet):
            labels.setdefault((q, int(delta[q, s])), []).append(str(sym))
    for (u, v) in labels:
        g.add_edge(u, v)
    pos = nx.circular_layout(g) if n > 1 else {0: np.zeros(2)}
    acc = dfa.accepting_mask
    colors = ["#9fd39f" if acc[q] else "#eeeeee" for q in range(n)]
    edges = ["#1f77b4" if q == dfa.initial else "black" for q in range(n)]
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, edgecolors=edges,
                           linewidths=[3 if q == dfa.initial else 1 for q in range(n)],
                           node_size=500)
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=8)
    straight = [(u, v) for (u, v) in labels if u != v and (v, u) not in labels]
    curved = [(u, v) for (u, v) in labels if u != v and (v, u) in labels]
    nx.draw_networkx_edges(g, pos, edgelist=straight, ax=ax, arrows=True, node_size=500)
    nx.draw_networkx_edges(g, pos, edgelist=curved, ax=ax, arrows=True, node_size=500,
                           connectionstyle="arc3,rad=0.2")
    for (u, v), syms in labels.items():
        text = ",".join(syms)
        if u == v:
            x, y = pos[u]
            ax.annotate(f"↺ {text}", (x, y), xytext=(0, 14), textcoords="offset points",
                        ha="center", fontsize=7, color="#444444")
        else:
            (x0, y0), (x1, y1) = pos[u], pos[v]
            off = 0.04 if (v, u) in labels else 0.0
            mx, my = (x0 + x1) / 2 - off * (y1 - y0), (y0 + y1) / 2 + off * (x1 - x0)
            ax.text(mx, my, text, fontsize=7, color="#444444", ha="center",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.margins(0.2)


def draw_side_by_side(panels: Sequence[tuple[str, Any]], path: str | Path, title: str) -> None:
    """One PNG with one panel per ``(title, DFA)``: accepting states green, the initial state
    ringed blue, parallel edges merged into one labelled arrow."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 4.5))
    for ax, (name, dfa) in zip(np.atleast_1d(axes), panels):
        _draw(ax, dfa, name)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    atomic_write_bytes(Path(path), buf.getvalue())
