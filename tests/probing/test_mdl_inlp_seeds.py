"""MDL online code, INLP and the aggregation over seeds."""
from __future__ import annotations

import numpy as np
import pytest

from probing.errors import ProbingError
from probing.mdl import online_codelength
from probing.seeds import aggregate_reports, expand_runs, render_aggregate, summary


def test_online_code_is_short_for_a_decodable_target_and_long_for_noise():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 3000)
    X = np.eye(3)[y] + 0.1 * rng.normal(size=(3000, 3))
    easy = online_codelength(X, y)
    hard = online_codelength(rng.normal(size=(3000, 3)), y)
    assert easy.uniform_bits == pytest.approx(3000 * np.log2(3))
    assert easy.compression > 10
    assert 0.9 < hard.compression < 1.1
    assert sum(easy.block_bits) == pytest.approx(easy.codelength_bits)


def test_online_code_validates():
    with pytest.raises(ProbingError):
        online_codelength(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ProbingError):
        online_codelength(np.zeros((5, 2)), np.zeros(5), fractions=(0.5, 0.2, 1.0))


def test_inlp_removes_the_parity_direction_and_breaks_the_model():
    from automata.languages import get_language
    from automata.sampling import sample_members
    from probing.extract import extract
    from probing.inlp import inlp
    from ssm.tasks import make_task
    from tests.probing.exact_models import ParityNet

    lang = get_language("parity")
    rng = np.random.default_rng(0)
    words = [sample_members(lang, int(L), 1, seed=int(rng.integers(1 << 30)))[0]
             for L in rng.integers(2, 16, size=60)]
    model = ParityNet()
    acts = extract(model, words, lang.alphabet, sites=["layers.0.out"])
    from probing.targets import compute_targets

    y = compute_targets(lang, words, ["state"])["state"].labels
    X = acts["layers.0.out"] + 0.01 * rng.normal(size=acts["layers.0.out"].shape)
    half = len(y) // 2
    task = make_task("char", lang)
    res = inlp(X[:half], y[:half], X[half:], y[half:], model, task,
               task.encode([{"string": w} for w in words]), "layers.0.out", max_iter=3)
    steps = res.steps
    assert steps[0]["model"]["position_accuracy"] == 1.0
    assert steps[1]["rank"] == 1
    assert steps[1]["model"]["position_accuracy"] < 0.8          # parity gone from the head
    assert res.stopped == "probe at majority"


def _report(seed_acc, run_dir, arch="lstm"):
    return {"language": "parity", "model": {"arch": arch, "gate": "nonnegative", "layers": 1,
                                            "width": 8},
            "run_dir": run_dir,
            "sites": [{"site": "layers.0.out", "target": "state", "layer": 0,
                       "accuracy": seed_acc, "nonlocal_accuracy": seed_acc,
                       "by_bin": {"len_51_100": {"nonlocal_accuracy": seed_acc - 0.1}},
                       "probe": {"C": 1.0}}],
            "causal": [], "mdl": [],
            "interchange": [{"layer": 0, "bin": "in_range", "counterfactual_accuracy": seed_acc}]}


def test_aggregate_over_seeds_means_and_intervals():
    agg = aggregate_reports([_report(a, f"r{i}") for i, a in enumerate((0.9, 1.0, 0.95))])
    f = agg["sites"][0]["figures"]
    assert f["accuracy"]["mean"] == pytest.approx(0.95) and f["accuracy"]["n"] == 3
    assert f["accuracy"]["low"] < 0.95 < f["accuracy"]["high"]
    assert f["by_bin.len_51_100.nonlocal_accuracy"]["mean"] == pytest.approx(0.85)
    assert "probe.C" not in f
    assert agg["interchange"][0]["figures"]["counterfactual_accuracy"]["n"] == 3
    md = render_aggregate(agg)
    assert "95.0 [" in md and "Interchange" in md
    s = summary([1.0, 1.0])
    assert s["low"] == s["high"] == 1.0


def test_aggregate_refuses_different_setups_and_too_few_runs(tmp_path):
    with pytest.raises(ProbingError, match="differ"):
        aggregate_reports([_report(0.9, "a"), _report(0.9, "b", arch="mamba")])
    with pytest.raises(ProbingError, match="at least 2"):
        aggregate_reports([_report(0.9, "a")])
    (tmp_path / "x").mkdir()
    with pytest.raises(ProbingError, match="neither"):
        expand_runs([tmp_path / "x"])
