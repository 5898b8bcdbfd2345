"""The one module that imports ``fla`` (flash-linear-attention), lazily and only for CUDA.

fla's Triton kernels ``chunk_delta_rule`` and ``chunk_gated_delta_rule`` compute the delta rule of
:mod:`ssm.scan.delta_reference` (same ``(B, T, H, K)`` layout, same ``(B, H, K, V)`` state, same
default scale ``K ** -0.5``) and return outputs and the final state, never the per-position states;
DeltaProduct runs as the delta rule over its interleaved steps (as
:func:`ssm.scan.delta_chunked.delta_product_chunked`). fla's chunked kernels take float16 and
bfloat16 only (they refuse float32 with an assertion), so float32 inputs are refused here with
:class:`~ssm.errors.BackendUnavailableError` and ``scan="auto"`` runs float32 layers on the
chunked scan. Install with the optional extra ``pip install "ssm-expressivity[fla]"`` (the
package ``flash-linear-attention``).
"""
from __future__ import annotations

import importlib
import inspect
from typing import Callable

import torch

from ssm.errors import BackendUnavailableError

from .delta_reference import DeltaOutput, check_delta_inputs

__all__ = ["load_fla_delta_rule", "load_fla_delta_product", "INSTALL", "FLA_DTYPES"]

INSTALL = "pip install flash-linear-attention"
#: The dtypes fla's chunked delta-rule kernels take.
FLA_DTYPES = (torch.float16, torch.bfloat16)


def _import(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise BackendUnavailableError("fla", f"the package does not import ({e})", INSTALL) from e


def _require_cuda(device_type: str) -> None:
    if device_type != "cuda" or not torch.cuda.is_available():
        raise BackendUnavailableError("fla", "its Triton kernels need a CUDA device", INSTALL)


def _layout_kwargs(fn: Callable) -> dict:
    """``head_first=False`` where the installed fla still has that argument (older releases
    defaulted to the head-first layout ``(B, H, T, K)``; ours is ``(B, T, H, K)``)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    return {"head_first": False} if "head_first" in params else {}


def load_fla_delta_rule(device_type: str = "cuda") -> Callable[..., DeltaOutput]:
    """A function with the signature of :func:`ssm.scan.delta_reference.delta_rule_ref`
    (``output_states`` must be False) running fla's chunked kernels."""
    _require_cuda(device_type)
    plain = _import("fla.ops.delta_rule", "chunk_delta_rule")
    gated = _import("fla.ops.gated_delta_rule", "chunk_gated_delta_rule")
    layout_plain, layout_gated = _layout_kwargs(plain), _layout_kwargs(gated)

    def run(q, k, v, beta, g=None, *, h0=None, scale=None, output_states=False) -> DeltaOutput:
        if output_states:
            raise BackendUnavailableError("fla", "its kernels do not return per-position states; "
                                          "use the chunked scan to capture states")
        check_delta_inputs(q, k, v, beta, g, h0)
        if q.dtype not in FLA_DTYPES:
            raise BackendUnavailableError("fla", f"its kernels take float16 or bfloat16, not "
                                          f"{q.dtype}; use the chunked scan")
        scale = q.shape[-1] ** -0.5 if scale is None else scale
        if g is None:
            o, final = plain(q=q, k=k, v=v, beta=beta, scale=scale, initial_state=h0,
                             output_final_state=True, **layout_plain)
        else:
            o, final = gated(q=q, k=k, v=v, g=g, beta=beta, scale=scale, initial_state=h0,
                             output_final_state=True, **layout_gated)
        return DeltaOutput(o, final, None)

    return run


def load_fla_delta_product(device_type: str = "cuda") -> Callable[..., DeltaOutput]:
    """As :func:`load_fla_delta_rule` with the signature of
    :func:`ssm.scan.delta_reference.delta_product_ref`."""
    from .delta_chunked import interleave_query_and_decay

    rule = load_fla_delta_rule(device_type)

    def run(q, k, v, beta, g=None, *, h0=None, scale=None, output_states=False) -> DeltaOutput:
        B, T, nh, H, K = k.shape
        check_delta_inputs(q, k, v, beta, g, h0, n_householder=nh)
        qf, gf = interleave_query_and_decay(q, g, nh)
        out = rule(qf, k.reshape(B, T * nh, H, K), v.reshape(B, T * nh, H, -1),
                   beta.reshape(B, T * nh, H), gf, h0=h0, scale=K ** -0.5 if scale is None else scale,
                   output_states=output_states)
        return DeltaOutput(out.o[:, nh - 1::nh].contiguous(), out.final_state, None)

    return run
