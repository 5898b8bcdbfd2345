"""Our DeltaNet layers and scans against flash-linear-attention's (CUDA + fla).

Skipped without CUDA (the ``gpu`` marker) or without the ``fla`` package (optional extra
``fla``). fla's chunked kernels take float16/bfloat16 only, so its side runs in bfloat16 and is
compared with our float32 sequential reference (the oracle) on the same bfloat16-rounded inputs,
by relative error (bfloat16 keeps about 3 significant digits).
"""
from __future__ import annotations

import copy

import pytest
import torch

from ssm.errors import BackendUnavailableError
from ssm.layers.deltanet import DeltaNet
from ssm.scan.delta_reference import delta_product_ref, delta_rule_ref

pytestmark = pytest.mark.gpu

BF16_REL = 2e-2


def _rel(got: torch.Tensor, want: torch.Tensor) -> float:
    return float((got.float() - want.float()).norm() / want.float().norm().clamp_min(1e-12))


def _inputs(B, T, H, K, V, nh=None, gated=False, seed=0):
    g = torch.Generator(device="cuda").manual_seed(seed)
    kshape = (B, T, H, K) if nh is None else (B, T, nh, H, K)
    q = torch.nn.functional.normalize(torch.randn(B, T, H, K, device="cuda", generator=g), dim=-1)
    k = torch.nn.functional.normalize(torch.randn(*kshape, device="cuda", generator=g), dim=-1)
    v = torch.randn(*kshape[:-1], V, device="cuda", generator=g)
    beta = 2 * torch.rand(*kshape[:-1], device="cuda", generator=g)
    gd = -0.1 * torch.rand(B, T, H, device="cuda", generator=g) if gated else None
    # round to bfloat16 once, so both sides see the same numbers
    rnd = lambda x: None if x is None else x.bfloat16()  # noqa: E731
    return [rnd(x) for x in (q, k, v, beta, gd)]


@pytest.mark.parametrize("gated", [False, True])
def test_fla_delta_rule_matches_reference(gated):
    pytest.importorskip("fla")
    from ssm.scan.fla_backend import load_fla_delta_rule
    q, k, v, beta, gd = _inputs(2, 200, 2, 32, 32, gated=gated)
    got = load_fla_delta_rule("cuda")(q, k, v, beta, gd)
    want = delta_rule_ref(q.float(), k.float(), v.float(), beta.float(),
                          None if gd is None else gd.float())
    assert _rel(got.o, want.o) < BF16_REL
    assert _rel(got.final_state, want.final_state) < BF16_REL


@pytest.mark.parametrize("nh", [2, 3])
def test_fla_delta_product_matches_reference(nh):
    pytest.importorskip("fla")
    from ssm.scan.fla_backend import load_fla_delta_product
    q, k, v, beta, _ = _inputs(2, 100, 2, 32, 32, nh=nh)
    got = load_fla_delta_product("cuda")(q, k, v, beta)
    want = delta_product_ref(q.float(), k.float(), v.float(), beta.float())
    assert _rel(got.o, want.o) < BF16_REL
    assert _rel(got.final_state, want.final_state) < BF16_REL


def test_fla_refuses_float32_with_a_message():
    pytest.importorskip("fla")
    from ssm.scan.fla_backend import load_fla_delta_rule
    q, k, v, beta, _ = _inputs(1, 32, 1, 16, 16)
    with pytest.raises(BackendUnavailableError, match="bfloat16"):
        load_fla_delta_rule("cuda")(q.float(), k.float(), v.float(), beta.float())


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
    theirs, ours = theirs.cuda().bfloat16(), ours.cuda().float()
    ours.load_state_dict(theirs.state_dict())          # state dicts move both ways
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 128, d, device="cuda").bfloat16()
    with torch.no_grad():
        want = theirs(x)[0]
        ours.scan = "reference"
        assert _rel(ours(x.float()), want) < 3 * BF16_REL
        fast = copy.deepcopy(ours).bfloat16()
        fast.scan = "fla"
        assert _rel(fast(x), want) < 3 * BF16_REL
