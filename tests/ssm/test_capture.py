"""capture(): site names, shapes, true recurrent states, invariance to batch and padding, cleanup."""
from __future__ import annotations

import pytest
import torch

from ssm.capture import capture, hook_points
from ssm.config import ModelConfig
from ssm.errors import CaptureError
from ssm.model import build_model
from tests.ssm.helpers import assert_close

ARCHS = [dict(arch="mamba", gate="nonnegative"), dict(arch="mamba", gate="complex"),
         dict(arch="mamba", gate="signed", scan="reference"), dict(arch="diagonal", gate="complex"),
         dict(arch="lstm"), dict(arch="transformer", positional="sinusoidal")]
IDS = ["-".join(d.values()) for d in ARCHS]


def _model(seed=0, **kw):
    base = dict(layers=2, width=8, d_state=3, vocab_size=4, n_outputs=3, n_heads=2)
    base.update(kw)
    return build_model(ModelConfig(**base), seed=seed, device="cpu")


def _tokens(batch, length, seed):
    return torch.randint(1, 4, (batch, length), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("kw", ARCHS, ids=IDS)
def test_every_site_has_batch_time_features(kw):
    model = _model(**kw)
    tokens = _tokens(2, 6, 0)
    with capture(model) as cache:
        logits = model(tokens)
    assert set(cache) == set(model.capture_sites())
    d_inner = 16
    for site, value in cache.items():
        assert value.shape[:2] == (2, 6) and value.dim() == 3, site
        assert not value.requires_grad and not value.is_complex()
        if site.endswith(".state"):
            per = d_inner * 3 if kw["arch"] == "mamba" else d_inner
            assert value.shape[2] == per * (2 if kw["gate"] == "complex" else 1)
    final = cache["layers.1.out"]
    assert_close(model.head(model.norm_f(final)), logits, dtype=torch.float32)


@pytest.mark.parametrize("kw", ARCHS, ids=IDS)
def test_batch_and_right_padding_invariance(kw):
    model = _model(**kw)
    alone = _tokens(1, 5, 1)
    batch = torch.cat([torch.cat([alone, torch.zeros(1, 4, dtype=torch.long)], 1),
                       _tokens(2, 9, 2)])
    with torch.no_grad(), capture(model) as cache:
        model(alone)
        single = dict(cache)
        model(batch)
    for site in single:
        assert_close(cache[site][:1, :5], single[site], dtype=torch.float32, msg=site)


@pytest.mark.parametrize("gate", ["nonnegative", "signed", "complex", "time_invariant"])
def test_mamba_state_site_is_the_recurrent_state(gate):
    """layers.i.state equals the SSM state that step() carries, with [real, imag] splitting."""
    model = _model(arch="mamba", gate=gate)
    tokens = _tokens(2, 7, 3)
    with torch.no_grad(), capture(model, ["layers.0.state", "layers.1.state"]) as cache:
        model(tokens)
        state = model.init_cache(2)
        for t in range(7):
            _, state = model.step(tokens[:, t], state)
            for i in range(2):
                h = state.layers[i].ssm.reshape(2, -1)
                feat = torch.cat([h.real, h.imag], -1) if h.is_complex() else h
                assert_close(cache[f"layers.{i}.state"][:, t], feat, dtype=torch.float32)


def test_lstm_h_and_c_are_the_cell_states():
    model = _model(arch="lstm")
    tokens = _tokens(3, 8, 4)
    with torch.no_grad(), capture(model, ["layers.0.h", "layers.0.c", "layers.1.c"]) as cache:
        model(tokens)
        state = model.init_cache(3)
        for t in range(8):
            _, state = model.step(tokens[:, t], state)
            assert_close(cache["layers.0.h"][:, t], state.layers[0].h, dtype=torch.float32)
            assert_close(cache["layers.0.c"][:, t], state.layers[0].c, dtype=torch.float32)
            assert_close(cache["layers.1.c"][:, t], state.layers[1].c, dtype=torch.float32)


def test_selected_sites_only_and_hooks_removed_on_exit():
    model = _model(arch="mamba")
    with capture(model, ["layers.1.out"]) as cache:
        model(_tokens(1, 4, 5))
    assert list(cache) == ["layers.1.out"]
    assert all(not p._forward_hooks for p in hook_points(model).values())
    before = dict(cache)
    model(_tokens(1, 4, 6))                       # no longer recorded
    assert torch.equal(cache["layers.1.out"], before["layers.1.out"])


def test_hooks_removed_on_error():
    model = _model(arch="lstm")
    with pytest.raises(RuntimeError, match="boom"):
        with capture(model):
            assert all(p._forward_hooks for p in hook_points(model).values())
            raise RuntimeError("boom")
    assert all(not p._forward_hooks for p in hook_points(model).values())
    assert not hook_points(model)["layers.0.c"].wanted


def test_unknown_site_lists_the_available_ones():
    model = _model(arch="transformer")
    with pytest.raises(CaptureError, match="unknown capture site.*'layers.0.state'.*available: "
                                           "embed, layers.0.out"):
        with capture(model, ["layers.0.state"]):
            pass


def test_capture_keeps_gradients_of_the_forward():
    """Capturing detaches its copies but does not change the model's outputs or gradients."""
    model = _model(arch="mamba", gate="signed")
    tokens = _tokens(2, 6, 7)
    loss1 = model(tokens).pow(2).sum()
    g1 = torch.autograd.grad(loss1, list(model.parameters()))
    with capture(model):
        loss2 = model(tokens).pow(2).sum()
        g2 = torch.autograd.grad(loss2, list(model.parameters()))
    assert torch.equal(loss1, loss2)
    for a, b in zip(g1, g2):
        assert_close(a, b, dtype=torch.float32)
