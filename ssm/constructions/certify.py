"""Certify a classifier verdict by construction: build the family's exact model, check it.

``certify(language, family)`` classifies the language (:func:`automata.classify`); if the
family's verdict is ``yes`` it builds an exact model of the family's class and checks it against
the minimal DFA (``DFA.trace``, independent of the model) on sampled strings; otherwise it
refuses with :class:`CertificationRefused`, which carries the verdict, the theorem and the
witness. The builders, per family (:data:`BUILDERS`):

=======================  =============================================================
``ssm_nonnegative``      holonomy cascade of reset layers (:mod:`.cascade`, gates 0, 1/4, 1)
``ssm_signed``           holonomy cascade, 2-group components by ±1 sign layers
``ssm_complex``          holonomy cascade, solvable components by rotation layers
``ssm_time_invariant``   no verdict is ``yes`` in this family: always refused (for a
                         length-periodic language the refusal names the unit-modulus
                         constant-gate model of :func:`.groups.build_length_periodic`,
                         which lies outside the family)
``lrnn_householder``     group languages: one DeltaProduct layer of reflections
                         (:func:`.householder.construct_householder`; a cyclic group
                         as plane rotations, 2 per token, where that is fewer
                         than its permutations need); other languages
                         whose groups are solvable: the complex cascade, each diagonal
                         gate being a product of axis-aligned Householder factors
                         (real ``d`` = ``I − (1 − d) e eᵀ``, ``β = 1 − d ∈ [0, 2]``) and
                         each complex channel a real 2×2 block (a rotation is the product of
                         two reflections, ``β = 2``; 0 two projections, ``β = 1``)
``lstm``                 one saturated ``nn.LSTM`` layer (:mod:`.lstm`)
=======================  =============================================================

A ``yes`` with no builder (a non-solvable group beside resets, for ``lrnn_householder``) raises
:class:`NotCertified` — the verdict stands on its citation only.

>>> r = certify("tomita5", "ssm_signed", check_length=200, strings=5)
>>> (r.layers, r.min_layers, r.accuracy)
(1, 1, 1.0)
>>> certify("parity", "ssm_nonnegative")
Traceback (most recent call last):
...
ssm.constructions.certify.CertificationRefused: parity: ssm_nonnegative verdict is 'no' ...
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch

from automata import DFA
from automata.classify import classify
from automata.languages import Language, resolve_language
from automata.reflections import smallest_action
from automata.sampling import sample_members

from .base import _json_gate
from .cascade import build_cascade
from .errors import ConstructionError, ConstructionRefused
from .groups import build_length_periodic
from .householder import construct_householder
from .lstm import build_lstm
from .modular import sample_uniform_words

__all__ = ["certify", "Certificate", "CertificationRefused", "NotCertified", "BUILDERS",
           "CERTIFIED_FAMILIES", "build_for_family", "sample_check_words", "live_walks",
           "SAMPLERS"]

CERTIFIED_FAMILIES = ("ssm_nonnegative", "ssm_signed", "ssm_complex", "ssm_time_invariant",
                      "lrnn_householder", "lstm")


class CertificationRefused(ConstructionRefused):
    """The family's verdict is not ``yes``; carries ``family``, ``verdict``, ``theorem``
    (reason and reference) and ``witness``."""

    def __init__(self, language: str, family: str, verdict: str, theorem: str,
                 witness: dict | None, note: str = ""):
        self.language, self.family, self.verdict = language, family, verdict
        self.theorem, self.witness = theorem, witness
        wit = f"; witness: {json.dumps(witness, default=str)}" if witness else ""
        super().__init__(f"{language}: {family} verdict is {verdict!r} — {theorem}{wit}"
                         + (f"; {note}" if note else ""))


class NotCertified(ConstructionError):
    """The verdict is ``yes`` but no construction of this toolkit builds it."""


def _is_group(dfa: DFA) -> bool:
    return all(len(set(dfa.delta[:, a].tolist())) == dfa.n_states for a in range(dfa.n_symbols))


def _householder(dfa: DFA, name: str, dtype, classification):
    if _is_group(dfa):
        c = construct_householder(dfa, dtype=dtype, action=smallest_action(dfa), method="auto")
        if c.info.get("method") == "rotation":
            return c, ("cyclic group language: one DeltaProduct layer of plane rotations, 2 "
                       "reflections per token (fewer than its smallest permutation action "
                       "needs; automata.reflections)")
        return c, ("group language: one DeltaProduct layer on the faithful action with the "
                   "fewest reflections per token found (automata.reflections)")
    if any(not g.solvable for g in classification.groups):
        raise NotCertified(f"{name}: lrnn_householder verdict is yes (Grazzi et al. 2025), but "
                           "a non-solvable group beside resets is not built here")
    c = build_cascade(dfa, gate="complex", dtype=dtype, name=name)
    return c, ("holonomy cascade with diagonal gates = axis-aligned Householder factors "
               "(β = 1 − d); complex channels = real 2×2 blocks (rotation = two reflections)")


#: family -> builder(dfa, name, dtype, classification) -> (construction, note)
BUILDERS: dict[str, Callable] = {
    "ssm_nonnegative": lambda d, n, dt, c: (build_cascade(d, gate="nonnegative", dtype=dt, name=n),
                                            "holonomy cascade, reset components only"),
    "ssm_signed": lambda d, n, dt, c: (build_cascade(d, gate="signed", dtype=dt, name=n),
                                       "holonomy cascade, 2-groups by ±1 layers"),
    "ssm_complex": lambda d, n, dt, c: (build_cascade(d, gate="complex", dtype=dt, name=n),
                                        "holonomy cascade, solvable groups by rotation layers"),
    "lrnn_householder": _householder,
    "lstm": lambda d, n, dt, c: (build_lstm(d, dtype=dt), "one saturated LSTM layer"),
}


@dataclass(frozen=True)
class Certificate:
    """The JSON contract of ``analyses.construct --family``."""

    language: str
    family: str
    layers: int
    width: int
    gates: Any
    components: list
    check_length: int
    strings: int
    dtype: str
    accuracy: float
    min_layers: int | None
    max_layers: int | None = None
    position_accuracy: float = 1.0
    first_error: dict | None = None
    construction: str = ""
    note: str = ""
    theorem: str = ""
    sampler: str = ""
    layer_widths: list = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _resolve(obj) -> tuple[str, Any, DFA]:
    if isinstance(obj, DFA):
        return "dfa", obj, obj.minimize()
    if not isinstance(obj, (str, Mapping, Language)):
        raise ConstructionError(f"certify expects a name, a Language, a DFA or a regex "
                                f"definition, got {type(obj).__name__}")
    lang = resolve_language(obj)
    if lang.dfa is None:
        return lang.name, lang, None
    return lang.name, lang, lang.dfa.minimize()


def live_walks(dfa: DFA, length: int, n: int, seed: int) -> list:
    """``n`` random words of ``length``: at every step a uniformly random letter among those
    that keep an accepting state reachable (all letters once none does). Cheap, and unlike
    uniform words they do not fall into the sink state at once."""
    rng = np.random.default_rng(seed)
    live = dfa.coreachable_mask()
    V = dfa.n_symbols
    ok = live[dfa.delta]                                        # (states, letters)
    ok[~ok.any(axis=1)] = True
    counts = ok.sum(axis=1)
    choice = np.zeros((dfa.n_states, V), dtype=np.int64)
    for q in range(dfa.n_states):
        idx = np.flatnonzero(ok[q])
        choice[q, :len(idx)] = idx
    q = np.full(n, dfa.initial, dtype=np.int64)
    out = np.empty((n, length), dtype=np.int64)
    for t in range(length):
        r = (rng.random(n) * counts[q]).astype(np.int64)
        a = choice[q, r]
        out[:, t] = a
        q = dfa.delta[q, a]
    alpha = dfa.alphabet
    if all(len(s) == 1 for s in alpha):
        table = np.array(list(alpha))
        return ["".join(row) for row in table[out]]
    return [[alpha[i] for i in row] for row in out]


SAMPLERS = ("walks", "members")


def sample_check_words(lang, dfa: DFA, length: int, n: int, seed: int,
                       sampler: str = "walks") -> tuple[list, str]:
    """Test words and how they were drawn: ``"walks"`` (:func:`live_walks`) or ``"members"``
    (uniform members, ``automata.sampling.sample_members``; uniform random words when the
    language has none of this length)."""
    if sampler not in SAMPLERS:
        raise ConstructionError(f"sampler must be one of {list(SAMPLERS)}, got {sampler!r}")
    if sampler == "walks":
        return live_walks(dfa, length, n, seed), "random walks through live states"
    try:
        words = list(sample_members(lang if lang is not None else dfa, length, n, seed))
        if len(words) == n:
            return words, "uniform members (automata.sampling.sample_members)"
    except (ValueError, TypeError):
        pass
    return sample_uniform_words(dfa.alphabet, length, n, seed), "uniform random words"


def build_for_family(language_or_dfa, family: str, *, dtype: torch.dtype = torch.float32,
                     classification=None):
    """``(construction, classification, prediction, note)``, or :class:`CertificationRefused`
    when the verdict is not ``yes``."""
    if family not in CERTIFIED_FAMILIES:
        raise ConstructionError(f"family must be one of {list(CERTIFIED_FAMILIES)}, got {family!r}")
    if dtype not in (torch.float32, torch.float64):
        raise ConstructionError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    name, lang, dfa = _resolve(language_or_dfa)
    cl = classification or classify(dfa if lang is None else lang)
    pred = cl.prediction(family)
    if pred.expressible != "yes":
        note = ""
        if family == "ssm_time_invariant" and dfa is not None:
            try:
                build_length_periodic(dfa)
                note = ("a constant gate of modulus 1 (outside this family) models it: "
                        "ssm.constructions.groups.build_length_periodic")
            except ConstructionRefused:
                pass
        raise CertificationRefused(name, family, pred.expressible,
                                   f"{pred.reason} ({pred.reference})", pred.witness, note)
    if family not in BUILDERS:
        raise NotCertified(f"{name}: {family} verdict is yes but no construction is built here")
    c, note = BUILDERS[family](dfa, name, dtype, cl)
    return c, cl, pred, note


def _components(c) -> list:
    info = getattr(c, "info", {}) or {}
    if "components" in info:
        return list(info["components"])
    return []


def certify(language_or_dfa, family: str, check_length: int = 10_000, strings: int = 1000,
            dtype: torch.dtype = torch.float32, seed: int = 0, *,
            words: Sequence | None = None, classification=None,
            name: str | None = None, sampler: str = "walks") -> Certificate:
    """Build the family's exact model of the language and check it (module docstring).

    ``words`` replaces the sampled test strings (all of length ``check_length``); ``name`` the
    reported language name; ``sampler``: ``"walks"`` or ``"members"`` (:func:`sample_check_words`)."""
    if check_length < 1 or strings < 1:
        raise ConstructionError(f"need check_length >= 1 and strings >= 1, got "
                                f"{check_length}, {strings}")
    t0 = time.perf_counter()
    c, cl, pred, note = build_for_family(language_or_dfa, family, dtype=dtype,
                                         classification=classification)
    lname, lang, dfa = _resolve(language_or_dfa)
    how = "given"
    if words is None:
        words, how = sample_check_words(lang, dfa, check_length, strings, seed, sampler)
    if hasattr(c, "predict_membership"):
        preds = c.predict_membership(words)
    else:
        preds = c.predict(words)
    full = pos = tot = 0
    first = None
    for i, (w, p) in enumerate(zip(words, preds)):
        ref = dfa.accepting_mask[np.asarray(dfa.trace(w))[1:]]
        ok = np.asarray(p, dtype=bool) == ref
        pos += int(ok.sum())
        tot += len(ok)
        if ok.all():
            full += 1
        elif first is None:
            t = int(np.argmin(ok))
            first = {"string": i, "position": t, "expected": bool(ref[t])}
    gates = c.gates
    gates = [_json_gate(g) for g in gates] if isinstance(gates, tuple) else gates
    return Certificate(
        language=name or lname, family=family, layers=int(c.layers),
        width=int(c.width), gates=gates, components=_components(c),
        check_length=check_length, strings=len(words),
        dtype=str(dtype).replace("torch.", ""), accuracy=full / max(1, len(words)),
        min_layers=pred.min_layers, max_layers=pred.max_layers,
        position_accuracy=pos / max(1, tot), first_error=first, construction=c.name,
        note=note, theorem=c.theorem, sampler=how, layer_widths=list(c.layer_widths),
        seconds=round(time.perf_counter() - t0, 3))
