"""Any regular language → one exact LSTM layer (``torch.nn.LSTM``) with saturated gates.

Minsky 1967 and Omlin and Giles 1996 simulate a DFA with one unit per (state, symbol) pair;
the LSTM form (ours, after Merrill 2019's saturated-gate view): hidden unit ``(q, a)`` is on
(``h ≈ tanh(1) =: v``) iff the DFA is in state ``q`` after reading ``a``; one extra unit is on
only before the first symbol (the initial state, ``h_0``). With weight ``W``:

* forget gate pre-activation ``−W`` (forget), cell input ``g`` pre-activation ``+W`` (``g ≈ 1``),
  output gate ``+W``;
* input gate of unit ``(q', a')``: ``W ([x = a'] + Σ_{u ∈ P} h_u / v − 3/2)`` with ``P`` the
  units of the states ``q`` with ``δ(q, a') = q'``: ``+W/2`` when both hold, ``≤ −W/2``
  otherwise.

Exactly one unit is on at every step and every step re-saturates, so the deviation from the
ideal 0/``v`` values is bounded by a constant of order ``e^{−W/2}`` at every length: no drift.
The readout is ``Σ_{q accepting} h_{(q, ·)} > v/2``.

>>> c = build_lstm("tomita3")
>>> c.layers, c.check(300, 5).accuracy
(1, 1.0)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .base import Construction, gate_list, registry_language, registry_member_sampler
from .errors import ConstructionError
from .groups import _dfa_of
from .modular import sample_uniform_words

__all__ = ["build_lstm", "SaturatedLSTM", "LSTM_WEIGHT"]

LSTM_WEIGHT = 20.0
_V = math.tanh(1.0)


class SaturatedLSTM(nn.Module):
    """``nn.LSTM`` (one layer) with the hand-set weights, a one-hot embedding, ``h_0`` and the
    membership readout; ``forward(tokens (B, T)) -> bool (B, T)``."""

    def __init__(self, lstm: nn.LSTM, h0: torch.Tensor, accept: torch.Tensor, n_symbols: int):
        super().__init__()
        self.lstm = lstm
        self.register_buffer("h0", h0)
        self.register_buffer("accept", accept)
        self.n_symbols = n_symbols
        self.layers = [self]                  # Construction.dtype reads layers[0].dtype

    @property
    def dtype(self) -> torch.dtype:
        return self.lstm.weight_ih_l0.dtype

    @torch.no_grad()
    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = torch.nn.functional.one_hot(tokens.long(), self.n_symbols).to(self.dtype)
        B = tokens.shape[0]
        h0 = self.h0.to(self.dtype).expand(1, B, -1).contiguous()
        c0 = torch.zeros_like(h0)
        h, _ = self.lstm(x, (h0, c0))
        return (h @ self.accept.to(self.dtype)) > _V / 2


@dataclass(frozen=True)
class _Units:
    pairs: list
    index: dict


def build_lstm(language_or_dfa, *, dtype: torch.dtype = torch.float32,
               weight: float = LSTM_WEIGHT) -> Construction:
    """The one-layer saturated LSTM of a regular language (module docstring); output prefix
    membership."""
    if dtype not in (torch.float32, torch.float64):
        raise ConstructionError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    if not weight >= 8.0:
        raise ConstructionError(f"weight must be >= 8 (saturation), got {weight}")
    name, dfa, lang = _dfa_of(language_or_dfa)
    n, V = dfa.n_states, dfa.n_symbols
    pairs = sorted({(int(dfa.delta[q, a]), a) for q in range(n) for a in range(V)})
    units = _Units(pairs + [("start", None)], {})
    units.index.update({u: i for i, u in enumerate(units.pairs)})
    H = len(units.pairs)
    start = H - 1
    W = float(weight)
    w_ih = torch.zeros(4 * H, V, dtype=torch.float64)
    w_hh = torch.zeros(4 * H, H, dtype=torch.float64)
    bias = torch.zeros(4 * H, dtype=torch.float64)
    by_state: dict[int, list[int]] = {}
    for i, (q, a) in enumerate(pairs):
        by_state.setdefault(q, []).append(i)
    for i, (q2, a2) in enumerate(pairs):
        w_ih[i, a2] = W
        bias[i] = -1.5 * W
        for q in range(n):
            if int(dfa.delta[q, a2]) == q2:
                for u in by_state.get(q, []):
                    w_hh[i, u] = W / _V
                if q == dfa.initial:
                    w_hh[i, start] = W / _V
    bias[start] = -1.5 * W                       # the start unit never turns on again
    bias[H:2 * H] = -W                           # forget gates
    bias[2 * H:3 * H] = W                        # cell inputs g
    bias[3 * H:] = W                             # output gates
    lstm = nn.LSTM(V, H, num_layers=1, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(w_ih)
        lstm.weight_hh_l0.copy_(w_hh)
        lstm.bias_ih_l0.copy_(bias)
        lstm.bias_hh_l0.zero_()
    lstm = lstm.to(dtype)
    h0 = torch.zeros(H, dtype=torch.float64)
    h0[start] = _V
    accept = torch.tensor([1.0 if q != "start" and dfa.accepting_mask[q] else 0.0
                           for q, _ in units.pairs], dtype=torch.float64)
    model = SaturatedLSTM(lstm, h0, accept, V)
    reg = lang if lang is not None and lang.kind == "regular" else registry_language(name, dfa.alphabet)
    sig = 1.0 / (1.0 + math.exp(W / 2))
    return Construction(
        name="lstm", language=name, alphabet=tuple(dfa.alphabet), layers=1, width=H,
        layer_widths=(H,), gates=tuple(gate_list([round(sig, 12), 1.0 - round(sig, 12)])),
        model=model, output="membership of every prefix (bool)",
        theorem="Minsky 1967; Omlin and Giles 1996; Merrill 2019: one recurrent layer with a unit "
                "per (state, symbol) pair and saturated gates simulates a DFA",
        reference=lambda w: dfa.accepting_mask[np.asarray(dfa.trace(w))[1:]],
        sampler=registry_member_sampler(reg) if reg is not None else
        (lambda length, k, seed: sample_uniform_words(dfa.alphabet, length, k, seed)),
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.membership, dtype=bool),
        info={"weight": W, "units": H, "dfa_states": n,
              "gates_note": "sigmoid gates saturated at σ(±W/2) or beyond; reported: σ(−W/2), "
                            "1 − σ(−W/2)"})
