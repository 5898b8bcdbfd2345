"""Aggregate probing reports of one setup trained with several seeds: mean and interval.

Protocol item 9 asks for intervals over model seeds, not only over strings. Every numeric
figure of the per-seed reports (each row of ``sites`` keyed by (site, target), ``causal`` by
site, ``interchange`` by (layer, bin), ``mdl`` by site) is collected across seeds and reported
as ``{mean, sd, low, high, n, values}``; ``[low, high]`` is the two-sided 95 % Student-t
interval of the mean (``mean ± t_{0.975, n-1} · sd / sqrt(n)``; with n = 3, t = 4.30), not
clipped (an accuracy's interval can pass 100 % when seeds disagree). A
figure missing from some seed (e.g. an empty stratum) is aggregated over the seeds that have
it (``n`` says how many).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from scipy.stats import t as student_t

from automata.atomic_io import atomic_write_text
from ssm.architectures import family_of

from .errors import ProbingError
from .report import dumps

__all__ = ["expand_runs", "aggregate_reports", "render_aggregate", "summary", "SECTIONS",
           "write_aggregate"]

#: section -> the fields that identify a row across seeds
SECTIONS = {"sites": ("site", "target"), "causal": ("site",),
            "interchange": ("layer", "bin"), "mdl": ("site",)}
_SKIP = {"probe", "mlp", "layer", "projected_from", "rank", "n_pairs"}


def expand_runs(paths: Sequence[str | Path]) -> list[Path]:
    """Run directories: each path is one, or (a reproduce directory) holds them one level down."""
    runs: list[Path] = []
    for p in map(Path, paths):
        if (p / "config.json").is_file():
            runs.append(p)
        elif p.is_dir():
            kids = sorted(d for d in p.iterdir()
                          if (d / "config.json").is_file() and (d / "checkpoint.pt").is_file())
            if not kids:
                raise ProbingError(f"{p} is neither a run directory nor holds any")
            runs += kids
        else:
            raise ProbingError(f"{p} is not a directory")
    if len(runs) < 2:
        raise ProbingError(f"--runs needs at least 2 run directories (seeds), got {len(runs)}")
    if len(set(map(str, runs))) != len(runs):
        raise ProbingError("--runs lists a run directory twice")
    return runs


def summary(values: Iterable[float]) -> dict[str, Any]:
    """Mean, sd, 95 % t-interval of the mean.

    >>> s = summary([0.9, 1.0, 0.95])
    >>> round(s["mean"], 3), s["n"], s["low"] < 0.95 < s["high"]
    (0.95, 3, True)
    """
    v = np.array([x for x in values if x is not None and np.isfinite(x)], dtype=float)
    if not len(v):
        return {"mean": None, "sd": None, "low": None, "high": None, "n": 0, "values": []}
    m = float(v.mean())
    if len(v) == 1:
        return {"mean": m, "sd": None, "low": None, "high": None, "n": 1, "values": v.tolist()}
    sd = float(v.std(ddof=1))
    h = float(student_t.ppf(0.975, len(v) - 1) * sd / np.sqrt(len(v)))
    return {"mean": m, "sd": sd, "low": m - h, "high": m + h, "n": int(len(v)),
            "values": v.tolist()}


def _leaves(d: Any, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            if k in _SKIP:
                continue
            out.update(_leaves(v, f"{prefix}{k}."))
    elif isinstance(d, bool):
        out[prefix[:-1]] = float(d)
    elif isinstance(d, (int, float)) and d is not None:
        out[prefix[:-1]] = float(d)
    return out


def _check_same_setup(reports: list[dict[str, Any]]) -> None:
    first = reports[0]
    for r in reports[1:]:
        if r["language"] != first["language"] or r["model"] != first["model"]:
            raise ProbingError(f"runs differ in more than the seed: {first['run_dir']} "
                               f"({first['language']}, {first['model'].get('arch')}) vs "
                               f"{r['run_dir']} ({r['language']}, {r['model'].get('arch')})")


def aggregate_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Every numeric figure of ``reports`` (one per seed) as mean and interval."""
    if len(reports) < 2:
        raise ProbingError("aggregating over seeds needs at least 2 reports")
    _check_same_setup(reports)
    out: dict[str, Any] = {"language": reports[0]["language"], "model": reports[0]["model"],
                           "n_seeds": len(reports), "runs": [r["run_dir"] for r in reports]}
    for section, keys in SECTIONS.items():
        groups: dict[tuple, list[dict[str, float]]] = {}
        for rep in reports:
            for row in rep.get(section) or []:
                groups.setdefault(tuple(row.get(k) for k in keys), []).append(_leaves(row))
        rows = []
        for key, leaves in groups.items():
            names = sorted({n for lv in leaves for n in lv})
            rows.append({**dict(zip(keys, key)),
                         "figures": {n: summary(lv.get(n) for lv in leaves) for n in names}})
        out[section] = rows
    return out


def _cell(fig: dict[str, Any] | None) -> str:
    if not fig or fig["mean"] is None:
        return "–"
    if fig["low"] is None:
        return f"{100 * fig['mean']:.1f}"
    return f"{100 * fig['mean']:.1f} [{100 * fig['low']:.1f}, {100 * fig['high']:.1f}]"


def render_aggregate(agg: dict[str, Any]) -> str:
    """Markdown: headline figures with mean [95 % t-interval] over seeds (in %)."""
    m = agg["model"]
    lines = [f"# Probing over {agg['n_seeds']} seeds: {agg['language']}", "",
             f"Model {m['arch']} (verdict family {family_of(m)}), {m['layers']} layers, width "
             f"{m['width']}. Mean [95 % t-interval over seeds], in %. Runs: "
             + ", ".join(f"`{r}`" for r in agg["runs"]) + ".", ""]
    rows = [r for r in agg["sites"] if r["target"] == "state"] or agg["sites"]
    if rows:
        bins = list(dict.fromkeys(n.split(".")[1] for r in rows for n in r["figures"]
                                  if n.startswith("by_bin.") and n.endswith(".nonlocal_accuracy")))
        head = ["site", "target", "accuracy", "nonlocal"] + [f"{b} nonlocal" for b in bins] + \
               ["untrained nonlocal", "control", "selectivity"]
        lines += ["## Probes", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in rows:
            f = r["figures"]
            cells = [r["site"], r["target"], _cell(f.get("accuracy")),
                     _cell(f.get("nonlocal_accuracy"))]
            cells += [_cell(f.get(f"by_bin.{b}.nonlocal_accuracy")) for b in bins]
            cells += [_cell(f.get("untrained_nonlocal_accuracy")),
                      _cell(f.get("control_accuracy")), _cell(f.get("selectivity"))]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if agg["interchange"]:
        lines += ["## Interchange interventions", "",
                  "| layer | bin | counterfactual acc. | base acc. after patch | same-state | "
                  "random direction (counterfactual / base) |", "|---|---|---|---|---|---|"]
        for r in agg["interchange"]:
            f = r["figures"]
            lines.append(f"| {r['layer']} | {r['bin']} | {_cell(f.get('counterfactual_accuracy'))}"
                         f" | {_cell(f.get('different_base_accuracy'))} | "
                         f"{_cell(f.get('same_state_accuracy'))} | "
                         f"{_cell(f.get('random_counterfactual_accuracy'))} / "
                         f"{_cell(f.get('random_base_accuracy'))} |")
        lines.append("")
    if agg["causal"]:
        lines += ["## Mean-ablation of the probe subspace", "",
                  "| site | Δ position acc. (probe) | Δ (random) |", "|---|---|---|"]
        for r in agg["causal"]:
            f = r["figures"]
            lines.append(f"| {r['site']} | {_cell(f.get('delta_position_accuracy_probe'))} | "
                         f"{_cell(f.get('delta_position_accuracy_random'))} |")
        lines.append("")
    if agg["mdl"]:
        lines += ["## MDL (online code)", "",
                  "| site | codelength (bits) | compression | control compression |",
                  "|---|---|---|---|"]
        for r in agg["mdl"]:
            f = r["figures"]

            def raw(x):
                return "–" if not x or x["mean"] is None else f"{x['mean']:.1f}" + (
                    "" if x["low"] is None else f" [{x['low']:.1f}, {x['high']:.1f}]")
            lines.append(f"| {r['site']} | {raw(f.get('codelength_bits'))} | "
                         f"{raw(f.get('compression'))} | {raw(f.get('control.compression'))} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_aggregate(report_dirs: Sequence[str | Path], out_dir: str | Path) -> dict[str, Any]:
    """Read ``report.json`` of every directory; write ``seeds.json`` and ``seeds.md``."""
    reports = []
    for d in report_dirs:
        p = Path(d) / "report.json"
        if not p.is_file():
            raise ProbingError(f"{d} holds no report.json")
        reports.append(json.loads(p.read_text()))
    agg = aggregate_reports(reports)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "seeds.json", dumps(agg) + "\n")
    atomic_write_text(out / "seeds.md", render_aggregate(agg))
    return agg
