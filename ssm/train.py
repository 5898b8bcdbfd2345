"""A small, model-agnostic, resumable trainer.

:func:`train` resolves and validates the whole configuration (language, task, model on its
device, the sampled splits) **before** anything is written, then records the resolved config,
its hash and the code version in the run directory (:class:`ssm.run_dir.RunDir`, which owns the
files) and runs AdamW until the training set is solved (``train.early_stop``), ``max_epochs`` or
``max_steps``. Parameters are drawn under ``train.seed_init``; training runs inside
:func:`torch.random.fork_rng` seeded from ``seed_init`` (so the caller's global RNG state is left
as it was), and the RNG states are saved in every checkpoint and restored on resume.

The batch order of an epoch is a pure function of ``(seed_data, epoch)``
(:func:`ssm.data.epoch_batches`), so a run killed at any moment and restarted with the same
configuration reloads the last checkpoint (``resuming from step N`` on stderr), truncates
``metrics.jsonl`` to what that checkpoint had seen, and replays the remaining steps exactly: the
final weights and metrics equal those of an uninterrupted run. Checkpoints are written every
``train.checkpoint_every`` steps, at every epoch end and at every evaluation. SIGINT/SIGTERM
(and ``KeyboardInterrupt`` raised between steps) write a checkpoint and raise
:class:`Interrupted` (command lines exit ``128 + signal``: 130, 143). A finished run
(``result.json`` present, same config hash) is loaded, not trained again; a directory holding
another configuration is refused with the keys that differ.
"""
from __future__ import annotations

import json
import math
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

import torch
from tqdm import tqdm

from ssm.architectures import family_of
from ssm.data import TensorData, epoch_batches
from ssm.errors import SSMError
from ssm.evaluate import EvalSet, evaluate_sets, score_split
from ssm.experiment_config import ExperimentConfig
from ssm.model import build_model
from ssm.run_dir import CHECKPOINT, CONFIG, EVAL, METRICS, RESULT, RunDir, RunDirError, RunState
from ssm.run_dir import code_version as package_versions
from ssm.run_dir import set_rng_states
from ssm.tasks import SplitSpec, Task, make_task

__all__ = ["TrainResult", "RunDirError", "Interrupted", "train", "resolve_config", "make_splits",
           "package_versions", "build_seeded_model", "load_result", "make_optimizer", "summarize"]


class Interrupted(KeyboardInterrupt):
    """Training stopped by a signal (after writing a checkpoint); ``signum`` is the signal."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(f"interrupted by signal {signum}")
        self.signum = int(signum)


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

    >>> res = TrainResult.from_dict({"config": {}, "steps": 3, "epochs": 1, "seconds": 0.5,
    ...                             "stopped": "max_epochs", "train": {}, "rows": [
    ...                             {"kind": "bin", "split": "bin_1_8"}, {"kind": "length"}]})
    >>> res.steps, [r["split"] for r in res.bins()]
    (3, ['bin_1_8'])
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
        try:
            return cls(**{k: d[k] for k in ("config", "steps", "epochs", "seconds", "stopped",
                                             "train", "rows")})
        except (KeyError, TypeError) as e:
            raise RunDirError(f"a result lacks field {e}") from None


def summarize(result: TrainResult, out: str | Path | None = None) -> dict[str, Any]:
    """The flat summary of a result (``python -m analyses.train --json`` prints it).

    Keys: ``language, model, gate, family, layers, width, task, lr, seed,
    train_string_accuracy, bins, steps, epochs, seconds, stopped, out``; each bin has
    ``split, min_length, max_length, string_accuracy, n_strings, n_positions, n_errors,
    position_accuracy, error_rate`` (``n_errors / n_positions``) plus the split's metadata from
    its task (e.g. ``p_ignore`` and ``n_reads`` for flip-flop).
    """
    c = result.config
    bins = []
    for r in result.bins():
        b = {k: v for k, v in r.items() if k not in ("kind", "loss")}
        b["error_rate"] = r["n_errors"] / r["n_positions"] if r["n_positions"] else 0.0
        bins.append(b)
    return {"language": c["language"], "model": c["model"]["arch"], "gate": c["model"]["gate"],
            "family": family_of(c["model"]),
            "layers": c["model"]["layers"], "width": c["model"]["width"], "task": c["task"],
            "lr": c["train"]["lr"], "seed": c["train"]["seed_init"],
            "train_string_accuracy": result.train.get("string_accuracy"),
            "bins": bins, "steps": result.steps, "epochs": result.epochs,
            "seconds": round(result.seconds, 3), "stopped": result.stopped,
            "out": str(out) if out is not None else None}


def load_result(out_dir: str | Path) -> TrainResult | None:
    """The finished result stored in ``out_dir``, or ``None``.

    >>> import tempfile
    >>> load_result(tempfile.mkdtemp()) is None               # nothing finished there
    True
    """
    d = RunDir(out_dir).load_result()
    return None if d is None else TrainResult.from_dict(d)


# ----------------------------------------------------------------------------------------------
# configuration and data

def resolve_config(cfg: ExperimentConfig, language: Any) -> ExperimentConfig:
    """Fill in what follows from the language and task: ``task``, the task's options
    (``data.task_options``, defaults included), ``model.vocab_size``, ``model.n_outputs`` and
    (if smaller than the longest string) ``model.max_len``."""
    task = make_task(cfg.task, language)
    data = replace(cfg.data, task_options=task.options(cfg.data))
    model = cfg.model.replace(vocab_size=len(language.alphabet) + 1, n_outputs=task.n_outputs,
                              max_len=max(cfg.model.max_len, task.max_length(data)))
    return replace(cfg, task=task.registered_as, data=data, model=model)


def make_splits(cfg: ExperimentConfig, language: Any) -> dict[str, SplitSpec]:
    """Every split of ``cfg`` for ``language``, sampled by its task (:meth:`Task.make_splits`,
    seed ``train.seed_data``): ``{"train": ..., <eval split>: ...}`` as ``(records, lo, hi, meta)``."""
    return make_task(cfg.task, language).make_splits(cfg.data, cfg.train.seed_data)


def build_seeded_model(cfg: ExperimentConfig) -> torch.nn.Module:
    """``ssm.model.build_model(cfg.model)`` with parameters drawn under ``seed_init`` only
    (global RNG state is left as it was) on ``train.device``."""
    return build_model(cfg.model, seed=cfg.train.seed_init, device=cfg.train.device)


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


class _StopFlag:
    """SIGINT/SIGTERM set a flag the loop checks between steps (a second signal raises at once)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._old: dict[int, Any] = {}

    def _handler(self, signum, frame):  # pragma: no cover - exercised by real signals
        if self.signum is not None:
            raise Interrupted(signum)
        self.signum = signum

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


def _progress(enabled: bool | None, total: int, initial: int):
    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, initial=initial, disable=not enabled, unit="step", leave=False,
                dynamic_ncols=True)


# ----------------------------------------------------------------------------------------------
# the run

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
        A :class:`automata.languages.Language` (default: ``cfg.language`` resolved by
        :func:`automata.languages.resolve_language`).

    Raises
    ------
    RunDirError
        ``out_dir`` holds a run of another configuration (the message names the keys).
    SSMError, AutomatonError
        Any invalid setting; raised before anything is written.

    >>> from ssm.experiment_config import ExperimentConfig, apply_overrides
    >>> cfg = apply_overrides(ExperimentConfig(language="tomita1"), ["model.layers=1",
    ...     "model.width=8", "model.d_state=2", "data.n_train=8", "data.n_eval=4",
    ...     "data.train_max_length=4", "data.eval_bins=[[1,4],[5,6]]", "train.max_steps=2"])
    >>> res = train(cfg, progress=False)
    >>> res.steps, res.stopped, [r["split"] for r in res.bins()]
    (2, 'max_steps', ['bin_1_4', 'bin_5_6'])
    """
    if language is None:
        language = cfg.resolve_language()
    cfg = resolve_config(cfg, language)
    config = cfg.to_dict()
    run = RunDir(out_dir) if out_dir is not None else None
    if run is not None:
        run.check(config)
        done = run.load_result()
        if done is not None:
            return TrainResult.from_dict(done)
    # validate everything (task, model on its device, data) before anything is written
    task = make_task(cfg.task, language)
    model = build_seeded_model(cfg)
    if splits is None:
        splits = task.make_splits(cfg.data, cfg.train.seed_data)
    if not splits["train"][0]:
        raise SSMError(f"{cfg.language} has no training strings of lengths "
                       f"{cfg.data.train_min_length}-{cfg.data.train_max_length}")
    device = next(model.parameters()).device
    train_data = task.encode(splits["train"][0]).to(device)
    opt = make_optimizer(model, cfg.train.lr, cfg.train.weight_decay)
    state, rng = RunState(), None
    if run is not None:
        if run.stored_config() is None:
            run.write_config(config)
        elif run.has_checkpoint():
            state, rng = run.load_checkpoint(model, opt, config)
            print(f"resuming from step {state.step}", file=sys.stderr, flush=True)
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        if rng:
            set_rng_states(rng, device)
        else:
            torch.manual_seed(cfg.train.seed_init)
        loop = _Loop(cfg, task, model, opt, train_data, state, run)
        try:
            stopped = loop.run(progress, step_budget, on_step)
        finally:
            loop.close()
        if stopped == "budget":
            return TrainResult(config, state.step, state.epoch, loop.elapsed(), "budget", state.train)
        rows = evaluate_sets(model, task, _eval_sets(task, splits, device), cfg.train.eval_batch_size)
    result = TrainResult(config, state.step, state.epoch, loop.elapsed(), stopped, state.train, rows)
    if run is not None:
        run.write_result(rows, result.to_dict())
    return result


def _eval_sets(task: Task, splits: Mapping[str, SplitSpec], device: torch.device) -> list[EvalSet]:
    return [EvalSet(name, task.encode(recs).to(device) if recs else None, lo, hi, dict(meta))
            for name, (recs, lo, hi, meta) in splits.items() if name != "train"]


class _Loop:
    """The optimization loop over a :class:`RunState` (mutated in place) and its run directory."""

    def __init__(self, cfg: ExperimentConfig, task: Task, model: torch.nn.Module,
                 opt: torch.optim.Optimizer, train_data: TensorData, state: RunState,
                 run: RunDir | None):
        self.cfg, self.tc, self.task, self.model, self.opt = cfg, cfg.train, task, model, opt
        self.train_data, self.st, self.dir = train_data, state, run
        # fewer distinct strings than n_train (e.g. (aa)*): repeat them so every language gets
        # n_train strings per epoch; accuracy is still measured on the distinct strings
        self.n_epoch = max(len(train_data), cfg.data.n_train)
        self.source = train_data if self.n_epoch == len(train_data) else train_data.subset(
            torch.arange(self.n_epoch, device=train_data.tokens.device) % len(train_data))
        self.metrics = run.open_metrics(state.metrics_offset) if run is not None else None
        self.t_start = time.perf_counter()
        self.bar = None

    def elapsed(self) -> float:
        return self.st.seconds + (time.perf_counter() - self.t_start)

    def close(self) -> None:
        if self.metrics is not None:
            self.metrics.close()
        if self.bar is not None:
            self.bar.close()

    def checkpoint(self) -> None:
        if self.dir is None:
            return
        self.metrics.flush()
        self.st.metrics_offset = self.metrics.tell()
        snapshot = replace(self.st, seconds=self.elapsed())
        self.dir.save_checkpoint(self.model, self.opt, snapshot, self.cfg.to_dict())

    def evaluate_train(self) -> bool:
        """Score the whole training set, log one metrics line; True when training should stop."""
        st, tc = self.st, self.tc
        sc = score_split(self.model, self.task, self.train_data, tc.eval_batch_size).summary()
        st.train = sc
        line = {"step": st.step, "epoch": st.epoch,
                "loss": st.loss_sum / st.loss_n if st.loss_n else None,
                "train_string_accuracy": sc["string_accuracy"],
                "train_position_accuracy": sc["position_accuracy"], "train_loss": sc["loss"],
                "lr": tc.lr, "seconds": round(self.elapsed(), 3)}
        st.loss_sum, st.loss_n = 0.0, 0
        if self.metrics is not None:
            self.metrics.write((json.dumps(line) + "\n").encode())
        self.bar.set_postfix(acc=f"{sc['string_accuracy']:.3f}", loss=f"{line['loss'] or 0:.4f}")
        return tc.early_stop and sc["string_accuracy"] >= 1.0

    def step(self, idx: torch.Tensor) -> None:
        batch = self.source.subset(idx)
        self.opt.zero_grad(set_to_none=True)
        loss = self.task.loss(self.model(batch.tokens), batch)
        loss.backward()
        if self.tc.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.tc.grad_clip)
        self.opt.step()
        self.st.step += 1
        self.st.batch += 1
        self.st.loss_sum += float(loss.detach())
        self.st.loss_n += 1
        self.bar.update(1)

    def _limit(self, steps_this_call: int, step_budget: int | None) -> str | None:
        if self.st.epoch >= self.tc.max_epochs:
            return "max_epochs"
        if self.tc.max_steps and self.st.step >= self.tc.max_steps:
            return "max_steps"
        if step_budget is not None and steps_this_call >= step_budget:
            return "budget"
        return None

    def run(self, progress: bool | None, step_budget: int | None,
            on_step: Callable[[int], None] | None) -> str:
        """Train until solved or a limit; returns why it stopped."""
        st, tc = self.st, self.tc
        n_batches = math.ceil(self.n_epoch / tc.batch_size)
        total = min(tc.max_epochs * n_batches, tc.max_steps or tc.max_epochs * n_batches)
        self.bar = _progress(progress, total, st.step)
        self.model.train()
        done, stop = 0, None
        try:
            with _StopFlag() as flag:
                while st.stopped is None and (stop := self._limit(done, step_budget)) is None:
                    batches = epoch_batches(self.n_epoch, tc.batch_size, tc.seed_data, st.epoch)
                    while st.stopped is None and st.batch < len(batches):
                        if (stop := self._limit(done, step_budget)) is not None:
                            break
                        self.step(batches[st.batch])
                        done += 1
                        if tc.eval_every and st.step % tc.eval_every == 0 and self.evaluate_train():
                            st.stopped = "solved"
                        if st.stopped or st.step % tc.checkpoint_every == 0:
                            self.checkpoint()
                        if on_step is not None:
                            on_step(st.step)
                        if flag.signum is not None:
                            raise Interrupted(flag.signum)
                    if stop is not None:
                        break
                    if st.stopped is None:       # the end of an epoch
                        st.epoch, st.batch = st.epoch + 1, 0
                        if not tc.eval_every and self.evaluate_train():
                            st.stopped = "solved"
                        self.checkpoint()
        except KeyboardInterrupt:
            self.checkpoint()
            raise
        if stop == "budget" and st.stopped is None:
            self.checkpoint()                    # a paused run continues when called again
            return "budget"
        st.stopped = st.stopped or stop
        if not st.train or st.loss_n:
            self.evaluate_train()
        self.checkpoint()
        return st.stopped
