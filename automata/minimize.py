"""DFA minimization by Hopcroft's partition refinement, vectorized with numpy.

Algorithm
---------
Hopcroft (1971), "An n log n algorithm for minimizing states in a finite automaton", with the
array-based block layout of Valmari & Lehtinen (2008, "Efficient minimization of DFAs with
partial transition functions"): the states of every block are contiguous in one array
``elems`` (``pos`` is its inverse), and the inverse transitions are kept in CSR form
(``inv_ptr``, ``inv_pa``), so the preimage of a splitter costs time proportional to its size.

Instead of popping one splitter at a time, every round takes *all* pending splitters at once
and refines each touched block by the *signature* of its states (for every symbol, which
pending splitter the successor lies in, if any). Refining by several splitters together is the
same as refining by them one after another, and since the whole worklist is consumed, every
block that splits was either a splitter of this round or already stable; so "add every part but
the largest" (the smaller-half rule) stays valid, each state enters a splitter ``O(log n)``
times, and the total work is ``O(k n log n)`` array operations over ``R`` rounds, where ``R`` is
at most the number of states of the minimal DFA. Rounds with few marked states (deep, chain-like
automata, where ``R`` is large) run through a plain-Python path with the same data structures,
because numpy's per-call overhead would dominate them.

With the compiled core (:mod:`automata.jit_minimize`), :func:`minimal_table` first tries
Moore's refinement compiled, which a few rounds settle for most automata, and comes here when
it needs more rounds; the canonical renumbering makes both give the same table.

>>> from automata.dfa import DFA
>>> d = DFA("ab", [[1, 0], [2, 1], [3, 2], [0, 3]], 0, [0, 2])   # count a's mod 4, accept even
>>> m = minimize(d)                                                # ... is "even number of a's"
>>> m.n_states, m.delta.tolist(), sorted(m.accepting)
(2, [[1, 0], [0, 1]], [0])
"""
from __future__ import annotations

import numpy as np

from typing import TYPE_CHECKING

from .jit_minimize import available as _moore_available
from .jit_minimize import moore_partition as _moore_partition
from .reachability import bfs_order, concat_ranges

if TYPE_CHECKING:  # annotations only: automata.dfa imports this module
    from .dfa import DFA

__all__ = ["minimize", "minimal_table", "hopcroft_partition", "acyclic_partition"]

# Rounds whose splitters have at most this many predecessor pairs use the Python path.
SMALL_ROUND = 48


class _Partition:
    """Mutable block layout shared by the vectorized and the Python refinement rounds."""

    def __init__(self, delta: np.ndarray, accepting_mask: np.ndarray):
        n, k = delta.shape
        self.n, self.k = n, k
        flat = delta.ravel().astype(np.int64)
        self.inv_pa = np.argsort(flat, kind="stable")          # flat index p*k + a, by target
        self.inv_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(flat, minlength=n), out=self.inv_ptr[1:])
        rej = np.flatnonzero(~accepting_mask)
        acc = np.flatnonzero(accepting_mask)
        self.elems = np.concatenate([rej, acc]).astype(np.int64)
        self.pos = np.empty(n, dtype=np.int64)
        self.pos[self.elems] = np.arange(n)
        self.block = accepting_mask.astype(np.int64) if len(rej) else np.zeros(n, np.int64)
        self.bstart = np.zeros(n + 1, dtype=np.int64)
        self.bend = np.zeros(n + 1, dtype=np.int64)
        self.marked = np.zeros(n, dtype=bool)
        if len(rej) and len(acc):
            self.bstart[1], self.bend[0], self.bend[1] = len(rej), len(rej), n
            self.n_blocks = 2
            self.pending = np.array([0 if len(rej) <= len(acc) else 1], dtype=np.int64)
        else:
            self.bend[0] = n
            self.n_blocks = 1
            self.pending = np.zeros(0, dtype=np.int64)

    # ------------------------------------------------------------------ rounds
    def refine(self, small_round: int = SMALL_ROUND) -> None:
        inv_ptr = self.inv_ptr
        while self.pending.size:
            w = self.pending
            if w.size <= 8:             # few splitters: look at their sizes without numpy calls
                t_list: list[int] = []
                for b in w.tolist():
                    t_list += self.elems[self.bstart[b]:self.bend[b]].tolist()
                if len(t_list) <= small_round:
                    n_pairs = sum(int(inv_ptr[q + 1] - inv_ptr[q]) for q in t_list)
                    if n_pairs <= small_round:
                        self._round_python(t_list)
                        continue
                t = np.array(t_list, dtype=np.int64)
            else:
                t = self.elems[concat_ranges(self.bstart[w], self.bend[w])]
            counts = inv_ptr[t + 1] - inv_ptr[t]
            if int(counts.sum()) <= small_round:
                self._round_python(t.tolist())
            else:
                self._round_numpy(t, counts)

    def _round_numpy(self, t: np.ndarray, counts: np.ndarray) -> None:
        k = self.k
        block = self.block
        pa = self.inv_pa[concat_ranges(self.inv_ptr[t], self.inv_ptr[t + 1])]
        j = np.repeat(block[t], counts)                      # splitter block of the successor
        p, a = np.divmod(pa, k)
        up, inv = np.unique(p, return_inverse=True)
        sig = np.full((len(up), k), -1, dtype=np.int64)
        sig[inv, a] = j
        bp = block[up]
        order = np.lexsort(tuple(sig[:, c] for c in range(k - 1, -1, -1)) + (bp,))
        up, bp, sig = up[order], bp[order], sig[order]
        u = len(up)
        new_group = np.empty(u, dtype=bool)
        new_group[0] = True
        new_group[1:] = (bp[1:] != bp[:-1]) | (sig[1:] != sig[:-1]).any(axis=1)
        gstart = np.flatnonzero(new_group)
        gsize = np.diff(np.append(gstart, u))
        gblock = bp[gstart]
        new_block = np.empty(len(gstart), dtype=bool)
        new_block[0] = True
        new_block[1:] = gblock[1:] != gblock[:-1]
        first = np.flatnonzero(new_block)
        ngroups = np.diff(np.append(first, len(gstart)))
        tb = gblock[first]
        c = np.add.reduceat(gsize, first)
        r = self.bend[tb] - self.bstart[tb] - c
        keep = (r > 0) | (ngroups > 1)
        if not keep.any():
            self.pending = np.zeros(0, dtype=np.int64)
            return
        if not keep.all():
            gkeep = np.repeat(keep, ngroups)
            up = up[np.repeat(gkeep, gsize)]
            gsize = gsize[gkeep]
            tb, c, r, ngroups = tb[keep], c[keep], r[keep], ngroups[keep]
            first = np.cumsum(ngroups) - ngroups
        # move the marked states of each block to the end of its slice, in group order
        rstart = self.bend[tb] - c
        rpos = concat_ranges(rstart, self.bend[tb])
        self.marked[up] = True
        rstates = self.elems[rpos]
        y = rstates[~self.marked[rstates]]
        mpos = self.pos[up]
        xpos = mpos[mpos < np.repeat(rstart, c)]
        self.elems[xpos] = y
        self.pos[y] = xpos
        self.elems[rpos] = up
        self.pos[up] = rpos
        self.marked[up] = False
        # parts: the unmarked remainder (if any) and every group; the largest keeps the old id
        gmax = np.maximum.reduceat(gsize, first)
        gidx = np.arange(len(gsize))
        cand = np.where(gsize == np.repeat(gmax, ngroups), gidx, len(gsize))
        gbest = np.minimum.reduceat(cand, first)
        rem_keeps = r >= gmax
        excl = np.cumsum(gsize) - gsize
        g_lo = np.repeat(rstart, ngroups) + excl - np.repeat(excl[first], ngroups)
        g_hi = g_lo + gsize
        g_is_keeper = np.zeros(len(gsize), dtype=bool)
        g_is_keeper[gbest[~rem_keeps]] = True
        # new blocks: remainders that are non-empty and not keepers, then non-keeper groups
        rem_new = (r > 0) & ~rem_keeps
        lo = np.concatenate([self.bstart[tb][rem_new], g_lo[~g_is_keeper]])
        hi = np.concatenate([rstart[rem_new], g_hi[~g_is_keeper]])
        # the keeper's range becomes the old block's range
        keeper_lo = np.where(rem_keeps, self.bstart[tb], 0)
        keeper_hi = np.where(rem_keeps, rstart, 0)
        kg = gbest[~rem_keeps]
        keeper_lo[~rem_keeps] = g_lo[kg]
        keeper_hi[~rem_keeps] = g_hi[kg]
        self.bstart[tb] = keeper_lo
        self.bend[tb] = keeper_hi
        ids = np.arange(self.n_blocks, self.n_blocks + len(lo), dtype=np.int64)
        self.n_blocks += len(lo)
        self.bstart[ids] = lo
        self.bend[ids] = hi
        self.block[self.elems[concat_ranges(lo, hi)]] = np.repeat(ids, hi - lo)
        self.pending = ids

    def _round_python(self, t: list[int]) -> None:
        k = self.k
        block, elems, pos = self.block, self.elems, self.pos
        inv_ptr, inv_pa = self.inv_ptr, self.inv_pa
        sigs: dict[int, list[int]] = {}
        for q in t:
            jq = int(block[q])
            for x in inv_pa[inv_ptr[q]:inv_ptr[q + 1]].tolist():
                p, a = divmod(x, k)
                s = sigs.get(p)
                if s is None:
                    s = sigs[p] = [-1] * k
                s[a] = jq
        by_block: dict[int, dict[tuple, list[int]]] = {}
        for p, s in sigs.items():
            by_block.setdefault(int(block[p]), {}).setdefault(tuple(s), []).append(p)
        new_ids: list[int] = []
        for b in sorted(by_block):
            groups = [g for _, g in sorted(by_block[b].items())]
            c = sum(len(g) for g in groups)
            lo, hi = int(self.bstart[b]), int(self.bend[b])
            rem = hi - lo - c
            if rem == 0 and len(groups) == 1:
                continue
            rstart = hi - c
            # swap the marked states into the tail [rstart, hi), in group order
            at = rstart
            for g in groups:
                for p in g:
                    i, v = int(pos[p]), int(elems[at])
                    elems[i], pos[v] = v, i
                    elems[at], pos[p] = p, at
                    at += 1
            parts = []
            if rem > 0:
                parts.append((lo, rstart))
            at = rstart
            for g in groups:
                parts.append((at, at + len(g)))
                at += len(g)
            best = max(range(len(parts)), key=lambda i: (parts[i][1] - parts[i][0], -i))
            self.bstart[b], self.bend[b] = parts[best]
            for i, (plo, phi) in enumerate(parts):
                if i == best:
                    continue
                nid = self.n_blocks
                self.n_blocks += 1
                self.bstart[nid], self.bend[nid] = plo, phi
                block[elems[plo:phi]] = nid
                new_ids.append(nid)
        self.pending = np.array(new_ids, dtype=np.int64)


def hopcroft_partition(delta: np.ndarray, accepting_mask: np.ndarray,
                       small_round: int = SMALL_ROUND) -> tuple[np.ndarray, int]:
    """Coarsest partition of the states that respects acceptance and transitions.

    Parameters
    ----------
    delta : int array, shape (n, k)
        Complete transition table.
    accepting_mask : bool array, shape (n,)
    small_round : int
        Rounds with at most this many predecessor pairs run in plain Python (``0``: never).

    Returns
    -------
    block : int array, shape (n,)
        Block id of every state; two states share a block iff they accept the same words.
    n_blocks : int
    """
    delta = np.asarray(delta, dtype=np.int64)
    part = _Partition(delta, np.asarray(accepting_mask, dtype=bool))
    part.refine(small_round)
    return part.block, part.n_blocks


#: From this many states on, :func:`minimize` first tries the linear-time acyclic algorithm.
ACYCLIC_MIN_STATES = 2048


def acyclic_partition(delta: np.ndarray, accepting_mask: np.ndarray) -> tuple[np.ndarray, int] | None:
    """The coarsest partition in linear time when the live states form no cycle, else ``None``.

    Revuz, "Minimisation of acyclic deterministic automata in linear time" (TCS 92(1), 1992):
    the dead states (no accepting state reachable) form one block; the live ones, taken leaves
    first (Kahn's topological order on the live subgraph), are equivalent exactly when they
    agree on acceptance and on the blocks of their successors (dead successors as ``-1``), so
    one dictionary of those signatures numbers the blocks. Finite languages (long literals
    such as a regex of 100,000 ``a`` s) are minimized this way in ``O(n k)`` instead of the
    ``n`` rounds Hopcroft's refinement needs on a chain.

    >>> block, nb = acyclic_partition(np.array([[1], [2], [3], [3]]), np.array([0, 1, 1, 0], bool))
    >>> nb, block.tolist()      # 'a' and 'aa' accepted; state 3 is dead
    (4, [2, 1, 0, 3])
    >>> acyclic_partition(np.array([[1], [0]]), np.array([1, 0], bool)) is None
    True
    """
    n, k = delta.shape
    rows = delta.tolist()
    acc = accepting_mask.tolist()
    preds: list[list[int]] = [[] for _ in range(n)]
    for q, row in enumerate(rows):
        for t in row:
            preds[t].append(q)
    live = [False] * n                                   # co-reachability, backwards from acceptance
    stack = [q for q in range(n) if acc[q]]
    for q in stack:
        live[q] = True
    while stack:
        q = stack.pop()
        for p in preds[q]:
            if not live[p]:
                live[p] = True
                stack.append(p)
    pending = [0] * n                                    # live successors not yet numbered
    for q in range(n):
        if live[q]:
            pending[q] = sum(1 for t in rows[q] if live[t])
    ready = [q for q in range(n) if live[q] and pending[q] == 0]
    block = [-1] * n
    ids: dict[tuple, int] = {}
    done = 0
    while ready:
        q = ready.pop()
        done += 1
        sig = (acc[q], *[block[t] if live[t] else -1 for t in rows[q]])
        b = ids.get(sig)
        if b is None:
            b = ids[sig] = len(ids)
        block[q] = b
        for p in preds[q]:
            if live[p]:
                pending[p] -= 1          # one decrement per edge: p's row lists q once per symbol
                if pending[p] == 0:
                    ready.append(p)
    if done < sum(live):
        return None                                      # a cycle through live states
    nb = len(ids)
    if done < n:                                         # the dead states: one more block
        dead = nb
        nb += 1
        block = [dead if b < 0 else b for b in block]
    return np.array(block, dtype=np.int64), nb


def minimize(dfa: "DFA", small_round: int = SMALL_ROUND, moore: bool | None = None) -> "DFA":
    """Minimal complete DFA of the same language, canonically numbered.

    Unreachable states are dropped first; the quotient by the Hopcroft partition is then
    renumbered in breadth-first order from the initial state, visiting successors in alphabet
    order. Two DFAs with the same language and the same alphabet order therefore minimize to
    identical tables (``same_structure``). ``DFA.minimize()`` is the same with the default
    ``small_round``.

    Parameters
    ----------
    dfa : DFA
    small_round : int
        Passed to :func:`hopcroft_partition`.
    moore : bool, optional
        ``False``: Hopcroft's refinement only; default: the compiled Moore refinement first when
        the compiled core is on (see :func:`minimal_table`).

    Returns
    -------
    DFA
        Of ``dfa``'s class, with ``n_states`` equal to the number of Myhill-Nerode classes of
        the language.
    """
    table, accepting = minimal_table(dfa.delta, dfa.initial, dfa.accepting_mask, small_round,
                                     moore)
    return type(dfa)(dfa.alphabet, table, 0, accepting)


def minimal_table(delta: np.ndarray, initial: int, accepting_mask: np.ndarray,
                  small_round: int = SMALL_ROUND,
                  moore: bool | None = None) -> tuple[np.ndarray, list[int]]:
    """The minimal automaton of a transition table as ``(table, accepting states)``: initial
    state 0, states in canonical BFS order (the arrays :func:`minimize` wraps in a DFA).

    The partition is Revuz's (acyclic, large), else the compiled Moore refinement
    (:mod:`automata.jit_minimize`; unless ``moore`` is False, and while it settles within its
    rounds), else Hopcroft's; the canonical numbering makes the table the same whichever.

    >>> table, acc = minimal_table(np.array([[1, 0], [2, 1], [3, 2], [0, 3]]), 0,
    ...                            np.array([True, False, True, False]))
    >>> table.tolist(), acc
    ([[1, 0], [0, 1]], [0])
    """
    delta = np.asarray(delta)
    accepting_mask = np.asarray(accepting_mask, dtype=bool)
    order = bfs_order(delta, initial)
    remap = np.full(delta.shape[0], -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    delta = remap[delta[order]]
    acc = accepting_mask[order]
    found = acyclic_partition(delta, acc) if len(order) >= ACYCLIC_MIN_STATES else None
    if found is None and moore is not False and _moore_available():
        found = _moore_partition(delta, acc)          # compiled; None: too many rounds
    block, nb = found if found is not None else hopcroft_partition(delta, acc, small_round)
    table = np.empty((nb, delta.shape[1]), dtype=np.int64)
    table[block] = block[delta]
    q_acc = np.zeros(nb, dtype=bool)
    q_acc[block[acc]] = True
    start = int(block[0])
    canon = bfs_order(table, start)
    renum = np.empty(nb, dtype=np.int64)
    renum[canon] = np.arange(nb)
    return renum[table[canon]], np.flatnonzero(q_acc[canon]).tolist()
