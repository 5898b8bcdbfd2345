"""The baselines: LSTM layers with every h and c, and the causal Transformer's positions."""
from __future__ import annotations

import math

import pytest
import torch

from ssm.capture import capture
from ssm.config import ModelConfig
from ssm.errors import ConfigError, ShapeError
from ssm.layers.lstm import LSTMLayer
from ssm.layers.transformer import CausalSelfAttention, PositionalEncoding, sinusoidal_table
from ssm.model import build_model
from tests.ssm.helpers import assert_close


def _x(batch=3, length=10, width=5, seed=0):
    return torch.randn(batch, length, width, generator=torch.Generator().manual_seed(seed))


def _lstm(d_in=5, hidden=6, seed=0):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return LSTMLayer(d_in, hidden)


def test_lstm_layer_matches_a_cell_loop():
    layer = _lstm()
    cell = torch.nn.LSTMCell(5, 6)
    with torch.no_grad():
        cell.weight_ih.copy_(layer.lstm.weight_ih_l0)
        cell.weight_hh.copy_(layer.lstm.weight_hh_l0)
        cell.bias_ih.copy_(layer.lstm.bias_ih_l0)
        cell.bias_hh.copy_(layer.lstm.bias_hh_l0)
    x = _x()
    h = c = torch.zeros(3, 6)
    hs, cs = [], []
    for t in range(10):
        h, c = cell(x[:, t], (h, c))
        hs.append(h)
        cs.append(c)
    with torch.no_grad(), capture(layer, ["h", "c"]) as cache:
        out = layer(x)
    assert_close(out, torch.stack(hs, 1), dtype=torch.float32)
    assert_close(cache["h"], torch.stack(hs, 1), dtype=torch.float32)
    assert_close(cache["c"], torch.stack(cs, 1), dtype=torch.float32)


def test_lstm_cell_state_is_computed_only_when_captured(monkeypatch):
    layer = _lstm()
    calls = []
    original = LSTMLayer._gates
    monkeypatch.setattr(LSTMLayer, "_gates", lambda self, *a: calls.append(1) or original(self, *a))
    layer(_x())
    assert calls == []
    with capture(layer, ["c"]):
        layer(_x())
    assert calls == [1]


def test_lstm_step_matches_forward():
    layer = _lstm()
    x = _x()
    state = layer.init_state(3)
    outs = []
    for t in range(10):
        h, state = layer.step(x[:, t], state)
        outs.append(h)
    assert_close(torch.stack(outs, 1), layer(x), dtype=torch.float32)


def test_multi_layer_lstm_model_exposes_every_layer():
    model = build_model(ModelConfig(arch="lstm", layers=3, width=6, vocab_size=3, n_outputs=2),
                        device="cpu")
    with capture(model) as cache:
        model(torch.tensor([[1, 2, 1, 1]]))
    for i in range(3):
        assert cache[f"layers.{i}.h"].shape == cache[f"layers.{i}.c"].shape == (1, 4, 6)
    # Different layers carry different states.
    assert not torch.allclose(cache["layers.0.c"], cache["layers.2.c"])


def test_attention_is_causal():
    attn = CausalSelfAttention(8, 2)
    x = _x(width=8)
    y = attn(x)
    x2 = x.clone()
    x2[:, 6:] = torch.randn(3, 4, 8, generator=torch.Generator().manual_seed(9))
    y2 = attn(x2)
    assert_close(y2[:, :6], y[:, :6], dtype=torch.float32)
    assert not torch.allclose(y2[:, 6:], y[:, 6:])


def test_attention_step_matches_forward():
    attn = CausalSelfAttention(8, 4)
    x = _x(width=8)
    cache = attn.init_state(3)
    outs = []
    for t in range(10):
        y, cache = attn.step(x[:, t], cache)
        outs.append(y)
    assert cache.k.shape == (3, 4, 10, 2)
    assert_close(torch.stack(outs, 1), attn(x), dtype=torch.float32)


def test_sinusoidal_table_values():
    table = sinusoidal_table(50, 6)
    pos, i = 17, 2                                  # feature pair i uses frequency 10000^(-2i/d)
    freq = 10000 ** (-2 * i / 6)
    assert math.isclose(table[pos, 2 * i].item(), math.sin(pos * freq), rel_tol=1e-5)
    assert math.isclose(table[pos, 2 * i + 1].item(), math.cos(pos * freq), rel_tol=1e-5)
    assert sinusoidal_table(4, 5).shape == (4, 5)   # odd widths work


@pytest.mark.parametrize("kind", ["none", "learned", "sinusoidal"])
def test_positional_encodings_with_offsets(kind):
    enc = PositionalEncoding(kind, 6, max_len=20)
    x = _x(batch=2, length=9, width=6)
    full = enc(x)
    assert_close(enc(x[:, 4:], offset=4), full[:, 4:], dtype=torch.float32)
    if kind == "none":
        assert torch.equal(full, x)
    else:
        assert not torch.allclose(full, x)


def test_positional_errors():
    with pytest.raises(ConfigError, match="unknown positional"):
        PositionalEncoding("rope", 4, 8)
    with pytest.raises(ShapeError, match="max_len 8"):
        PositionalEncoding("learned", 4, 8)(torch.zeros(1, 9, 4))
    with pytest.raises(ConfigError, match="not divisible"):
        CausalSelfAttention(10, 3)


def test_transformer_without_positions_depends_on_order_only_through_the_mask():
    """NoPE: the first position sees only itself, so its output ignores where it stands."""
    model = build_model(ModelConfig(arch="transformer", layers=2, width=8, n_heads=2, vocab_size=4,
                                    n_outputs=3), device="cpu")
    with torch.no_grad():
        a = model(torch.tensor([[1, 2, 3]]))
        b = model(torch.tensor([[1, 3, 3]]))
    assert_close(a[:, 0], b[:, 0], dtype=torch.float32)
    assert not torch.allclose(a[:, 1], b[:, 1])
