"""A Mamba-1 block in plain PyTorch with a choice of gate, mirroring ``mamba_ssm.Mamba``.

Parameter names, shapes and initialization follow ``mamba_ssm.modules.mamba_simple.Mamba``
(Gu & Dao 2023, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"), so state
dicts move both ways: ``in_proj``, ``conv1d``, ``x_proj``, ``dt_proj``, ``A_log``, ``D``,
``out_proj`` (plus ``A_theta`` and ``phase_proj`` for the phase gates, ``A_theta`` for
``complex_coupled``, ``mod_proj`` for the step gates). The selective scan is written as the linear recurrence over the state
``(d_inner, d_state)``::

    a_t = gate(Δ_t, A)        b_t = Δ_t · B_t · x_t        h_t = a_t ∘ h_{t-1} + b_t
    y_t = Re(C_t · h_t) + D · x_t

with ``A = −exp(A_log)`` and the gate

- ``nonnegative``: ``exp(Δ·A)`` in (0, 1) (Mamba);
- ``signed``: ``exp(Δ·A)·cos φ_t`` in (−1, 1), modulus from Δ as in Mamba, sign from the phase;
- ``complex``: ``exp(Δ·A + iφ_t)`` (complex state), modulus and phase decoupled;
- ``time_invariant``: ``exp(Δ·A)`` with Δ = softplus(``dt_proj.bias``), independent of the input
  (S4D-like; ``dt_proj.weight`` and the Δ columns of ``x_proj`` are kept for state-dict
  compatibility but unused);
- ``signed_exp``: ``2·exp(Δ·A) − 1`` in (−1, 1) (Grazzi et al. 2025, "Unlocking State-Tracking in
  Linear RNNs Through Negative Eigenvalues"), the earlier ``signed``;
- ``complex_coupled``: ``exp(Δ·(A + iθ))`` with a learned rotation ``θ = A_theta``, the earlier
  ``complex``: one Δ sets both modulus and angle;
- ``signed_modstep`` / ``complex_modstep``: ``exp(σ_t·A)·cos φ_t`` / ``exp(σ_t·A + iφ_t)`` with
  their own *modulus step* ``σ_t = softplus(mod_proj(x_t))`` (per channel) in place of Δ, which
  then only scales the input ``b_t = Δ_t·B_t·x_t``; A and the bias of σ initialized as Mamba's
  A and Δ;
- ``signed_lru`` / ``complex_lru``: the same formulas, initialized as the LRU (Orvieto et al.
  2023): ``A = −exp(A_log)`` with ``exp(A)`` uniform on the ring [0.9, 0.999] (in |λ|²) and
  σ ≈ 1, so ``|λ_t| = exp(−exp(A_log)·σ_t)`` starts near 1 and σ_t can still grow to reset.

Why the step gates: in Mamba's zero-order hold ``|a| = exp(Δ·A)`` and ``b = Δ·B·x`` share Δ, so
holding a phase over ~100 steps (``Δ·|A| ≲ 1e-3``, with ``|A| ≥ 1``) scales the write down by
the same factor. With σ separate, a unit-modulus gate and a full-size write coexist (docs/
training.md, "Gates"). Every step gate stays in its family's class: input-dependent diagonal,
``|λ| ≤ 1``, real in [−1, 1] (signed) or complex (complex).

The phase of ``signed`` and ``complex`` is ``φ_t = θ + π·tanh(ψ_t)``: a base angle per
(channel, state) ``θ = A_theta``, initialized spread uniformly over [0, 2π) (the ring
initialization of Orvieto et al. 2023, "Resurrecting Recurrent Neural Networks for Long
Sequences"), plus a bounded input-dependent shift ``ψ_t = phase_proj(x_t)`` of shape
``(d_state,)``, shared over channels like B and C. Every angle mod 2π is reached at an interior
point of tanh, so a gate of exactly −1 (``signed``: Δ → 0 and φ = π) or any root of unity
(``complex``) has ordinary, non-vanishing gradients around it. ``signed_exp`` reaches −1 only as
Δ·A → −∞, where its derivative ``∂a/∂(ΔA) = a + 1`` vanishes and the input ``b = Δ·B·x`` grows
with the same Δ (docs/training.md, "Gates"). Neither ``A_theta`` nor ``phase_proj.bias`` is
weight-decayed.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ssm.capture import HookPoint
from ssm.config import COMPLEX_GATES, GATE_FORMULA, MAMBA_GATES, PHASE_GATES, STEP_GATES
from ssm.errors import ConfigError
from ssm.layers.causal_conv import depthwise_causal_conv
from ssm.scan import select_scan
from ssm.scan.selective import selective_scan_chunked

__all__ = ["Mamba", "MambaState", "make_gate"]


class MambaState(NamedTuple):
    """Recurrent state of one block: the last ``d_conv`` conv inputs and the SSM state."""

    conv: torch.Tensor  # (B, d_inner, d_conv)
    ssm: torch.Tensor   # (B, d_inner, d_state), complex for the complex gate


def make_gate(kind: str, delta: torch.Tensor, A: torch.Tensor,
              theta: torch.Tensor | None = None, phase: torch.Tensor | None = None) -> torch.Tensor:
    """The gate ``a = gate(Δ, A)``.

    Parameters
    ----------
    kind : str
        One of :data:`ssm.config.MAMBA_GATES`.
    delta : Tensor, shape (..., d_inner)
        Positive step sizes: Δ, or the modulus step σ for :data:`ssm.config.STEP_GATES`.
    A : Tensor, shape (d_inner, d_state)
        Negative real parts ``−exp(A_log)``.
    theta : Tensor, shape (d_inner, d_state), optional
        Rotation (``complex_coupled`` only).
    phase : Tensor, broadcastable to (..., d_inner, d_state), optional
        The angle φ (``signed`` and ``complex`` only).

    Returns
    -------
    Tensor, shape (..., d_inner, d_state)
        Real, or complex for :data:`ssm.config.COMPLEX_GATES`.

    >>> a = make_gate("signed_exp", torch.tensor([1e-9, 50.0]), -torch.ones(2, 1))
    >>> a.squeeze(-1).tolist()
    [1.0, -1.0]
    >>> a = make_gate("signed", torch.tensor([1e-9, 1e-9]), -torch.ones(2, 1),
    ...               phase=torch.tensor([[0.0], [math.pi]]))
    >>> [round(v, 6) for v in a.squeeze(-1).tolist()]
    [1.0, -1.0]
    """
    if kind not in GATE_FORMULA:
        raise ConfigError(f"unknown gate {kind!r}; choose one of: {', '.join(MAMBA_GATES)}")
    kind = GATE_FORMULA[kind]
    dA = delta.unsqueeze(-1) * A
    if kind in ("nonnegative", "time_invariant"):
        return torch.exp(dA)
    if kind == "signed_exp":
        return 2.0 * torch.exp(dA) - 1.0
    if kind == "complex_coupled":
        if theta is None:
            raise ConfigError("the complex_coupled gate needs a rotation theta")
        return torch.exp(torch.complex(dA, delta.unsqueeze(-1) * theta))
    if kind in PHASE_GATES:
        if phase is None:
            raise ConfigError(f"the {kind} gate needs a phase")
        if kind == "signed":
            return torch.exp(dA) * torch.cos(phase)
        return torch.exp(torch.complex(dA, phase.expand_as(dA)))
    raise ConfigError(f"unknown gate {kind!r}; choose one of: {', '.join(MAMBA_GATES)}")


def _ring_A_log(d_inner: int, d_state: int, r_min: float, r_max: float, device=None) -> torch.Tensor:
    """``A_log`` with ``exp(−exp(A_log))`` = |λ| drawn so that |λ|² is uniform on
    [r_min², r_max²] (the LRU's ring initialization, Orvieto et al. 2023, §3.2)."""
    u = torch.rand(d_inner, d_state, device=device)
    return torch.log(-0.5 * torch.log(u * (r_max ** 2 - r_min ** 2) + r_min ** 2))


class Mamba(nn.Module):
    """Mamba-1 mixer ``(B, T, d_model) -> (B, T, d_model)`` with a selectable gate.

    Parameters
    ----------
    d_model : int
    d_state, d_conv, expand : int
        As in mamba-ssm (defaults 16, 4, 2).
    dt_rank : int or "auto"
        ``"auto"`` is ``ceil(d_model / 16)``.
    dt_min, dt_max, dt_init, dt_scale, dt_init_floor, conv_bias, bias :
        mamba-ssm's initialization options, same defaults.
    gate : str
        One of :data:`ssm.config.MAMBA_GATES` (see the module docstring).
    scan : str
        Scan backend name or ``"auto"`` (see :func:`ssm.scan.select_scan`).

    Capture site: ``hook_state`` receives the states ``(B, T, d_inner, d_state)`` when hooked.
    """

    def __init__(self, d_model: int, d_state: int = 16, d_conv: int = 4, expand: int = 2,
                 dt_rank: int | str = "auto", dt_min: float = 0.001, dt_max: float = 0.1,
                 dt_init: str = "random", dt_scale: float = 1.0, dt_init_floor: float = 1e-4,
                 conv_bias: bool = True, bias: bool = False, gate: str = "nonnegative",
                 scan: str = "auto", device=None, dtype=None):
        super().__init__()
        if gate not in MAMBA_GATES:
            raise ConfigError(f"unknown gate {gate!r}; choose one of: {', '.join(MAMBA_GATES)}")
        if dt_init not in ("random", "constant"):
            raise ConfigError(f"unknown dt_init {dt_init!r}; choose one of: random, constant")
        fk = {"device": device, "dtype": dtype}
        self.d_model, self.d_state, self.d_conv, self.expand = d_model, d_state, d_conv, expand
        self.d_inner = expand * d_model
        self.dt_rank = math.ceil(d_model / 16) if dt_rank == "auto" else int(dt_rank)
        self.gate, self.scan = gate, scan

        self.in_proj = nn.Linear(d_model, 2 * self.d_inner, bias=bias, **fk)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, kernel_size=d_conv, groups=self.d_inner,
                                padding=d_conv - 1, bias=conv_bias, **fk)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + 2 * d_state, bias=False, **fk)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner, bias=True, **fk)
        # Δ initialization as in mamba-ssm: weight ~ U(±dt_rank^-0.5·scale) (or constant);
        # bias = softplus^{-1}(dt) with dt log-uniform in [dt_min, dt_max], floored.
        std = self.dt_rank ** -0.5 * dt_scale
        with torch.no_grad():
            if dt_init == "constant":
                nn.init.constant_(self.dt_proj.weight, std)
            else:
                nn.init.uniform_(self.dt_proj.weight, -std, std)
            dt = torch.exp(torch.rand(self.d_inner, **fk) * (math.log(dt_max) - math.log(dt_min))
                           + math.log(dt_min)).clamp(min=dt_init_floor)
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        self.dt_proj.bias._no_reinit = True
        # S4D-real initialization: A = -(1, 2, ..., d_state) for every channel.
        A = torch.arange(1, d_state + 1, dtype=torch.float32, device=device).repeat(self.d_inner, 1)
        if gate in ("signed_lru", "complex_lru"):
            A_log = _ring_A_log(self.d_inner, d_state, 0.9, 0.999, device=device)
        else:
            A_log = torch.log(A)
        self.A_log = nn.Parameter(A_log.to(dtype) if dtype else A_log)
        self.A_log._no_weight_decay = True
        if gate in STEP_GATES:
            # the modulus step σ_t = softplus(mod_proj(x_t)): bias as Mamba's Δ bias (modstep)
            # or softplus^{-1}(1) (lru, so that σ ≈ 1 and |λ| starts on the ring)
            self.mod_proj = nn.Linear(self.d_inner, self.d_inner, bias=True, **fk)
            with torch.no_grad():
                if gate.endswith("_lru"):
                    self.mod_proj.bias.fill_(math.log(math.expm1(1.0)))
                else:
                    s0 = torch.exp(torch.rand(self.d_inner, **fk)
                                   * (math.log(dt_max) - math.log(dt_min))
                                   + math.log(dt_min)).clamp(min=dt_init_floor)
                    self.mod_proj.bias.copy_(s0 + torch.log(-torch.expm1(-s0)))
            self.mod_proj.bias._no_weight_decay = True
            self.mod_proj.bias._no_reinit = True
        if gate == "complex_coupled":
            # S4D-Lin imaginary parts: θ_n = π·n (Gu et al. 2022, "On the Parameterization and
            # Initialization of Diagonal State Space Models").
            theta = math.pi * torch.arange(d_state, dtype=torch.float32, device=device)
            self.A_theta = nn.Parameter(theta.repeat(self.d_inner, 1).to(dtype or torch.float32))
            self.A_theta._no_weight_decay = True
        if gate in PHASE_GATES:
            # ring initialization: base angles uniform on [0, 2π) (Orvieto et al. 2023)
            theta = 2 * math.pi * torch.rand(self.d_inner, d_state, device=device)
            self.A_theta = nn.Parameter(theta.to(dtype or torch.float32))
            self.A_theta._no_weight_decay = True
            self.phase_proj = nn.Linear(self.d_inner, d_state, bias=True, **fk)
            with torch.no_grad():
                self.phase_proj.bias.zero_()
            self.phase_proj.bias._no_weight_decay = True
        self.D = nn.Parameter(torch.ones(self.d_inner, device=device))
        self.D._no_weight_decay = True
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=bias, **fk)
        self.hook_state = HookPoint()

    # -- pieces shared by forward and step -------------------------------------------------
    def _delta(self, dt_low: torch.Tensor) -> torch.Tensor:
        """Δ ``(..., d_inner)`` from the low-rank projection ``(..., dt_rank)``."""
        if self.gate == "time_invariant":
            return F.softplus(self.dt_proj.bias).expand(*dt_low.shape[:-1], self.d_inner)
        return F.softplus(self.dt_proj(dt_low))

    def _gate_step(self, x: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
        """The step inside the gate: the modulus step σ for the step gates, else Δ."""
        if self.gate not in STEP_GATES:
            return delta
        return F.softplus(self.mod_proj(x))

    def _shift(self, x: torch.Tensor) -> torch.Tensor | None:
        """Input-dependent phase shift ``π·tanh(ψ(x))`` ``(..., d_state)`` (phase gates only)."""
        if self.gate not in PHASE_GATES:
            return None
        return math.pi * torch.tanh(self.phase_proj(x))

    def _gate(self, delta: torch.Tensor, shift: torch.Tensor | None = None) -> torch.Tensor:
        theta = self.A_theta if self.gate == "complex_coupled" else None
        phase = None if shift is None else self.A_theta + shift.unsqueeze(-2)
        return make_gate(self.gate, delta, -torch.exp(self.A_log.float()), theta, phase)

    def _scan_fn(self, device: torch.device, need_states: bool):
        fn = select_scan(self.scan, device, self.gate)
        if fn.fused and need_states:  # fused kernels never return states: capture needs them
            fn = select_scan("chunked", device, self.gate)
        return fn

    # -- forward ---------------------------------------------------------------------------
    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """Mix ``hidden`` (B, T, d_model) → (B, T, d_model)."""
        x, z = self.in_proj(hidden).chunk(2, dim=-1)                          # (B, T, d_inner)
        x = F.silu(depthwise_causal_conv(x, self.conv1d.weight, self.conv1d.bias))
        dt_low, Bm, Cm = self.x_proj(x).split([self.dt_rank, self.d_state, self.d_state], dim=-1)
        fn = self._scan_fn(hidden.device, self.hook_state.wanted)
        if fn.fused:
            y = self._fused(fn, x, z, dt_low, Bm, Cm)
        elif fn.name == "chunked":      # CPU path: the chunked selective scan, fused in torch
            delta = self._delta(dt_low)
            theta = self.A_theta if self.gate in (*PHASE_GATES, "complex_coupled") else None
            wanted = self.hook_state.wanted
            step = self._gate_step(x, delta) if self.gate in STEP_GATES else None
            y, h = selective_scan_chunked(x, delta, -torch.exp(self.A_log.float()), Bm, Cm,
                                          gate=GATE_FORMULA[self.gate], theta=theta,
                                          shift=self._shift(x), gate_step=step,
                                          return_states=wanted)
            if wanted:
                self.hook_state(h)
            y = (y + x * self.D) * F.silu(z)
        else:
            delta = self._delta(dt_low)                                       # (B, T, d_inner)
            a = self._gate(self._gate_step(x, delta), self._shift(x))         # (B, T, di, N)
            b = (delta * x).unsqueeze(-1) * Bm.unsqueeze(-2)                   # (B, T, di, N)
            h = fn(a, b)
            self.hook_state(h)
            hr = h.real if h.is_complex() else h
            y = torch.matmul(hr, Cm.unsqueeze(-1).to(hr.dtype)).squeeze(-1)  # (B, T, d_inner)
            y = y.to(x.dtype) + x * self.D
            y = y * F.silu(z)
        return self.out_proj(y)

    def _fused(self, fn, x, z, dt_low, Bm, Cm) -> torch.Tensor:
        """mamba-ssm's selective_scan_fn path (CUDA; non-negative gates only)."""
        A = -torch.exp(self.A_log.float())
        if self.gate == "time_invariant":
            delta = torch.zeros_like(x).transpose(1, 2)
        else:
            delta = (dt_low @ self.dt_proj.weight.t()).transpose(1, 2)
        y = fn(x.transpose(1, 2).contiguous(), delta.contiguous(), A,
               Bm.transpose(1, 2).contiguous(), Cm.transpose(1, 2).contiguous(), self.D.float(),
               z=z.transpose(1, 2).contiguous(), delta_bias=self.dt_proj.bias.float(),
               delta_softplus=True)
        return y.transpose(1, 2)

    # -- recurrent step --------------------------------------------------------------------
    def init_state(self, batch: int, device=None, dtype=None) -> MambaState:
        """Zero state for ``batch`` sequences."""
        device = device or self.A_log.device
        dtype = dtype or self.in_proj.weight.dtype
        conv = torch.zeros(batch, self.d_inner, self.d_conv, device=device, dtype=dtype)
        sdtype = torch.complex64 if self.gate in COMPLEX_GATES else torch.float32
        return MambaState(conv, torch.zeros(batch, self.d_inner, self.d_state, device=device,
                                            dtype=sdtype))

    def step(self, hidden: torch.Tensor, state: MambaState) -> tuple[torch.Tensor, MambaState]:
        """One token: ``hidden`` (B, d_model) → output (B, d_model) and the new state."""
        x, z = self.in_proj(hidden).chunk(2, dim=-1)                           # (B, d_inner)
        conv = torch.cat([state.conv[..., 1:], x.unsqueeze(-1)], dim=-1)      # (B, di, d_conv)
        x = (conv * self.conv1d.weight.squeeze(1)).sum(-1)
        if self.conv1d.bias is not None:
            x = x + self.conv1d.bias
        x = F.silu(x)
        dt_low, Bm, Cm = self.x_proj(x).split([self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = self._delta(dt_low)
        a = self._gate(self._gate_step(x, delta), self._shift(x))             # (B, di, N)
        b = (delta * x).unsqueeze(-1) * Bm.unsqueeze(-2)
        h = a * state.ssm + b
        hr = h.real if h.is_complex() else h
        y = (hr * Cm.unsqueeze(-2)).sum(-1).to(x.dtype) + x * self.D
        y = y * F.silu(z)
        return self.out_proj(y), MambaState(conv, h)
