"""Cyclic group languages as one DeltaProduct layer of two Householder reflections per token.

A cyclic group ``Z_m`` acts faithfully on the plane by rotations (``g^k`` ↦ rotation by
``2πk/m``), and a plane rotation is the product of two reflections: the reflection across the
line at angle ``γ`` is ``R(γ) = I − 2 n nᵀ`` with unit normal ``n = (−sin γ, cos γ)``, and
``R(γ₂) R(γ₁)`` is the rotation by ``2(γ₂ − γ₁)`` (each reflection reverses orientation and
maps the line at ``γ₁`` to itself; the composite fixes no line and turns the first mirror by
twice the angle between the mirrors). With ``β = 2`` and ``v = 0`` each factor is one
generalized Householder step of the delta rule ``S ← S + β k (v − kᵀ S)`` (Grazzi et al. ICLR
2025; Siems et al. 2025, DeltaProduct), so a one-layer DeltaProduct with ``n_h = 2`` runs
``Z_m`` exactly for every ``m`` — where the permutation construction of
:mod:`.householder` needs ``m − 1`` reflections per token (an ``m``-cycle is ``m − 1``
transpositions). This is the construction behind :func:`automata.reflections.reflections_per_token`'s
count of 2 for a cyclic group.

The construction (state ``S`` of shape ``(K, V) = (2, 1)``, one head; the tables of
:class:`~ssm.constructions.householder.HouseholderLRNN`):

* **Writing the first state.** The beginning-of-sequence step (token id ``len(alphabet)``,
  prepended inside the model) has ``β = 1``, ``k = e₀``, ``v = 1``, which writes the unit
  vector ``S = e₀`` (angle 0); its second step is the reflection across the x-axis
  (``k = e₁``, ``β = 2``), which fixes ``e₀`` exactly.
* **Letters.** A letter acting as ``g^k`` (``g`` a generator found from the letters'
  permutations, :func:`automata.reflections.cyclic_powers`) has the two steps ``k₁ = e₁``
  (``γ₁ = 0``) and ``k₂ = (−sin(πk/m), cos(πk/m))`` (``γ₂ = πk/m``), ``β = 2``, ``v = 0``:
  the rotation by ``2πk/m``. The identity letter (``k = 0``) gets ``k₂ = k₁ = e₁``, the
  x-axis reflection twice, which is the identity exactly in floating point (its entries are
  ±1, 0). Every β is 1 (once, at BOS) or 2.
* **Readout φ.** After a word with exponent sum ``K`` the state is ``(cos 2πK/m, sin 2πK/m)``.
  φ takes its angle (``atan2``), rounds ``angle · m / 2π`` to the nearest integer mod ``m``,
  and maps that group element to the minimal-DFA state through a table (the permutation
  construction's table, so the representation is checked against the DFA). φ is invariant to
  the state's norm and correct while the angle error stays below ``π/m``; reflections are
  orthogonal, so the norm drifts only by rounding and no renormalization is applied.
  :meth:`RotationHouseholderConstruction.check` reports the largest angle error
  (``max_angle_error``, beside the tolerance ``angle_tolerance = π/m``), the largest entry
  error (``max_state_error``) and norm drift (``max_norm_drift``);
  :func:`first_failure` searches for the first length at which φ is wrong (figures in
  ``docs/constructions.md``).

Build it with :func:`ssm.constructions.householder.construct_householder` (``method="rotation"``,
or ``"auto"``, the default, which takes it whenever it needs fewer reflections than the
permutation construction).

>>> from ssm.constructions.householder import construct_householder
>>> c = construct_householder("Z_7")
>>> c.info["method"], c.n_householder, c.width, c.order
('rotation', 2, 2, 7)
>>> r = c.check(10_000, 2, seed=0)
>>> r.accuracy, r.max_angle_error < r.angle_tolerance
(1.0, True)
>>> construct_householder("Z_7", method="permutation").n_householder
6
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import torch

from .base import encode_words
from .errors import ConstructionError
from .householder import (MAX_CHECK_STEPS, HouseholderCheckResult, HouseholderConstruction,
                          HouseholderLRNN)

__all__ = ["RotationHouseholderConstruction", "rotation_tables", "build_rotation",
           "first_failure", "THEOREM_ROTATION", "MAX_DRIFT_STEPS"]

THEOREM_ROTATION = (
    "Grazzi et al. 2025 (ICLR), 'Unlocking State-Tracking in Linear RNNs Through Negative "
    "Eigenvalues'; Siems et al. 2025, DeltaProduct: two Householder reflections (β = 2) whose "
    "mirror lines are πk/m apart compose to the plane rotation by 2πk/m, so one layer with "
    "n_h = 2 tracks any cyclic group Z_m")
MAX_DRIFT_STEPS = 50_000_000


def rotation_tables(powers: Sequence[int], m: int) -> tuple[torch.Tensor, ...]:
    """``keys (n + 1, 2, 2)``, ``values (n + 1, 2, 1)``, ``betas (n + 1, 2)`` (float64) for
    letters acting as ``g^powers[i]``, the last row the BOS step (module docstring).

    >>> keys, values, betas = rotation_tables([1], 4)        # a quarter turn
    >>> A = torch.eye(2, dtype=torch.float64)
    >>> for k in keys[0]:
    ...     A = (torch.eye(2, dtype=torch.float64) - 2 * torch.outer(k, k)) @ A
    >>> A.round(decimals=12) + 0.0
    tensor([[ 0., -1.],
            [ 1.,  0.]], dtype=torch.float64)
    """
    n = len(powers)
    keys = torch.zeros(n + 1, 2, 2, dtype=torch.float64)
    keys[:, :, 1] = 1.0                                        # e₁: the x-axis reflection
    values = torch.zeros(n + 1, 2, 1, dtype=torch.float64)
    betas = torch.full((n + 1, 2), 2.0, dtype=torch.float64)
    for i, k in enumerate(powers):
        k = int(k) % m
        if k:
            gamma = math.pi * k / m                            # mirrors γ₁ = 0, γ₂ = πk/m
            keys[i, 1, 0], keys[i, 1, 1] = -math.sin(gamma), math.cos(gamma)
    keys[n, 0] = torch.tensor([1.0, 0.0], dtype=torch.float64)   # BOS: write e₀ ...
    values[n, 0, 0] = 1.0
    betas[n, 0] = 1.0                                              # ... then reflect (fixes e₀)
    return keys, values, betas


def _wrap(x: np.ndarray) -> np.ndarray:
    """Angles into [−π, π)."""
    return np.mod(x + np.pi, 2 * np.pi) - np.pi


@dataclass(frozen=True)
class RotationHouseholderConstruction(HouseholderConstruction):
    """The built rotation construction (module doc): a :class:`HouseholderConstruction` whose
    state is a unit vector of the plane; ``table`` maps the exponent ``k`` of ``g^k`` to the
    minimal-DFA state, ``powers`` each letter's exponent, ``generator`` the images of ``g``."""

    order: int = 1
    powers: dict = field(default_factory=dict)
    generator: tuple = ()
    name: str = "householder_rotation"
    theorem: str = THEOREM_ROTATION

    @property
    def width(self) -> int:
        """State size ``K · V = 2`` (the plane)."""
        return 2

    @property
    def layer_widths(self) -> tuple:
        return (2,)

    @property
    def angle_tolerance(self) -> float:
        """φ is right while the angle error is below ``π/m``."""
        return math.pi / self.order

    @property
    def gates(self) -> dict:
        return {"beta": [1.0, 2.0], "householder_eigenvalues": [-1.0, 1.0],
                "n_householder": self.n_householder, "beta_1_only_at_bos": True,
                "method": "rotation",
                "rotation_angles": {a: f"2π·{self.powers[a]}/{self.order}" for a in self.alphabet}}

    def readout(self, state: np.ndarray) -> np.ndarray:
        """φ: states ``(..., 2)`` → DFA states (round the angle to a multiple of ``2π/m``);
        −1 where the state is 0 or not finite."""
        state = np.asarray(state, dtype=np.float64)
        x, y = state[..., 0], state[..., 1]
        k = np.mod(np.rint(np.arctan2(y, x) * (self.order / (2 * np.pi))), self.order)
        ok = np.isfinite(x) & np.isfinite(y) & ((x != 0) | (y != 0))
        _, vals = self.info_table()
        return np.where(ok, vals[np.where(ok, k, 0).astype(np.int64)], -1)

    def _trace(self, X: np.ndarray):
        """For token arrays ``X (N, T)``: the DFA's states, the definition's states (exponent
        sums mod ``m``, then the table) and the exponent sums ``(N, T)``."""
        N, T = X.shape
        pw = np.array([self.powers[a] for a in self.alphabet], dtype=np.int64)
        expo = np.mod(np.cumsum(pw[X], axis=1), self.order) if T else np.zeros((N, 0), np.int64)
        delta = np.asarray(self.dfa.delta)
        col = np.array([list(self.dfa.alphabet).index(a) for a in self.alphabet])
        q = np.full(N, int(self.dfa.initial))
        dfa_states = np.empty((N, T), dtype=np.int64)
        for t in range(T):
            q = delta[q, col[X[:, t]]]
            dfa_states[:, t] = q
        _, vals = self.info_table()
        return dfa_states, vals[expo], expo

    def exact_state(self, word) -> np.ndarray:
        """The exact state after every prefix: ``(cos 2πK/m, sin 2πK/m)``."""
        expo = self._trace(encode_words([word], self.alphabet)[0][None])[2][0]
        ang = 2 * np.pi * expo / self.order
        return np.stack([np.cos(ang), np.sin(ang)], axis=-1)

    def _errors(self, st: np.ndarray, expo: np.ndarray) -> dict[str, float]:
        """The largest angle error, |entry error| and |‖S‖ − 1| over states ``st (N, T, 2)``,
        against the exponent sums ``expo`` of :meth:`_trace`."""
        ang = 2 * np.pi * expo / self.order
        angle_err = np.abs(_wrap(np.arctan2(st[..., 1], st[..., 0]) - ang))
        exact = np.stack([np.cos(ang), np.sin(ang)], axis=-1)
        return {"max_angle_error": float(angle_err.max(initial=0.0)),
                "max_state_error": float(np.abs(st - exact).max(initial=0.0)),
                "max_norm_drift": float(np.abs(np.hypot(st[..., 0], st[..., 1]) - 1).max(initial=0.0))}

    def _check_extras(self) -> dict[str, Any]:
        return {"angle_tolerance": self.angle_tolerance}

    def describe(self) -> str:
        """A few lines for people."""
        lines = [f"{self.language}: 1 DeltaProduct layer, 1 head, state 2 x 1, n_h = 2 "
                 "Householder steps per token (a plane rotation = 2 reflections, beta = 2; "
                 "beta = 1 once, at BOS)",
                 f"cyclic group of order {self.order} (generator {list(self.generator)}); "
                 f"minimal DFA with {self.info['dfa_states']} states; readout: the angle "
                 f"rounded to a multiple of 2π/{self.order} (tolerance π/{self.order})"]
        for a in self.alphabet:
            k = self.powers[a]
            lines.append(f"  {a!r}: g^{k} = rotation by 2π·{k}/{self.order} = reflection "
                         f"across the line at 0, then across the line at π·{k}/{self.order}")
        lines.append(f"theorem: {self.theorem}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update({"method": "rotation", "order": self.order,
                  "powers": {a: int(k) for a, k in self.powers.items()},
                  "generator": [int(x) for x in self.generator]})
        return d


def build_rotation(*, name, alphabet, images, dfa, table, registry, cyclic, dtype, scan
                   ) -> RotationHouseholderConstruction:
    """The rotation construction from :func:`~.householder.construct_householder`'s resolved
    inputs: ``table`` (permutation key → DFA state) and ``cyclic = (m, g, powers)`` from
    :func:`automata.reflections.cyclic_powers` on the letters' ``images``."""
    m, gen, powers = cyclic
    n = len(gen)
    radix = n ** np.arange(n, dtype=np.int64)
    ktable, x = {}, np.arange(n)
    for k in range(m):                           # g^k -> the DFA state it reaches
        ktable[k] = table[int(x @ radix)]
        x = np.asarray(gen)[x]
    keys, values, betas = rotation_tables(powers, m)
    model = HouseholderLRNN(keys, values, betas, dtype=dtype, scan=scan)
    pw = {a: int(k) for a, k in zip(alphabet, powers)}
    info = {"method": "rotation", "points": n, "group_order": m, "dfa_states": int(dfa.n_states),
            "powers": pw,
            "bos": "a beginning-of-sequence step (beta = 1, k = e0, v = 1) writes the unit vector "
                   "e0; its second step, the x-axis reflection, fixes it; prepended inside the model",
            "readout": f"the angle of the state (atan2) rounded to a multiple of 2π/{m}, mapped "
                       "to the DFA state; correct while the angle error < π/m",
            "components": [{"kind": "householder_rotation", "group_order": m, "n_householder": 2,
                            "beta": [1.0, 2.0]}],
            "renormalization": "none: the angle readout is scale-invariant and the factors are "
                               "orthogonal, so the norm drifts only by rounding (see "
                               "max_norm_drift)"}
    return RotationHouseholderConstruction(
        language=name, alphabet=alphabet, permutations=images, n_points=n, n_householder=2,
        model=model, dfa=dfa, table=ktable, info=info, registry=registry, order=m, powers=pw,
        generator=tuple(int(v) for v in gen))


@torch.no_grad()
def first_failure(c: RotationHouseholderConstruction, max_length: int, *, n_random: int = 4,
                  seed: int = 0) -> dict:
    """Search for the first length at which φ is wrong, up to ``max_length`` steps.

    Runs the model (its own scan and dtype) on one word per letter that moves the state (the
    letter repeated: its rounding never averages out) and ``n_random`` uniform words, all of
    ``max_length``. Returns ``{"first_failure": position (1-based) or None, "word": which,
    "max_angle_error", "angle_tolerance", "max_norm_drift", "steps", "seconds"}``.
    """
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1 \
            or n_random < 0:
        raise ConstructionError(f"need max_length >= 1 and n_random >= 0, got {max_length}, "
                                f"{n_random}")
    movers = [a for a in c.alphabet if c.powers[a] % c.order]
    rows = len(movers) + n_random
    if rows == 0:
        raise ConstructionError("no letter moves the state: nothing to measure")
    if rows * max_length * 2 > MAX_DRIFT_STEPS:
        raise ConstructionError(f"{rows} words of length {max_length} exceed the budget of "
                                f"{MAX_DRIFT_STEPS:.0e} Householder steps")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    idx = {a: i for i, a in enumerate(c.alphabet)}
    X = np.empty((rows, max_length), dtype=np.int64)
    for r, a in enumerate(movers):
        X[r] = idx[a]
    X[len(movers):] = rng.integers(0, len(c.alphabet), size=(n_random, max_length))
    st = c.model(torch.from_numpy(X)).cpu().numpy().astype(np.float64)
    pred = c.readout(st)
    _, defn, expo = c._trace(X)
    errs = c._errors(st, expo)
    a_err, n_err = errs["max_angle_error"], errs["max_norm_drift"]
    bad = pred != defn
    first, which = None, None
    if bad.any():
        pos = np.where(bad.any(axis=1), bad.argmax(axis=1), max_length)
        r = int(pos.argmin())
        first = int(pos[r]) + 1
        which = f"{movers[r]!r} repeated" if r < len(movers) else f"uniform word {r - len(movers)}"
    return {"language": c.language, "order": c.order, "dtype": str(c.dtype).replace("torch.", ""),
            "scan": c.model.scan, "max_length": max_length, "words": rows,
            "first_failure": first, "word": which, "max_angle_error": a_err,
            "angle_tolerance": c.angle_tolerance, "max_norm_drift": n_err,
            "steps": rows * max_length * 2, "seconds": round(time.perf_counter() - t0, 2)}
