"""Flip-flop (Liu et al. 2023) with two non-negative layers (Sarrof et al. 2024, flip-flop theorem).

Words are instruction/bit pairs over ``("w", "r", "i", "0", "1")``: ``w b`` writes ``b``, ``r b``
reads (``b`` must be the last written bit), ``i b`` ignores. At every ``r`` the model outputs the
bit that must follow (the last written bit; 0 before any write); elsewhere it outputs ``-1``.

Weights (gates in {0, 1}, inputs in {0, 1}):

* layer 1 (width 1) remembers the last *instruction*: on ``w``/``r``/``i`` the gate is 0 and
  ``b = [x = w]``; on a bit the gate is 1 and ``b = 0``. So at a bit position ``h = 1`` iff the
  bit was written. φ emits a token for layer 2: the instruction itself, or
  ``(bit, written?)`` at a bit.
* layer 2 (width 1) remembers the last written bit: on a written bit the gate is 0 and ``b`` is
  the bit; otherwise the gate is 1 and ``b = 0``. φ outputs ``[h > 1/2]`` at ``r`` and ``-1``
  elsewhere.

Every state is exactly 0 or 1, so the construction is exact at every length in any precision.

>>> c = build_flip_flop()
>>> c.predict(["w1i0r1w0r0"])[0].tolist()
[-1, -1, -1, -1, 1, -1, -1, -1, 0, -1]
"""
from __future__ import annotations

import numpy as np
import torch

from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import Construction, encode_words, gate_list, registry_language
from .errors import ConstructionError

__all__ = ["build_flip_flop", "flip_flop_reference", "sample_flip_flop", "ALPHABET"]

ALPHABET = ("w", "r", "i", "0", "1")
W, R, I, B0, B1 = range(5)


def flip_flop_reference(word) -> np.ndarray:
    """The bit after every read (``-1`` at other positions), from the definition."""
    x = encode_words([word], ALPHABET)[0]
    out = np.full(len(x), -1, dtype=np.int64)
    last = 0
    for t, s in enumerate(x):
        if s in (B0, B1) and t > 0 and x[t - 1] == W:
            last = int(s == B1)
        if s == R:
            out[t] = last
    return out


def flip_flop_from_labels(labels, word) -> np.ndarray:
    """The bit after every read from the automaton's ``next_allowed`` (``-2`` if not exactly one
    bit is allowed there), ``-1`` elsewhere."""
    nxt = np.asarray(labels.next_allowed)
    out = np.full(len(word), -1, dtype=np.int64)
    for t, s in enumerate(word):
        if s == "r":
            zero, one = bool(nxt[t, B0]), bool(nxt[t, B1])
            out[t] = 0 if zero and not one else 1 if one and not zero else -2
    return out


def sample_flip_flop(length: int, n: int, seed: int, p_ignore: float = 0.8) -> list[str]:
    """``n`` strings of FFL(p) with ``length`` characters (Liu et al. 2023).

    Each instruction is ``i`` with probability ``p_ignore``, else ``r`` or ``w`` equally; the
    first instruction is ``w``; bits of ``w``/``i`` are uniform, the bit of ``r`` is the last
    written bit. An odd ``length`` ends with a lone instruction.
    """
    if not 0.0 <= p_ignore < 1.0:
        raise ConstructionError(f"p_ignore must lie in [0, 1), got {p_ignore}")
    rng = np.random.default_rng(seed)
    pairs = (length + 1) // 2
    words = []
    for _ in range(n):
        u = rng.random(pairs)
        instr = np.where(u < p_ignore, 2, np.where(rng.random(pairs) < 0.5, 0, 1))
        instr[0] = 0
        bits = rng.integers(0, 2, pairs)
        last = 0
        chars = []
        for k in range(pairs):
            if instr[k] == 0:
                last = int(bits[k])
            elif instr[k] == 1:
                bits[k] = last
            chars.append("wri"[instr[k]] + str(int(bits[k])))
        words.append("".join(chars)[:length])
    return words


def build_flip_flop(dtype: torch.dtype = torch.float32, p_ignore: float = 0.8) -> Construction:
    """The two-layer flip-flop model; ``p_ignore`` only sets the test-string sampler."""
    # layer 1: tokens w r i 0 1
    a1 = torch.tensor([[0.0], [0.0], [0.0], [1.0], [1.0]])
    b1 = torch.tensor([[1.0], [0.0], [0.0], [0.0], [0.0]])

    def phi1(h, x):
        written = (h[..., 0] > 0.5).long()
        # instructions keep their id 0..2; bits become 3 + bit + 2 * written (3..6)
        return torch.where(x >= B0, 3 + (x - B0) + 2 * written, x)

    # layer 2: tokens w r i (0,unwritten) (1,unwritten) (0,written) (1,written)
    a2 = torch.tensor([[1.0]] * 5 + [[0.0], [0.0]])
    b2 = torch.tensor([[0.0]] * 5 + [[0.0], [1.0]])

    def phi2(h, x):
        return torch.where(x == R, (h[..., 0] > 0.5).long(), torch.full_like(x, -1))

    layers = [DiagonalSSMLayer(a1, b1, phi1, dtype=dtype, name="last instruction"),
              DiagonalSSMLayer(a2, b2, phi2, dtype=dtype, name="last written bit")]
    model = DiagonalSSM(layers)
    return Construction(
        name="flip_flop", language="flip_flop", alphabet=ALPHABET, layers=2, width=2,
        layer_widths=(1, 1), gates=tuple(gate_list([0.0, 1.0])), model=model,
        output="at every 'r': the bit that must follow (last written bit); -1 elsewhere",
        theorem="Sarrof et al. 2024: flip-flop is predictively modelled at every length by a "
                "2-layer SSM with non-negative gates (gates 0/1), finite precision",
        reference=flip_flop_reference,
        sampler=lambda length, n, seed: sample_flip_flop(length, n, seed, p_ignore),
        info={"p_ignore": p_ignore},
        registry="flip_flop" if registry_language("flip_flop", ALPHABET) is not None else None,
        from_labels=flip_flop_from_labels)
