"""Depthwise causal convolution over time, channels last: the short convolution of Mamba and
DeltaNet blocks.

``y[b, t, d] = bias[d] + Σ_k weight[d, k] · x[b, t − (W − 1) + k, d]`` with ``x`` zero before
the start: ``nn.Conv1d(D, D, W, groups=D, padding=W − 1)`` applied to ``x.transpose(1, 2)`` and
cut to the first ``T`` outputs.

On the CPU the convolution is ``W`` shifted multiply-adds over ``(B, T, D)`` with a written-out
backward (``∂x`` the same shifts reversed, ``∂weight`` one product-and-sum per tap). PyTorch's
grouped ``conv1d`` backward runs badly across threads on the CPU: for ``(32, 128, 512)`` and
``W = 4`` it took 43 ms on 1 thread and 329–364 ms on 2 (2026-12-08, torch 2.13, this 2-core
machine), which made a Mamba training step slower on 2 threads than on 1
(``python -m benchmarks.scan``); this function took 29 and 19 ms. On other devices
``F.conv1d`` is used as it is.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

__all__ = ["depthwise_causal_conv"]


class _DepthwiseCausalConv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):  # x (B, T, D), weight (D, W), bias (D,)
        width, length = weight.shape[1], x.shape[1]
        y = torch.mul(x, weight[:, width - 1])
        for k in range(width - 1):
            s = width - 1 - k                    # tap k reads s steps back
            if s < length:
                y[:, s:].addcmul_(x[:, :length - s], weight[:, k])
        if bias is not None:
            y.add_(bias)
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx, gy):
        x, weight = ctx.saved_tensors
        width, length = weight.shape[1], x.shape[1]
        gy = gy.contiguous()
        gx = torch.mul(gy, weight[:, width - 1])
        gw = torch.empty_like(weight)
        gw[:, width - 1] = (gy * x).sum((0, 1))
        for k in range(width - 1):
            s = width - 1 - k
            if s < length:
                gx[:, :length - s].addcmul_(gy[:, s:], weight[:, k])
                gw[:, k] = (gy[:, s:] * x[:, :length - s]).sum((0, 1))
            else:
                gw[:, k] = 0
        gb = gy.sum((0, 1)) if ctx.has_bias else None
        return gx, gw, gb


def depthwise_causal_conv(x: torch.Tensor, weight: torch.Tensor,
                          bias: torch.Tensor | None = None) -> torch.Tensor:
    """The depthwise causal convolution of ``x`` ``(B, T, D)`` with ``weight`` ``(D, 1, W)``
    (an ``nn.Conv1d`` weight) or ``(D, W)``, and an optional ``bias`` ``(D,)``; returns
    ``(B, T, D)``. Differentiable once in ``x``, ``weight`` and ``bias`` on the CPU.

    >>> x = torch.arange(1.0, 5.0).reshape(1, 4, 1)
    >>> depthwise_causal_conv(x, torch.tensor([[1.0, 10.0]])).flatten().tolist()
    [10.0, 21.0, 32.0, 43.0]
    """
    w2 = weight.reshape(weight.shape[0], weight.shape[-1])
    if x.device.type != "cpu":
        width, length = w2.shape[1], x.shape[1]
        return F.conv1d(x.transpose(1, 2), w2.unsqueeze(1), bias, padding=width - 1,
                        groups=x.shape[-1])[..., :length].transpose(1, 2)
    return _DepthwiseCausalConv.apply(x, w2, bias)
