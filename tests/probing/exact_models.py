"""Hand-built models with a known automaton inside, for the extraction and intervention tests.

``ParityNet`` tracks parity exactly: its one-number state ``s`` flips on the symbol ``1``; the
site ``layers.0.out`` holds ``(s, 1 - s)`` and the head reads EOS from it (so ablating that
site breaks the model). With ``broken=True`` the state never flips: the model always says
"even", i.e. it accepts every string.
"""
from __future__ import annotations

import torch
from torch import nn

from ssm.capture import HookPoint
from ssm.model import Cache


class _Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hook_out = HookPoint()
        self.hook_state = HookPoint()


class ParityNet(nn.Module):
    def __init__(self, broken: bool = False):
        super().__init__()
        self.broken = broken
        self.layers = nn.ModuleList([_Layer()])
        self.dummy = nn.Parameter(torch.zeros(1))

    def capture_sites(self) -> list[str]:
        return ["layers.0.state", "layers.0.out"]

    def _head(self, f: torch.Tensor) -> torch.Tensor:
        eos = 10.0 * (f[..., 1] - f[..., 0])
        five = torch.full_like(eos, 5.0)
        return torch.stack([five, five, eos], dim=-1)

    def _flip(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(tokens, dtype=torch.float32) if self.broken else \
            (tokens == 2).float()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        s = torch.cumsum(self._flip(tokens), dim=1) % 2
        self.layers[0].hook_state(s.unsqueeze(-1))
        f = self.layers[0].hook_out(torch.stack([s, 1 - s], dim=-1))
        return self._head(f)

    def init_cache(self, batch: int) -> Cache:
        return Cache(0, (torch.zeros(batch, 1),))

    def step(self, token: torch.Tensor, cache: Cache):
        s = cache.layers[0]
        flip = self._flip(token).unsqueeze(-1)
        s = torch.where(flip > 0, 1 - s, s)
        sb = (s[:, 0] > 0.5).float()
        return self._head(torch.stack([sb, 1 - sb], dim=-1)), Cache(cache.position + 1, (s,))
