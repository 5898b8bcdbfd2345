"""Cross-check against libsemigroups (optional extra ``semigroups``; skipped when absent):
monoid size and idempotents (Froidure–Pin), D-classes (Konieczny), aperiodicity."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from automata.green import green_structure
from automata.monoid import generators_of, transition_monoid
from tests.automata.strategies import dfas

ls = pytest.importorskip("libsemigroups_pybind11")


def _lib(gens: np.ndarray):
    guard = ls.ReportGuard(False)  # noqa: F841  (silences libsemigroups' progress output)
    n = gens.shape[1]
    tgens = [ls.Transf(list(range(n)))] + [ls.Transf([int(v) for v in g]) for g in gens]
    fp = ls.FroidurePin(tgens)
    k = ls.Konieczny(tgens)
    return fp.size(), fp.number_of_idempotents(), k.number_of_D_classes()


@settings(max_examples=60, deadline=None)
@given(dfas(max_states=7, alphabet="abc"))
def test_random_dfas_against_libsemigroups(d):
    dm = d.minimize()
    gens = generators_of(dm)
    size, idem, n_d = _lib(gens)
    m = transition_monoid(dm, minimize=False)
    g = green_structure(dm, minimize=False)
    assert (m.size, m.idempotent_count(), g.monoid_size, g.n_d_classes) == (size, idem, size, n_d)
    assert m.is_aperiodic() == g.is_aperiodic


@pytest.mark.parametrize("seed", range(20))
def test_bigger_random_generators(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 9))
    gens = rng.integers(0, n, size=(int(rng.integers(2, 4)), n))
    if seed % 2:
        gens[0] = rng.permutation(n)           # mix in a permutation: groups appear
    from automata.dfa import DFA

    d = DFA([f"s{i}" for i in range(len(gens))], gens.T, 0, [0])
    size, idem, n_d = _lib(gens)
    g = green_structure(d, minimize=False)
    assert (g.monoid_size, g.n_d_classes) == (size, n_d)
    if size <= 200_000:
        assert transition_monoid(d, minimize=False).idempotent_count() == idem
