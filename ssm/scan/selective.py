"""Mamba's selective scan fused for the CPU, processed in time chunks (the ``chunked`` backend).

Mamba's scan expands to ``a_t = gate(Δ_t, A)`` and ``b_t = (Δ_t x_t) ⊗ B_t`` over the state
``(d_inner, d_state)`` and reads out ``y_t = Re(h_t · C_t)``. Materializing ``a``, ``b`` and their
gradients for the whole sequence costs a dozen passes over ``(B, T, d_inner, d_state)`` tensors,
and on a CPU those passes, not the arithmetic, take the time. Here the sequence is cut into chunks
of ``chunk`` steps: for each chunk the gates and inputs are formed (one vectorized operation
each, while they fit in cache), the recurrence runs step by step in place, and the readout is one
batched matmul. Only the states ``h`` (kept for the backward pass and for capture) are written at
full size. The backward pass walks the chunks in reverse, recomputes the chunk's gates, runs the
adjoint ``δ_t = C_t g_t + conj(a_{t+1}) δ_{t+1}`` in place, and forms every gradient from ``δ``
chunk by chunk, with the derivative of each gate kind written out (no autograd graph over time).
As in :mod:`ssm.scan.chunked`, only products of gates are formed: no division, no logarithm.

Inside, every tensor over time is time-major, ``(T, B, ...)``: a chunk of states is then one
contiguous block, so the readout and the gradients' batched products read it without a copy,
and the returned states are a ``(B, T, D, N)`` view of it. The backward pass writes the adjoint
into the buffer of ``∂y/∂h`` in place, sums over steps and batch as one dimension, and asks for
no zero-filled gradient of the (non-differentiable) states. Against the batch-major version
(2026-12-02), alternating in one process, one layer's forward + backward at ``(32, T, 128, 16)``
went from 59 to 44 ms at T = 64 and from 575 to 406 ms at T = 512 on 1 thread (0.70–0.73 of it
on 2; measured 2026-12-08); outputs and gradients agree to rounding (fp64: 6e-16 relative).

An optional ``gate_step`` (shape of ``delta``) replaces Δ inside the gate only: the gate is then
``gate(gate_step_t, A)`` while the input stays ``b_t = (Δ_t x_t) ⊗ B_t``, the modulus step
decoupled from the input step (the ``*_modstep`` and ``*_lru`` gates of :mod:`ssm.layers.mamba`).
"""
from __future__ import annotations

import torch

from ssm.errors import ConfigError, ShapeError

__all__ = ["selective_scan_chunked", "GATE_KINDS"]

GATE_KINDS = ("nonnegative", "signed", "complex", "time_invariant", "signed_exp", "complex_coupled")
#: Gates with a phase ``φ = θ + shift_t`` (``shift`` of shape (B, T, N), shared over channels).
PHASE_KINDS = ("signed", "complex")
COMPLEX_KINDS = ("complex", "complex_coupled")
DEFAULT_CHUNK = 8


def _gate(kind: str, delta: torch.Tensor, A: torch.Tensor, theta: torch.Tensor | None,
          shift: torch.Tensor | None) -> torch.Tensor:
    """``(..., D)`` step sizes (and ``(..., N)`` phase shifts) → gates ``(..., D, N)``."""
    dA = delta.unsqueeze(-1) * A                 # a new tensor: exponentiated in place
    if kind == "signed_exp":
        return dA.exp_().mul_(2.0).sub_(1.0)
    if kind == "complex_coupled":
        return _polar(dA, delta.unsqueeze(-1) * theta)
    if kind == "signed":
        return dA.exp_().mul_(torch.cos(theta + shift.unsqueeze(-2)))
    if kind == "complex":
        return _polar(dA, theta + shift.unsqueeze(-2))
    return dA.exp_()


def _polar(log_modulus: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """``exp(log_modulus + i·angle)`` from real ``exp``, ``cos`` and ``sin``: on the CPU about 10×
    faster than ``torch.exp`` of a complex tensor (9.2 vs 0.83 ms for 131k elements, one thread,
    measured 2026-12-02), and equal to it to rounding."""
    r = torch.exp(log_modulus)
    angle = angle.expand_as(r)
    return torch.complex(r * torch.cos(angle), r * torch.sin(angle))


def _time_major(t: torch.Tensor | None) -> torch.Tensor | None:
    """``(B, T, ...)`` → a contiguous ``(T, B, ...)`` copy (a chunk of steps is then one block)."""
    return None if t is None else t.transpose(0, 1).contiguous()


def _batch_major(t: torch.Tensor) -> torch.Tensor:
    """``(T, B, ...)`` → a contiguous ``(B, T, ...)`` copy."""
    return t.transpose(0, 1).contiguous()


def _readout(Hc: torch.Tensor, Cc: torch.Tensor) -> torch.Tensor:
    """``Re(h) · C`` over the state: ``(c, B, D, N)`` states, ``(c, B, N)`` → ``(c, B, D)``."""
    Hr = Hc.real if Hc.is_complex() else Hc
    return torch.matmul(Hr, Cc.unsqueeze(-1)).squeeze(-1)


def _sum_over_steps(q: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """``Σ_{t,b} q[t, b, d, n] · w[t, b, d]`` → ``(D, N)``, with the steps and the batch as one
    dimension (an einsum over the two separately was 3× slower, 1.1 vs 0.36 ms for
    ``(8, 32, 128, 16)``, measured 2026-12-08)."""
    d_inner, n = q.shape[-2:]
    return torch.einsum("mdn,md->dn", q.reshape(-1, d_inner, n), w.reshape(-1, d_inner))


def _dot_over_state(q: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """``Σ_n q[..., d, n] · w[d, n]`` → ``q.shape[:-1]`` (0.34 ms for ``(8, 32, 128, 16)``
    against 0.45 for the product summed, measured 2026-12-08)."""
    d_inner, n = q.shape[-2:]
    return torch.einsum("mdn,dn->md", q.reshape(-1, d_inner, n), w).reshape(q.shape[:-1])


#: ATen runs an element-wise operation on at most this many elements on the calling thread
#: (``at::internal::GRAIN_SIZE``; ``parallel_for`` splits only more than a grain), larger ones
#: across the OpenMP threads.
_ATEN_GRAIN = 32768


def _step_pieces(batch: int, per_row: int) -> int | None:
    """Rows per piece for the step-by-step updates, or None to update a step in one call.

    With more than one torch thread, an update of one step (``batch × per_row`` elements, a few
    tens of µs of work) is cut into pieces of whole batch rows of at most ATen's grain, so that
    it runs on the calling thread: under ``OMP_WAIT_POLICY=PASSIVE`` (set by :mod:`ssm`) the
    other threads sleep between operations, and waking them once per step cost more than it
    saved (``(32, 128, 16)``: 115 µs a step on 2 threads against 53 on 1, and 66 in two pieces;
    measured 2026-12-08). Steps of more than 4 grains stay whole: their work pays for the
    wake-up."""
    if torch.get_num_threads() == 1 or batch * per_row <= _ATEN_GRAIN \
            or batch * per_row > 4 * _ATEN_GRAIN:
        return None
    rows = _ATEN_GRAIN // per_row
    return rows if rows >= 1 else None


def _step_update(out: torch.Tensor, a: torch.Tensor, h: torch.Tensor, rows: int | None) -> None:
    """``out += a · h`` (one step, batch first), in pieces of ``rows`` batch rows if given."""
    if rows is None:
        out.addcmul_(a, h)
        return
    for r in range(0, out.shape[0], rows):
        out[r:r + rows].addcmul_(a[r:r + rows], h[r:r + rows])


def _forward(x, delta, A, theta, shift, Bm, Cm, gate_step, kind: str, chunk: int,
             keep_states: bool):
    """The chunked forward pass on time-major ``(T, B, ...)`` inputs; returns ``y`` ``(T, B, D)``
    and every state ``(T, B, D, N)`` (or ``None`` unless kept)."""
    step = delta if gate_step is None else gate_step
    length, batch, d_inner = x.shape
    n = A.shape[1]
    sdtype = x.dtype if kind not in COMPLEX_KINDS else torch.promote_types(x.dtype, torch.complex64)
    full = (length if keep_states else min(chunk, length), batch, d_inner, n)
    H = torch.empty(full, dtype=sdtype, device=x.device)
    y = torch.empty(length, batch, d_inner, dtype=x.dtype, device=x.device)
    u = delta * x
    h = None
    rows = _step_pieces(batch, d_inner * n * (2 if sdtype.is_complex else 1))  # complex: 2× work
    for s in range(0, length, chunk):
        e = min(length, s + chunk)
        a = _gate(kind, step[s:e], A, theta, None if shift is None else shift[s:e])
        Hc = H[s:e] if keep_states else H[:e - s]
        torch.mul(u[s:e].unsqueeze(-1), Bm[s:e].unsqueeze(-2), out=Hc)    # b_t, then h_t
        if h is not None:
            _step_update(Hc[0], a[0], h, rows)
        for i in range(1, e - s):
            _step_update(Hc[i], a[i], Hc[i - 1], rows)
        h = Hc[-1] if keep_states else Hc[-1].clone()   # the buffer is reused
        y[s:e] = _readout(Hc, Cm[s:e])
    return y, (H if keep_states else None)


class _SelectiveScan(torch.autograd.Function):
    """Inputs and outputs batch-major as in :func:`selective_scan_chunked`; inside, every
    tensor over time is time-major, so that a chunk of states is one contiguous block (the
    readout's and the gradients' batched products take it without a copy)."""

    @staticmethod
    def forward(ctx, x, delta, A, theta, shift, Bm, Cm, gate_step, kind, chunk):  # noqa: D102
        xt, dt, st, Bt, Ct, gt = (_time_major(t) for t in (x, delta, shift, Bm, Cm, gate_step))
        y, H = _forward(xt, dt, A, theta, st, Bt, Ct, gt, kind, chunk, keep_states=True)
        ctx.kind, ctx.chunk, ctx.own_step = kind, chunk, gate_step is not None
        ctx.save_for_backward(xt, dt, A, theta if theta is not None else A.new_zeros(0),
                              st if st is not None else A.new_zeros(0), Bt, Ct, H,
                              gt if gt is not None else A.new_zeros(0))
        states = H.transpose(0, 1)                       # (B, T, D, N): a view, no copy
        ctx.mark_non_differentiable(states)
        ctx.set_materialize_grads(False)       # no zero-filled full-size gradient for states
        return _batch_major(y), states

    @staticmethod
    def backward(ctx, gy, _gH):  # noqa: D102 - the adjoint, chunk by chunk in reverse
        if gy is None:                         # no gradient for y (gradcheck asks so): none back
            return (None,) * 10
        x, delta, A, theta, shift, Bm, Cm, H, gate_step = ctx.saved_tensors   # time-major
        kind, chunk, own_step = ctx.kind, ctx.chunk, ctx.own_step
        step = gate_step if own_step else delta
        length, batch, d_inner = x.shape
        is_complex = H.is_complex()
        phased = kind in PHASE_KINDS
        theta = theta if kind in ("complex_coupled", *PHASE_KINDS) else None
        shift = shift if phased else None
        gy = _time_major(gy)
        u = delta * x
        gx, gdelta = torch.empty_like(x), torch.empty_like(delta)
        gstep = torch.empty_like(step) if own_step else None
        gB, gC = torch.empty_like(Bm), torch.empty_like(Cm)
        gA = torch.zeros_like(A)
        gtheta = torch.zeros_like(A) if theta is not None else None
        gshift = torch.empty_like(shift) if phased else None
        d_next = a0_conj = None
        rows = _step_pieces(batch, d_inner * A.shape[1] * (2 if is_complex else 1))
        starts = list(range(0, length, chunk))
        for s in reversed(starts):
            e = min(length, s + chunk)
            c = e - s
            dc = delta[s:e]                    # the input step
            gc = step[s:e]                     # the gate's step (Δ itself unless own_step)
            sc = shift[s:e] if phased else None
            a = _gate(kind, gc, A, theta, sc)
            ac = a.conj().resolve_conj() if is_complex else a
            dl = (gy[s:e].unsqueeze(-1) * Cm[s:e].unsqueeze(-2)).to(H.dtype)   # ∂y/∂h, then δ
            if d_next is not None:
                _step_update(dl[-1], a0_conj, d_next, rows)
            for i in range(c - 2, -1, -1):
                _step_update(dl[i], ac[i + 1], dl[i + 1], rows)
            d_next, a0_conj = dl[0], ac[0]
            # ∂L/∂a_t = δ_t conj(h_{t-1}), with h_{-1} = 0.
            if s > 0:
                h_prev = H[s - 1:e - 1]
            else:
                h_prev = torch.cat([torch.zeros_like(H[:1]), H[:e - 1]], dim=0)
            g_a = dl * (h_prev.conj() if is_complex else h_prev)
            # Through the gate: q = conj(∂a/∂(ΔA)) ∘ ∂L/∂a (real part: the modulus; for a
            # complex gate the imaginary part is the gradient of the angle).
            q_phase = None
            if kind == "signed_exp":
                q = (a + 1.0) * g_a                                   # ∂a/∂(ΔA) = a + 1
            elif kind == "signed":                                    # a = exp(ΔA)·cos φ
                phi = theta + sc.unsqueeze(-2)
                q = a * g_a                                           # ∂a/∂(ΔA) = a
                q_phase = -torch.exp(gc.unsqueeze(-1) * A) * torch.sin(phi) * g_a
            else:
                q = g_a.mul_(ac)                                      # ∂a/∂(ΔA) = a
            if is_complex:
                q, q_angle = q.real, q.imag
                if kind == "complex_coupled":                         # angle Δ·θ
                    gtheta += _sum_over_steps(q_angle, gc)
                else:                                                 # angle θ + shift
                    q_phase = q_angle
                dr = dl.real
            else:
                dr = dl
            gA += _sum_over_steps(q, gc)
            g_dc = _dot_over_state(q, A)
            if kind == "complex_coupled":
                g_dc = g_dc + _dot_over_state(q_angle, theta)
            if q_phase is not None:
                gtheta += q_phase.sum((0, 1))
                gshift[s:e] = q_phase.sum(2)
            # Through b_t = u_t ⊗ B_t and y_t = Re(h_t) · C_t.
            g_u = torch.matmul(dr, Bm[s:e].unsqueeze(-1)).squeeze(-1)          # (c, B, D)
            gB[s:e] = torch.matmul(u[s:e].unsqueeze(-2), dr).squeeze(-2)       # (c, B, N)
            Hr = H[s:e].real if is_complex else H[s:e]
            gC[s:e] = torch.matmul(gy[s:e].unsqueeze(-2), Hr).squeeze(-2)
            if own_step:
                gstep[s:e] = g_dc
                gdelta[s:e] = g_u * x[s:e]
            else:
                gdelta[s:e] = g_dc + g_u * x[s:e]
            gx[s:e] = g_u * dc
        back = _batch_major
        return (back(gx), back(gdelta), gA, gtheta, back(gshift) if phased else None, back(gB),
                back(gC), back(gstep) if own_step else None, None, None)


def selective_scan_chunked(x: torch.Tensor, delta: torch.Tensor, A: torch.Tensor,
                           Bm: torch.Tensor, Cm: torch.Tensor, *, gate: str = "nonnegative",
                           theta: torch.Tensor | None = None, shift: torch.Tensor | None = None,
                           gate_step: torch.Tensor | None = None, chunk: int = DEFAULT_CHUNK,
                           return_states: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mamba's selective scan from a zero state, with any gate kind.

    Parameters
    ----------
    x, delta : Tensor, shape (batch, length, d_inner)
        Inputs and positive step sizes Δ (``delta`` may be a broadcast view).
    A : Tensor, shape (d_inner, d_state)
        Negative real parts ``−exp(A_log)``.
    Bm, Cm : Tensor, shape (batch, length, d_state)
        Input and output projections.
    gate : {"nonnegative", "signed", "complex", "time_invariant", "signed_exp", "complex_coupled"}
        ``a = exp(ΔA)``, ``exp(ΔA)·cos φ``, ``exp(ΔA + iφ)`` with ``φ = θ + shift_t``, ``exp(ΔA)``,
        ``2 exp(ΔA) − 1`` or ``exp(Δ(A + iθ))``.
    theta : Tensor, shape (d_inner, d_state), optional
        Base phases (``signed``, ``complex``) or rotations (``complex_coupled``).
    shift : Tensor, shape (batch, length, d_state), optional
        Input-dependent phase shifts (``signed``, ``complex``), shared over the channels.
    gate_step : Tensor, shape (batch, length, d_inner), optional
        The gate's own step: the gate is formed from it in place of ``delta``, which then only
        scales the input (``b_t = Δ_t x_t B_t``). Positive; differentiable.
    chunk : int
        Steps per chunk.
    return_states : bool
        Return every state. Without gradients and states, only one chunk of states is held in
        memory at a time (long inference runs stay small).

    Returns
    -------
    y : Tensor, shape (batch, length, d_inner)
        ``Re(h_t · C_t)``; differentiable in every input.
    h : Tensor, shape (batch, length, d_inner, d_state), or None
        Every state (complex for the complex gate); not differentiable (for capture); a view
        of the time-major buffer, so not contiguous (``.contiguous()`` copies it). ``None``
        when ``return_states=False`` and no gradient is needed.

    >>> x = torch.ones(1, 3, 1); delta = torch.full((1, 3, 1), 50.0)
    >>> y, h = selective_scan_chunked(x, delta, -torch.ones(1, 1), torch.ones(1, 3, 1),
    ...                               torch.ones(1, 3, 1), gate="signed_exp")
    >>> y.squeeze().tolist()            # gate -1: the state alternates 50, 0, 50
    [50.0, 0.0, 50.0]
    """
    if gate not in GATE_KINDS:
        raise ConfigError(f"unknown gate {gate!r}; choose one of: {', '.join(GATE_KINDS)}")
    if gate in ("complex_coupled", *PHASE_KINDS) and theta is None:
        raise ConfigError(f"the {gate} gate needs theta")
    if gate in PHASE_KINDS and (shift is None or shift.shape != Bm.shape):
        raise ShapeError(f"the {gate} gate needs a phase shift of shape {tuple(Bm.shape)}, got "
                         f"{None if shift is None else tuple(shift.shape)}")
    if x.dim() != 3 or delta.shape != x.shape or A.dim() != 2 or A.shape[0] != x.shape[2] \
            or Bm.shape != (*x.shape[:2], A.shape[1]) or Cm.shape != Bm.shape:
        raise ShapeError(f"selective scan shapes do not fit: x {tuple(x.shape)}, delta "
                         f"{tuple(delta.shape)}, A {tuple(A.shape)}, B {tuple(Bm.shape)}, "
                         f"C {tuple(Cm.shape)}")
    if gate_step is not None and gate_step.shape != x.shape:
        raise ShapeError(f"gate_step must have the shape of x {tuple(x.shape)}, got "
                         f"{tuple(gate_step.shape)}")
    if isinstance(chunk, bool) or int(chunk) < 1:
        raise ShapeError(f"chunk must be >= 1, got {chunk}")
    if x.shape[1] == 0:
        empty = x.new_zeros(*x.shape, A.shape[1])
        return x.new_zeros(x.shape), empty.to(torch.complex64) if gate in COMPLEX_KINDS else empty
    shift = shift if gate in PHASE_KINDS else None
    needs_grad = torch.is_grad_enabled() and any(
        t is not None and t.requires_grad for t in (x, delta, A, theta, shift, Bm, Cm, gate_step))
    if not needs_grad and not return_states:
        y, _ = _forward(*(_time_major(t) for t in (x, delta)), A, theta, _time_major(shift),
                        *(_time_major(t) for t in (Bm, Cm, gate_step)), gate, int(chunk),
                        keep_states=False)
        return _batch_major(y), None
    return _SelectiveScan.apply(x, delta, A, theta, shift, Bm, Cm, gate_step, gate, int(chunk))
