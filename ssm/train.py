"""A small, model-agnostic, resumable trainer.

:func:`train` samples the data (seed ``train.seed_data``), builds the model (parameters drawn
under ``train.seed_init`` inside :func:`torch.random.fork_rng`, so global RNG state is left as it
was), and runs AdamW until the training set is solved (``train.early_stop``), ``max_epochs`` or
``max_steps``. Files in the run directory:

``config.json``
    The resolved :class:`~ssm.experiment_config.ExperimentConfig` plus package versions.
``metrics.jsonl``
    One JSON object per evaluation on the whole training set (``step``, ``epoch``, ``loss`` = mean
    training loss since the previous line, ``train_string_accuracy``, ...).
``checkpoint.pt``
    Model, optimizer, step, epoch, batch position in the epoch, running loss, elapsed seconds,
    the length of ``metrics.jsonl`` at that moment and the global RNG states; written to a
    temporary file then moved with :func:`os.replace` (atomic).
``eval.jsonl`` and ``result.json``
    Written at the end: evaluation rows (see :mod:`ssm.evaluate`) and the summary.

The batch order of an epoch is a pure function of ``(seed_data, epoch)``
(:func:`ssm.data.epoch_batches`), so a run killed at any moment and restarted with the same
configuration reloads the last checkpoint, truncates ``metrics.jsonl`` to what that checkpoint
had seen, and replays the remaining steps exactly: the final weights and metrics equal those of
an uninterrupted run. SIGINT/SIGTERM (and ``KeyboardInterrupt`` raised between steps) write a
checkpoint before the run exits. A finished run (``result.json`` present) is not trained again.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch

from ssm.data import epoch_batches
from ssm.errors import SSMError
from ssm.evaluate import EvalSet, bin_name, evaluate_sets, score_split
from ssm.experiment_config import ExperimentConfig, save_config
from ssm.tasks import make_task

__all__ = ["TrainResult", "RunDirError", "train", "resolve_config", "make_splits", "package_versions",
           "build_seeded_model", "load_result"]

CHECKPOINT = "checkpoint.pt"
CONFIG = "config.json"
METRICS = "metrics.jsonl"
EVAL = "eval.jsonl"
RESULT = "result.json"


class RunDirError(SSMError):
    """The output directory holds a different run (or an unreadable checkpoint)."""


@dataclass(frozen=True)
class TrainResult:
    """Summary of a finished (or paused) run.

    Attributes
    ----------
    config : dict
        The resolved experiment configuration.
    steps, epochs : int
        Optimizer steps taken and epochs completed.
    seconds : float
        Training wall time summed over every resumption.
    stopped : str
        ``"solved"``, ``"max_epochs"``, ``"max_steps"`` or ``"budget"`` (paused by ``step_budget``).
    train : dict
        Last evaluation on the whole training set (``string_accuracy``, ``position_accuracy``, ...).
    rows : list of dict
        Evaluation rows (bins and lengths); empty for a paused run.
    """

    config: dict[str, Any]
    steps: int
    epochs: int
    seconds: float
    stopped: str
    train: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.stopped != "budget"

    def bins(self) -> list[dict[str, Any]]:
        """The bin rows only."""
        return [r for r in self.rows if r.get("kind") == "bin"]

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config, "steps": self.steps, "epochs": self.epochs,
                "seconds": self.seconds, "stopped": self.stopped, "train": self.train,
                "rows": self.rows}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TrainResult":
        return cls(**{k: d[k] for k in ("config", "steps", "epochs", "seconds", "stopped", "train", "rows")})


def load_result(out_dir: str | Path) -> TrainResult | None:
    """The finished result stored in ``out_dir``, or ``None``."""
    p = Path(out_dir) / RESULT
    if not p.exists():
        return None
    return TrainResult.from_dict(json.loads(p.read_text()))


def package_versions() -> dict[str, str]:
    """Versions of the packages a run depends on (saved beside the config)."""
    import importlib.metadata as md

    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("torch", "numpy", "ssm-expressivity", "networkx", "sympy"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    import subprocess

    try:  # the checkout's commit, when this is a git working tree
        out["git_commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
            text=True, timeout=5).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        out["git_commit"] = "unknown"
    return out


# ----------------------------------------------------------------------------------------------
# configuration and data

def _max_eval_length(cfg: ExperimentConfig) -> int:
    d = cfg.data
    if cfg.resolved_task == "flip_flop":
        return d.flip_flop_length
    return max([d.train_max_length, *(hi for _, hi in d.eval_bins)])


def resolve_config(cfg: ExperimentConfig, language: Any) -> ExperimentConfig:
    """Fill in what follows from the language and task: ``task``, ``model.vocab_size``,
    ``model.n_outputs`` and (if smaller than the longest string) ``model.max_len``."""
    task = make_task(cfg.resolved_task, language)
    model = cfg.model.replace(vocab_size=len(language.alphabet) + 1, n_outputs=task.n_outputs,
                              max_len=max(cfg.model.max_len, _max_eval_length(cfg)))
    return replace(cfg, task=cfg.resolved_task, model=model)


SplitSpec = tuple[Sequence[Any], int, int, dict]
"""One split: (records, min_length, max_length, metadata)."""


def _ff_reads(records: Sequence[Any], read: str = "r") -> int:
    from ssm.data import record_symbols

    n = 0
    for r in records:
        w = record_symbols(r)
        n += sum(1 for t in range(len(w) - 1) if w[t] == read)
    return n


def make_splits(cfg: ExperimentConfig, language: Any) -> dict[str, SplitSpec]:
    """Sample every split: ``{"train": ..., <eval split>: ...}`` as ``(records, lo, hi, meta)``.

    Character prediction and Dyck: one :func:`automata.sampling.make_dataset` call (seed
    ``seed_data``) with ``n_train`` training strings of lengths ``[train_min_length,
    train_max_length]`` and ``n_eval`` strings per evaluation bin; strings are distinct within and
    across splits, so the first bin (the training lengths) is held out. A split is smaller when
    fewer distinct strings exist (e.g. (aa)* has 25 members of length 1-50) and may be empty.
    Flip-flop: ``n_train`` FFL(p_ignore) strings and, per evaluation sparsity ``p``, FFL(p)
    strings until at least ``eval_reads`` read positions are covered (``ffl_0.8``, ``ffl_0.98``).
    """
    from automata.sampling import make_dataset

    d, seed = cfg.data, cfg.train.seed_data
    out: dict[str, SplitSpec] = {}
    if cfg.resolved_task == "flip_flop":
        L = d.flip_flop_length
        children = np.random.SeedSequence([seed, 1]).generate_state(1 + len(d.eval_p_ignore))
        ds = make_dataset(language, (L, L), (), n_train=d.n_train, n_test=0, seed=int(children[0]),
                          p_ignore=d.p_ignore)
        out["train"] = (list(ds.records), L, L, {"p_ignore": d.p_ignore})
        for j, p in enumerate(d.eval_p_ignore):
            # expected reads per string: (L/2 - 1) * (1 - p) / 2; top up in rounds until covered
            per = max(1e-9, (L / 2 - 1) * (1 - p) / 2)
            n = max(1, math.ceil(1.1 * d.eval_reads / per))
            recs: list[Any] = []
            rnd = 0
            while _ff_reads(recs) < d.eval_reads:
                s = np.random.SeedSequence([int(children[1 + j]), rnd]).generate_state(1)[0]
                recs += list(make_dataset(language, (L, L), (), n_train=n if not recs else max(1, n // 4),
                                          n_test=0, seed=int(s), p_ignore=p).records)
                rnd += 1
            out[f"ffl_{p:g}"] = (recs, L, L, {"p_ignore": p, "n_reads": _ff_reads(recs)})
        return out
    ds = make_dataset(language, (d.train_min_length, d.train_max_length), d.eval_bins,
                      n_train=d.n_train, n_test=d.n_eval, seed=seed)
    by_split: dict[str, list] = {}
    for r in ds.records:
        by_split.setdefault(r["split"], []).append(r)
    out["train"] = (by_split.get("train", []), d.train_min_length, d.train_max_length, {})
    for lo, hi in d.eval_bins:
        out[bin_name(lo, hi)] = (by_split.get(bin_name(lo, hi), []), lo, hi, {})
    return out


def build_seeded_model(cfg: ExperimentConfig) -> torch.nn.Module:
    """``ssm.model.build_model(cfg.model)`` with parameters drawn under ``seed_init`` only
    (global RNG state is left as it was) on ``train.device``."""
    from ssm.model import build_model

    return build_model(cfg.model, seed=cfg.train.seed_init, device=cfg.train.device)


# ----------------------------------------------------------------------------------------------
# files

def make_optimizer(model: torch.nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW with weight decay on every parameter except those marked ``_no_weight_decay``.

    mamba-ssm's convention: ``A_log``, ``D`` (and our complex gate's rotation ``A_theta``) carry
    that mark, because decaying them pulls every gate towards the same fixed decay (A = -1) and
    every rotation towards 0.
    """
    decay, keep = [], []
    for p in model.parameters():
        (keep if getattr(p, "_no_weight_decay", False) else decay).append(p)
    groups = [{"params": decay, "weight_decay": weight_decay}]
    if keep:
        groups.append({"params": keep, "weight_decay": 0.0})
    return torch.optim.AdamW(groups, lr=lr)


def _atomic_torch_save(obj: Any, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class _StopFlag:
    """SIGINT/SIGTERM set a flag the loop checks between steps (a second signal raises at once)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: dict[int, Any] = {}

    def _handler(self, signum, frame):  # pragma: no cover - exercised by real signals
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> "_StopFlag":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    self._old[sig] = signal.signal(sig, self._handler)
                except (ValueError, OSError):  # pragma: no cover
                    pass
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


# ----------------------------------------------------------------------------------------------
# the loop

def _progress(enabled: bool | None, total: int, initial: int):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, initial=initial, disable=not enabled, unit="step", leave=False,
                dynamic_ncols=True)


def train(cfg: ExperimentConfig, out_dir: str | Path | None = None, *,
          splits: Mapping[str, SplitSpec] | None = None,
          progress: bool | None = None,
          step_budget: int | None = None,
          on_step: Callable[[int], None] | None = None,
          language: Any = None) -> TrainResult:
    """Train (or resume, or just load) the run ``cfg`` in ``out_dir``.

    Parameters
    ----------
    cfg : ExperimentConfig
    out_dir : path, optional
        Run directory; ``None`` trains in memory without files or resumption.
    splits : mapping, optional
        Pre-sampled splits as returned by :func:`make_splits` (default: sample them).
    progress : bool, optional
        Show a tqdm bar (default: only when stderr is a terminal).
    step_budget : int, optional
        Pause (checkpoint and return ``stopped="budget"``) after this many steps in this call.
    on_step : callable, optional
        Called with the step number after every optimizer step (may raise KeyboardInterrupt).
    language : optional
        A :class:`automata.languages.Language` (default ``get_language(cfg.language)``).
    """
    if language is None:
        from automata.languages import get_language

        language = get_language(cfg.language)
    cfg = resolve_config(cfg, language)
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        _check_run_dir(out, cfg)
        done = load_result(out)
        if done is not None:
            return done
        save_config(cfg, out / CONFIG, {"versions": package_versions()})

    task = make_task(cfg.task, language)
    if splits is None:
        splits = make_splits(cfg, language)
    train_records = splits["train"][0]
    if not train_records:
        raise SSMError(f"{cfg.language} has no training strings of lengths "
                       f"{cfg.data.train_min_length}-{cfg.data.train_max_length}")
    model = build_seeded_model(cfg)
    device = next(model.parameters()).device
    train_data = task.encode(train_records).to(device)
    tc = cfg.train
    opt = make_optimizer(model, tc.lr, tc.weight_decay)
    st = {"step": 0, "epoch": 0, "batch": 0, "loss_sum": 0.0, "loss_n": 0, "seconds": 0.0,
          "metrics_offset": 0, "train": {}, "stopped": None}
    if out is not None and (out / CHECKPOINT).exists():
        st = _load_checkpoint(out / CHECKPOINT, model, opt, cfg)
    with contextlib.ExitStack() as stack:
        metrics_f = None
        if out is not None:
            mp = out / METRICS
            if mp.exists() and mp.stat().st_size > st["metrics_offset"]:
                with open(mp, "r+b") as f:  # forget lines written after the checkpoint
                    f.truncate(st["metrics_offset"])
            metrics_f = stack.enter_context(open(mp, "ab"))
        return _loop(cfg, task, model, opt, train_data, splits, st, out, metrics_f, progress,
                     step_budget, on_step)


def _loop(cfg, task, model, opt, train_data, splits, st, out, metrics_f, progress, step_budget,
          on_step) -> TrainResult:
    tc = cfg.train
    # fewer distinct strings than n_train (e.g. (aa)*): repeat them so every language gets
    # n_train strings per epoch; accuracy is still measured on the distinct strings
    n_epoch = max(len(train_data), cfg.data.n_train)
    batch_source = train_data if n_epoch == len(train_data) else \
        train_data.subset(torch.arange(n_epoch, device=train_data.tokens.device) % len(train_data))
    n_batches = math.ceil(n_epoch / tc.batch_size)
    total = tc.max_epochs * n_batches
    if tc.max_steps:
        total = min(total, tc.max_steps)
    t_start = time.perf_counter()
    steps_this_call = 0
    bar = _progress(progress, total, st["step"])

    def elapsed() -> float:
        return st["seconds"] + (time.perf_counter() - t_start)

    def checkpoint() -> None:
        if out is None:
            return
        metrics_f.flush()
        st["metrics_offset"] = metrics_f.tell()
        _atomic_torch_save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                            "state": {**st, "seconds": elapsed()}, "config": cfg.to_dict(),
                            "rng": {"torch": torch.get_rng_state()}},
                           out / CHECKPOINT)

    def evaluate_train() -> bool:
        sc = score_split(model, task, train_data, tc.eval_batch_size).summary()
        st["train"] = sc
        line = {"step": st["step"], "epoch": st["epoch"],
                "loss": st["loss_sum"] / st["loss_n"] if st["loss_n"] else None,
                "train_string_accuracy": sc["string_accuracy"],
                "train_position_accuracy": sc["position_accuracy"], "train_loss": sc["loss"],
                "lr": tc.lr, "seconds": round(elapsed(), 3)}
        st["loss_sum"], st["loss_n"] = 0.0, 0
        if metrics_f is not None:
            metrics_f.write((json.dumps(line) + "\n").encode())
        bar.set_postfix(acc=f"{sc['string_accuracy']:.3f}", loss=f"{line['loss'] or 0:.4f}")
        return tc.early_stop and sc["string_accuracy"] >= 1.0

    model.train()
    try:
        with _StopFlag() as flag:
            while st["stopped"] is None:
                if st["epoch"] >= tc.max_epochs:
                    st["stopped"] = "max_epochs"
                    break
                batches = epoch_batches(n_epoch, tc.batch_size, tc.seed_data, st["epoch"])
                while st["batch"] < len(batches):
                    if tc.max_steps and st["step"] >= tc.max_steps:
                        st["stopped"] = "max_steps"
                        break
                    if step_budget is not None and steps_this_call >= step_budget:
                        st["stopped"] = "budget"
                        break
                    batch = batch_source.subset(batches[st["batch"]])
                    opt.zero_grad(set_to_none=True)
                    loss = task.loss(model(batch.tokens), batch)
                    loss.backward()
                    if tc.grad_clip:
                        torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
                    opt.step()
                    st["step"] += 1
                    st["batch"] += 1
                    steps_this_call += 1
                    st["loss_sum"] += float(loss.detach())
                    st["loss_n"] += 1
                    bar.update(1)
                    if tc.eval_every and st["step"] % tc.eval_every == 0 and evaluate_train():
                        st["stopped"] = "solved"
                    if st["stopped"] or st["step"] % tc.checkpoint_every == 0:
                        checkpoint()
                    if on_step is not None:
                        on_step(st["step"])
                    if flag.requested:
                        raise KeyboardInterrupt
                    if st["stopped"]:
                        break
                if st["stopped"]:
                    break
                # end of the epoch
                st["epoch"] += 1
                st["batch"] = 0
                if not tc.eval_every and evaluate_train():
                    st["stopped"] = "solved"
                checkpoint()
    except KeyboardInterrupt:
        checkpoint()
        raise
    finally:
        bar.close()

    if st["stopped"] == "budget":
        st["stopped"] = None  # a paused run continues when called again
        checkpoint()
        return TrainResult(cfg.to_dict(), st["step"], st["epoch"], elapsed(), "budget", st["train"])

    if not st["train"] or st["loss_n"]:
        evaluate_train()
    checkpoint()
    seconds = elapsed()
    device = train_data.tokens.device
    sets = [EvalSet(name, task.encode(recs).to(device) if recs else None, lo, hi, dict(meta))
            for name, (recs, lo, hi, meta) in splits.items() if name != "train"]
    rows = evaluate_sets(model, task, sets, tc.eval_batch_size)
    result = TrainResult(cfg.to_dict(), st["step"], st["epoch"], seconds, st["stopped"], st["train"], rows)
    if out is not None:
        _atomic_write_text(out / EVAL, "".join(json.dumps(r) + "\n" for r in rows))
        _atomic_write_text(out / RESULT, json.dumps(result.to_dict(), indent=1) + "\n")
    return result


def _check_run_dir(out: Path, cfg: ExperimentConfig) -> None:
    p = out / CONFIG
    if not p.exists():
        return
    try:
        old = json.loads(p.read_text()).get("config")
    except (json.JSONDecodeError, AttributeError):
        raise RunDirError(f"{p} is unreadable; remove it or choose another --out") from None
    if old != cfg.to_dict():
        diff = sorted(_diff_keys(old or {}, cfg.to_dict()))
        raise RunDirError(f"{out} holds a run with a different config (differs in: "
                          f"{', '.join(diff[:5])}); choose another --out")


def _diff_keys(a: Mapping[str, Any], b: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        if isinstance(va, Mapping) and isinstance(vb, Mapping):
            keys += _diff_keys(va, vb, prefix + k + ".")
        elif va != vb:
            keys.append(prefix + k)
    return keys


def _load_checkpoint(path: Path, model: torch.nn.Module, opt: torch.optim.Optimizer,
                     cfg: ExperimentConfig) -> dict[str, Any]:
    try:
        ck = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # a torn or foreign file
        raise RunDirError(f"cannot read checkpoint {path}: {type(e).__name__}") from None
    if ck.get("config") != cfg.to_dict():
        raise RunDirError(f"checkpoint {path} belongs to a different config; choose another --out")
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["optimizer"])
    return dict(ck["state"])
