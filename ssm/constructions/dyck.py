"""Bounded-depth Dyck(K, h) with two non-negative layers of width O(h log K) (Sarrof et al. 2024).

Words are well-nested brackets of ``K`` types with depth at most ``h`` (Hewitt et al. 2020;
defaults ``K = 8``, ``h = 10`` as in the paper's §5). Open brackets are ``([{<`` then ``a b c …``;
the matching closes ``)]}>`` then ``A B C …`` (so ``K ≤ 30``). At every position of a prefix of
a Dyck(K, h) word the model outputs the type (``0..K-1``) of the bracket that must close next —
the top of the stack — or ``-1`` at depth 0: the paper's "close accuracy" target. (Outside the
prefixes of Dyck(K, h) words the output is unspecified.)

Weights
-------
* layer 1 (width 1): the depth counter, gate 1 and ``b = +1`` / ``−1`` for an open / close bracket;
  the depth stays in ``0..h`` so it is exact in any precision. φ emits a token for layer 2:
  ``(open, type k, depth d)`` or ``(close, depth d after it)``.
* layer 2 (width ``h·⌈log2 K⌉``): one flip-flop per depth, each ``⌈log2 K⌉`` bits holding the
  type of the last bracket opened at that depth. An open bracket of type ``k`` at depth ``d`` sets
  the bits of slot ``d`` (gate 0, ``b`` = the bits of ``k``); everything else holds (gate 1,
  ``b = 0``). φ reads the slot of the current depth. Stale slots above the current depth are
  never read before they are overwritten, which is why no stack is needed.

The state has ``1 + h·⌈log2 K⌉`` numbers, each exactly 0/1 or an integer ``≤ h``; the bound is the
paper's ``O(h log K)``, optimal up to the constant since a Dyck(K, h) prefix can be in any of
``Σ_{d ≤ h} K^d`` stack configurations, i.e. needs ``≈ h log2 K`` bits.

>>> c = build_dyck(K=2, h=3)
>>> c.predict(["([])"])[0].tolist()         # ( → close ')' (type 0), [ → ']' (1), ...
[0, 1, 0, -1]
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import (Construction, encode_words, gate_list, registry_language,
                   registry_member_sampler)
from .errors import ConstructionError

__all__ = ["build_dyck", "dyck_alphabet", "dyck_reference", "sample_dyck"]

_OPENS = "([{<abcdefghijklmnopqrstuvwxyz"
_CLOSES = ")]}>ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _check(K: int, h: int) -> None:
    if not (isinstance(K, int) and 1 <= K <= len(_OPENS)):
        raise ConstructionError(f"K must be an integer in [1, {len(_OPENS)}], got {K!r}")
    if not (isinstance(h, int) and h >= 1):
        raise ConstructionError(f"h must be an integer >= 1, got {h!r}")


def dyck_alphabet(K: int) -> tuple[str, ...]:
    """``K`` opens followed by their ``K`` closes (close of ``alphabet[i]`` is ``alphabet[K+i]``)."""
    _check(K, 1)
    return tuple(_OPENS[:K]) + tuple(_CLOSES[:K])


def dyck_reference(word, K: int) -> np.ndarray:
    """Type of the top of the stack after every prefix (``-1`` if empty), by a stack; raises on
    a prefix that is not a Dyck prefix."""
    x = encode_words([word], dyck_alphabet(K))[0]
    stack: list[int] = []
    out = np.empty(len(x), dtype=np.int64)
    for t, s in enumerate(x):
        if s < K:
            stack.append(int(s))
        else:
            if not stack or stack[-1] != s - K:
                raise ConstructionError(f"position {t}: {word[t]!r} does not close the open bracket")
            stack.pop()
        out[t] = stack[-1] if stack else -1
    return out


def dyck_from_labels(labels, word, K: int) -> np.ndarray:
    """Top of the stack from the automaton's ``next_allowed``: the one allowed close bracket
    (``-1`` if none, ``-2`` if several)."""
    closes = np.asarray(labels.next_allowed)[:, K:2 * K]
    count = closes.sum(axis=1)
    return np.where(count == 1, closes.argmax(axis=1), np.where(count == 0, -1, -2)).astype(np.int64)


def sample_dyck(K: int, h: int, length: int, n: int, seed: int) -> list[str]:
    """``n`` random Dyck(K, h) strings of ``length`` (ending at depth 0 when ``length`` is even,
    1 when odd): a walk on ``0..h`` that opens with probability 1/2 where both moves are allowed
    (forced to close when it must return in time), bracket types uniform."""
    _check(K, h)
    alpha = dyck_alphabet(K)
    rng = np.random.default_rng(seed)
    words = []
    for _ in range(n):
        coins = rng.random(length)
        types = rng.integers(0, K, length)
        stack: list[int] = []
        out = []
        for t in range(length):
            d, rest = len(stack), length - t
            if d == 0:
                op = True
            elif d >= h or d >= rest:
                op = False
            else:
                op = coins[t] < 0.5
            if op:
                stack.append(int(types[t]))
                out.append(alpha[types[t]])
            else:
                out.append(alpha[K + stack.pop()])
        words.append("".join(out))
    return words


def build_dyck(K: int = 8, h: int = 10, *, dtype: torch.dtype = torch.float32) -> Construction:
    """The two-layer Dyck(K, h) model; width ``1 + h·⌈log2 K⌉``."""
    _check(K, h)
    nbits = max(1, math.ceil(math.log2(K)))
    alpha = dyck_alphabet(K)
    # layer 1: depth counter
    a1 = torch.ones(2 * K, 1)
    b1 = torch.cat([torch.ones(K, 1), -torch.ones(K, 1)])
    invalid = K * h + h
    vocab2 = invalid + 1

    def phi1(hh, x):
        d = torch.round(hh[..., 0]).long()
        is_open = x < K
        ok_open = is_open & (d >= 1) & (d <= h)
        ok_close = ~is_open & (d >= 0) & (d < h)
        tok = torch.where(ok_open, x * h + (d - 1).clamp(min=0), K * h + d.clamp(0, h - 1))
        return torch.where(ok_open | ok_close, tok, torch.full_like(tok, invalid))

    # layer 2: h slots of nbits bits
    a2 = torch.ones(vocab2, h * nbits)
    b2 = torch.zeros(vocab2, h * nbits)
    depth_of = torch.zeros(vocab2, dtype=torch.long)
    for k in range(K):
        bits = torch.tensor([(k >> i) & 1 for i in range(nbits)], dtype=torch.float32)
        for d in range(1, h + 1):
            tok = k * h + (d - 1)
            a2[tok, (d - 1) * nbits:d * nbits] = 0.0
            b2[tok, (d - 1) * nbits:d * nbits] = bits
            depth_of[tok] = d
    for d in range(h):
        depth_of[K * h + d] = d
    depth_of[invalid] = -1
    weights = 2 ** torch.arange(nbits)

    def phi2(hh, x):
        d = depth_of[x]
        slots = hh.reshape(*hh.shape[:-1], h, nbits)
        sel = torch.gather(slots, -2, (d - 1).clamp(0, h - 1)[..., None, None]
                           .expand(*d.shape, 1, nbits)).squeeze(-2)
        typ = ((sel > 0.5).long() * weights).sum(-1)
        return torch.where((d >= 1) & (d <= h), typ, torch.full_like(typ, -1))

    layers = [DiagonalSSMLayer(a1, b1, phi1, dtype=dtype, name="depth counter"),
              DiagonalSSMLayer(a2, b2, phi2, dtype=dtype, name="flip-flop per depth")]
    width = 1 + h * nbits
    reg = registry_language(f"dyck_{K}_{h}", alpha)
    gates = gate_list(sorted(set(layers[0].gate_values()) | set(layers[1].gate_values())))
    return Construction(
        name="dyck", language=f"dyck_{K}_{h}", alphabet=alpha, layers=2, width=width,
        layer_widths=(1, h * nbits), gates=tuple(gates), model=DiagonalSSM(layers),
        output="type of the bracket that must close next (top of stack), -1 at depth 0",
        theorem="Sarrof et al. 2024: Dyck(K, h) is modelled by a 2-layer SSM with non-negative "
                "gates and width O(h log K), without a stack",
        reference=lambda word: dyck_reference(word, K),
        sampler=registry_member_sampler(reg) if reg is not None and reg.kind == "regular" else
        (lambda length, n, seed: sample_dyck(K, h, length, n, seed)),
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: dyck_from_labels(labels, word, K),
        info={"K": K, "h": h, "bits_per_depth": nbits, "width_formula": "1 + h*ceil(log2 K)",
              "bound_h_log2_K": round(h * math.log2(K), 3) if K > 1 else 0.0})
