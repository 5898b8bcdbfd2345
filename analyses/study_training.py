"""Section 5 of the study page: a small training grid, its loss curves and accuracy per length bin.

The grid is every gate of the SSM architecture (``diagonal`` by default: the paper's formal
selective SSM; ``mamba`` with ``--ssm-arch mamba``) plus LSTM and the transformer, at each
number of layers, one seed. Every run trains with :func:`ssm.train.train` in
``DIR/runs/<arch>-<gate>-L<layers>``; a directory holding a finished run of the **same resolved
configuration** is reused (its stored ``result.json``), one holding another configuration is
left alone and the run goes to ``<dir>-<hash>`` (:func:`ssm.run_dir.fresh_run_dir`). The model
family of each run (and so its verdict) comes from :func:`ssm.architectures.family_of`.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from ssm.architectures import family_of, gates_of, get_architecture  # noqa: E402
from ssm.config import EARLIER_GATES, STEP_GATES, ModelConfig  # noqa: E402
from ssm.errors import SSMError  # noqa: E402
from ssm.experiment_config import ExperimentConfig, TrainConfig, apply_overrides  # noqa: E402
from ssm.run_dir import RunDir, fresh_run_dir  # noqa: E402
from ssm.train import resolve_config, summarize, train  # noqa: E402

__all__ = ["PRESETS", "grid_configs", "run_grid", "loss_figure", "accuracy_figure",
           "best_per_family", "cell_label"]

#: ``--set`` overrides per preset (applied before the user's own ``--set``)
PRESETS: dict[str, tuple[str, ...]] = {
    "quick": ("data.n_train=400", "data.n_eval=100", "data.train_max_length=20",
              "data.eval_bins=[[1,20],[21,40],[41,80]]", "train.lr=0.003", "train.max_epochs=12", "train.eval_every=10",
              "train.device=cpu"),
    "full": ("data.n_train=2000", "data.n_eval=300", "train.max_epochs=20", "train.eval_every=25"),
}
#: further overrides per preset for a task's own options (only where the language has that task)
TASK_PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "quick": {"flip_flop": ("data.task_options.length=64", "data.task_options.eval_reads=500")},
    "full": {},
}
WIDTH = {"quick": 32, "full": 64}


def cell_label(m: dict) -> str:
    gate = m["gate"] if gates_of(m["arch"]) else "na"
    return f"{m['arch']}-{gate}-L{m['layers']}"


def grid_configs(name: str, definition: dict | None, *, ssm_arch: str, layers: Sequence[int],
                 preset: str, overrides: Sequence[str], seed: int = 0,
                 gates: Sequence[str] | None = None,
                 others: Sequence[str] = ("lstm", "transformer")) -> list[ExperimentConfig]:
    """Every run's configuration, validated (bad overrides fail here, before any training):
    ``ssm_arch`` with each of ``gates`` (default: all it declares but the earlier
    parameterizations ``signed_exp``/``complex_coupled`` and the measured candidates
    :data:`ssm.config.STEP_GATES`), then ``others``."""
    known = gates_of(ssm_arch)
    bad = [g for g in (gates or ()) if g not in known]
    if bad:
        raise SSMError(f"--gates: {ssm_arch} has no gate {bad[0]!r}; choose from {list(known)}")
    default = [g for g in known if g not in (*EARLIER_GATES, *STEP_GATES)]  # one per range
    archs = [(ssm_arch, g) for g in (gates or default)] + [(a, "nonnegative") for a in others]
    out = []
    for L in layers:
        for arch, gate in archs:
            positional = "sinusoidal" if get_architecture(arch).positional else "none"
            model = ModelConfig(arch=arch, gate=gate, layers=L, width=WIDTH[preset],
                                positional=positional)
            cfg = ExperimentConfig(language=name, language_def=definition, model=model,
                                   train=TrainConfig(seed_data=seed, seed_init=seed))
            task = TASK_PRESETS[preset].get(cfg.resolved_task, ())
            out.append(apply_overrides(cfg, [*PRESETS[preset], *task, *overrides]))
    return out


def _metrics(run_dir: Path) -> list[dict]:
    p = run_dir / "metrics.jsonl"
    if not p.is_file():
        return []
    return [json.loads(line) for line in p.read_text().splitlines() if line.strip()]


def run_grid(cfgs: Sequence[ExperimentConfig], out: Path,
             progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Train (or reuse) every configuration; one summary per run (``error`` when it failed)."""
    rows = []
    for cfg in cfgs:
        lang = cfg.resolve_language()
        resolved = resolve_config(cfg, lang).to_dict()
        label = cell_label(resolved["model"])
        d = fresh_run_dir(out / "runs" / label, resolved)
        reused = RunDir(d).load_result() is not None
        if progress:
            progress(f"{'reusing' if reused else 'training'} {label} in {d}")
        try:
            s = summarize(train(cfg, d, progress=False), d)
        except SSMError as e:
            rows.append({"label": label, "family": family_of(resolved["model"]),
                         "layers": resolved["model"]["layers"], "arch": resolved["model"]["arch"],
                         "error": str(e).splitlines()[0], "bins": [], "metrics": [],
                         "out": str(d), "reused": False})
            continue
        s.update(label=label, reused=reused, metrics=_metrics(d), error=None)
        rows.append(s)
    return rows


def best_per_family(rows: Sequence[dict]) -> dict[str, dict]:
    """The run kept per family: best bin-1 string accuracy, then training accuracy, then fewer
    layers."""
    best: dict[str, dict] = {}
    for r in rows:
        if r.get("error") or not r["bins"]:
            continue
        key = (r["bins"][0]["string_accuracy"] or 0, r.get("train_string_accuracy") or 0,
               -r["layers"])
        old = best.get(r["family"])
        if old is None or key > old[0]:
            best[r["family"]] = (key, r)
    return {f: r for f, (_, r) in best.items()}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def loss_figure(rows: Sequence[dict]) -> bytes:
    """Training loss (left, log scale) and training-set string accuracy (right) per step."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8))
    for r in rows:
        m = [x for x in r["metrics"] if x.get("loss") is not None]
        if not m:
            continue
        style = "-" if r["layers"] == 1 else "--"
        line, = a1.plot([x["step"] for x in m], [x["loss"] for x in m], style, lw=1.2,
                        label=r["label"])
        a2.plot([x["step"] for x in m], [100 * x["train_string_accuracy"] for x in m], style,
                lw=1.2, color=line.get_color())
    a1.set_yscale("log")
    a1.set_xlabel("optimizer step")
    a1.set_ylabel("training loss (mean since last evaluation)")
    a2.set_xlabel("optimizer step")
    a2.set_ylabel("% training strings right")
    a2.set_ylim(0, 102)
    for a in (a1, a2):
        a.grid(alpha=0.25)
    a1.legend(fontsize=7, ncol=2)
    fig.suptitle("Training curves (solid: 1 layer, dashed: 2 layers)", fontsize=10)
    return _png(fig)


def _verdict_note(v: dict | None) -> tuple[str, str]:
    if not v:
        return "predicted: no verdict", "0.4"
    e = v["expressible"]
    if e == "yes":
        lo = v.get("min_layers")
        return ("predicted: yes" + (f" (≥ {lo} layers)" if lo and lo > 1 else ""), "#1b7a1b")
    if e == "no":
        return "predicted: no", "#b00000"
    return f"predicted: {e}", "#8a6d00"


def accuracy_figure(rows: Sequence[dict], verdicts: dict[str, dict]) -> bytes:
    """One panel per family: % strings right per length bin, one bar per number of layers.
    A "no" verdict hatches the whole panel and says so; a measured 0 % is a stub labelled 0;
    a run that failed or a bin without strings is "n/a"."""
    fams = list(dict.fromkeys(r["family"] for r in rows))
    layers = sorted({r["layers"] for r in rows})
    bins = next((r["bins"] for r in rows if r["bins"]), [])
    nb = max(1, len(bins))
    ncol = min(3, len(fams))
    nrow = -(-len(fams) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.1 * nrow), squeeze=False)
    colors = ["#3b6fb6", "#e08a1e", "#4a9a4a", "#8e5bb5"]
    width = 0.8 / len(layers)
    for ax in axes.flat[len(fams):]:
        ax.axis("off")
    for ax, fam in zip(axes.flat, fams):
        note, col = _verdict_note(verdicts.get(fam))
        if verdicts.get(fam, {}).get("expressible") == "no":
            ax.add_patch(Rectangle((-0.5, 0), nb, 100, fill=False, hatch="///", ec="#e7b0b0",
                                   lw=0, zorder=0))
        ax.text(0.02, 0.97, note, transform=ax.transAxes, ha="left", va="top", fontsize=8,
                color=col, weight="bold",
                bbox={"fc": "white", "ec": col, "boxstyle": "round,pad=0.2"})
        for j, L in enumerate(layers):
            r = next((r for r in rows if r["family"] == fam and r["layers"] == L), None)
            for b in range(nb):
                x = b + (j - (len(layers) - 1) / 2) * width
                acc = None
                if r is not None and not r.get("error") and b < len(r["bins"]):
                    acc = r["bins"][b]["string_accuracy"]
                if acc is None:
                    ax.text(x, 2, "n/a", ha="center", va="bottom", fontsize=6, color="0.45",
                            rotation=90)
                elif acc == 0:
                    ax.plot([x - width * 0.4, x + width * 0.4], [0.8, 0.8], color=colors[j % 4],
                            lw=3, solid_capstyle="butt")
                    ax.text(x, 2, "0", ha="center", va="bottom", fontsize=7, color=colors[j % 4])
                else:
                    ax.bar(x, 100 * acc, width=width, color=colors[j % 4], zorder=2)
        ax.set_xlim(-0.5, nb - 0.5)
        ax.set_ylim(0, 118)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_xticks(range(nb))
        ax.set_xticklabels([f"{b['min_length']}–{b['max_length']}" for b in bins] or ["–"],
                           fontsize=8)
        ax.axhline(90, color="0.5", lw=0.6, ls="--", zorder=1)
        ax.set_title(fam, fontsize=9)
        ax.set_ylabel("% strings right", fontsize=8)
        ax.set_xlabel("test length bin (first: training lengths)", fontsize=7)
    handles = [Patch(color=colors[j % 4], label=f"{L} layer{'s' * (L > 1)}")
               for j, L in enumerate(layers)]
    handles += [Patch(fc="white", ec="#e7b0b0", hatch="///", label="verdict: no"),
                Patch(fc="white", ec="white", label="0 = measured 0 %, n/a = not measured")]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return _png(fig)
