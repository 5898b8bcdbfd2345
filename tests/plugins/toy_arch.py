"""A toy architecture in one file: a noisy (dropout) gated linear RNN, one register call.

Its dropout draws from the global RNG while training, so resuming it bit-identically needs the
RNG states restored from the checkpoint.
"""
from __future__ import annotations

import torch
from torch import nn

from ssm.architectures import get_architecture, register_architecture, unregister_architecture


class ToyRNN(nn.Module):
    """``h_t = sigmoid(a) * h_{t-1} + W x_t`` with dropout on the input."""

    def __init__(self, width: int, p: float):
        super().__init__()
        self.inp = nn.Linear(width, width)
        self.a = nn.Parameter(torch.zeros(width))
        self.drop = nn.Dropout(p)

    def forward(self, x):
        u, g = self.inp(self.drop(x)), torch.sigmoid(self.a)
        h, out = torch.zeros_like(u[:, 0]), []
        for t in range(u.shape[1]):
            h = g * h + u[:, t]
            out.append(h)
        return torch.stack(out, 1)

    def init_state(self, batch, device=None):
        return torch.zeros(batch, self.a.numel(), device=device)

    def step(self, x, h):
        h = torch.sigmoid(self.a) * h + self.inp(self.drop(x))
        return h, h


try:
    get_architecture("toy_rnn")
except ValueError:
    register_architecture("toy_rnn", lambda cfg: ToyRNN(cfg.width, cfg.option("dropout")),
                          gates={"nonnegative": "ssm_nonnegative"}, options={"dropout": 0.1},
                          description="test plugin: noisy gated linear RNN")

__all__ = ["ToyRNN", "unregister_architecture"]
