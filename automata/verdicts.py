"""Which architectures can express a language: the rules table, as data, with citations.

Each *family* is a precise model class (:data:`FAMILY_STATEMENTS`: precision, gate range, input
dependence, positional encodings, attention type). Each family has an ordered list of rules;
the first whose condition holds gives the verdict. A verdict is ``yes``, ``no``,
``unbounded-precision`` (possible only with precision growing with the input length; at any
fixed precision a network is a finite automaton) or ``unknown`` (no cited result applies —
never a guess). ``status`` is ``theorem`` (stated in the cited work, possibly for a class that
contains or is contained in this one, as the reason says), ``derived`` (follows from cited
results by an argument the reason and ``docs/classification.md`` spell out) or ``none`` (for
``unknown``).

Every prediction carries two layer fields: ``min_layers``, a proven lower bound (its argument in
``docs/classification.md``; ``None`` when the verdict is not ``yes``), and ``max_layers``, the
depth of a construction that a cited theorem or the toolkit gives (``None`` when no depth is
known). ``Prediction.layers`` is a read-only alias of ``max_layers`` kept for one release.
A ``no`` carries, where the algebra gives one, a ``witness`` that refutes that family (checked by
running the DFA in :mod:`automata.classify`).

Conditions are evaluated on :class:`AlgebraFacts`, computed by :mod:`automata.classify`:

* ``length_periodic``: every letter acts identically on the minimal DFA and that action is a
  permutation, so membership depends only on the length modulo ``period`` (e.g. ``(aa)*``).
* ``parity_like``: the syntactic monoid is ``Z_2`` and some letter acts as the identity while
  another swaps — parity of the occurrences of a set of letters (up to complement).
* ``mod3_like``: the syntactic monoid is ``Z_3`` (counting modulo 3 of a weighted letter count).
* ``parity_reduction``: parity reduces to L by a uniform block substitution and a fixed
  suffix (see :func:`automata.classify.parity_reduction`).
* ``letter_group``: some letter's transformation has a cycle of length > 1.
* ``ac0``: L is in AC0 (its syntactic morphism is quasi-aperiodic, :mod:`automata.ac0`);
  ``not_ac0_padded``: not in AC0 by the padded certificate, used where the length levels were
  over budget (:func:`automata.ac0.padded_certificate`).

>>> facts = AlgebraFacts(regular=True, aperiodic=False, groups=(), is_group=True,
...                      monoid_size=2, parity_like=True)
>>> [(p.model, p.expressible) for p in predict(facts)][:3]
[('ssm_nonnegative', 'no'), ('ssm_time_invariant', 'no'), ('ssm_signed', 'yes')]
>>> FAMILY_STATEMENTS["transformer_hard_pe"][:28]
'unique hard attention (UHAT)'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from .groups import GroupInfo
from .records import fast_init

__all__ = ["AlgebraFacts", "Prediction", "Rule", "RULES", "FAMILIES", "FAMILY_STATEMENTS",
           "VERDICTS", "STATUSES", "REFERENCES", "predict"]

FAMILIES = ("ssm_nonnegative", "ssm_time_invariant", "ssm_signed", "ssm_complex",
            "lrnn_householder", "lrnn_householder_positive", "lstm",
            "transformer_masked_hard", "transformer_hard_pe", "transformer_soft")
VERDICTS = ("yes", "no", "unbounded-precision", "unknown")
STATUSES = ("theorem", "derived", "none")

#: The model class each family's verdicts are about.
FAMILY_STATEMENTS: dict[str, str] = {
    "ssm_nonnegative":
        "diagonal input-dependent (selective) linear recurrence h_t = a(x_t)∘h_{t-1} + b(x_t) "
        "with gates a(x) in [0, 1] (Mamba, Mamba-2, GLA, mLSTM: exp(Δ·A) in (0, 1)), "
        "position-wise nonlinear readout, any number of layers, finite precision "
        "(fixed number of bits, independent of the input length)",
    "ssm_time_invariant":
        "diagonal linear recurrence whose transition does not depend on the input (S4D-real; "
        "this toolkit's time_invariant gate exp(Δ·A) with a constant Δ: a real constant in "
        "(0, 1)), input-dependent increments b(x_t), position-wise nonlinear readout, any "
        "number of layers, finite precision. A constant transition with an eigenvalue of "
        "modulus exactly 1 (-1, or a rotation e^{2πi/m}: Alsmann et al. 2026's constant "
        "matrix) is a different class: it counts the length modulo m; S4D/LRU "
        "parameterisations with |λ| < 1 only approach it",
    "ssm_signed":
        "diagonal input-dependent linear recurrence with real gates a(x) in [-1, 1] "
        "(Grazzi et al.'s extended Mamba range), position-wise nonlinear readout, any number "
        "of layers, finite precision",
    "ssm_complex":
        "diagonal input-dependent linear recurrence with complex gates of modulus at most 1, "
        "position-wise nonlinear readout, any number of layers, finite precision",
    "lrnn_householder":
        "input-dependent linear recurrence whose transition is a product of generalized "
        "Householder matrices I - β k kᵀ (|k| = 1) with β in [0, 2], i.e. eigenvalues in "
        "[-1, 1] (DeltaNet, DeltaProduct with as many factors per token as the construction "
        "needs), position-wise nonlinear readout, any number of layers, finite precision",
    "lrnn_householder_positive":
        "as lrnn_householder with β in [0, 1]: every transition matrix has its eigenvalues "
        "in [0, 1] (DeltaNet/DeltaProduct as usually trained), finite precision",
    "lstm":
        "LSTM (and nonlinear RNNs with saturating gates), one or more layers, finite precision "
        "(bounded weights and activations read at a fixed number of bits)",
    "transformer_masked_hard":
        "causal transformer with hard (leftmost/rightmost-maximum) attention, strict masking "
        "(a position attends only to earlier positions), no positional encoding, any number "
        "of layers; precision not restricted (without positional encodings the activations "
        "take finitely many values) (Yang, Chiang, Angluin 2024's class)",
    "transformer_hard_pe":
        "unique hard attention (UHAT): each head attends to one position of maximal score; "
        "arbitrary positional encodings; any number of layers; precision not restricted "
        "(Hao, Angluin, Frank 2022; Barceló, Kozachinskiy, Lin, Podolskii 2024)",
    "transformer_soft":
        "softmax attention with the positional encodings we train (sinusoidal or learned), "
        "layer norm, at most log-precision arithmetic; a verdict only where a cited result "
        "applies, otherwise unknown",
}

REFERENCES = {
    "sarrof2024": "Sarrof, Veitsman, Hahn 2024, The Expressive Capacity of State Space Models: "
                  "A Formal Language Perspective (NeurIPS; arXiv 2405.17394)",
    "alsmann2026": "Alsmann, Noori, Lange 2026, On the Expressiveness of State Space Models via "
                   "Temporal Logics (arXiv 2601.19467): diagonal-gated SSMs capture past LTL "
                   "(star-free); time-invariant SSMs with a constant matrix count modulo m",
    "grazzi2025": "Grazzi, Siems, Zela, Franke, Hutter, Pontil 2025, Unlocking State-Tracking in "
                  "Linear RNNs Through Negative Eigenvalues (ICLR; arXiv 2411.12537)",
    "shakerinava2026": "Shakerinava, Khavari, Ravanbakhsh, Chandar 2026, The Expressive Limits "
                       "of Diagonal SSMs for State-Tracking (ICLR; arXiv 2603.01959): at finite "
                       "precision k input-dependent complex diagonal layers track a group iff it "
                       "has a subnormal series of length k with abelian factors",
    "khavari2025": "Khavari, Shakerinava, Khullar, Huang, Rivest, Ravanbakhsh, Chandar 2025, "
                   "Parity Requires Unified Input Dependence and Negative Eigenvalues in SSMs "
                   "(arXiv 2508.07395)",
    "merrill2024": "Merrill, Petty, Sabharwal 2024, The Illusion of State in State-Space Models "
                   "(ICML): these SSMs lie in TC0",
    "barrington1989": "Barrington 1989, Bounded-width polynomial-size branching programs "
                      "recognize exactly those languages in NC1 (a regular language whose "
                      "monoid holds a non-solvable group is NC1-complete)",
    "merrill_sabharwal2023": "Merrill, Sabharwal 2023, The Parallelism Tradeoff: Limitations of "
                             "Log-Precision Transformers (TACL): they lie in uniform TC0",
    "yang2024": "Yang, Chiang, Angluin 2024, Masked Hard-Attention Transformers Recognize "
                "Exactly the Star-Free Languages (NeurIPS)",
    "barcelo2024": "Barceló, Kozachinskiy, Lin, Podolskii 2024, Logical Languages Accepted by "
                   "Transformer Encoders with Hard Attention (ICLR): UHAT recognizes FO with "
                   "arbitrary unary numerical predicates, which contains every regular "
                   "language in AC0",
    "hao2022": "Hao, Angluin, Frank 2022, Formal Language Recognition by Hard Attention "
               "Transformers: Perspectives from Circuit Complexity (TACL): UHAT ⊆ AC0",
    "fss1984": "Furst, Saxe, Sipser 1984, Parity, Circuits, and the Polynomial-Time "
               "Hierarchy (Math. Systems Theory); Håstad 1986, Almost optimal lower bounds "
               "for small depth circuits (STOC): parity is not in AC0",
    "bcst1992": "Barrington, Compton, Straubing, Thérien 1992, Regular languages in NC1 (JCSS): "
                "a regular language is in AC0 iff its syntactic morphism is quasi-aperiodic",
    "hahn2020": "Hahn 2020, Theoretical Limitations of Self-Attention in Neural Sequence Models "
                "(TACL): no robust (margin bounded away from 0) solution of parity",
    "chiang_cholak2022": "Chiang, Cholak 2022, Overcoming a Theoretical Limitation of "
                         "Self-Attention (ACL): soft attention computes parity with a margin "
                         "vanishing in the length",
    "minsky1967": "Minsky 1967, Computation: Finite and Infinite Machines (threshold networks "
                  "simulate any finite automaton)",
    "omlin_giles1996": "Omlin, Giles 1996, Constructing Deterministic Finite-State Automata in "
                       "Recurrent Neural Networks (JACM): stable encoding with sigmoid units",
    "merrill2019": "Merrill 2019, Sequential Neural Networks as Automata: saturated LSTMs hold "
                   "counters; saturated RNNs with finite state are finite automata",
    "weiss2018": "Weiss, Goldberg, Yahav 2018, On the Practical Computational Power of Finite "
                 "Precision RNNs for Language Recognition (ACL): LSTMs count",
    "krohn_rhodes": "Krohn and Rhodes 1965 (cascade decomposition into flip-flops and the groups "
                    "dividing the monoid)",
}


@fast_init
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
    ac0: bool | None = None
    parity_reduction: bool | None = None
    letter_group: bool | None = None
    witnesses: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Prediction:
    """One family's verdict. ``layers`` is a deprecated alias of ``max_layers``."""

    model: str
    expressible: str
    min_layers: int | None
    max_layers: int | None
    status: str
    reason: str
    reference: str
    rule: str = field(default="", compare=False)
    witness: dict | None = field(default=None, compare=False)

    @property
    def layers(self) -> int | None:
        """Deprecated (one release): the old ambiguous field, now ``max_layers``."""
        return self.max_layers

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["layers"] = self.max_layers          # deprecated alias, one release
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
    min_layers: str | None = None   # key of LAYERS
    max_layers: str | None = None   # key of LAYERS
    witness: str | None = None      # key of AlgebraFacts.witnesses


def _groups(f: AlgebraFacts) -> tuple[GroupInfo, ...]:
    return tuple(f.groups)


def _log2_exponent(f: AlgebraFacts) -> int | None:
    """⌈log2⌉ of the largest exponent of a group in M (all 2-groups: exact)."""
    exps = [g.exponent for g in _groups(f)]
    if not exps or any(e is None for e in exps):
        return None
    return max((int(e) - 1).bit_length() for e in exps)


CONDITIONS: dict[str, Cond] = {
    "counter": lambda f: not f.regular,
    "regular": lambda f: f.regular,
    "aperiodic": lambda f: f.regular and f.aperiodic is True,
    "not_aperiodic": lambda f: f.regular and f.aperiodic is False,
    "parity_like": lambda f: f.regular and f.parity_like,
    "mod3_like": lambda f: f.regular and f.mod3_like,
    "length_periodic": lambda f: f.regular and f.length_periodic,
    "parity_reduction": lambda f: f.regular and f.parity_reduction is True,
    "letter_group": lambda f: f.regular and f.letter_group is True,
    "ac0": lambda f: f.regular and f.ac0 is True,
    "not_ac0": lambda f: f.regular and f.ac0 is False,
    "not_ac0_padded": lambda f: (f.regular and f.ac0 is False
                                 and (f.witnesses.get("ac0") or {}).get("pad_letter") is not None),
    "group_elementary_2": lambda f: (f.regular and f.aperiodic is False and f.is_group is True
                                     and bool(f.groups)
                                     and all(g.elementary_2_length == 1 for g in _groups(f))),
    "group_2_group": lambda f: (f.regular and f.aperiodic is False and f.is_group is True
                                and bool(f.groups) and all(g.two_group for g in _groups(f))),
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
    "log2_exponent": lambda f: max(1, _log2_exponent(f) or 1),
    "max_elementary_2_length": lambda f: (max((g.elementary_2_length or 0 for g in _groups(f)),
                                              default=0) or None) if f.is_group else None,
}

_CTR_SSM = ("not at any fixed precision (a fixed-precision network is a finite automaton); with "
            "a gate of exactly 1 and ±1 increments a channel keeps a counter, at precision "
            "growing with the length")

RULES: tuple[Rule, ...] = (
    # --- non-negative gates (Mamba, Mamba-2, GLA, mLSTM-type)
    Rule("nonneg_counter", "ssm_nonnegative", "counter", "unbounded-precision",
         _CTR_SSM + " (gate 1 lies in [0, 1]; Mamba's exp(Δ·A) < 1 only approaches it)",
         ("sarrof2024",), "theorem"),
    Rule("nonneg_star_free", "ssm_nonnegative", "aperiodic", "yes",
         "the syntactic monoid is aperiodic (star-free): non-negative gates at finite precision "
         "model exactly the star-free languages, cascading flip-flop (reset) layers; the depth "
         "of the construction grows with the language and is not computed here",
         ("sarrof2024", "alsmann2026"), "theorem", "one"),
    Rule("nonneg_not_star_free", "ssm_nonnegative", "not_aperiodic", "no",
         "the syntactic monoid contains the group(s) {groups}, so the language is not star-free; "
         "non-negative gates at finite precision model exactly the star-free languages (the "
         "witness u w^k v has period > 1 in k; a stack of monotone maps is eventually constant "
         "on w^k)", ("sarrof2024",), "theorem", witness="nonstar_free"),
    # --- time-invariant (S4D-real, our exp(Δ·A) with constant Δ)
    Rule("ti_counter", "ssm_time_invariant", "counter", "unknown",
         "the constant gate is below 1, so a state driven by ±1 increments stays bounded; no "
         "cited result decides counter languages for this parameterisation", (), "none"),
    Rule("ti_parity", "ssm_time_invariant", "parity_like", "no",
         "this is parity (syntactic monoid Z_2, one letter fixes, one swaps): no stack of "
         "time-invariant diagonal layers computes it, whatever their eigenvalues (also mixed "
         "with input-dependent non-negative layers)", ("khavari2025",), "theorem",
         witness="parity_reduction"),
    Rule("ti_parity_reduction", "ssm_time_invariant", "parity_reduction", "no",
         "parity reduces to this language: replace 0 and 1 by the length-{red_k} words "
         "{red_e!r} and {red_g!r} (the monoid elements f = g², g with g³ = g, f fixing the "
         "initial state and g moving it) and append the fixed suffix {red_v!r}; a "
         "time-invariant stack for the language would compute parity, which no stack of "
         "time-invariant diagonal layers does, whatever their eigenvalues (for blocks longer "
         "than one letter the transfer is an argument in exact arithmetic; see "
         "docs/classification.md, R1)", ("khavari2025",), "derived", witness="parity_reduction"),
    Rule("ti_length_periodic", "ssm_time_invariant", "length_periodic", "no",
         "membership depends only on the length modulo {period}: a constant transition with "
         "an eigenvalue of modulus 1 (e.g. e^(2πi/{period})) would count it in one layer "
         "(Alsmann et al. 2026), but this family's constant gate is real in (0, 1), a special "
         "case of non-negative gates, which model only star-free languages",
         ("sarrof2024", "alsmann2026"), "derived", witness="nonstar_free"),
    Rule("ti_not_star_free", "ssm_time_invariant", "not_aperiodic", "no",
         "not star-free (groups {groups}); a constant real gate in (0, 1) is a special case of "
         "non-negative gates, which model only star-free languages at finite precision",
         ("sarrof2024",), "derived", witness="nonstar_free"),
    Rule("ti_star_free", "ssm_time_invariant", "aperiodic", "unknown",
         "star-free, but the known constructions reset (gate 0) on some letters and keep "
         "(gate 1) on others, which needs input-dependent gates; no cited result decides "
         "constant-gate stacks here", (), "none"),
    # --- signed real diagonal gates in [-1, 1]
    Rule("signed_counter", "ssm_signed", "counter", "unbounded-precision",
         _CTR_SSM + " (gate 1 lies in [-1, 1])", ("sarrof2024",), "derived"),
    Rule("signed_star_free", "ssm_signed", "aperiodic", "yes",
         "star-free: the non-negative-gate construction (gates in [0, 1] ⊂ [-1, 1]) applies",
         ("sarrof2024",), "theorem", "one"),
    Rule("signed_mod3", "ssm_signed", "mod3_like", "no",
         "counting modulo 3: diagonal real gates cannot, however stacked (the witness's period "
         "is 3, and a stack of k real diagonal layers has period dividing 2^k on w^k)",
         ("grazzi2025",), "theorem", witness="odd_period"),
    Rule("signed_odd", "ssm_signed", "odd_prime_group", "no",
         "the monoid contains {groups}, whose order has an odd prime factor p, so some word w "
         "has an element of order p and u w^k v has period p in k; on w^k each real diagonal "
         "channel with gates in [-1, 1] is a monotone map per block (decreasing at most), so "
         "k layers have period dividing 2^k: no depth realises an odd period",
         ("grazzi2025", "sarrof2024"), "derived", witness="odd_period"),
    Rule("signed_parity", "ssm_signed", "parity_like", "yes",
         "parity: one channel with gate -1 on the counted letters solves it in one layer",
         ("grazzi2025",), "theorem", "one", "one"),
    Rule("signed_z2k", "ssm_signed", "group_elementary_2", "yes",
         "the syntactic monoid is the group {groups} = Z_2^k: one sign channel per factor, one "
         "layer", ("grazzi2025",), "derived", "one", "one"),
    Rule("signed_2_group", "ssm_signed", "group_2_group", "yes",
         "the syntactic monoid is the 2-group {groups}: its Frattini series has elementary "
         "abelian (Z_2^k) factors, each one layer of sign channels whose gates read the lower "
         "layers (a cascade); at least ⌈log2 exponent⌉ layers, since k real diagonal layers "
         "have period dividing 2^k on a repeated word",
         ("grazzi2025", "krohn_rhodes"), "derived", "log2_exponent", "max_elementary_2_length"),
    Rule("signed_2_groups", "ssm_signed", "all_2_groups", "yes",
         "every group in the monoid ({groups}) is a 2-group (composition factors Z_2): cascade "
         "sign-gate layers with flip-flop layers (Krohn–Rhodes); at least ⌈log2 exponent⌉ "
         "layers; the depth of the cascade is not computed here",
         ("grazzi2025", "sarrof2024", "krohn_rhodes"), "derived", "log2_exponent"),
    Rule("signed_unknown", "ssm_signed", "always", "unknown",
         "the algebra needed by the rule is unknown (over budget)", (), "none"),
    # --- complex diagonal
    Rule("complex_counter", "ssm_complex", "counter", "unbounded-precision",
         _CTR_SSM + " (gate 1 is allowed)", ("sarrof2024",), "derived"),
    Rule("complex_star_free", "ssm_complex", "aperiodic", "yes",
         "star-free: the non-negative-gate construction applies (non-negative gates are "
         "complex gates)", ("sarrof2024",), "theorem", "one"),
    Rule("complex_group", "ssm_complex", "group_solvable", "yes",
         "the syntactic monoid is the solvable group {groups}; k diagonal layers track a group "
         "iff it has a subnormal series of length k with abelian factors, i.e. k ≥ its derived "
         "length", ("shakerinava2026",), "theorem", "max_derived_length", "max_derived_length"),
    Rule("complex_group_nonsolvable", "ssm_complex", "group_nonsolvable", "no",
         "the syntactic monoid is the non-solvable group {groups}: it has no subnormal series "
         "with abelian factors, so no number of diagonal layers tracks it",
         ("shakerinava2026", "merrill2024"), "theorem", witness="nonsolvable"),
    Rule("complex_nonsolvable", "ssm_complex", "some_nonsolvable", "no",
         "the monoid contains the non-solvable group(s) {nonsolvable}, so the language is "
         "NC1-complete; diagonal SSMs at log precision lie in TC0: no, unless TC0 = NC1",
         ("merrill2024", "barrington1989"), "theorem", witness="nonsolvable"),
    Rule("complex_solvable", "ssm_complex", "all_solvable", "yes",
         "every group in the monoid ({groups}) is solvable: cascade abelian (complex diagonal) "
         "layers with flip-flop layers (Krohn–Rhodes); the cascade's depth is not computed here",
         ("shakerinava2026", "sarrof2024", "krohn_rhodes"), "derived", "one"),
    Rule("complex_unknown", "ssm_complex", "always", "unknown",
         "the algebra needed by the rule is unknown (over budget)", (), "none"),
    # --- products of generalized Householder matrices, eigenvalues in [-1, 1]
    Rule("householder_counter", "lrnn_householder", "counter", "unbounded-precision",
         "not at any fixed precision; an identity transition (β = 0) with ±1 increments "
         "counts, at precision growing with the length", ("grazzi2025", "sarrof2024"),
         "derived"),
    Rule("householder_regular", "lrnn_householder", "regular", "yes",
         "products of generalized Householder matrices with eigenvalues in [-1, 1] recognise "
         "every regular language with finitely many layers (permutations as products of "
         "reflections, resets as projections, cascaded); the depth is not computed here",
         ("grazzi2025",), "theorem", "one"),
    # --- the same with eigenvalues in [0, 1]
    Rule("householder_pos_counter", "lrnn_householder_positive", "counter",
         "unbounded-precision",
         "not at any fixed precision; an identity transition (β = 0) with ±1 increments "
         "counts, at precision growing with the length", ("grazzi2025", "sarrof2024"),
         "derived"),
    Rule("householder_pos_parity", "lrnn_householder_positive", "parity_like", "no",
         "parity: finite-precision LRNNs whose transition matrices have only non-negative "
         "eigenvalues cannot solve it, with any number of layers", ("grazzi2025",), "theorem",
         witness="letter_period"),
    Rule("householder_pos_letter", "lrnn_householder_positive", "letter_group", "no",
         "a single letter a has a cycle (u a^k v has period > 1 in k): the argument of "
         "Grazzi et al.'s parity theorem applies verbatim — on a repeated input each layer "
         "multiplies by one matrix with eigenvalues in [0, 1], so at finite precision its "
         "output is eventually constant, and so is every later layer's",
         ("grazzi2025",), "derived", witness="letter_period"),
    Rule("householder_pos_star_free", "lrnn_householder_positive", "aperiodic", "yes",
         "star-free: a Householder factor with β = 1 and a delta-rule write overwrites a key "
         "(a reset), so flip-flop layers cascade as in the non-negative-gate construction "
         "(Krohn–Rhodes); the depth is not computed here",
         ("grazzi2025", "sarrof2024", "krohn_rhodes"), "derived", "one"),
    Rule("householder_pos_unknown", "lrnn_householder_positive", "not_aperiodic", "unknown",
         "not star-free, but no single letter generates the group: products of several "
         "matrices with eigenvalues in [0, 1] can have complex eigenvalues, and no cited "
         "result decides this case", (), "none"),
    # --- LSTM
    Rule("lstm_counter", "lstm", "counter", "unbounded-precision",
         "not at any fixed precision (a finite-state network); the cell can hold a counter "
         "whose values grow with the length", ("merrill2019", "weiss2018"), "derived"),
    Rule("lstm_regular", "lstm", "regular", "yes",
         "a finite automaton is simulated by one recurrent layer (one unit per state–symbol "
         "pair, saturated gates)", ("minsky1967", "omlin_giles1996", "merrill2019"),
         "theorem", "one", "one"),
    # --- masked hard attention, strict masking, no positional encoding
    Rule("masked_hard_counter", "transformer_masked_hard", "counter", "no",
         "this class recognises exactly the star-free regular languages, so no non-regular "
         "language", ("yang2024",), "theorem"),
    Rule("masked_hard_star_free", "transformer_masked_hard", "aperiodic", "yes",
         "star-free: masked hard-attention transformers (strict masking, no positional "
         "encoding) recognise exactly the star-free languages; depth grows with the language",
         ("yang2024",), "theorem", "one"),
    Rule("masked_hard_not_star_free", "transformer_masked_hard", "not_aperiodic", "no",
         "not star-free (groups {groups}); this class recognises exactly the star-free "
         "languages", ("yang2024",), "theorem", witness="nonstar_free"),
    # --- unique hard attention with arbitrary positional encodings
    Rule("hard_pe_counter", "transformer_hard_pe", "counter", "unknown",
         "AC0 membership of a non-regular language is not computed here (some are in AC0, "
         "e.g. a^n b^n: for each length the letters at fixed positions decide it)", (), "none"),
    Rule("hard_pe_ac0", "transformer_hard_pe", "ac0", "yes",
         "L is regular and in AC0 (its syntactic morphism is quasi-aperiodic: the stable "
         "semigroup η(Σ^{ac0_s}) holds no non-trivial group), so it is definable in first-order "
         "logic with modular predicates, which unique-hard-attention transformers with "
         "positional encodings recognise", ("bcst1992", "barcelo2024"), "theorem", "one"),
    Rule("hard_pe_star_free", "transformer_hard_pe", "aperiodic", "yes",
         "star-free (the AC0 test was not run): star-free languages are first-order definable "
         "(McNaughton–Papert), a fragment of the logic unique-hard-attention transformers with "
         "positional encodings recognise", ("barcelo2024",), "theorem", "one"),
    Rule("hard_pe_not_ac0_padded", "transformer_hard_pe", "not_ac0_padded", "no",
         "L is not in AC0: the letter {ac0_pad!r} permutes the states, so padding with its "
         "powers puts a non-trivial cyclic group (order {ac0_order}, generated by the element "
         "of the witness word of length {ac0_len}) inside η(Σ^{ac0_len}) and the syntactic "
         "morphism is not quasi-aperiodic (the length levels were over budget); "
         "unique-hard-attention transformers recognise only languages in AC0",
         ("bcst1992", "hao2022"), "derived", witness="not_ac0"),
    Rule("hard_pe_not_ac0", "transformer_hard_pe", "not_ac0", "no",
         "L is not in AC0: the stable semigroup η(Σ^{ac0_s}) contains a non-trivial group (the "
         "witness word of length {ac0_s}); unique-hard-attention transformers recognise only "
         "languages in AC0", ("bcst1992", "hao2022"), "theorem", witness="not_ac0"),
    Rule("hard_pe_nonsolvable", "transformer_hard_pe", "some_nonsolvable", "no",
         "the AC0 test is over budget, but the monoid contains the non-solvable group(s) "
         "{nonsolvable}: L is NC1-complete under AC0 reductions, and parity is in NC1 but "
         "not in AC0, so L is not in AC0; unique-hard-attention transformers recognise only "
         "languages in AC0", ("barrington1989", "fss1984", "hao2022"), "derived",
         witness="nonsolvable"),
    # --- soft attention with trained encodings
    Rule("soft_counter", "transformer_soft", "counter", "unknown",
         "no cited result decides this counter language for soft attention with these "
         "encodings", (), "none"),
    Rule("soft_nonsolvable", "transformer_soft", "some_nonsolvable", "no",
         "the monoid contains the non-solvable group(s) {nonsolvable}, so the language is "
         "NC1-complete; log-precision soft-attention transformers lie in uniform TC0: no, "
         "unless TC0 = NC1", ("merrill_sabharwal2023", "barrington1989"), "theorem",
         witness="nonsolvable"),
    Rule("soft_parity", "transformer_soft", "parity_like", "unknown",
         "parity: no robust solution (margin bounded away from 0) exists for soft attention "
         "(Hahn 2020), but one with a margin vanishing in the length does (Chiang & Cholak "
         "2022); neither settles exact recognition by this class", (), "none"),
    Rule("soft_unknown", "transformer_soft", "regular", "unknown",
         "no cited result decides this language for soft attention with trained positional "
         "encodings", (), "none"),
    # --- fall-back for every family
    *(Rule(f"{fam}_unknown_fallback", fam, "always", "unknown",
           "no cited result applies (or the algebra it needs is over budget)", (), "none")
      for fam in FAMILIES),
)


def _context(f: AlgebraFacts) -> dict[str, Any]:
    names = [g.name or f"a group of order {g.order}" for g in _groups(f)]
    red = f.witnesses.get("parity_reduction") or {}
    ac0 = f.witnesses.get("ac0") or {}
    nonsolvable = [g.name or f"a group of order {g.order}" for g in _groups(f) if not g.solvable]
    return {"groups": ", ".join(names) if names else "a non-trivial group (not identified: over "
                                                      "budget)",
            "nonsolvable": ", ".join(nonsolvable) or "?",
            "period": f.period,
            "red_k": red.get("block_length", "k"), "red_e": red.get("zero", "?"),
            "red_g": red.get("one", "?"), "red_v": red.get("v", "?"),
            "ac0_s": ac0.get("stable_index", "s"),
            "ac0_pad": ac0.get("pad_letter", "?"), "ac0_order": ac0.get("group_order", "?"),
            "ac0_len": ac0.get("word_length", "?")}


def _rules_by_family() -> dict[str, tuple[tuple[Rule, str, Cond, bool], ...]]:
    """Each family's rules in :data:`RULES` order, each with its reference line, its
    condition and whether its reason is a template with fields."""
    return {fam: tuple((r, "; ".join(REFERENCES[x] for x in r.references) or "—",
                        CONDITIONS[r.when], "{" in r.reason)
                       for r in RULES if r.family == fam) for fam in FAMILIES}


_BY_FAMILY = _rules_by_family()


def _prediction(fields: dict) -> Prediction:
    """A :class:`Prediction` with these fields, without the frozen dataclass's per-field
    ``object.__setattr__`` (``predict`` makes one per family on every classification; the
    class has no ``__post_init__`` or validation to skip)."""
    p = object.__new__(Prediction)
    p.__dict__.update(fields)
    return p


#: the predictions of rules without reason fields or witness, by (rule, min, max layers):
#: immutable, so one object serves every classification that reaches them
_SHARED: dict[tuple, Prediction] = {}


def predict(facts: AlgebraFacts) -> tuple[Prediction, ...]:
    """Apply :data:`RULES`: one :class:`Prediction` per family, in :data:`FAMILIES` order
    (the first rule of the family whose condition holds)."""
    ctx = None                                  # the reasons' fields, made when one needs them
    out = []
    for fam in FAMILIES:
        for rule, reference, when, template in _BY_FAMILY[fam]:
            if not when(facts):
                continue
            lo = LAYERS[rule.min_layers](facts) if rule.min_layers else None
            hi = LAYERS[rule.max_layers](facts) if rule.max_layers else None
            key = None if (template or rule.witness) else (rule.name, lo, hi)
            pred = _SHARED.get(key) if key is not None else None
            if pred is None:
                wit = facts.witnesses.get(rule.witness) if rule.witness else None
                if template and ctx is None:
                    ctx = _context(facts)
                pred = _prediction({
                    "model": fam, "expressible": rule.verdict, "min_layers": lo,
                    "max_layers": hi, "status": rule.status,
                    "reason": rule.reason.format_map(ctx) if template else rule.reason,
                    "reference": reference, "rule": rule.name, "witness": wit})
                if key is not None:
                    if len(_SHARED) >= 4096:
                        _SHARED.clear()
                    _SHARED[key] = pred
            out.append(pred)
            break
    return tuple(out)
