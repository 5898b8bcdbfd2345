"""The egg-box diagram of a syntactic monoid: its D-classes, each a grid of H-classes.

Green's relations (Clifford and Preston 1961; Pin, *Mathematical Foundations of Automata
Theory*, ch. V): in one D-class the **rows are the R-classes** and the **columns the
L-classes**; a cell is an H-class. A cell holding an idempotent is a group (all the group
cells of a D-class are isomorphic to its maximal subgroup): it is shaded and named, and the
idempotent is starred (``*``). D-classes are stacked by the J-order (``D ≤ D'`` iff
``M x M ⊆ M x' M``), the identity's D-class on top, with a line for each covering pair.

Three modes, by the size of the monoid (:mod:`automata.budgets`):

* ``"eggbox"`` (at most ``max_eggbox_elements``, 256): every element, by a shortest word;
* ``"poset"`` (at most ``max_poset_elements``, 50,000, enumerated by
  :func:`automata.froidure_pin.froidure_pin`): one box per D-class with its
  ``#R × #L`` grid size, ``|H|`` and group, and the covering lines;
* ``"ranks"`` (larger: :func:`automata.green.green_structure`'s orbit method, no enumeration):
  the D-classes by the rank of their elements, without the order (not computed).

More than ``max_draw_d_classes`` (200) boxes are refused.

>>> from automata.regex import regex_to_dfa
>>> e = eggbox_data(regex_to_dfa("(ab)*", "ab"))
>>> e.mode, e.size, [(c.rows, c.cols, c.h_size) for c in e.d_classes]
('eggbox', 6, [(1, 1, 1), (2, 2, 1), (1, 1, 1)])
>>> [[c.words[0] + "*" * c.idempotent for c in row] for row in e.d_classes[1].cells]
[['a', 'ab*'], ['ba*', 'b']]
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import budgets
from .atomic_io import atomic_write_text
from .dfa import DFA
from .errors import BudgetExceededError, InvalidAutomatonError
from .froidure_pin import froidure_pin
from .green import green_structure
from .groups import group_info
from .monoid import generators_of

__all__ = ["Cell", "DClassBox", "EggBoxDiagram", "eggbox_data", "draw_eggbox", "svg_of_figure"]

MODES = ("eggbox", "poset", "ranks")


@dataclass(frozen=True)
class Cell:
    """One H-class: shortest words of its elements (``ε``: the identity, when no non-empty word
    gives it), whether it is a
    group (holds an idempotent) and which of its words is that idempotent."""

    words: tuple
    group: bool
    idempotent: bool
    idempotent_word: str | None = None


@dataclass(frozen=True)
class DClassBox:
    """One D-class: grid size, H-class size, maximal subgroup (``None`` when not regular),
    rank of its elements, J-order depth (0 = the identity's), and its cells (eggbox mode)."""

    index: int
    rows: int
    cols: int
    h_size: int
    regular: bool
    group: str | None
    rank: int
    depth: int
    cells: tuple = ()

    @property
    def size(self) -> int:
        return self.rows * self.cols * self.h_size


@dataclass(frozen=True)
class EggBoxDiagram:
    """All D-classes and the covering pairs ``(upper, lower)`` of the J-order (empty in
    ``ranks`` mode, where it is not computed)."""

    mode: str
    size: int
    d_classes: tuple
    edges: tuple = field(default=())

    def to_dict(self) -> dict:
        return {"mode": self.mode, "size": self.size, "edges": [list(e) for e in self.edges],
                "d_classes": [{"rows": c.rows, "cols": c.cols, "h_size": c.h_size,
                               "regular": c.regular, "group": c.group, "rank": c.rank,
                               "depth": c.depth} for c in self.d_classes]}


def _word_text(word: list[int], alphabet: tuple) -> str:
    if not word:
        return "ε"
    syms = [alphabet[a] for a in word]
    return "".join(syms) if all(len(s) == 1 for s in syms) else "·".join(syms)


def _group_name(perms: np.ndarray | None, h_size: int) -> str | None:
    if perms is None:
        return None
    if h_size == 1:
        return "1"
    from sympy.combinatorics import Permutation, PermutationGroup

    g = group_info(PermutationGroup([Permutation(p.tolist()) for p in perms]))
    return g.name or f"order {g.order}"


def _depths(n: int, edges: set[tuple[int, int]], top: int) -> list[int]:
    """Longest-path depth of every D-class below ``top`` in the DAG of ``edges``."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    depth = [0] * n
    for v in nx.topological_sort(g):
        for w in g.successors(v):
            depth[w] = max(depth[w], depth[v] + 1)
    return depth


def _from_fp(fp, alphabet: tuple, with_cells: bool) -> EggBoxDiagram:
    nd = fp.n_d_classes
    d_lab = fp.d_label
    src = np.repeat(d_lab, fp.right.shape[1])
    pairs = set()
    for graph in (fp.right, fp.left):
        dst = d_lab[graph.reshape(-1).astype(np.int64)]
        keep = src != dst
        pairs |= set(zip(src[keep].tolist(), dst[keep].tolist()))
    dag = nx.transitive_reduction(nx.DiGraph(list(pairs))) if pairs else nx.DiGraph()
    edges = tuple(sorted(dag.edges()))
    depth = _depths(nd, set(edges), 0)
    boxes = []
    for dc in fp.d_classes:
        members = np.flatnonzero(d_lab == dc.index)
        rows = list(dict.fromkeys(fp.r_label[members].tolist()))
        cols = list(dict.fromkeys(fp.l_label[members].tolist()))
        cells: tuple = ()
        if with_cells:
            grid = [[[] for _ in cols] for _ in rows]
            idem = [[None for _ in cols] for _ in rows]
            ri, ci = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(cols)}
            for i in members.tolist():
                r, c = ri[int(fp.r_label[i])], ci[int(fp.l_label[i])]
                w = _word_text(fp.word(i), alphabet)
                grid[r][c].append(w)
                if fp.idempotent[i]:
                    idem[r][c] = w
            cells = tuple(tuple(Cell(tuple(sorted(ws, key=lambda s: (len(s), s))),
                                     idem[r][c] is not None, idem[r][c] is not None,
                                     idem[r][c]) for c, ws in enumerate(row))
                          for r, row in enumerate(grid))
        boxes.append(DClassBox(dc.index, dc.n_r_classes, dc.n_l_classes, dc.h_size, dc.regular,
                               _group_name(fp.group_permutations(dc.index), dc.h_size),
                               dc.rank, depth[dc.index], cells))
    return EggBoxDiagram("eggbox" if with_cells else "poset", fp.size, tuple(boxes), edges)


def _from_orbits(d: DFA, max_seconds: float) -> EggBoxDiagram:
    g = green_structure(d, minimize=False, max_seconds=max_seconds, method="orbits")
    budgets.check(g.n_d_classes, "max_draw_d_classes", "drawing the D-classes")
    ranks = sorted({dc.rank for dc in g.d_classes}, reverse=True)
    boxes = []
    for i, dc in enumerate(g.d_classes):
        grp = None
        if dc.regular:
            gi = group_info(g.images.groups[dc.image_scc])
            grp = "1" if gi.order == 1 else (gi.name or f"order {gi.order}")
        boxes.append(DClassBox(i, dc.n_r_classes, dc.n_l_classes, dc.h_size, dc.regular, grp,
                               dc.rank, ranks.index(dc.rank)))
    return EggBoxDiagram("ranks", g.monoid_size, tuple(boxes))


def eggbox_data(dfa: DFA, *, minimize: bool = True, mode: str = "auto",
                max_elements: int | None = None, max_poset_elements: int | None = None,
                max_seconds: float = 20.0) -> EggBoxDiagram:
    """The D-classes of the transition monoid of ``dfa`` (of its minimal DFA: the syntactic
    monoid), in the mode the budgets allow (``mode="auto"``) or the one asked for."""
    if not isinstance(dfa, DFA):
        raise InvalidAutomatonError(f"eggbox_data needs a DFA, got {type(dfa).__name__}")
    if mode not in ("auto", *MODES):
        raise InvalidAutomatonError(f"unknown egg-box mode {mode!r}; choose auto or one of {list(MODES)}")
    d = dfa.minimize() if minimize else dfa
    cap_e = budgets.limit("max_eggbox_elements", max_elements)
    cap_p = budgets.limit("max_poset_elements", max_poset_elements)
    if mode == "ranks":
        return _from_orbits(d, max_seconds)
    gens = generators_of(d).astype(np.int64)
    fp = froidure_pin(gens, max_size=int(cap_p), max_seconds=max_seconds, partial_ok=True,
                      alphabet=d.alphabet)
    if fp is None:
        if mode != "auto":
            raise BudgetExceededError(
                f"the monoid has more than {int(cap_p):,} elements: no {mode} drawing "
                f"({budgets.knob('max_poset_elements', 'max_poset_elements=')})")
        return _from_orbits(d, max_seconds)
    budgets.check(fp.n_d_classes, "max_draw_d_classes", "drawing the D-classes")
    if mode == "eggbox":
        budgets.check(fp.size, "max_eggbox_elements", "an egg-box of every element", max_elements,
                      "max_elements=")
    cells = mode == "eggbox" or (mode == "auto" and fp.size <= cap_e)
    return _from_fp(fp, d.alphabet, cells)


# ------------------------------------------------------------------------------- drawing
def svg_of_figure(fig: Figure) -> str:
    """The SVG text of a matplotlib figure."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()


_SHADE = "#f6d58e"          # group H-classes
_PLAIN = "#ffffff"
_MAX_WORDS = 3               # words listed per cell; more are counted


def _cell_lines(c: Cell) -> list[str]:
    ws = [("*" + w if w == c.idempotent_word else w) for w in c.words]
    if len(ws) > _MAX_WORDS:
        ws = ws[:_MAX_WORDS - 1] + [f"+{len(ws) - _MAX_WORDS + 1} more"]
    return [w if len(w) <= 10 else w[:9] + "…" for w in ws]


def _box_size(b: DClassBox, mode: str) -> tuple[float, float, float, float]:
    """(width, height, cell width, cell height) in inches."""
    if mode != "eggbox":
        return 1.7, 0.62, 1.7, 0.62
    lines = [_cell_lines(c) for row in b.cells for c in row]
    chars = max((len(s) for ls in lines for s in ls), default=1)
    n = max((len(ls) for ls in lines), default=1)
    cw = max(0.45, 0.085 * chars + 0.2)
    ch = 0.17 * n + 0.14
    return b.cols * cw, b.rows * ch, cw, ch


def _box_caption(b: DClassBox) -> str:
    g = "" if b.group is None else (f", group {b.group}" if b.group != "1" else "")
    return f"D{b.index}: rank {b.rank}, {b.rows}×{b.cols}" + (f", |H|={b.h_size}" if b.h_size > 1
                                                              else "") + g


def _draw(e: EggBoxDiagram, title: str | None) -> Figure:
    gap_x, gap_y, cap = 0.35, 0.55, 0.22
    layers: dict[int, list[DClassBox]] = {}
    for b in e.d_classes:
        layers.setdefault(b.depth, []).append(b)
    sizes = {b.index: _box_size(b, e.mode) for b in e.d_classes}
    widths = {k: sum(max(sizes[b.index][0], 0.09 * len(_box_caption(b)) if e.mode == "eggbox"
                         else sizes[b.index][0]) for b in bs) + gap_x * (len(bs) - 1)
              for k, bs in layers.items()}
    total_w = max(widths.values())
    pos: dict[int, tuple[float, float, float, float]] = {}   # index -> x0, y_top, w, h
    y = 0.0
    for k in sorted(layers):
        bs = layers[k]
        x = (total_w - widths[k]) / 2
        h_layer = max(sizes[b.index][1] for b in bs)
        for b in bs:
            w, h, _, _ = sizes[b.index]
            slot = max(w, 0.09 * len(_box_caption(b))) if e.mode == "eggbox" else w
            pos[b.index] = (x + (slot - w) / 2, y - cap, w, h)
            x += slot + gap_x
        y -= cap + h_layer + gap_y
    height = -y
    fig = Figure(figsize=(min(max(total_w + 0.4, 3.0), 40), min(max(height + 0.6, 1.5), 40)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.2, total_w + 0.2)
    ax.set_ylim(y + gap_y - 0.2, 0.45 if title else 0.1)
    ax.axis("off")
    for up, lo in e.edges:
        x0, y0, w0, h0 = pos[up]
        x1, y1, w1, _ = pos[lo]
        ax.plot([x0 + w0 / 2, x1 + w1 / 2], [y0 - h0, y1 + cap - 0.02], color="0.6", lw=0.8,
                zorder=0)
    for b in e.d_classes:
        x0, yt, w, h = pos[b.index]
        ax.text(x0 + w / 2, yt + 0.04, _box_caption(b), ha="center", va="bottom", fontsize=7)
        if e.mode != "eggbox":
            face = _SHADE if b.regular and b.h_size > 1 else ("#e8eef8" if b.regular else _PLAIN)
            ax.add_patch(Rectangle((x0, yt - h), w, h, fc=face, ec="black", lw=0.8))
            txt = f"{b.rows} R × {b.cols} L\n|H| = {b.h_size}" + \
                ("" if b.regular else "\nnot regular")
            ax.text(x0 + w / 2, yt - h / 2, txt, ha="center", va="center", fontsize=7)
            continue
        _, _, cw, ch = sizes[b.index]
        for r, row in enumerate(b.cells):
            for c, cell in enumerate(row):
                cx, cy = x0 + c * cw, yt - (r + 1) * ch
                ax.add_patch(Rectangle((cx, cy), cw, ch, fc=_SHADE if cell.group else _PLAIN,
                                       ec="0.35", lw=0.6))
                ax.text(cx + cw / 2, cy + ch / 2, "\n".join(_cell_lines(cell)), ha="center",
                        va="center", fontsize=7, family="monospace",
                        weight="bold" if cell.group else "normal")
                if cell.group and b.group and b.group != "1":
                    ax.text(cx + cw - 0.03, cy + 0.03, b.group, ha="right", va="bottom",
                            fontsize=5.5, color="#8a5a00")
        ax.add_patch(Rectangle((x0, yt - h), w, h, fill=False, ec="black", lw=1.2))
    if title:
        ax.text(total_w / 2, 0.4, title, ha="center", va="top", fontsize=9)
    return fig


def draw_eggbox(dfa_or_data, path: str | Path | None = None, *, title: str | None = None,
                **kwargs) -> str:
    """SVG of the egg-box (or D-class poset) of ``dfa``'s syntactic monoid; ``kwargs`` go to
    :func:`eggbox_data`. With ``path`` the SVG is also written there, atomically."""
    e = dfa_or_data if isinstance(dfa_or_data, EggBoxDiagram) else eggbox_data(dfa_or_data, **kwargs)
    if title is None:
        note = {"eggbox": "rows R-classes, columns L-classes; shaded: groups, * idempotent",
                "poset": "D-class poset (too many elements for an egg-box)",
                "ranks": "D-classes by rank (monoid too large to enumerate; order not drawn)"}
        n = len(e.d_classes)
        title = f"syntactic monoid: {e.size:,} element{'s' * (e.size != 1)}, {n} " \
                f"D-class{'es' * (n != 1)} — {note[e.mode]}"
    svg = svg_of_figure(_draw(e, title))
    if path is not None:
        atomic_write_text(path, svg)
    return svg
