"""The holonomy decomposition: the cascade emulates the DFA; its groups reflect the monoid's."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automata import DFA, classify, get_language
from automata.errors import AutomatonError, BudgetExceededError
from automata.holonomy import holonomy
from automata.random_dfa import random_dfa


def test_swap_and_reset_is_one_level_with_z2():
    hd = holonomy(DFA("ab", [[1, 0], [0, 0]], 0, [0]))
    assert hd.levels == 1 and [c.group_order for c in hd.components] == [2]
    assert hd.check()
    assert hd.components[0].resets                  # b is a reset


@pytest.mark.parametrize("name,groups", [
    ("tomita4", [1, 1, 1]),                          # star-free: trivial holonomy groups
    ("word_problem_s3", [6]),                        # a group: one level, the group itself
    ("tomita5", [4]),
    ("abab_star", [2, 1]),
])
def test_registry_languages(name, groups):
    hd = holonomy(get_language(name).dfa)
    assert [c.group_order for c in hd.components] == groups
    assert hd.check()


def test_check_detects_a_wrong_decode():
    hd = holonomy(get_language("tomita3").dfa)
    assert hd.check()
    some = next(c for c in hd.decode if c != hd.initial)
    hd.decode[some] = (hd.decode[some] + 1) % hd.dfa.n_states   # corrupt one entry
    assert not hd.check()


def test_budgets_and_bad_input():
    with pytest.raises(BudgetExceededError, match="max_states"):
        holonomy(get_language("tomita3").dfa, max_states=2)
    with pytest.raises(BudgetExceededError, match="max_images"):
        holonomy(get_language("d4").dfa, max_images=3)
    with pytest.raises(AutomatonError, match="DFA"):
        holonomy("tomita3")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 3), st.integers(0, 10_000))
def test_random_dfas_are_emulated_and_groups_transfer(n, k, seed):
    d = random_dfa(n, "abc"[:k], seed)
    hd = holonomy(d)
    assert hd.check()
    cl = classify(d)
    orders = [c.group_order for c in hd.components]
    # aperiodic iff every holonomy group is trivial
    assert cl.aperiodic == all(o == 1 for o in orders)
    # holonomy groups divide subgroups of the monoid: 2-groups stay 2-groups
    if cl.groups and all(g.two_group for g in cl.groups):
        assert all(o & (o - 1) == 0 for o in orders)
