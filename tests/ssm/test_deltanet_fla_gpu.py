"""Our DeltaNet layers and scans against flash-linear-attention's on copied weights (CUDA + fla).

Skipped without CUDA (the ``gpu`` marker) or without the ``fla`` package.
"""
from __future__ import annotations

import pytest
import torch

from ssm.layers.deltanet import DeltaNet
from ssm.scan.delta_chunked import delta_rule_chunked

pytestmark = pytest.mark.gpu


def _fla_layers():
    return pytest.importorskip("fla.layers")


@pytest.mark.parametrize("kind", ["deltanet", "gated_deltanet", "gated_deltaproduct"])
@pytest.mark.parametrize("neg", [False, True])
def test_layer_matches_fla_on_copied_weights(kind, neg):
    layers = _fla_layers()
    torch.manual_seed(0)
    d, h = 64, 2
    if kind == "deltanet":
        theirs = layers.DeltaNet(hidden_size=d, num_heads=h, use_gate=True, allow_neg_eigval=neg)
        ours = DeltaNet(d, num_heads=h, beta_range=(0, 2 if neg else 1))
    elif kind == "gated_deltanet":
        theirs = layers.GatedDeltaNet(hidden_size=d, head_dim=32, num_heads=h, expand_v=1,
                                      use_gate=True, allow_neg_eigval=neg)
        ours = DeltaNet(d, num_heads=h, head_dim=32, use_forget_gate=True,
                        beta_range=(0, 2 if neg else 1))
    else:
        theirs = layers.GatedDeltaProduct(hidden_size=d, head_dim=32, num_heads=h, expand_v=1,
                                          use_output_gate=True, use_forget_gate=True,
                                          allow_neg_eigval=neg, num_householder=2)
        ours = DeltaNet(d, num_heads=h, head_dim=32, n_householder=2, use_forget_gate=True,
                        beta_range=(0, 2 if neg else 1))
    theirs, ours = theirs.cuda().float(), ours.cuda().float()
    ours.load_state_dict(theirs.state_dict())          # state dicts move both ways
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 128, d, device="cuda")
    with torch.no_grad():
        want = theirs(x)[0]
        for scan in ("chunked", "fla"):
            ours.scan = scan
            got = ours(x)
            assert torch.allclose(got, want, atol=2e-3, rtol=2e-3), (scan, (got - want).abs().max())


@pytest.mark.parametrize("gated", [False, True])
def test_scan_matches_fla_kernel(gated):
    pytest.importorskip("fla")
    from ssm.scan.fla_backend import load_fla_delta_rule
    g = torch.Generator(device="cuda").manual_seed(0)
    B, T, H, K, V = 2, 200, 2, 32, 32
    q, k = (torch.nn.functional.normalize(torch.randn(B, T, H, K, device="cuda", generator=g), dim=-1)
            for _ in range(2))
    v = torch.randn(B, T, H, V, device="cuda", generator=g)
    beta = 2 * torch.rand(B, T, H, device="cuda", generator=g)
    gd = -torch.rand(B, T, H, device="cuda", generator=g) if gated else None
    a = load_fla_delta_rule("cuda")(q, k, v, beta, gd)
    b = delta_rule_chunked(q, k, v, beta, gd)
    assert torch.allclose(a.o, b.o, atol=2e-3, rtol=2e-3)
    assert torch.allclose(a.final_state, b.final_state, atol=2e-3, rtol=2e-3)
