"""Rendering of :mod:`analyses.reproduce` results: ``runs.csv``, ``table.md`` and ``figure.png``.

Rows are the per-run dicts of :func:`analyses.reproduce.run_jobs`; ``best`` maps
``(language, cell)`` to the selected row; ``verdict_map`` maps language -> model family ->
``{"label", "status", "layers", ...}``; ``agree`` is :func:`analyses.reproduce.agreement`'s dict.

>>> pct(0.9876), pct(None)
('98.8', '–')
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from analyses.paper_results import paper_cell
from automata.atomic_io import atomic_open, atomic_write_bytes, atomic_write_text

__all__ = ["bin_accuracy", "pct", "write_csv", "write_table", "write_figure", "seed_cell",
           "agreement_lines", "write_spread_figure", "disagreement_lines", "write_matrix",
           "MATRIX_ABOVE", "write_outputs"]


def bin_accuracy(row: Mapping[str, Any], i: int) -> float | None:
    """String accuracy of the row's ``i``-th evaluation bin (0-based), or ``None``."""
    return row["bins"][i]["string_accuracy"] if i < len(row["bins"]) else None


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _save_png(fig, path: Path, **kw) -> None:
    """``fig.savefig`` written atomically."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **kw)
    atomic_write_bytes(path, buf.getvalue())


def write_csv(rows: Sequence[dict], path: Path, selected: set[str]) -> None:
    splits: list[str] = []
    for r in rows:
        for b in r["bins"]:
            if b["split"] not in splits:
                splits.append(b["split"])
    cols = ["run_id", "language", "group", "cell", "arch", "gate", "layers", "width", "lr", "seed",
            "task", "steps", "epochs", "seconds", "stopped", "train_string_accuracy",
            *(f"acc_{s}" for s in splits), "selected", "error", "out"]
    with atomic_open(path, "w") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            d = {**r, "selected": r["run_id"] in selected}
            for b in r["bins"]:
                d[f"acc_{b['split']}"] = b["string_accuracy"]
            w.writerow(d)


def seed_cell(st: Mapping[str, Any] | None) -> str:
    """``mean ± std (solved/k)`` of bin-2 accuracy over seeds, in %.

    >>> seed_cell({"mean": 0.5, "std": 0.25, "solved": 1, "n_seeds": 3})
    '50.0 ± 25.0 (1/3)'
    """
    if not st:
        return "–"
    return f"{100 * st['mean']:.1f} ± {100 * st['std']:.1f} ({st['solved']}/{st['n_seeds']})"


def agreement_lines(rules: Mapping[str, tuple[Mapping[str, Any], Mapping[str, Mapping[str, Any]]]]
                    ) -> list[str]:
    """Markdown table of agreement: one column per reading (``name -> (agreement dict,
    per-family counts)``, e.g. best-of-k and majority of seeds), one row for all families and
    one per family taken alone."""
    def rate(d):
        n = d["agree"] + d["disagree"]
        return f"{d['agree']}/{n}" + (f" ({100 * d['agree'] / n:.1f} %)" if n else "")

    names = list(rules)
    lines = ["", "| agreement | " + " | ".join(names) + " |", "|---|" + "---|" * len(names),
             "| all families | " + " | ".join(rate(rules[n][0]) for n in names) + " |"]
    for fam in sorted({f for _, fams in rules.values() for f in fams}):
        lines.append(f"| {fam} | " + " | ".join(
            rate(rules[n][1][fam]) if fam in rules[n][1] else "–" for n in names) + " |")
    return lines + [""]


def disagreement_lines(disagreements: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown section listing every disagreeing cell with what was checked and the reading
    (:func:`ssm.experiments.disagreements.read_disagreements`).

    >>> d = {"language": "p", "cell": "c", "verdict": "yes", "best_of_k_agrees": False,
    ...      "majority_agrees": False, "fits_train": 0, "longest": 100, "deeper": [],
    ...      "peers": [("lstm-L1", 3, 3)], "reading": "capacity", "evidence": "e",
    ...      "seeds": [{"seed": 0, "train": 0.5, "bin2": 0.1, "last_bin": 0.0}]}
    >>> disagreement_lines([d])[-1]
    '| p | c | yes | no / no | 50 | 10 | 0/1 | – | lstm-L1 3/3 | capacity: e |'
    """
    from ssm.experiments.disagreements import reading_counts

    if not disagreements:
        return ["", "## Disagreements", "", "None: every decided cell agrees by both readings.", ""]
    counts = reading_counts(disagreements)
    lines = ["", "## Disagreements, with what was checked", "",
             f"{len(disagreements)} cells disagree by best-of-k or by majority of seeds. "
             "Reading, by one rule for every cell (`ssm.experiments.disagreements`): "
             + "; ".join(f"{n} {r}" for r, n in counts.items() if n) + ". "
             "*fit*: seeds reaching 90 % on their own training strings; *deeper*: the same "
             "architecture and gate with more layers in this sweep (seeds solving / seeds); "
             "*peers*: other cells with a yes verdict that solve the language by majority.", "",
             "| language | cell | verdict | agrees (best-of-k / majority) | train % per seed | "
             "bin 2 % per seed | fit | deeper | peers | reading |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    if any(d.get("checks") for d in disagreements):
        lines[-4] += (" The follow-up checks (`--check-disagreements`) reran each yes cell's "
                      "best-of-k run at width 64 and with 3x the epochs; their bin 2 is in the "
                      "evidence, and a check that solves the cell sets the reading.")

    def yn(a):
        return "–" if a is None else ("yes" if a else "no")

    def per_seed(d, key):
        return " / ".join("–" if s[key] is None else f"{100 * s[key]:.0f}" for s in d["seeds"])

    def listed(entries):
        return ", ".join(f"{c} {s}/{k}" for c, s, k in entries) or "–"

    for d in disagreements:
        lines.append(f"| {d['language']} | {d['cell']} | {d['verdict']} | "
                     f"{yn(d['best_of_k_agrees'])} / {yn(d['majority_agrees'])} | "
                     f"{per_seed(d, 'train')} | {per_seed(d, 'bin2')} | "
                     f"{d['fits_train']}/{len(d['seeds'])} | {listed(d['deeper'])} | "
                     f"{listed(d['peers'])} | {d['reading']}: {d['evidence']} |")
    return lines


def write_table(best, verdict_map, agree, path: Path, preset: Any, command: str,
                cells: Mapping[str, Any], stats: Mapping | None = None,
                majority: Mapping[str, Any] | None = None,
                by_family: Mapping[str, Mapping] | None = None,
                disagreements: Sequence[Mapping[str, Any]] | None = None) -> None:
    # by_family: {"best of k seeds": per-family counts of agree, "majority of seeds": of majority}
    """The markdown table: per language and cell, verdict, train and bin accuracies, the paper's
    numbers and whether verdict and observation agree; then the agreement counts. With seed
    ``stats`` (:func:`ssm.experiments.seed_statistics`) a column gives bin 2 over seeds
    (mean ± std, seeds solving) and the agreement is also read by majority of seeds and per
    family."""
    langs = list(dict.fromkeys(lang for lang, _ in best))
    multi = bool(stats) and any(st["n_seeds"] > 1 for st in stats.values())
    lines = [f"# Predicted vs observed: preset `{preset.name}`", "",
             f"Command: `{command}`", "",
             f"{preset.description}. Observed: % of test strings fully right in the selected run "
             "(best bin-1 accuracy of the cell's grid), per evaluation bin. Paper: Sarrof et al. "
             "2024's reported bin 1 / bin 2 (/ bin 3) (Transformer: Bhattamishra et al. 2020). "
             "Verdict: `automata.classify` for the cell's model family.", "",
             "| language | group | model | verdict | train (%) | observed bin 1 / 2 / 3 (%) | "
             + ("bin 2 over seeds: mean ± std (solved) | majority agrees | " if multi else "")
             + "paper (%) | agrees |",
             "|---|---|---|---|---|---|---|---|" + ("---|---|" if multi else "")]
    major = {(c["language"], c["cell"]): c["agrees"] for c in (majority or {}).get("cells", [])}
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
            extra = ""
            if multi:
                m = major.get((lang, cell))
                extra = (f"{seed_cell(stats.get((lang, cell)))} | "
                         f"{'–' if m is None else ('yes' if m else '**no**')} | ")
            lines.append(f"| {lang} | {r.get('group') or '–'} | {cell} | {v} | "
                         f"{pct(r.get('train_string_accuracy'))} | {obs} | {extra}"
                         f"{pc.text if pc else '–'} | {'–' if a is None else ('yes' if a else '**no**')} |")
    rate = "n/a" if agree["rate"] is None else f"{100 * agree['rate']:.1f} %"
    lines += ["", f"Agreement (verdict yes & bin-2 ≥ {100 * agree['threshold']:.0f} %, or verdict no & "
              f"bin-2 < {100 * agree['threshold']:.0f} %): {agree['agree']} of "
              f"{agree['agree'] + agree['disagree']} decided cells ({rate}); "
              f"{agree['disagree']} disagree; {agree['undecided']} undecided cells (no yes/no "
              "verdict, no bin 2, or a yes stated only for more layers than the cell has).", ""]
    if by_family:
        readings = list(by_family.items())
        rules = {readings[0][0]: (agree, readings[0][1])}
        if multi and majority is not None and len(readings) > 1:
            rules[readings[1][0]] = (majority, readings[1][1])
        lines += agreement_lines(rules)
    if disagreements is not None:
        lines += disagreement_lines(disagreements)
    atomic_write_text(path, "\n".join(lines))


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
    _save_png(fig, path, dpi=120)
    plt.close(fig)


def write_spread_figure(stats: Mapping[tuple[str, str], Mapping[str, Any]], path: Path,
                        threshold: float = 0.9, stacked_above: int = 60) -> None:
    """Bin-2 accuracy of every seed (dots), their mean (bar) and the best-of-k pick (ring) per
    language and cell; dashed line at the solving threshold. Above ``stacked_above``
    (language, cell) pairs, one panel per cell, stacked (side by side they would be too wide)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    langs = list(dict.fromkeys(lang for lang, _ in stats))
    cells = list(dict.fromkeys(c for _, c in stats))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    stacked = len(stats) > stacked_above
    groups = [[c] for c in cells] if stacked else [cells]
    if stacked:
        fig, axes = plt.subplots(len(groups), 1, figsize=(max(6.0, 0.32 * len(langs) + 1.5),
                                                          0.6 + 1.45 * len(groups)),
                                 sharex=True, squeeze=False)
    else:
        fig, axes = plt.subplots(figsize=(max(6.0, 0.3 * len(langs) * max(2, len(cells))), 3.6),
                                 squeeze=False)
    for ax, group in zip(axes[:, 0], groups):
        width = 0.8 / max(1, len(group))
        for j, cell in enumerate(group):
            col = colors[cells.index(cell) % len(colors)]
            for i, lang in enumerate(langs):
                st = stats.get((lang, cell))
                if st is None:
                    continue
                x = i + (j - (len(group) - 1) / 2) * width
                ax.bar(x, 100 * st["mean"], width=width, color=col, alpha=0.35)
                ys = [100 * (a or 0.0) for _, a in st["seeds"]]
                ax.scatter([x] * len(ys), ys, s=9, color=col, zorder=3)
                if st["best_bin2"] is not None:
                    ax.scatter([x], [100 * st["best_bin2"]], s=40, facecolors="none",
                               edgecolors="black", linewidths=0.8, zorder=4)
        ax.axhline(100 * threshold, color="grey", lw=0.6, ls="--")
        ax.set_ylim(-3, 105)
        if stacked:
            ax.set_yticks([0, 50, 100])
            ax.set_ylabel(group[0], fontsize=7, rotation=0, ha="right", va="center")
        else:
            ax.set_ylabel("bin 2: % strings right", fontsize=8)
    bottom = axes[-1, 0]
    bottom.set_xticks(range(len(langs)))
    bottom.set_xticklabels(langs, rotation=60, ha="right", fontsize=8)
    title = "every seed (dots), mean over seeds (bar), best-of-k by bin 1 (ring)"
    if stacked:
        axes[0, 0].set_title(title + "; bin 2, % strings right", fontsize=9)
        fig.tight_layout()
    else:
        axes[0, 0].set_title(title, fontsize=9)
        handles = [plt.Rectangle((0, 0), 1, 1, color=colors[j % len(colors)])
                   for j in range(len(cells))]
        fig.legend(handles, cells, loc="upper center", ncol=min(6, len(cells)), fontsize=8,
                   frameon=False, bbox_to_anchor=(0.5, 1.0))
        fig.tight_layout(rect=(0, 0, 1, 0.9))
    _save_png(fig, path, dpi=120)
    plt.close(fig)


#: Above this many (language, cell) pairs figure.png is a matrix (languages x cells, one panel
#: per bin) instead of grouped bars, which would be too wide to read.
MATRIX_ABOVE = 60


def write_matrix(best: dict, agree: dict, path: Path) -> None:
    """figure.png of a large grid: the matrix of :mod:`analyses.groups_figure`, one panel per
    evaluation bin, disagreements outlined in bin 2 (where agreement is read)."""
    from analyses.groups_figure import frontier_matrix, write_matrix_figure

    summary = {"selected": list(best.values()), "agreement": agree}
    n_bins = max(len(r["bins"]) for r in best.values())
    panels = []
    for b in range(n_bins):
        bounds = next((r["bins"][b] for r in best.values() if len(r["bins"]) > b), {})
        span = (f": {bounds['min_length']}–{bounds['max_length']}" if "min_length" in bounds
                else "")
        m = frontier_matrix(summary, b)
        if b != 1:                            # agreement is read on bin 2: outline it there only
            m["agrees"] = {}
        panels.append((f"bin {b + 1}{span}", m))
    write_matrix_figure(panels, path, "best-of-k run: % strings right, verdict mark (Y yes, N no, "
                        "U unbounded precision only, ? unknown; Y* yes only for more layers; – empty bin); red outline in bin 2: "
                        "verdict and observation disagree")


def write_outputs(rows: Sequence[dict], out: Path, preset: Any, command: str = "",
                  checks: dict[str, Sequence[dict]] | None = None) -> dict[str, Any]:
    """Write runs.csv, table.md, figure.png (figure_seeds.png with several seeds) and
    summary.json; return the summary. ``checks``: the follow-up runs of
    :mod:`ssm.experiments.followup` (check name -> rows), attached to the disagreements."""
    from ssm.experiments import get_cell, grid_statistics, read_disagreements

    g = grid_statistics(rows)
    best, agree, stats, major = g["best"], g["agreement"], g["stats"], g["majority"]
    write_csv(rows, out / "runs.csv", {r["run_id"] for r in best.values()})
    cells = {r["cell"]: get_cell(r["cell"]) for r in rows}
    gaps = read_disagreements(rows, g["verdicts"], stats=stats)
    if checks:
        from ssm.experiments.followup import attach_checks

        attach_checks(gaps, checks)
    write_table(best, g["verdicts"], agree, out / "table.md", preset, command, cells, stats=stats,
                majority=major, by_family=g["by_family"], disagreements=gaps)
    if best and len(best) > MATRIX_ABOVE:
        write_matrix(best, agree, out / "figure.png")
    elif best:
        write_figure(best, out / "figure.png", g["verdicts"], cells)
    if any(st["n_seeds"] > 1 for st in stats.values()):
        write_spread_figure(stats, out / "figure_seeds.png")
    summary = {"preset": preset.name, "n_runs": len(rows),
               "n_failed": sum(1 for r in rows if r.get("error")), "agreement": agree,
               "agreement_majority": major, "agreement_by_family": g["by_family"],
               "seeds": g["seed_rows"], "disagreements": gaps,
               "selected": [{k: v for k, v in r.items() if k != "_score"} for r in best.values()]}
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=1) + "\n")
    return summary
