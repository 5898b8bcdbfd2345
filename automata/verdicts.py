"""Which architectures can express a language: the rules table, as data, with citations.

The rules transcribe ``PAPER.md`` §7. Each family has an ordered list of rules; the first
whose condition holds gives the verdict. A verdict is ``yes``, ``no``, ``unbounded-precision``
(possible only with precision growing with the input length) or ``unknown`` (no cited result
applies — never a guess). ``status`` is ``theorem`` (stated in the cited work), ``derived``
(follows from cited results by the Krohn–Rhodes cascade argument, or by restricting a theorem;
the reason says how) or ``none`` (for ``unknown``).

Conditions are evaluated on :class:`AlgebraFacts`, computed by :mod:`automata.classify`:

* ``length_periodic``: every letter acts identically on the minimal DFA and that action is a
  permutation, so membership depends only on the length modulo ``period`` (e.g. ``(aa)*``).
  Languages depending on the length only through a threshold are *not* counted here.
* ``parity_like``: the syntactic monoid is ``Z_2`` and some letter acts as the identity while
  another swaps — parity of the occurrences of a set of letters (up to complement).
* ``mod3_like``: the syntactic monoid is ``Z_3`` (counting modulo 3 of a weighted letter count).

>>> facts = AlgebraFacts(regular=True, aperiodic=False, groups=(), is_group=True,
...                      monoid_size=2, parity_like=True)
>>> [(p.model, p.expressible) for p in predict(facts)][:3]
[('ssm_nonnegative', 'no'), ('ssm_time_invariant', 'no'), ('ssm_signed', 'yes')]
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from .groups import GroupInfo

__all__ = ["AlgebraFacts", "Prediction", "Rule", "RULES", "FAMILIES", "VERDICTS", "STATUSES",
           "REFERENCES", "predict"]

FAMILIES = ("ssm_nonnegative", "ssm_time_invariant", "ssm_signed", "ssm_complex",
            "lrnn_householder", "lstm", "transformer")
VERDICTS = ("yes", "no", "unbounded-precision", "unknown")
STATUSES = ("theorem", "derived", "none")

REFERENCES = {
    "sarrof2024": "Sarrof, Veitsman, Hahn 2024, The Expressive Capacity of State Space Models: "
                  "A Formal Language Perspective (NeurIPS; arXiv 2405.17394)",
    "alsmann2026": "Alsmann et al. 2026 (star-free languages via past-LTL in non-negative-gate SSMs)",
    "grazzi2025": "Grazzi et al. 2025, Unlocking State-Tracking in Linear RNNs Through Negative "
                  "Eigenvalues (ICLR)",
    "shakerinava2026": "Shakerinava et al. 2026, The Expressive Limits of Diagonal SSMs for "
                       "State-Tracking (ICLR)",
    "khavari2025": "Khavari et al. 2025 (parity needs an input-dependent layer with negative gates)",
    "merrill2024": "Merrill, Petty, Sabharwal 2024, The Illusion of State in State-Space Models (ICML)",
    "yang2024": "Yang, Chiang, Angluin 2024, Masked Hard-Attention Transformers Recognize Exactly "
                "the Star-Free Languages",
    "hahn2020": "Hahn 2020, Theoretical Limitations of Self-Attention in Neural Sequence Models (TACL)",
    "classical": "classical: a nonlinear RNN simulates any finite automaton with one-hot states "
                 "(e.g. Siegelmann and Sontag 1995)",
    "krohn_rhodes": "Krohn and Rhodes 1965 (cascade decomposition into flip-flops and the groups "
                    "dividing the monoid)",
}


@dataclass(frozen=True)
class AlgebraFacts:
    """What the rules read. ``None`` means unknown (e.g. over budget)."""

    regular: bool
    aperiodic: bool | None = None
    groups: tuple = ()                       # GroupInfo of the distinct non-trivial maximal subgroups
    is_group: bool | None = None             # every letter permutes the states of the minimal DFA
    monoid_size: int | None = None
    length_periodic: bool = False
    period: int | None = None
    parity_like: bool = False
    mod3_like: bool = False


@dataclass(frozen=True)
class Prediction:
    model: str
    expressible: str
    layers: int | None
    reason: str
    reference: str
    status: str
    rule: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("rule")
        d["rule"] = self.rule
        return d


Cond = Callable[[AlgebraFacts], bool]
LayersFn = Callable[[AlgebraFacts], "int | None"]


@dataclass(frozen=True)
class Rule:
    """One row of the table: if ``when`` holds, ``family`` gets ``verdict``."""

    name: str
    family: str
    when: str                   # key of CONDITIONS
    verdict: str
    reason: str                 # str.format template over _context(facts)
    references: tuple
    status: str
    layers: str | None = None   # key of LAYERS


def _groups(f: AlgebraFacts) -> tuple[GroupInfo, ...]:
    return tuple(f.groups)


CONDITIONS: dict[str, Cond] = {
    "counter": lambda f: not f.regular,
    "regular": lambda f: f.regular,
    "aperiodic": lambda f: f.regular and f.aperiodic is True,
    "not_aperiodic": lambda f: f.regular and f.aperiodic is False,
    "parity_like": lambda f: f.regular and f.parity_like,
    "mod3_like": lambda f: f.regular and f.mod3_like,
    "length_periodic": lambda f: f.regular and f.length_periodic,
    "group_elementary_2": lambda f: (f.regular and f.aperiodic is False and f.is_group is True
                                     and all(g.elementary_2_length == 1 for g in _groups(f))),
    "all_2_groups": lambda f: (f.regular and f.aperiodic is False and bool(f.groups)
                               and all(g.two_group for g in _groups(f))),
    "odd_prime_group": lambda f: (f.regular and f.aperiodic is False
                                  and any(p != 2 for g in _groups(f) for p in g.prime_factors)),
    "group_solvable": lambda f: (f.regular and f.aperiodic is False and f.is_group is True
                                 and bool(f.groups) and all(g.solvable for g in _groups(f))),
    "all_solvable": lambda f: (f.regular and f.aperiodic is False and bool(f.groups)
                               and all(g.solvable for g in _groups(f))),
    "group_nonsolvable": lambda f: (f.regular and f.is_group is True
                                    and any(not g.solvable for g in _groups(f))),
    "some_nonsolvable": lambda f: f.regular and any(not g.solvable for g in _groups(f)),
    "always": lambda f: True,
}

LAYERS: dict[str, LayersFn] = {
    "one": lambda f: 1,
    "max_derived_length": lambda f: max((g.derived_length or 0 for g in _groups(f)), default=0) or None,
    "max_elementary_2_length": lambda f: (max((g.elementary_2_length or 0 for g in _groups(f)),
                                              default=0) or None) if f.is_group else None,
}

_CTR_NONNEG = ("counters need a gate of exactly 1 (B = ±1) and precision growing with the length; "
               "exp(Δ·A) < 1 only approaches it")

RULES: tuple[Rule, ...] = (
    # --- non-negative gates (Mamba, Mamba-2, GLA, mLSTM-type)
    Rule("nonneg_counter", "ssm_nonnegative", "counter", "unbounded-precision", _CTR_NONNEG,
         ("sarrof2024",), "theorem"),
    Rule("nonneg_star_free", "ssm_nonnegative", "aperiodic", "yes",
         "the syntactic monoid is aperiodic (star-free): non-negative gates at finite precision "
         "model it, cascading flip-flop layers (depth grows with the language)",
         ("sarrof2024", "alsmann2026"), "theorem"),
    Rule("nonneg_not_star_free", "ssm_nonnegative", "not_aperiodic", "no",
         "the syntactic monoid contains the group(s) {groups}, so the language is not star-free; "
         "non-negative gates at finite precision model exactly the star-free languages",
         ("sarrof2024",), "theorem"),
    # --- time-invariant (S4D, LRU)
    Rule("ti_parity", "ssm_time_invariant", "parity_like", "no",
         "this is parity (syntactic monoid Z_2, one letter fixes, one swaps): time-invariant "
         "layers cannot compute it however stacked", ("khavari2025",), "theorem"),
    Rule("ti_length_periodic", "ssm_time_invariant", "length_periodic", "yes",
         "membership depends only on the length modulo {period}: a constant rotation by 2π/{period} "
         "(input-independent) counts it", ("alsmann2026",), "derived", "one"),
    Rule("ti_unknown", "ssm_time_invariant", "always", "unknown",
         "no cited result decides time-invariant layers for this language", (), "none"),
    # --- signed real diagonal gates in [-1, 1]
    Rule("signed_counter", "ssm_signed", "counter", "unbounded-precision",
         "a gate of exactly 1 (allowed in [-1, 1]) keeps a counter, at precision growing with the "
         "length", ("sarrof2024",), "theorem"),
    Rule("signed_star_free", "ssm_signed", "aperiodic", "yes",
         "star-free: non-negative gates, a special case of [-1, 1], suffice", ("sarrof2024",),
         "theorem"),
    Rule("signed_parity", "ssm_signed", "parity_like", "yes",
         "parity: one channel with gate -1 on the counted letters solves it in one layer",
         ("grazzi2025",), "theorem", "one"),
    Rule("signed_z2k", "ssm_signed", "group_elementary_2", "yes",
         "the syntactic monoid is the group {groups} = Z_2^k: one sign channel per factor, one layer",
         ("grazzi2025", "shakerinava2026"), "derived", "one"),
    Rule("signed_2_groups", "ssm_signed", "all_2_groups", "yes",
         "every group in the monoid ({groups}) is a 2-group (composition factors Z_2), reachable "
         "by cascading sign-gate layers", ("grazzi2025", "shakerinava2026", "krohn_rhodes"),
         "derived", "max_elementary_2_length"),
    Rule("signed_mod3", "ssm_signed", "mod3_like", "no",
         "counting modulo 3: real diagonal gates in [-1, 1] cannot", ("grazzi2025",), "theorem"),
    Rule("signed_odd", "ssm_signed", "odd_prime_group", "no",
         "the monoid contains {groups}, whose order has an odd prime factor; real diagonal gates "
         "only realise groups of exponent 2", ("grazzi2025", "shakerinava2026"), "derived"),
    Rule("signed_unknown", "ssm_signed", "always", "unknown",
         "the algebra needed by the rule is unknown (over budget)", (), "none"),
    # --- complex diagonal
    Rule("complex_counter", "ssm_complex", "counter", "unbounded-precision",
         "a gate of exactly 1 keeps a counter, at precision growing with the length",
         ("sarrof2024",), "theorem"),
    Rule("complex_star_free", "ssm_complex", "aperiodic", "yes",
         "star-free: non-negative gates, a special case of complex ones, suffice", ("sarrof2024",),
         "theorem"),
    Rule("complex_group", "ssm_complex", "group_solvable", "yes",
         "the syntactic monoid is the solvable group {groups}; k layers track a group iff it has a "
         "subnormal series of length k with abelian factors (its derived length)",
         ("shakerinava2026",), "theorem", "max_derived_length"),
    Rule("complex_solvable", "ssm_complex", "all_solvable", "yes",
         "every group in the monoid ({groups}) is solvable: cascade abelian (complex diagonal) "
         "layers with flip-flop layers; at least the derived length in layers",
         ("shakerinava2026", "sarrof2024", "krohn_rhodes"), "derived", "max_derived_length"),
    Rule("complex_group_nonsolvable", "ssm_complex", "group_nonsolvable", "no",
         "the syntactic monoid is the non-solvable group {groups}: no subnormal series with abelian "
         "factors, so no number of diagonal layers tracks it (cf. TC0 vs NC1)",
         ("shakerinava2026", "merrill2024"), "theorem"),
    Rule("complex_nonsolvable", "ssm_complex", "some_nonsolvable", "no",
         "the monoid contains the non-solvable group(s) {groups}, out of reach of every diagonal "
         "family (cf. TC0 vs NC1)", ("shakerinava2026", "merrill2024"), "derived"),
    Rule("complex_unknown", "ssm_complex", "always", "unknown",
         "the algebra needed by the rule is unknown (over budget)", (), "none"),
    # --- products of generalized Householder matrices
    Rule("householder_counter", "lrnn_householder", "counter", "unbounded-precision",
         "an identity transition with ±1 inputs counts, at precision growing with the length",
         ("grazzi2025", "sarrof2024"), "derived"),
    Rule("householder_regular", "lrnn_householder", "regular", "yes",
         "products of generalized Householder matrices with eigenvalues in [-1, 1] reach every "
         "regular language with enough layers", ("grazzi2025",), "theorem"),
    # --- LSTM
    Rule("lstm_counter", "lstm", "counter", "unbounded-precision",
         "counting needs cell values growing with the length", ("classical",), "derived"),
    Rule("lstm_regular", "lstm", "regular", "yes",
         "a finite-state language is simulated by one nonlinear recurrent layer", ("classical",),
         "theorem", "one"),
    # --- masked hard-attention transformer
    Rule("transformer_counter", "transformer", "counter", "unknown",
         "the cited characterization covers regular languages only", (), "none"),
    Rule("transformer_star_free", "transformer", "aperiodic", "yes",
         "masked hard-attention transformers recognize exactly the star-free languages",
         ("yang2024",), "theorem"),
    Rule("transformer_not_star_free", "transformer", "not_aperiodic", "no",
         "not star-free (groups {groups}); masked hard attention recognizes exactly the star-free "
         "languages (soft attention cannot robustly compute parity either)",
         ("yang2024", "hahn2020"), "theorem"),
    Rule("transformer_unknown", "transformer", "always", "unknown",
         "aperiodicity is unknown (over budget)", (), "none"),
    # --- fall-back for every family
    *(Rule(f"{fam}_unknown_fallback", fam, "always", "unknown",
           "no cited result applies", (), "none") for fam in FAMILIES),
)


def _context(f: AlgebraFacts) -> dict[str, Any]:
    names = [g.name or f"a group of order {g.order}" for g in _groups(f)]
    return {"groups": ", ".join(names) if names else "a non-trivial group (not identified: over "
                                                      "budget)", "period": f.period}


def predict(facts: AlgebraFacts) -> tuple[Prediction, ...]:
    """Apply :data:`RULES`: one :class:`Prediction` per family, in :data:`FAMILIES` order."""
    ctx = _context(facts)
    out = []
    for fam in FAMILIES:
        for rule in RULES:
            if rule.family != fam or not CONDITIONS[rule.when](facts):
                continue
            layers = LAYERS[rule.layers](facts) if rule.layers else None
            out.append(Prediction(
                model=fam, expressible=rule.verdict, layers=layers,
                reason=rule.reason.format(**ctx),
                reference="; ".join(REFERENCES[r] for r in rule.references) or "—",
                status=rule.status, rule=rule.name))
            break
    return tuple(out)
