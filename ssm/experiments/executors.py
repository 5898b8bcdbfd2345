"""Running a grid: every job trains in ``<out>/runs/<run_id>``, sequentially, in a local process
pool or on a Ray cluster; finished jobs are loaded, never re-run.

Provenance: before anything runs, every job's directory is checked against the job's resolved
configuration (:class:`ssm.run_dir.RunDir`): a directory holding a run of another configuration
(e.g. a changed ``--set``) is refused with the keys that differ, or with ``rerun=True`` the job
trains into a fresh sibling directory (:func:`ssm.run_dir.fresh_run_dir`).

On Ray (``executor="ray"``, ``ray_address`` for an existing cluster, else a local instance that
is shut down afterwards) finished runs are reused exactly as locally (a run directory is reused
only for the same config hash, :mod:`ssm.run_dir`) and a job that fails is submitted once more
(it resumes from its checkpoint) before its error is recorded.

Workers are fresh processes: ``initializer`` (e.g. the command line's plugin loader) runs in each
before its first job, and ``env`` adds environment variables to Ray workers.
"""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import torch

from automata.languages import PAPER_SUITE
from ssm.errors import ConfigError
from ssm.experiment_config import ExperimentConfig
from ssm.experiments.estimate import estimate_seconds, format_estimate
from ssm.experiments.grid import Job
from ssm.run_dir import RunDir, fresh_run_dir
from ssm.train import TrainResult, resolve_config, summarize, train

__all__ = ["run_job", "run_jobs", "job_dir", "EXECUTORS", "estimate_grid", "drive"]

EXECUTORS = ("local", "ray")


def job_dir(out: Path, job: Job) -> Path:
    """The run directory of ``job`` under the sweep's ``out``."""
    return Path(out) / "runs" / job.run_id


def run_job(cfg_dict: dict, run_dir: str, threads: int = 1) -> dict:
    """Worker: train one job (resuming if possible) and return its summary."""
    torch.set_num_threads(threads)
    cfg = ExperimentConfig.from_dict(cfg_dict)
    return summarize(train(cfg, run_dir, progress=False), Path(run_dir))


def _row(job: Job, summary: dict | None, error: str | None, run_dir: Path) -> dict[str, Any]:
    row: dict[str, Any] = {"run_id": job.run_id, "language": job.language,
                           "group": PAPER_SUITE.get(job.language), "cell": job.cell.name,
                           "arch": job.cell.arch, "gate": job.cell.gate, "layers": job.cell.layers,
                           "family": job.cell.family, "width": job.width, "lr": job.lr,
                           "seed": job.seed, "out": str(run_dir), "error": error, "bins": []}
    if summary is not None:
        row.update({k: summary[k] for k in ("task", "steps", "epochs", "seconds", "stopped",
                                            "train_string_accuracy", "bins")})
    return row


def _one_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0] if msg else ''}"


def _plan(jobs: Sequence[Job], out: Path, rerun: bool) -> list[tuple[Path, dict, TrainResult | None]]:
    """Per job: its directory, its config and its stored result (checked before anything runs)."""
    plan = []
    for job in jobs:
        cfg = job.config()
        resolved = resolve_config(cfg, cfg.resolve_language()).to_dict()
        d = job_dir(out, job)
        if rerun:
            d = fresh_run_dir(d, resolved)
        RunDir(d).check(resolved)  # a changed --set: refuse, naming what differs
        done = RunDir(d).load_result()
        plan.append((d, cfg.to_dict(), None if done is None else TrainResult.from_dict(done)))
    return plan


def estimate_grid(jobs: Sequence[Job], out: Path, workers: int) -> dict[str, Any]:
    """:func:`ssm.experiments.estimate.estimate_seconds` for ``jobs`` with the finished runs
    under ``out`` (nothing is written)."""
    finished = {}
    for job in jobs:
        done = RunDir(job_dir(out, job)).load_result() if job_dir(out, job).exists() else None
        if done is not None:
            finished[job.run_id] = TrainResult.from_dict(done).seconds
    return estimate_seconds(jobs, finished, workers)


def run_jobs(jobs: Sequence[Job], out: Path, *, n_jobs: int = 1, threads: int = 1,
             executor: str = "local", ray_address: str | None = None,
             log: Callable[[str], None] | None = None, rerun: bool = False,
             initializer: Callable[..., None] | None = None, initargs: tuple = (),
             env: Mapping[str, str] | None = None) -> list[dict]:
    """Run (or load) every job; returns one row per job, in job order.

    A job that raises a ``ValueError`` or ``RuntimeError`` is recorded with its one-line
    ``error`` and the sweep goes on.
    """
    if executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {executor!r}; choose {' or '.join(EXECUTORS)}")
    if n_jobs < 1 or threads < 1:
        raise ConfigError(f"jobs and threads must be >= 1, got {n_jobs} and {threads}")
    log = log or (lambda s: None)
    plan = _plan(jobs, Path(out), rerun)
    rows: list[dict | None] = [None] * len(jobs)
    for i, (d, _, done) in enumerate(plan):
        if done is not None:
            rows[i] = _row(jobs[i], summarize(done, d), None, d)
    todo = [i for i, r in enumerate(rows) if r is None]
    log(f"{len(jobs) - len(todo)} of {len(jobs)} runs already finished; running {len(todo)}")
    finished = {jobs[i].run_id: done.seconds for i, (_, _, done) in enumerate(plan) if done is not None}
    log(format_estimate(estimate_seconds(jobs, finished, n_jobs if executor == "local" else 1))
        + ("" if executor == "local" else " for one worker"))

    def finish(i: int, summary: dict | None, error: str | None) -> None:
        rows[i] = _row(jobs[i], summary, error, plan[i][0])
        acc = " ".join("–" if b["string_accuracy"] is None else f"{b['string_accuracy']:.3f}"
                       for b in rows[i]["bins"])
        log(f"[{sum(r is not None for r in rows)}/{len(jobs)}] {jobs[i].run_id}: "
            + (f"error: {error}" if error else f"train {summary['train_string_accuracy']:.3f} "
               f"bins {acc} ({summary['seconds']:.0f}s)"))

    payloads = {i: (plan[i][1], str(plan[i][0]), threads) for i in todo}
    if executor == "ray":
        _run_ray(todo, payloads, finish, ray_address, env or {}, log)
    elif n_jobs == 1:
        for i in todo:
            try:
                finish(i, run_job(*payloads[i]), None)
            except (ValueError, RuntimeError) as e:
                finish(i, None, _one_line(e))
    else:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp.get_context("spawn"),
                                 initializer=initializer, initargs=initargs) as pool:
            futs = {pool.submit(run_job, *payloads[i]): i for i in todo}
            for f in as_completed(futs):
                try:
                    finish(futs[f], f.result(), None)
                except (ValueError, RuntimeError) as e:
                    finish(futs[f], None, _one_line(e))
    return [r for r in rows if r is not None]


def drive(todo: Sequence[int], submit: Callable[[int], Any], wait: Callable[[list], tuple[list, list]],
          get: Callable[[Any], dict], finish: Callable[[int, dict | None, str | None], None],
          retries: int = 1, log: Callable[[str], None] | None = None) -> None:
    """Gather remote jobs as they finish: ``submit(i)`` starts job ``i`` and returns a handle,
    ``wait(handles)`` returns ``(ready, pending)``, ``get(handle)`` its summary or raises. A job
    that raises is submitted again up to ``retries`` times (it resumes from its checkpoint), then
    recorded with its one-line error.

    >>> attempts = []
    >>> def get(i):
    ...     attempts.append(i)
    ...     if attempts.count(i) == 1 and i == 1:
    ...         raise RuntimeError("worker died")
    ...     return {"job": i}
    >>> done = {}
    >>> drive([0, 1], lambda i: i, lambda p: (p[:1], p[1:]), get,
    ...       lambda i, s, e: done.update({i: (s, e)}))
    >>> done, attempts
    ({0: ({'job': 0}, None), 1: ({'job': 1}, None)}, [0, 1, 1])
    """
    log = log or (lambda s: None)
    handles: dict[Any, tuple[int, int]] = {}
    for i in todo:
        handles[submit(i)] = (i, 0)
    pending = list(handles)
    while pending:
        ready, pending = wait(pending)
        pending = list(pending)
        for h in ready:
            i, attempt = handles.pop(h)
            try:
                summary = get(h)
            except Exception as e:  # noqa: BLE001 - a RayTaskError wraps the job's exception
                if attempt < retries:
                    log(f"job {i} failed ({_one_line(e)}); retrying")
                    new = submit(i)
                    handles[new] = (i, attempt + 1)
                    pending.append(new)
                else:
                    finish(i, None, _one_line(e))
                continue
            finish(i, summary, None)


def _run_ray(todo, payloads, finish, address, env, log=None) -> None:
    try:
        import ray  # optional extra
    except ImportError:
        raise ConfigError("--executor ray needs the optional extra: pip install 'ssm-expressivity[ray]'") from None
    import os

    # workers import analyses/ssm/automata from this checkout (a cluster needs it installed or
    # on a shared path)
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    started = not ray.is_initialized()
    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path, "OMP_NUM_THREADS": "1", **env}})
    try:
        remote = ray.remote(num_cpus=1)(run_job)
        drive(todo, lambda i: remote.remote(*payloads[i]),
              lambda pending: ray.wait(pending, num_returns=1), ray.get, finish, retries=1, log=log)
    finally:
        if started and address is None:
            ray.shutdown()
