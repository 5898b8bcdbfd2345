"""The state-tracking frontier of a ``--suite groups`` run as a matrix: groups x models.

    python -m analyses.groups_figure DIR [--bin 2] [--markdown]

Reads ``DIR/summary.json`` (written by ``python -m analyses.reproduce --suite groups ... --out
DIR``) and writes ``DIR/groups_matrix.png``: rows are the group word problems ordered by
solvability and size (abelian Z_m first, then the solvable non-abelian groups, then A_5 and S_5),
columns the cells in the order of the run; each square shows the observed whole-string accuracy
of evaluation bin ``--bin`` (bin 2: lengths L+1..2L; bin 3: 2L+1..4L) and the classifier's
verdict (Y, N, U for unbounded precision only, or ?; Y* a yes stated only for more layers than the cell has, Y† a yes whose
construction uses more reflections per token than the cell has, both undecided); a
square whose run disagrees with the verdict (the rule of ``ssm.experiments.agreement``, always on bin 2)
is outlined (bold in Markdown).
``--markdown`` also prints the same matrix as a Markdown table.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from analyses.cli import add_common_args, run_main
from automata.atomic_io import atomic_write_bytes
from ssm.experiments.grid import GROUP_LANGUAGES
from ssm.experiments.selection import bin_accuracy

__all__ = ["frontier_matrix", "markdown_matrix", "write_matrix_figure", "main"]


def frontier_matrix(summary: dict, bin_index: int = 1) -> dict[str, Any]:
    """``{"languages", "groups", "cells", "acc": {(lang, cell): float|None}, "verdict": {...}}``
    from a reproduce summary; when every language is a group word problem, in
    :data:`GROUP_LANGUAGES` order, otherwise in the order of the run (``groups``: each
    language's suite group, e.g. star-free, or None)."""
    rows = summary.get("selected")
    if not isinstance(rows, list) or not rows:
        raise ValueError("summary.json has no selected runs (did the grid run?)")
    order = {name: i for i, name in enumerate(GROUP_LANGUAGES)}
    langs = list(dict.fromkeys(r["language"] for r in rows))
    if all(name in order for name in langs):
        langs.sort(key=lambda n: order[n])
    groups = {r["language"]: r.get("group") for r in rows}
    cells = list(dict.fromkeys(r["cell"] for r in rows))
    acc = {(r["language"], r["cell"]): bin_accuracy(r, bin_index) for r in rows}
    agreement = summary.get("agreement", {}).get("cells", [])
    verdict = {(c["language"], c["cell"]): c.get("verdict", "n/a") for c in agreement}
    # False: disagrees; None: undecided (e.g. a yes stated only for more layers than the cell has)
    agrees = {(c["language"], c["cell"]): c.get("agrees") for c in agreement}
    why = {(c["language"], c["cell"]): c.get("why") or "" for c in agreement}
    return {"languages": langs, "groups": groups, "cells": cells, "acc": acc, "verdict": verdict,
            "agrees": agrees, "why": why}


def _label(lang: str) -> str:
    """``word_problem_a5`` -> ``A5``; other names as they are."""
    return lang.removeprefix("word_problem_").upper() if lang.startswith("word_problem_") else lang


def _short(verdict: str) -> str:
    return {"yes": "Y", "no": "N", "unbounded-precision": "U"}.get(verdict, "?")


def _disagrees(m: dict[str, Any], key: tuple[str, str]) -> bool:
    """As :func:`ssm.experiments.agreement` decided (its rule: a yes/no verdict against bin-2
    accuracy at the threshold, undecided when the yes needs more layers than the cell has)."""
    return m.get("agrees", {}).get(key) is False


def _mark(m: dict[str, Any], key: tuple[str, str]) -> str:
    """``Y``/``N``/``?``; an undecided yes is ``Y†`` when the cell has fewer reflections per token
    than the construction uses, else ``Y*`` (stated only for more layers)."""
    v = m["verdict"].get(key, "n/a")
    if v != "yes" or m.get("agrees", {}).get(key, True) is not None:
        return _short(v)
    return "Y†" if "reflection" in m.get("why", {}).get(key, "") else "Y*"


def markdown_matrix(m: dict[str, Any]) -> str:
    """One row per language, one column per cell: ``acc % (verdict)``, disagreements in bold."""
    lines = ["| group | " + " | ".join(m["cells"]) + " |",
             "|---|" + "---|" * len(m["cells"])]
    for lang in m["languages"]:
        out = []
        for cell in m["cells"]:
            a = m["acc"].get((lang, cell))
            text = "–" if a is None else f"{100 * a:.0f} ({_mark(m, (lang, cell))})"
            out.append(f"**{text}**" if _disagrees(m, (lang, cell)) else text)
        lines.append(f"| {_label(lang)} | " + " | ".join(out) + " |")
    return "\n".join(lines) + "\n"


def write_matrix_figure(m: dict[str, Any] | Sequence[tuple[str, dict[str, Any]]], path: Path,
                        title: str) -> None:
    """The matrix as a heatmap: one panel per ``(subtitle, matrix)`` (or one matrix), languages
    down, cells across, each square the observed % and the verdict mark; red outline where the
    run disagrees with the verdict; a line between the languages of different suite groups."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    panels = [("", m)] if isinstance(m, dict) else list(m)
    langs, cells = panels[0][1]["languages"], panels[0][1]["cells"]
    import textwrap

    pw = max(4.5, 1.0 + 0.95 * len(cells)) if len(panels) == 1 else 0.55 * len(cells) + 0.4
    width = max(4.5, pw * len(panels) + 1.2 + 0.6 * (len(panels) > 1))
    fig, axes = plt.subplots(1, len(panels), figsize=(width, 1.6 + 0.45 * len(langs)),
                             squeeze=False, sharey=True)
    im = None
    for ax, (subtitle, mm) in zip(axes[0], panels):
        grid = np.full((len(langs), len(cells)), np.nan)
        for i, lang in enumerate(langs):
            for j, cell in enumerate(cells):
                a = mm["acc"].get((lang, cell))
                if a is not None:
                    grid[i, j] = 100 * a
        cmap = matplotlib.colormaps["viridis"].with_extremes(bad="0.88")   # no run / empty bin
        im = ax.imshow(grid, vmin=0, vmax=100, cmap=cmap, aspect="auto")
        for i, lang in enumerate(langs):
            for j, cell in enumerate(cells):
                a = mm["acc"].get((lang, cell))
                text = "–" if a is None else f"{100 * a:.0f}\n{_mark(mm, (lang, cell))}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7 if len(panels) == 1 else 6,
                        color="white" if a is not None and a < 0.6 else "black")
                if _disagrees(mm, (lang, cell)):
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2,
                                               edgecolor="red", clip_on=False))
        groups = mm.get("groups", {})
        for i in range(1, len(langs)):
            if groups.get(langs[i]) != groups.get(langs[i - 1]):
                ax.axhline(i - 0.5, color="white", lw=2.5)
        ax.set_xticks(range(len(cells)), cells, rotation=40 if len(panels) == 1 else 60,
                      ha="right", fontsize=7)
        ax.set_yticks(range(len(langs)), [_label(n) for n in langs], fontsize=8)
        if subtitle:
            ax.set_title(subtitle, fontsize=9)
    fig.suptitle("\n".join(textwrap.wrap(title, int(width * 11))), fontsize=9)
    if len(panels) == 1:
        fig.colorbar(im, ax=axes[0][0], label="% strings right")
        fig.tight_layout()
    else:
        fig.colorbar(im, ax=list(axes[0]), label="% strings right", fraction=0.03)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.groups_figure",
                                description=__doc__.split("\n")[0])
    p.add_argument("dir", help="the --out directory of a reproduce --suite groups run")
    p.add_argument("--bin", type=int, default=2, help="evaluation bin, 1-based (default 2)")
    p.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    return add_common_args(p)


def body(args: argparse.Namespace) -> int:
    d = Path(args.dir)
    src = d / "summary.json"
    if not src.is_file():
        raise ValueError(f"{src} does not exist (run python -m analyses.reproduce --suite groups "
                         f"--out {d} first)")
    if args.bin < 1:
        raise ValueError(f"--bin must be >= 1, got {args.bin}")
    try:
        summary = json.loads(src.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{src} is not JSON ({e.msg})") from None
    m = frontier_matrix(summary, args.bin - 1)
    write_matrix_figure(m, d / "groups_matrix.png",
                        f"bin {args.bin}: observed % (classifier verdict); red = disagrees")
    if args.markdown:
        print(markdown_matrix(m), end="")
    print(f"wrote {d / 'groups_matrix.png'}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(body, build_parser, argv)


if __name__ == "__main__":
    sys.exit(main())
