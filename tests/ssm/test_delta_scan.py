"""The chunked delta rule (WY / UT form) against the sequential reference, and the reference
against the dense-matrix definition."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from ssm.errors import ShapeError
from ssm.scan.delta_chunked import delta_product_chunked, delta_rule_chunked
from ssm.scan.delta_reference import delta_product_ref, delta_rule_ref

TOL = {torch.float32: 2e-4, torch.float64: 1e-10}


def _inputs(B=2, T=23, H=2, K=4, V=3, dtype=torch.float64, regime="full", gated=True, seed=0,
            nh=None):
    g = torch.Generator().manual_seed(seed)
    kshape = (B, T, H, K) if nh is None else (B, T, nh, H, K)
    bshape = (B, T, H) if nh is None else (B, T, nh, H)
    q = F.normalize(torch.randn(B, T, H, K, generator=g, dtype=dtype), dim=-1)
    k = F.normalize(torch.randn(*kshape, generator=g, dtype=dtype), dim=-1)
    v = torch.randn(*kshape[:-1], V, generator=g, dtype=dtype)
    u = torch.rand(*bshape, generator=g, dtype=dtype)
    beta = {"near0": 1e-3 * u, "near2": 2 - 1e-3 * u, "full": 2 * u}[regime]
    gd = -torch.rand(B, T, H, generator=g, dtype=dtype) if gated else None
    h0 = torch.randn(B, H, K, V, generator=g, dtype=dtype)
    return q, k, v, beta, gd, h0


def _dense_reference(q, k, v, beta, g, h0, scale):
    """S_t = α (I − β k kᵀ) S + β k vᵀ with explicit K×K matrices (batch 0, head 0 ... all)."""
    B, T, H, K = q.shape
    S = h0.clone()
    outs = []
    eye = torch.eye(K, dtype=q.dtype)
    for t in range(T):
        new = torch.empty_like(S)
        o = torch.empty(B, H, v.shape[-1], dtype=q.dtype)
        for b in range(B):
            for h in range(H):
                kk = k[b, t, h]
                a = 1.0 if g is None else float(torch.exp(g[b, t, h]))
                M = a * (eye - beta[b, t, h] * torch.outer(kk, kk))
                new[b, h] = M @ S[b, h] + beta[b, t, h] * torch.outer(kk, v[b, t, h])
                o[b, h] = scale * new[b, h].T @ q[b, t, h]
        S = new
        outs.append(o)
    return torch.stack(outs, 1), S


@pytest.mark.parametrize("gated", [False, True])
def test_reference_is_the_dense_definition(gated):
    q, k, v, beta, g, h0 = _inputs(T=6, gated=gated)
    out = delta_rule_ref(q, k, v, beta, g, h0=h0, scale=0.7)
    o, S = _dense_reference(q, k, v, beta, g, h0, 0.7)
    assert torch.allclose(out.o, o, atol=1e-12) and torch.allclose(out.final_state, S, atol=1e-12)


def test_reflection_swaps_two_state_rows():
    # β = 2, k = (e_0 - e_2)/√2: the Householder reflection exchanging rows 0 and 2 of S
    k = torch.zeros(1, 1, 1, 3, dtype=torch.float64)
    k[..., 0], k[..., 2] = 2 ** -0.5, -(2 ** -0.5)
    h0 = torch.tensor([[[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]]], dtype=torch.float64)
    out = delta_rule_ref(k, k, torch.zeros(1, 1, 1, 2, dtype=torch.float64),
                         torch.full((1, 1, 1), 2.0, dtype=torch.float64), h0=h0)
    assert torch.allclose(out.final_state[0, 0], h0[0, 0][[2, 1, 0]], atol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("regime", ["near0", "near2", "full"])
@pytest.mark.parametrize("gated", [False, True])
def test_chunked_matches_reference_outputs_states_gradients(dtype, regime, gated):
    inputs = _inputs(dtype=dtype, regime=regime, gated=gated)
    leaves = [x.clone().requires_grad_() if x is not None else None for x in inputs]
    leaves2 = [x.clone().requires_grad_() if x is not None else None for x in inputs]
    q, k, v, beta, g, h0 = leaves
    a = delta_rule_ref(q, k, v, beta, g, h0=h0, output_states=True)
    q2, k2, v2, beta2, g2, h02 = leaves2
    b = delta_rule_chunked(q2, k2, v2, beta2, g2, h0=h02, output_states=True, chunk_size=8)
    tol = TOL[dtype]
    for x, y in ((a.o, b.o), (a.final_state, b.final_state), (a.states, b.states)):
        assert torch.allclose(x, y, atol=tol, rtol=tol), (x - y).abs().max()
    w = torch.randn(a.o.shape, generator=torch.Generator().manual_seed(1), dtype=dtype)
    ((a.o * w).sum() + a.final_state.sum()).backward()
    ((b.o * w).sum() + b.final_state.sum()).backward()
    for x, y in zip(leaves, leaves2):
        if x is not None:
            assert torch.allclose(x.grad, y.grad, atol=10 * tol, rtol=10 * tol), \
                (x.grad - y.grad).abs().max()


@pytest.mark.parametrize("chunk", [1, 5, 23, 64])
def test_chunk_sizes_and_zero_initial_state(chunk):
    q, k, v, beta, g, _ = _inputs(T=23)
    a = delta_rule_ref(q, k, v, beta, g)
    b = delta_rule_chunked(q, k, v, beta, g, chunk_size=chunk)
    assert torch.allclose(a.o, b.o, atol=1e-10) and torch.allclose(a.final_state, b.final_state,
                                                                   atol=1e-10)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("gated", [False, True])
def test_delta_product_chunked_matches_reference(dtype, gated):
    inputs = _inputs(T=11, nh=3, dtype=dtype, regime="full", gated=gated, seed=3)
    leaves = [x.clone().requires_grad_() if x is not None else None for x in inputs]
    leaves2 = [x.clone().requires_grad_() if x is not None else None for x in inputs]
    a = delta_product_ref(*leaves[:5], h0=leaves[5], output_states=True)
    b = delta_product_chunked(*leaves2[:5], h0=leaves2[5], output_states=True, chunk_size=7)
    tol = TOL[dtype]
    for x, y in ((a.o, b.o), (a.final_state, b.final_state), (a.states, b.states)):
        assert torch.allclose(x, y, atol=tol, rtol=tol)
    (a.o.sum() + a.final_state.pow(2).sum()).backward()
    (b.o.sum() + b.final_state.pow(2).sum()).backward()
    for x, y in zip(leaves, leaves2):
        if x is not None:
            assert torch.allclose(x.grad, y.grad, atol=10 * tol, rtol=10 * tol)


def test_delta_product_with_one_step_is_the_delta_rule():
    q, k, v, beta, g, h0 = _inputs(T=9)
    a = delta_product_ref(q, k.unsqueeze(2), v.unsqueeze(2), beta.unsqueeze(2), g, h0=h0)
    b = delta_rule_ref(q, k, v, beta, g, h0=h0)
    assert torch.allclose(a.o, b.o, atol=1e-12)


def test_empty_sequence_and_shape_errors():
    q, k, v, beta, g, h0 = _inputs(T=0)
    for fn in (delta_rule_ref, delta_rule_chunked):
        out = fn(q, k, v, beta, g, h0=h0, output_states=True)
        assert out.o.shape == (2, 0, 2, 3) and torch.equal(out.final_state, h0)
        assert out.states.shape == (2, 0, 2, 4, 3)
    q, k, v, beta, g, h0 = _inputs(T=4)
    with pytest.raises(ShapeError):
        delta_rule_chunked(q, k, v, beta[:, :3], g)
    with pytest.raises(ShapeError):
        delta_rule_ref(q, k, v, beta, g, h0=h0[:, :1])
    with pytest.raises(ShapeError):
        delta_rule_chunked(q, k, v, beta, g, chunk_size=0)
    with pytest.raises(ShapeError):
        delta_product_chunked(q, k, v, beta, g)
