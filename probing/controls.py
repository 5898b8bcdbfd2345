"""Baselines and controls of the probing protocol (docs/probing.md, items 5-6).

Baselines (what a probe must beat): the majority class; ``P(label | position)``; k-gram
predictors on the last ``k = 1..3`` tokens; the same architecture untrained (random init),
probed with the identical protocol (see :func:`untrained_model`).

Controls (what a probe should *not* do well on):

* the control task of Hewitt & Liang (2019): every distinct last-``k``-tokens context gets a
  random label drawn from the real labels' training marginal;
* a random non-definite DFA with as many states as the language's minimal DFA, whose state is
  the label (the model has no reason to track it);
* shuffled labels: the probe-training labels permuted, scored against the true labels
  (it must score about the majority rate).

``selectivity = accuracy - control accuracy``.

The k-gram baselines are lookup tables (the most frequent training label of each k-gram,
unseen k-grams falling back to the majority), i.e. the best any probe on one-hot k-gram
features can do on the training data; positions with fewer than ``k`` predecessors use a pad
symbol, so the window also tells that the string began.

>>> keys = kgram_keys([np.array([0, 1, 1])], k=2, n_symbols=2)
>>> keys.tolist()          # (pad, 0), (0, 1), (1, 1) in base 3
[6, 1, 4]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from automata.dfa import DFA
from automata.random_dfa import random_dfa

from .errors import ProbingError

__all__ = [
    "kgram_keys",
    "lookup_predict",
    "majority_predict",
    "control_task_labels",
    "shuffled_labels",
    "is_definite",
    "random_nondefinite_dfa",
    "untrained_model",
    "selectivity",
]


def kgram_keys(codes: Sequence[np.ndarray], k: int, n_symbols: int) -> np.ndarray:
    """Integer id of the last ``k`` tokens (pad = ``n_symbols``) at every position, shape (N,)."""
    if k < 1:
        raise ProbingError(f"k must be at least 1, got {k}")
    base = n_symbols + 1
    out = []
    for c in codes:
        padded = np.concatenate([np.full(k - 1, n_symbols, dtype=np.int64), c.astype(np.int64)])
        key = np.zeros(len(c), dtype=np.int64)
        for j in range(k):
            key = key * base + padded[j:j + len(c)]
        out.append(key)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def majority_predict(y_train: np.ndarray, n_eval: int) -> np.ndarray:
    """The most frequent training label (ties: the smallest id), repeated ``n_eval`` times."""
    y_train = np.asarray(y_train, dtype=np.int64)
    if len(y_train) == 0:
        raise ProbingError("majority baseline: no training positions")
    return np.full(n_eval, int(np.argmax(np.bincount(y_train))), dtype=np.int64)


def lookup_predict(keys_train: np.ndarray, y_train: np.ndarray, keys_eval: np.ndarray) -> np.ndarray:
    """Most frequent training label per key; keys unseen in training get the overall majority.

    >>> lookup_predict(np.array([0, 0, 1, 1, 1]), np.array([2, 2, 0, 1, 1]), np.array([1, 0, 5]))
    array([1, 2, 1])
    """
    keys_train = np.asarray(keys_train, dtype=np.int64)
    y_train = np.asarray(y_train, dtype=np.int64)
    fallback = majority_predict(y_train, 1)[0]
    uk, kinv = np.unique(keys_train, return_inverse=True)
    K = int(y_train.max()) + 1
    counts = np.zeros((len(uk), K), dtype=np.int64)
    np.add.at(counts, (kinv.ravel(), y_train), 1)
    best = np.argmax(counts, axis=1)
    keys_eval = np.asarray(keys_eval, dtype=np.int64)
    pos = np.searchsorted(uk, keys_eval)
    pos_c = np.minimum(pos, len(uk) - 1)
    hit = (pos < len(uk)) & (uk[pos_c] == keys_eval)
    return np.where(hit, best[pos_c], fallback).astype(np.int64)


def control_task_labels(keys: np.ndarray, y: np.ndarray, train_mask: np.ndarray,
                        seed: int) -> np.ndarray:
    """Hewitt & Liang control labels: one random label per distinct key, from the training marginal.

    Parameters
    ----------
    keys : int array (N,), e.g. :func:`kgram_keys`
    y : int array (N,), the real labels (only their training marginal is used)
    train_mask : bool array (N,)
    seed : int

    Returns
    -------
    ndarray of int64, shape (N,)
    """
    y = np.asarray(y, dtype=np.int64)
    marg = np.bincount(y[train_mask], minlength=int(y.max()) + 1).astype(float)
    if marg.sum() == 0:
        raise ProbingError("control task: no training positions")
    uk, inv = np.unique(keys, return_inverse=True)
    rng = np.random.default_rng(seed)
    lab = rng.choice(len(marg), size=len(uk), p=marg / marg.sum())
    return lab[inv.ravel()].astype(np.int64)


def shuffled_labels(y: np.ndarray, fit_mask: np.ndarray, seed: int) -> np.ndarray:
    """``y`` with the labels at ``fit_mask`` positions permuted among themselves (others kept)."""
    y = np.asarray(y, dtype=np.int64).copy()
    idx = np.flatnonzero(fit_mask)
    y[idx] = y[np.random.default_rng(seed).permutation(idx)]
    return y


def is_definite(dfa: DFA) -> bool:
    """Whether some ``k`` makes every k-gram fix the state (from every reachable state).

    Equivalent to: the graph on pairs of distinct reachable states, ``{p, q} -> {pa, qa}``
    (when ``pa != qa``), has no cycle (Perles, Rabin & Shamir 1963).

    >>> is_definite(DFA(["a", "b"], [[1, 0], [1, 0]], 0, [1]))
    True
    >>> is_definite(DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0]))
    False
    """
    import networkx as nx

    reach = [int(q) for q in dfa.reachable_states()]
    g = nx.DiGraph()
    for i, p in enumerate(reach):
        for q in reach[i + 1:]:
            g.add_node((p, q))
            for a in range(dfa.n_symbols):
                x, y = int(dfa.delta[p, a]), int(dfa.delta[q, a])
                if x != y:
                    g.add_edge((p, q), (min(x, y), max(x, y)))
    return nx.is_directed_acyclic_graph(g)


def _is_relabeling(a: DFA, b: DFA) -> bool:
    """Whether the reachable states of ``a`` and ``b`` are in bijection along every word."""
    seen = {(a.initial, b.initial)}
    stack = [(a.initial, b.initial)]
    while stack:
        p, q = stack.pop()
        for i in range(a.n_symbols):
            nxt = (int(a.delta[p, i]), int(b.delta[q, i]))
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    left = {p for p, _ in seen}
    right = {q for _, q in seen}
    return len(seen) == len(left) == len(right)


def _strongly_connected(dfa: DFA) -> bool:
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(dfa.n_states))
    g.add_edges_from((q, int(t)) for q in range(dfa.n_states) for t in dfa.delta[q])
    return nx.is_strongly_connected(g)


def random_nondefinite_dfa(n_states: int, alphabet: Sequence[str], seed: int,
                           avoid: DFA | None = None, tries: int = 2000) -> DFA:
    """A random minimal, strongly connected, non-definite DFA with ``n_states`` states (and not
    ``avoid``'s state structure relabelled), the first found from ``seed, seed + 1, ...``.

    Strong connectivity keeps the control's labels from collapsing into an absorbing state
    (whose majority rate would make any probe look good).

    >>> d = random_nondefinite_dfa(3, "ab", seed=0)
    >>> d.n_states, is_definite(d)
    (3, False)
    """
    if n_states < 2:
        raise ProbingError(f"a non-definite DFA needs at least 2 states, got {n_states}")
    for s in range(seed, seed + tries):
        d = random_dfa(n_states, alphabet, seed=s).minimize()
        if d.n_states != n_states or is_definite(d) or not _strongly_connected(d):
            continue
        if avoid is not None and _is_relabeling(avoid, d):
            continue
        return d
    raise ProbingError(f"no non-definite {n_states}-state DFA found in {tries} random tries")


def untrained_model(model_cfg: Any, seed: int):
    """The same architecture at random initialization (``ssm.model.build_model``), seeded.

    The global torch RNG is forked and restored, so the caller's RNG state is untouched.
    """
    import torch

    from ssm.model import build_model

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        model = build_model(model_cfg)
    return model.eval()


def selectivity(accuracy: float, control_accuracy: float) -> float:
    """``accuracy - control_accuracy`` (Hewitt & Liang 2019)."""
    return float(accuracy) - float(control_accuracy)
