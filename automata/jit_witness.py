"""Compiled (numba) searches for the word witnesses of :mod:`automata.classify`.

:func:`period_parts` gives what :func:`automata.classify.nonstar_free_witness` reads off the
minimal DFA for a word ``w`` whose transformation ``t`` has a cycle of length > 1:

* ``q``, the least state on such a cycle, and the cycle's length ``L``;
* ``u``, the first word in breadth-first order (letters in order) from the initial state to ``q``;
* ``v``, the first word in breadth-first order over ordered pairs of states that separates
  ``q`` from ``t(q)`` (exactly one of ``q.v``, ``t(q).v`` accepting);
* the memberships of ``u w^k v`` for ``k < 2L`` and their least period.

:func:`separating_word` is the pair search alone. Both are the searches of the Python code (the
same queues, the same order, so the same words); the callers use them only when
:func:`available` (numba there and ``AUTOMATA_JIT`` not ``0``) and the DFA has at most
:data:`PAIR_MAX_STATES` states (the pair search keeps one entry per ordered pair).
"""
from __future__ import annotations

import numpy as np

from .jit_core import compiled_once

__all__ = ["PAIR_MAX_STATES", "available", "period_parts", "separating_word"]

_KERNELS = ("_transform", "_bfs_word", "_pair_word", "_period_kernel")
_STATE: dict = {"loaded": None}

#: the compiled pair search runs up to this many states (one int64 per ordered pair, allocated
#: zeroed by the operating system: pages the search never reaches cost nothing)
PAIR_MAX_STATES = 2048


def available() -> bool:
    """Whether the compiled searches run (compiled through jit_core on first use)."""
    return compiled_once(_STATE, globals(), _KERNELS)


# ---------------------------------------------------------------------------- kernels
# Plain Python functions, compiled in place by available().

def _transform(delta, w):
    """The state map of the word ``w``: ``t[s]`` = the state reached from ``s``."""
    n = delta.shape[0]
    t = np.arange(n)
    for i in range(w.shape[0]):
        a = w[i]
        for s in range(n):
            t[s] = delta[t[s], a]
    return t


def _bfs_word(delta, initial, target, prev_s, prev_a, queue):
    """The first word in breadth-first order from ``initial`` to ``target`` (letters in order),
    as the breadth-first tree of every state gives it; ``np.full(1, -1)`` when ``target`` is
    not reached."""
    n, k = delta.shape
    for s in range(n):
        prev_s[s] = -2
    prev_s[initial] = -1
    head, tail = 0, 1
    queue[0] = initial
    while head < tail:
        s = queue[head]
        head += 1
        for a in range(k):
            t = delta[s, a]
            if prev_s[t] == -2:
                prev_s[t] = s
                prev_a[t] = a
                queue[tail] = t
                tail += 1
    if prev_s[target] == -2:
        return np.full(1, -1, dtype=np.int64)
    length = 0
    s = target
    while prev_s[s] != -1:
        s = prev_s[s]
        length += 1
    out = np.empty(length, dtype=np.int64)
    s = target
    for i in range(length - 1, -1, -1):
        out[i] = prev_a[s]
        s = prev_s[s]
    return out


def _pair_word(delta, acc, p, q, prev):
    """The first word ``v`` in breadth-first order over ordered pairs from ``(p, q)`` with
    exactly one of ``p.v``, ``q.v`` accepting (tested as each pair leaves the queue, letters in
    order); ``np.full(1, -1)`` when none. ``prev`` (n * n, zeroed) holds ``parent * k + a + 1``
    per reached pair (``-1`` for the start); it is left as found."""
    n, k = delta.shape
    start = p * n + q
    prev[start] = -1
    queue = np.empty(64, dtype=np.int64)
    queue[0] = start
    head, tail = 0, 1
    found = -1
    while head < tail:
        x = queue[head]
        head += 1
        s0, s1 = x // n, x % n
        if acc[s0] != acc[s1]:
            found = x
            break
        for a in range(k):
            y = delta[s0, a] * n + delta[s1, a]
            if prev[y] == 0:
                prev[y] = x * k + a + 1
                if tail == queue.shape[0]:
                    grown = np.empty(2 * tail, dtype=np.int64)
                    grown[:tail] = queue[:tail]
                    queue = grown
                queue[tail] = y
                tail += 1
    if found < 0:
        return np.full(1, -1, dtype=np.int64)
    length = 0
    x = found
    while prev[x] != -1:
        x = (prev[x] - 1) // k
        length += 1
    out = np.empty(length, dtype=np.int64)
    x = found
    for i in range(length - 1, -1, -1):
        code = prev[x] - 1
        out[i] = code % k
        x = code // k
    return out


def _period_kernel(delta, acc, initial, w, rounds, prev):
    """``(status, q, L, u, v, seq)``: status 0 when ``w``'s map has no cycle of length > 1,
    1 when no word separates ``q`` from ``t(q)``, 2 when a state is unreachable (not minimal),
    3 with every part found."""
    n = delta.shape[0]
    t = _transform(delta, w)
    y = t.copy()
    for _ in range(rounds):                    # y = t^(2^rounds): onto the cycles
        z = y.copy()
        for s in range(n):
            y[s] = z[z[s]]
    none = np.empty(0, dtype=np.int64)
    q = -1
    for s in range(n):
        c = y[s]
        if t[c] != c and (q < 0 or c < q):
            q = c
    if q < 0:
        return 0, -1, 0, none, none, np.empty(0, dtype=np.bool_)
    L = 1
    s = t[q]
    while s != q:
        s = t[s]
        L += 1
    prev_s = np.empty(n, dtype=np.int64)
    prev_a = np.empty(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    u = _bfs_word(delta, initial, q, prev_s, prev_a, queue)
    if u.shape[0] == 1 and u[0] < 0:
        return 2, q, L, none, none, np.empty(0, dtype=np.bool_)
    v = _pair_word(delta, acc, q, t[q], prev)
    if v.shape[0] == 1 and v[0] < 0:
        return 1, q, L, u, none, np.empty(0, dtype=np.bool_)
    s = initial
    for i in range(u.shape[0]):
        s = delta[s, u[i]]
    seq = np.empty(2 * L, dtype=np.bool_)
    for j in range(2 * L):
        x = s
        for i in range(v.shape[0]):
            x = delta[x, v[i]]
        seq[j] = acc[x]
        s = t[s]
    return 3, q, L, u, v, seq


# ---------------------------------------------------------------------------- callers
def _rounds(n: int) -> int:
    """Squarings that take a map of ``n`` points onto its cycles (as the numpy code does)."""
    return max(1, (max(n, 2) - 1).bit_length())


def period_parts(delta: np.ndarray, acc: np.ndarray, initial: int, w: list[int]):
    """``None`` when ``w``'s map has no cycle of length > 1 or nothing separates ``q`` from
    ``t(q)``; else ``(q, L, u, v, seq)`` with ``u``, ``v`` lists of letter indices and ``seq``
    the memberships (list of bools) of ``u w^k v`` for ``k < 2L``. Raises ``ValueError`` when
    the DFA has a state its initial state does not reach (it must be minimal)."""
    n = int(delta.shape[0])
    prev = np.zeros(n * n, dtype=np.int64)
    status, q, L, u, v, seq = _period_kernel(delta, acc, int(initial),
                                             np.asarray(w, dtype=np.int64), _rounds(n), prev)
    if status == 2:
        raise ValueError(f"state {int(q)} is not reachable from the initial state")
    if status != 3:
        return None
    return int(q), int(L), u.tolist(), v.tolist(), seq.tolist()


def separating_word(delta: np.ndarray, acc: np.ndarray, p: int, q: int) -> list[int] | None:
    """The first word in breadth-first order over ordered pairs from ``(p, q)`` with exactly
    one of ``p.v``, ``q.v`` accepting; None when there is none."""
    n = int(delta.shape[0])
    v = _pair_word(delta, acc, int(p), int(q), np.zeros(n * n, dtype=np.int64))
    if v.shape[0] == 1 and v[0] < 0:
        return None
    return v.tolist()
