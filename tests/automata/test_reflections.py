"""automata.reflections: the reflections per token of a one-layer Householder construction."""
from __future__ import annotations

import numpy as np
import pytest

from automata.dfa import DFA
from automata.languages import get_language
from automata.reflections import cycle_count, reflections_per_token


@pytest.mark.parametrize("name, expected", [
    ("parity", 1),                 # a transposition
    ("word_problem_z3", 2), ("word_problem_z7", 2),   # plane rotations
    ("word_problem_s3", 2),        # natural action on 3 points: (0 1 2) = 2 transpositions
    ("word_problem_s4", 3), ("word_problem_a5", 4), ("word_problem_s5", 4),   # n - 1 (Siems et al.)
    ("word_problem_a4", 2), ("word_problem_d4", 3),
    ("word_problem_q8", 6),        # Q8 has no faithful action on fewer than 8 points
])
def test_counts_on_the_groups(name, expected):
    assert reflections_per_token(get_language(name).dfa.minimize()) == expected


def test_resets_have_no_count():
    assert reflections_per_token(get_language("tomita3").dfa.minimize()) is None
    assert reflections_per_token(get_language("flip_flop").dfa.minimize()) is None


def test_the_count_is_realised_by_products_of_reflections():
    """Every letter's permutation, in the action found, is a product of that many reflections
    I - 2kkᵀ with k = (e_i - e_j)/√2: multiply them out and compare (S_3 on 3 points)."""
    perm = np.array([1, 2, 0])                     # the 3-cycle letter of S_3
    n = len(perm)
    assert n - cycle_count(perm) == 2
    P = np.zeros((n, n))
    P[perm, np.arange(n)] = 1                      # e_i -> e_perm(i)

    def refl(i, j):
        k = np.zeros(n)
        k[i], k[j] = 1 / np.sqrt(2), -1 / np.sqrt(2)
        return np.eye(n) - 2 * np.outer(k, k)
    assert np.allclose(refl(0, 2) @ refl(0, 1), P) or np.allclose(refl(0, 1) @ refl(0, 2), P)


def test_identity_letters_cost_nothing():
    d = DFA(["a", "b"], [[0, 1], [1, 0]], 0, [0])  # a = identity, b = swap
    assert reflections_per_token(d) == 1
