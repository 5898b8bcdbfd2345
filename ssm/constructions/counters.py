"""Counter languages with gate exactly 1 and inputs ±1 (Sarrof et al. 2024, counter theorem).

Languages (Bhattamishra et al. 2020; the output is the paper's character-prediction target):

* ``dyck1`` over ``( )``; ``shuffle_k`` over the first ``k`` pairs of :data:`PAIRS` (``()``,
  ``[]``, ``{}``, ``<>``, ``+-``, ``ab``, ``cd``, ``ef``; as in :mod:`automata.languages`): the shuffle of ``k`` Dyck-1 languages;
* ``anbn``, ``anbncn``, ``anbncndn``: ``σ_1^n σ_2^n … σ_k^n`` (``n ≥ 0``; the empty prefix is
  not labelled, so ``n ≥ 1`` gives the same labels).

At every position the model outputs ``next_allowed`` (bool, shape ``(T, |Σ| + 1)``, the last
column is end-of-string): which symbols may follow the prefix so that it can still be completed
to a member; all ``False`` once the prefix is dead.

Weights
-------
* layer 1 (width ``k``): every gate is exactly 1 and ``b ∈ {−1, 0, +1}``, so the state is a vector
  of integer counters: ``#open_i − #close_i`` for the Dyck/shuffle languages, and
  ``#σ_j − #σ_{j+1}`` (``j < k``) and ``#σ_k`` for the block languages. φ passes the counters on
  with a flag "this position breaks the language" (a counter went negative, or a symbol is out
  of order / starts a block before the previous one is complete).
* layer 2 (width 1): a sticky flag, gate 0 and ``b = 1`` on a violation, otherwise gate 1 and
  ``b = 0``. φ reads the allowed next symbols from the counters (zero / positive tests).

Precision: a float with ``p`` mantissa bits (24 for float32, 53 for float64) holds every integer
up to ``2^p`` exactly, and ``2^p + 1`` rounds to ``2^p``. The first string on which a counter is
wrong is therefore ``σ^{2^p + 1}`` followed by its closing symbols, and the first wrong prediction
is at prefix length ``2^(p+1) + 1`` (33,554,433 in float32; about 3.6e16 in float64, beyond any
run). :func:`precision_limit` measures it by running the model, in chunks, on that string.

>>> c = build_counter("anbn")
>>> c.predict(["aabb"])[0].astype(int).tolist()      # columns: a, b, end
[[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import Construction, encode_words, gate_list, registry_language
from .errors import ConstructionError

__all__ = ["build_counter", "COUNTER_LANGUAGES", "PAIRS", "counter_reference", "sample_counter",
           "precision_limit", "PrecisionLimit", "counter_alphabet"]

PAIRS = ("()", "[]", "{}", "<>", "+-", "ab", "cd", "ef")
BLOCKS = {"anbn": "ab", "anbncn": "abc", "anbncndn": "abcd"}
COUNTER_LANGUAGES = ("dyck1", "shuffle_k", "anbn", "anbncn", "anbncndn")


def _spec(name: str, k: int | None) -> tuple[str, tuple[str, ...], int]:
    """(kind, alphabet, number of counters)."""
    if name == "dyck1":
        return "dyck", ("(", ")"), 1
    digits = name[len("shuffle"):].lstrip("_")
    if name in ("shuffle_k", "shuffle") or (name.startswith("shuffle") and digits.isdigit()):
        if digits.isdigit():
            k = int(digits)
        if k is None:
            k = 2
        if not 1 <= k <= len(PAIRS):
            raise ConstructionError(f"shuffle_k needs 1 <= k <= {len(PAIRS)}, got k={k}")
        return "dyck", tuple(ch for p in PAIRS[:k] for ch in p), k
    if name in BLOCKS:
        return "blocks", tuple(BLOCKS[name]), len(BLOCKS[name])
    raise ConstructionError(f"unknown counter language {name!r}; choose from {list(COUNTER_LANGUAGES)}")


def counter_alphabet(name: str, k: int | None = None) -> tuple[str, ...]:
    return _spec(name, k)[1]


def _language_name(name: str, k: int) -> str:
    return f"shuffle{k}" if name.startswith("shuffle") else name


# ------------------------------------------------------------------------- reference (numpy)
def _reference_chunk(kind: str, k: int, x: np.ndarray, totals0: np.ndarray, dead0: bool,
                     last0: int) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Labels for one chunk of token ids, continuing from exact integer ``totals0`` (the count
    of every symbol so far), ``dead0`` and ``last0`` (last symbol id, −1 if none)."""
    n_sym = 2 * k if kind == "dyck" else k
    onehot = np.zeros((len(x), n_sym), dtype=np.int64)
    onehot[np.arange(len(x)), x] = 1
    totals = totals0[None, :] + np.cumsum(onehot, axis=0)           # (T, n_sym) exact
    labels = np.zeros((len(x), n_sym + 1), dtype=bool)
    if kind == "dyck":
        depth = totals[:, 0::2] - totals[:, 1::2]                      # (T, k)
        bad = (depth < 0).any(axis=1)
        labels[:, 0:n_sym:2] = True
        labels[:, 1:n_sym:2] = depth > 0
        labels[:, n_sym] = (depth == 0).all(axis=1)
    else:
        prev = np.concatenate([[last0], x[:-1]])
        order_bad = (x < prev) | ((prev < 0) & (x != 0))              # out of order / not σ_1 first
        n = totals[:, 0]
        phase = x                                                      # current block, if valid
        m = totals[np.arange(len(x)), phase]
        earlier_ok = np.ones(len(x), dtype=bool)
        for j in range(1, k):
            earlier_ok &= ~((phase > j) & (totals[:, j - 1] != n)) & ~((phase > j) & (totals[:, j] != n))
        bad = order_bad | (m > n) | ~earlier_ok
        first = phase == 0
        labels[first, 0] = True
        labels[first, 1 % n_sym] = k > 1
        later = ~first
        rows = np.nonzero(later)[0]
        labels[rows, phase[rows]] = m[rows] < n[rows]
        nxt = phase[rows] + 1
        full = m[rows] == n[rows]
        inside = nxt < k
        labels[rows[inside & full], nxt[inside & full]] = True
        labels[rows[~inside & full], n_sym] = True
        if k == 1:
            labels[first, n_sym] = True
    dead = np.logical_or.accumulate(np.concatenate([[dead0], bad]))[1:]
    labels[dead] = False
    return labels, totals[-1] if len(x) else totals0, bool(dead[-1]) if len(x) else dead0, \
        int(x[-1]) if len(x) else last0


def counter_reference(name: str, word, k: int | None = None) -> np.ndarray:
    """``next_allowed`` of every prefix from exact integer counts (the definition)."""
    kind, alphabet, kk = _spec(name, k)
    x = encode_words([word], alphabet)[0]
    n_sym = len(alphabet)
    return _reference_chunk(kind, kk, x, np.zeros(n_sym, dtype=np.int64), False, -1)[0]


# ------------------------------------------------------------------------- sampling
def _uniform_dyck(n_pairs: int, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random Dyck path (+1/−1) with ``n_pairs`` pairs (the cycle lemma)."""
    steps = np.array([1] * n_pairs + [-1] * (n_pairs + 1))
    rng.shuffle(steps)
    start = int(np.argmin(np.cumsum(steps))) + 1
    return np.roll(steps, -start)[:-1]


def sample_counter(name: str, length: int, n: int, seed: int, k: int | None = None) -> list[str]:
    """``n`` test strings of exactly ``length`` symbols.

    Even-numbered strings are valid prefixes: for dyck1/shuffle_k a member (uniform Dyck words,
    interleaved uniformly at random for shuffle_k; cut to ``length`` if it is odd); for the block
    languages ``σ_1^m σ_2^m …`` with ``m`` uniform in ``[ceil(length/k), length]``, cut to
    ``length`` (the member itself when ``m = length/k``). Odd-numbered strings are such a string
    with one random position replaced by a different random symbol (mostly dead prefixes).
    """
    kind, alphabet, kk = _spec(name, k)
    rng = np.random.default_rng(seed)
    words = []
    for i in range(n):
        if kind == "dyck":
            total = length + (length % 2)
            share = rng.multinomial(total // 2, [1 / kk] * kk)
            seq = np.empty(total, dtype=np.int64)
            slots = rng.permutation(total)
            pos = 0
            for t in range(kk):
                path = _uniform_dyck(int(share[t]), rng)
                where = np.sort(slots[pos:pos + len(path)])
                seq[where] = np.where(path > 0, 2 * t, 2 * t + 1)
                pos += len(path)
            seq = seq[:length]
        else:
            m = int(rng.integers(-(-length // kk), length + 1))
            seq = np.repeat(np.arange(kk), m)[:length]
        if i % 2 == 1 and length > 0:
            t = int(rng.integers(length))
            seq = seq.copy()
            seq[t] = (seq[t] + int(rng.integers(1, len(alphabet)))) % len(alphabet)
        words.append("".join(alphabet[j] for j in seq))
    return words


# ------------------------------------------------------------------------- the model
def build_counter(name: str = "dyck1", *, k: int | None = None,
                  dtype: torch.dtype = torch.float32) -> Construction:
    """Two-layer counter model for ``dyck1``, ``shuffle_k`` (``k`` pairs), ``anbn``, ``anbncn``,
    ``anbncndn``."""
    kind, alphabet, kk = _spec(name, k)
    n_sym = len(alphabet)
    b1 = torch.zeros(n_sym, kk, dtype=torch.float64)
    if kind == "dyck":
        for t in range(kk):
            b1[2 * t, t], b1[2 * t + 1, t] = 1.0, -1.0
    else:
        for j in range(kk):
            b1[j, j] = 1.0
            if j > 0:
                b1[j, j - 1] = -1.0
    a1 = torch.ones_like(b1)

    def totals_of(c):                                   # block languages: #σ_j = Σ_{i≥j} c_i
        return torch.flip(torch.cumsum(torch.flip(c, [-1]), -1), [-1])

    def phi1(h, x):
        if kind == "dyck":
            bad = (h < -0.5).any(-1)
        else:
            tot = totals_of(h)
            idx = torch.arange(kk)
            later_seen = ((tot > 0.5) & (idx > x.unsqueeze(-1))).any(-1)
            below = (idx < (x.unsqueeze(-1) - 1))
            incomplete = ((h.abs() > 0.5) & below).any(-1)
            prev = torch.gather(h, -1, (x - 1).clamp(min=0).unsqueeze(-1)).squeeze(-1)
            bad = later_seen | incomplete | ((x > 0) & (prev < -0.5))
        onehot = torch.nn.functional.one_hot(x, n_sym).to(h.dtype)
        return torch.cat([h, onehot, bad.to(h.dtype).unsqueeze(-1)], dim=-1)

    def a2(z):
        return 1 - z[..., -1:]

    def b2(z):
        return z[..., -1:]

    def phi2(h, z):
        c = z[..., :kk]
        x = z[..., kk:kk + n_sym].argmax(-1)
        out = torch.zeros(*c.shape[:-1], n_sym + 1, dtype=torch.bool)
        if kind == "dyck":
            out[..., 0:n_sym:2] = True
            out[..., 1:n_sym:2] = c > 0.5
            out[..., n_sym] = (c.abs() < 0.5).all(-1)
        else:
            tot = totals_of(c)
            m = torch.gather(tot, -1, x.unsqueeze(-1)).squeeze(-1)
            n = tot[..., 0]
            first = x == 0
            out[..., 0] = first
            if kk > 1:
                out[..., 1] |= first
            full = (m - n).abs() < 0.5
            for j in range(1, kk):
                out[..., j] |= (x == j) & (m < n - 0.5)
                out[..., j] |= (x == j - 1) & ~first & full
            out[..., n_sym] = (x == kk - 1) & full & (~first if kk > 1 else True)
        dead = h[..., 0] > 0.5
        return out & ~dead.unsqueeze(-1)

    layers = [DiagonalSSMLayer(a1, b1, phi1, dtype=dtype, name="counters"),
              DiagonalSSMLayer(a2, b2, phi2, dtype=dtype, name="dead flag", d_state=1)]
    lang = _language_name(name, kk)
    p = 24 if dtype == torch.float32 else 53
    return Construction(
        name=lang, language=lang, alphabet=alphabet, layers=2, width=kk + 1,
        layer_widths=(kk, 1), gates=tuple(gate_list([0.0, 1.0])), model=DiagonalSSM(layers),
        output="next_allowed of every prefix: bool (T, |alphabet| + 1), last column = end",
        theorem="Sarrof et al. 2024: with a gate of exactly 1 and B = ±1 an SSM keeps unbounded "
                "counters (precision growing with length, log T bits)",
        reference=lambda word: counter_reference(name, word, kk),
        registry=lang if registry_language(lang, alphabet) is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.next_allowed, dtype=bool),
        sampler=lambda length, n, seed: sample_counter(name, length, n, seed, kk),
        info={"counter_gate": 1.0, "counter_inputs": [-1.0, 1.0] if kind == "dyck" or kk > 1 else [1.0],
              "sticky_gates": [0.0, 1.0], "mantissa_bits": p,
              "exact_up_to_length": 2 ** (p + 1),
              "first_failing_prefix_length_predicted": 2 ** (p + 1) + 1})


# ------------------------------------------------------------------------- precision
@dataclass(frozen=True)
class PrecisionLimit:
    """First prefix length at which the model's output differs from the language's labels, on
    the adversarial string ``σ_1^N σ_2^N …`` with ``N = 2^p + 1`` (``p`` mantissa bits;
    dyck1/shuffle: ``open^N close^N`` of the first pair).

    ``method`` is ``"full run"`` when every position went through the model, or ``"windows of W"``
    when only ``W`` positions either side of every block boundary were run (see
    :func:`precision_limit`). ``positions_run`` counts the positions actually run.
    """

    language: str
    dtype: str
    mantissa_bits: int
    predicted: int
    measured: int | None
    method: str
    positions_run: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def precision_limit(name: str = "dyck1", dtype: torch.dtype = torch.float32, *, k: int | None = None,
                    window: int | None = None, chunk: int = 1 << 22) -> PrecisionLimit:
    """Measure the first failing prefix length of :func:`build_counter` in ``dtype``.

    ``window=None`` runs every position of the adversarial string (float32: about 3.4e7 steps,
    some seconds) chunk by chunk, carrying every layer's state, up to the first wrong position.
    With ``window=W`` only the ``W`` positions on either side of each block boundary are run; the
    positions in between are skipped *exactly*: inside a block the model adds the same ±1 to an
    integer-valued counter whose magnitude stays below ``2^p`` before and after (checked), which
    float arithmetic does without rounding, so the skipped state equals the sequential one bit
    for bit; the sticky flag and the reference's exact integer counts are advanced likewise
    (the skip is refused if a counter would leave the exact range). This is what makes float64
    (``2^54`` positions) measurable.
    """
    c = build_counter(name, k=k, dtype=dtype)
    kind, alphabet, kk = _spec(name, k)
    p = 24 if dtype == torch.float32 else 53
    N = 2 ** p + 1
    blocks = [0, 1] if kind == "dyck" else list(range(kk))
    total_len = N * len(blocks)
    if window is None:
        spans = [(0, total_len)]
    else:
        if window < 1:
            raise ConstructionError(f"window must be >= 1, got {window}")
        spans = []
        for b in range(len(blocks)):
            lo, hi = max(0, b * N - window), min(total_len, b * N + window)
            if b == len(blocks) - 1:
                hi = total_len
                lo = max(lo, total_len - window) if b > 0 else lo
            spans.append((lo, hi))
        # the tail window of the last block must also cover its start boundary
        if len(blocks) > 1:
            b = len(blocks) - 1
            spans[-1:] = [(max(0, b * N - window), min(total_len, b * N + window)),
                          (max(0, total_len - window), total_len)]
        merged = []
        for lo, hi in sorted(spans):
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        spans = merged
    n_sym = len(alphabet)
    sym = np.asarray(blocks, dtype=np.int64)
    totals = np.zeros(n_sym, dtype=np.int64)
    layer1, layer2 = c.model.layers
    b1 = layer1.b_table.to(torch.float64).numpy()
    h1 = torch.zeros(1, kk, dtype=dtype)
    h2 = torch.zeros(1, 1, dtype=dtype)
    dead, last = False, -1
    pos, run, measured = 0, 0, None
    with torch.no_grad():
        for lo, hi in spans:
            if lo > pos:                       # exact skip of positions pos .. lo-1
                if sym[pos // N] != sym[(lo - 1) // N]:
                    raise ConstructionError("a skipped stretch would cross a block boundary")
                s = int(sym[pos // N])
                L = lo - pos
                new = [int(v) + L * int(bv) for v, bv in zip(h1[0].tolist(), b1[s])]
                if any(abs(v) >= 2 ** p or abs(int(u)) >= 2 ** p or float(u) != int(u)
                       for v, u in zip(new, h1[0].tolist())):
                    raise ConstructionError("a skipped stretch would leave the exact integer range")
                h1 = torch.tensor([new], dtype=dtype)
                totals[s] += L
                last = s
                pos = lo
            while pos < hi and measured is None:
                end = min(hi, pos + chunk)
                x = sym[np.arange(pos, end) // N]
                ref, totals, dead, last = _reference_chunk(kind, kk, x, totals, dead, last)
                xt = torch.from_numpy(x)[None]
                z1, s1 = layer1(xt, h0=h1, return_state=True)
                z2, s2 = layer2(z1, h0=h2, return_state=True)
                h1, h2 = s1[:, -1], s2[:, -1]
                wrong = np.nonzero((z2[0].numpy() != ref).any(axis=1))[0]
                if len(wrong):
                    measured = pos + int(wrong[0]) + 1
                run += end - pos
                pos = end
            if measured is not None:
                break
    return PrecisionLimit(language=_language_name(name, kk), dtype=str(dtype).replace("torch.", ""),
                          mantissa_bits=p, predicted=2 ** (p + 1) + 1, measured=measured,
                          method="full run" if window is None else f"windows of {window}",
                          positions_run=run)
