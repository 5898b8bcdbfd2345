"""Parity and counting mod m: one layer with a signed (−1) or complex (e^{2πi/m}) gate, and the
numerical form of the argument that no non-negative gate can do it.

Language ``mod_m``: words over ``alphabet`` whose weighted symbol count
``Σ_t weight(x_t)`` is ``≡ residue (mod m)``. Defaults: alphabet ``("0", "1")``, weight 1 for
``"1"`` and 0 otherwise, residue 0 — so ``m = 2`` is PARITY (an even number of 1s) and
``weights={"0": 1, "1": -1}, m=3`` is Tomita 6. The model outputs the membership of every prefix.

Weights
-------
* signed (``m = 2``; Grazzi et al. 2025): one channel, ``h ∈ {0, 1}`` the parity of the weighted
  count. A symbol of odd weight has gate −1 and ``b = 1`` (``h ↦ 1 − h``), others gate 1 and
  ``b = 0``. Every state is exactly 0 or 1.
* complex (any ``m``; Shakerinava et al. 2026 for abelian groups): one channel, ``h_t = 1 − ω^{k_t}``
  with ``ω = e^{2πi/m}`` and ``k_t`` the count so far: a symbol of weight ``w`` has gate ``ω^w``
  and ``b = 1 − ω^w`` (a rotation about the point 1, starting at 0). φ reads
  ``k = round(arg(1 − h) · m / 2π) mod m``; rounding errors must reach ``π/m`` in angle to matter.

Non-negative gates are refused (Sarrof et al. 2024): on ``1^T`` a non-negative gate makes the
state monotone and, in finite precision, eventually constant, so no position-wise readout can
alternate; :func:`nonnegative_parity_demo` runs this argument numerically.

>>> build_modular(2).predict(["1101"])[0].tolist()
[False, True, True, False]
>>> build_modular(3, gate="complex").predict(["111111"])[0].tolist()
[False, False, True, False, False, True]
"""
from __future__ import annotations

import cmath
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import torch

from automata import DFA
from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import (Construction, encode_words, gate_list, registry_language,
                   registry_member_sampler)
from .errors import ConstructionError, ConstructionRefused

__all__ = ["build_modular", "build_parity", "modular_reference", "sample_uniform_words",
           "nonnegative_parity_demo", "modular_dfa", "NonnegativeParityDemo", "REFUSAL_NONNEGATIVE",
           "REFUSAL_SIGNED"]

REFUSAL_NONNEGATIVE = (
    "no SSM with non-negative gates recognizes {lang} at every length in finite precision "
    "(Sarrof et al. 2024, Theorem on PARITY / star-free languages: its syntactic monoid contains "
    "the group Z_{m}, so it is not star-free; on 1^T a non-negative gate makes the state "
    "converge, so the readout cannot alternate); use gate='{alt}'")
REFUSAL_SIGNED = (
    "real diagonal gates cannot count mod {m} in one layer: a real gate in [-1, 1] only realizes "
    "Z_2 (Grazzi et al. 2025 show mod 3 is impossible for diagonal real gates; for m = 2^k > 2 a "
    "cascade of signed layers would be needed and is not built here); use gate='complex'")


def _weights(alphabet: tuple, weights: Mapping[str, int] | None, m: int) -> np.ndarray:
    if weights is None:
        if "1" not in alphabet:
            raise ConstructionError("give weights= when the alphabet has no '1'")
        weights = {"1": 1}
    unknown = sorted(set(weights) - set(alphabet))
    if unknown:
        raise ConstructionError(f"weights name symbols {unknown} outside the alphabet {list(alphabet)}")
    return np.array([int(weights.get(s, 0)) % m for s in alphabet], dtype=np.int64)


def modular_reference(word, alphabet: Sequence[str], w: np.ndarray, m: int, residue: int) -> np.ndarray:
    """Membership of every prefix: ``Σ weight ≡ residue (mod m)`` (exact integers)."""
    x = encode_words([word], alphabet)[0]
    return (np.cumsum(w[x]) % m) == residue


def modular_dfa(m: int, alphabet: Sequence[str], w: np.ndarray, residue: int) -> DFA:
    """The ``m``-state DFA of ``Σ weight ≡ residue (mod m)`` (state = the count mod ``m``)."""
    delta = (np.arange(m)[:, None] + w[None, :]) % m
    return DFA(alphabet, delta, 0, {residue})


def sample_uniform_words(alphabet: Sequence[str], length: int, n: int, seed: int) -> list:
    """``n`` uniformly random words of ``length`` (strings when every symbol is one character)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(alphabet), size=(n, length))
    if all(len(s) == 1 for s in alphabet):
        table = np.array(list(alphabet))
        return ["".join(row) for row in table[idx]]
    return [[alphabet[i] for i in row] for row in idx]


def build_modular(m: int = 3, *, gate: str | None = None, alphabet: Sequence[str] = ("0", "1"),
                  weights: Mapping[str, int] | None = None, residue: int = 0,
                  language: str | None = None, dtype: torch.dtype = torch.float32) -> Construction:
    """One-layer model of ``Σ weight(x_t) ≡ residue (mod m)`` for every prefix.

    ``gate``: ``"signed"`` (only ``m = 2``; the default there), ``"complex"`` (default for
    ``m > 2``) or ``"nonnegative"`` (always refused with the theorem's reason). The reference
    labels come from the language's DFA (``m`` states, :class:`automata.DFA`), run by
    ``DFA.trace``.
    """
    if not isinstance(m, int) or m < 2:
        raise ConstructionError(f"m must be an integer >= 2, got {m!r}")
    alphabet = tuple(alphabet)
    if len(set(alphabet)) != len(alphabet) or not alphabet:
        raise ConstructionError(f"bad alphabet {list(alphabet)}")
    w = _weights(alphabet, weights, m)
    residue = int(residue) % m
    lang = "parity" if (m == 2 and weights is None and alphabet == ("0", "1") and residue == 0) \
        else f"mod{m}"
    lang = language or lang
    gate = gate or ("signed" if m == 2 else "complex")
    if gate == "nonnegative":
        raise ConstructionRefused(REFUSAL_NONNEGATIVE.format(
            lang="PARITY" if m == 2 else f"counting mod {m}", m=m,
            alt="signed" if m == 2 else "complex"))
    if gate == "signed":
        if m != 2:
            raise ConstructionRefused(REFUSAL_SIGNED.format(m=m))
        odd = torch.tensor((w % 2).astype(np.float64))[:, None]
        a, b = 1.0 - 2.0 * odd, odd.clone()

        def phi(h, x):
            return (h[..., 0].real > 0.5).long() == residue
        theorem = ("Grazzi et al. 2025 / Sarrof et al. 2024: a gate of -1 solves PARITY in one "
                   "channel (states exactly 0/1, exact at every length)")
    elif gate == "complex":
        ks = torch.tensor(w, dtype=torch.float64)
        omega = torch.polar(torch.ones_like(ks), 2 * math.pi * ks / m)
        a = omega[:, None]
        b = (1 - omega)[:, None]

        def phi(h, x):
            ang = torch.angle(1 - h[..., 0])
            k = torch.remainder(torch.round(ang * (m / (2 * math.pi))).long(), m)
            return k == residue
        theorem = ("Shakerinava et al. 2026 / Sarrof et al. 2024: a complex gate e^{2πi/m} tracks "
                   "Z_m in one channel")
    else:
        raise ConstructionError(f"gate must be 'signed', 'complex' or 'nonnegative', got {gate!r}")
    layer = DiagonalSSMLayer(a, b, phi, dtype=dtype, name=f"Z_{m} counter")
    dfa = modular_dfa(m, alphabet, w, residue)
    reg = registry_language(lang, alphabet)
    if reg is not None and reg.dfa is not None and not reg.dfa == dfa:
        reg = None                              # same name, different language: do not use it
    model = DiagonalSSM([layer])
    gates = gate_list(layer.gate_values()) if gate == "signed" else \
        gate_list(cmath.exp(2j * math.pi * int(k) / m) for k in sorted(set(w.tolist())))
    return Construction(
        name="parity" if lang == "parity" else "mod", language=lang, alphabet=alphabet, layers=1,
        width=1, layer_widths=(1,), gates=tuple(gates), model=model,
        output="membership of every prefix (bool)", theorem=theorem,
        reference=lambda word: dfa.accepting_mask[np.asarray(dfa.trace(word))[1:]],
        sampler=registry_member_sampler(reg) if reg is not None and reg.kind == "regular" else
        (lambda length, n, seed: sample_uniform_words(alphabet, length, n, seed)),
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.membership, dtype=bool),
        info={"m": m, "gate": gate, "weights": {s: int(v) for s, v in zip(alphabet, w)},
              "residue": residue})


def build_parity(*, gate: str = "signed", dtype: torch.dtype = torch.float32) -> Construction:
    """PARITY (an even number of 1s over {0, 1}); ``gate='nonnegative'`` is refused."""
    return build_modular(2, gate=gate, dtype=dtype)


# ---------------------------------------------------------------------- the impossibility, run
@dataclass(frozen=True)
class NonnegativeParityDemo:
    """Result of :func:`nonnegative_parity_demo`.

    ``single_layer`` rows: one gate ``a`` (the gate of the token 1) and input ``b``, with
    ``|h_{t+1} - h_t|`` at the checkpoints, ``sign_changes`` of ``h_{t+1} - h_t`` over the run
    (0 for every non-negative gate: the state is monotone) and ``constant_from`` (the first ``t``
    after which the float state never changes again, ``None`` if not within the run).
    ``random_stacks``: random multi-layer non-negative stacks with continuous readouts; per
    setting the largest ``|z_{t+1} - z_t|`` of the final output at the checkpoints and whether a
    threshold readout still alternates over the last positions. ``signed_control``: the same
    measurement for the gate −1, which alternates forever.
    """

    T: int
    checkpoints: tuple
    dtype: str
    single_layer: list = field(default_factory=list)
    random_stacks: list = field(default_factory=list)
    signed_control: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _run_unary(layer: DiagonalSSMLayer, T: int) -> np.ndarray:
    return layer.states(torch.ones(1, T, dtype=torch.long))[0].numpy()


def nonnegative_parity_demo(T: int = 2000, n_random: int = 20, layers: int = 2, d_state: int = 4,
                            seed: int = 0, dtype: torch.dtype = torch.float32,
                            gates: Sequence[float] = (0.0, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01),
                            inputs: Sequence[float] = (-1.0, 0.5, 1.0)) -> NonnegativeParityDemo:
    """Run Sarrof et al.'s PARITY argument on ``1^T``: non-negative gates never alternate.

    For a fixed token the recurrence is ``h_t = a h_{t-1} + b``, so
    ``h_{t+1} − h_t = a^t (h_1 − h_0)``: with ``a ≥ 0`` the differences never change sign and
    vanish when ``a < 1``; in finite precision the state then stops changing altogether (``a = 1``
    stops at ``2^24 |b|`` in float32; ``a > 1`` overflows to ±inf). A stack feeds each layer an
    input that converges, so every layer converges in turn, and the readout at the last positions
    is constant — while PARITY of ``1^t`` alternates.
    """
    if T < 10:
        raise ConstructionError(f"T must be >= 10, got {T}")
    cps = tuple(c for c in (10, 100, 1000, 10_000, 100_000) if c < T) + (T - 1,)
    rows = []
    for a in gates:
        if a < 0:
            raise ConstructionError(f"gate {a} is negative; this demo is about non-negative gates")
        for b in inputs:
            layer = DiagonalSSMLayer(torch.tensor([[1.0], [a]]), torch.tensor([[0.0], [b]]),
                                     dtype=dtype)
            h = _run_unary(layer, T)[:, 0].astype(np.float64)
            d = np.diff(h)
            with np.errstate(invalid="ignore"):
                s = np.sign(d[np.isfinite(d)])
            s = s[s != 0]
            changed = np.nonzero(h[1:] != h[:-1])[0]
            rows.append({"a": a, "b": b,
                         "abs_diff": {int(c): float(abs(d[c - 1])) for c in cps},
                         "sign_changes": int(np.count_nonzero(s[1:] != s[:-1])),
                         "constant_from": None if len(changed) and changed[-1] == T - 2
                         else (int(changed[-1]) + 2 if len(changed) else 1)})
    rng = np.random.default_rng(seed)
    stacks = []
    for k in range(n_random):
        lay = []
        for ell in range(layers):
            if ell == 0:
                a_tab = torch.tensor(np.stack([np.ones(d_state), rng.uniform(0, 1, d_state)]))
                b_tab = torch.tensor(np.stack([np.zeros(d_state), rng.normal(size=d_state)]))
                W, c = (torch.tensor(rng.normal(size=(d_state, d_state))),
                        torch.tensor(rng.normal(size=d_state)))
                lay.append(DiagonalSSMLayer(a_tab, b_tab,
                                            (lambda W, c: lambda h, x: torch.tanh(h @ W.to(h.dtype) + c.to(h.dtype)))(W, c),
                                            dtype=dtype, d_state=d_state))
            else:
                Wa, Wb, W = (torch.tensor(rng.normal(size=(d_state, d_state))) for _ in range(3))
                c = torch.tensor(rng.normal(size=d_state))
                lay.append(DiagonalSSMLayer(
                    (lambda Wa: lambda z: torch.sigmoid(z @ Wa.to(z.dtype)))(Wa),  # gates in (0, 1)
                    (lambda Wb: lambda z: z @ Wb.to(z.dtype))(Wb),
                    (lambda W, c: lambda h, x: torch.tanh(h @ W.to(h.dtype) + c.to(h.dtype)))(W, c),
                    dtype=dtype, d_state=d_state))
        model = DiagonalSSM(lay)
        with torch.no_grad():
            z = model(torch.ones(1, T, dtype=torch.long))[0].numpy().astype(np.float64)
        dz = np.abs(np.diff(z, axis=0)).max(axis=1)
        u = rng.normal(size=d_state)
        pred = (z @ u) > 0          # one threshold readout "is the prefix in PARITY?"
        tail = pred[-50:]
        stacks.append({"setting": k, "abs_diff": {int(c): float(dz[c - 1]) for c in cps},
                       "readout_alternates_in_last_50": bool((tail[1:] != tail[:-1]).all()),
                       "readout_changes_in_last_50": int((tail[1:] != tail[:-1]).sum())})
    signed = DiagonalSSMLayer(torch.tensor([[1.0], [-1.0]]), torch.tensor([[0.0], [1.0]]), dtype=dtype)
    hs = _run_unary(signed, T)[:, 0]
    ds = np.diff(hs)
    control = {"a": -1.0, "b": 1.0, "abs_diff": {int(c): float(abs(ds[c - 1])) for c in cps},
               "sign_changes": int(np.count_nonzero(np.sign(ds[1:]) != np.sign(ds[:-1])))}
    below_one = [r for r in rows if r["a"] < 1]
    summary = {
        "max_sign_changes_nonnegative": max(r["sign_changes"] for r in rows),
        "max_final_abs_diff_gate_below_1": max(r["abs_diff"][T - 1] for r in below_one),
        "max_final_abs_diff_random_stacks": max((s["abs_diff"][T - 1] for s in stacks), default=0.0),
        "random_stacks_alternating_readout": sum(s["readout_alternates_in_last_50"] for s in stacks),
        "signed_sign_changes": control["sign_changes"],
    }
    return NonnegativeParityDemo(T=T, checkpoints=cps, dtype=str(dtype).replace("torch.", ""),
                                 single_layer=rows, random_stacks=stacks, signed_control=control,
                                 summary=summary)
