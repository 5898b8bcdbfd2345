"""analyses.study_training: the grid, the choice of the best run, the figures' encodings."""
from __future__ import annotations

import pytest

from analyses.study_training import accuracy_figure, best_per_family, cell_label, grid_configs
from ssm.architectures import family_of
from ssm.errors import SSMError


def test_grid_spans_gates_and_baselines_with_registry_families():
    cfgs = grid_configs("parity", None, ssm_arch="diagonal", layers=[1, 2], preset="quick",
                        overrides=["train.max_steps=3"])
    labels = [cell_label(c.model.to_dict()) for c in cfgs]
    assert len(labels) == len(set(labels)) == 12
    fams = {family_of(c.model) for c in cfgs}
    assert fams == {"ssm_nonnegative", "ssm_signed", "ssm_complex", "ssm_time_invariant",
                    "lstm", "transformer_soft"}
    assert all(c.train.max_steps == 3 and c.model.width == 32 for c in cfgs)
    with pytest.raises(SSMError, match="no gate 'purple'"):
        grid_configs("parity", None, ssm_arch="diagonal", layers=[1], preset="quick",
                     overrides=[], gates=["purple"])


def _row(fam, layers, accs, error=None, train=1.0):
    return {"family": fam, "layers": layers, "label": f"{fam}-L{layers}", "error": error,
            "train_string_accuracy": train,
            "bins": [] if error else [{"string_accuracy": a, "min_length": 1 + 20 * i,
                                       "max_length": 20 * (i + 1), "n_strings": 10}
                                      for i, a in enumerate(accs)]}


def test_best_per_family_skips_failures_and_prefers_bin_one():
    rows = [_row("lstm", 1, [0.5, 0.1]), _row("lstm", 2, [0.9, 0.0]),
            _row("ssm_signed", 1, [1.0, 1.0], error="boom"), _row("ssm_signed", 2, [0.2, 0.2])]
    best = best_per_family(rows)
    assert best["lstm"]["layers"] == 2 and best["ssm_signed"]["layers"] == 2


def test_accuracy_figure_tells_zero_from_missing_and_shows_verdicts():
    yes = {"lstm": {"expressible": "yes"}}
    no = {"lstm": {"expressible": "no"}}
    zero = accuracy_figure([_row("lstm", 1, [1.0, 0.0])], yes)
    missing = accuracy_figure([_row("lstm", 1, [1.0, None])], yes)
    assert zero.startswith(b"\x89PNG") and zero != missing
    assert accuracy_figure([_row("lstm", 1, [1.0, 0.0])], no) != zero
    assert accuracy_figure([_row("lstm", 1, [1.0, 0.0])], yes) == zero
