"""Interchange interventions on a layer's recurrent state (Geiger et al. 2021).

Causal abstraction asks whether the model's state *plays the role* of the automaton's state:
take a base string ``b`` and a position ``t``, run the model to ``t``, replace layer ``i``'s
whole recurrent state (``LanguageModel.step``'s cache entry: an SSM's ``(conv, h)``, an LSTM's
``(h, c)``, a DeltaNet's matrix state; every tensor, flattened together) with the one it has
after ``s[:t+1]`` of a source string whose DFA state there differs, and run the rest of ``b``.
If the state is the automaton's state, the later next-symbol predictions follow the *patched*
state: they equal the language's next sets from ``δ(q_s, b[t+1:p+1])`` (the counterfactual
labels) instead of the base's. Three interventions on the same base positions:

``different``
    source in another DFA state: *counterfactual accuracy* (predictions = counterfactual
    labels) on the positions where the counterfactual and base labels differ;
``same``
    source in the same DFA state: accuracy should stay where it was unpatched;
``random``
    the base state plus a random direction of the same norm as the ``different`` patch's
    change: a state that moved as far but not toward another automaton state.

Scores use the task's scored outputs (:class:`probing.model_oracle.ModelOracle`); positions
whose counterfactual state is dead (the language never continues there) are skipped. The
source prefix has the base's length ``t + 1`` (so positional information agrees).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch

from automata.dfa import split_word

from .errors import ProbingError
from .model_oracle import ModelOracle

__all__ = ["interchange", "InterchangeResult", "KINDS", "state_vector", "with_state_vector"]

KINDS = ("different", "same", "random")


def _leaves(state: Any) -> list:
    if isinstance(state, torch.Tensor):
        return [state]
    if isinstance(state, (tuple, list)):
        return [x for s in state for x in _leaves(s)]
    raise ProbingError(f"cannot patch a layer state of type {type(state).__name__}")


def _rebuild(state: Any, it) -> Any:
    if isinstance(state, torch.Tensor):
        return next(it)
    parts = [_rebuild(s, it) for s in state]
    return type(state)(*parts) if hasattr(state, "_fields") else type(state)(parts)


def state_vector(state: Any):
    """Every tensor of a layer state as one real ``(B, D)`` matrix (complex split re/im)."""
    cols = []
    for x in _leaves(state):
        x = torch.view_as_real(x) if x.is_complex() else x
        cols.append(x.reshape(x.shape[0], -1).float())
    return torch.cat(cols, dim=1)


def with_state_vector(state: Any, vec, rows) -> Any:
    """A copy of ``state`` whose batch rows ``rows`` hold ``vec`` (``(len(rows), D)``)."""
    out, off = [], 0
    for x in _leaves(state):
        y = x.clone()
        real = torch.view_as_real(y) if y.is_complex() else y
        n = int(np.prod(real.shape[1:]))
        real[rows] = vec[:, off:off + n].reshape(-1, *real.shape[1:]).to(real.dtype)
        off += n
        out.append(y)
    return _rebuild(state, iter(out))


def _run_patched(model: Any, layer: int, base: np.ndarray, src: np.ndarray, t: np.ndarray,
                 kind: np.ndarray, gen) -> np.ndarray:
    """Logits ``(B, T, n_out)`` of the base strings with layer ``layer`` patched after ``t``.

    ``kind`` per row: 0 unpatched, 1 replaced by the source's state, 2 the base state plus a
    random direction of the norm the source patch would move it (all rows in one batch, so the
    per-token loop runs once)."""
    B, T = base.shape
    dev = next(model.parameters()).device
    bt, st = torch.as_tensor(base, device=dev), torch.as_tensor(src, device=dev)
    cb, cs = model.init_cache(B), model.init_cache(B)
    out = []
    tmax = int(t.max())
    with torch.no_grad():
        for k in range(T):
            logits, cb = model.step(bt[:, k], cb)
            out.append(logits.float().cpu().numpy())
            if k <= tmax:
                _, cs = model.step(st[:, k], cs)
                rows = np.flatnonzero((t == k) & (kind > 0))
                if len(rows):
                    r = torch.as_tensor(rows, device=dev)
                    vb = state_vector(cb.layers[layer])[r]
                    vs = state_vector(cs.layers[layer])[r]
                    rnd = torch.as_tensor(kind[rows] == 2, device=dev)
                    if bool(rnd.any()):
                        d = torch.randn(vb.shape, generator=gen).to(dev)
                        d = d / d.norm(dim=1, keepdim=True).clamp_min(1e-12)
                        moved = vb + d * (vs - vb).norm(dim=1, keepdim=True)
                        vs = torch.where(rnd[:, None], moved, vs)
                    layers = list(cb.layers)
                    layers[layer] = with_state_vector(layers[layer], vs, r)
                    cb = cb._replace(layers=tuple(layers))
    return np.stack(out, axis=1)


@dataclass(frozen=True)
class InterchangeResult:
    layer: int
    bin: str
    n_pairs: int
    scores: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "site": f"layers.{self.layer}.state", "bin": self.bin,
                "n_pairs": self.n_pairs, **self.scores}


def _pairs(oracle: ModelOracle, words: Sequence[list[str]], states: list[np.ndarray],
           n_pairs: int, rng: np.random.Generator) -> list[tuple[int, int, int, int]]:
    """``(base, t, source_different, source_same)`` index tuples."""
    lengths = np.array([len(w) for w in words])
    cand = np.flatnonzero(lengths >= 2)
    out = []
    for _ in range(n_pairs * 4):
        if len(out) >= n_pairs or not len(cand):
            break
        b = int(rng.choice(cand))
        t = int(rng.integers(0, lengths[b] - 1))
        q = states[b][t]
        pool = np.flatnonzero(lengths > t)
        pool = pool[pool != b]
        if not len(pool):
            continue
        picks = rng.permutation(pool)[:64]
        diff = next((int(i) for i in picks if states[i][t] != q), None)
        same = next((int(i) for i in picks if states[i][t] == q), None)
        if diff is None or same is None:
            continue
        out.append((b, t, diff, same))
    return out


def interchange(oracle: ModelOracle, words_by_bin: dict[str, Sequence[Any]],
                layers: Sequence[int], n_pairs: int = 200, seed: int = 0) -> list[dict[str, Any]]:
    """Interchange interventions at every layer in ``layers`` and every length bin."""
    model = oracle.model
    n_layers = len(model.layers)
    bad = [i for i in layers if not 0 <= i < n_layers]
    if bad:
        raise ProbingError(f"layer(s) {bad} out of range 0..{n_layers - 1}")
    if n_pairs < 1:
        raise ProbingError(f"n_pairs must be at least 1, got {n_pairs}")
    dfa, table = oracle.dfa, oracle.table
    delta = dfa.delta.astype(np.int64)
    live = dfa.coreachable_mask()
    index = {s: i for i, s in enumerate(oracle.alphabet)}
    was = model.training
    model.eval()
    rows = []
    try:
        for bi, (name, bin_words) in enumerate(words_by_bin.items()):
            words = [split_word(w, oracle.alphabet) for w in bin_words]
            codes = [np.array([index[s] for s in w], dtype=np.int64) for w in words]
            states = [np.array(dfa.trace(w)[1:], dtype=np.int64) for w in words]
            rng = np.random.default_rng([seed, 606, bi])
            pairs = _pairs(oracle, words, states, n_pairs, rng)
            if not pairs:
                continue
            B = len(pairs)
            T = max(len(words[p[0]]) for p in pairs)
            base = np.zeros((B, T), dtype=np.int64)
            src_d, src_s = np.zeros_like(base), np.zeros_like(base)
            t = np.array([p[1] for p in pairs])
            for r, (b, tt, d, s) in enumerate(pairs):
                base[r, :len(codes[b])] = codes[b] + 1
                src_d[r, :tt + 1] = codes[d][:tt + 1] + 1
                src_s[r, :tt + 1] = codes[s][:tt + 1] + 1
            # labels after t for every row: base and counterfactual (from the source state)
            for layer in layers:
                gen = torch.Generator().manual_seed(int(seed) * 1000 + layer)
                kinds = np.repeat(np.array([0, 1, 1, 2]), B)
                out = _run_patched(model, layer, np.tile(base, (4, 1)),
                                   np.concatenate([src_d, src_d, src_s, src_d]), np.tile(t, 4),
                                   kinds, gen)
                logits = {name: out[j * B:(j + 1) * B]
                          for j, name in enumerate(("none", "different", "same", "random"))}
                rows.append(InterchangeResult(layer, name, B, _score(
                    oracle, logits, pairs, codes, states, delta, live, table)).to_dict())
    finally:
        model.train(was)
    return rows


def _score(oracle, logits, pairs, codes, states, delta, live, table) -> dict[str, Any]:
    acc: dict[str, list] = {k: [] for k in ("none_base", "none_cf", "diff_cf", "diff_base",
                                            "diff_cf_next", "rand_cf", "rand_base",
                                            "same_base", "none_same")}
    for r, (b, t, d, _s) in enumerate(pairs):
        c = codes[b]
        pos = np.arange(t + 1, len(c))
        if not len(pos):
            continue
        qb = states[b][pos]
        qc = np.empty(len(pos), dtype=np.int64)
        q = states[d][t]
        for j, p in enumerate(pos):
            q = delta[q, c[p]]
            qc[j] = q
        lab_b, lab_c = table[qb], table[qc]
        got = {k: oracle.read(v[r, pos], c[pos]) for k, v in logits.items()}
        scored = got["none"][1]
        has = scored.any(1)

        def eq(a, lab):
            return ((a == lab) | ~scored).all(1)

        inform = has & live[qc] & ~eq(lab_c, lab_b)
        first = np.zeros(len(pos), dtype=bool)
        first[0] = True
        acc["none_base"].append(eq(got["none"][0], lab_b)[inform])
        acc["none_cf"].append(eq(got["none"][0], lab_c)[inform])
        acc["diff_cf"].append(eq(got["different"][0], lab_c)[inform])
        acc["diff_base"].append(eq(got["different"][0], lab_b)[inform])
        acc["diff_cf_next"].append(eq(got["different"][0], lab_c)[inform & first])
        acc["rand_cf"].append(eq(got["random"][0], lab_c)[inform])
        acc["rand_base"].append(eq(got["random"][0], lab_b)[inform])
        acc["same_base"].append(eq(got["same"][0], lab_b)[has])
        acc["none_same"].append(eq(got["none"][0], lab_b)[has])

    def mean(k):
        v = np.concatenate(acc[k]) if acc[k] else np.zeros(0, bool)
        return (float(v.mean()) if len(v) else None), int(len(v))

    cf, n_inf = mean("diff_cf")
    return {"n_positions": n_inf,
            "counterfactual_accuracy": cf,
            "counterfactual_accuracy_next": mean("diff_cf_next")[0],
            "different_base_accuracy": mean("diff_base")[0],
            "unpatched_base_accuracy": mean("none_base")[0],
            "unpatched_counterfactual_accuracy": mean("none_cf")[0],
            "same_state_accuracy": mean("same_base")[0],
            "same_state_unpatched_accuracy": mean("none_same")[0],
            "random_counterfactual_accuracy": mean("rand_cf")[0],
            "random_base_accuracy": mean("rand_base")[0]}
