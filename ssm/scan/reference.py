"""The sequential reference scan: the specification, the CPU fallback and the test oracle.

The diagonal linear recurrence ``h_t = a_t * h_{t-1} + b_t`` (elementwise), for real or complex
tensors. Every faster scan in :mod:`ssm.scan` must agree with :func:`linear_scan_ref`.
"""
from __future__ import annotations

import torch


def linear_scan_ref(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """Run ``h_t = a_t * h_{t-1} + b_t`` along dim 1.

    Parameters
    ----------
    a, b : Tensor, shape (batch, length, *state)
        Gates and inputs; real or complex, broadcast-compatible with each other.
    h0 : Tensor, shape (batch, *state), optional
        Initial state (zeros by default).

    Returns
    -------
    Tensor, shape (batch, length, *state)
        Every state ``h_1 .. h_T``; the final state is ``out[:, -1]``.

    >>> a = torch.tensor([[[0.5], [2.0]]]); b = torch.ones(1, 2, 1)
    >>> linear_scan_ref(a, b).squeeze().tolist()
    [1.0, 3.0]
    """
    a, b = torch.broadcast_tensors(a, b)
    h = torch.zeros_like(b[:, 0]) if h0 is None else h0.to(b.dtype)
    out = []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, dim=1)
