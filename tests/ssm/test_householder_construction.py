"""The exact Householder (DeltaProduct) construction of permutation-group word problems."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from automata import DFA
from automata.languages import get_language
from ssm.constructions.errors import ConstructionError, ConstructionRefused
from ssm.constructions.householder import construct_householder, transpositions

GROUPS = {"Z_2": 2, "Z_5": 5, "S_3": 6, "D_4": 8, "Q_8": 8, "A_4": 12, "S_4": 24, "A_5": 60,
          "S_5": 120}


@pytest.mark.parametrize("group,order", sorted(GROUPS.items()))
def test_every_group_exact_at_length_10000_float32(group, order):
    c = construct_householder(group, dtype=torch.float32)
    assert c.info["group_order"] == order and c.layers == 1
    r = c.check(10_000, 2, seed=1)
    assert (r.accuracy, r.position_accuracy, r.definition_agrees) == (1.0, 1.0, True)
    assert r.max_state_error < 0.05 and r.dtype == "float32"


def test_s5_uses_four_reflections_and_only_beta_1_and_2():
    c = construct_householder("word_problem_s5")
    assert (c.n_points, c.n_householder, c.width) == (5, 4, 6)
    keys, betas = c.model.keys.double(), c.model.betas.double()
    assert torch.allclose(keys.norm(dim=-1), torch.ones(keys.shape[:2], dtype=torch.float64),
                          atol=1e-6)                       # unit keys: generalized Householder
    assert sorted(set(betas.flatten().tolist())) == [1.0, 2.0]
    assert int((betas == 1.0).sum()) == 1                 # only the BOS write
    json.dumps(c.to_dict())
    assert "n_h = 4" in c.describe()


def test_membership_matches_the_registered_language():
    c = construct_householder("S_3")
    lang = get_language("word_problem_s3")
    words = c.sample(40, 20, seed=3) + ["", "aa", "bbb", "ab"]
    for w, m in zip(words, c.predict_membership(words)):
        assert m.tolist() == [lang.accepts(w[:t + 1]) for t in range(len(w))]


def test_all_scans_agree_and_float64():
    words = None
    got = []
    for scan in ("transition", "delta", "reference", "chunked"):
        c = construct_householder("A_5", dtype=torch.float64, scan=scan)
        words = words or c.sample(300, 3, seed=0)
        got.append(c.states(words))
        assert c.check(300, 3, seed=0).accuracy == 1.0
    for other in got[1:]:
        for a, b in zip(got[0], other):
            assert np.allclose(a, b, atol=1e-9)


def test_the_delta_rule_scan_itself_is_exact_at_length_10000_float32():
    c = construct_householder("S_5", dtype=torch.float32, scan="chunked")
    r = c.check(10_000, 1, seed=2)
    assert (r.accuracy, r.definition_agrees) == (1.0, True) and r.max_state_error < 0.05


def test_registered_language_objects_use_the_natural_representation():
    c = construct_householder(get_language("word_problem_s5"))
    assert (c.n_points, c.n_householder, c.registry) == (5, 4, "word_problem_s5")
    r = c.check(10_000, 100, seed=0)             # the size analyses.construct checks (scaled)
    assert r.accuracy == 1.0 and r.strings == 100


def test_user_groups_given_as_permutations():
    from sympy.combinatorics import Permutation
    s4 = construct_householder({"t": [1, 0, 2, 3], "c": Permutation([[0, 1, 2, 3]])})
    assert s4.info["group_order"] == 24 and s4.n_householder == 3
    assert s4.check(2000, 2, seed=0).accuracy == 1.0
    klein = construct_householder({"x": [1, 0, 3, 2], "y": [2, 3, 0, 1]})
    assert klein.info["group_order"] == 4 and klein.check(500, 2).accuracy == 1.0
    # padding: letters of different sizes act on the union of points
    z3 = construct_householder({"a": [1, 2, 0], "b": [0]})
    assert z3.info["group_order"] == 3


def test_group_languages_from_a_dfa():
    # mod 3 over {a, b} (b is the identity letter)
    d = DFA(("a", "b"), np.array([[1, 0], [2, 1], [0, 2]]), 0, {0})
    c = construct_householder(d)
    assert c.check(3000, 2).accuracy == 1.0 and c.info["group_order"] == 3
    assert construct_householder("parity").check(1000, 2).accuracy == 1.0


def test_a_wrong_model_is_caught():
    c = construct_householder("S_4")
    with torch.no_grad():
        c.model.betas[0, 0] = 1.5                        # no longer a reflection
    r = c.check(200, 3, seed=0)
    assert r.accuracy < 1.0 and r.first_error is not None


@pytest.mark.parametrize("bad", ["tomita1", {"a": [0, 0, 1]}])
def test_non_group_languages_are_refused(bad):
    with pytest.raises(ConstructionRefused, match="not a (group language|permutation)"):
        construct_householder(bad)


def test_other_refusals_and_errors():
    with pytest.raises(ConstructionRefused, match="eigenvalue −1"):
        construct_householder("S_3", family="lrnn_householder_positive")
    with pytest.raises(ConstructionError):
        construct_householder("S_3", family="ssm_signed")
    with pytest.raises(ConstructionError):
        construct_householder("no_such_group_or_language")
    with pytest.raises(ConstructionError):
        construct_householder("S_3", dtype=torch.float16)
    with pytest.raises(ConstructionError):
        construct_householder({})
    with pytest.raises(ConstructionError):
        construct_householder("S_3").check(0, 1)


def test_transpositions_realize_the_permutation_minimally():
    rng = np.random.default_rng(0)
    for n in range(1, 9):
        for _ in range(20):
            perm = rng.permutation(n).tolist()
            arr = list(range(n))
            sw = transpositions(perm)
            for i, j in sw:
                arr[i], arr[j] = arr[j], arr[i]
            moved = [None] * n
            for q in range(n):
                moved[perm[q]] = q
            assert arr == moved
            seen, cycles = set(), 0
            for q in range(n):
                if q not in seen:
                    cycles += 1
                    while q not in seen:
                        seen.add(q)
                        q = perm[q]
            assert len(sw) == n - cycles


def test_certified_group_models_use_the_derived_reflection_count():
    """certify builds the one-layer model on automata.reflections' smallest action, so the model
    has exactly the reflections per token that the agreement rule asks of a trained cell."""
    from automata.languages import get_language
    from automata.reflections import reflections_per_token
    from ssm.constructions.certify import certify

    for name in ("word_problem_a5", "word_problem_s3", "word_problem_a4"):
        cert = certify(name, "lrnn_householder", check_length=300, strings=5)
        assert cert.accuracy == 1.0
        assert cert.gates["n_householder"] == reflections_per_token(
            get_language(name).dfa.minimize())


def test_an_action_that_does_not_represent_the_dfa_is_refused():
    from automata.languages import get_language

    lang = get_language("word_problem_s3")
    with pytest.raises(ConstructionError):     # a, b swapped: another group element per word
        construct_householder(lang.dfa, action={"a": [1, 2, 0], "b": [1, 0, 2]})
