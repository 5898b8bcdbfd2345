"""A trainable layer of the paper's formal class (``arch="diagonal"`` in :class:`ModelConfig`).

Sarrof, Veitsman & Hahn (2024, §2) define one SSM layer as

    h_t = a(x_t) ∘ h_{t-1} + b(x_t),        z_t = φ(h_t, x_t),

a diagonal, input-dependent linear recurrence with a position-wise nonlinear readout. Here
``a`` uses the same gates as :mod:`ssm.layers.mamba` (``a = gate(Δ(x_t), A)`` with
``Δ = softplus(W_Δ x + c)``, input-independent for ``time_invariant``; the phase gates' angle is
``φ_t = θ + π·tanh(W_φ x_t)`` per channel, ``θ`` ring-initialized on [0, 2π)), ``b(x_t) = Δ ∘ W_b x_t``,
and ``φ(h, x) = W_o GELU(W_h feat(h) + W_x x)`` where ``feat(h)`` is ``h`` (or ``[Re h, Im h]``
for complex gates). There is no convolution and one state per channel, so it is the bare class
the theorems are about, trainable. Hand-set weights for constructions live in
:mod:`ssm.layers.diagonal`.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ssm.capture import HookPoint
from ssm.config import COMPLEX_GATES, GATES, PHASE_GATES
from ssm.errors import ConfigError
from ssm.layers.mamba import make_gate
from ssm.scan import select_scan

__all__ = ["SelectiveDiagonalLayer"]


class SelectiveDiagonalLayer(nn.Module):
    """``(B, T, d_model) -> (B, T, d_model)`` with ``n_state`` diagonal channels.

    Capture site ``hook_state``: the states ``(B, T, n_state)`` (complex for the complex gates).

    >>> layer = SelectiveDiagonalLayer(8, 6, gate="signed")
    >>> layer(torch.zeros(2, 5, 8)).shape
    torch.Size([2, 5, 8])
    """

    def __init__(self, d_model: int, n_state: int, gate: str = "nonnegative", scan: str = "auto",
                 dt_min: float = 0.001, dt_max: float = 0.1):
        super().__init__()
        if gate not in GATES:
            raise ConfigError(f"unknown gate {gate!r}; choose one of: {', '.join(GATES)}")
        self.d_model, self.n_state, self.gate, self.scan = d_model, n_state, gate, scan
        self.dt_proj = nn.Linear(d_model, n_state)
        self.b_proj = nn.Linear(d_model, n_state, bias=False)
        with torch.no_grad():                                   # Δ log-uniform as in Mamba
            dt = torch.exp(torch.rand(n_state) * (math.log(dt_max) - math.log(dt_min))
                           + math.log(dt_min))
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        self.A_log = nn.Parameter(torch.log(torch.linspace(1.0, 16.0, n_state)).unsqueeze(1))
        if gate == "complex_coupled":
            self.A_theta = nn.Parameter(math.pi * torch.linspace(0.0, 1.0, n_state).unsqueeze(1))
            self.A_theta._no_weight_decay = True
        if gate in PHASE_GATES:     # ring initialization (Orvieto et al. 2023)
            self.A_theta = nn.Parameter(2 * math.pi * torch.rand(n_state, 1))
            self.A_theta._no_weight_decay = True
            self.phase_proj = nn.Linear(d_model, n_state)
            with torch.no_grad():
                self.phase_proj.bias.zero_()
            self.phase_proj.bias._no_weight_decay = True
        feat = 2 * n_state if gate in COMPLEX_GATES else n_state
        self.read_h = nn.Linear(feat, n_state)
        self.read_x = nn.Linear(d_model, n_state, bias=False)
        self.out_proj = nn.Linear(n_state, d_model)
        self.hook_state = HookPoint()

    def _gate_and_input(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.gate == "time_invariant":
            delta = F.softplus(self.dt_proj.bias).expand(*x.shape[:-1], self.n_state)
        else:
            delta = F.softplus(self.dt_proj(x))
        theta = self.A_theta if self.gate == "complex_coupled" else None
        phase = None
        if self.gate in PHASE_GATES:
            phase = (self.A_theta.squeeze(-1) + math.pi * torch.tanh(self.phase_proj(x))).unsqueeze(-1)
        a = make_gate(self.gate, delta, -torch.exp(self.A_log), theta, phase).squeeze(-1)
        return a, delta * self.b_proj(x)

    def _readout(self, h: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        feat = torch.cat([h.real, h.imag], dim=-1) if h.is_complex() else h
        return self.out_proj(F.gelu(self.read_h(feat) + self.read_x(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self._gate_and_input(x)
        scan = select_scan(self.scan, x.device, self.gate)
        if scan.fused:                      # mamba_ssm's kernel is Mamba-specific
            scan = select_scan("chunked", x.device, self.gate)
        h = self.hook_state(scan(a, b))
        return self._readout(h, x)

    def init_state(self, batch: int, device=None, dtype=None) -> torch.Tensor:
        """Zero state ``(batch, n_state)``."""
        dtype = torch.complex64 if self.gate in COMPLEX_GATES else (dtype or self.A_log.dtype)
        return torch.zeros(batch, self.n_state, device=device or self.A_log.device, dtype=dtype)

    def step(self, x: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One token: ``x`` (B, d_model) → output (B, d_model) and the new state."""
        a, b = self._gate_and_input(x)
        h = a * state + b
        return self._readout(h, x), h
