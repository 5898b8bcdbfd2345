"""Compiled (numba) partition refinement for :func:`automata.minimize.minimal_table`.

Moore (1956): start from the partition {accepting, rejecting} and replace, round after round,
each state's block by its *signature* — its block and the blocks of its successors, one per
letter — until a round splits nothing; the result is the coarsest partition that respects
acceptance and transitions (the Myhill–Nerode classes of the reachable states). Each round is
one pass over the table (``O(n k)``), with the signatures deduplicated through a hash table of
states compared in full. Moore needs as many rounds as the longest distinguishing suffix, so
after ``max_rounds`` rounds it gives up and the caller runs Hopcroft's ``O(k n log n)``
refinement instead (:mod:`automata.minimize`). Block numbers differ from Hopcroft's; the
caller's canonical breadth-first renumbering makes the minimal tables identical. Compiled
through :func:`automata.jit_core.compile_into` on first use; with ``AUTOMATA_JIT=0`` or without
numba :func:`available` is False.
"""
from __future__ import annotations

import numpy as np

from .jit_core import compiled_once

__all__ = ["available", "moore_partition", "MOORE_MAX_ROUNDS"]

_KERNELS = ("_same_signature", "_moore")
_STATE: dict = {"loaded": None}
_MIX = np.uint64(0x9E3779B97F4A7C15)

#: rounds of Moore's refinement before the caller falls back to Hopcroft's algorithm
MOORE_MAX_ROUNDS = 32


def available() -> bool:
    """Whether the compiled refinement runs (the compiled core is on; compiled on first call)."""
    return compiled_once(_STATE, globals(), _KERNELS)


# ---------------------------------------------------------------------------- kernels
def _same_signature(delta, block, p, q):
    """Whether states ``p`` and ``q`` have the same block and successors' blocks."""
    if block[p] != block[q]:
        return False
    for a in range(delta.shape[1]):
        if block[delta[p, a]] != block[delta[q, a]]:
            return False
    return True


def _moore(delta, accepting, block, new, table, max_rounds):
    """Fill ``block`` with Moore's partition of the states of ``delta`` (blocks numbered by
    their first state); returns the number of blocks, or -1 after ``max_rounds`` rounds
    without converging. ``new``: scratch of length n; ``table``: of a power of two >= 2n."""
    n, k = delta.shape
    tmask = table.shape[0] - 1
    has_acc = False
    has_rej = False
    for q in range(n):
        if accepting[q]:
            has_acc = True
        else:
            has_rej = True
    first_acc = accepting[0] if n else False
    for q in range(n):                       # numbered by first state
        block[q] = 0 if accepting[q] == first_acc else 1
    nb = 2 if has_acc and has_rej else 1
    for _ in range(max_rounds):
        table[:] = -1
        count = 0
        for q in range(n):
            h = np.uint64(block[q]) * _MIX
            for a in range(k):
                h = (h ^ np.uint64(block[delta[q, a]])) * _MIX
            slot = np.int64(h >> np.uint64(33)) & tmask
            while True:
                r = table[slot]
                if r < 0:
                    table[slot] = q
                    new[q] = count
                    count += 1
                    break
                if _same_signature(delta, block, r, q):
                    new[q] = new[r]
                    break
                slot = (slot + 1) & tmask
        for q in range(n):
            block[q] = new[q]
        if count == nb:
            return nb
        nb = count
    return -1


# ---------------------------------------------------------------------------- wrapper
def moore_partition(delta: np.ndarray, accepting_mask: np.ndarray,
                    max_rounds: int = MOORE_MAX_ROUNDS) -> tuple[np.ndarray, int] | None:
    """``(block, n_blocks)`` as :func:`automata.minimize.hopcroft_partition` gives them (the
    same partition, other numbers), or None when Moore's refinement has not converged within
    ``max_rounds`` rounds."""
    delta = np.ascontiguousarray(delta, dtype=np.int64)
    n = delta.shape[0]
    block = np.empty(n, dtype=np.int64)
    new = np.empty(n, dtype=np.int64)
    table = np.empty(1 << max(4, (2 * n - 1).bit_length()), dtype=np.int64)
    nb = _moore(delta, np.ascontiguousarray(accepting_mask, dtype=np.bool_), block, new, table,
                int(max_rounds))
    return (block, int(nb)) if nb >= 0 else None
