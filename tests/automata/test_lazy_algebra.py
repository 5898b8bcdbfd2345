"""Import cost and re-derivation: sympy only for non-trivial groups; classify reuses the
monoid that Green's structure enumerated."""
from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from automata.froidure_pin import clear_caches
from automata.groups import TrivialGroup, group_info

classify_module = importlib.import_module("automata.classify")


def test_aperiodic_classification_never_imports_sympy():
    code = ("import sys, automata.classify as c; import automata; "
            "r = automata.classify('tomita1'); "
            "print(r.aperiodic, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_orbit_method_names_symmetric_groups_without_sympy():
    """T_6 by the orbit method: its groups S_2 ... S_6 are named from their generator rows
    (orders by the compiled closure or, without numba, by sympy), so with the compiled core
    sympy is never imported."""
    code = ("import sys, numpy as np; from automata.dfa import DFA; "
            "from automata.green import green_structure; import automata; "
            "from automata import jit_core; n = 6; "
            "g = np.array([[(i + 1) % n for i in range(n)], [1, 0] + list(range(2, n)), "
            "[1] + list(range(1, n))]); d = DFA('cte', g.T, 0, [0]); "
            "r = automata.classify(d); "
            "print(green_structure(d).method, [x.name for x in r.groups], "
            "jit_core.enabled(), 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    method, *names, jit, imported = out.stdout.split()
    assert method == "orbits" and " ".join(names) == "['Z_2', 'S_3', 'S_4', 'S_5', 'S_6']"
    if jit == "True":
        assert imported == "False"


def test_trivial_stand_in_has_the_facts_of_sympys_trivial_group():
    from sympy.combinatorics import Permutation, PermutationGroup

    theirs = group_info(PermutationGroup([Permutation([0, 1, 2])]))
    assert group_info(TrivialGroup(3)) == theirs
    g = TrivialGroup(3)
    assert g.contains(Permutation([0, 1, 2])) and not g.contains(Permutation([1, 0, 2]))
    assert g.contains([0, 1, 2]) and not g.contains([2, 1, 0])


def test_classify_reuses_the_enumerated_monoid(monkeypatch):
    from automata.green import green_structure
    from automata.languages import get_language

    d = get_language("word_problem_s3").dfa
    assert green_structure(d).method == "enumeration"
    want = classify_module.classify(d).to_dict()
    clear_caches()

    def refuse(*a, **k):
        pytest.fail("classify enumerated the monoid a second time")

    monkeypatch.setattr(classify_module, "transition_monoid", refuse)
    got = classify_module.classify(d).to_dict()
    assert got == want and got["idempotents"] == 1
