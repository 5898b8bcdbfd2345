"""The rules table: well-formed, families stated, statuses, and witnesses that refute their family
(every witness is checked by running the DFA)."""
from __future__ import annotations

import numpy as np
import pytest

from automata.classify import classify
from automata.errors import AutomatonError
from automata.languages import get_language, list_languages
from automata.verdicts import (FAMILIES, FAMILY_STATEMENTS, REFERENCES, RULES, STATUSES, VERDICTS,
                               AlgebraFacts, Prediction, predict)

F = ("ssm_nonnegative", "ssm_time_invariant", "ssm_signed", "ssm_complex", "lrnn_householder",
     "lrnn_householder_positive", "lstm", "transformer_masked_hard", "transformer_hard_pe",
     "transformer_soft")


def test_table_is_well_formed():
    assert FAMILIES == F
    assert set(FAMILY_STATEMENTS) == set(F) and all(len(s) > 40 for s in FAMILY_STATEMENTS.values())
    for r in RULES:
        assert r.family in FAMILIES and r.verdict in VERDICTS and r.status in STATUSES
        assert all(ref in REFERENCES for ref in r.references)
        assert (r.verdict == "unknown") == (r.status == "none")
        assert (r.status == "none") == (not r.references), r.name
        if r.verdict != "yes":                       # layer bounds only for a yes
            assert r.min_layers is None and r.max_layers is None, r.name
        else:
            assert r.min_layers is not None, r.name  # a proven lower bound (at least 1)
    for fam in FAMILIES:                             # every family ends in a catch-all
        assert [r for r in RULES if r.family == fam][-1].when == "always"
    assert len({r.name for r in RULES}) == len(RULES)


def test_statements_say_the_model_class():
    s = FAMILY_STATEMENTS
    assert "no positional encoding" in s["transformer_masked_hard"] and "strict" in s["transformer_masked_hard"]
    assert "arbitrary positional encodings" in s["transformer_hard_pe"]
    assert "modulus exactly 1" in s["ssm_time_invariant"] and "(0, 1)" in s["ssm_time_invariant"]
    assert "[-1, 1]" in s["lrnn_householder"] and "[0, 1]" in s["lrnn_householder_positive"]
    assert all("precision" in v for v in s.values())


def test_prediction_fields_and_alias():
    p = Prediction("lstm", "yes", 1, 1, "theorem", "r", "ref")
    assert p.layers == 1 and p.to_dict()["layers"] == 1
    d = p.to_dict()
    assert {"model", "expressible", "min_layers", "max_layers", "status", "reason",
            "reference", "witness"} <= set(d)
    c = classify("parity")
    assert c.prediction("lstm").max_layers == 1
    with pytest.raises(AutomatonError):
        c.prediction("transformer")                  # the retired family


def test_statuses_of_key_theorems():
    p = {x.model: x for x in classify("parity").predictions}
    assert p["ssm_time_invariant"].status == "theorem" and "Khavari" in p["ssm_time_invariant"].reference
    assert p["ssm_signed"].status == "theorem" and "Grazzi" in p["ssm_signed"].reference
    assert p["ssm_nonnegative"].status == "theorem" and "Sarrof" in p["ssm_nonnegative"].reference
    assert "Hao" in p["transformer_hard_pe"].reference
    t3 = {x.model: x for x in classify("tomita3").predictions}
    assert t3["ssm_signed"].status == "derived"
    assert t3["transformer_hard_pe"].expressible == "yes" and "Barceló" in t3["transformer_hard_pe"].reference
    s5 = {x.model: x for x in classify("word_problem_s5").predictions}
    assert "Merrill" in s5["ssm_complex"].reference
    lstm = classify("tomita1").prediction("lstm")
    assert "Siegelmann" not in lstm.reference and "Omlin" in lstm.reference      # issue 10, point 5


def test_signed_odd_rule_reason_is_consistent():
    # issue 10, point 4: the reason must not say "exponent 2" (Z_4 and Z_8 are "yes")
    r = classify("word_problem_s3").prediction("ssm_signed")
    assert r.expressible == "no" and "exponent 2" not in r.reason
    assert r.witness["period"] == 3 and r.witness["w"] == "b"
    assert classify("word_problem_z4").prediction("ssm_signed").expressible == "yes"


def test_time_invariant_length_periodic_is_not_yes():
    # issue 10, point 2: |λ| < 1 (our parameterisation) does not count the length modulo m
    p = classify("aa_star").prediction("ssm_time_invariant")
    assert p.expressible == "no" and "modulus 1" in p.reason and "Alsmann" in p.reference


def test_unknown_algebra_falls_through():
    preds = {p.model: p for p in predict(AlgebraFacts(regular=True))}
    assert preds["lstm"].expressible == "yes" and preds["lrnn_householder"].expressible == "yes"
    for fam in ("ssm_nonnegative", "ssm_signed", "ssm_complex", "transformer_masked_hard",
                "transformer_hard_pe", "lrnn_householder_positive"):
        assert preds[fam].expressible == "unknown", fam


# ------------------------------------------------------------------ witnesses refute the family
def _least_period(seq):
    n = len(seq)
    return next(q for q in range(1, n) if all(seq[i] == seq[i + q] for i in range(n - q)))


def _check_period(d, w):
    u, x, v, p = w["u"], w["w"], w["v"], w["period"]
    seq = [d.accepts(u + x * k + v) for k in range(4 * p)]
    assert _least_period(seq) == p > 1
    return p, x


def _check_parity_reduction(d, w):
    zero, one, v, even = w["zero"], w["one"], w["v"], w["even_accepted"]
    assert len(zero) == len(one) == w["block_length"]
    for n in range(9):
        for bits in range(2 ** n):
            x = [(bits >> t) & 1 for t in range(n)]
            word = "".join(one if b else zero for b in x) + v
            assert d.accepts(word) == (even == (sum(x) % 2 == 0))


def _check_nonsolvable(d, w):
    import numpy as np
    from sympy.combinatorics import Permutation, PermutationGroup

    image = w["image"]
    pos = {q: i for i, q in enumerate(image)}
    perms = []
    for word in w["words"]:
        t = np.arange(d.n_states)
        for a in word:
            t = d.delta[t, d.alphabet.index(a)]
        perms.append(Permutation([pos[int(t[q])] for q in image]))
    g = PermutationGroup(perms)
    assert int(g.order()) == w["order"] and not g.is_solvable


def _regular_names():
    return [n for n in list_languages() if get_language(n).dfa is not None]


@pytest.mark.parametrize("name", _regular_names())
def test_witnesses_refute_their_family(name):
    _check_witnesses(get_language(name).dfa, classify(name))


def test_witnesses_refute_their_family_on_random_dfas():
    from hypothesis import given, settings

    from tests.automata.strategies import dfas

    @settings(max_examples=60, deadline=None)
    @given(dfas(max_states=5, alphabet="abc"))
    def check(d):
        _check_witnesses(d, classify(d))

    check()


def _check_witnesses(d, c):
    for p in c.predictions:
        w = p.witness
        if p.expressible != "no":
            assert w is None, (p.model, p.rule)
            continue
        if w is None:
            continue
        if "period" in w:
            period, word = _check_period(d, w)
            if p.model == "ssm_signed":              # an odd period: no power of 2
                assert period & (period - 1) != 0 and period % 2 == 1
            if p.model == "transformer_hard_pe":     # a word of the stable length s
                assert len(word) == w["stable_index"] == c.ac0["stable_index"]
            if p.model == "lrnn_householder_positive":
                assert len(word) == 1                # a single repeated letter
        elif "block_length" in w:
            assert p.model == "ssm_time_invariant"
            _check_parity_reduction(d, w)
        else:
            assert p.model in ("ssm_complex", "transformer_soft")
            _check_nonsolvable(d, w)


def test_every_no_on_the_registry_has_a_witness():
    missing = []
    for name in _regular_names():
        for p in classify(name).predictions:
            if p.expressible == "no" and p.witness is None:
                missing.append((name, p.model))
    assert not missing


# ------------------------------------------------------------------ consistency with class inclusions
# A ⊆ B as model classes: time-invariant real (0,1) ⊂ [0,1] ⊂ [-1,1] ⊂ complex gates; diagonal
# gates d = products of Householder factors I - (1 - d_i) e_i e_iᵀ (β = 1 - d_i), so
# non-negative ⊆ Householder positive ⊆ Householder, signed ⊆ Householder.
INCLUSIONS = [("ssm_time_invariant", "ssm_nonnegative"), ("ssm_nonnegative", "ssm_signed"),
              ("ssm_signed", "ssm_complex"), ("ssm_nonnegative", "lrnn_householder_positive"),
              ("lrnn_householder_positive", "lrnn_householder"),
              ("ssm_signed", "lrnn_householder")]


def _consistent(c):
    p = {x.model: x.expressible for x in c.predictions}
    for small, big in INCLUSIONS:
        if p[small] == "yes":
            assert p[big] == "yes", (small, big, p)
        if p[big] == "no":
            assert p[small] == "no", (small, big, p)
    # star-free = masked hard attention; star-free ⊆ AC0 = UHAT with positional encodings
    if p["transformer_masked_hard"] == "yes":
        assert p["transformer_hard_pe"] == "yes" and p["ssm_nonnegative"] == "yes"


@pytest.mark.parametrize("name", list_languages())
def test_verdicts_respect_class_inclusions(name):
    _consistent(classify(name))


def test_verdicts_respect_class_inclusions_on_random_dfas():
    from hypothesis import given, settings

    from tests.automata.strategies import dfas

    @settings(max_examples=60, deadline=None)
    @given(dfas(max_states=5, alphabet="ab"))
    def check(d):
        _consistent(classify(d))

    check()


def test_parity_reduction_check_runs_the_dfa():
    """The reduction's check composes each block's state map read off the transitions: the
    same states as running the DFA letter by letter, from every state."""
    import numpy as np

    from automata.classify import _word_map
    from automata.languages import get_language

    d = get_language("word_problem_s5").dfa
    rng = np.random.default_rng(3)
    for _ in range(20):
        word = rng.integers(0, d.n_symbols, size=int(rng.integers(0, 9))).tolist()
        sym = [d.alphabet[a] for a in word]
        assert _word_map(d, word) == [d.run(sym, start=q) for q in range(d.n_states)]


def test_uhat_when_the_ac0_test_is_over_budget():
    """T_6's length levels pass the AC0 budget. Its letter t permutes the states, so the padded
    certificate decides (R10: "no", derived). A monoid holding S_5 with no permutation letter,
    over a small budget, gets "no" from the non-solvable group (R9: NC1-complete, parity not
    in AC0). T_5, whose levels recur within the budget, keeps the AC0 certificate's rule. The
    non-solvable rules name only the non-solvable groups."""
    from automata.classify import Budget
    from automata.dfa import DFA

    def tn(n):
        return np.array([[(i + 1) % n for i in range(n)], [1, 0] + list(range(2, n)),
                         [1] + list(range(1, n))])

    c6 = classify(DFA(["c", "t", "e"], tn(6).T, 0, [0]))
    assert any("AC0 test" in n for n in c6.notes)
    assert c6.ac0["ac0"] is False and c6.ac0["pad_letter"] == "t"
    p = c6.prediction("transformer_hard_pe")
    assert (p.expressible, p.rule, p.status) == ("no", "hard_pe_not_ac0_padded", "derived")
    assert "'t' permutes the states" in p.reason and "η(Σ^10)" in p.reason
    reason = c6.prediction("transformer_soft").reason
    assert "S_5, S_6" in reason and "S_4" not in reason and "Z_2" not in reason
    five = np.array([[1, 2, 3, 4, 0, 0], [1, 0, 2, 3, 4, 0], [1, 1, 2, 3, 4, 0]])
    c = classify(DFA(["c", "t", "e"], five.T, 5, [0]), budget=Budget(ac0_max_elements=50))
    assert c.ac0 is None and any("AC0 test" in n for n in c.notes)
    p = c.prediction("transformer_hard_pe")
    assert (p.expressible, p.rule, p.status) == ("no", "hard_pe_nonsolvable", "derived")
    assert "S_5" in p.reason and "S_4" not in p.reason and "Z_2" not in p.reason
    c5 = classify(DFA(["c", "t", "e"], tn(5).T, 0, [0]))
    assert c5.ac0 is not None and not c5.ac0["ac0"]
    assert c5.prediction("transformer_hard_pe").rule == "hard_pe_not_ac0"


def test_parity_check_equals_running_every_word():
    """The reduction's check over (state, parity) pairs gives the same answer as running
    each x of length ≤ 6 on random maps, and it rejects as well as accepts."""
    import numpy as np

    from automata.classify import _parity_holds

    rng = np.random.default_rng(11)
    seen = set()
    for _ in range(400):
        n = int(rng.integers(1, 5))
        zero, one = rng.integers(0, n, n).tolist(), rng.integers(0, n, n).tolist()
        acc = (rng.random(n) < 0.5).tolist()
        q0 = int(rng.integers(0, n))
        brute = True
        for length in range(7):
            for bits in range(2 ** length):
                q = q0
                for t in range(length):
                    q = one[q] if (bits >> t) & 1 else zero[q]
                if acc[q] != (acc[q0] == (bin(bits).count("1") % 2 == 0)):
                    brute = False
        assert _parity_holds(zero, one, acc, q0, 6) == brute
        seen.add(brute)
    assert seen == {True, False}
