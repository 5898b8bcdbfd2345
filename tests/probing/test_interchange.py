"""Interchange interventions: a model that runs the automaton follows the patched state."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from automata.languages import get_language
from automata.sampling import sample_members
from probing.errors import ProbingError
from probing.interchange import interchange, state_vector, with_state_vector
from probing.model_oracle import ModelOracle
from tests.probing.exact_models import ParityNet

PARITY = get_language("parity")


def _bins():
    rng = np.random.default_rng(0)
    short = [sample_members(PARITY, int(L), 1, seed=int(rng.integers(1 << 30)))[0]
             for L in rng.integers(2, 20, size=40)]
    long = [sample_members(PARITY, int(L), 1, seed=int(rng.integers(1 << 30)))[0]
            for L in rng.integers(40, 80, size=20)]
    return {"in_range": short, "long": long}


def test_exact_model_follows_the_patched_state():
    rows = interchange(ModelOracle(ParityNet(), PARITY, "char"), _bins(), [0], n_pairs=30)
    assert [r["bin"] for r in rows] == ["in_range", "long"]
    for r in rows:
        assert r["n_positions"] > 0
        assert r["counterfactual_accuracy"] == 1.0
        assert r["different_base_accuracy"] == 0.0
        assert r["unpatched_base_accuracy"] == 1.0
        assert r["same_state_accuracy"] == 1.0


def test_model_that_ignores_its_state_does_not_follow():
    rows = interchange(ModelOracle(ParityNet(broken=True), PARITY, "char"), _bins(), [0],
                       n_pairs=30)
    for r in rows:
        assert r["counterfactual_accuracy"] < 0.7


def test_state_vector_roundtrip_with_complex_and_tuple_states():
    state = (torch.arange(6.).reshape(2, 3), torch.complex(torch.ones(2, 2), torch.zeros(2, 2)))
    v = state_vector(state)
    assert v.shape == (2, 3 + 4)
    new = with_state_vector(state, torch.zeros(1, 7), torch.tensor([1]))
    assert new[0][0].tolist() == [0., 1., 2.] and new[0][1].abs().sum() == 0
    assert new[1][1].abs().sum() == 0 and new[1][0].real.tolist() == [1., 1.]
    assert state[0][1].tolist() == [3., 4., 5.]      # the input is not modified


def test_real_architectures_patch_without_error():
    """LSTM (h, c), Mamba (conv, h) and DeltaNet (matrix state) caches all patch."""
    from ssm.config import ModelConfig
    from ssm.model import build_model

    for arch, gate in (("lstm", "nonnegative"), ("mamba", "signed"), ("deltanet", "nonnegative")):
        m = build_model(ModelConfig(arch=arch, gate=gate, layers=2, width=8, d_state=4,
                                    vocab_size=3, n_outputs=3, scan="reference"),
                        seed=0, device="cpu")
        bins = {"in_range": _bins()["in_range"][:10]}
        rows = interchange(ModelOracle(m, PARITY, "char"), bins, [0, 1], n_pairs=5)
        assert [r["layer"] for r in rows] == [0, 1]
        assert all(0 <= r["same_state_accuracy"] <= 1 for r in rows)


def test_bad_layer_is_refused():
    with pytest.raises(ProbingError, match="out of range"):
        interchange(ModelOracle(ParityNet(), PARITY, "char"), _bins(), [3])
