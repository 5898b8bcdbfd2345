"""Scan backends for the diagonal recurrence ``h_t = a_t * h_{t-1} + b_t`` and how to pick one.

=============  ======================================  ======================================
name           where                                   gates
=============  ======================================  ======================================
reference      anywhere (sequential; the oracle)       all
chunked        anywhere (chunked parallel; CPU pick)   all
triton         CUDA with ``triton`` (or interpreter)   all (signed and complex included)
mamba_ssm      CUDA with ``mamba-ssm`` (fused Mamba)   nonnegative, time_invariant
=============  ======================================  ======================================

Importing this package loads neither ``triton`` nor ``mamba_ssm``.

>>> fn = select_scan("chunked", "cpu", "signed")
>>> fn.name, fn.fused
('chunked', False)
>>> select_scan("fastest", "cpu", "signed")
Traceback (most recent call last):
...
ssm.errors.ConfigError: unknown scan 'fastest'; choose one of: auto, reference, chunked, triton, mamba_ssm
"""
from __future__ import annotations

import functools
import logging
from typing import Callable

import torch

from ssm.errors import BackendUnavailableError, ConfigError

__all__ = ["select_scan", "available_scans", "ScanFn"]

logger = logging.getLogger("ssm.scan")
SCAN_NAMES = ("auto", "reference", "chunked", "triton", "mamba_ssm")
_FUSED_GATES = ("nonnegative", "time_invariant")
_announced: set[tuple[str, str, str]] = set()


class ScanFn:
    """A named scan callable.

    ``fused=False``: ``fn(a, b, h0=None) -> h`` with every state (the ``linear_scan_ref`` contract).
    ``fused=True``: mamba-ssm's selective scan
    ``fn(u, delta, A, B, C, D, z, delta_bias, delta_softplus) -> y``; it never returns states.
    """

    def __init__(self, name: str, fn: Callable, fused: bool = False):
        self.name, self.fn, self.fused = name, fn, fused

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"ScanFn({self.name!r}, fused={self.fused})"


def _device_type(device) -> str:
    if isinstance(device, torch.device):
        return device.type
    try:
        return torch.device(device).type
    except (RuntimeError, TypeError) as e:
        raise ConfigError(f"unknown device {device!r}") from e


def _load(name: str, device_type: str, gate: str) -> ScanFn:
    """Load backend ``name`` or raise :class:`BackendUnavailableError`."""
    if name == "reference":
        from ssm.scan.reference import linear_scan_ref
        return ScanFn("reference", linear_scan_ref)
    if name == "chunked":
        from ssm.scan.chunked import chunked_scan
        return ScanFn("chunked", chunked_scan)
    if name == "triton":
        from ssm.scan import triton_kernel
        triton_kernel.check_available(device_type)
        return ScanFn("triton", triton_kernel.triton_scan)
    if name == "mamba_ssm":
        if gate not in _FUSED_GATES:
            raise BackendUnavailableError(
                "mamba_ssm", f"its kernel only takes gates in (0, 1), not gate {gate!r}; "
                "use scan='triton' or 'chunked'")
        from ssm.scan import mamba_backend
        return ScanFn("mamba_ssm", mamba_backend.load_selective_scan(device_type), fused=True)
    raise ConfigError(f"unknown scan {name!r}; choose one of: {', '.join(SCAN_NAMES)}")


def available_scans(device="cpu", gate: str = "nonnegative") -> list[str]:
    """Names of the backends that can run on ``device`` for ``gate``, fastest first."""
    dev = _device_type(device)
    order = ["mamba_ssm", "triton", "chunked", "reference"] if dev == "cuda" else ["chunked",
                                                                                  "reference"]
    out = []
    for name in order:
        try:
            _load(name, dev, gate)
        except BackendUnavailableError:
            continue
        out.append(name)
    return out


@functools.lru_cache(maxsize=None)
def _select(name: str, device_type: str, gate: str) -> ScanFn:
    if name not in SCAN_NAMES:
        raise ConfigError(f"unknown scan {name!r}; choose one of: {', '.join(SCAN_NAMES)}")
    if name != "auto":
        return _load(name, device_type, gate)
    chosen = _load(available_scans(device_type, gate)[0], device_type, gate)
    key = (device_type, gate, chosen.name)
    if key not in _announced:
        _announced.add(key)
        logger.info("scan='auto' on %s for gate %r: using the %r scan", device_type, gate, chosen.name)
    return chosen


def select_scan(name_or_auto: str, device="cpu", gate: str = "nonnegative") -> ScanFn:
    """The scan backend ``name_or_auto`` for ``device`` and ``gate``.

    Parameters
    ----------
    name_or_auto : {"auto", "reference", "chunked", "triton", "mamba_ssm"}
        ``"auto"`` picks the fastest available (CUDA: mamba_ssm for non-negative gates, then
        triton, then chunked; CPU: chunked) and logs the choice once on the ``ssm.scan`` logger.
    device : str or torch.device
    gate : str
        The gate kind; ``mamba_ssm`` accepts only ``nonnegative`` and ``time_invariant``.

    Raises
    ------
    BackendUnavailableError
        If a backend named explicitly cannot run here (the message has the install command).
    """
    return _select(name_or_auto, _device_type(device), gate)
