"""Seeds as statistics: per (language, cell) the best of k seeds, the mean and spread, the fraction
of seeds that solve it, and agreement read both ways.

Per seed, the seed's run is the best of its grid points (widths × learning rates) by bin-1
accuracy, then training accuracy (:func:`ssm.experiments.selection.select_best`'s rule); failed
runs and runs without a bin 2 count as not solving. Over the ``k`` seeds of a cell:

- ``best``: the best-of-k run, picked on bin 1 only (the paper's rule), and its bin-2 accuracy;
- ``mean`` / ``std``: mean and (population) standard deviation of bin-2 accuracy over seeds;
- ``solved``: how many seeds reach bin-2 accuracy ≥ :data:`THRESHOLD` (``fraction`` = solved / k).

:func:`majority_agreement` reads "observed" as *more than half of the seeds solve*, beside the
best-of-k reading of :func:`ssm.experiments.agreement.agreement`; :func:`agreement_by_family`
splits either one into the verdict families, each taken alone.

>>> rows = [{"language": "p", "cell": "c", "seed": s, "error": None, "train_string_accuracy": 1.0,
...          "bins": [{"string_accuracy": 1.0}, {"string_accuracy": a}]}
...         for s, a in enumerate((1.0, 0.95, 0.2))]
>>> st = seed_statistics(rows)[("p", "c")]
>>> st["n_seeds"], st["solved"], round(st["mean"], 3), round(st["std"], 3)
(3, 2, 0.717, 0.366)
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Iterable, Mapping

from ssm.experiments.agreement import THRESHOLD, agreement, decide, tally, verdicts
from ssm.experiments.grid import get_cell
from ssm.experiments.selection import bin_accuracy, select_best

__all__ = ["seed_statistics", "majority_agreement", "agreement_by_family", "grid_statistics"]


def seed_statistics(rows: Iterable[dict], threshold: float = THRESHOLD) -> dict[tuple[str, str], dict[str, Any]]:
    """``(language, cell) -> {n_seeds, seeds, train, last_bin, best, best_bin2, mean, std,
    solved, fraction}``; ``seeds`` lists ``(seed, bin-2 accuracy or None)`` in seed order,
    ``train`` ``(seed, training string accuracy or None)`` and ``last_bin`` ``(seed, accuracy
    in the longest bin or None)`` for the same selected runs."""
    rows = list(rows)
    per_seed = select_best({**r, "cell": f"{r['cell']}\0{r.get('seed', 0)}"} for r in rows)
    seeds_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in rows:
        key = (r["language"], r["cell"])
        if r.get("seed", 0) not in seeds_of[key]:
            seeds_of[key].append(r.get("seed", 0))
    best = select_best(rows)
    out = {}
    for key, seeds in seeds_of.items():
        lang, cell = key
        accs, train, last = [], [], []
        for s in sorted(seeds):
            sel = per_seed.get((lang, f"{cell}\0{s}"))
            accs.append((s, None if sel is None else bin_accuracy(sel, 1)))
            train.append((s, None if sel is None else sel.get("train_string_accuracy")))
            last.append((s, bin_accuracy(sel, len(sel["bins"]) - 1)
                         if sel is not None and sel.get("bins") else None))
        vals = [0.0 if a is None else a for _, a in accs]   # a failed seed solves nothing
        mean = sum(vals) / len(vals)
        std = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals))
        solved = sum(v >= threshold for v in vals)
        b = best.get(key)
        out[key] = {"n_seeds": len(vals), "seeds": accs, "train": train, "last_bin": last, "best": b,
                    "best_bin2": None if b is None else bin_accuracy(b, 1),
                    "mean": mean, "std": std, "solved": solved, "fraction": solved / len(vals)}
    return out


def majority_agreement(stats: Mapping[tuple[str, str], Mapping[str, Any]],
                       verdict_map: Mapping[str, Mapping[str, dict]]) -> dict[str, Any]:
    """Agreement with "observed" = more than half of the cell's seeds solve it (bin 2 ≥ 90 %)."""
    rows = []
    for (lang, cell), st in sorted(stats.items()):
        has_bin2 = any(a is not None for _, a in st["seeds"])
        row = decide(lang, cell, verdict_map, st["fraction"] > 0.5 if has_bin2 else None)
        row.update(mean=st["mean"], std=st["std"], solved=st["solved"], n_seeds=st["n_seeds"])
        rows.append(row)
    return {**tally(rows, THRESHOLD), "rule": "majority of seeds"}


def agreement_by_family(agree: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``family -> {agree, disagree, undecided, rate}`` from an agreement dict's cells."""
    out: dict[str, dict[str, Any]] = {}
    for c in agree["cells"]:
        fam = c.get("family") or get_cell(c["cell"]).family
        d = out.setdefault(fam, {"agree": 0, "disagree": 0, "undecided": 0})
        d["agree" if c["agrees"] is True else "disagree" if c["agrees"] is False else "undecided"] += 1
    for d in out.values():
        n = d["agree"] + d["disagree"]
        d["rate"] = d["agree"] / n if n else None
    return dict(sorted(out.items()))


def grid_statistics(rows: Iterable[dict]) -> dict[str, Any]:
    """Everything the report needs from a grid's rows: ``best`` (per cell), ``verdicts`` (per
    language), ``agreement`` (best-of-k), ``stats`` (per cell, over seeds), ``majority`` and
    ``by_family`` (``{"best of k seeds": ..., "majority of seeds": ...}``) and ``seed_rows``
    (the stats as JSON-ready rows)."""
    rows = list(rows)
    best = select_best(rows)
    verdict_map = {lang: verdicts(lang) for lang in dict.fromkeys(lang for lang, _ in best)}
    agree = agreement(best, verdict_map)
    stats = seed_statistics(rows)
    major = majority_agreement(stats, verdict_map)
    seed_rows = [{"language": lang, "cell": cell, **{k: v for k, v in st.items() if k != "best"}}
                 for (lang, cell), st in stats.items()]
    return {"best": best, "verdicts": verdict_map, "agreement": agree, "stats": stats,
            "seed_rows": seed_rows,
            "majority": major, "by_family": {"best of k seeds": agreement_by_family(agree),
                                             "majority of seeds": agreement_by_family(major)}}
