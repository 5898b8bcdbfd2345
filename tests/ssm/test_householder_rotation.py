"""Cyclic group languages as plane rotations: one DeltaProduct layer, 2 reflections per token."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from automata import DFA
from automata.languages import get_language
from ssm.constructions.errors import ConstructionError, ConstructionRefused
from ssm.constructions.householder import HouseholderLRNN, construct_householder
from ssm.constructions.householder_rotation import (RotationHouseholderConstruction,
                                                    first_failure, rotation_tables)


@pytest.mark.parametrize("m", range(2, 13))
def test_z_m_exact_at_length_10000_float32(m):
    c = construct_householder(f"Z_{m}", method="rotation", dtype=torch.float32)
    assert isinstance(c, RotationHouseholderConstruction)
    assert (c.order, c.n_householder, c.width, c.layers) == (m, 2, 2, 1)
    r = c.check(10_000, 20, seed=m)
    assert (r.accuracy, r.position_accuracy, r.definition_agrees) == (1.0, 1.0, True)
    assert r.strings == 20 and r.dtype == "float32"
    assert math.isclose(r.angle_tolerance, math.pi / m)
    assert r.max_angle_error < 0.01 and r.max_norm_drift < 0.01     # measured ≤ 7e−4


@pytest.mark.parametrize("name,order", [("tomita6", 3), ("parity", 2), ("mod_3", 3),
                                        ("mod_5", 5), ("aaaa_star", 4)])
def test_group_languages_exact_at_length_10000_float32(name, order):
    c = construct_householder(name, method="rotation")
    assert c.order == order and c.info["method"] == "rotation"
    r = c.check(10_000, 20, seed=0)
    assert (r.accuracy, r.definition_agrees) == (1.0, True)
    lang = get_language(name)
    words = c.sample(30, 10, seed=1) + [""]
    for w, mem in zip(words, c.predict_membership(words)):
        assert mem.tolist() == [lang.accepts(w[:t + 1]) for t in range(len(w))]


def test_float64_is_exact_to_rounding():
    c = construct_householder("Z_11", method="rotation", dtype=torch.float64)
    r = c.check(10_000, 4, seed=0)
    assert r.accuracy == 1.0 and r.max_angle_error < 1e-9 and r.max_state_error < 1e-9


def test_auto_takes_the_rotation_only_when_it_needs_fewer_reflections():
    assert construct_householder("Z_3").info["method"] == "permutation"     # 2 = 2: a tie
    assert construct_householder("parity").n_householder == 1              # 1 < 2
    for m in (4, 7, 12):
        c = construct_householder(f"Z_{m}")
        assert (c.info["method"], c.n_householder) == ("rotation", 2)
        p = construct_householder(f"Z_{m}", method="permutation")
        assert (p.info["method"], p.n_householder) == ("permutation", m - 1)
    # a user group, cyclic of order 6 on 5 points (a 3-cycle times a swap: 3 transpositions)
    z6 = construct_householder({"x": [1, 2, 0, 4, 3]})
    assert (z6.info["method"], z6.order, z6.info["group_order"]) == ("rotation", 6, 6)
    assert z6.check(2000, 4, seed=0).accuracy == 1.0
    # two letters that commute and generate Z_6 together, neither alone
    z6b = construct_householder({"x": [1, 2, 0, 3, 4], "y": [0, 1, 2, 4, 3]}, method="rotation")
    assert z6b.order == 6 and z6b.check(2000, 4, seed=0).accuracy == 1.0


def test_betas_keys_and_the_rotation_each_letter_makes():
    c = construct_householder("mod_5", method="rotation", dtype=torch.float64)
    keys, betas, values = c.model.keys, c.model.betas, c.model.values
    assert keys.shape == (3, 2, 2) and values.shape == (3, 2, 1) and betas.shape == (3, 2)
    assert torch.allclose(keys.norm(dim=-1), torch.ones(3, 2, dtype=torch.float64))
    assert sorted(set(betas.flatten().tolist())) == [1.0, 2.0]
    assert int((betas == 1.0).sum()) == 1 and betas[-1, 0] == 1.0    # only the BOS write
    A, b = c.model.token_maps()
    for i, a in enumerate(c.alphabet):
        ang = 2 * math.pi * c.powers[a] / 5
        R = torch.tensor([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]],
                         dtype=torch.float64)
        assert torch.allclose(A[i], R, atol=1e-12) and torch.all(b[i] == 0)
    assert torch.equal(A[c.alphabet.index("b")], torch.eye(2, dtype=torch.float64))  # exactly
    assert torch.allclose(b[-1], torch.tensor([1.0, 0.0], dtype=torch.float64))    # BOS writes e₀


def test_state_dict_and_module_form():
    c = construct_householder("Z_9", method="rotation")
    sd = c.model.state_dict()
    assert set(sd) == {"keys", "values", "betas"}
    fresh = HouseholderLRNN(torch.zeros_like(sd["keys"]), torch.zeros_like(sd["values"]),
                            torch.zeros_like(sd["betas"]))
    fresh.load_state_dict(sd)
    tok = torch.from_numpy(np.random.default_rng(0).integers(0, 1, size=(3, 50)))
    assert torch.equal(fresh(tok), c.model(tok))
    d = c.to_dict()
    json.dumps(d)
    assert d["method"] == "rotation" and d["n_householder"] == 2 and d["order"] == 9
    assert d["gates"]["method"] == "rotation" and "n_h = 2" in c.describe()
    assert np.allclose(c.exact_state("aaa")[-1], [math.cos(6 * math.pi / 9),
                                                  math.sin(6 * math.pi / 9)])


def test_all_scans_agree():
    words, got = None, []
    for scan in ("transition", "delta", "reference", "chunked"):
        c = construct_householder("Z_7", method="rotation", dtype=torch.float64, scan=scan)
        words = words or c.sample(300, 3, seed=0)
        got.append(c.states(words))
        assert c.check(300, 3, seed=0).accuracy == 1.0
    for other in got[1:]:
        for a, b in zip(got[0], other):
            assert np.allclose(a, b, atol=1e-9)
    c = construct_householder("Z_12", method="rotation", scan="chunked")     # float32
    r = c.check(10_000, 2, seed=3)
    assert r.accuracy == 1.0 and r.max_angle_error < 0.01


def test_readout_is_scale_invariant_and_flags_zero():
    c = construct_householder("Z_5", method="rotation")
    st = c.exact_state("aaaaaaa")
    assert (c.readout(st) == c.readout(3.7 * st)).all() and (c.readout(1e-3 * st) == c.readout(st)).all()
    assert c.readout(np.zeros((1, 2)))[0] == -1 and c.readout(np.array([[np.nan, 1.0]]))[0] == -1


def test_a_wrong_model_is_caught_at_the_predicted_length():
    """Mirrors 1e−3/2 too far apart: each 'a' turns 1e−3 too far, so φ (tolerance π/4) first
    fails at the first t with t · 1e−3 > π/4, t = 786; check and first_failure both see it."""
    c = construct_householder("Z_4", method="rotation", dtype=torch.float64)
    g = math.pi / 4 + 0.5e-3
    with torch.no_grad():
        c.model.keys[0, 1] = torch.tensor([-math.sin(g), math.cos(g)], dtype=torch.float64)
    assert c.check(785, 1, words=["a" * 785]).accuracy == 1.0
    r = c.check(1000, 1, words=["a" * 1000])
    assert r.accuracy < 1.0 and r.first_error["position"] == 785       # 0-based
    f = first_failure(c, 1000, n_random=0)
    assert f["first_failure"] == 786 and f["word"] == "'a' repeated"
    assert f["max_angle_error"] > f["angle_tolerance"]


def test_first_failure_on_a_sound_model_and_its_budget():
    c = construct_householder("Z_6", method="rotation")
    f = first_failure(c, 2000, n_random=2, seed=0)
    assert f["first_failure"] is None and f["words"] == 3 and f["max_angle_error"] < 1e-3
    with pytest.raises(ConstructionError, match="budget"):
        first_failure(c, 10**8)
    with pytest.raises(ConstructionError):
        first_failure(c, 0)


@pytest.mark.parametrize("bad", ["S_3", "Q_8", {"x": [1, 0, 3, 2], "y": [2, 3, 0, 1]}])
def test_rotation_is_refused_for_groups_that_are_not_cyclic(bad):
    with pytest.raises(ConstructionRefused, match="not cyclic"):
        construct_householder(bad, method="rotation")
    assert construct_householder(bad).info["method"] == "permutation"       # auto falls back


def test_other_refusals():
    with pytest.raises(ConstructionRefused, match="not a group language"):
        construct_householder("tomita1", method="rotation")
    with pytest.raises(ConstructionRefused, match="eigenvalue −1"):
        construct_householder("Z_5", method="rotation", family="lrnn_householder_positive")
    with pytest.raises(ConstructionError, match="method"):
        construct_householder("Z_5", method="spin")
    with pytest.raises(ConstructionError):
        construct_householder("Z_5", method="rotation").check(0, 1)


def test_a_dfa_and_an_action_are_honoured():
    d = DFA(("a", "b"), np.array([[1, 0], [2, 1], [3, 2], [0, 3]]), 0, {0})     # mod 4
    c = construct_householder(d)
    assert (c.info["method"], c.order) == ("rotation", 4)
    assert c.check(3000, 3).accuracy == 1.0
    with pytest.raises(ConstructionError):          # an action of Z_4 that is not the DFA's
        construct_householder(d, action={"a": [1, 2, 3, 0], "b": [1, 2, 3, 0]}, method="rotation")


def test_rotation_tables_compose_to_rotations():
    keys, values, betas = rotation_tables([0, 1, 2, 3], 8)
    eye = torch.eye(2, dtype=torch.float64)
    for i in range(4):
        A = eye
        for k in keys[i]:
            A = (eye - 2 * torch.outer(k, k)) @ A
        ang = 2 * math.pi * i / 8
        assert torch.allclose(A, torch.tensor([[math.cos(ang), -math.sin(ang)],
                                               [math.sin(ang), math.cos(ang)]],
                                              dtype=torch.float64), atol=1e-12)


def _registered_group_languages() -> list[str]:
    from automata import list_languages
    from automata.reflections import reflections_per_token

    out = []
    for name in list_languages():
        lang = get_language(name)
        if lang.dfa is not None and reflections_per_token(lang.dfa.minimize()) is not None:
            out.append(name)
    return out


def test_certified_factor_count_equals_reflections_per_token_for_every_group_language():
    """For every registered group language, the model certify builds has exactly the factors
    per token that automata.reflections derives (the agreement rule's count)."""
    from automata.reflections import reflections_per_token
    from ssm.constructions.certify import certify

    names = _registered_group_languages()
    assert {"word_problem_z7", "mod_5", "tomita6", "parity", "word_problem_s5"} <= set(names)
    for name in names:
        cert = certify(name, "lrnn_householder", check_length=200, strings=3)
        want = reflections_per_token(get_language(name).dfa.minimize())
        assert cert.accuracy == 1.0, name
        assert cert.gates["n_householder"] == want, (name, cert.gates["n_householder"], want)
        cyclic_rotation = want == 2 and cert.gates["method"] == "rotation"
        assert cyclic_rotation == (cert.width == 2), name


@pytest.mark.slow
@pytest.mark.parametrize("m", range(2, 13))
def test_z_m_more_strings_and_the_delta_rule_scan(m):
    """200 strings of length 10,000 (float32) in the default evaluation; 20 with the delta-rule
    scan; and every power of the generator as its own letter (uniformly random group elements)."""
    c = construct_householder(f"Z_{m}", method="rotation")
    assert c.check(10_000, 200, seed=7).accuracy == 1.0
    d = construct_householder(f"Z_{m}", method="rotation", scan="delta")
    r = d.check(10_000, 20, seed=7)
    assert r.accuracy == 1.0 and r.max_angle_error < 0.01
    gen = [(i + 1) % m for i in range(m)]
    letters, p = {}, list(range(m))
    for k in range(1, m):
        p = [gen[i] for i in p]
        letters[f"g{k}"] = p
    u = construct_householder(letters, method="rotation")
    r = u.check(10_000, 50, seed=7)
    assert (u.order, r.accuracy, r.definition_agrees) == (m, 1.0, True)
