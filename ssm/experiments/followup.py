"""Follow-up runs for the yes cells that were not learned: a wider model and a longer budget.

``python -m analyses.reproduce ... --check-disagreements`` runs, after the sweep, every check of
:data:`CHECKS` for every disagreeing cell whose verdict is yes
by the paper's rule, best-of-k (:func:`ssm.experiments.disagreements.read_disagreements`), on
the cell's best-of-k run (its seed, learning rate and data): the same job at width 64, and the same job with three times the
epochs. The checks are the same for every such cell (nothing is chosen per cell or per verdict)
and their runs live under ``OUT/checks/<check>/`` (resumable like the sweep). A no that was
solved gets no check here: what it needs is longer test strings, not a bigger model; nor does a
yes whose best-of-k run solves it while most seeds do not (its best run needs no help).

:func:`attach_checks` adds each check's training and bin-2 accuracy to the disagreement row and
refines its reading: ``capacity (width 64 solves)`` when the wider model solves it, else
``budget (3x epochs solves)`` when the longer run does, else the reading stays and the checks'
figures join its evidence.

>>> from ssm.experiments.grid import Job, get_cell
>>> job = Job("parity", get_cell("mamba-signed-L1"), 32, 3e-3, 1, ("train.max_epochs=6",))
>>> [(name, j.width, j.overrides[-1]) for name, j in ((n, c(job)) for n, c in CHECKS.items())]
[('width 64', 64, 'train.max_epochs=6'), ('3x epochs', 32, 'train.max_epochs=18')]
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ssm.experiments.agreement import THRESHOLD
from ssm.experiments.grid import Job
from ssm.experiments.selection import bin_accuracy

__all__ = ["CHECKS", "check_slug", "check_jobs", "attach_checks", "run_checks"]


def _wider(job: Job) -> Job:
    return replace(job, width=64)


def _longer(job: Job) -> Job:
    epochs = job.config().train.max_epochs
    return replace(job, overrides=tuple(job.overrides) + (f"train.max_epochs={3 * epochs}",))


#: The follow-up checks, in the order they refine a reading.
CHECKS: dict[str, Callable[[Job], Job]] = {"width 64": _wider, "3x epochs": _longer}
_READING = {"width 64": "capacity (width 64 solves)", "3x epochs": "budget (3x epochs solves)"}


def check_slug(name: str) -> str:
    """The directory name of a check (``"3x epochs"`` -> ``"3x_epochs"``)."""
    return name.replace(" ", "_")


def check_jobs(disagreements: Sequence[Mapping[str, Any]], jobs: Sequence[Job]
               ) -> dict[str, list[Job]]:
    """``check name -> jobs``: one job per check for every yes cell that disagrees by best-of-k,
    derived from the job of the cell's best-of-k run (``best_run``); cells whose best run is
    not among ``jobs`` are skipped."""
    by_id = {j.run_id: j for j in jobs}
    base = [by_id[d["best_run"]] for d in disagreements
            if d["verdict"] == "yes" and d["best_of_k_agrees"] is False
            and d.get("best_run") in by_id]
    return {name: [make(j) for j in base] for name, make in CHECKS.items()}


def attach_checks(disagreements: Sequence[dict[str, Any]],
                  checks: Mapping[str, Sequence[Mapping[str, Any]]],
                  threshold: float = THRESHOLD) -> None:
    """Add ``checks = {name: {"train", "bin2"}}`` to the disagreement rows (in place) from the
    checks' result rows (``name -> rows`` of :func:`ssm.experiments.run_jobs`) and refine the
    reading as the module says."""
    found = {name: {(r["language"], r["cell"]): r for r in rows} for name, rows in checks.items()}
    for d in disagreements:
        key = (d["language"], d["cell"])
        got = {name: {"train": r.get("train_string_accuracy"), "bin2": bin_accuracy(r, 1),
                      "error": r.get("error")}
               for name, rows in found.items() if (r := rows.get(key)) is not None}
        if not got:
            continue
        d["checks"] = got
        solved = [n for n in CHECKS if n in got and (got[n]["bin2"] or 0.0) >= threshold]
        if solved:
            d["reading"] = _READING[solved[0]]
        d["evidence"] += "; " + ", ".join(
            f"{n}: " + ("failed" if c["error"] else
                        "–" if c["bin2"] is None else f"bin 2 {100 * c['bin2']:.0f} %")
            for n, c in got.items())


def run_checks(rows: Sequence[dict], jobs: Sequence[Job], out: Path,
               log: Callable[[str], None] = lambda s: None, **run_kwargs: Any
               ) -> dict[str, list[dict]]:
    """Run the checks of the sweep's disagreements (``rows``, ``jobs``: the sweep's) under
    ``out/checks/<check>/``; returns ``check name -> rows`` for :func:`attach_checks`.
    ``run_kwargs`` go to :func:`ssm.experiments.run_jobs` (jobs, executor, ...)."""
    from ssm.experiments.disagreements import read_disagreements
    from ssm.experiments.executors import run_jobs
    from ssm.experiments.seed_stats import grid_statistics

    g = grid_statistics(rows)
    todo = check_jobs(read_disagreements(rows, g["verdicts"], stats=g["stats"]), jobs)
    log(f"checks: {sum(map(len, todo.values()))} follow-up runs for "
        f"{len(next(iter(todo.values()), []))} disagreeing yes cells ({', '.join(todo)})")
    return {name: run_jobs(cj, Path(out) / "checks" / check_slug(name), log=log, **run_kwargs)
            for name, cj in todo.items() if cj}
