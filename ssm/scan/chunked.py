"""A chunked parallel scan for the diagonal recurrence ``h_t = a_t * h_{t-1} + b_t`` on CPU.

The sequence is cut into ``n`` chunks of ``C`` steps (``C ≈ sqrt(T)`` by default) and scanned in
three phases, each a handful of whole-tensor operations (a two-level scan in the spirit of
Blelloch, "Prefix sums and their applications", 1990):

1. every chunk is scanned from a zero state, all chunks at once (``C`` vectorized steps);
2. the states entering each chunk are carried from chunk to chunk (``n`` small steps), using the
   chunk's gate product ``P = a_1 a_2 ... a_C``;
3. each chunk adds ``cumprod(a) * (state entering the chunk)``.

Only products of gates are formed, never quotients or logarithms, so gates that are exactly 0,
exactly ±1, tiny, or complex are handled exactly as in the sequential reference, and long
sequences cannot overflow (a product that underflows to 0 is the true contribution, rounded).

When every step already spans many elements (``batch × state ≥ 32768``), one chunk is used: the
steps run one after another in place, each a single fused ``addcmul`` over the whole batch and
state, which reads and writes every element the fewest times (on a CPU the scan is bound by
memory traffic, not arithmetic). Smaller problems are cut into ``≈ sqrt(T)`` chunks so that the
Python loop has ``≈ 2·sqrt(T)`` steps instead of ``T``.

The backward pass is the adjoint recurrence, itself a linear scan run backwards in time
(``δ_t = g_t + conj(a_{t+1}) δ_{t+1}``, ``∂L/∂b_t = δ_t``, ``∂L/∂a_t = δ_t conj(h_{t-1})``), so no
autograd graph over time steps is kept: memory is a few copies of the state sequence.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import torch

from ssm.errors import ShapeError

__all__ = ["chunked_scan", "default_chunk_size"]


def default_chunk_size(length: int) -> int:
    """Chunk length ``≈ sqrt(length)`` (balances the two sequential phases).

    >>> default_chunk_size(512), default_chunk_size(1)
    (23, 1)
    """
    return max(1, round(math.sqrt(length)))


# Per-step slices smaller than this many elements make Python overhead dominate: then the
# sequence is cut into chunks scanned side by side; larger slices are scanned one step at a
# time in place, which touches every element the fewest times (the CPU is memory-bound).
_MIN_STEP_ELEMENTS = 1 << 15


def _plan_chunk(batch: int, length: int, width: int) -> int:
    """Chunk length: the whole sequence when each step is big, else ``≈ sqrt(length)``."""
    if batch * width >= _MIN_STEP_ELEMENTS:
        return length
    n_chunks = min(-(-_MIN_STEP_ELEMENTS // (batch * width)), max(1, round(math.sqrt(length))))
    return -(-length // n_chunks)


# torch splits an element-wise op over its intra-op threads only above this many elements
# (at::internal::GRAIN_SIZE); every such op ends in a barrier that waits for the slowest thread.
_GRAIN = 32768
_POOLS: dict[int, ThreadPoolExecutor] = {}


def _width_parts(batch: int, width: int, device: torch.device) -> list[list[tuple[int, int]]]:
    """Groups of state-column ranges for the in-place loops, one group per worker thread.

    With one intra-op thread (or a small step, or not on the CPU) there is one group holding
    the whole width: the plain loop. Otherwise the columns are cut into ranges whose per-step
    slice stays at or below ``_GRAIN`` elements (so torch runs each op inline, with no barrier)
    and dealt to ``torch.get_num_threads()`` workers that each run the whole time loop on their
    ranges. A step of a fused loop at T = 1024 is ~20 µs of work; with torch's own splitting it
    ends in a barrier, and on a busy machine the second thread is often descheduled, so each
    barrier waited milliseconds (2 threads were 10-17x slower than 1 at T = 1024). Independent
    workers never wait for each other until the end of the sequence.
    """
    threads = torch.get_num_threads()
    if threads <= 1 or batch * width <= _GRAIN or device.type != "cpu":
        return [[(0, width)]]
    per = max(1, _GRAIN // max(batch, 1))
    ranges = [(w, min(width, w + per)) for w in range(0, width, per)]
    n = min(threads, len(ranges))
    return [ranges[i::n] for i in range(n)]


def _run_parts(groups, body) -> None:
    """Run ``body(group)`` for every group: inline for one, else on a persistent thread pool
    (torch ops release the GIL), under ``no_grad`` (grad mode is per thread)."""
    if len(groups) == 1:
        body(groups[0])
        return
    pool = _POOLS.get(len(groups))
    if pool is None:
        pool = _POOLS[len(groups)] = ThreadPoolExecutor(max_workers=len(groups),
                                                        thread_name_prefix="chunked-scan")

    def run(group):
        with torch.no_grad():
            body(group)

    for f in [pool.submit(run, g) for g in groups]:
        f.result()


def _scan_nograd(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None, chunk: int) -> torch.Tensor:
    """The three-phase scan on ``(B, T, S)`` tensors of one dtype; returns a new ``(B, T, S)``."""
    batch, length, width = b.shape
    if chunk >= length:                                         # one chunk: in-place loop
        h = torch.empty(batch, length, width, dtype=b.dtype, device=b.device)

        def loop(group):
            for lo, hi in group:
                if h0 is None:
                    h[:, 0, lo:hi].copy_(b[:, 0, lo:hi])
                else:
                    torch.addcmul(b[:, 0, lo:hi], a[:, 0, lo:hi], h0[:, lo:hi], out=h[:, 0, lo:hi])
            for t in range(1, length):
                for lo, hi in group:
                    torch.addcmul(b[:, t, lo:hi], a[:, t, lo:hi], h[:, t - 1, lo:hi],
                                  out=h[:, t, lo:hi])

        _run_parts(_width_parts(batch, width, b.device), loop)
        return h
    n_chunks = -(-length // chunk)
    pad = n_chunks * chunk - length
    if pad:
        a = torch.cat([a, a.new_ones(batch, pad, width)], dim=1)
        b = torch.cat([b, b.new_zeros(batch, pad, width)], dim=1)
    a4 = a.reshape(batch, n_chunks, chunk, width)
    h = b.reshape(batch, n_chunks, chunk, width).clone(memory_format=torch.contiguous_format)
    for i in range(1, chunk):                                   # phase 1: all chunks at once
        h[:, :, i].addcmul_(a4[:, :, i], h[:, :, i - 1])
    first = 0 if h0 is not None else 1                          # chunk 0 needs no fix-up from 0
    if n_chunks > first:
        prod = torch.cumprod(a4[:, first:], dim=2)              # (B, n - first, C, S)
        carry = h.new_empty(batch, n_chunks, width)
        prev = h0 if h0 is not None else h.new_zeros(batch, width)
        for c in range(n_chunks):                               # phase 2: chunk to chunk
            carry[:, c] = prev
            if c >= first:
                prev = torch.addcmul(h[:, c, -1], prod[:, c - first, -1], prev)
            else:
                prev = h[:, c, -1]
        h[:, first:].addcmul_(prod, carry[:, first:, None, :])  # phase 3: fix-up
    h = h.reshape(batch, n_chunks * chunk, width)
    return h[:, :length] if pad else h


def _adjoint_nograd(a: torch.Tensor, grad_h: torch.Tensor, chunk: int) -> torch.Tensor:
    """``δ_t = g_t + conj(a_{t+1}) δ_{t+1}`` (``δ_T = g_T``): the reversed scan."""
    batch, length, width = grad_h.shape
    ac = a.conj() if a.is_complex() else a
    if chunk >= length:                                         # in place, backwards in time
        delta = torch.empty_like(grad_h)

        def loop(group):
            for lo, hi in group:
                delta[:, -1, lo:hi].copy_(grad_h[:, -1, lo:hi])
            for t in range(length - 2, -1, -1):
                for lo, hi in group:
                    torch.addcmul(grad_h[:, t, lo:hi], ac[:, t + 1, lo:hi], delta[:, t + 1, lo:hi],
                                  out=delta[:, t, lo:hi])

        _run_parts(_width_parts(batch, width, grad_h.device), loop)
        return delta
    alpha_rev = torch.zeros(batch, length, width, dtype=grad_h.dtype, device=grad_h.device)
    alpha_rev[:, 1:] = ac[:, 1:].flip(1)
    return _scan_nograd(alpha_rev, grad_h.flip(1), None, chunk).flip(1)


class _ChunkedScan(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, h0, chunk):  # noqa: D102 - see chunked_scan
        h = _scan_nograd(a, b, h0, chunk)
        ctx.chunk = chunk
        ctx.has_h0 = h0 is not None
        ctx.save_for_backward(a, h, h0 if h0 is not None else h.new_zeros(0))
        return h

    @staticmethod
    def backward(ctx, grad_h):  # noqa: D102 - the adjoint recurrence, run backwards
        a, h, h0 = ctx.saved_tensors
        delta = _adjoint_nograd(a, grad_h, ctx.chunk)
        grad_a = grad_b = grad_h0 = None
        if ctx.needs_input_grad[0]:
            grad_a = torch.empty_like(delta)
            torch.mul(delta[:, 1:], h[:, :-1].conj(), out=grad_a[:, 1:])
            if ctx.has_h0:
                torch.mul(delta[:, 0], h0.conj(), out=grad_a[:, 0])
            else:
                grad_a[:, 0].zero_()
        if ctx.needs_input_grad[1]:
            grad_b = delta
        if ctx.has_h0 and ctx.needs_input_grad[2]:
            grad_h0 = delta[:, 0] * a[:, 0].conj()
        return grad_a, grad_b, grad_h0, None


def check_scan_inputs(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None):
    """Validate and broadcast the inputs of a linear scan; every scan backend calls this.

    Returns ``(a, b, dtype)``: the broadcast tensors and the promoted dtype of ``a``, ``b``, ``h0``.
    Raises :class:`ssm.errors.ShapeError` with a one-line message on bad shapes.
    """
    if a.dim() < 2 or b.dim() < 2:
        raise ShapeError(f"scan inputs need shape (batch, length, *state), got {tuple(a.shape)} "
                         f"and {tuple(b.shape)}")
    try:
        a, b = torch.broadcast_tensors(a, b)
    except RuntimeError as e:
        raise ShapeError(f"gates {tuple(a.shape)} and inputs {tuple(b.shape)} do not broadcast") from e
    dtype = torch.promote_types(a.dtype, b.dtype)
    if h0 is not None:
        dtype = torch.promote_types(dtype, h0.dtype)
        if tuple(h0.shape) != (b.shape[0], *b.shape[2:]):
            raise ShapeError(f"h0 must have shape {(b.shape[0], *b.shape[2:])}, got {tuple(h0.shape)}")
    return a, b, dtype


def chunked_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None, *,
                 chunk_size: int | None = None) -> torch.Tensor:
    """Run ``h_t = a_t * h_{t-1} + b_t`` along dim 1 (same contract as ``linear_scan_ref``).

    Parameters
    ----------
    a, b : Tensor, shape (batch, length, *state)
        Gates and inputs, real or complex, broadcast-compatible; the result has their promoted
        dtype.
    h0 : Tensor, shape (batch, *state), optional
        Initial state (zeros by default).
    chunk_size : int, optional
        Steps per chunk. By default the whole sequence when ``batch × state ≥ 32768``, else
        about ``sqrt(length)``; results agree for every choice.

    Returns
    -------
    Tensor, shape (batch, length, *state)
        Every state ``h_1 .. h_T``; differentiable in ``a``, ``b`` and ``h0``.

    >>> a = torch.tensor([[[0.5], [-1.0], [0.0]]]); b = torch.ones(1, 3, 1)
    >>> chunked_scan(a, b, chunk_size=2).squeeze().tolist()
    [1.0, 0.0, 1.0]
    """
    a, b, dtype = check_scan_inputs(a, b, h0)
    batch, length, state = b.shape[0], b.shape[1], b.shape[2:]
    if length == 0:
        return b.to(dtype).clone()
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) < 1):
        raise ShapeError(f"chunk_size must be >= 1, got {chunk_size}")
    a3 = a.to(dtype).reshape(batch, length, -1)     # a view when ``a`` was only broadcast
    b3 = b.to(dtype).reshape(batch, length, -1)
    width = b3.shape[2]
    chunk = _plan_chunk(batch, length, width) if chunk_size is None else int(chunk_size)
    h03 = h0.to(dtype).reshape(batch, -1) if h0 is not None else None
    h = _ChunkedScan.apply(a3, b3, h03, min(chunk, length))
    return h.reshape(batch, length, *state)
