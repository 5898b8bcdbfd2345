"""A Triton kernel for the diagonal scan with any real or complex gates (imported lazily).

mamba-ssm's fused kernel hard-codes gates ``exp(Δ·A)`` in (0, 1); this kernel takes the gates
``a`` themselves, so signed gates in (−1, 1) (Grazzi et al. 2025) and complex gates work. Each
program owns one batch row and a block of state channels and walks the sequence in time, carrying
the state in registers (parallel over batch × state, sequential over time: the states are
written once, and the backward pass is the same kernel run backwards on the adjoint
``δ_t = g_t + conj(a_{t+1}) δ_{t+1}``).

Runs on CUDA, or anywhere under Triton's interpreter (``TRITON_INTERPRET=1`` set before
``triton`` is imported), which the CPU tests use. ``triton`` is imported only when this module's
functions are first called.
"""
from __future__ import annotations

import functools
import os

import torch

from ssm.errors import BackendUnavailableError
from ssm.scan.chunked import check_scan_inputs

__all__ = ["triton_scan", "check_available", "INSTALL"]

INSTALL = "pip install 'triton>=3.0'  (or: pip install -e '.[gpu]')"
_BLOCK = 128


def _interpreting() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") == "1"


def check_available(device_type: str = "cuda") -> None:
    """Raise :class:`BackendUnavailableError` unless the kernel can run on ``device_type``."""
    try:
        import triton  # noqa: F401
    except ImportError as e:
        raise BackendUnavailableError("triton", f"the package does not import ({e})", INSTALL) from e
    if device_type == "cuda" and torch.cuda.is_available():
        return
    if not _interpreting():
        raise BackendUnavailableError(
            "triton", f"it needs a CUDA device (on {device_type}, set TRITON_INTERPRET=1 before "
            "importing triton to run its interpreter)", INSTALL)


@functools.lru_cache(maxsize=None)
def _kernel():
    """Compile-on-first-use: define the ``@triton.jit`` kernel (imports triton)."""
    import triton
    import triton.language as tl

    @triton.jit
    def scan_kernel(a_ptr, b_ptr, out_ptr, h0_ptr, T, S,
                    HAS_H0: tl.constexpr, REVERSE: tl.constexpr, IS_COMPLEX: tl.constexpr,
                    IS_F64: tl.constexpr, BLOCK: tl.constexpr):
        # Tensors are contiguous (B, T, S), complex ones viewed as (B, T, S, 2) reals.
        # Forward:  h_t = a_t h_{t-1} + b_t.
        # REVERSE:  h_t = conj(a_{t+1}) h_{t+1} + b_t  (the adjoint; a_{T} := 0).
        pid_b = tl.program_id(0)
        pid_s = tl.program_id(1)
        offs = pid_s * BLOCK + tl.arange(0, BLOCK)
        mask = offs < S
        acc_t = tl.float64 if IS_F64 else tl.float32
        hr = tl.zeros([BLOCK], dtype=acc_t)
        hi = tl.zeros([BLOCK], dtype=acc_t)
        cr = tl.zeros([BLOCK], dtype=acc_t)          # reverse: conj(a_{t+1}) from last step
        ci = tl.zeros([BLOCK], dtype=acc_t)
        if HAS_H0:
            if IS_COMPLEX:
                hr = tl.load(h0_ptr + 2 * (pid_b * S + offs), mask=mask, other=0.0).to(acc_t)
                hi = tl.load(h0_ptr + 2 * (pid_b * S + offs) + 1, mask=mask, other=0.0).to(acc_t)
            else:
                hr = tl.load(h0_ptr + pid_b * S + offs, mask=mask, other=0.0).to(acc_t)
        for i in range(0, T):
            if REVERSE:
                t = T - 1 - i
            else:
                t = i
            idx = (pid_b * T + t) * S + offs
            if IS_COMPLEX:
                ar = tl.load(a_ptr + 2 * idx, mask=mask, other=0.0).to(acc_t)
                ai = tl.load(a_ptr + 2 * idx + 1, mask=mask, other=0.0).to(acc_t)
                br = tl.load(b_ptr + 2 * idx, mask=mask, other=0.0).to(acc_t)
                bi = tl.load(b_ptr + 2 * idx + 1, mask=mask, other=0.0).to(acc_t)
                if REVERSE:
                    nr = cr * hr - ci * hi + br
                    ni = cr * hi + ci * hr + bi
                    cr = ar
                    ci = -ai
                else:
                    nr = ar * hr - ai * hi + br
                    ni = ar * hi + ai * hr + bi
                hr = nr
                hi = ni
                tl.store(out_ptr + 2 * idx, hr, mask=mask)
                tl.store(out_ptr + 2 * idx + 1, hi, mask=mask)
            else:
                ar = tl.load(a_ptr + idx, mask=mask, other=0.0).to(acc_t)
                br = tl.load(b_ptr + idx, mask=mask, other=0.0).to(acc_t)
                if REVERSE:
                    hr = cr * hr + br
                    cr = ar
                else:
                    hr = ar * hr + br
                tl.store(out_ptr + idx, hr, mask=mask)

    return scan_kernel


def _launch(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None, reverse: bool) -> torch.Tensor:
    """Run the kernel on contiguous ``(B, T, S)`` tensors of one dtype."""
    import triton

    batch, length, width = b.shape
    out = torch.empty_like(b)
    is_complex = b.is_complex()
    view = torch.view_as_real if is_complex else (lambda x: x)
    h0_arg = view(h0) if h0 is not None else view(out)      # unused without h0
    grid = (batch, triton.cdiv(width, _BLOCK))
    _kernel()[grid](view(a), view(b), view(out), h0_arg, length, width,
                    HAS_H0=h0 is not None, REVERSE=reverse, IS_COMPLEX=is_complex,
                    IS_F64=b.dtype in (torch.float64, torch.complex128), BLOCK=_BLOCK)
    return out


class _TritonScan(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, h0):  # noqa: D102 - see triton_scan
        h = _launch(a, b, h0, reverse=False)
        ctx.has_h0 = h0 is not None
        ctx.save_for_backward(a, h, h0 if h0 is not None else h.new_zeros(0))
        return h

    @staticmethod
    def backward(ctx, grad_h):  # noqa: D102 - the adjoint, run backwards by the same kernel
        a, h, h0 = ctx.saved_tensors
        delta = _launch(a, grad_h.contiguous(), None, reverse=True)
        grad_a = grad_h0 = None
        if ctx.needs_input_grad[0]:
            prev = torch.cat([h0.unsqueeze(1) if ctx.has_h0 else torch.zeros_like(h[:, :1]),
                              h[:, :-1]], dim=1)
            grad_a = delta * prev.conj()
        if ctx.has_h0 and ctx.needs_input_grad[2]:
            grad_h0 = delta[:, 0] * a[:, 0].conj()
        return grad_a, delta if ctx.needs_input_grad[1] else None, grad_h0


def triton_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """``h_t = a_t * h_{t-1} + b_t`` along dim 1 with the Triton kernel (``linear_scan_ref``'s
    contract: shapes ``(batch, length, *state)``, real or complex, differentiable).

    Raises
    ------
    BackendUnavailableError
        Without ``triton``, or on a CPU tensor outside the interpreter.
    """
    check_available(b.device.type)
    a, b, dtype = check_scan_inputs(a, b, h0)
    batch, length, state = b.shape[0], b.shape[1], b.shape[2:]
    if length == 0:
        return b.to(dtype).clone()
    a3 = a.to(dtype).reshape(batch, length, -1).contiguous()
    b3 = b.to(dtype).reshape(batch, length, -1).contiguous()
    h03 = h0.to(dtype).reshape(batch, -1).contiguous() if h0 is not None else None
    return _TritonScan.apply(a3, b3, h03).reshape(batch, length, *state)
