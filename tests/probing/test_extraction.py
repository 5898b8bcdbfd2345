"""Automaton extraction (cluster method, L*) on hand-built models with a known automaton."""
from __future__ import annotations

import numpy as np
import pytest

from automata.dfa import DFA
from automata.languages import get_language
from automata.sampling import sample_members
from probing.automaton_extraction import (agreement_rows, extract_by_clustering, purity,
                                          shortest_difference)
from probing.errors import ProbingError
from probing.lstar import lstar
from probing.model_oracle import ModelOracle
from tests.probing.exact_models import ParityNet

PARITY = get_language("parity")


def _words(n, lo, hi, seed):
    rng = np.random.default_rng(seed)
    out = []
    for L in rng.integers(lo, hi + 1, size=n):
        out += sample_members(PARITY, int(L), 1, seed=int(rng.integers(1 << 30)))
    return out


def test_shortest_difference_and_purity():
    even = DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0])
    ends1 = DFA(["0", "1"], [[0, 1], [0, 1]], 0, [1])
    assert shortest_difference(even, even) is None
    w = shortest_difference(even, ends1)
    assert w == []                                   # the empty word: even accepts, ends1 not
    odd = ~even
    assert shortest_difference(even, odd) == []
    assert purity(np.array([0, 0, 1, 1, 1]), np.array([3, 4, 4, 4, 4])) == pytest.approx(0.8)


def test_oracle_membership_follows_the_model():
    o = ModelOracle(ParityNet(), PARITY, "char")
    assert o.accepts(["11", "1", "0110", "010"]).tolist() == [True, False, True, False]
    b = ModelOracle(ParityNet(broken=True), PARITY, "char")
    assert b.accepts(["1", "111"]).tolist() == [True, True]
    pm = o.prefix_membership(["101"])[0]
    assert pm.tolist() == [False, False, True]


def test_cluster_extraction_recovers_parity():
    o = ModelOracle(ParityNet(), PARITY, "char")
    ex = extract_by_clustering(o, "layers.0.out", _words(40, 1, 20, 0), _words(40, 1, 20, 1),
                               ks=(2, 3, 4))
    assert ex.dfa == PARITY.dfa and ex.dfa.n_states == 2
    assert ex.purity == 1.0 and ex.cluster_purity == 1.0
    rows = agreement_rows(ex.dfa, o, {"long": (40, 80)}, {"long": _words(10, 40, 80, 2)})
    assert rows[0]["with_model"] == 1.0 and rows[0]["with_language"] == 1.0


def test_cluster_extraction_of_a_broken_model_differs_with_a_counterexample():
    o = ModelOracle(ParityNet(broken=True), PARITY, "char")
    ex = extract_by_clustering(o, "layers.0.out", _words(40, 1, 20, 0), _words(40, 1, 20, 1),
                               ks=(1, 2))
    assert ex.dfa != PARITY.dfa
    assert shortest_difference(ex.dfa, PARITY.dfa) == ["1"]
    rows = agreement_rows(ex.dfa, o, {"in": (1, 20)}, {"in": _words(30, 1, 20, 3)})
    assert rows[0]["with_model"] == 1.0
    assert 0.3 < rows[0]["with_language"] < 0.7      # right on even prefixes only


def test_lstar_learns_the_model_not_the_language():
    eq = _words(30, 1, 40, 4)
    good = lstar(ModelOracle(ParityNet(), PARITY, "char"), eq)
    assert good.converged and good.dfa.minimize() == PARITY.dfa
    bad = lstar(ModelOracle(ParityNet(broken=True), PARITY, "char"), eq)
    assert bad.converged and bad.dfa.minimize().n_states == 1
    assert bad.dfa.accepts("1")


def test_lstar_budget_stops_cleanly():
    res = lstar(ModelOracle(ParityNet(), PARITY, "char"), _words(10, 1, 10, 5), max_states=1)
    assert not res.converged and res.stopped == "max_states"


def test_oracle_refuses_unsupported_inputs():
    with pytest.raises(ProbingError, match="supported tasks"):
        ModelOracle(ParityNet(), PARITY, "state")
    with pytest.raises(ProbingError, match="regular language"):
        ModelOracle(ParityNet(), _counter(), "char")


def _names():
    from automata.languages import list_languages

    return list_languages()


def _counter():
    return next(get_language(n) for n in _names() if get_language(n).dfa is None)


def test_matrix_state_site_extracts_through_the_same_code():
    """DeltaNet's state is a matrix per head: flattened by capture, clustered like any other."""
    from ssm.config import ModelConfig
    from ssm.model import build_model

    m = build_model(ModelConfig(arch="deltanet", layers=1, width=8, vocab_size=3, n_outputs=3),
                    seed=0, device="cpu").eval()
    o = ModelOracle(m, PARITY, "char", max_features=32)
    ex = extract_by_clustering(o, "layers.0.state", _words(10, 1, 8, 0), _words(10, 1, 8, 1),
                               ks=(2, 4))
    assert ex.k in (2, 4) and ex.dfa.n_states >= 1 and 0 <= ex.purity <= 1
