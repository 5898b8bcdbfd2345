"""The paper's experiments: a model grid over the language suite, predicted vs observed.

    python -m analyses.reproduce --suite paper [--quick] [--preset flip_flop|dyck]
        [--languages a,b,...] [--cells c1,c2,...] [--seeds 1] [--jobs 1]
        [--executor local|ray] [--ray-address ADDR] [--set key=value ...] --out DIR [--quiet]

Every (language, cell, width, lr, seed) is an independent job that trains with
:func:`ssm.train.train` in ``DIR/runs/<language>/<cell>-W<width>-lr<lr>-s<seed>``. Jobs run in a
local process pool (``--jobs N``) or on a Ray cluster (``--executor ray``, optional extra
``ray``); each job is resumable and a finished job (``result.json`` present) is not run again, so
re-running the same command after an interruption continues where it stopped.

A *cell* is an architecture with a layer count (a column of the table). As in the paper, the
best run of the grid is reported per cell; we pick it by in-distribution accuracy (the first
evaluation bin, held out, lengths as in training), then training accuracy, without looking at the
longer bins. Outputs in ``DIR``:

``runs.csv``
    Every run (hyper-parameters, steps, seconds, accuracy per bin, whether it was selected).
``table.md``
    Per language and cell: our classifier's verdict (:func:`automata.classify.classify`),
    the observed accuracy per bin of the selected run, the paper's reported numbers
    (:mod:`analyses.paper_results`), and the agreement rate between verdict and observation:
    a cell *agrees* when the verdict is yes and bin-2 accuracy >= 90 %, or the verdict is no and
    bin-2 accuracy < 90 %. Cells whose verdict is neither yes nor no are counted separately.
``figure.png``
    Bin-1 and bin-2 accuracy per language and cell, grouped like the paper's main figure.
``summary.json``
    The agreement counts and the selected rows.

Presets (docs/training.md has the exact numbers): the default paper grid (27 languages;
Mamba non-negative 1-3 layers, signed 1-3, complex 1-3, LSTM, Transformer; widths 16/64/128;
the paper's learning rates per group; 10,000 training strings; up to 100 epochs) is sized for
GPUs or a cluster. ``--quick``: the 18 regular languages, non-negative and signed Mamba
(1 layer, width 32, d_state 4), one seed, lr 3e-3, 2,000 training strings, up to 15 epochs,
500 strings per bin.
``--preset flip_flop`` and ``--preset dyck`` run the flip-flop (FFL(0.8) train, FFL(0.8)/FFL(0.98)
test with 10^4 reads each) and Dyck(8, 10) experiments.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from analyses.cli import add_common_args, run_main
from analyses.reproduce_report import bin_accuracy as _acc
from analyses.reproduce_report import write_csv, write_figure, write_table

__all__ = ["Cell", "Job", "CELLS", "build_jobs", "run_jobs", "select_best", "verdict_label",
           "agreement", "write_outputs", "main"]


class ReproduceError(ValueError):
    """Bad grid options (unknown cell, language or preset)."""


@dataclass(frozen=True)
class Cell:
    """A column of the table: an architecture, a gate and a layer count."""

    name: str
    arch: str
    gate: str
    layers: int
    family: str                    # the classifier's model family for the verdict
    paper_column: str | None = None  # the paper's column (analyses.paper_results)


CELLS: dict[str, Cell] = {c.name: c for c in [
    *(Cell(f"mamba-nonneg-L{k}", "mamba", "nonnegative", k, "ssm_nonnegative", f"mamba_{k}") for k in (1, 2, 3)),
    *(Cell(f"mamba-signed-L{k}", "mamba", "signed", k, "ssm_signed") for k in (1, 2, 3)),
    *(Cell(f"mamba-complex-L{k}", "mamba", "complex", k, "ssm_complex") for k in (1, 2, 3)),
    Cell("lstm-L1", "lstm", "nonnegative", 1, "lstm"),
    Cell("transformer-L2", "transformer", "nonnegative", 2, "transformer", "transformer"),
]}


@dataclass(frozen=True)
class Job:
    """One training run of the grid."""

    language: str
    cell: Cell
    width: int
    lr: float
    seed: int
    overrides: tuple[str, ...] = ()

    @property
    def run_id(self) -> str:
        return f"{self.language}/{self.cell.name}-W{self.width}-lr{self.lr:g}-s{self.seed}"

    def config(self):
        from ssm.config import ModelConfig
        from ssm.experiment_config import ExperimentConfig, TrainConfig, apply_overrides

        model = ModelConfig(arch=self.cell.arch, gate=self.cell.gate, layers=self.cell.layers,
                            width=self.width,
                            positional="sinusoidal" if self.cell.arch == "transformer" else "none")
        cfg = ExperimentConfig(language=self.language, model=model,
                               train=TrainConfig(lr=self.lr, seed_data=self.seed, seed_init=self.seed))
        return apply_overrides(cfg, self.overrides)


# ----------------------------------------------------------------------------------------------
# presets

def _paper_lrs(language: str, group: str | None) -> tuple[float, ...]:
    if language in ("anbn", "anbncn", "anbncndn"):
        return (1e-5, 3e-5)
    if group == "counter":
        return (1e-4, 3e-5)
    return (1e-3, 1e-4)


@dataclass(frozen=True)
class Preset:
    """A grid: languages, cells, widths, learning rates (per language) and config overrides."""

    name: str
    languages: tuple[str, ...]
    cells: tuple[str, ...]
    widths: tuple[int, ...]
    lrs: Callable[[str, str | None], tuple[float, ...]]
    overrides: tuple[str, ...] = ()
    description: str = ""


def get_preset(suite: str, quick: bool, preset: str | None) -> Preset:
    """The grid for ``--suite``/``--quick``/``--preset``."""
    from automata.languages import PAPER_SUITE

    if suite != "paper":
        raise ReproduceError(f"unknown suite {suite!r}; the only suite is 'paper'")
    if preset is None:
        if quick:
            regular = tuple(n for n, g in PAPER_SUITE.items() if g != "counter")
            return Preset("quick", regular, ("mamba-nonneg-L1", "mamba-signed-L1"), (32,),
                          lambda lang, g: (3e-3,),
                          ("model.d_state=4", "data.n_train=2000", "data.n_eval=500",
                           "train.max_epochs=15", "train.eval_every=0"),
                          "18 regular languages, non-negative vs signed Mamba, CPU-sized")
        return Preset("paper", tuple(PAPER_SUITE), tuple(CELLS), (16, 64, 128), _paper_lrs,
                      ("train.max_epochs=100",), "the paper's grid (GPU/cluster-sized)")
    if preset == "flip_flop":
        over = ("data.n_train=2000", "train.max_epochs=10", "data.eval_reads=10000")
        if quick:
            over = ("model.d_state=4", "data.n_train=1000", "train.max_epochs=5",
                    "data.eval_reads=10000")
        return Preset("flip_flop", ("flip_flop",), ("mamba-nonneg-L1", "mamba-nonneg-L2", "lstm-L1"),
                      (32,) if quick else (64,), lambda lang, g: (3e-3,) if quick else (1e-3,), over,
                      "FFL(0.8) train; FFL(0.8) and FFL(0.98) test, >= 10^4 reads each")
    if preset == "dyck":
        over = ("data.train_max_length=700", "data.eval_bins=[[1,700],[701,1400]]",
                "data.n_train=2000", "data.n_eval=200", "train.max_epochs=20")
        if quick:
            over = ("model.d_state=4", "data.train_max_length=100",
                    "data.eval_bins=[[1,100],[101,200]]", "data.n_train=2000", "data.n_eval=200",
                    "train.max_epochs=5")
        return Preset("dyck", ("dyck_8_10",), ("mamba-nonneg-L1", "mamba-nonneg-L2"),
                      (32,) if quick else (64,), lambda lang, g: (3e-3,) if quick else (1e-3,), over,
                      "Dyck(8, 10) next-token modelling, close accuracy")
    raise ReproduceError(f"unknown preset {preset!r}; choose flip_flop or dyck")


def build_jobs(preset: Preset, *, languages: Sequence[str] | None = None,
               cells: Sequence[str] | None = None, seeds: int = 1,
               overrides: Sequence[str] = ()) -> list[Job]:
    """Every job of ``preset`` (optionally restricted to some languages/cells)."""
    from automata.languages import PAPER_SUITE, get_language

    langs = list(languages) if languages else list(preset.languages)
    for lang in langs:
        get_language(lang)  # UnknownLanguageError names close matches
    cell_names = list(cells) if cells else list(preset.cells)
    unknown = [c for c in cell_names if c not in CELLS]
    if unknown:
        raise ReproduceError(f"unknown cell {unknown[0]!r}; choose from {', '.join(CELLS)}")
    if seeds < 1:
        raise ReproduceError(f"--seeds must be >= 1, got {seeds}")
    jobs = []
    for lang in langs:
        for c in cell_names:
            for w in preset.widths:
                for lr in preset.lrs(lang, PAPER_SUITE.get(lang)):
                    for s in range(seeds):
                        jobs.append(Job(lang, CELLS[c], w, lr, s, (*preset.overrides, *overrides)))
    return jobs


# ----------------------------------------------------------------------------------------------
# running

def _run_dir(out: Path, job: Job) -> Path:
    return out / "runs" / job.run_id


def _run_job(cfg_dict: dict, run_dir: str, threads: int) -> dict:
    """Worker: train one job (resuming if possible) and return its ``--json`` summary."""
    import torch

    from analyses.train import summarize
    from ssm.experiment_config import ExperimentConfig
    from ssm.train import train

    torch.set_num_threads(threads)
    cfg = ExperimentConfig.from_dict(cfg_dict)
    return summarize(train(cfg, run_dir, progress=False), Path(run_dir))


def _row(job: Job, summary: dict | None, error: str | None, run_dir: Path) -> dict[str, Any]:
    from automata.languages import PAPER_SUITE

    row: dict[str, Any] = {"run_id": job.run_id, "language": job.language,
                           "group": PAPER_SUITE.get(job.language), "cell": job.cell.name,
                           "arch": job.cell.arch, "gate": job.cell.gate, "layers": job.cell.layers,
                           "width": job.width, "lr": job.lr, "seed": job.seed, "out": str(run_dir),
                           "error": error}
    if summary is not None:
        row.update({k: summary[k] for k in ("task", "steps", "epochs", "seconds", "stopped",
                                            "train_string_accuracy")})
        row["bins"] = summary["bins"]
    else:
        row["bins"] = []
    return row


def run_jobs(jobs: Sequence[Job], out: Path, *, n_jobs: int = 1, executor: str = "local",
             ray_address: str | None = None, log: Callable[[str], None] | None = None) -> list[dict]:
    """Run (or load) every job; returns one row per job, in job order.

    Finished jobs (``result.json`` in their directory) are loaded, not run. A job that raises is
    recorded with its one-line ``error`` and the sweep goes on.
    """
    from ssm.train import load_result
    from analyses.train import summarize

    log = log or (lambda s: None)
    rows: list[dict | None] = [None] * len(jobs)
    todo = []
    for i, job in enumerate(jobs):
        d = _run_dir(out, job)
        done = load_result(d)
        if done is not None:
            rows[i] = _row(job, summarize(done, d), None, d)
        else:
            todo.append(i)
    log(f"{len(jobs) - len(todo)} of {len(jobs)} runs already finished; running {len(todo)}")
    payloads = {i: (jobs[i].config().to_dict(), str(_run_dir(out, jobs[i]))) for i in todo}

    def finish(i: int, summary: dict | None, error: str | None) -> None:
        rows[i] = _row(jobs[i], summary, error, _run_dir(out, jobs[i]))
        acc = " ".join("–" if b["string_accuracy"] is None else f"{b['string_accuracy']:.3f}"
                       for b in rows[i]["bins"])
        log(f"[{sum(r is not None for r in rows)}/{len(jobs)}] {jobs[i].run_id}: "
            + (f"error: {error}" if error else f"train {summary['train_string_accuracy']:.3f} bins {acc} "
               f"({summary['seconds']:.0f}s)"))

    if executor == "ray":
        _run_ray(todo, payloads, finish, ray_address)
    elif executor != "local":
        raise ReproduceError(f"unknown executor {executor!r}; choose local or ray")
    elif n_jobs <= 1:
        for i in todo:
            try:
                finish(i, _run_job(*payloads[i], 1), None)
            except (ValueError, RuntimeError) as e:
                finish(i, None, _one_line(e))
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp.get_context("spawn")) as pool:
            futs = {pool.submit(_run_job, *payloads[i], 1): i for i in todo}
            for f in as_completed(futs):
                i = futs[f]
                try:
                    finish(i, f.result(), None)
                except (ValueError, RuntimeError) as e:
                    finish(i, None, _one_line(e))
    return [r for r in rows if r is not None]


def _one_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0] if msg else ''}"


def _run_ray(todo, payloads, finish, address) -> None:
    try:
        import ray
    except ImportError:
        raise ReproduceError("--executor ray needs the optional extra: pip install 'ssm-expressivity[ray]'") from None
    import os

    # workers import analyses/ssm/automata from this checkout (a cluster needs it installed or
    # on a shared path)
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path, "OMP_NUM_THREADS": "1"}})
    remote = ray.remote(num_cpus=1)(_run_job)
    refs = {remote.remote(*payloads[i], 1): i for i in todo}
    pending = list(refs)
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        i = refs[ready[0]]
        try:
            finish(i, ray.get(ready[0]), None)
        except Exception as e:  # a RayTaskError wraps the job's exception
            finish(i, None, _one_line(e))


# ----------------------------------------------------------------------------------------------
# selection, verdicts, agreement

def select_best(rows: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """Best run per (language, cell): highest bin-1 (held-out, in-distribution) accuracy, then
    training accuracy; failed runs are never selected."""
    best: dict[tuple[str, str], dict] = {}
    for r in rows:
        if r.get("error") or not r["bins"]:
            continue
        key = (r["language"], r["cell"])
        score = (_acc(r, 0) or 0.0, r.get("train_string_accuracy") or 0.0)
        if key not in best or score > best[key]["_score"]:
            best[key] = {**r, "_score": score}
    return best


def verdict_label(prediction: Any) -> str:
    """``"yes"``, ``"no"`` or the classifier's own word (e.g. ``"unknown"``) for one prediction."""
    v = prediction.get("expressible") if isinstance(prediction, dict) else getattr(prediction, "expressible", None)
    if v is True or (isinstance(v, str) and v.lower() in ("yes", "true")):
        return "yes"
    if v is False or (isinstance(v, str) and v.lower() in ("no", "false")):
        return "no"
    return "unknown" if v is None else str(v)


def verdicts(language: str) -> dict[str, dict[str, Any]]:
    """``family -> {"label", "status", "reason"}`` from :func:`automata.classify.classify`;
    empty when the classifier is unavailable or fails for this language."""
    try:
        from automata.classify import classify
        from automata.languages import get_language
    except ImportError:
        return {}
    try:
        cls = classify(get_language(language))
    except ValueError:
        return {}
    preds = getattr(cls, "predictions", None)
    if preds is None and isinstance(cls, dict):
        preds = cls.get("predictions", [])
    out = {}
    for p in preds or []:
        d = p if isinstance(p, dict) else (p.to_dict() if hasattr(p, "to_dict") else vars(p))
        out[str(d.get("model"))] = {"label": verdict_label(d), "status": d.get("status"),
                                    "layers": d.get("layers"), "reason": d.get("reason")}
    return out


def agreement(best: dict[tuple[str, str], dict], verdict_map: dict[str, dict[str, dict]],
              threshold: float = 0.9) -> dict[str, Any]:
    """Agreement between verdicts and observations over the selected runs.

    A cell agrees when (verdict yes and bin-2 accuracy >= threshold) or (verdict no and bin-2
    accuracy < threshold). Undecided: any other verdict (unknown, unbounded-precision, n/a), no
    bin-2 accuracy, or a yes that the classifier states for at least k layers while the cell has
    fewer (the verdict says nothing about shallower models).
    """
    agree = disagree = undecided = 0
    rows = []
    for (lang, cell), r in sorted(best.items()):
        c = CELLS.get(cell)
        vd = verdict_map.get(lang, {}).get(c.family, {}) if c else {}
        v = vd.get("label", "n/a")
        b2 = _acc(r, 1)
        too_shallow = v == "yes" and vd.get("layers") is not None and c.layers < vd["layers"]
        if v in ("yes", "no") and b2 is not None and not too_shallow:
            ok = (v == "yes") == (b2 >= threshold)
            agree += ok
            disagree += not ok
            rows.append({"language": lang, "cell": cell, "verdict": v, "bin2": b2, "agrees": ok})
        else:
            undecided += 1
            rows.append({"language": lang, "cell": cell, "verdict": v, "bin2": b2, "agrees": None,
                         "why": "needs more layers" if too_shallow else "no yes/no verdict or no bin 2"})
    decided = agree + disagree
    return {"agree": agree, "disagree": disagree, "undecided": undecided,
            "rate": agree / decided if decided else None, "threshold": threshold, "cells": rows}


# ----------------------------------------------------------------------------------------------
# outputs

def write_outputs(rows: Sequence[dict], out: Path, preset: Preset, command: str = "") -> dict[str, Any]:
    """Write runs.csv, table.md, figure.png and summary.json; return the summary."""
    best = select_best(rows)
    verdict_map = {lang: verdicts(lang) for lang in dict.fromkeys(lang for lang, _ in best)}
    agree = agreement(best, verdict_map)
    write_csv(rows, out / "runs.csv", {r["run_id"] for r in best.values()})
    write_table(best, verdict_map, agree, out / "table.md", preset, command, CELLS)
    if best:
        write_figure(best, out / "figure.png")
    summary = {"preset": preset.name, "n_runs": len(rows),
               "n_failed": sum(1 for r in rows if r.get("error")), "agreement": agree,
               "selected": [{k: v for k, v in r.items() if k != "_score"} for r in best.values()]}
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


# ----------------------------------------------------------------------------------------------
# command line

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.reproduce", description=__doc__.split("\n")[0])
    p.add_argument("--suite", default="paper", help="language suite (default: paper)")
    p.add_argument("--quick", action="store_true", help="CPU-sized preset (see docs/training.md)")
    p.add_argument("--preset", choices=("flip_flop", "dyck"), default=None,
                   help="flip-flop or Dyck(8, 10) instead of the suite")
    p.add_argument("--languages", default=None, help="comma-separated subset of the languages")
    p.add_argument("--cells", default=None, help=f"comma-separated subset of: {', '.join(CELLS)}")
    p.add_argument("--seeds", type=int, default=1, help="seeds per grid point (default: 1)")
    p.add_argument("--jobs", type=int, default=1, help="parallel local jobs (default: 1)")
    p.add_argument("--executor", choices=("local", "ray"), default="local", help="default: local")
    p.add_argument("--ray-address", default=None, help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="config override applied to every job (repeatable)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--quiet", action="store_true", help="no per-run log lines")
    return add_common_args(p)


def body(args: argparse.Namespace) -> int:
    preset = get_preset(args.suite, args.quick, args.preset)
    split = lambda s: [x.strip() for x in s.split(",") if x.strip()] if s else None  # noqa: E731
    jobs = build_jobs(preset, languages=split(args.languages), cells=split(args.cells),
                      seeds=args.seeds, overrides=args.overrides)
    for j in jobs[:1]:
        j.config()  # fail fast on a bad --set
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = (lambda s: None) if args.quiet else (lambda s: print(s, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    rows = run_jobs(jobs, out, n_jobs=args.jobs, executor=args.executor,
                    ray_address=args.ray_address, log=log)
    command = "python -m analyses.reproduce " + " ".join(args.argv)
    summary = write_outputs(rows, out, preset, command)
    a = summary["agreement"]
    rate = "n/a" if a["rate"] is None else f"{100 * a['rate']:.1f}%"
    print(f"{len(rows)} runs ({summary['n_failed']} failed) in {time.perf_counter() - t0:.0f}s; "
          f"agreement {a['agree']}/{a['agree'] + a['disagree']} ({rate}), {a['undecided']} undecided; "
          f"wrote {out}/runs.csv, table.md, figure.png")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)

    def _body(args: argparse.Namespace) -> int:
        args.argv = argv
        return body(args)

    return run_main(_body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
