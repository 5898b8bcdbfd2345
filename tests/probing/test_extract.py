"""Extraction: alignment (position t = after token t), batch and padding invariance."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from probing.errors import UnknownSiteError
from probing.extract import extract
from ssm.config import ModelConfig
from ssm.model import build_model

ALPHABET = ("a", "b", "c")
WORDS = ["abcab", "c", "bbbbbbbbba", "ab", "cacb", "aaaaaaa", "b"]


def _model(arch, **kw):
    cfg = ModelConfig(arch=arch, layers=2, width=16, d_state=4, vocab_size=4, n_outputs=4,
                      scan="reference" if arch in ("mamba", "diagonal") else "auto", **kw)
    return build_model(cfg, seed=0, device="cpu")


@pytest.mark.parametrize("arch,gate", [("mamba", "nonnegative"), ("mamba", "signed"), ("lstm", "nonnegative")])
def test_batch_and_padding_invariance(arch, gate):
    model = _model(arch, gate=gate)
    a1 = extract(model, WORDS, ALPHABET, batch_size=1)
    a3 = extract(model, WORDS, ALPHABET, batch_size=3)
    # padding: the same strings next to a much longer one
    a_pad = extract(model, WORDS + ["abc" * 20], ALPHABET, batch_size=len(WORDS) + 1)
    n = a1.n_positions
    assert set(a1.sites) == set(model.capture_sites())
    for s in a1.sites:
        assert a1[s].dtype == np.float32 and a1[s].shape[0] == n
        np.testing.assert_allclose(a1[s], a3[s], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(a1[s], a_pad[s][:n], rtol=1e-5, atol=1e-5)
    assert a1.position.tolist()[:6] == [0, 1, 2, 3, 4, 0]
    assert a1.length.tolist()[:6] == [5, 5, 5, 5, 5, 1]


def test_alignment_position_t_is_after_token_t():
    model = _model("mamba")
    acts = extract(model, WORDS, ALPHABET, sites=["embed", "layers.1.out"])
    emb = model.embed.weight.detach().numpy()
    row = 0
    for w in WORDS:
        for t, ch in enumerate(w):
            # the embedding at position t is token t's (id = alphabet index + 1), no BOS shift
            np.testing.assert_allclose(acts["embed"][row], emb[ALPHABET.index(ch) + 1], atol=1e-6)
            row += 1
    # causality: position t of w equals the last position of the prefix w[:t+1]
    w = WORDS[2]
    prefixes = extract(model, [w[:t + 1] for t in range(len(w))], ALPHABET, sites=["layers.1.out"])
    full = extract(model, [w], ALPHABET, sites=["layers.1.out"])
    ends = np.cumsum(np.arange(1, len(w) + 1)) - 1
    np.testing.assert_allclose(prefixes["layers.1.out"][ends], full["layers.1.out"], atol=1e-5)


def test_matches_step_logits_path():
    # the last layer's output fed through the head reproduces step() logits position by position
    model = _model("mamba", gate="signed")
    w = "abccba"
    acts = extract(model, [w], ALPHABET, sites=["layers.1.out"])
    logits = model.head(model.norm_f(torch.as_tensor(acts["layers.1.out"].copy()))).detach().numpy()
    cache = model.init_cache(1)
    for t, ch in enumerate(w):
        out, cache = model.step(torch.tensor([ALPHABET.index(ch) + 1]), cache)
        np.testing.assert_allclose(logits[t], out[0].detach().numpy(), atol=1e-4)


def test_projection_and_errors():
    model = _model("mamba")
    acts = extract(model, WORDS, ALPHABET, sites=["layers.0.state"], max_features=8, seed=1)
    assert acts["layers.0.state"].shape[1] == 8 and acts.projected["layers.0.state"] > 8
    again = extract(model, WORDS, ALPHABET, sites=["layers.0.state"], max_features=8, seed=1)
    np.testing.assert_array_equal(acts["layers.0.state"], again["layers.0.state"])
    assert not acts["layers.0.state"].flags.writeable
    with pytest.raises(UnknownSiteError, match="layers.9.out"):
        extract(model, WORDS, ALPHABET, sites=["layers.9.out"])
    with pytest.raises(UnknownSiteError):
        acts["embed"]
    assert model.training == build_model(model.cfg, seed=0, device="cpu").training
