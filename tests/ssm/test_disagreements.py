"""The disagreement reader: which cells it lists and the reading its one rule gives."""
from __future__ import annotations

from analyses.reproduce_report import disagreement_lines
from ssm.experiments.disagreements import (CAPACITY, CHALLENGED, LENGTH, NO_FIT, SEEDS,
                                           read_disagreements, reading_counts)


def run(cell, seed, train, b2, lang="p", b3=None):
    bins = [{"string_accuracy": 1.0, "max_length": 50}, {"string_accuracy": b2, "max_length": 100}]
    if b3 is not None:
        bins.append({"string_accuracy": b3, "max_length": 150})
    return {"language": lang, "cell": cell, "seed": seed, "error": None,
            "train_string_accuracy": train, "group": "g", "bins": bins}


def seeds(cell, trains, b2s, **kw):
    return [run(cell, s, t, b, **kw) for s, (t, b) in enumerate(zip(trains, b2s))]


YES = {"p": {"ssm_signed": {"label": "yes", "layers": 1}, "ssm_nonnegative": {"label": "no"},
             "lstm": {"label": "yes"}}}


def by_cell(ds):
    return {d["cell"]: d for d in ds}


def test_agreeing_and_undecided_cells_are_not_listed():
    rows = seeds("mamba-signed-L1", (1, 1, 1), (1, 1, 0.95))       # yes, solved
    rows += seeds("mamba-nonneg-L1", (0.6, 0.6, 0.6), (0.2, 0.3, 0.1))  # no, not solved
    rows += seeds("mamba-complex-L1", (0.2, 0.2, 0.2), (0.1, 0.1, 0.1))  # no verdict: undecided
    assert read_disagreements(rows, YES) == []
    assert disagreement_lines([])[-2].startswith("None")


def test_does_not_fit_training_set():
    rows = seeds("mamba-signed-L1", (0.5, 0.7, 0.2), (0.1, 0.2, 0.0))
    (d,) = read_disagreements(rows, YES)
    assert d["reading"] == NO_FIT and d["fits_train"] == 0
    assert "70.0 %" in d["evidence"]            # the best training accuracy is named
    assert (d["best_of_k_agrees"], d["majority_agrees"]) == (False, False)


def test_length_generalization_when_a_seed_fits():
    rows = seeds("mamba-signed-L1", (1.0, 0.95, 0.2), (0.5, 0.2, 0.0))
    (d,) = read_disagreements(rows, YES)
    assert d["reading"] == LENGTH and d["fits_train"] == 2


def test_capacity_needs_the_deeper_cell_to_solve_by_majority():
    shallow = seeds("mamba-signed-L1", (1.0, 1.0, 1.0), (0.5, 0.2, 0.1))
    one_of_three = seeds("mamba-signed-L2", (1, 1, 1), (1.0, 0.2, 0.1))
    d = by_cell(read_disagreements(shallow + one_of_three, YES))["mamba-signed-L1"]
    assert d["reading"] == LENGTH
    assert d["deeper"] == [("mamba-signed-L2", 1, 3)]
    two_of_three = seeds("mamba-signed-L2", (1, 1, 1), (1.0, 0.95, 0.1))
    d = by_cell(read_disagreements(shallow + two_of_three, YES))["mamba-signed-L1"]
    assert d["reading"] == CAPACITY


def test_other_gates_are_not_deeper_but_yes_solvers_are_peers():
    rows = seeds("mamba-signed-L1", (0.3, 0.3, 0.3), (0.0, 0.0, 0.0))
    rows += seeds("lstm-L1", (1, 1, 1), (1, 1, 1))
    rows += seeds("mamba-nonneg-L2", (1, 1, 1), (1, 1, 1))          # solved, but verdict no
    ds = by_cell(read_disagreements(rows, YES))
    d = ds["mamba-signed-L1"]
    assert d["deeper"] == [] and d["peers"] == [("lstm-L1", 3, 3)]
    # the solved "no" cell is itself a disagreement, read as a challenge up to the test length
    n = ds["mamba-nonneg-L2"]
    assert n["reading"] == f"{CHALLENGED} up to length 100"


def test_challenged_no_reports_the_longest_bin():
    rows = seeds("mamba-nonneg-L1", (1, 1, 1), (0.95, 0.99, 0.2), b3=0.4)
    (d,) = read_disagreements(rows, YES)
    assert d["reading"] == f"{CHALLENGED} up to length 150"
    assert "best 40.0 %" in d["evidence"]
    assert [s["last_bin"] for s in d["seeds"]] == [0.4, 0.4, 0.4]
    assert reading_counts([d])[CHALLENGED] == 1


def test_best_of_k_and_majority_can_differ():
    # best-of-k picks seed 0 by bin 1 (all tie at 1.0, then training accuracy): it solves
    rows = seeds("mamba-signed-L1", (1.0, 0.5, 0.5), (0.95, 0.1, 0.1))
    (d,) = read_disagreements(rows, YES)
    assert (d["best_of_k_agrees"], d["majority_agrees"]) == (True, False)
    assert d["reading"] == SEEDS and "1/3 seeds solve it" in d["evidence"]
    line = disagreement_lines([d])[-1]
    assert "| yes / no |" in line and "100 / 50 / 50" in line
