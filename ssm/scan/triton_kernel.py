"""Triton kernel for the diagonal scan with signed and complex gates (imported lazily).

Placeholder: the kernel is being written; :func:`check_available` reports it unavailable.
"""
from __future__ import annotations

from ssm.errors import BackendUnavailableError

INSTALL = "pip install 'triton>=3.0'  (or: pip install -e '.[gpu]')"


def check_available(device_type: str) -> None:
    raise BackendUnavailableError("triton", "the Triton scan is not built yet", INSTALL)


def triton_scan(a, b, h0=None):
    check_available("cuda")
