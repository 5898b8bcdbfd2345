"""How long a grid will take, from measured per-run times, printed before anything runs.

Each job's cost is the mean ``seconds`` of the finished runs of the same cell in this sweep when
there are any (the measurement on this machine), else :data:`MEASURED_SECONDS` for the cell's
kind at a reference budget (measured once, docs/training.md), scaled by the job's budget
relative to that one (training strings × epochs, beside a fixed share) and, for a cell of another
layer count, by its layers. The wall time is the total divided by the parallel workers.

>>> from ssm.experiments.grid import build_jobs, get_preset
>>> jobs = build_jobs(get_preset("paper", False, "cpu_grid"), languages=["parity"],
...                   cells=["mamba-signed-L1", "lstm-L1"])
>>> est = estimate_seconds(jobs, finished={}, workers=1)
>>> est["runs"], est["measured_cells"], est["seconds"] > 0
(2, 0, True)
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping, Sequence

from ssm.experiments.grid import Job

__all__ = ["MEASURED_SECONDS", "estimate_seconds", "format_estimate", "key_of"]

#: CPU seconds of one full run (early stopping off) at the reference budget (1,000 training
#: strings of lengths 1-50, 10 epochs = 320 steps of batch 32, 3 × 300 test strings, width 32,
#: d_state 4, one torch thread), per (arch, gate or None, layers). Measured 2026-12-02 with
#: ``python -m benchmarks.grid_cost --preset cpu_grid --language tomita3 --steps 32 --set
#: data.n_train=1000 ...``: the full mamba-nonneg-L1 run took 22.7 CPU s and its first epoch
#: 5.0 CPU s; every other cell's one-epoch CPU time is scaled by the same 22.7 / 5.0. CPU time,
#: not wall time: the machine was shared (load 9-21 on 2 cores), so wall time measured the
#: neighbours.
MEASURED_SECONDS: dict[tuple[str, str | None, int], float] = {
    ("mamba", "nonnegative", 1): 22.7, ("mamba", "nonnegative", 2): 26.3,
    ("mamba", "signed", 1): 23.2, ("mamba", "signed", 2): 32.7,
    ("mamba", "complex", 1): 50.4, ("mamba", "complex", 2): 94.4,
    ("mamba", "time_invariant", 1): 29.1, ("lstm", None, 1): 12.7, ("transformer", None, 2): 28.6,
    # DeltaNet / DeltaProduct (n_h in the gate slot): measured 2026-12-02 beside mamba-nonneg-L1
    # in one ``benchmarks.grid_cost --steps 32`` run (52.3, 30.1, 42.1, 71.2 CPU s projected for
    # mamba-nonneg-L1, deltanet-b02-L1, deltaproduct2, deltaproduct4) and scaled to this table by
    # 22.7 / 52.3; n_h = 3 interpolated.
    ("deltanet", None, 1): 13.1, ("deltaproduct", "n_h=2", 1): 18.3,
    ("deltaproduct", "n_h=3", 1): 24.6, ("deltaproduct", "n_h=4", 1): 30.9,
}
_BUDGET = 1000 * 10          # training strings × epochs of the measurement
#: Share of a reference run that does not scale with strings × epochs (data, model, evaluation):
#: the first epoch of mamba-nonneg-L1 took 5.0 of 22.7 CPU s, so 5.0 - (22.7 - 5.0) / 9 = 3.0 s.
_FIXED = 3.0 / 22.7
#: Training lengths of the measurement (1..50). A run on lengths 1..L costs about
#: ``_LEN_FIXED + (1 - _LEN_FIXED) · L / 50`` of one on 1..50: measured 2026-12-02 with
#: ``benchmarks.grid_cost --steps 32`` at L = 16 against L = 50 (same budget otherwise), the
#: ratio was 0.32-0.65 over mamba-nonneg/complex-L1, lstm-L1, deltanet-b02-L1 and
#: deltaproduct4-b02-L1 (mean 0.46), which this fits at L = 16.
_REF_LENGTH = 50
_LEN_FIXED = 0.2


def key_of(job: Job) -> tuple[str, str | None, int]:
    if job.cell.arch == "deltaproduct":
        return job.cell.arch, f"n_h={dict(job.cell.options).get('n_householder', 2)}", job.cell.layers
    gate = job.cell.gate if job.cell.arch in ("mamba", "diagonal") else None
    return job.cell.arch, gate, job.cell.layers


def _table_cost(job: Job) -> float:
    cfg = job.config()
    scale = _FIXED + (1 - _FIXED) * cfg.data.n_train * cfg.train.max_epochs / _BUDGET
    scale *= _LEN_FIXED + (1 - _LEN_FIXED) * cfg.data.train_max_length / _REF_LENGTH
    arch, gate, layers = key_of(job)
    if (arch, gate, layers) in MEASURED_SECONDS:
        return MEASURED_SECONDS[(arch, gate, layers)] * scale
    same = [(k[2], v) for k, v in MEASURED_SECONDS.items() if k[:2] == (arch, gate)]
    if not same:
        same = [(k[2], v) for k, v in MEASURED_SECONDS.items()]
    if not same:
        return 60.0 * layers * scale
    k, v = min(same, key=lambda kv: abs(kv[0] - layers))
    return v * layers / k * scale


def estimate_seconds(jobs: Sequence[Job], finished: Mapping[str, float], workers: int) -> dict[str, Any]:
    """``{"runs", "todo", "seconds", "measured_cells"}``: the wall time of the jobs not in
    ``finished`` (run id -> seconds it took)."""
    by_cell: dict[str, list[float]] = defaultdict(list)
    for job in jobs:
        if job.run_id in finished:
            by_cell[job.cell.name].append(float(finished[job.run_id]))
    total = 0.0
    todo = 0
    for job in jobs:
        if job.run_id in finished:
            continue
        todo += 1
        seen = by_cell.get(job.cell.name)
        total += sum(seen) / len(seen) if seen else _table_cost(job)
    return {"runs": len(jobs), "todo": todo, "seconds": total / max(1, workers),
            "measured_cells": len(by_cell)}


def format_estimate(est: Mapping[str, Any]) -> str:
    """One line for the log.

    >>> format_estimate({"runs": 10, "todo": 4, "seconds": 5400, "measured_cells": 2})
    'estimate: 4 of 10 runs to go, about 90 min (per-run times measured here for 2 cells, the rest from the table)'
    """
    return (f"estimate: {est['todo']} of {est['runs']} runs to go, about {est['seconds'] / 60:.0f} min "
            f"(per-run times measured here for {est['measured_cells']} cells, the rest from the table)")
