"""Group word problems, exactly, as one DeltaProduct layer of Householder reflections.

A permutation ``σ`` of ``n`` points is a product of at most ``n − 1`` transpositions, and the
transposition ``(i j)`` is the Householder reflection ``I − 2 e eᵀ`` with ``e = (e_i − e_j)/√2``
(``β = 2``: eigenvalues 1 and −1, the family ``lrnn_householder`` of Grazzi et al. ICLR 2025). A
one-layer DeltaProduct (Siems et al. 2025) with ``n_h`` = the most transpositions any letter
needs therefore carries the permutation of every prefix exactly (the argument of Grazzi et al.
2025 and Siems et al. 2025 for permutation groups, made explicit here).

The construction (state ``S`` of shape ``(K, V) = (n + 1, 1)``, fla's orientation; one head):

* **Writing the first state.** The delta rule starts from ``S = 0``, and reflections alone never
  leave 0, so the model prepends a beginning-of-sequence step (token id ``len(alphabet)``, added
  inside :meth:`HouseholderLRNN.forward`; its output is dropped). Its first Householder step has
  ``β = 1``, key ``k = r/‖r‖`` and value ``v = ‖r‖`` with ``r = (1, 2, …, n, 0)``, which writes
  ``S = k vᵀ = r``: a column with distinct entries, value ``q + 1`` at point ``q``.
* **Letters.** Letter ``a`` with permutation ``σ_a`` uses the reflections of the transpositions
  that move the value at point ``q`` to point ``σ_a(q)`` (``n − #cycles(σ_a)`` of them, from a
  selection sort), with ``β = 2`` and ``v = 0`` (no write). Unused steps (and the BOS token's) are
  the reflection of the spare coordinate ``e_n`` (``β = 2``), whose entry is always 0, so they are
  the identity on every reachable state: every β is 1 (once) or 2.
* **Readout φ.** After a word ``w``, the value ``q + 1`` sits at point ``π_w(q)``, where
  ``π_w = σ_{w_T} ∘ ⋯ ∘ σ_{w_1}`` (sympy's product ``σ_{w_1} * ⋯ * σ_{w_T}``). φ ranks the first
  ``n`` entries (``argsort``), reads ``π_w`` and maps it through a table to the minimal-DFA state
  (built by breadth-first search over (permutation, DFA state) pairs; a conflict is refused).
  Ranking is invariant to scale and correct while every entry is within 1/2 of its exact value,
  so no renormalization is needed: :meth:`HouseholderConstruction.check` reports the largest
  deviation it saw (``max_state_error``; figures in ``docs/constructions.md``).

Inputs: a group name (``Z_m``, ``S_3``, ``D_4``, ``Q_8``, ``A_4``, ``S_4``, ``A_5``, ``S_5`` or
``word_problem_<g>``; the natural permutation representation of :mod:`automata.languages`'
word problems, e.g. 5 points for S_5), a mapping ``{letter: permutation}`` (a user group: the
word problem "the product is the identity"), or any group language (a registered name, a
:class:`automata.languages.Language`, a :class:`automata.DFA`) whose minimal DFA's letters all
permute its states (the points are then the DFA states). Anything else is refused with
:class:`~ssm.constructions.errors.ConstructionRefused`: a letter that is not a bijection of the
minimal DFA's states means the transition monoid is not a group. The family
``lrnn_householder_positive`` (β ∈ (0, 1), eigenvalues in [0, 1]) is refused: the construction
needs the eigenvalue −1.

A cyclic group is built instead, by default, as plane rotations with 2 reflections per token
(:mod:`.householder_rotation`) whenever that needs fewer reflections than its permutations:
``method="auto"`` (default), ``"permutation"`` (this construction always) or ``"rotation"``
(refused for a group that is not cyclic).

>>> c = construct_householder("S_5")
>>> c.layers, c.width, c.n_householder, c.info["group_order"]
(1, 6, 4, 120)
>>> r = c.check(200, 5, seed=0)
>>> r.accuracy, r.position_accuracy
(1.0, 1.0)
>>> construct_householder({"x": [1, 0, 2], "y": [1, 2, 0]}).info["group_order"]   # S_3
6
>>> construct_householder("Z_12").n_householder, construct_householder("Z_12", method="permutation").n_householder
(2, 11)
>>> construct_householder("tomita1")
Traceback (most recent call last):
...
ssm.constructions.errors.ConstructionRefused: tomita1 is not a group language: ...
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from .base import CheckResult, encode_words
from .errors import ConstructionError, ConstructionRefused

__all__ = ["construct_householder", "HouseholderConstruction", "HouseholderLRNN",
           "HouseholderCheckResult", "transpositions", "GROUP_NAMES", "MAX_GROUP_ORDER", "METHODS"]

GROUP_NAMES = ("Z_m", "S_3", "D_4", "Q_8", "A_4", "S_4", "A_5", "S_5")
MAX_GROUP_ORDER = 100_000
MAX_POINTS = 512
MAX_CHECK_STEPS = 200_000_000
METHODS = ("auto", "permutation", "rotation")
THEOREM = ("Grazzi et al. 2025 (ICLR), 'Unlocking State-Tracking in Linear RNNs Through Negative "
           "Eigenvalues'; Siems et al. 2025, DeltaProduct: a transposition is the "
           "Householder reflection I - 2eeᵀ, e = (e_i - e_j)/√2 (β = 2), so one layer with n_h "
           "reflections per token tracks a permutation group whose generators need ≤ n_h "
           "transpositions")
REFUSE_POSITIVE = ("lrnn_householder_positive (β ∈ (0, 1), every factor's eigenvalues in [0, 1]) "
                   "cannot realize this construction: it needs the reflection eigenvalue −1; "
                   "Grazzi et al. 2025 show that LRNNs whose transition eigenvalues are all "
                   "non-negative cannot solve parity in finite precision")


def transpositions(perm: Sequence[int]) -> list[tuple[int, int]]:
    """Swaps that, applied in order to an array, move the entry at ``q`` to ``perm[q]``.

    ``n − #cycles`` swaps (the fewest possible).

    >>> transpositions([1, 2, 0])
    [(0, 2), (1, 2)]
    >>> a = ["x", "y", "z"]
    >>> for i, j in transpositions([1, 2, 0]):
    ...     a[i], a[j] = a[j], a[i]
    >>> a                                   # x moved to 1, y to 2, z to 0
    ['z', 'x', 'y']
    """
    n = len(perm)
    want = [0] * n
    for q, p in enumerate(perm):
        want[p] = q
    cur = list(range(n))
    where = list(range(n))
    out = []
    for p in range(n):
        if cur[p] != want[p]:
            j = where[want[p]]
            out.append((p, j))
            cur[p], cur[j] = cur[j], cur[p]
            where[cur[p]], where[cur[j]] = p, j
    return out


class HouseholderLRNN(nn.Module):
    """A one-layer, one-head DeltaProduct given by per-token tables (no projections).

    ``keys (n_tokens, n_h, K)``, ``values (n_tokens, n_h, 1)``, ``betas (n_tokens, n_h)``; the
    last token id is the BOS step, prepended by :meth:`forward`. ``forward(tokens (B, T))``
    returns the state column ``(B, T, K)`` after every input token.

    ``scan``:

    * ``"transition"`` (default): each token's affine map ``S ↦ A(x) S + b(x)``, with
      ``A(x) = ∏_j (I − β_j k_j k_jᵀ)`` and ``b(x)`` the writes, is composed once per token id by
      running the delta rule on the identity (in the model's dtype); then one ``K × K`` product
      per position — the LRNN form ``h_t = A(x_t) h_{t−1} + b(x_t)`` of Grazzi et al. 2025;
    * ``"delta"``: the delta rule ``S ← S + β k (v − kᵀ S)`` one Householder step at a time on the
      ``(B, K)`` state columns (the arithmetic of
      :func:`ssm.scan.delta_reference.delta_product_ref`);
    * ``"reference"`` / ``"chunked"``: the package's scans (:mod:`ssm.scan.delta_reference`,
      :mod:`ssm.scan.delta_chunked`).

    All four agree to rounding (``tests/ssm/test_householder_construction.py``).
    """

    SCANS = ("transition", "delta", "reference", "chunked")

    def __init__(self, keys: torch.Tensor, values: torch.Tensor, betas: torch.Tensor,
                 dtype: torch.dtype = torch.float32, scan: str = "transition"):
        super().__init__()
        self.register_buffer("keys", keys.to(dtype))
        self.register_buffer("values", values.to(dtype))
        self.register_buffer("betas", betas.to(dtype))
        if scan not in self.SCANS:
            raise ConstructionError(f"scan must be one of {list(self.SCANS)}, got {scan!r}")
        self.scan = scan

    @property
    def dtype(self) -> torch.dtype:
        return self.keys.dtype

    @property
    def bos(self) -> int:
        return self.keys.shape[0] - 1

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        B, T = tokens.shape
        ids = torch.cat([torch.full((B, 1), self.bos, dtype=tokens.dtype, device=tokens.device),
                         tokens], dim=1)
        if self.scan == "delta":
            return self._direct(ids)[:, 1:]
        if self.scan == "transition":
            return self._transition(ids)[:, 1:]
        from ssm.scan.delta_chunked import delta_product_chunked
        from ssm.scan.delta_reference import delta_product_ref

        k = self.keys[ids].unsqueeze(3)                      # (B, T+1, n_h, 1, K)
        v = self.values[ids].unsqueeze(3)                    # (B, T+1, n_h, 1, 1)
        beta = self.betas[ids].unsqueeze(3)                  # (B, T+1, n_h, 1)
        q = torch.zeros(B, T + 1, 1, k.shape[-1], dtype=self.dtype, device=k.device)
        fn = delta_product_chunked if self.scan == "chunked" else delta_product_ref
        states = fn(q, k, v, beta, output_states=True).states  # (B, T+1, 1, K, 1)
        return states[:, 1:, 0, :, 0]

    def token_maps(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``A (n_tokens, K, K)`` and ``b (n_tokens, K)``: each token's composed affine map."""
        n_tok, nh, K = self.keys.shape
        A = torch.eye(K, dtype=self.dtype).repeat(n_tok, 1, 1)
        b = torch.zeros(n_tok, K, dtype=self.dtype)
        for j in range(nh):
            k, beta, v = self.keys[:, j], self.betas[:, j], self.values[:, j, 0]
            H = torch.eye(K, dtype=self.dtype) - beta[:, None, None] * k[:, :, None] * k[:, None, :]
            A = H @ A
            b = (H @ b[..., None])[..., 0] + (beta * v)[:, None] * k
        return A, b

    def _transition(self, ids: torch.Tensor) -> torch.Tensor:
        A, b = self.token_maps()
        B, T = ids.shape
        S = torch.zeros(B, A.shape[-1], 1, dtype=self.dtype, device=ids.device)
        out = torch.empty(B, T, A.shape[-1], dtype=self.dtype, device=ids.device)
        for t in range(T):
            x = ids[:, t]
            S = torch.baddbmm(b[x].unsqueeze(-1), A[x], S)
            out[:, t] = S[..., 0]
        return out

    def _direct(self, ids: torch.Tensor) -> torch.Tensor:
        B, T = ids.shape
        K, nh = self.keys.shape[-1], self.keys.shape[1]
        S = torch.zeros(B, K, dtype=self.dtype, device=ids.device)
        out = torch.empty(B, T, K, dtype=self.dtype, device=ids.device)
        keys, vals, betas = self.keys[ids], self.values[ids][..., 0], self.betas[ids]
        for t in range(T):
            for j in range(nh):
                k = keys[:, t, j]
                kS = (k * S).sum(-1)
                S = S + (betas[:, t, j] * (vals[:, t, j] - kS)).unsqueeze(-1) * k
            out[:, t] = S
        return out


@dataclass(frozen=True)
class HouseholderCheckResult(CheckResult):
    """:class:`~ssm.constructions.base.CheckResult` plus the largest ``|state − exact state|``;
    for the rotation construction (:mod:`.householder_rotation`) also the largest angle error,
    the tolerance ``π/m`` it must stay below, and the largest ``|‖S‖ − 1|`` (else ``None``)."""

    max_state_error: float = 0.0
    max_angle_error: float | None = None
    angle_tolerance: float | None = None
    max_norm_drift: float | None = None


@dataclass(frozen=True)
class HouseholderConstruction:
    """The built construction: model, readout table and a checker (see the module doc).

    ``predict(words)`` gives the minimal-DFA state after every prefix (−1 where the state could
    not be read), ``predict_membership`` the membership; ``check`` compares with the DFA.
    """

    language: str
    alphabet: tuple
    permutations: dict                       # letter -> image list on the points
    n_points: int
    n_householder: int
    model: HouseholderLRNN = field(repr=False, compare=False)
    dfa: Any = field(repr=False, compare=False)
    table: dict = field(repr=False, compare=False)   # permutation key -> DFA state
    info: dict = field(default_factory=dict, compare=False)
    name: str = "householder"
    theorem: str = THEOREM
    family: str = "lrnn_householder"
    output: str = "minimal-DFA state after every prefix (int)"
    registry: str | None = None

    @property
    def layers(self) -> int:
        return 1

    @property
    def width(self) -> int:
        """State size ``K · V`` of the one layer (``n + 1``: the points and the spare axis)."""
        return self.n_points + 1

    @property
    def layer_widths(self) -> tuple:
        return (self.width,)

    @property
    def gates(self) -> dict:
        """The transition values used: β per step and the eigenvalues of the factors."""
        return {"beta": [1.0, 2.0], "householder_eigenvalues": [-1.0, 1.0],
                "n_householder": self.n_householder, "beta_1_only_at_bos": True,
                "method": "permutation"}

    @property
    def dtype(self) -> torch.dtype:
        return self.model.dtype

    def _keys(self, perms: np.ndarray) -> np.ndarray:
        return perms.astype(np.int64) @ (self.n_points ** np.arange(self.n_points, dtype=np.int64))

    @torch.no_grad()
    def states(self, words: Sequence) -> list[np.ndarray]:
        """The state column ``(len(w), n + 1)`` after every prefix of every word."""
        enc = encode_words(words, self.alphabet)
        out: list = [None] * len(enc)
        by_len: dict[int, list[int]] = {}
        for i, e in enumerate(enc):
            by_len.setdefault(len(e), []).append(i)
        for length, idx in by_len.items():
            if length == 0:
                for i in idx:
                    out[i] = np.zeros((0, self.width))
                continue
            bs = max(1, min(256, (1 << 18) // (length * self.n_householder)))
            for s in range(0, len(idx), bs):
                chunk = idx[s:s + bs]
                tok = torch.from_numpy(np.stack([enc[i] for i in chunk]))
                y = self.model(tok).cpu().numpy()
                for j, i in enumerate(chunk):
                    out[i] = y[j]
        return out

    def readout(self, state: np.ndarray) -> np.ndarray:
        """φ: states ``(..., n + 1)`` → DFA states (rank the entries, look the permutation up)."""
        perm = np.argsort(state[..., :self.n_points], axis=-1, kind="stable")   # π(q) = perm[q]
        keys = self._keys(perm)
        table_keys, table_vals = self.info_table()
        pos = np.searchsorted(table_keys, keys)
        pos = np.clip(pos, 0, len(table_keys) - 1)
        return np.where(table_keys[pos] == keys, table_vals[pos], -1)

    def info_table(self):
        if not hasattr(self, "_table_arrays"):
            ks = np.array(sorted(self.table), dtype=np.int64)
            object.__setattr__(self, "_table_arrays", (ks, np.array([self.table[k] for k in ks])))
        return self._table_arrays

    def predict(self, words: Sequence) -> list[np.ndarray]:
        """Minimal-DFA state after every prefix, one int array per word."""
        return [self.readout(s) for s in self.states(words)]

    def predict_membership(self, words: Sequence) -> list[np.ndarray]:
        acc = self.dfa.accepting_mask
        return [np.where(p >= 0, acc[np.maximum(p, 0)], False) for p in self.predict(words)]

    def definition_states(self, word) -> np.ndarray:
        """The oracle from the definition: compose the letters' permutations with integers."""
        return self._trace(encode_words([word], self.alphabet)[0][None])[1][0]

    def exact_state(self, word) -> np.ndarray:
        """The exact state column after every prefix (value ``q + 1`` at point ``π(q)``)."""
        perms = self._trace(encode_words([word], self.alphabet)[0][None])[2][0]
        out = np.zeros((len(perms), self.width))
        np.put_along_axis(out, perms, np.arange(1, self.n_points + 1)[None], axis=1)
        return out

    def _trace(self, X: np.ndarray):
        """For token arrays ``X (N, T)``: the DFA's states, the definition's states (integer
        permutation composition, then the table) and the permutations ``(N, T, n)``."""
        N, T = X.shape
        images = np.stack([np.asarray(self.permutations[a]) for a in self.alphabet])
        delta = np.asarray(self.dfa.delta)
        col = np.array([list(self.dfa.alphabet).index(a) for a in self.alphabet])
        perm = np.tile(np.arange(self.n_points), (N, 1))
        q = np.full(N, int(self.dfa.initial))
        perms = np.empty((N, T, self.n_points), dtype=np.int64)
        dfa_states = np.empty((N, T), dtype=np.int64)
        for t in range(T):
            perm = images[X[:, t][:, None], perm]
            q = delta[q, col[X[:, t]]]
            perms[:, t] = perm
            dfa_states[:, t] = q
        ks, vs = self.info_table()
        defn = vs[np.clip(np.searchsorted(ks, self._keys(perms)), 0, len(ks) - 1)]
        return dfa_states, defn, perms

    def sample(self, length: int, n: int, seed: int) -> list:
        """``n`` uniformly random words of ``length`` over the alphabet."""
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, len(self.alphabet), size=(n, length))
        if all(len(s) == 1 for s in self.alphabet):
            table = np.array(list(self.alphabet))
            return ["".join(row) for row in table[idx]]
        return [[self.alphabet[i] for i in row] for row in idx]

    def check(self, length: int, n: int, seed: int = 0, words: Sequence | None = None,
              oracle: str = "auto") -> HouseholderCheckResult:
        """Compare :meth:`predict` with the DFA's trace on ``n`` uniform words of ``length``.

        ``oracle``: ``"automaton"``/``"auto"`` (the minimal DFA's ``trace``, also comparing the
        permutation-composition definition: ``definition_agrees``) or ``"definition"``.
        """
        if oracle not in ("auto", "automaton", "definition"):
            raise ConstructionError(f"oracle must be 'auto', 'automaton' or 'definition', got {oracle!r}")
        if words is None:
            if isinstance(length, bool) or not isinstance(length, int) or length < 1 or \
                    isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ConstructionError(f"need length >= 1 and n >= 1, got length={length}, n={n}")
            if length * n * self.n_householder > MAX_CHECK_STEPS:
                raise ConstructionError(f"check of {n} strings of length {length} exceeds the budget "
                                        f"of {MAX_CHECK_STEPS:.0e} Householder steps")
            words = self.sample(length, n, seed)
        enc = encode_words(words, self.alphabet)
        full = pos_ok = pos_all = 0
        first = None
        agrees = True
        errors: dict[str, float] = {}
        by_len: dict[int, list[int]] = {}
        for i, e in enumerate(enc):
            by_len.setdefault(len(e), []).append(i)
        for length_, idx in sorted(by_len.items()):
            if length_ == 0:
                full += len(idx)
                continue
            bs = max(1, min(256, (1 << 21) // (length_ * self.n_householder)))
            for s in range(0, len(idx), bs):
                chunk = idx[s:s + bs]
                X = np.stack([enc[i] for i in chunk])
                with torch.no_grad():
                    st = self.model(torch.from_numpy(X)).cpu().numpy().astype(np.float64)
                pred = self.readout(st)
                dfa_states, defn, exact_key = self._trace(X)
                if oracle == "definition":
                    ref = defn
                else:
                    ref = dfa_states
                    agrees = agrees and bool((dfa_states == defn).all())
                for name, value in self._errors(st, exact_key).items():
                    errors[name] = max(errors.get(name, 0.0), value)
                ok = pred == ref
                pos_ok += int(ok.sum())
                pos_all += ok.size
                whole = ok.all(axis=1)
                full += int(whole.sum())
                if first is None and not whole.all():
                    j = int(np.argmin(whole))
                    t = int(np.argmin(ok[j]))
                    first = {"string": chunk[j], "position": t, "predicted": int(pred[j, t]),
                             "expected": int(ref[j, t])}
        return HouseholderCheckResult(
            language=self.language, check_length=max((len(w) for w in words), default=0),
            strings=len(words), accuracy=full / max(1, len(words)),
            position_accuracy=pos_ok / max(1, pos_all), first_error=first,
            dtype=str(self.dtype).replace("torch.", ""),
            oracle="definition" if oracle == "definition" else "automata.DFA.trace",
            definition_agrees=None if oracle == "definition" else agrees,
            **{"max_state_error": 0.0, **errors}, **self._check_extras())

    def _errors(self, st: np.ndarray, perms: np.ndarray) -> dict[str, float]:
        """The deviations :meth:`check` reports, for states ``st (N, T, width)`` and the exact
        permutations ``perms (N, T, n)`` of :meth:`_trace`: ``max_state_error``, the largest
        distance of an entry from its exact value (1..n at the permuted points, 0 spare)."""
        exact = np.take_along_axis(st[..., :self.n_points], perms, axis=-1)
        return {"max_state_error": max(float(np.abs(exact - np.arange(1, self.n_points + 1)).max()),
                                       float(np.abs(st[..., self.n_points:]).max()))}

    def _check_extras(self) -> dict[str, Any]:
        """Fields of :class:`HouseholderCheckResult` fixed by the construction (none here)."""
        return {}

    def describe(self) -> str:
        """A few lines for people."""
        lines = [f"{self.language}: 1 DeltaProduct layer, 1 head, state {self.width} x 1, "
                 f"n_h = {self.n_householder} Householder steps per token "
                 f"(beta = 2 reflections; beta = 1 once, at BOS)",
                 f"group of order {self.info['group_order']} on {self.n_points} points; "
                 f"minimal DFA with {self.info['dfa_states']} states"]
        for a in self.alphabet:
            sw = self.info["transpositions"][a]
            lines.append(f"  {a!r}: {self.permutations[a]} = "
                         + (" then ".join(f"({i} {j})" for i, j in sw) or "identity"))
        lines.append(f"theorem: {self.theorem}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "language": self.language, "alphabet": list(self.alphabet),
                "family": self.family, "layers": self.layers, "width": self.width,
                "layer_widths": [self.width], "n_householder": self.n_householder,
                "gates": self.gates, "output": self.output, "theorem": self.theorem,
                "dtype": str(self.dtype).replace("torch.", ""),
                "permutations": {a: list(map(int, p)) for a, p in self.permutations.items()},
                "method": self.info.get("method", "permutation"), "info": dict(self.info)}


# ---------------------------------------------------------------------------- input handling
def _group_key(name: str) -> str | None:
    """``"S_5"``, ``"s5"``, ``"word_problem_s5"``, ``"Z_12"`` → ``"S5"``/``"Z12"``; else None."""
    m = re.fullmatch(r"(?:word_problem_)?([A-Za-z])_?(\d+)", name.strip())
    if not m:
        return None
    key = m.group(1).upper() + m.group(2)
    if key[0] == "Z" or key in ("S3", "D4", "Q8", "A4", "S4", "A5", "S5"):
        return key
    return None


def _as_image(p, letter) -> list[int]:
    arr = getattr(p, "array_form", p)          # sympy Permutation or a sequence of images
    try:
        img = [int(x) for x in arr]
    except (TypeError, ValueError):
        raise ConstructionError(f"the permutation of {letter!r} must be a list of images "
                                f"[σ(0), σ(1), ...], got {p!r}") from None
    if sorted(img) != list(range(len(img))):
        raise ConstructionRefused(f"letter {letter!r} maps to {img}, which is not a permutation of "
                                  f"0..{len(img) - 1}; this construction needs a permutation group")
    return img


def _user_group(perms: Mapping) -> tuple[str, tuple, dict, Any]:
    from automata.languages.base import dfa_from_function

    if not perms:
        raise ConstructionError("give at least one letter -> permutation")
    alphabet = tuple(str(a) for a in perms)
    images = {str(a): _as_image(p, a) for a, p in perms.items()}
    n = max(len(p) for p in images.values())
    images = {a: p + list(range(len(p), n)) for a, p in images.items()}   # pad with fixed points
    ident = tuple(range(n))
    dfa = dfa_from_function(alphabet, ident, lambda x, s: tuple(images[s][i] for i in x),
                            lambda x: x == ident, max_states=MAX_GROUP_ORDER)
    return "word problem of <" + ", ".join(f"{a}={p}" for a, p in images.items()) + ">", \
        alphabet, images, dfa.minimize()


def _dfa_group(dfa, name: str) -> dict:
    """Letter → permutation of the minimal DFA's states, or refuse."""
    n = dfa.n_states
    out = {}
    for j, a in enumerate(dfa.alphabet):
        col = [int(x) for x in np.asarray(dfa.delta)[:, j]]
        if len(set(col)) != n:
            seen: dict[int, int] = {}
            for p, r in enumerate(col):
                if r in seen:
                    raise ConstructionRefused(
                        f"{name} is not a group language: in its minimal DFA letter {a!r} maps "
                        f"states {seen[r]} and {p} both to {r}, so the transition monoid is not a "
                        "group; this construction builds permutation-group word problems and group "
                        "languages only (lrnn_householder's 'every regular language' needs more "
                        "layers, Grazzi et al. 2025, and is not built here)")
                seen[r] = p
        out[str(a)] = col
    return out


def _word_problem(key: str):
    """The registered word problem of group ``key`` and its natural permutation representation."""
    from automata.languages import get_language
    from automata.languages.word_problems import LETTERS, group_generators

    lang = get_language(f"word_problem_{key.lower()}")
    gens = group_generators(key)
    images = {a: list(map(int, g.array_form)) for a, g in zip(LETTERS, gens)}
    return lang, images


def _resolve(obj) -> tuple[str, tuple, dict, Any, str | None]:
    """``(language name, alphabet, letter -> image list, minimal DFA, registry name)``.

    A registered word problem (by group name, registry name or its ``Language``) uses the
    natural permutation representation of :mod:`automata.languages.word_problems` (5 points
    for S_5, not the 120 states of its DFA); other group languages act on their DFA's states.
    """
    from automata import DFA

    if isinstance(obj, Mapping):
        return (*_user_group(obj), None)
    if isinstance(obj, str):
        key = _group_key(obj)
        if key is not None:
            lang, images = _word_problem(key)
            return lang.name, tuple(lang.alphabet), images, lang.dfa, lang.name
        from automata.languages import get_language
        try:
            obj = get_language(obj)
        except ValueError as e:
            raise ConstructionError(f"unknown language or group {obj!r} ({e}); groups: "
                                    f"{', '.join(GROUP_NAMES)}, or give {{letter: permutation}}") from None
    if isinstance(obj, DFA):
        dfa = obj.minimize()
        return "user DFA", tuple(dfa.alphabet), _dfa_group(dfa, "the DFA"), dfa, None
    dfa = getattr(obj, "dfa", None)
    name = getattr(obj, "name", "language")
    if dfa is None:
        raise ConstructionRefused(f"{name!r} has no finite automaton (a counter language is not "
                                  "a group language)")
    key = _group_key(name) if isinstance(name, str) else None
    if key is not None:
        lang, images = _word_problem(key)
        if tuple(lang.alphabet) == tuple(dfa.alphabet) and lang.dfa == dfa:
            return name, tuple(dfa.alphabet), images, dfa, name
    return name, tuple(dfa.alphabet), _dfa_group(dfa, name), dfa, name


def _table(alphabet, images, dfa) -> dict:
    """BFS over (permutation, DFA state) pairs: permutation key → DFA state."""
    n = len(next(iter(images.values())))
    radix = n ** np.arange(n, dtype=np.int64)
    start = np.arange(n)
    table = {int(start @ radix): int(dfa.initial)}
    frontier = [(start, int(dfa.initial))]
    delta = np.asarray(dfa.delta)
    col = {a: j for j, a in enumerate(dfa.alphabet)}
    imgs = {a: np.asarray(images[a]) for a in alphabet}
    while frontier:
        nxt = []
        for perm, q in frontier:
            for a in alphabet:
                p2 = imgs[a][perm]
                q2 = int(delta[q, col[a]])
                key = int(p2 @ radix)
                if key in table:
                    if table[key] != q2:
                        raise ConstructionError(
                            "the permutations do not represent the DFA: one group element "
                            f"reaches states {table[key]} and {q2}")
                    continue
                table[key] = q2
                if len(table) > MAX_GROUP_ORDER:
                    raise ConstructionError(f"the group has more than {MAX_GROUP_ORDER} elements "
                                            "(budget)")
                nxt.append((p2, q2))
        frontier = nxt
    return table


def construct_householder(language_or_dfa, *, dtype: torch.dtype = torch.float32,
                          family: str = "lrnn_householder",
                          scan: str = "transition",
                          action: Mapping[str, Sequence[int]] | None = None,
                          method: str = "auto") -> HouseholderConstruction:
    """Build the exact one-layer DeltaProduct of a permutation-group word problem (module doc).

    Parameters
    ----------
    language_or_dfa : str, mapping, Language or DFA
        A group name (``Z_m``, ``S_3``, ``D_4``, ``Q_8``, ``A_4``, ``S_4``, ``A_5``, ``S_5``,
        ``word_problem_<g>``), ``{letter: [σ(0), σ(1), ...]}`` (or sympy Permutations), a
        registered language name, a :class:`automata.languages.Language` or a
        :class:`automata.DFA` — of a group language.
    dtype : torch.float32 or torch.float64
    family : "lrnn_householder"
        ``"lrnn_householder_positive"`` is refused (the construction needs β = 2).
    scan : "transition", "delta", "reference" or "chunked"
        How the model runs the recurrence (see :class:`HouseholderLRNN`).
    action : mapping, optional
        ``{letter: images}``: a faithful permutation action of the language's group to build
        on instead of the default one (e.g. :func:`automata.reflections.smallest_action`, which
        needs fewer reflections per token). It is checked to represent the minimal DFA: every
        group element must reach one DFA state, else :class:`ConstructionError`.
    method : "auto", "permutation" or "rotation"
        ``"permutation"``: the transpositions of the letters' permutations (this module);
        ``"rotation"``: a cyclic group as plane rotations, 2 reflections per token
        (:mod:`.householder_rotation`; refused when the group is not cyclic); ``"auto"``
        (default): the rotation when the group is cyclic and it needs strictly fewer
        reflections per token than the permutation construction (``2 < max n − #cycles``),
        else the permutation construction.

    Raises
    ------
    ConstructionRefused
        Not a group language (the message says which letter is not a permutation), or the
        positive-β family.
    ConstructionError
        Bad arguments or a group beyond the budget (``MAX_GROUP_ORDER`` elements,
        ``MAX_POINTS`` points).
    """
    if dtype not in (torch.float32, torch.float64):
        raise ConstructionError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    if family == "lrnn_householder_positive":
        raise ConstructionRefused(REFUSE_POSITIVE)
    if family != "lrnn_householder":
        raise ConstructionError(f"family must be 'lrnn_householder', got {family!r}")
    if method not in METHODS:
        raise ConstructionError(f"method must be one of {list(METHODS)}, got {method!r}")
    name, alphabet, images, dfa, registry = _resolve(language_or_dfa)
    if action is not None:
        if set(map(str, action)) != set(alphabet):
            raise ConstructionError(f"action must give one permutation per letter of {alphabet}")
        images = {a: _as_image(action[a], a) for a in alphabet}
        if len({len(p) for p in images.values()}) != 1:
            raise ConstructionError("the action's permutations must act on the same points")
    n = len(next(iter(images.values())))
    if n > MAX_POINTS:
        raise ConstructionError(f"{n} points exceed the budget of {MAX_POINTS}")
    table = _table(alphabet, images, dfa)
    swaps = {a: transpositions(images[a]) for a in alphabet}
    nh = max(1, max(len(s) for s in swaps.values()))
    if method != "permutation" and (method == "rotation" or nh > 2):
        from automata.reflections import cyclic_powers

        from .householder_rotation import build_rotation

        try:
            cyclic = cyclic_powers([images[a] for a in alphabet], max_order=MAX_GROUP_ORDER)
        except ValueError as e:
            raise ConstructionError(str(e)) from None
        if cyclic is not None:
            return build_rotation(name=name, alphabet=alphabet, images=images, dfa=dfa,
                                  table=table, registry=registry, cyclic=cyclic, dtype=dtype,
                                  scan=scan)
        if method == "rotation":
            raise ConstructionRefused(
                f"{name}: the group of order {len(table)} generated by the letters is not cyclic "
                "(no element has order equal to the group's), so it has no faithful action by "
                "plane rotations (the finite rotation groups of the plane are cyclic); use "
                "method='permutation'")
    K = n + 1
    spare = torch.zeros(K, dtype=torch.float64)
    spare[n] = 1.0
    keys = spare.repeat(len(alphabet) + 1, nh, 1)            # unused steps: reflect e_n
    values = torch.zeros(len(alphabet) + 1, nh, 1, dtype=torch.float64)
    betas = torch.full((len(alphabet) + 1, nh), 2.0, dtype=torch.float64)
    for t, a in enumerate(alphabet):
        for s, (i, j) in enumerate(swaps[a]):
            e = torch.zeros(K, dtype=torch.float64)
            e[i], e[j] = 1.0, -1.0
            keys[t, s] = e / math.sqrt(2.0)
    r = torch.cat([torch.arange(1, n + 1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)])
    keys[-1, 0] = r / r.norm()
    values[-1, 0, 0] = r.norm()
    betas[-1, 0] = 1.0
    model = HouseholderLRNN(keys, values, betas, dtype=dtype, scan=scan)
    info = {"method": "permutation", "points": n, "group_order": len(table),
            "dfa_states": int(dfa.n_states),
            "transpositions": {a: [list(p) for p in swaps[a]] for a in alphabet},
            "bos": "a beginning-of-sequence step (beta = 1, k = r/|r|, v = |r|, r = (1..n, 0)) "
                   "writes the first state; it is prepended inside the model",
            "readout": "rank the n point entries (argsort), map the permutation to the DFA state",
            "components": [{"kind": "householder", "points": n, "n_householder": nh,
                            "group_order": len(table), "beta": [1.0, 2.0]}],
            "renormalization": "none: the ranking is scale-invariant and exact while every entry "
                               "stays within 1/2 of its exact value (see max_state_error)"}
    return HouseholderConstruction(language=name, alphabet=alphabet, permutations=images,
                                   n_points=n, n_householder=nh, model=model, dfa=dfa,
                                   table=table, info=info, registry=registry)
