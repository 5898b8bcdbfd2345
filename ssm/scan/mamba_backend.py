"""The one module that imports ``mamba_ssm`` (lazily, and only when CUDA is available).

mamba-ssm's fused selective scan computes Mamba's recurrence with gates ``exp(Δ·A)`` in (0, 1)
and returns outputs only, never the per-position states.
"""
from __future__ import annotations

from typing import Callable

import torch

from ssm.errors import BackendUnavailableError

__all__ = ["load_selective_scan", "load_mamba_module", "INSTALL"]

INSTALL = "pip install 'mamba-ssm>=2.2' 'causal-conv1d>=1.4'  (or: pip install -e '.[gpu]')"


def _require_cuda(device_type: str) -> None:
    if device_type != "cuda" or not torch.cuda.is_available():
        raise BackendUnavailableError("mamba_ssm", "it needs a CUDA device", INSTALL)


def load_selective_scan(device_type: str = "cuda") -> Callable:
    """Return ``mamba_ssm``'s ``selective_scan_fn`` (fused, CUDA only)."""
    _require_cuda(device_type)
    try:
        from mamba_ssm.ops.selective_scan_interface import selective_scan_fn
    except ImportError as e:
        raise BackendUnavailableError("mamba_ssm", f"the package does not import ({e})",
                                      INSTALL) from e
    return selective_scan_fn


def load_selective_scan_ref() -> Callable:
    """Return ``mamba_ssm``'s own sequential reference scan (pure PyTorch, any device)."""
    try:
        from mamba_ssm.ops.selective_scan_interface import selective_scan_ref
    except ImportError as e:
        raise BackendUnavailableError("mamba_ssm", f"the package does not import ({e})",
                                      INSTALL) from e
    return selective_scan_ref


def load_mamba_module(device_type: str = "cuda") -> type:
    """Return the ``mamba_ssm.Mamba`` class (for comparison tests on CUDA)."""
    _require_cuda(device_type)
    try:
        from mamba_ssm import Mamba
    except ImportError as e:
        raise BackendUnavailableError("mamba_ssm", f"the package does not import ({e})",
                                      INSTALL) from e
    return Mamba
