"""A small causal Transformer: self-attention, MLP and positional encodings.

Attention is causal, so with right padding the outputs at real positions never see the padding.
Positional encodings: ``none`` (position is only implicit in the causal mask), ``learned``
(an embedding table of ``max_len`` rows) or ``sinusoidal`` (Vaswani et al. 2017).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ssm.errors import ConfigError, ShapeError

__all__ = ["CausalSelfAttention", "MLP", "PositionalEncoding", "KVCache", "sinusoidal_table"]


class KVCache(NamedTuple):
    """Keys and values of the positions seen so far, each ``(B, heads, t, head_dim)``."""

    k: torch.Tensor
    v: torch.Tensor


def sinusoidal_table(length: int, width: int, device=None) -> torch.Tensor:
    """Sinusoidal encodings ``(length, width)``: sin on even, cos on odd features.

    >>> torch.allclose(sinusoidal_table(2, 4)[1, :2], torch.tensor([math.sin(1.0), math.cos(1.0)]))
    True
    """
    pos = torch.arange(length, dtype=torch.float32, device=device).unsqueeze(1)
    freq = torch.exp(torch.arange(0, width, 2, dtype=torch.float32, device=device)
                     * (-math.log(10000.0) / width))
    table = torch.zeros(length, width, device=device)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq[: width // 2])
    return table


class PositionalEncoding(nn.Module):
    """Add position information to ``(B, T, width)`` embeddings starting at ``offset``."""

    def __init__(self, kind: str, width: int, max_len: int):
        super().__init__()
        if kind not in ("none", "learned", "sinusoidal"):
            raise ConfigError(f"unknown positional {kind!r}; choose one of: none, learned, sinusoidal")
        self.kind, self.width, self.max_len = kind, width, max_len
        if kind == "learned":
            self.table = nn.Embedding(max_len, width)
            nn.init.normal_(self.table.weight, std=0.02)

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        if self.kind == "none":
            return x
        end = offset + x.shape[1]
        if self.kind == "learned":
            if end > self.max_len:
                raise ShapeError(f"position {end - 1} exceeds max_len {self.max_len} of the "
                                 "learned positional table")
            pos = torch.arange(offset, end, device=x.device)
            return x + self.table(pos)
        return x + sinusoidal_table(end, self.width, device=x.device)[offset:].to(x.dtype)


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention ``(B, T, width) -> (B, T, width)``."""

    def __init__(self, width: int, n_heads: int):
        super().__init__()
        if width % n_heads:
            raise ConfigError(f"width {width} is not divisible by n_heads {n_heads}")
        self.width, self.n_heads, self.head_dim = width, n_heads, width // n_heads
        self.qkv = nn.Linear(width, 3 * width)
        self.out_proj = nn.Linear(width, width)

    def _split(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        shape = (*x.shape[:-1], self.n_heads, self.head_dim)
        return tuple(t.reshape(shape).transpose(-3, -2) for t in (q, k, v))  # (B, H, T, hd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(x)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out_proj(y.transpose(1, 2).reshape(x.shape))

    def init_state(self, batch: int, device=None, dtype=None) -> KVCache:
        w = self.qkv.weight
        empty = torch.zeros(batch, self.n_heads, 0, self.head_dim, device=device or w.device,
                            dtype=dtype or w.dtype)
        return KVCache(empty, empty.clone())

    def step(self, x: torch.Tensor, cache: KVCache) -> tuple[torch.Tensor, KVCache]:
        """One token ``x`` (B, width) attending to the cached positions and itself."""
        q, k, v = self._split(x.unsqueeze(1))
        k = torch.cat([cache.k, k], dim=2)
        v = torch.cat([cache.v, v], dim=2)
        y = F.scaled_dot_product_attention(q, k, v)            # all cached keys are in the past
        return self.out_proj(y.transpose(1, 2).reshape(x.shape)), KVCache(k, v)


class MLP(nn.Module):
    """Position-wise ``width -> 4·width -> width`` with GELU."""

    def __init__(self, width: int, mult: int = 4):
        super().__init__()
        self.fc = nn.Linear(width, mult * width)
        self.proj = nn.Linear(mult * width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(F.gelu(self.fc(x)))
