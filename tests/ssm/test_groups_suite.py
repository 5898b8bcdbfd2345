"""The ``groups`` suite: word problems x diagonal / Householder / LSTM cells, predicted vs observed."""
from __future__ import annotations

import pytest

from ssm.errors import ConfigError
from ssm.experiments import build_jobs, get_cell, get_preset
from ssm.experiments.grid import GROUP_CELLS, GROUP_LANGUAGES, groups_preset


def test_the_quick_preset_covers_every_group_and_model_kind():
    p = get_preset("groups", True, None)
    assert p.languages == GROUP_LANGUAGES and len(p.languages) == 12
    assert {get_cell(c).family for c in p.cells} == {
        "ssm_nonnegative", "ssm_signed", "ssm_complex", "lrnn_householder_positive",
        "lrnn_householder", "lstm"}
    jobs = build_jobs(p, languages=["word_problem_z2"])
    assert len(jobs) == 12
    assert {"deltaproduct4-b02-L1", "mamba-complex-L2"} <= set(p.cells)
    cfg = jobs[0].config()
    assert cfg.task == "state" and cfg.data.train_max_length == 16
    assert cfg.data.eval_bins == ((1, 16), (17, 32), (33, 64))      # L, 2L, 4L


def test_the_full_preset_has_two_layers_and_two_widths():
    p = groups_preset(False)
    assert len(build_jobs(p, languages=["word_problem_s5"])) == 15 * 2 * 2
    assert "deltaproduct3-b02-L2" in p.cells and "lstm-L1" in p.cells


@pytest.mark.parametrize("cell, arch, family, nh, beta", [
    ("deltanet-b01-L1", "deltanet", "lrnn_householder_positive", 1, [0.0, 1.0]),
    ("deltanet-b02-L2", "deltanet", "lrnn_householder", 1, [0.0, 2.0]),
    ("deltaproduct3-b02-L1", "deltaproduct", "lrnn_householder", 3, [0.0, 2.0]),
])
def test_householder_cells_carry_their_options_into_the_model(cell, arch, family, nh, beta):
    c = get_cell(cell)
    assert c is GROUP_CELLS[cell] and c.family == family
    m = c.model(32)
    assert m.arch == arch and m.option("n_householder") == nh and m.option("beta_range") == beta


def test_groups_suite_refuses_paper_presets_and_unknown_suites():
    with pytest.raises(ConfigError, match="paper-suite preset"):
        get_preset("groups", True, "flip_flop")
    with pytest.raises(ConfigError, match="paper, groups"):
        get_preset("group", True, None)


@pytest.mark.slow
def test_tiny_groups_grid_end_to_end(tmp_path):
    import analyses.reproduce as rep

    tiny = ["model.width=8", "model.d_state=4", "data.n_train=16", "data.n_eval=4",
            "train.max_epochs=1", "train.batch_size=16"]
    argv = ["--suite", "groups", "--quick", "--languages", "word_problem_s3",
            "--cells", "deltanet-b02-L1,mamba-nonneg-L1", *[x for o in tiny for x in ("--set", o)],
            "--out", str(tmp_path), "--quiet"]
    assert rep.main(argv) == 0
    table = (tmp_path / "table.md").read_text()
    # the classifier's verdicts for S_3: Householder products yes in one layer, non-negative no
    assert "| word_problem_s3 | – | deltanet-b02-L1 | yes (" in table
    assert "| word_problem_s3 | – | mamba-nonneg-L1 | no (" in table
