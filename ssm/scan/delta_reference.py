"""The sequential delta rule: the specification and test oracle of every DeltaNet scan.

Per batch element and head the state is a matrix ``S`` of shape ``(K, V)`` (flash-linear-attention's
orientation, the transpose of the ``V × K`` matrix written in the papers). One step, with a unit key
``k_t``, value ``v_t``, strength ``β_t`` and optional scalar decay ``α_t = exp(g_t)`` (Gated DeltaNet,
Yang, Kautz & Hatamizadeh, ICLR 2025)::

    S_t = α_t (I − β_t k_t k_tᵀ) S_{t-1} + β_t k_t v_tᵀ        o_t = scale · S_tᵀ q_t

``I − β k kᵀ`` is a generalized Householder matrix with eigenvalues ``1`` (multiplicity K − 1) and
``1 − β``: ``β ∈ (0, 1)`` keeps them in ``[0, 1]`` (DeltaNet, Yang et al. NeurIPS 2024); ``β ∈ (0, 2)``
reaches ``−1`` (Grazzi et al. ICLR 2025, "Unlocking State-Tracking in Linear RNNs Through Negative
Eigenvalues"). DeltaProduct (Siems et al. 2025) applies ``n_h`` such steps per token, the decay at the
first and the query read after the last (:func:`delta_product_ref`).

Shapes (fla's "batch, time, head, dim" layout): ``q, k`` ``(B, T, H, K)``, ``v`` ``(B, T, H, V)``,
``beta`` and ``g`` ``(B, T, H)``, ``h0`` and the final state ``(B, H, K, V)``, the per-position
states ``(B, T, H, K, V)``. Keys are used as given (the layers L2-normalize them).

>>> import torch
>>> k = torch.tensor([1.0, 0.0]).expand(1, 2, 1, 2)          # the same unit key twice
>>> v = torch.tensor([[[[3.0]], [[5.0]]]])                     # (B, T, H, V) = (1, 2, 1, 1)
>>> out = delta_rule_ref(k, k, v, torch.ones(1, 2, 1), scale=1.0)
>>> out.o.flatten().tolist()                                   # β = 1 overwrites the slot of k
[3.0, 5.0]
>>> out.final_state.flatten().tolist()
[5.0, 0.0]
"""
from __future__ import annotations

from typing import NamedTuple

import torch

from ssm.errors import ShapeError

__all__ = ["DeltaOutput", "delta_rule_ref", "delta_product_ref", "check_delta_inputs"]


class DeltaOutput(NamedTuple):
    """What a delta-rule scan returns: outputs ``(B, T, H, V)``, the final state ``(B, H, K, V)``
    and, when asked for, every state ``(B, T, H, K, V)`` (else ``None``)."""

    o: torch.Tensor
    final_state: torch.Tensor
    states: torch.Tensor | None = None


def check_delta_inputs(q, k, v, beta, g=None, h0=None, n_householder: int | None = None) -> None:
    """Raise :class:`ssm.errors.ShapeError` unless the shapes fit together (see the module doc).

    With ``n_householder`` the keys, values and strengths carry an extra axis 2 of that size
    (``k`` ``(B, T, n_h, H, K)``, ``v`` ``(B, T, n_h, H, V)``, ``beta`` ``(B, T, n_h, H)``).
    """
    tensors = {"q": q, "k": k, "v": v, "beta": beta}
    for name, x in tensors.items():
        if not isinstance(x, torch.Tensor):
            raise ShapeError(f"{name} must be a tensor, got {type(x).__name__}")
    if q.dim() != 4:
        raise ShapeError(f"q must have shape (B, T, H, K), got {tuple(q.shape)}")
    B, T, H, K = q.shape
    if n_householder is None:
        want = {"k": (B, T, H, K), "v": (B, T, H, v.shape[-1] if v.dim() else 0),
                "beta": (B, T, H)}
    else:
        n = n_householder
        want = {"k": (B, T, n, H, K), "v": (B, T, n, H, v.shape[-1] if v.dim() else 0),
                "beta": (B, T, n, H)}
    for name, shape in want.items():
        if tuple(tensors[name].shape) != shape:
            raise ShapeError(f"{name} must have shape {shape}, got {tuple(tensors[name].shape)}")
    if g is not None and tuple(g.shape) != (B, T, H):
        raise ShapeError(f"g must have shape {(B, T, H)}, got {tuple(g.shape)}")
    if h0 is not None and tuple(h0.shape) != (B, H, K, v.shape[-1]):
        raise ShapeError(f"h0 must have shape {(B, H, K, v.shape[-1])}, got {tuple(h0.shape)}")


def _step(S, q, k, v, beta, alpha):
    """One delta step on ``S (B, H, K, V)``; ``q`` may be ``None`` (no output)."""
    if alpha is not None:
        S = alpha[..., None, None] * S
    kS = torch.einsum("bhk,bhkv->bhv", k, S)                       # kᵀ S
    S = S + torch.einsum("bhk,bhv->bhkv", beta[..., None] * k, v - kS)
    o = None if q is None else torch.einsum("bhk,bhkv->bhv", q, S)
    return S, o


def delta_rule_ref(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, beta: torch.Tensor,
                   g: torch.Tensor | None = None, *, h0: torch.Tensor | None = None,
                   scale: float | None = None, output_states: bool = False) -> DeltaOutput:
    """Run the (gated) delta rule one position at a time.

    Parameters
    ----------
    q, k : Tensor, shape (B, T, H, K)
    v : Tensor, shape (B, T, H, V)
    beta : Tensor, shape (B, T, H)
        Strengths; ``(0, 1)`` or ``(0, 2)`` in the layers (any real value is computed as written).
    g : Tensor, shape (B, T, H), optional
        Log decays (``α_t = exp(g_t)``); no decay by default.
    h0 : Tensor, shape (B, H, K, V), optional
        Initial state, zeros by default.
    scale : float, optional
        Output scale, ``K ** -0.5`` by default (as fla).
    output_states : bool
        Also return every state ``S_1 .. S_T``.

    Returns
    -------
    DeltaOutput
    """
    check_delta_inputs(q, k, v, beta, g, h0)
    # one Householder step per token: DeltaProduct with n_h = 1
    return delta_product_ref(q, k.unsqueeze(2), v.unsqueeze(2), beta.unsqueeze(2), g, h0=h0,
                             scale=scale, output_states=output_states)


def delta_product_ref(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, beta: torch.Tensor,
                      g: torch.Tensor | None = None, *, h0: torch.Tensor | None = None,
                      scale: float | None = None, output_states: bool = False) -> DeltaOutput:
    """DeltaProduct (Siems et al. 2025): ``n_h`` delta steps per token, one output per token.

    ``k`` ``(B, T, n_h, H, K)``, ``v`` ``(B, T, n_h, H, V)``, ``beta`` ``(B, T, n_h, H)``; ``q``
    ``(B, T, H, K)`` and ``g`` ``(B, T, H)`` once per token. Token ``t`` maps
    ``S ↦ α_t (I − β_{t,n} k_{t,n} k_{t,n}ᵀ) ⋯ (I − β_{t,1} k_{t,1} k_{t,1}ᵀ) S + (writes)``: the decay
    is applied at the first step, the query read after the last (as fla's ``GatedDeltaProduct``).
    ``n_h = 1`` is :func:`delta_rule_ref`.

    >>> import torch
    >>> k = torch.tensor([1.0, 0.0]).expand(1, 1, 2, 1, 2)    # the reflection of e_0, twice
    >>> h0 = torch.tensor([[[[1.0], [2.0]]]])
    >>> out = delta_product_ref(k[:, :, 0], k, torch.zeros(1, 1, 2, 1, 1),
    ...                         2 * torch.ones(1, 1, 2, 1), h0=h0, scale=1.0)
    >>> out.final_state.flatten().tolist()                     # (I - 2kkᵀ)² = I
    [1.0, 2.0]
    >>> out.o.flatten().tolist()                               # Sᵀq read after both steps
    [1.0]
    """
    if not isinstance(k, torch.Tensor) or k.dim() != 5:
        raise ShapeError(f"k must have shape (B, T, n_h, H, K), got {tuple(getattr(k, 'shape', ()))}")
    n = k.shape[2]
    check_delta_inputs(q, k, v, beta, g, h0, n_householder=n)
    B, T, H, K = q.shape
    scale = K ** -0.5 if scale is None else scale
    S = q.new_zeros(B, H, K, v.shape[-1]) if h0 is None else h0.to(q.dtype)
    outs, states = [], []
    for t in range(T):
        for j in range(n):
            alpha = g[:, t].exp() if g is not None and j == 0 else None
            S, o = _step(S, q[:, t] * scale if j == n - 1 else None, k[:, t, j], v[:, t, j],
                         beta[:, t, j], alpha)
        outs.append(o)
        if output_states:
            states.append(S)
    return DeltaOutput(torch.stack(outs, 1) if T else q.new_zeros(B, 0, H, v.shape[-1]), S,
                       torch.stack(states, 1) if output_states and T else
                       (q.new_zeros(B, 0, H, K, v.shape[-1]) if output_states else None))
