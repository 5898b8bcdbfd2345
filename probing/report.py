"""Write a probing run: ``report.json``, ``report.md``, plots, weights, predictions and splits.

Files in the output directory:

``report.json``
    Everything measured (rows per (site, target), baselines, controls, causal check, strata,
    split sizes, options and seeds). Deterministic: a rerun on CPU writes the same file.
``report.md``
    Tables: accuracy per site and layer beside baselines and controls, by length bin;
    the causal check; per-state confusion matrices.
``probes.npz``
    Probe weights: ``{site}/{target}/{coef,intercept,mean,scale,classes}``.
``predictions.npz``
    Per-position ``string_id``, ``position``, ``length``, strata masks, ``labels/{target}`` and
    ``pred/{site}/{target}`` (-1 where the position is not evaluated).
``splits.json`` and ``strings.jsonl``
    The split (string indices per role and bin) and every probing string with its role.
``timing.json``
    Wall-clock seconds (kept apart so ``report.json`` stays reproducible).
``plots/*.png``
    Accuracy vs layer (with baselines), vs position and vs length (training range shaded),
    and confusion matrices of the ``state`` target.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from automata.atomic_io import atomic_open, atomic_write_bytes, atomic_write_text
from ssm.architectures import family_of, get_architecture

__all__ = ["write_report", "render_markdown", "write_calibration", "render_comparison",
           "comparison_rows", "write_comparison"]


def _save_png(fig, path: Path, **kw) -> None:
    """``fig.savefig`` written atomically (a crash never leaves half a PNG)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **kw)
    atomic_write_bytes(path, buf.getvalue())


def _fmt(x: Any) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _fmt_ci(x: Any, ci: Any) -> str:
    """``acc [lo, hi]`` in percent; the interval is the string-level bootstrap (95 %)."""
    return _fmt(x) if not ci else f"{_fmt(x)} [{_fmt(ci[0])}, {_fmt(ci[1])}]"


def _finish(fig, ax, pdir, name: str, xlabel: str, ylabel: str, title: str,
            legend_size: int = 6, integer_x: bool = False) -> str:
    """Label an accuracy plot (y in [0, 1], shown in %), save it as ``pdir/name``, close it;
    its report path. ``integer_x``: only whole numbers on the x axis (layers, positions)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.grid(alpha=0.25)
    ax.legend(fontsize=legend_size)
    fig.tight_layout()
    _save_png(fig, pdir / name, dpi=90)
    plt.close(fig)
    return f"plots/{name}"


def _json_default(o: Any):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON-serializable: {type(o).__name__}")


def dumps(obj: Any) -> str:
    """Deterministic JSON (NaN becomes null)."""
    def clean(o):
        if isinstance(o, float) and not np.isfinite(o):
            return None
        if isinstance(o, dict):
            return {str(k): clean(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [clean(v) for v in o]
        return o
    return json.dumps(clean(json.loads(json.dumps(obj, default=_json_default))), indent=1)


def render_markdown(report: dict[str, Any]) -> str:
    """The human-readable report."""
    m = report["model"]
    data = report["data"]
    bins = list(data["split"]["bin_ranges"])
    longer = [b for b in bins if b != "in_range"]
    lines = [f"# Probing report: {report['language']} ({report.get('paper_group') or 'no paper group'})",
             "",
             f"Model: {m['arch']} (verdict family {family_of(m)}), {m['layers']} layers, width {m['width']}"
             f" (run `{report['run_dir']}`, task {report['task']}). Probe seed "
             f"{report['options']['seed']}, untrained seed {report['options']['untrained_seed']}.",
             "",
             f"Strings: {data['n_strings']}, positions: {data['n_positions']}; training range "
             f"{data['split']['train_range']}; bins: "
             + ", ".join(f"{b} {data['split']['bin_ranges'][b]}" for b in bins)
             + f". Strata (positions): non-local {data['strata']['nonlocal']}, far "
             f"{data['strata']['far']}, unseen prefix "
             f"{data['strata']['unseen_prefix']}.",
             "",
             "Accuracies in %, on held-out strings. *nonlocal*: positions whose last ≤ 3 tokens "
             "do not fix the state (headline); *far*: ≥ 10 tokens since the state was last fixed "
             "that way; *unseen*: prefixes absent from probe training; "
             "*control*: Hewitt–Liang control task (random labels keyed on the last "
             f"{report['options']['control_k']} tokens); *sel.* = accuracy − control.", ""]
    targets = list(report["baselines"])
    for t in targets:
        rows = [r for r in report["sites"] if r["target"] == t]
        lines += [f"## Target `{t}`", ""]
        head = ["site", "acc", "nonlocal [95 % CI]", "far", "unseen"] + [f"{b} (nonlocal, far)" for b in longer] + \
               ["untrained", "control", "sel.", "random DFA (its nonlocal / majority)", "shuffled",
                "C", "conv."]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for r in rows:
            cells = [r["site"], _fmt(r["accuracy"]),
                     _fmt_ci(r["nonlocal_accuracy"], r.get("nonlocal_accuracy_ci")),
                     _fmt(r.get("far_accuracy")), _fmt(r["unseen_prefix_accuracy"])]
            for b in longer:
                bb = r["by_bin"][b]
                cells.append(f"{_fmt(bb['accuracy'])} ({_fmt(bb['nonlocal_accuracy'])}, "
                             f"{_fmt(bb.get('far_accuracy'))})")
            cells += [f"{_fmt(r['untrained_accuracy'])} ({_fmt(r.get('untrained_far_accuracy'))} far)", _fmt(r["control_accuracy"]),
                      "–" if r["selectivity"] is None else f"{100 * r['selectivity']:+.1f}",
                      f"{_fmt(r['random_dfa_accuracy'])} ({_fmt(r.get('random_dfa_nonlocal_accuracy'))}"
                      f" / {_fmt(r.get('random_dfa_nonlocal_majority'))})",
                      _fmt(r["shuffled_accuracy"]),
                      f"{r['probe']['C']:g}" if r["probe"]["C"] == r["probe"]["C"] else "–",
                      "yes" if r["probe"]["converged"] else "**no**"]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "Baselines:", ""]
        head = ["baseline", "acc", "nonlocal", "far", "unseen"] + [f"{b} (nonlocal)" for b in longer]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for name, b in report["baselines"][t].items():
            cells = [name, _fmt(b["accuracy"]), _fmt(b["nonlocal_accuracy"]),
                     _fmt(b.get("far_accuracy")), _fmt(b["unseen_prefix_accuracy"])]
            cells += [f"{_fmt(b['by_bin'][x]['accuracy'])} ({_fmt(b['by_bin'][x]['nonlocal_accuracy'])})"
                      for x in longer]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += _interchange_lines(report)
    if report["causal"]:
        lines += ["## Causal check (target `state`)", "",
                  "Model task accuracy (%) with the probe's subspace mean-ablated vs an "
                  "equal-rank random subspace, on in-range test strings and the longest bin.", "",
                  "| site | rank | position acc | − probe subspace | − random subspace | "
                  "string acc | − probe | − random |", "|---|---|---|---|---|---|---|---|"]
        for c in report["causal"]:
            b, p, r = c["baseline"], c["probe_ablated"], c["random_ablated"]
            lines.append(f"| {c['site']} | {c['rank']} | {_fmt(b['position_accuracy'])} | "
                         f"{_fmt(p['position_accuracy'])} | {_fmt(r['position_accuracy'])} | "
                         f"{_fmt(b['string_accuracy'])} | {_fmt(p['string_accuracy'])} | "
                         f"{_fmt(r['string_accuracy'])} |")
        lines.append("")
    lines += _mdl_lines(report) + _inlp_lines(report)
    conf = [(k, v) for k, v in report["details"].items() if k.endswith("/state")]
    if conf:
        best = max(conf, key=lambda kv: kv[1]["metrics"]["in_range"]["accuracy"] or 0)
        lines += [f"## Per-state confusion, best site `{best[0].rsplit('/', 1)[0]}`", ""]
        for b in ("in_range", longer[-1] if longer else None):
            if b is None:
                continue
            mm = best[1]["metrics"][b]
            K = len(mm["confusion"])
            lines += [f"{b} (rows: true state, columns: predicted; balanced accuracy "
                      f"{_fmt(mm['balanced_accuracy'])}, macro-F1 {_fmt(mm['macro_f1'])}):", "",
                      "| true \\ pred | " + " | ".join(str(j) for j in range(K)) + " | recall |",
                      "|" + "---|" * (K + 2)]
            for i, row in enumerate(mm["confusion"]):
                lines.append(f"| {i} | " + " | ".join(str(v) for v in row)
                             + f" | {_fmt(mm['recall'][i])} |")
            lines.append("")
    bad = [f"{r['site']}/{r['target']}" for r in report["sites"] if not r["probe"]["converged"]]
    if bad:
        lines += ["Probes that did not converge (warnings recorded in report.json): "
                  + ", ".join(bad), ""]
    return "\n".join(lines) + "\n"


def _interchange_lines(report: dict[str, Any]) -> list[str]:
    """The headline causal check: interchange interventions on each layer's recurrent state."""
    rows = report.get("interchange") or []
    if not rows:
        why = report.get("interchange_skipped")
        return [f"Interchange interventions not run: {why}.", ""] if why else []
    lines = ["## Interchange interventions (headline causal check)", "",
             "Each layer's whole recurrent state after position t of a base string is replaced "
             "by the state after t of a source string in a *different* DFA state, and the rest "
             "of the base string is run. *Counterfactual acc.*: the later predictions equal the "
             "language's next sets from the source's state (positions where they differ from "
             "the base's); *same-state*: patched from a string in the same DFA state (should "
             "match unpatched); *random*: base state plus a random direction of the same norm "
             "as the different-state patch. Accuracies in %.", "",
             "| layer | bin | pairs | positions | counterfactual acc. (next position) | "
             "base acc. after patch | unpatched | same-state (unpatched) | "
             "random: counterfactual / base |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['layer']} | {r['bin']} | {r['n_pairs']} | {r['n_positions']} | "
            f"**{_fmt(r['counterfactual_accuracy'])}** ({_fmt(r['counterfactual_accuracy_next'])}) | "
            f"{_fmt(r['different_base_accuracy'])} | {_fmt(r['unpatched_base_accuracy'])} | "
            f"{_fmt(r['same_state_accuracy'])} ({_fmt(r['same_state_unpatched_accuracy'])}) | "
            f"{_fmt(r['random_counterfactual_accuracy'])} / {_fmt(r['random_base_accuracy'])} |")
    return lines + [""]


def _mdl_lines(report: dict[str, Any]) -> list[str]:
    rows = report.get("mdl") or []
    if not rows:
        return []
    lines = ["## MDL probe (online code, Voita & Titov 2020), target `state`", "",
             "Codelength of the probe-training labels sent block by block (first block "
             "uniform, then a linear probe trained on everything sent so far); compression = "
             "uniform / online. The control task is coded the same way.", "",
             "| site | rows | codelength (bits) | compression | control codelength | "
             "control compression | control − state (bits) |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        c = r["control"]
        lines.append(f"| {r['site']} | {r['n_rows']} | {r['codelength_bits']:.1f} | "
                     f"{r['compression']:.2f} | {c['codelength_bits']:.1f} | "
                     f"{c['compression']:.2f} | {r['selectivity_bits']:.1f} |")
    return lines + [""]


def _inlp_lines(report: dict[str, Any]) -> list[str]:
    rows = report.get("inlp") or []
    if not rows:
        return []
    lines = ["## Iterative nullspace projection (Ravfogel et al. 2020), target `state`", "",
             "Per iteration: rank of the removed subspace, the next probe's validation accuracy "
             "on the projected features, and the model's position accuracy with the subspace "
             "mean-ablated vs an equal-rank random subspace (in-range test + longest bin).", ""]
    for r in rows:
        lines += [f"`{r['site']}` (majority {_fmt(r['majority_val_accuracy'])}; stopped: "
                  f"{r['stopped']}):", "",
                  "| iteration | rank | probe val. acc. | model acc. | random subspace |",
                  "|---|---|---|---|---|"]
        for st in r["steps"]:
            rnd = st["random"]
            lines.append(f"| {st['iteration']} | {st['rank']} | {_fmt(st['probe_val_accuracy'])} "
                         f"| {_fmt(st['model']['position_accuracy'])} | "
                         f"{_fmt(rnd['position_accuracy']) if rnd else '–'} |")
        lines.append("")
    return lines


def _plots(report: dict[str, Any], out: Path) -> list[str]:
    """The PNGs: integer ticks where the axis counts (layers, positions), sample sizes where
    a point rests on few strings (fewer than ``few``: marked hollow and labelled ``n=``), the
    number of strings behind every length bin, and confusion matrices with their counts in
    every cell and a colour bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    few = 30                                           # strings: below, a point is flagged
    pdir = out / "plots"
    pdir.mkdir(exist_ok=True)
    written = []
    data = report["data"]
    lo, hi = data["split"]["train_range"]
    bin_ranges = data["split"]["bin_ranges"]
    n_strings = {b: len(ix) for b, ix in data["split"].get("bins", {}).items()}
    for t in report["baselines"]:
        rows = [r for r in report["sites"] if r["target"] == t]
        if not rows:
            continue
        # accuracy vs layer, one line per site kind, baselines as horizontal lines
        fig, ax = plt.subplots(figsize=(6, 4))
        kinds: dict[str, list] = {}
        for r in rows:
            kinds.setdefault(r["site"].rsplit(".", 1)[-1], []).append(r)
        layers = sorted({r["layer"] for r in rows})
        for kind, rs in sorted(kinds.items()):
            xs = [r["layer"] for r in rs]
            ax.plot(xs, [np.nan if r["nonlocal_accuracy"] is None else r["nonlocal_accuracy"]
                         for r in rs], "o-", label=f"{kind} (trained)")
            if rs[0]["untrained_accuracy"] is not None:
                ax.plot(xs, [np.nan if r["untrained_nonlocal_accuracy"] is None
                             else r["untrained_nonlocal_accuracy"] for r in rs], "x--",
                        label=f"{kind} (untrained)")
        for name, style in (("majority", ":"), ("kgram3", "-.")):
            v = report["baselines"][t][name]["nonlocal_accuracy"]
            if v is not None:
                ax.axhline(v, ls=style, color="gray", label=name)
        ax.set_xticks(layers)
        ax.set_xticklabels(["embed" if x < 0 else str(x) for x in layers])
        written.append(_finish(fig, ax, pdir, f"accuracy_vs_layer_{t}.png",
                               "layer (embed = embedding output)",
                               "accuracy, non-local in-range positions",
                               f"{report['language']}: {t} "
                               f"({n_strings.get('in_range', '?')} test strings)",
                               legend_size=7))
        # accuracy vs position, with the number of strings reaching each position
        fig, ax = plt.subplots(figsize=(6, 4))
        n = None
        for r in rows:
            det = report["details"][f"{r['site']}/{t}"]["by_position"]
            acc = np.array([np.nan if a is None else a for a in det["accuracy"]])
            n = np.array(det["n"])
            w = max(1, len(acc) // 100)                       # pool into <= ~100 points
            k = len(acc) // w * w
            num = np.nansum((np.nan_to_num(acc) * n)[:k].reshape(-1, w), 1)
            den = n[:k].reshape(-1, w).sum(1)
            with np.errstate(invalid="ignore"):
                ax.plot(np.arange(0, k, w) + w / 2, num / den, label=r["site"], lw=1)
        ax.axvspan(0, hi, color="green", alpha=0.08, label="training lengths")
        if n is not None and len(n):
            ax2 = ax.twinx()
            ax2.step(np.arange(len(n)), n, where="mid", color="0.5", lw=0.8, ls=":")
            ax2.set_ylabel("strings reaching position t (dotted)", fontsize=7, color="0.4")
            ax2.set_ylim(0, max(1, int(n.max())) * 1.05)
            ax2.tick_params(labelsize=7, colors="0.4")
            thin = np.flatnonzero((n > 0) & (n < few))
            if thin.size:
                ax.axvspan(thin[0], len(n), color="0.85", alpha=0.4,
                           label=f"< {few} strings per position")
        written.append(_finish(fig, ax, pdir, f"accuracy_vs_position_{t}.png", "position t",
                               "accuracy (held-out strings)", f"{report['language']}: {t} by position",
                               integer_x=True))
        # accuracy vs length bin, with the strings behind each bin
        fig, ax = plt.subplots(figsize=(6, 4))
        mids = [np.mean(bin_ranges[b]) for b in bin_ranges]
        for r in rows:
            ys = [np.nan if r["by_bin"][b]["nonlocal_accuracy"] is None
                  else r["by_bin"][b]["nonlocal_accuracy"] for b in bin_ranges]
            line, = ax.plot(mids, ys, "o-", label=r["site"])
            for x, y, b in zip(mids, ys, bin_ranges):
                if n_strings.get(b, few) < few and y == y:
                    ax.plot([x], [y], "o", color=line.get_color(), mfc="white")
        base = report["baselines"][t]["kgram3"]["by_bin"]
        ax.plot(mids, [np.nan if base[b]["nonlocal_accuracy"] is None
                       else base[b]["nonlocal_accuracy"] for b in bin_ranges], "k:",
                label="3-gram baseline")
        ax.axvspan(lo, hi, color="green", alpha=0.08, label="training lengths")
        ax.set_xscale("log")
        ax.set_xticks(mids)
        ax.set_xticklabels([f"{bin_ranges[b][0]}–{bin_ranges[b][1]}\nn={n_strings.get(b, '?')}"
                            for b in bin_ranges], fontsize=7)
        ax.minorticks_off()
        written.append(_finish(fig, ax, pdir, f"accuracy_vs_length_{t}.png",
                               f"string length bin (n = test strings; hollow: < {few})",
                               "accuracy, non-local positions",
                               f"{report['language']}: {t} by length"))
    for key, det in report["details"].items():
        site, t = key.rsplit("/", 1)
        if t != "state":
            continue
        names = list(det["metrics"])
        fig, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names) + 0.8, 3.2),
                                 squeeze=False)
        im = None
        for ax, b in zip(axes[0], names):
            counts = np.array(det["metrics"][b]["confusion"], dtype=float)
            K = counts.shape[0]
            c = counts / np.maximum(counts.sum(1, keepdims=True), 1)
            im = ax.imshow(c, vmin=0, vmax=1, cmap="Blues")
            if K <= 12:
                for i in range(K):
                    for j in range(K):
                        ax.text(j, i, f"{int(counts[i, j])}", ha="center", va="center",
                                fontsize=7 if K <= 6 else 5,
                                color="white" if c[i, j] > 0.6 else "black")
            ticks = np.arange(K) if K <= 12 else np.arange(0, K, max(1, K // 8))
            ax.set_xticks(ticks)
            ax.set_yticks(ticks)
            ax.tick_params(labelsize=7)
            ax.set_title(f"{b} (n={n_strings.get(b, '?')} strings)", fontsize=8)
            ax.set_xlabel("predicted state", fontsize=7)
            ax.set_ylabel("true state", fontsize=7)
        if im is not None:
            cb = fig.colorbar(im, ax=list(axes[0]), fraction=0.03, pad=0.02)
            cb.set_label("fraction of the true state's positions", fontsize=7)
            cb.ax.tick_params(labelsize=7)
        fig.suptitle(f"{site}: state confusion (cells: positions; colour: row-normalized)",
                     fontsize=8)
        name = f"plots/confusion_state_{site.replace('.', '_')}.png"
        _save_png(fig, out / name, dpi=80, bbox_inches="tight")
        plt.close(fig)
        written.append(name)
    return written


def write_report(report: dict[str, Any], saved: dict[str, Any], out_dir: str | Path,
                 timing: dict[str, float] | None = None, plots: bool = True) -> dict[str, str]:
    """Write every file listed in the module docstring; returns name -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    data = saved["data"]
    report = dict(report)
    if plots:
        report["plots"] = _plots(report, out)
    atomic_write_text(out / "report.json", dumps(report) + "\n")
    atomic_write_text(out / "report.md", render_markdown(report))
    for name, arrays in (("predictions.npz", saved["arrays"]), ("probes.npz", saved["weights"])):
        with atomic_open(out / name, "wb") as f:
            np.savez_compressed(f, **arrays)
    atomic_write_text(out / "splits.json", dumps(data.split.to_dict()) + "\n")
    role = np.full(len(data.words), "unused", dtype=object)
    for name in ("train", "val"):
        role[getattr(data.split, name)] = name
    for b, idx in data.split.bins.items():
        role[idx] = "test_in_range" if b == "in_range" else b
    with atomic_open(out / "strings.jsonl", "w") as f:
        for w, r in zip(data.words, role):
            f.write(json.dumps({"string": w if isinstance(w, str) else list(w), "role": r}) + "\n")
    if timing is not None:
        atomic_write_text(out / "timing.json", json.dumps(timing, indent=1) + "\n")
    for name in ("report.json", "report.md", "predictions.npz", "probes.npz", "splits.json",
                 "strings.jsonl"):
        files[name] = str(out / name)
    return files


def write_calibration(result: Any, out_dir: str | Path) -> dict[str, str]:
    """``calibration.json`` and ``calibration.md`` for a :class:`~probing.calibration.CalibrationResult`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    d = result.to_dict()
    atomic_write_text(out / "calibration.json", dumps(d) + "\n")
    p = d["passed"]
    md = [f"# Probing pipeline calibration: {d['language']}", "",
          f"{d['n_positions']} positions, seed {d['seed']}.", "",
          "| check | measured | bar | passed |", "|---|---|---|---|",
          f"| one-hot state + noise, in range | {_fmt(d['onehot_noise']['in_range'])} | ≥ 99 | "
          f"{p['onehot']} |"]
    for b, v in d["onehot_noise"]["by_bin"].items():
        if b != "in_range":
            md.append(f"| one-hot state + noise, {b} | {_fmt(v)} | ≥ 99 | {p['onehot']} |")
    mem = d["memoriser"]
    md.append(f"| per-prefix memoriser, unseen prefixes | {_fmt(mem['unseen_prefix_accuracy'])} | "
              f"≤ majority {_fmt(mem['majority_unseen_prefix_accuracy'])} + 2 | {p['memoriser']} |")
    md.append(f"| shuffled labels | {_fmt(d['shuffled']['accuracy'])} | majority "
              f"{_fmt(d['shuffled']['majority'])} ± 2 | {p['shuffled']} |")
    atomic_write_text(out / "calibration.md", "\n".join(md) + "\n")
    return {"calibration.json": str(out / "calibration.json"),
            "calibration.md": str(out / "calibration.md")}


def _best_row(report: dict[str, Any], target: str = "state") -> dict[str, Any] | None:
    rows = [r for r in report["sites"] if r["target"] == target]
    if not rows:
        return None
    return max(rows, key=lambda r: (r["nonlocal_accuracy"] or 0, r["site"]))


def comparison_rows(reports: list[dict[str, Any]], target: str = "state") -> list[dict[str, Any]]:
    """One row per report: its best site for ``target`` (by in-range non-local accuracy)."""
    rows = []
    for rep in reports:
        r = _best_row(rep, target)
        if r is None:
            continue
        m = rep["model"]
        base = rep["baselines"][target]
        causal = next((c for c in rep.get("causal", []) if c["site"] == r["site"]), None)
        rows.append({
            "language": rep["language"], "paper_group": rep.get("paper_group"),
            "arch": m["arch"], "family": family_of(m),
            "gate": m["gate"] if get_architecture(m["arch"]).gates else None,
            "layers": m["layers"], "width": m["width"], "site": r["site"],
            "accuracy": r["accuracy"], "nonlocal_accuracy": r["nonlocal_accuracy"],
            "far_accuracy": r.get("far_accuracy"),
            "by_bin_far": {b: v.get("far_accuracy") for b, v in r["by_bin"].items()},
            "untrained_far_accuracy": r.get("untrained_far_accuracy"),
            "unseen_prefix_accuracy": r["unseen_prefix_accuracy"],
            "by_bin_nonlocal": {b: v["nonlocal_accuracy"] for b, v in r["by_bin"].items()},
            "untrained_nonlocal_accuracy": r.get("untrained_nonlocal_accuracy"),
            "control_accuracy": r["control_accuracy"], "selectivity": r["selectivity"],
            "kgram3_nonlocal": base["kgram3"]["nonlocal_accuracy"],
            "majority_nonlocal": base["majority"]["nonlocal_accuracy"],
            "causal": causal, "run_dir": rep["run_dir"]})
    return rows


def render_comparison(reports: list[dict[str, Any]], target: str = "state") -> str:
    """Side-by-side markdown of several probing reports (e.g. star-free vs not, per architecture)."""
    rows = comparison_rows(reports, target)
    nb = max((len(r["by_bin_nonlocal"]) for r in rows), default=0)
    lines = [f"# Probing comparison, target `{target}`", "",
             "Best site per run by in-range non-local accuracy (%). Bins are the run's own: "
             "in range, then about 2x and 4x its longest training length. *far*: >= 10 tokens "
             "since the state was last fixed by a <= 3-token window.", "",
             "| language | group | model | site | nonlocal: in range | "
             + " | ".join(f"bin {i + 1}" for i in range(1, nb)) + (" | " if nb > 1 else "")
             + "far: in range | longest bin | untrained nonlocal / far | 3-gram | majority | "
             "control | sel. | causal Δ pos. acc (probe / random) |",
             "|" + "---|" * (13 + max(0, nb - 1))]
    for r in rows:
        model = r["arch"] + (f"/{r['gate']}" if r["gate"] else "") + f" L{r['layers']} W{r['width']}"
        bins = list(r["by_bin_nonlocal"].values())[1:]
        far = list(r["by_bin_far"].values())
        c = r["causal"]
        cz = "–" if c is None else (f"{100 * c['delta_position_accuracy_probe']:+.1f} / "
                                     f"{100 * c['delta_position_accuracy_random']:+.1f}")
        lines.append(
            f"| {r['language']} | {r['paper_group'] or '–'} | {model} | {r['site']} | "
            f"{_fmt(r['nonlocal_accuracy'])} | " + "".join(f"{_fmt(b)} | " for b in bins)
            + f"{_fmt(r['far_accuracy'])} | {_fmt(far[-1] if far else None)} | "
            f"{_fmt(r['untrained_nonlocal_accuracy'])} / {_fmt(r['untrained_far_accuracy'])} | "
            f"{_fmt(r['kgram3_nonlocal'])} | "
            f"{_fmt(r['majority_nonlocal'])} | {_fmt(r['control_accuracy'])} | "
            + ("–" if r["selectivity"] is None else f"{100 * r['selectivity']:+.1f}")
            + f" | {cz} |")
    return "\n".join(lines) + "\n"


def write_comparison(report_dirs: list[str | Path], out_dir: str | Path,
                     target: str = "state") -> dict[str, str]:
    """Read ``report.json`` from every directory; write ``comparison.md`` / ``comparison.json``."""
    from .errors import ProbingError

    reports = []
    for d in report_dirs:
        p = Path(d) / "report.json"
        if not p.is_file():
            raise ProbingError(f"{d} holds no report.json (run analyses.probe on a run first)")
        reports.append(json.loads(p.read_text()))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "comparison.md", render_comparison(reports, target))
    atomic_write_text(out / "comparison.json", dumps(comparison_rows(reports, target)) + "\n")
    return {"comparison.md": str(out / "comparison.md"),
            "comparison.json": str(out / "comparison.json")}
