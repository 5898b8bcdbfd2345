"""Rendering of :mod:`analyses.reproduce` results: ``runs.csv``, ``table.md`` and ``figure.png``.

Rows are the per-run dicts of :func:`analyses.reproduce.run_jobs`; ``best`` maps
``(language, cell)`` to the selected row; ``verdict_map`` maps language -> model family ->
``{"label", "status", "layers", ...}``; ``agree`` is :func:`analyses.reproduce.agreement`'s dict.

>>> pct(0.9876), pct(None)
('98.8', '–')
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Mapping, Sequence

from analyses.paper_results import paper_cell

__all__ = ["bin_accuracy", "pct", "write_csv", "write_table", "write_figure"]


def bin_accuracy(row: Mapping[str, Any], i: int) -> float | None:
    """String accuracy of the row's ``i``-th evaluation bin (0-based), or ``None``."""
    return row["bins"][i]["string_accuracy"] if i < len(row["bins"]) else None


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def write_csv(rows: Sequence[dict], path: Path, selected: set[str]) -> None:
    splits: list[str] = []
    for r in rows:
        for b in r["bins"]:
            if b["split"] not in splits:
                splits.append(b["split"])
    cols = ["run_id", "language", "group", "cell", "arch", "gate", "layers", "width", "lr", "seed",
            "task", "steps", "epochs", "seconds", "stopped", "train_string_accuracy",
            *(f"acc_{s}" for s in splits), "selected", "error", "out"]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            d = {**r, "selected": r["run_id"] in selected}
            for b in r["bins"]:
                d[f"acc_{b['split']}"] = b["string_accuracy"]
            w.writerow(d)


def write_table(best, verdict_map, agree, path: Path, preset: Any, command: str,
                cells: Mapping[str, Any]) -> None:
    """The markdown table: per language and cell, verdict, train and bin accuracies, the paper's
    numbers and whether verdict and observation agree; then the agreement counts."""
    langs = list(dict.fromkeys(lang for lang, _ in best))
    lines = [f"# Predicted vs observed: preset `{preset.name}`", "",
             f"Command: `{command}`", "",
             f"{preset.description}. Observed: % of test strings fully right in the selected run "
             "(best bin-1 accuracy of the cell's grid), per evaluation bin. Paper: Sarrof et al. "
             "2024's reported bin 1 / bin 2 (/ bin 3) (Transformer: Bhattamishra et al. 2020). "
             "Verdict: `automata.classify` for the cell's model family.", "",
             "| language | group | model | verdict | train (%) | observed bin 1 / 2 / 3 (%) | paper (%) | agrees |",
             "|---|---|---|---|---|---|---|---|"]
    agrees = {(c["language"], c["cell"]): c["agrees"] for c in agree["cells"]}
    for lang in langs:
        for cell in [c for l2, c in best if l2 == lang]:
            r = best[(lang, cell)]
            c = cells.get(cell)
            vd = verdict_map.get(lang, {}).get(c.family, {}) if c else {}
            v = vd.get("label", "n/a")
            if vd.get("status"):
                v += f" ({vd['status']}" + (f", ≥ {vd['layers']} layer" + "s" * (vd["layers"] > 1) if vd.get("layers") else "") + ")"
            obs = " / ".join(pct(b["string_accuracy"]) for b in r["bins"])
            pc = paper_cell(lang, c.paper_column) if c and c.paper_column else None
            a = agrees.get((lang, cell))
            lines.append(f"| {lang} | {r.get('group') or '–'} | {cell} | {v} | "
                         f"{pct(r.get('train_string_accuracy'))} | {obs} | "
                         f"{pc.text if pc else '–'} | {'–' if a is None else ('yes' if a else '**no**')} |")
    rate = "n/a" if agree["rate"] is None else f"{100 * agree['rate']:.1f} %"
    lines += ["", f"Agreement (verdict yes & bin-2 ≥ {100 * agree['threshold']:.0f} %, or verdict no & "
              f"bin-2 < {100 * agree['threshold']:.0f} %): {agree['agree']} of "
              f"{agree['agree'] + agree['disagree']} decided cells ({rate}); "
              f"{agree['disagree']} disagree; {agree['undecided']} undecided cells (no yes/no "
              "verdict, no bin 2, or a yes stated only for more layers than the cell has).", ""]
    path.write_text("\n".join(lines))


_VERDICT_STYLE = {"yes": ("", "Y"), "no": ("////", "N"), "unbounded-precision": ("..", "U"),
                  "unknown": ("", "?"), "n/a": ("", "?")}


def write_figure(best, path: Path, verdict_map: Mapping[str, Mapping[str, dict]] | None = None,
                 cells: Mapping[str, Any] | None = None) -> None:
    """One panel per evaluation bin: accuracy per language (grouped star-free | non-star-free |
    counter) with one bar per cell; dashed line at 90 %. Each bar carries its cell's verdict
    (``Y`` yes, ``N`` no and a hatched bar, ``U`` unbounded precision only, ``?`` unknown or no
    verdict) when ``verdict_map`` (language -> family -> ``{"label", ...}``) and ``cells``
    (cell name -> an object with ``family``) are given. A measured 0 % is drawn as a thick
    stub with ``0``; a missing value (no run, or an empty split) as a grey ``n/a``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    order = {"star-free": 0, "non-star-free": 1, "counter": 2}
    group_of = {lang: r.get("group") for (lang, _), r in best.items()}
    langs = sorted(dict.fromkeys(lang for lang, _ in best), key=lambda l: order.get(group_of[l], 3))
    cells_used = list(dict.fromkeys(c for _, c in best))
    n_bins = max(len(r["bins"]) for r in best.values())
    fig, axes = plt.subplots(n_bins, 1, figsize=(max(7.5, 0.3 * len(langs) * max(2, len(cells_used))),
                                                 1.5 + 2.4 * n_bins), sharex=True, squeeze=False)
    width = 0.8 / max(1, len(cells_used))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]

    def verdict(lang: str, cell: str) -> str:
        if verdict_map is None or cells is None or cells.get(cell) is None:
            return "n/a"
        return verdict_map.get(lang, {}).get(cells[cell].family, {}).get("label", "n/a")

    show_verdicts = verdict_map is not None and cells is not None
    for b in range(n_bins):
        ax = axes[b][0]
        bounds = next((r["bins"][b] for r in best.values() if len(r["bins"]) > b), None)
        for j, cell in enumerate(cells_used):
            for i, lang in enumerate(langs):
                r = best.get((lang, cell))
                x = i + (j - (len(cells_used) - 1) / 2) * width
                acc = bin_accuracy(r, b) if r is not None else None
                v = verdict(lang, cell)
                hatch, mark = _VERDICT_STYLE.get(v, ("", "?"))
                if acc is None:
                    ax.text(x, 3, "n/a", ha="center", va="bottom", fontsize=6, color="0.5",
                            rotation=90)
                    continue
                col = colors[j % len(colors)]
                if acc == 0:
                    ax.plot([x - width * 0.4, x + width * 0.4], [0.8, 0.8], color=col, lw=3,
                            solid_capstyle="butt")
                    ax.text(x, 2, "0", ha="center", va="bottom", fontsize=6, color=col)
                else:
                    ax.bar(x, 100 * acc, width=width, color=col, hatch=hatch or None,
                           edgecolor="white" if hatch else col, lw=0)
                if show_verdicts:
                    ax.text(x, min(100 * acc, 100) + (7 if acc == 0 else 1), mark, ha="center",
                            va="bottom", fontsize=6, weight="bold",
                            color="#b00000" if v == "no" else "black")
        ax.set_ylim(0, 112)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_ylabel("% strings right", fontsize=8)
        title = f"bin {b + 1}" + (f": lengths {bounds['min_length']}–{bounds['max_length']}"
                                  if bounds and "min_length" in bounds else "")
        ax.set_title(title, fontsize=9, pad=14 if b == 0 else 6)
        ax.axhline(90, color="grey", lw=0.6, ls="--")
        for i in range(1, len(langs)):
            if group_of[langs[i]] != group_of[langs[i - 1]]:
                ax.axvline(i - 0.5, color="black", lw=0.8)
    top = axes[0][0]
    for g in dict.fromkeys(group_of[l] for l in langs):
        idx = [i for i, l in enumerate(langs) if group_of[l] == g]
        top.text((idx[0] + idx[-1]) / 2, 113, g or "other", ha="center", va="bottom", fontsize=8,
                 style="italic", clip_on=False)
    axes[-1][0].set_xticks(range(len(langs)))
    axes[-1][0].set_xticklabels(langs, rotation=60, ha="right", fontsize=8)
    handles = [Patch(color=colors[j % len(colors)], label=c) for j, c in enumerate(cells_used)]
    if show_verdicts:
        handles += [Patch(fc="white", ec="black", label="Y: predicted yes"),
                    Patch(fc="0.6", hatch="////", ec="white", label="N (hatched): predicted no"),
                    Patch(fc="white", ec="white", label="U: unbounded precision; ?: unknown")]
    handles += [Patch(fc="white", ec="white", label="0: measured 0 %;  n/a: not measured")]
    ncol = max(1, min(len(handles), int(fig.get_figwidth() // 2.4)))
    fig.legend(handles=handles, loc="upper center", ncol=ncol, fontsize=7, frameon=False)
    top_frac = 1 - (0.3 + 0.2 * (-(-len(handles) // ncol))) / fig.get_figheight()
    fig.tight_layout(rect=(0, 0, 1, top_frac))
    fig.savefig(path, dpi=120)
    plt.close(fig)
