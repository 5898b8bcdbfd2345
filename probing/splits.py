"""String-disjoint splits, held-out length bins and the DFA-derived strata of the protocol.

Splits are made over *strings*, never positions (docs/probing.md, item 2): strings whose
length lies in the training range are divided into probe-train / validation / in-range test;
longer (or shorter) strings go, whole, to held-out length bins that are only evaluated.

Strata are boolean masks over positions (the flat layout of :mod:`probing.targets`):

* ``unseen_prefix``: the prefix ``w[:t+1]`` is not a prefix of any probe-training or
  validation string (short prefixes recur, so a by-string split alone still leaks);
* ``nonlocal``: the last ``k <= 3`` tokens do not fix the minimal DFA's state. For a k-gram
  ``g`` we precompute the image ``{delta(q, g) : q reachable and live}`` (live results only,
  see :func:`kgram_image_sizes`); position ``t`` is *local* when the image of the last ``k``
  tokens has at most one state for some ``k <= 3``, or when the whole prefix fits in the
  window (``t + 1 <= 3``: it fixes the state from the initial state).

>>> from automata.dfa import DFA
>>> flip = DFA(["a", "b"], [[1, 0], [1, 0]], 0, [1])   # state = last symbol is a
>>> local_mask(flip, [np.array([0, 1, 1, 0, 1])]).tolist()
[True, True, True, True, True]
>>> parity = DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0])
>>> local_mask(parity, [np.array([1, 1, 0, 1, 0])]).tolist()
[True, True, True, False, False]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any, Sequence

import numpy as np

from automata.dfa import DFA

from .errors import SplitError

__all__ = [
    "StringSplit",
    "string_disjoint_split",
    "default_bins",
    "unseen_prefix_mask",
    "kgram_image_sizes",
    "local_mask",
    "distance_since_local",
    "FAR",
]

FAR = 10


@dataclass(frozen=True)
class StringSplit:
    """Roles of strings.

    Attributes
    ----------
    train, val, test : ndarray of int64
        String indices (in the training length range) for probe fitting, C selection and
        in-range testing.
    bins : dict str -> ndarray of int64
        Held-out evaluation strings by length bin; ``"in_range"`` is ``test``.
    bin_ranges : dict str -> (int, int)
        Inclusive length range of every bin.
    train_range : (int, int)
    random_state : int
    """

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    bins: dict[str, np.ndarray]
    bin_ranges: dict[str, tuple[int, int]]
    train_range: tuple[int, int]
    random_state: int
    n_strings: int = field(default=0)

    def string_mask(self, which: str) -> np.ndarray:
        """Boolean mask over strings for ``train``/``val``/``test``/a bin name."""
        idx = getattr(self, which) if which in ("train", "val", "test") else self.bins[which]
        m = np.zeros(self.n_strings, dtype=bool)
        m[idx] = True
        return m

    def position_mask(self, which: str, string_id: np.ndarray) -> np.ndarray:
        """Boolean mask over positions, shape (N,), given each position's string index."""
        return self.string_mask(which)[string_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "random_state": self.random_state,
            "train_range": list(self.train_range),
            "train": self.train.tolist(), "val": self.val.tolist(), "test": self.test.tolist(),
            "bins": {k: v.tolist() for k, v in self.bins.items()},
            "bin_ranges": {k: list(v) for k, v in self.bin_ranges.items()},
        }


def default_bins(train_range: tuple[int, int], max_length: int) -> dict[str, tuple[int, int]]:
    """``in_range`` plus doubling bins beyond it: ``(hi, 2hi]``, ``(2hi, 4hi]``, ...

    >>> default_bins((1, 50), 200)
    {'in_range': (1, 50), 'len_51_100': (51, 100), 'len_101_200': (101, 200)}
    """
    lo, hi = train_range
    out = {"in_range": (int(lo), int(hi))}
    a = hi
    while a < max_length:
        b = 2 * a
        out[f"len_{a + 1}_{b}"] = (a + 1, b)
        a = b
    return out


def string_disjoint_split(
    lengths: Sequence[int] | np.ndarray,
    train_range: tuple[int, int],
    random_state: int,
    fractions: tuple[float, float, float] = (0.6, 0.2, 0.2),
    bins: dict[str, tuple[int, int]] | None = None,
) -> StringSplit:
    """Assign strings to train / validation / in-range test and held-out length bins.

    Parameters
    ----------
    lengths : array-like of int, shape (n_strings,)
    train_range : (int, int)
        Inclusive range of lengths the probe is fitted on.
    random_state : int
        Seed of the permutation (``numpy.random.default_rng``).
    fractions : (float, float, float)
        Shares of in-range strings for train, validation and test.
    bins : dict, optional
        Name -> inclusive length range of evaluation bins beyond the training range; default
        :func:`default_bins`. Strings in no bin and outside the training range are unused.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    lo, hi = int(train_range[0]), int(train_range[1])
    if lo > hi:
        raise SplitError(f"train_range {train_range} is empty")
    fr = np.asarray(fractions, dtype=float)
    if fr.shape != (3,) or (fr <= 0).any():
        raise SplitError(f"fractions must be three positive numbers, got {fractions}")
    fr = fr / fr.sum()
    in_range = np.flatnonzero((lengths >= lo) & (lengths <= hi))
    if len(in_range) < 3:
        raise SplitError(f"only {len(in_range)} strings have a length in {train_range}; need >= 3")
    perm = np.random.default_rng(random_state).permutation(in_range)
    n_tr = max(1, int(round(fr[0] * len(perm))))
    n_va = max(1, int(round(fr[1] * len(perm))))
    if n_tr + n_va >= len(perm):
        n_tr, n_va = len(perm) - 2, 1
    train, val, test = (np.sort(perm[:n_tr]), np.sort(perm[n_tr:n_tr + n_va]),
                        np.sort(perm[n_tr + n_va:]))
    ranges = default_bins((lo, hi), int(lengths.max())) if bins is None else dict(bins)
    ranges["in_range"] = (lo, hi)
    out_bins: dict[str, np.ndarray] = {"in_range": test}
    for name, (a, b) in ranges.items():
        if name == "in_range":
            continue
        if a <= hi and b >= lo:
            raise SplitError(f"bin {name} {a}..{b} overlaps the training range {lo}..{hi}")
        out_bins[name] = np.flatnonzero((lengths >= a) & (lengths <= b))
    order = ["in_range"] + sorted((k for k in out_bins if k != "in_range"),
                                  key=lambda k: ranges[k][0])
    return StringSplit(train, val, test, {k: out_bins[k] for k in order},
                       {k: tuple(ranges[k]) for k in order}, (lo, hi), int(random_state),
                       len(lengths))


def unseen_prefix_mask(codes: Sequence[np.ndarray], seen_strings: np.ndarray) -> np.ndarray:
    """Positions whose prefix is not a prefix of any string in ``seen_strings``.

    Built with a trie of the seen strings, so it is linear in the total length.

    Parameters
    ----------
    codes : list of int arrays
        Every string's symbol indices (the flat layout follows this order).
    seen_strings : int array
        Indices of the strings the probe was fitted (or validated) on.

    Returns
    -------
    ndarray of bool, shape (sum of lengths,)
    """
    trie: dict[tuple[int, int], int] = {}
    for i in seen_strings:
        node = 0
        for s in codes[int(i)].tolist():
            nxt = trie.get((node, s))
            if nxt is None:
                nxt = trie[(node, s)] = len(trie) + 1
            node = nxt
    out = []
    for c in codes:
        m = np.ones(len(c), dtype=bool)
        node = 0
        for t, s in enumerate(c.tolist()):
            node = trie.get((node, s), -1)
            if node < 0:
                break
            m[t] = False
        out.append(m)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def kgram_image_sizes(dfa: DFA, k: int) -> np.ndarray:
    """``|{delta(q, g) : q reachable and live, delta(q, g) live}|`` for every k-gram ``g``.

    Dead (non-co-reachable) states are left out at both ends: probing data are prefixes of
    members, whose states are all live, so a k-gram such as flip-flop's ``r 0`` fixes the
    state even though from a state holding 1 it would lead to the sink.

    Returns
    -------
    ndarray of int64, shape ``(n_symbols,) * k``
    """
    live = dfa.coreachable_mask()
    start = np.array([q for q in dfa.reachable_states() if live[q]], dtype=np.int64)
    ns = dfa.n_symbols
    delta = dfa.delta.astype(np.int64)
    out = np.zeros((ns,) * k, dtype=np.int64)
    for g in product(range(ns), repeat=k):
        q = start
        for a in g:
            q = delta[q, a]
        out[g] = len(np.unique(q[live[q]]))
    return out


def local_mask(dfa: DFA, codes: Sequence[np.ndarray], kmax: int = 3) -> np.ndarray:
    """Positions whose state is fixed by the last ``k <= kmax`` tokens (see module docstring).

    Returns
    -------
    ndarray of bool, shape (sum of lengths,)
        ``True`` = local; the non-local stratum is ``~local_mask(...)``.
    """
    if kmax < 1:
        raise SplitError(f"kmax must be at least 1, got {kmax}")
    fixes = [kgram_image_sizes(dfa, k) <= 1 for k in range(1, kmax + 1)]
    out = []
    for c in codes:
        L = len(c)
        m = np.zeros(L, dtype=bool)
        m[:min(kmax, L)] = True                       # the whole prefix is inside the window
        for k in range(1, kmax + 1):
            if L < k:
                break
            idx = tuple(c[j:L - k + 1 + j] for j in range(k))   # k-gram ending at t = k-1..L-1
            m[k - 1:] |= fixes[k - 1][idx]
        out.append(m)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def distance_since_local(local: np.ndarray, lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    """Tokens since the state was last fixed by a short window, per position (0 when local).

    ``distance >= FAR`` (10) is the *far* stratum: e.g. in flip-flop, ten or more tokens after
    the last write or read, where an untrained recurrent net's fading memory no longer helps
    (docs/probing.md, item 3).

    >>> distance_since_local(np.array([True, False, False, True, False]), [3, 2]).tolist()
    [0, 1, 2, 0, 1]
    """
    local = np.asarray(local, dtype=bool)
    out = np.empty(len(local), dtype=np.int64)
    start = 0
    for L in np.asarray(lengths, dtype=np.int64):
        d = 0
        seg = local[start:start + L]
        for t in range(int(L)):
            d = 0 if seg[t] else d + 1
            out[start + t] = d
        start += int(L)
    return out
