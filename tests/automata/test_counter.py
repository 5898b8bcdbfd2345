"""CounterAutomaton: semantics, validation, dead configurations, trimness checks."""
from __future__ import annotations

import itertools

import pytest

from automata.counter import CounterAutomaton
from automata.errors import InvalidAutomatonError, UnknownStateError, UnknownSymbolError


def dyck():
    return CounterAutomaton("()", ["q"], "q", 1,
                            [("q", "(", "*", "q", (1,)), ("q", ")", "+", "q", (-1,))],
                            accepting={"q": "0"})


def anbn():
    # a^n b^n, n >= 1: control a/b, one counter
    return CounterAutomaton("ab", ["A", "B"], "A", 1,
                            [("A", "a", "*", "A", (1,)), ("A", "b", "+", "B", (-1,)),
                             ("B", "b", "+", "B", (-1,))],
                            accepting={"B": "0"})


def test_accepts_matches_definition_exhaustively():
    d, ab = dyck(), anbn()
    for n in range(0, 11):
        for w in map("".join, itertools.product("()", repeat=n)):
            depth, ok = 0, True
            for ch in w:
                depth += 1 if ch == "(" else -1
                ok &= depth >= 0
            assert d.accepts(w) == (ok and depth == 0), w
        for w in map("".join, itertools.product("ab", repeat=n)):
            assert ab.accepts(w) == (n > 0 and w == "a" * (n // 2) + "b" * (n // 2)), w


def test_trace_alignment_and_dead_state():
    d = dyck()
    tr = d.trace("(()))(")
    assert len(tr) == 7 and tr[0] == (0, 0)
    assert [c[1] for c in tr[:5]] == [0, 1, 2, 1, 0]
    assert tr[5] == d.dead and tr[6] == d.dead      # a negative counter is absorbing
    assert d.dead == (1, 0)
    assert not d.is_live(d.dead) and d.is_live((0, 3))
    assert d.min_remaining((0, 3)) == 3 and d.min_remaining(d.dead) == float("inf")
    ab = anbn()
    assert ab.trace("ba")[1] == ab.dead             # no rule for b at a zero counter


def test_multi_counter_and_initial_counters():
    # "operands still needed" automaton: binary + over 0/1, complete iff the counter reaches 0
    m = CounterAutomaton("+01", ["q"], "q", 1,
                         [("q", "+", "+", "q", (1,)), ("q", "0", "+", "q", (-1,)),
                          ("q", "1", "+", "q", (-1,))],
                         accepting={"q": "0"}, initial_counters=(1,))
    assert m.initial_config == (0, 1)
    assert m.accepts("+0+11") and not m.accepts("+0") and not m.accepts("00")
    two = CounterAutomaton("ab", ["q"], "q", 2,
                           [("q", "a", "**", "q", (1, 2))], accepting={"q": "++"})
    assert two.trace("aa")[-1] == (0, 2, 4) and two.accepts("a") and not two.accepts("")


@pytest.mark.parametrize("kwargs,err,match", [
    (dict(alphabet=""), InvalidAutomatonError, "alphabet is empty"),
    (dict(initial="z"), UnknownStateError, "initial state 'z'"),
    (dict(n_counters=0), InvalidAutomatonError, "at least one counter"),
    (dict(rules=[("q", "x", "*", "q", (1,))]), UnknownSymbolError, "'x'"),
    (dict(rules=[("q", "(", "*", "r", (1,))]), UnknownStateError, "unknown state"),
    (dict(rules=[("q", "(", "**", "q", (1,))]), InvalidAutomatonError, "1 characters"),
    (dict(rules=[("q", "(", "z", "q", (1,))]), InvalidAutomatonError, "'0' \\(zero\\)"),
    (dict(rules=[("q", "(", "*", "q", (1, 1))]), InvalidAutomatonError, "needs 1 increments"),
    (dict(rules=[("q", "(", "*", "q", (1,)), ("q", "(", "0", "q", (0,))]),
     InvalidAutomatonError, "not deterministic"),
    (dict(accepting={"z": "0"}), UnknownStateError, "accepting state 'z'"),
    (dict(initial_counters=(-1,)), InvalidAutomatonError, "non-negative"),
])
def test_validation(kwargs, err, match):
    base = dict(alphabet="()", states=["q"], initial="q", n_counters=1,
                rules=[("q", "(", "*", "q", (1,))], accepting={"q": "0"})
    base.update(kwargs)
    with pytest.raises(err, match=match):
        CounterAutomaton(**base)


def test_unknown_symbol_in_word():
    with pytest.raises(UnknownSymbolError, match="'x'"):
        dyck().accepts("(x)")


def test_check_trim_finds_a_stuck_configuration():
    dyck().check_trim(8)
    anbn().check_trim(8)
    # a^n b^n where b's may only follow while the counter is even: (A, odd) configurations are stuck
    stuck = CounterAutomaton("ab", ["A"], "A", 1, [("A", "a", "*", "A", (2,))], accepting={"A": "0"})
    with pytest.raises(InvalidAutomatonError, match="not trim"):
        stuck.check_trim(3)
    # with an exact live predicate it passes
    exact = CounterAutomaton("ab", ["A"], "A", 1, [("A", "a", "*", "A", (2,))],
                             accepting={"A": "0"}, live=lambda c: c[1] == 0)
    exact.check_trim(3)


def test_to_dict_round_trip_of_rules():
    d = dyck().to_dict()
    assert d["accepting"] == {"q": ["0"]}
    assert ["q", ")", "+", "q", [-1]] in d["rules"]
    assert not any(r[1] == ")" and r[2] == "0" for r in d["rules"])
