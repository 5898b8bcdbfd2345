"""The one module that imports ``mamba_ssm`` (lazily, and only when CUDA is available).

mamba-ssm's fused selective scan computes Mamba's recurrence with gates ``exp(Δ·A)`` in (0, 1)
and returns outputs only, never the per-position states.
"""
from __future__ import annotations

import importlib
from typing import Callable

import torch

from ssm.errors import BackendUnavailableError

__all__ = ["load_selective_scan", "load_mamba_module", "INSTALL"]

INSTALL = "pip install 'mamba-ssm>=2.2' 'causal-conv1d>=1.4'  (or: pip install -e '.[gpu]')"


def _require_cuda(device_type: str) -> None:
    if device_type != "cuda" or not torch.cuda.is_available():
        raise BackendUnavailableError("mamba_ssm", "it needs a CUDA device", INSTALL)


def _import(module: str, name: str):
    """``from module import name``, or a one-line BackendUnavailableError with the install hint."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise BackendUnavailableError("mamba_ssm", f"the package does not import ({e})",
                                      INSTALL) from e


def load_selective_scan(device_type: str = "cuda") -> Callable:
    """Return ``mamba_ssm``'s ``selective_scan_fn`` (fused, CUDA only)."""
    _require_cuda(device_type)
    return _import("mamba_ssm.ops.selective_scan_interface", "selective_scan_fn")


def load_selective_scan_ref() -> Callable:
    """Return ``mamba_ssm``'s own sequential reference scan (pure PyTorch, any device)."""
    return _import("mamba_ssm.ops.selective_scan_interface", "selective_scan_ref")


def load_mamba_module(device_type: str = "cuda") -> type:
    """Return the ``mamba_ssm.Mamba`` class (for comparison tests on CUDA)."""
    _require_cuda(device_type)
    return _import("mamba_ssm", "Mamba")
