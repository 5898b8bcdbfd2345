"""analyses.reproduce: a tiny grid end to end, restart skips finished runs, agreement rule."""
from __future__ import annotations

import csv
import json

import pytest

import analyses.reproduce as rep
import ssm.experiments as exp
import ssm.experiments.executors as executors
from analyses.paper_results import PAPER_RESULTS
from automata.languages import PAPER_SUITE


def _csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


TINY = ["model.width=8", "model.d_state=4", "data.n_train=32", "data.n_eval=6",
        "data.train_max_length=6", "data.eval_bins=[[1, 6], [7, 9]]", "train.max_epochs=1",
        "train.batch_size=16"]


def _argv(out, *extra):
    return ["--quick", "--languages", "parity,tomita2", "--cells", "mamba-nonneg-L1",
            *[x for o in TINY for x in ("--set", o)], "--out", str(out), "--quiet", *extra]


def test_tiny_grid_end_to_end_and_restart(tmp_path, monkeypatch, capsys):
    assert rep.main(_argv(tmp_path)) == 0
    rows = _csv(tmp_path / "runs.csv")
    assert sorted(r["language"] for r in rows) == ["parity", "tomita2"]
    assert all(r["selected"] == "True" and r["error"] == "" for r in rows)
    assert {"acc_bin_1_6", "acc_bin_7_9"} <= set(rows[0])
    table = (tmp_path / "table.md").read_text()
    # the classifier's verdicts: parity is not star-free (no for non-negative gates), (10)* is
    assert "| parity | non-star-free | mamba-nonneg-L1 | no (" in table
    assert "| tomita2 | star-free | mamba-nonneg-L1 | yes (" in table and "Agreement" in table
    assert "| 26.95 / 0 |" in table and "| 100 / 100 |" in table  # the paper's Mamba-1 numbers
    assert "--languages parity,tomita2" in table  # the command that produced it
    png = (tmp_path / "figure.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["n_runs"] == 2 and len(summary["selected"]) == 2
    assert "2 runs (0 failed)" in capsys.readouterr().out

    # restart: finished runs are loaded, not trained again
    monkeypatch.setattr(executors, "run_job", lambda *a: pytest.fail("a finished run was re-run"))
    assert rep.main(_argv(tmp_path)) == 0
    assert _csv(tmp_path / "runs.csv") == rows

    # a changed --set is refused, naming the key, and nothing is reused or overwritten
    table_before = (tmp_path / "table.md").read_text()
    assert rep.main(_argv(tmp_path, "--set", "train.lr=0.01")) == 1
    err = capsys.readouterr().err
    assert "differs in: train.lr" in err and "--rerun" in err
    assert (tmp_path / "table.md").read_text() == table_before
    monkeypatch.undo()
    # --rerun trains the changed jobs into fresh directories
    assert rep.main(_argv(tmp_path, "--set", "train.lr=0.01", "--rerun")) == 0
    fresh = _csv(tmp_path / "runs.csv")
    for r in fresh:
        stored = json.loads((__import__("pathlib").Path(r["out"]) / "config.json").read_text())
        assert stored["config"]["train"]["lr"] == 0.01
    assert {r["out"] for r in fresh}.isdisjoint({r["out"] for r in rows})


def test_bad_options_are_one_line_errors(tmp_path, capsys):
    assert rep.main(_argv(tmp_path / "a", "--cells", "mamba-huge")) == 1
    assert "unknown cell 'mamba-huge'" in capsys.readouterr().err
    assert rep.main(_argv(tmp_path / "a", "--cells", "mamba-negative-L1")) == 1
    assert "unknown gate 'negative'" in capsys.readouterr().err
    assert rep.main(_argv(tmp_path / "a", "--cells", "mamaba-L1")) == 1
    assert "unknown arch 'mamaba'" in capsys.readouterr().err
    assert rep.main(["--languages", "tomita33", "--out", str(tmp_path / "b"), "--quiet"]) == 1
    assert "unknown language 'tomita33'" in capsys.readouterr().err
    assert rep.main([*_argv(tmp_path / "c"), "--set", "train.lrate=1"]) == 1
    assert "unknown config key" in capsys.readouterr().err
    for bad in (["--languages", ""], ["--jobs", "0"], ["--threads", "0"], ["--seeds", "-1"]):
        with pytest.raises(SystemExit) as e:
            rep.main([*_argv(tmp_path / "d"), *bad])
        assert e.value.code == 2
    assert not (tmp_path / "d").exists()


def test_presets():
    quick = exp.get_preset("paper", True, None)
    assert len(quick.languages) == 18 and all(PAPER_SUITE[n] != "counter" for n in quick.languages)
    assert set(quick.cells) == {"mamba-nonneg-L1", "mamba-signed-L1"}
    assert len(exp.build_jobs(quick)) == 36
    full = exp.get_preset("paper", False, None)
    jobs = exp.build_jobs(full, languages=["anbn", "parity"], cells=["mamba-nonneg-L1"])
    assert {(j.language, j.lr) for j in jobs} == {("anbn", 1e-5), ("anbn", 3e-5),
                                                  ("parity", 1e-3), ("parity", 1e-4)}
    assert len(jobs) == 2 * 2 * 3  # languages x lrs x widths
    ff = exp.build_jobs(exp.get_preset("paper", True, "flip_flop"))
    assert ff[0].config().resolved_task == "flip_flop"
    assert exp.build_jobs(exp.get_preset("paper", False, "dyck"))[0].config().resolved_task == "dyck"
    assert set(PAPER_RESULTS) <= set(PAPER_SUITE)


def test_cpu_grid_covers_every_family_at_one_budget(tmp_path, capsys):
    grid = exp.get_preset("paper", False, "cpu_grid")
    jobs = exp.build_jobs(grid, seeds=3)
    assert len(grid.languages) == 27 and len(jobs) == 27 * 9 * 3
    assert {exp.get_cell(c).family for c in grid.cells} == {
        "ssm_nonnegative", "ssm_signed", "ssm_complex", "ssm_time_invariant", "lstm",
        "transformer_soft"}
    assert len({repr(j.config().train) for j in jobs if j.seed == 0}) == 1
    assert len({repr(j.config().data) for j in jobs if j.seed == 0}) == 1   # one budget for all
    assert rep.main(["--preset", "cpu_grid", "--seeds", "3", "--jobs", "2", "--estimate",
                     "--out", str(tmp_path / "g")]) == 0
    assert capsys.readouterr().out.startswith("estimate: 729 of 729 runs to go, about ")
    assert not (tmp_path / "g").exists()                                   # nothing written


def _row(lang, cell, accs, train=1.0, error=None):
    return {"run_id": f"{lang}/{cell}/{accs}", "language": lang, "cell": cell, "group": None,
            "error": error, "train_string_accuracy": train,
            "bins": [{"split": f"b{i}", "string_accuracy": a} for i, a in enumerate(accs)]}


def test_selection_uses_bin1_then_train_never_longer_bins():
    rows = [_row("parity", "mamba-signed-L1", [0.5, 1.0]), _row("parity", "mamba-signed-L1", [0.9, 0.0]),
            _row("parity", "mamba-signed-L1", [1.0, 1.0], error="boom")]
    best = exp.select_best(rows)
    assert best[("parity", "mamba-signed-L1")]["bins"][0]["string_accuracy"] == 0.9


def test_agreement_rule():
    best = exp.select_best([_row("parity", "mamba-signed-L1", [1, 0.95]),
                            _row("parity", "mamba-nonneg-L1", [1, 0.95]),
                            _row("tomita6", "mamba-signed-L1", [1, 0.2]),
                            _row("dyck1", "mamba-signed-L1", [1, 0.2]),
                            _row("aaaa_star", "mamba-signed-L1", [1, 0.0])])
    verdicts = {"parity": {"ssm_signed": {"label": "yes", "layers": 1}, "ssm_nonnegative": {"label": "no"}},
                "tomita6": {"ssm_signed": {"label": "no"}},
                "dyck1": {"ssm_signed": {"label": "unbounded-precision"}},
                "aaaa_star": {"ssm_signed": {"label": "yes", "layers": 2}}}  # says nothing of 1 layer
    a = exp.agreement(best, verdicts)
    assert (a["agree"], a["disagree"], a["undecided"]) == (2, 1, 2)
    assert a["rate"] == pytest.approx(2 / 3)
    assert exp.verdict_label({"expressible": True}) == "yes"
    assert exp.verdict_label({"expressible": "no"}) == "no"
    assert exp.verdict_label({"expressible": None}) == "unknown"


# In the default run (ray is in the `test` extra), so the cluster path cannot rot unseen: a local
# Ray instance plus 4 tiny runs took 28 s here (2026-12-02; installing ray: 19 s).
def test_ray_executor(tmp_path, capsys):
    """The cluster path on a local Ray instance: a tiny grid trains, its results land in the
    same CSV/markdown/figure, and a second call reuses every finished run (same config hash)."""
    ray = pytest.importorskip("ray")
    try:
        assert rep.main(_argv(tmp_path, "--executor", "ray", "--seeds", "2")) == 0
        rows = _csv(tmp_path / "runs.csv")
        assert len(rows) == 4 and not any(r["error"] for r in rows)
        assert (tmp_path / "table.md").exists() and (tmp_path / "figure.png").exists()
        assert (tmp_path / "figure_seeds.png").exists()
        stamps = {p: p.stat().st_mtime for p in (tmp_path / "runs").rglob("result.json")}
        assert len(stamps) == 4
        capsys.readouterr()
        main_argv = [a for a in _argv(tmp_path, "--executor", "ray", "--seeds", "2") if a != "--quiet"]
        assert rep.main(main_argv) == 0
        assert "4 of 4 runs already finished; running 0" in capsys.readouterr().err
        assert {p: p.stat().st_mtime for p in stamps} == stamps
    finally:
        ray.shutdown()


def test_remote_jobs_are_retried_once():
    """drive(): a job failing once is resubmitted and succeeds; one failing twice is recorded."""
    calls = []

    def get(h):
        i, attempt = h
        calls.append(h)
        if i == 1 or (i == 2 and attempt == 0):
            raise RuntimeError(f"job {i} broke")
        return {"i": i}

    attempt_of = {}

    def submit(i):
        attempt_of[i] = attempt_of.get(i, -1) + 1
        return (i, attempt_of[i])

    done = {}
    executors.drive([0, 1, 2], submit, lambda p: (p[:1], p[1:]), get,
                    lambda i, s, e: done.update({i: (s, e)}))
    assert done == {0: ({"i": 0}, None), 1: (None, "RuntimeError: job 1 broke"), 2: ({"i": 2}, None)}
    assert sorted(calls) == [(0, 0), (1, 0), (1, 1), (2, 0), (2, 1)]     # at most one retry


def _seeded(lang, cell, seed, accs, train=1.0):
    return {**_row(lang, cell, accs, train), "run_id": f"{lang}/{cell}-s{seed}", "seed": seed}


def test_seed_statistics_best_of_k_mean_std_and_solving_fraction():
    rows = [_seeded("parity", "mamba-signed-L1", 0, [0.99, 0.10]),   # best on bin 1, fails bin 2
            _seeded("parity", "mamba-signed-L1", 1, [0.98, 0.95]),
            _seeded("parity", "mamba-signed-L1", 2, [0.97, 0.92]),
            _seeded("tomita6", "mamba-signed-L1", 0, [1.0, 0.95]),
            _seeded("tomita6", "mamba-signed-L1", 1, [0.5, 0.1]),
            {**_seeded("tomita6", "mamba-signed-L1", 2, [1.0, 1.0]), "error": "boom"}]
    st = exp.seed_statistics(rows)
    p = st[("parity", "mamba-signed-L1")]
    assert p["best_bin2"] == 0.10 and p["best"]["seed"] == 0     # picked on bin 1 only
    assert p["mean"] == pytest.approx((0.10 + 0.95 + 0.92) / 3)
    assert p["std"] == pytest.approx(float(__import__("numpy").std([0.10, 0.95, 0.92])))
    assert (p["solved"], p["fraction"]) == (2, pytest.approx(2 / 3))
    t = st[("tomita6", "mamba-signed-L1")]
    assert t["seeds"] == [(0, 0.95), (1, 0.1), (2, None)] and t["solved"] == 1   # a failed seed
    verdicts = {"parity": {"ssm_signed": {"label": "yes", "layers": 1}},
                "tomita6": {"ssm_signed": {"label": "no"}}}
    best = exp.agreement(exp.select_best(rows), verdicts)
    major = exp.majority_agreement(st, verdicts)
    # best-of-k: parity disagrees (picked seed fails bin 2), tomita6 disagrees (solved)
    assert (best["agree"], best["disagree"]) == (0, 2)
    # majority: parity 2/3 solve (agrees with yes), tomita6 1/3 (agrees with no)
    assert (major["agree"], major["disagree"]) == (2, 0)
    fam = exp.agreement_by_family(major)
    assert fam == {"ssm_signed": {"agree": 2, "disagree": 0, "undecided": 0, "rate": 1.0}}


def test_outputs_with_seeds_show_spread(tmp_path):
    rows = [_seeded(lang, cell, s, [1.0, acc]) for lang, cell, accs in
            (("parity", "mamba-signed-L1", (1.0, 0.2, 0.95)), ("parity", "mamba-nonneg-L1", (0, 0, 0)))
            for s, acc in enumerate(accs)]
    summary = rep.write_outputs(rows, tmp_path, exp.get_preset("paper", True, None), "cmd")
    text = (tmp_path / "table.md").read_text()
    assert "bin 2 over seeds: mean ± std (solved)" in text and "71.7 ± 36.6 (2/3)" in text
    assert "| ssm_signed |" in text and "majority of seeds" in text
    assert (tmp_path / "figure_seeds.png").stat().st_size > 1000
    assert summary["agreement_majority"]["rule"] == "majority of seeds"
    assert {s["cell"] for s in summary["seeds"]} == {"mamba-signed-L1", "mamba-nonneg-L1"}


def test_width_override_names_the_jobs_and_cell_fields_are_refused():
    """``--set model.width=64`` becomes the jobs' width (their labels said the preset's 32);
    the fields a cell fixes cannot be overridden, or the table would name the wrong model."""
    from ssm.errors import ConfigError
    from ssm.experiments.grid import build_jobs, get_preset

    preset = get_preset("paper", True, None)
    jobs = build_jobs(preset, languages=["parity"], cells=["mamba-signed-L2"],
                      overrides=["model.width=64"])
    assert {j.width for j in jobs} == {64}
    assert all("-W64-" in j.run_id for j in jobs)
    assert all(j.config().model.width == 64 for j in jobs)
    for bad in ("model.layers=3", "model.gate=complex", "model.arch=lstm"):
        with pytest.raises(ConfigError, match="fixed by the cell"):
            build_jobs(preset, languages=["parity"], cells=["mamba-signed-L2"], overrides=[bad])
    groups = get_preset("groups", True, None)
    with pytest.raises(ConfigError, match="fixed by the cell"):
        build_jobs(groups, languages=["word_problem_z2"], cells=["deltaproduct2-b02-L1"],
                   overrides=["model.options.n_householder=1"])


def test_a_large_grid_draws_a_matrix_and_lists_its_disagreements(tmp_path):
    from ssm.experiments.grid import CPU_GRID_CELLS

    langs = ["tomita1", "tomita2", "parity", "tomita3", "aa_star", "d2", "tomita5"]
    rows = []
    for lang in langs:
        for cell in CPU_GRID_CELLS:
            rows.append({"run_id": f"{lang}/{cell}-W32-lr0.003-s0", "language": lang,
                         "group": PAPER_SUITE.get(lang), "cell": cell, "seed": 0, "width": 32,
                         "lr": 3e-3, "error": None, "train_string_accuracy": 0.5,
                         "bins": [{"split": "a", "string_accuracy": 0.5},
                                  {"split": "b", "string_accuracy": 0.1}]})
    assert len(rows) > rep.MATRIX_ABOVE
    preset = exp.get_preset("paper", False, "cpu_grid")
    summary = rep.write_outputs(rows, tmp_path, preset, "test")
    assert (tmp_path / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # every yes cell failed (10 % in bin 2) and none fits its training strings
    gaps = summary["disagreements"]
    yes = [c for c in summary["agreement"]["cells"] if c["verdict"] == "yes" and c["agrees"] is not None]
    assert gaps and len(gaps) == len(yes)
    assert {d["reading"] for d in gaps} == {"learnability (does not fit the training set)"}
    assert "## Disagreements, with what was checked" in (tmp_path / "table.md").read_text()
