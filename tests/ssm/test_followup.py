"""Follow-up checks of the disagreeing yes cells: which jobs, and how they refine the reading."""
from __future__ import annotations

import json

import analyses.reproduce as rep
from ssm.experiments.disagreements import NO_FIT, read_disagreements
from ssm.experiments.followup import CHECKS, attach_checks, check_jobs
from ssm.experiments.grid import Job, get_cell
from tests.ssm.test_disagreements import YES, seeds


def _with_ids(rows):
    for r in rows:
        r["run_id"] = f"{r['language']}/{r['cell']}-W32-lr0.003-s{r['seed']}"
    return rows


def _jobs(rows):
    return [Job(r["language"], get_cell(r["cell"]), 32, 3e-3, r["seed"], ("train.max_epochs=6",))
            for r in rows]


def test_checks_derive_from_the_best_run_of_yes_cells_only():
    rows = _with_ids(seeds("mamba-signed-L1", (0.5, 1.0, 0.2), (0.1, 0.2, 0.0))
                     + seeds("mamba-nonneg-L1", (1, 1, 1), (1, 1, 1)))      # a solved no
    gaps = read_disagreements(rows, YES)
    assert {d["cell"] for d in gaps} == {"mamba-signed-L1", "mamba-nonneg-L1"}
    todo = check_jobs(gaps, _jobs(rows))
    assert list(todo) == list(CHECKS)
    # a yes whose best-of-k run solves it (most seeds do not) gets no check
    solved_best = _with_ids(seeds("mamba-signed-L2", (1.0, 0.5, 0.5), (0.95, 0.1, 0.1)))
    assert check_jobs(read_disagreements(solved_best, YES), _jobs(solved_best)) == \
        {name: [] for name in CHECKS}
    (wide,), (longer,) = todo["width 64"], todo["3x epochs"]
    assert (wide.cell.name, wide.seed, wide.width) == ("mamba-signed-L1", 1, 64)  # best by bin 1, then train
    assert longer.width == 32 and longer.config().train.max_epochs == 18


def _check_row(cell, train, b2, error=None):
    return {"language": "p", "cell": cell, "train_string_accuracy": train, "error": error,
            "bins": [{"string_accuracy": 1.0}, {"string_accuracy": b2}]}


def test_a_solving_check_sets_the_reading_width_first():
    rows = seeds("mamba-signed-L1", (0.5, 0.6, 0.2), (0.1, 0.2, 0.0))
    (d,) = read_disagreements(rows, YES)
    attach_checks([d], {"width 64": [_check_row("mamba-signed-L1", 1.0, 0.95)],
                        "3x epochs": [_check_row("mamba-signed-L1", 1.0, 0.99)]})
    assert d["reading"] == "capacity (width 64 solves)"
    assert "width 64: bin 2 95 %" in d["evidence"] and "3x epochs: bin 2 99 %" in d["evidence"]


def test_checks_that_do_not_solve_keep_the_reading():
    rows = seeds("mamba-signed-L1", (0.5, 0.6, 0.2), (0.1, 0.2, 0.0))
    (d,) = read_disagreements(rows, YES)
    attach_checks([d], {"width 64": [_check_row("mamba-signed-L1", 0.7, 0.3)],
                        "3x epochs": [_check_row("mamba-signed-L1", None, None, error="boom")]})
    assert d["reading"] == NO_FIT
    assert "width 64: bin 2 30 %" in d["evidence"] and "3x epochs: failed" in d["evidence"]


def test_cli_runs_the_checks_and_reports_them(tmp_path):
    tiny = ["model.d_state=4", "data.n_train=16", "data.n_eval=4", "data.train_max_length=6",
            "data.eval_bins=[[1, 6], [7, 9]]", "train.max_epochs=1", "train.batch_size=16",
            "model.width=4"]
    argv = ["--quick", "--languages", "parity", "--cells", "mamba-signed-L1",
            *[x for o in tiny for x in ("--set", o)], "--out", str(tmp_path), "--quiet",
            "--check-disagreements"]
    assert rep.main(argv) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    gaps = summary["disagreements"]
    (d,) = gaps           # one epoch on 16 strings at width 4 does not learn parity
    assert set(d["checks"]) == set(CHECKS)
    assert (tmp_path / "checks" / "width_64" / "runs" / "parity").is_dir()
    assert (tmp_path / "checks" / "3x_epochs" / "runs" / "parity").is_dir()
    table = (tmp_path / "table.md").read_text()
    assert "## Disagreements, with what was checked" in table and "width 64: " in table
