"""The formal diagonal SSM layer: fast paths equal the reference scan bit for bit, stacking,
dtypes, chunked continuation and input errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer
from ssm.scan.reference import linear_scan_ref


def _pair(a, b, **kw):
    return (DiagonalSSMLayer(a, b, **kw), DiagonalSSMLayer(a, b, scan="reference", **kw))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_counter_fast_path_is_bitwise_the_sequential_recurrence(dtype):
    g = torch.Generator().manual_seed(0)
    b = torch.randn(5, 3, generator=g, dtype=torch.float64) * 1e6   # large values: rounding matters
    fast, ref = _pair(torch.ones(5, 3), b, dtype=dtype)
    x = torch.randint(0, 5, (4, 3000), generator=g)
    h0 = torch.randn(4, 3, generator=g, dtype=torch.float64) * 1e7
    assert torch.equal(fast.states(x, h0), ref.states(x, h0))
    assert torch.equal(fast.states(x), ref.states(x))


def test_counter_fast_path_keeps_float32_rounding():
    # h = 2^24 cannot grow by +1 in float32; torch.cumsum (which accumulates in double) would
    layer = DiagonalSSMLayer(torch.ones(1, 1), torch.ones(1, 1))
    h = layer.states(torch.zeros(1, 10, dtype=torch.long), h0=torch.tensor([2.0 ** 24]))
    assert h[0, -1, 0].item() == 2.0 ** 24


def test_set_hold_fast_path_is_the_reference():
    g = torch.Generator().manual_seed(1)
    a = torch.tensor([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    b = torch.tensor([[0.7, 0.0], [0.0, 0.0], [-2.0, 1.5], [0.0, 3.0]])
    fast, ref = _pair(a, b)
    x = torch.randint(0, 4, (3, 500), generator=g)
    h0 = torch.tensor([5.0, -1.0])
    assert torch.equal(fast.states(x, h0), ref.states(x, h0))
    assert torch.equal(fast.states(x), ref.states(x))


def test_general_gates_use_the_reference_scan_and_complex_tables():
    a = torch.tensor([[0.5 + 0.5j], [1j]])
    b = torch.tensor([[1.0 + 0j], [0.25 + 0j]])
    layer = DiagonalSSMLayer(a, b, dtype=torch.float64)
    x = torch.tensor([[0, 1, 1, 0]])
    expect = linear_scan_ref(a.to(torch.complex128)[x], b.to(torch.complex128)[x])
    got = layer.states(x)
    assert got.dtype == torch.complex128 and torch.allclose(got, expect)
    assert layer.set_dtype(torch.float32).states(x).dtype == torch.complex64
    assert set(layer.gate_values()) == {0.5 + 0.5j, 1j}


def test_chunked_continuation_equals_one_run():
    g = torch.Generator().manual_seed(2)
    a = torch.rand(3, 2, generator=g)
    b = torch.randn(3, 2, generator=g)
    layer = DiagonalSSMLayer(a, b, dtype=torch.float64)
    x = torch.randint(0, 3, (2, 40), generator=g)
    full = layer.states(x)
    first = layer.states(x[:, :25])
    second = layer.states(x[:, 25:], h0=first[:, -1])
    assert torch.allclose(torch.cat([first, second], 1), full)


def test_callable_layer_and_stack():
    # layer 1 counts tokens equal to 1; layer 2 reads the count as a vector and keeps its maximum
    l1 = DiagonalSSMLayer(torch.tensor([[1.0], [1.0]]), torch.tensor([[0.0], [1.0]]),
                          readout=lambda h, x: h)
    l2 = DiagonalSSMLayer(lambda z: torch.zeros_like(z), lambda z: 2 * z,
                          readout=lambda h, z: h - z, d_state=1)
    model = DiagonalSSM([l1, l2], head=lambda z: z[..., 0])
    x = torch.tensor([[1, 0, 1, 1]])
    y, states = model(x, return_states=True)
    assert y.tolist() == [[1.0, 1.0, 2.0, 3.0]]
    assert states[0][0, :, 0].tolist() == [1.0, 1.0, 2.0, 3.0]
    assert model.widths == [1, 1]
    model.set_dtype(torch.float64)
    assert model(x).dtype == torch.float64


def test_input_errors():
    with pytest.raises(ValueError, match="both"):
        DiagonalSSMLayer(torch.ones(2, 1), lambda x: x)
    with pytest.raises(ValueError, match="shape"):
        DiagonalSSMLayer(torch.ones(2, 1), torch.ones(3, 1))
    with pytest.raises(ValueError, match="dtype"):
        DiagonalSSMLayer(torch.ones(2, 1), torch.ones(2, 1), dtype=torch.float16)
    with pytest.raises(ValueError, match="scan"):
        DiagonalSSMLayer(torch.ones(2, 1), torch.ones(2, 1), scan="magic")
    layer = DiagonalSSMLayer(torch.ones(2, 1), torch.ones(2, 1))
    with pytest.raises(ValueError, match="token ids"):
        layer(torch.tensor([[0, 2]]))
    with pytest.raises(ValueError, match="integer tokens"):
        layer(torch.zeros(1, 2, 1))


def test_chunked_scan_option_agrees():
    pytest.importorskip("ssm.scan.chunked")
    g = torch.Generator().manual_seed(3)
    a, b = torch.rand(4, 3, generator=g), torch.randn(4, 3, generator=g)
    x = torch.randint(0, 4, (2, 300), generator=g)
    ch = DiagonalSSMLayer(a, b, dtype=torch.float64, scan="chunked").states(x)
    ref = DiagonalSSMLayer(a, b, dtype=torch.float64, scan="reference").states(x)
    np.testing.assert_allclose(ch.numpy(), ref.numpy(), rtol=1e-10, atol=1e-10)


def test_mixed_channels_each_take_their_exact_path():
    # channel 0 counter, 1 set/hold, 2 general (gate 1/4), 3 general (random): all == reference
    g = torch.Generator().manual_seed(4)
    a = torch.tensor([[1.0, 0.0, 0.25, 0.3], [1.0, 1.0, 0.25, 0.9], [1.0, 0.0, 0.25, -0.5]])
    b = torch.tensor([[1e6, 2.0, 1.0, 0.1], [-3.0, 0.0, 0.0, 2.0], [7.5, -1.0, 1.0, 0.0]])
    fast, ref = _pair(a, b)
    x = torch.randint(0, 3, (3, 700), generator=g)
    h0 = torch.tensor([2.0 ** 24, 1.0, 0.5, -1.0])
    assert torch.equal(fast.states(x, h0), ref.states(x, h0))
    assert torch.equal(fast.states(x), ref.states(x))
