"""automata.ac0: the quasi-aperiodicity (AC0) test against a brute force over words, and its
certificate checked by running the DFA."""
from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings

from automata.ac0 import ac0_certificate, cycle_order, length_levels, padded_certificate
from automata.classify import Budget, classify
from automata.dfa import DFA
from automata.errors import BudgetExceededError
from tests.automata.strategies import dfas

K = 10          # brute force over every word of length <= K


def _brute_levels(d: DFA, k_max: int):
    """S_k = {transformation of w : |w| = k} by running every word."""
    out = []
    for k in range(1, k_max + 1):
        s = set()
        for w in itertools.product(range(d.n_symbols), repeat=k):
            t = np.arange(d.n_states)
            for a in w:
                t = d.delta[t, a]
            s.add(tuple(int(x) for x in t))
        out.append(s)
    return out


def _holds_cyclic_group(level: set) -> bool:
    """Whether the set of transformations contains a non-trivial (cyclic) group {x, x², …, x^p}
    (x^(p+1) = x, p > 1) — every non-trivial group contains one."""
    for x in level:
        x = np.array(x)
        p = cycle_order(x)
        if p == 1:
            continue
        powers, y = [x], x
        for _ in range(p):
            y = y[x]                             # y <- y·x
            powers.append(y)
        if np.array_equal(powers[p], x) and all(tuple(int(v) for v in z) in level
                                                 for z in powers[:p]):
            return True
    return False


# 60 examples took 19 s on the loaded 2-core machine; 15 by default, 60 under --runslow.
@settings(max_examples=60 if "--runslow" in sys.argv else 15, deadline=None)
@given(dfas(max_states=4, alphabet="ab"))
def test_against_brute_force(d):
    d = d.minimize()
    c = ac0_certificate(d)
    assume(2 * c.stable_index <= K)
    lv = _brute_levels(d, K)
    s = c.stable_index
    assert lv[s - 1] == lv[2 * s - 1]                               # S_s = S_2s
    assert all(lv[t - 1] != lv[2 * t - 1] for t in range(1, s))     # ... and s is the least
    assert c.stable_size == len(lv[s - 1])
    has_group = any(_holds_cyclic_group(level) for level in lv)
    assert c.ac0 == (not has_group)
    if not c.ac0:
        assert len(c.word) == s and c.group_order > 1
        t = np.arange(d.n_states)
        for a in c.word:
            t = d.delta[t, d.alphabet.index(a)]
        assert tuple(int(x) for x in t) in lv[s - 1] and cycle_order(t) == c.group_order


@pytest.mark.parametrize("pattern,alphabet,expected", [
    ("(aa)*", "a", True), ("(aaaa)*", "a", True), ("(abab)*", "ab", True),
    ("((a|b)(a|b))*", "ab", True), ("(aa|b)*", "ab", True), ("(a(a|b))*", "ab", True),
    ("(b*ab*a)*b*", "ab", False),                                  # parity of a's
    ("~(.*aa.*)", "ab", True), ("(b|ab*a)*", "ab", False)])
def test_known_languages(pattern, alphabet, expected):
    c = classify(regex=pattern, alphabet=alphabet)
    assert c.ac0["ac0"] is expected
    assert c.prediction("transformer_hard_pe").expressible == ("yes" if expected else "no")


@pytest.mark.parametrize("name,expected", [
    ("aa_star", True), ("aaaa_star", True), ("abab_star", True), ("tomita3", True),
    ("word_problem_z4", True), ("parity", False), ("tomita5", False), ("tomita6", False),
    ("mod_3", False), ("word_problem_s3", False), ("flip_flop", True)])
def test_registry(name, expected):
    assert classify(name).ac0["ac0"] is expected


def test_certificate_word_has_a_period():
    c = classify("mod_3")
    w = c.prediction("transformer_hard_pe").witness
    assert w["stable_index"] == c.ac0["stable_index"] == len(c.ac0["word"])
    assert "not in AC0" in c.ac0["statement"]


def test_budget():
    gens = np.array([[(i + 1) % 7 for i in range(7)], [1, 0] + list(range(2, 7)),
                     [1] + list(range(1, 7))])
    d = DFA(["c", "t", "e"], gens.T, 0, [0])
    with pytest.raises(BudgetExceededError):
        length_levels(d, max_elements=50)
    c = classify(d, budget=Budget(ac0_max_elements=50))
    assert any("AC0 test" in n for n in c.notes)
    # T_7 over budget: its letters c and t permute the states, so the padded certificate
    # decides (R10); without a permutation letter, S_5 inside still decides (R9)
    assert c.ac0["ac0"] is False and c.ac0["stable_index"] is None
    assert c.prediction("transformer_hard_pe").rule == "hard_pe_not_ac0_padded"
    s5_inside = _s5_without_permutation_letters()
    c5 = classify(s5_inside, budget=Budget(ac0_max_elements=50))
    assert c5.ac0 is None and any("AC0 test" in n for n in c5.notes)
    assert c5.prediction("transformer_hard_pe").rule == "hard_pe_nonsolvable"
    t4 = DFA(["c", "t", "e"], np.array([[1, 2, 3, 0], [1, 0, 2, 3], [1, 1, 2, 3]]).T, 0, [0])
    c4 = classify(t4, budget=Budget(ac0_max_elements=50))          # S_4: solvable, padded
    assert c4.ac0["ac0"] is False and c4.prediction("transformer_hard_pe").expressible == "no"
    assert classify(t4).ac0["ac0"] is False                         # the walk agrees
    assert padded_certificate(_no_permutation_letter()) is None
    sf = classify("tomita4", budget=Budget(ac0_max_elements=1))     # star-free: yes without AC0
    assert sf.ac0 is None and sf.prediction("transformer_hard_pe").rule == "hard_pe_star_free"


def test_levels_on_the_cayley_graph_equal_the_direct_ones():
    """length_levels(cayley=...) walks the enumerated monoid's right Cayley graph; sets, their
    order, parents, letters, start and period are those of the direct computation (also for
    more than 255 states, where the byte order of int32 rows is not the numeric one)."""
    import numpy as np

    from automata.dfa import DFA
    from automata.froidure_pin import froidure_pin

    rng = np.random.default_rng(11)
    cases = []
    for _ in range(40):
        n, k = int(rng.integers(2, 7)), int(rng.integers(1, 4))
        cases.append(DFA("abc"[:k], rng.integers(0, n, size=(n, k)), 0, [0]))
    # 260 states: a 4-cycle on 4 blocks of 65 states each and a map onto 0 .. 3 of rank 4
    n = 260
    a = (np.arange(n) + 65) % n
    b = np.arange(n) % 4
    cases.append(DFA("ab", np.stack([a, b]).T, 0, [0]))
    for d in cases:
        try:
            a = length_levels(d, max_elements=50_000)
        except BudgetExceededError:
            with pytest.raises(BudgetExceededError):
                length_levels(d, max_elements=50_000,
                              cayley=froidure_pin(np.asarray(d.delta).T, max_size=10 ** 7))
            continue
        b = length_levels(d, max_elements=50_000,
                          cayley=froidure_pin(np.asarray(d.delta).T, max_size=10 ** 7))
        assert (a.start, a.period, len(a.sets)) == (b.start, b.period, len(b.sets))
        for x, y, p, q, s, t in zip(a.sets, b.sets, a.parent, b.parent, a.letter, b.letter):
            assert np.array_equal(x, y) and np.array_equal(p, q) and np.array_equal(s, t)


def test_levels_in_index_order_are_the_same_sets_with_valid_words():
    """byte_order=False (what the AC0 test of an aperiodic monoid asks for): each level is the
    same set of elements in index order, start and period agree, and every element's word
    (parents, letters) still gives it."""
    from automata.froidure_pin import froidure_pin
    from automata.monoid import compose

    rng = np.random.default_rng(5)
    compared = 0
    for _ in range(40):
        n, k = int(rng.integers(2, 8)), int(rng.integers(1, 4))
        d = DFA("abc"[:k], rng.integers(0, n, size=(n, k)), 0, [0])
        fp = froidure_pin(np.asarray(d.delta).T, max_size=10 ** 6)
        try:
            a = length_levels(d, max_elements=20_000, cayley=fp)
        except BudgetExceededError:
            continue
        b = length_levels(d, max_elements=20_000, cayley=fp, byte_order=False)
        assert (a.start, a.period, len(a.sets)) == (b.start, b.period, len(b.sets))
        # the rows of an index-order walk are unpacked when a level is first read: the
        # certificate (which then reads the stable level's rows) agrees, its word (another
        # first one) of length s with an element of the order it states
        ca, cb = ac0_certificate(d, levels=a), ac0_certificate(d, levels=b)
        assert (ca.ac0, ca.stable_index, ca.stable_size) == \
            (cb.ac0, cb.stable_index, cb.stable_size)
        if not cb.ac0:
            e = np.arange(n)
            for letter in cb.word:
                e = compose(e, np.asarray(d.delta)[:, d.alphabet.index(letter)])
            assert len(cb.word) == cb.stable_index and cycle_order(e) == cb.group_order > 1
        gens = np.asarray(d.delta).T
        for lev, (x, y, ids) in enumerate(zip(a.sets, b.sets, b.ids), start=1):
            assert sorted(map(tuple, x.tolist())) == sorted(map(tuple, y.tolist()))
            assert (np.diff(ids) > 0).all()                     # index order
            for i in range(len(y)):
                e = np.arange(n)
                for letter in b.word(lev, i):
                    e = compose(e, gens[letter])
                assert np.array_equal(e, y[i])
        compared += 1
    assert compared >= 20


def test_rows_unique_matches_the_byte_order():
    import numpy as np

    from automata.ac0 import _rows_unique

    rng = np.random.default_rng(2)
    for n in (1, 3, 6, 8, 21, 70):
        for m in (3, 400):
            x = rng.integers(0, n, size=(m, n)).astype(np.int32)
            x = np.concatenate([x, x[::3]])
            view = x.view(np.dtype((np.void, 4 * n))).ravel()
            _, want = np.unique(view, return_index=True)
            got_rows, got = _rows_unique(x)
            assert np.array_equal(got, want) and np.array_equal(got_rows, x[want])


def _s5_without_permutation_letters() -> DFA:
    """States 0..4 and an initial state 5 that every letter leaves for good: c and t generate
    S_5 on 0..4, e merges 0 into 1; no letter permutes all six states."""
    c = [1, 2, 3, 4, 0, 0]
    t = [1, 0, 2, 3, 4, 0]
    e = [1, 1, 2, 3, 4, 0]
    return DFA(["c", "t", "e"], np.array([c, t, e]).T, 5, [0]).minimize()


def _no_permutation_letter() -> DFA:
    return _s5_without_permutation_letters()


def _tn_dfa(n: int) -> DFA:
    c = [(i + 1) % n for i in range(n)]
    t = [1, 0] + list(range(2, n))
    e = [1] + list(range(1, n))
    return DFA(["c", "t", "e"], np.array([c, t, e]).T, 0, [0]).minimize()


def _element(d: DFA, word) -> np.ndarray:
    """The transformation of ``word`` (symbols) on the minimal DFA's states."""
    return np.array([d.run(list(word), start=q) for q in range(d.n_states)])


@pytest.mark.parametrize("name", ["T_3", "T_4", "T_5", "parity", "word_problem_s3",
                                  "word_problem_a4", "mod_3", "tomita5", "tomita6"])
def test_padded_certificate_is_checked_against_the_length_levels(name):
    """Where the padded certificate applies, the walked levels agree that L is not in AC0, and
    every power of the certificate word's element (a cyclic group of the stated order) is the
    element of some word of the certificate's length: it lies in η(Σ^L), read off the levels."""
    from automata.languages import get_language
    d = _tn_dfa(int(name[2:])) if name.startswith("T_") else get_language(name).dfa.minimize()
    cert = padded_certificate(d)
    assert cert is not None and cert.ac0 is False
    assert ac0_certificate(d).ac0 is False
    x = _element(d, cert.word)
    p, L = cert.group_order, len(cert.word)
    powers = [x]
    for _ in range(p):
        powers.append(x[powers[-1]])
    assert (powers[p] == x).all()                            # x^(p+1) = x: x is in a group
    assert len({tuple(y) for y in powers[:p]}) == p          # of order exactly p
    lv = length_levels(d)
    k = L if L < lv.start + lv.period else lv.start + (L - lv.start) % lv.period
    level = {tuple(row) for row in np.asarray(lv.sets[k - 1])}
    assert all(tuple(y) in level for y in powers[:p])


def test_padded_certificate_has_a_work_budget():
    d = _tn_dfa(6)                                     # 2 permutation letters × 3 × 6 states
    assert padded_certificate(d, max_work=36) is not None
    with pytest.raises(BudgetExceededError, match="max_work"):
        padded_certificate(d, max_work=35)
    assert len(padded_certificate(d, max_word=10).word) == 10
    with pytest.raises(BudgetExceededError, match="max_word"):
        padded_certificate(d, max_word=9)


def test_padded_certificate_needs_a_permutation_and_a_cycle():
    from automata.regex import regex_to_dfa
    assert padded_certificate(regex_to_dfa("(aa)*", "a")) is None      # in AC0
    assert padded_certificate(regex_to_dfa("((a|b)(a|b))*", "ab")) is None   # even length
    assert padded_certificate(_tn_dfa(2)) is None            # c = t: one permutation per length
    assert ac0_certificate(_tn_dfa(2)).ac0 is True
    c6 = classify(_tn_dfa(6))                                # the levels are over budget
    assert c6.ac0["pad_letter"] == "t" and c6.ac0["group_order"] == 5
    assert c6.ac0["word_length"] == len(c6.ac0["word"]) == 10
    hard = c6.prediction("transformer_hard_pe")
    assert (hard.expressible, hard.rule, hard.status) == ("no", "hard_pe_not_ac0_padded",
                                                          "derived")
    assert hard.witness["verified"] and hard.witness["period"] == 5


def test_cycle_order_and_index_against_the_powers():
    """cycle_order (each cycle walked once) and _index against the powers of x:
    x^(i+p) = x^i with i and p least, on random maps and permutations; a 3,000-cycle too."""
    from automata.ac0 import _index, _power
    rng = np.random.default_rng(5)
    for trial in range(200):
        n = int(rng.integers(1, 40))
        x = rng.integers(0, n, n) if trial % 2 else rng.permutation(n)
        i, p = _index(x), cycle_order(x)
        assert (_power(x, i + p) == _power(x, i)).all()
        assert all(not (_power(x, i + q) == _power(x, i)).all() for q in range(1, p))
        assert i == 1 or not (_power(x, i - 1 + p) == _power(x, i - 1)).all()
    assert cycle_order(np.roll(np.arange(3000), 1)) == 3000
