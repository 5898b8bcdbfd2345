"""Group cascades, holonomy cascades, the saturated LSTM and certification by construction."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automata import DFA, classify, get_language
from automata.random_dfa import random_dfa
from ssm.constructions.cascade import build_cascade
from ssm.constructions.certify import (CERTIFIED_FAMILIES, CertificationRefused, certify,
                                       live_walks)
from ssm.constructions.errors import ConstructionError, ConstructionRefused
from ssm.constructions.groups import (FiniteGroup, build_group_cascade, build_length_periodic,
                                      derived_series, frattini_2_series, separating_characters)
from ssm.constructions.lstm import build_lstm


def test_series_and_characters_of_s4():
    s4 = get_language("word_problem_s4").dfa
    perms = [tuple(int(s4.delta[q, a]) for q in range(s4.n_states)) for a in range(s4.n_symbols)]
    G = FiniteGroup.generated(perms, s4.n_states)
    series = derived_series(G)
    assert [len(s) for s in series] == [24, 12, 4, 1]
    m, chars, coset_of, reps = separating_characters(G, series[1], series[2])   # A_4 / V_4 = Z_3
    assert m == 3 and len(chars) == 1 and reps[0] == 0
    with pytest.raises(ConstructionRefused, match="not a 2-group"):
        frattini_2_series(G)


@pytest.mark.parametrize("name,gate,layers", [
    ("parity", "signed", 1), ("mod_5", "complex", 1), ("word_problem_s3", "complex", 2),
    ("word_problem_d4", "signed", 2), ("word_problem_q8", "signed", 2),
    ("word_problem_s4", "complex", 3),
])
def test_group_cascade_depth_matches_the_series(name, gate, layers):
    c = build_group_cascade(name, gate=gate)
    assert c.layers == layers
    min_layers = classify(name).prediction("ssm_" + gate).min_layers
    assert c.layers >= min_layers
    r = c.check(400, 4, oracle="definition")
    assert r.accuracy == 1.0


def test_group_cascade_refusals():
    with pytest.raises(ConstructionRefused, match="not solvable"):
        build_group_cascade("word_problem_a5")
    with pytest.raises(ConstructionRefused, match="2-group"):
        build_group_cascade("mod_3", gate="signed")
    with pytest.raises(ConstructionRefused, match="not a group language"):
        build_group_cascade("tomita3")


def test_length_periodic_time_invariant_gate():
    c = build_length_periodic("aaaa_star")
    assert (c.layers, c.width, c.info["period"]) == (1, 1, 4)
    assert c.check(2000, 3, oracle="definition").accuracy == 1.0
    with pytest.raises(ConstructionRefused, match="length-periodic"):
        build_length_periodic("parity")


@pytest.mark.parametrize("name,gate", [("tomita3", "complex"), ("tomita3", "signed"),
                                       ("tomita4", "nonnegative"), ("abab_star", "signed"),
                                       ("flip_flop", "nonnegative")])
def test_holonomy_cascade_is_exact(name, gate):
    c = build_cascade(name, gate=gate)
    d = get_language(name).dfa
    words = live_walks(d, 600, 4, seed=1)
    preds = c.predict(words)
    for w, p in zip(words, preds):
        assert (np.asarray(p) == d.accepting_mask[np.asarray(d.trace(w))[1:]]).all()


def test_holonomy_cascade_refuses_groups_the_gates_cannot_track():
    with pytest.raises(ConstructionRefused, match="non-negative"):
        build_cascade("tomita3", gate="nonnegative")
    with pytest.raises(ConstructionRefused):
        build_cascade("word_problem_a5", gate="complex")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_lstm_is_exact(dtype):
    c = build_lstm("tomita3", dtype=dtype)
    assert c.layers == 1 and c.dtype == dtype
    assert c.check(2000, 3, oracle="definition").accuracy == 1.0


def test_certify_yes_no_and_time_invariant_note():
    r = certify("word_problem_s3", "ssm_complex", check_length=300, strings=3)
    assert (r.layers, r.min_layers, r.accuracy) == (2, 2, 1.0)
    assert set(r.to_dict()) >= {"language", "family", "layers", "width", "gates", "components",
                                "check_length", "strings", "dtype", "accuracy", "min_layers"}
    with pytest.raises(CertificationRefused) as e:
        certify("word_problem_s3", "ssm_signed")
    assert e.value.verdict == "no" and e.value.witness and "Grazzi" in e.value.theorem
    with pytest.raises(CertificationRefused, match="build_length_periodic"):
        certify("aaaa_star", "ssm_time_invariant")
    with pytest.raises(ConstructionError, match="family"):
        certify("parity", "transformer_soft")
    r = certify("word_problem_s3", "lrnn_householder", check_length=200, strings=2)
    assert r.construction == "householder" and r.accuracy == 1.0


def _yes_certified_no_refused(n, k, seed, length=200):
    d = random_dfa(n, "abc"[:k], seed).minimize()
    cl = classify(d)
    words = live_walks(d, length, 2, seed)
    for fam in CERTIFIED_FAMILIES:
        if cl.prediction(fam).expressible == "yes":
            r = certify(d, fam, check_length=length, strings=2, words=words, classification=cl)
            assert r.accuracy == 1.0, (fam, d.delta.tolist())
        else:
            with pytest.raises(CertificationRefused):
                certify(d, fam, check_length=length, strings=2, words=words, classification=cl)


def test_one_state_languages():
    for acc in ([0], []):
        d = DFA("ab", [[0, 0]], 0, acc)
        r = certify(d, "ssm_nonnegative", check_length=50, strings=2)
        assert r.accuracy == 1.0 and r.layers == 0


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 6), st.integers(1, 3), st.integers(0, 10_000))
def test_random_dfa_yes_is_certified_and_no_is_refused(n, k, seed):
    _yes_certified_no_refused(n, k, seed)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 6), st.integers(1, 3), st.integers(0, 10_000))
def test_random_dfa_yes_is_certified_and_no_is_refused_many(n, k, seed):
    _yes_certified_no_refused(n, k, seed, length=500)
