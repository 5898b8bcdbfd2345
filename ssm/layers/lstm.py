"""An LSTM layer whose per-step hidden and cell states are both available.

``nn.LSTM`` returns every ``h_t`` but only the last ``c_t``. The cell state obeys a diagonal
linear recurrence once the gates are known, ``c_t = f_t ∘ c_{t-1} + i_t ∘ g_t``, and the gates
depend only on ``x_t`` and ``h_{t-1}``, which ``nn.LSTM`` already returned. So every ``c_t`` is
recovered exactly with one parallel scan, and only while the ``c`` capture point is hooked; the
training path is the plain cuDNN/MKL ``nn.LSTM``.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from ssm.capture import HookPoint
from ssm.scan.chunked import chunked_scan

__all__ = ["LSTMLayer", "LSTMState"]


class LSTMState(NamedTuple):
    """Recurrent state of one layer."""

    h: torch.Tensor  # (B, hidden)
    c: torch.Tensor  # (B, hidden)


class LSTMLayer(nn.Module):
    """One LSTM layer ``(B, T, d_in) -> (B, T, hidden)``.

    Capture sites: ``hook_h`` (every ``h_t``) and ``hook_c`` (every ``c_t``), shape
    ``(B, T, hidden)``.

    >>> layer = LSTMLayer(3, 4)
    >>> layer(torch.zeros(2, 5, 3)).shape
    torch.Size([2, 5, 4])
    """

    def __init__(self, d_in: int, hidden: int):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.LSTM(d_in, hidden, num_layers=1, batch_first=True)
        self.hook_h = HookPoint()
        self.hook_c = HookPoint()

    def _gates(self, x: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Input, forget, cell and output gates (PyTorch's i, f, g, o order)."""
        lstm = self.lstm
        pre = x @ lstm.weight_ih_l0.t() + h_prev @ lstm.weight_hh_l0.t() + lstm.bias_ih_l0 \
            + lstm.bias_hh_l0
        i, f, g, o = pre.chunk(4, dim=-1)
        return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the layer over ``x`` (B, T, d_in) from a zero state."""
        h, _ = self.lstm(x)
        self.hook_h(h)
        if self.hook_c.wanted:
            h_prev = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], dim=1)
            i, f, g, _ = self._gates(x, h_prev)
            self.hook_c(chunked_scan(f, i * g))
        return h

    def init_state(self, batch: int, device=None, dtype=None) -> LSTMState:
        """Zero state for ``batch`` sequences."""
        w = self.lstm.weight_hh_l0
        zeros = torch.zeros(batch, self.hidden, device=device or w.device, dtype=dtype or w.dtype)
        return LSTMState(zeros, zeros.clone())

    def step(self, x: torch.Tensor, state: LSTMState) -> tuple[torch.Tensor, LSTMState]:
        """One token: ``x`` (B, d_in) → ``h`` (B, hidden) and the new state."""
        i, f, g, o = self._gates(x, state.h)
        c = f * state.c + i * g
        h = o * torch.tanh(c)
        return h, LSTMState(h, c)
