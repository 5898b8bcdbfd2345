"""Named capture points: read every layer's output and recurrent state during ``forward``.

Every model in :mod:`ssm` places :class:`HookPoint` modules (identity functions) at stable names
(``embed``, ``layers.{i}.out``, ``layers.{i}.state`` for Mamba/diagonal layers, ``layers.{i}.h``
and ``layers.{i}.c`` for LSTM layers). :func:`capture` attaches forward hooks to the requested
points and removes them on exit, even when the body raises. A layer computes an expensive value
(e.g. Mamba's per-position state, which fused kernels never materialize) only while a hook is
attached to its point.

>>> import torch
>>> from ssm.config import ModelConfig
>>> from ssm.model import build_model
>>> model = build_model(ModelConfig(arch="lstm", layers=2, width=8, vocab_size=3, n_outputs=2))
>>> with capture(model, ["layers.1.c", "layers.0.out"]) as cache:
...     _ = model(torch.tensor([[1, 2, 2]]))
>>> {name: tuple(t.shape) for name, t in sorted(cache.items())}
{'layers.0.out': (1, 3, 8), 'layers.1.c': (1, 3, 8)}
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Sequence

import torch
from torch import nn

from ssm.errors import CaptureError

__all__ = ["HookPoint", "capture", "hook_points"]


class HookPoint(nn.Module):
    """Identity module marking a capture site; :func:`capture` hooks it.

    Layers ask :attr:`wanted` before computing values only needed for capture.
    """

    @property
    def wanted(self) -> bool:
        """Whether a capture hook is attached right now."""
        return bool(self._forward_hooks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D401 - identity
        return x


def hook_points(model: nn.Module) -> dict[str, HookPoint]:
    """Map each capture-site name to its :class:`HookPoint` in ``model``.

    A hook point registered as ``<prefix>.hook_<name>`` is exposed as ``<prefix>.<name>``
    (``layers.0.hook_out`` → ``layers.0.out``; ``hook_embed`` → ``embed``).
    """
    points: dict[str, HookPoint] = {}
    for name, module in model.named_modules():
        if isinstance(module, HookPoint):
            prefix, _, leaf = name.rpartition(".")
            site = leaf[len("hook_"):] if leaf.startswith("hook_") else leaf
            # Hook points nested inside a layer's mixer are reported at the layer level.
            prefix = ".".join(p for p in prefix.split(".") if p and p != "mixer")
            points[f"{prefix}.{site}" if prefix else site] = module
    return points


def _as_features(x: torch.Tensor) -> torch.Tensor:
    """``(B, T, ...)`` → ``(B, T, F)`` float, complex values split as [real..., imag...]."""
    x = x.detach()
    if x.is_complex():
        x = torch.cat([x.real.reshape(*x.shape[:2], -1), x.imag.reshape(*x.shape[:2], -1)], dim=-1)
    return x.reshape(*x.shape[:2], -1)


@contextlib.contextmanager
def capture(model: nn.Module, sites: Sequence[str] | None = None) -> Iterator[dict[str, torch.Tensor]]:
    """Record the values at ``sites`` while the body runs ``model.forward``.

    Parameters
    ----------
    model : nn.Module
        A model from :func:`ssm.model.build_model` (any module with :class:`HookPoint` children).
    sites : sequence of str, optional
        Site names (see ``model.capture_sites()``); all sites by default.

    Yields
    ------
    dict[str, Tensor]
        Filled during each forward: ``site -> Tensor (B, T, features)``, detached, complex states
        split into real then imaginary features. A later forward overwrites earlier entries.

    Raises
    ------
    CaptureError
        If a site name is unknown.
    """
    points = hook_points(model)
    names = list(points) if sites is None else list(sites)
    unknown = [s for s in names if s not in points]
    if unknown:
        raise CaptureError(f"unknown capture site(s) {', '.join(map(repr, unknown))}; "
                           f"available: {', '.join(points)}")
    cache: dict[str, torch.Tensor] = {}
    handles = []

    def make_hook(site: str):
        def hook(_module, _inputs, output):
            cache[site] = _as_features(output)
        return hook

    try:
        for site in names:
            handles.append(points[site].register_forward_hook(make_hook(site)))
        yield cache
    finally:
        for h in handles:
            h.remove()
