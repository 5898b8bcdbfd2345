"""The chunked delta rule: the WY / UT-transform form of Yang et al. (NeurIPS 2024).

"Parallelizing Linear Transformers with the Delta Rule over Sequence Length" (Yang, Wang, Zhang,
Shen, Kim 2024) writes the product of ``C`` generalized Householder matrices inside a chunk in WY
form, ``∏ (I − β_i k_i k_iᵀ) = I − Σ_i k_i w_iᵀ``, and obtains the ``w_i`` (and the analogous
``u_i`` for the writes) for the whole chunk at once from one unit-lower-triangular solve (the UT
transform). With the state ``S_0`` at the chunk start, ``γ_r = ∏_{i ≤ r} α_i`` the decay since the
chunk start and ``D_{ri} = γ_r / γ_i`` (``i ≤ r``)::

    A  = strict_lower(diag(β) (K Kᵀ ∘ D))            T = (I + A)⁻¹
    U  = T diag(β) V          Wγ = T diag(β γ) K       U' = U − Wγ S_0
    O  = scale · (diag(γ) Q S_0 + (Q Kᵀ ∘ D ∘ lower) U')
    S_C = γ_C S_0 + Kᵀ diag(γ_C / γ) U'

(the ``γ`` scaling of ``W`` makes one solve serve both; derivation in ``docs/models.md``). The
chunks' ``T``, ``U``, ``Wγ`` are computed in parallel, then a loop over the ``⌈T / C⌉`` chunks
carries the state: ``O(T C (K + V) + T K V)`` work and ``T / C`` sequential steps instead of ``T``.
Autograd differentiates through it (``torch.linalg.solve_triangular`` included). DeltaProduct is
the delta rule over the interleaved sequence of its ``T · n_h`` Householder steps (Siems et al.
2025) with the query on the last step and the decay on the first (:func:`delta_product_chunked`).

Shapes, the ``DeltaOutput`` result and the meaning of every argument are those of
:mod:`ssm.scan.delta_reference`, which these functions match.

>>> import torch
>>> from ssm.scan.delta_reference import delta_rule_ref
>>> g = torch.Generator().manual_seed(0)
>>> q, k = (torch.nn.functional.normalize(torch.randn(2, 37, 2, 4, generator=g), dim=-1)
...         for _ in range(2))
>>> v, beta = torch.randn(2, 37, 2, 3, generator=g), 2 * torch.rand(2, 37, 2, generator=g)
>>> a, b = delta_rule_chunked(q, k, v, beta, chunk_size=8), delta_rule_ref(q, k, v, beta)
>>> torch.allclose(a.o, b.o, atol=1e-5), torch.allclose(a.final_state, b.final_state, atol=1e-5)
(True, True)
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ssm.errors import ShapeError

from .delta_reference import DeltaOutput, check_delta_inputs

__all__ = ["delta_rule_chunked", "delta_product_chunked", "DEFAULT_CHUNK"]

DEFAULT_CHUNK = 64


def _chunks(x: torch.Tensor, n: int, c: int) -> torch.Tensor:
    """``(B, T, H, *d)`` → ``(B, H, n, c, *d)`` (zero-padded to ``n · c`` positions)."""
    pad = n * c - x.shape[1]
    x = x.movedim(2, 1)                                               # (B, H, T, *d)
    if pad:
        x = F.pad(x, (0, 0) * (x.dim() - 3) + (0, pad))
    return x.reshape(*x.shape[:2], n, c, *x.shape[3:])


def delta_rule_chunked(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, beta: torch.Tensor,
                       g: torch.Tensor | None = None, *, h0: torch.Tensor | None = None,
                       scale: float | None = None, output_states: bool = False,
                       chunk_size: int = DEFAULT_CHUNK) -> DeltaOutput:
    """The (gated) delta rule in chunks of ``chunk_size`` positions (see the module doc).

    Equal to :func:`ssm.scan.delta_reference.delta_rule_ref` up to rounding. Positions past
    ``T`` are padded with ``k = v = β = g = 0`` (the identity step).
    """
    check_delta_inputs(q, k, v, beta, g, h0)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ShapeError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    B, T, H, K = q.shape
    V = v.shape[-1]
    scale = K ** -0.5 if scale is None else scale
    S = q.new_zeros(B, H, K, V) if h0 is None else h0.to(q.dtype)
    if T == 0:
        return DeltaOutput(q.new_zeros(B, 0, H, V), S,
                           q.new_zeros(B, 0, H, K, V) if output_states else None)
    C = min(chunk_size, T)
    n = -(-T // C)
    qc, kc, vc = _chunks(q * scale, n, C), _chunks(k, n, C), _chunks(v, n, C)   # (B,H,n,C,d)
    bc = _chunks(beta.unsqueeze(-1), n, C).squeeze(-1)                           # (B,H,n,C)
    lower = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()
    strict = lower.clone().fill_diagonal_(False)
    kk = kc @ kc.transpose(-1, -2)                                               # (B,H,n,C,C)
    qk = qc @ kc.transpose(-1, -2)
    if g is not None:
        G = _chunks(g.unsqueeze(-1), n, C).squeeze(-1).cumsum(-1)                # log γ
        diff = (G.unsqueeze(-1) - G.unsqueeze(-2)).masked_fill(~lower, float("-inf"))
        D = diff.exp()                                                           # γ_r/γ_i, 0 above
        gamma = G.exp()
        kk, qk = kk * D, qk * D
        to_end = (G[..., -1:] - G).exp()                                         # γ_C / γ_i
    else:
        qk = qk * lower                                   # a mask product: faster than tril here
    A = bc.unsqueeze(-1) * kk * strict
    eye = torch.eye(C, dtype=q.dtype, device=q.device)
    rhs = torch.cat([bc.unsqueeze(-1) * vc,
                     (bc * gamma if g is not None else bc).unsqueeze(-1) * kc], dim=-1)
    sol = torch.linalg.solve_triangular(eye + A, rhs, upper=False, unitriangular=True)
    U, W = sol[..., :V], sol[..., V:]
    qg = qc * gamma.unsqueeze(-1) if g is not None else qc
    kend = kc * to_end.unsqueeze(-1) if g is not None else kc
    outs, starts, Ups = [], [], []
    # unbind once: indexing a chunk per step would make autograd allocate a full-size gradient
    # for every chunk (quadratic in the number of chunks)
    U_, W_, qg_, qk_, kend_ = (x.unbind(2) for x in (U, W, qg, qk, kend))
    g_end = gamma[..., -1].unbind(2) if g is not None else None
    for i in range(n):
        Up = U_[i] - W_[i] @ S                                                   # (B,H,C,V)
        outs.append(qg_[i] @ S + qk_[i] @ Up)
        if output_states:
            starts.append(S)
            Ups.append(Up)
        S_next = kend_[i].transpose(-1, -2) @ Up
        S = S_next + (g_end[i][..., None, None] * S if g is not None else S)
    o = torch.stack(outs, 2).reshape(B, H, n * C, V)[:, :, :T].movedim(1, 2)
    states = None
    if output_states:
        states = _chunk_states(torch.stack(starts, 2), kc, torch.stack(Ups, 2),
                               None if g is None else _chunks(g.unsqueeze(-1), n, C).squeeze(-1))
        states = states.reshape(B, H, n * C, K, V)[:, :, :T].movedim(1, 2)
    return DeltaOutput(o.contiguous(), S, states)


def _chunk_states(S0: torch.Tensor, kc: torch.Tensor, Up: torch.Tensor,
                  g: torch.Tensor | None) -> torch.Tensor:
    """Every state inside every chunk: ``S_r = α_r S_{r-1} + k_r U'_rᵀ`` from the chunk start
    ``S0 (B, H, n, K, V)``; a loop over the ``C`` positions, all chunks at once."""
    out = []
    S = S0
    for r in range(kc.shape[3]):
        if g is not None:
            S = g[:, :, :, r].exp()[..., None, None] * S
        S = S + kc[:, :, :, r].unsqueeze(-1) * Up[:, :, :, r].unsqueeze(-2)
        out.append(S)
    return torch.stack(out, 3)                                                   # (B,H,n,C,K,V)


def delta_product_chunked(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, beta: torch.Tensor,
                          g: torch.Tensor | None = None, *, h0: torch.Tensor | None = None,
                          scale: float | None = None, output_states: bool = False,
                          chunk_size: int = DEFAULT_CHUNK) -> DeltaOutput:
    """DeltaProduct as the chunked delta rule over its ``T · n_h`` interleaved steps.

    Arguments as :func:`ssm.scan.delta_reference.delta_product_ref` (``chunk_size`` counts
    Householder steps, not tokens).
    """
    if not isinstance(k, torch.Tensor) or k.dim() != 5:
        raise ShapeError(f"k must have shape (B, T, n_h, H, K), got {tuple(getattr(k, 'shape', ()))}")
    nh = k.shape[2]
    check_delta_inputs(q, k, v, beta, g, h0, n_householder=nh)
    qf, gf = interleave_query_and_decay(q, g, nh)
    B, T, H, K = q.shape
    out = delta_rule_chunked(qf, k.reshape(B, T * nh, H, K), v.reshape(B, T * nh, H, -1),
                             beta.reshape(B, T * nh, H), gf, h0=h0,
                             scale=K ** -0.5 if scale is None else scale,
                             output_states=output_states, chunk_size=chunk_size)
    return DeltaOutput(out.o[:, nh - 1::nh], out.final_state,
                       None if out.states is None else out.states[:, nh - 1::nh])


def interleave_query_and_decay(q: torch.Tensor, g: torch.Tensor | None, nh: int):
    """The per-step query and log decay of DeltaProduct's interleaved sequence: ``q`` on the
    last of a token's ``nh`` steps (zeros elsewhere), ``g`` on the first (zeros elsewhere)."""
    B, T, H, K = q.shape
    qf = q.new_zeros(B, T, nh, H, K)
    qf[:, :, -1] = q
    gf = None
    if g is not None:
        gf = g.new_zeros(B, T, nh, H)
        gf[:, :, 0] = g
        gf = gf.reshape(B, T * nh, H)
    return qf.reshape(B, T * nh, H, K), gf
