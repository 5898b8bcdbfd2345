"""The one tolerance helper for comparing scans and models across dtypes."""
from __future__ import annotations

import torch

# (rtol, atol) per real dtype; complex dtypes use their real counterpart.
_TOL = {
    torch.float16: (1e-2, 1e-2),
    torch.bfloat16: (2e-2, 2e-2),
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-10, 1e-12),
}


def tolerances(dtype: torch.dtype) -> tuple[float, float]:
    """``(rtol, atol)`` for ``dtype``."""
    if dtype.is_complex:
        dtype = torch.empty(0, dtype=dtype).real.dtype
    return _TOL[dtype]


def assert_close(actual: torch.Tensor, expected: torch.Tensor, *, dtype: torch.dtype,
                 scale: float = 1.0, msg: str = "") -> None:
    """Assert ``actual ≈ expected`` with tolerances for ``dtype`` (times ``scale``).

    Compares values and shapes; dtypes may differ (e.g. a float32 path against a float64 oracle).
    """
    rtol, atol = tolerances(dtype)
    torch.testing.assert_close(actual.detach().to(expected.dtype), expected.detach(),
                               rtol=rtol * scale, atol=atol * scale, msg=msg or None)
