"""Fuzzing the regex compiler (issue 17): any text is a DFA or an AutomatonError, within a
small budget, and generated patterns agree with Python's ``re`` on every short word.

Fixed budget: a few hundred examples (well under a minute); ``--runslow`` runs ten times more.
"""
from __future__ import annotations

import itertools
import re
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automata.dfa import DFA
from automata.errors import AutomatonError
from automata.regex import regex_to_dfa

SCALE = 10 if "--runslow" in sys.argv else 1
FUZZ = settings(max_examples=300 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SMALL = dict(max_nfa_states=5_000, max_states=2_000, max_seconds=5.0)

TEXT = st.text(alphabet=st.sampled_from(list("ab|&~*+?()[]{}.\\^-,0123456789c é")), max_size=40)


@FUZZ
@given(TEXT, st.sampled_from(["ab", "abc", "a"]))
def test_any_text_is_a_dfa_or_an_automaton_error(pattern, alphabet):
    t = time.monotonic()
    try:
        d = regex_to_dfa(pattern, alphabet, **SMALL)
    except AutomatonError:
        pass
    else:
        assert isinstance(d, DFA) and d.alphabet == tuple(alphabet)
    assert time.monotonic() - t < 10


# -------------------------------------------------------------- differential against ``re``
def _syms(draw_from):
    return st.sampled_from(draw_from)


leaf = st.one_of(_syms(["a", "b", "c", "."]), st.just("()"),
                 st.sampled_from(["[ab]", "[^a]", "[a-b]", "[bc]"]))


def _extend(inner):
    return st.one_of(
        st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}|{t[1]})"),
        st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{1,2}", "{,2}", "{2,}"]))
        .map(lambda t: f"({t[0]}){t[1]}"),
    )


PATTERNS = st.recursive(leaf, _extend, max_leaves=6)
WORDS = ["".join(w) for n in range(6) for w in itertools.product("abc", repeat=n)]


@FUZZ
@given(PATTERNS)
def test_agrees_with_python_re(pattern):
    d = regex_to_dfa(pattern, "abc", **SMALL)
    rx = re.compile(pattern)
    for w in WORDS:
        assert d.accepts(w) == bool(rx.fullmatch(w)), (pattern, w)


@FUZZ
@given(PATTERNS, PATTERNS)
def test_complement_and_intersection_are_set_operations(p, q):
    d, e = regex_to_dfa(p, "abc", **SMALL), regex_to_dfa(q, "abc", **SMALL)
    both = regex_to_dfa(f"({p})&({q})", "abc", **SMALL)
    neither = regex_to_dfa(f"~({p}|{q})", "abc", **SMALL)
    for w in WORDS[:121]:
        assert both.accepts(w) == (d.accepts(w) and e.accepts(w))
        assert neither.accepts(w) == (not d.accepts(w) and not e.accepts(w))
