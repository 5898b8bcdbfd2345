"""Subspace ablation: the probe's directions are removed exactly, hooks never leak."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from automata.languages import get_language
from probing.causal import ablate, causal_check, orthonormal_basis, random_basis
from probing.errors import ProbingError, UnknownSiteError
from ssm.capture import capture
from ssm.config import ModelConfig
from ssm.model import build_model
from ssm.tasks import make_task


def _model():
    cfg = ModelConfig(arch="mamba", gate="signed", layers=2, width=16, d_state=4, vocab_size=3,
                      n_outputs=3, scan="reference")
    return build_model(cfg, seed=0, device="cpu")


TOK = torch.tensor([[1, 2, 2, 1, 1, 2, 0, 0], [2, 2, 1, 1, 2, 1, 2, 1]])


def test_bases():
    d = np.array([[1.0, 1.0, 0.0, 0.0], [2.0, 2.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    Q = orthonormal_basis(d)
    assert Q.shape == (4, 2)
    np.testing.assert_allclose(Q.T @ Q, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(d - d @ Q @ Q.T, 0, atol=1e-12)       # rows lie in the span
    R = random_basis(16, 3, seed=0)
    np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)
    assert not np.allclose(R, random_basis(16, 3, seed=1))
    with pytest.raises(ProbingError):
        orthonormal_basis(np.zeros((2, 4)))
    with pytest.raises(ProbingError):
        random_basis(4, 5, seed=0)


def test_ablation_removes_the_directions_and_hook_is_removed():
    model = _model()
    rng = np.random.default_rng(0)
    D = rng.normal(size=(3, 16))
    mu = rng.normal(size=16)
    Q = orthonormal_basis(D)
    with torch.no_grad():
        before = model(TOK)
        with ablate(model, "layers.0.out", Q, mu), capture(model, ["layers.0.out"]) as cache:
            ablated_logits = model(TOK)
        x = cache["layers.0.out"].numpy().astype(np.float64)
        # the ablated activations have the mean's value along every probe direction
        np.testing.assert_allclose((x - mu) @ D.T, 0, atol=1e-4)
        assert not torch.allclose(before, ablated_logits)
        after = model(TOK)
    torch.testing.assert_close(before, after)            # hook gone


def test_hook_removed_on_error():
    model = _model()
    Q = random_basis(16, 2, seed=0)
    with torch.no_grad():
        before = model(TOK)
        with pytest.raises(RuntimeError, match="boom"):
            with ablate(model, "layers.1.out", Q):
                raise RuntimeError("boom")
        torch.testing.assert_close(before, model(TOK))


def test_unablatable_sites():
    model = _model()
    with pytest.raises(UnknownSiteError, match="does not feed"):
        with ablate(model, "layers.0.state", random_basis(4, 1, 0)):
            pass
    with pytest.raises(UnknownSiteError, match="unknown site"):
        with ablate(model, "layers.7.out", random_basis(4, 1, 0)):
            pass


def test_causal_check_end_to_end():
    from ssm.evaluate import score_split

    lang = get_language("parity")
    task = make_task("char", lang)
    words = ["0110", "1", "111", "0101011", "00"]
    data = task.encode([{"string": w} for w in words])
    model = _model()
    D = np.random.default_rng(1).normal(size=(2, 16))
    res = causal_check(model, task, data, "layers.1.out", D, None, seed=0)
    d = res.to_dict()
    assert d["rank"] == 2
    assert d["baseline"] == {k: score_split(model, task, data).summary()[k]
                             for k in ("position_accuracy", "string_accuracy")}
    assert d["delta_position_accuracy_probe"] == pytest.approx(
        d["probe_ablated"]["position_accuracy"] - d["baseline"]["position_accuracy"])
