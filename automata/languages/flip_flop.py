"""The flip-flop language FFL of Liu et al. 2023 ("Exposing Attention Glitches with Flip-Flop
Language Modeling").

Alphabet ``w r i 0 1``. A member is a sequence of instruction/bit pairs: ``w b`` writes the bit
``b``, ``r b`` reads (``b`` must equal the last written bit), ``i b`` ignores ``b``. The first
instruction is a write (the empty string is a member). The language is regular (and star-free);
its members of odd length do not exist.

Sampling follows FFL(p): after the first write, each instruction is ``i`` with probability
``p_ignore`` and otherwise ``r`` or ``w`` with equal probability; written and ignored bits are
uniform. ``p_ignore`` defaults to 0.8 (Liu et al.'s training distribution; 0.98 is their sparse
test distribution).

>>> from automata.languages import get_language
>>> ff = get_language("flip_flop")
>>> ff.accepts("w1i0r1w0r0"), ff.accepts("w1r0"), ff.accepts("r1")
(True, False, False)
>>> import numpy as np
>>> ff.decode(ff.member_sampler(10, 1, np.random.default_rng(0), p_ignore=0.5)[0])[0]
'w'
"""
from __future__ import annotations

import numpy as np

from ..errors import AutomatonError, EmptyLengthError
from .base import Language, dfa_from_function

ALPHABET = ("w", "r", "i", "0", "1")


def flip_flop_dfa():
    # states: "start"; ("M", m) pair boundary with memory m; ("W",) after w; ("R", m) after r;
    # ("I", m) after i
    def step(q, s):
        if q == "start":
            return ("W",) if s == "w" else None
        kind = q[0]
        if kind == "M":
            m = q[1]
            return {"w": ("W",), "r": ("R", m), "i": ("I", m)}.get(s)
        if s not in "01":
            return None
        b = int(s)
        if kind == "W":
            return ("M", b)
        if kind == "R":
            return ("M", q[1]) if b == q[1] else None
        return ("M", q[1])  # ignore

    return dfa_from_function(ALPHABET, "start", step, lambda q: q == "start" or q[0] == "M")


def ffl_sampler(length: int, n: int, rng: np.random.Generator, p_ignore: float = 0.8) -> np.ndarray:
    """``n`` strings of FFL(p_ignore) with ``length`` characters, as symbol indices (n, length).

    Not uniform over members: instructions are drawn as in Liu et al. 2023.
    """
    if not 0.0 <= p_ignore <= 1.0:
        raise AutomatonError(f"p_ignore must lie in [0, 1], got {p_ignore}")
    if length % 2:
        raise EmptyLengthError(f"flip_flop has no member of odd length {length}")
    pairs = length // 2
    out = np.zeros((n, length), dtype=np.int64)
    if pairs == 0:
        return out
    u = rng.random((n, pairs))
    instr = np.where(u < p_ignore, 2, np.where(u < p_ignore + (1 - p_ignore) / 2, 1, 0))
    instr[:, 0] = 0  # the first instruction writes
    bits = rng.integers(0, 2, size=(n, pairs))
    mem = np.zeros(n, dtype=np.int64)
    for t in range(pairs):
        is_write = instr[:, t] == 0
        mem = np.where(is_write, bits[:, t], mem)
        bits[:, t] = np.where(instr[:, t] == 1, mem, bits[:, t])
    out[:, 0::2] = instr
    out[:, 1::2] = 3 + bits
    return out


BUILTINS = [
    ("flip_flop", lambda: Language(
        "flip_flop", flip_flop_dfa(), paper_group=None,
        description="flip-flop language (Liu et al. 2023): w/r/i instruction + bit pairs, "
                    "reads return the last written bit; sampled as FFL(p_ignore)",
        sampler_defaults={"p_ignore": 0.8}, member_sampler=ffl_sampler,
        member_sampler_uniform=False, task="flip_flop"), ("ffl", "flipflop")),
]
