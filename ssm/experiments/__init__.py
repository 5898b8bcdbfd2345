"""The paper's experiments as a library: grid, run selection, agreement, executors.

``python -m analyses.reproduce`` wires these together; use them directly to run a custom grid:

>>> from ssm.experiments import CELLS, build_jobs, get_preset
>>> len(build_jobs(get_preset("paper", True, None)))
36
"""
from ssm.experiments.agreement import THRESHOLD, agreement, verdict_label, verdicts
from ssm.experiments.estimate import estimate_seconds, format_estimate
from ssm.experiments.executors import EXECUTORS, estimate_grid, job_dir, run_job, run_jobs
from ssm.experiments.grid import CELLS, PRESETS, Cell, Job, Preset, build_jobs, get_cell, get_preset
from ssm.experiments.seed_stats import (agreement_by_family, grid_statistics, majority_agreement,
                                        seed_statistics)
from ssm.experiments.disagreements import read_disagreements
from ssm.experiments.selection import bin_accuracy, select_best

__all__ = ["CELLS", "PRESETS", "Cell", "Job", "Preset", "build_jobs", "get_cell", "get_preset",
           "run_job", "run_jobs", "job_dir", "EXECUTORS", "select_best", "bin_accuracy",
           "agreement", "verdict_label", "verdicts", "THRESHOLD", "seed_statistics",
           "majority_agreement", "agreement_by_family", "estimate_seconds", "format_estimate",
           "estimate_grid", "grid_statistics", "read_disagreements"]
