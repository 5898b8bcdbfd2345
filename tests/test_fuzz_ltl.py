"""Fuzzing the past-LTL parser (issue 17): any text parses or raises the package's own
error, and printing then parsing a parsed formula gives it back.

Fixed budget (well under a minute); ``--runslow`` runs ten times more examples.
"""
from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm.constructions.ltl import Formula, evaluate, evaluate_linear, parse_formula
from ssm.errors import SSMError

SCALE = 10 if "--runslow" in sys.argv else 1
FUZZ = settings(max_examples=300 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

TOKENS = st.lists(st.sampled_from(["a", "b", "c", "'a'", "''", "S", "Y", "O", "H", "!", "&", "|",
                                   "->", "(", ")", "true", "false", "-", ">", "'", "é", "\t"]),
                  max_size=30)


@FUZZ
@given(TOKENS, st.booleans())
def test_any_text_parses_or_raises_the_package_error(tokens, spaced):
    text = (" " if spaced else "").join(tokens)
    try:
        f = parse_formula(text, "ab")
    except SSMError:
        return
    assert isinstance(f, Formula)
    assert parse_formula(str(f), "ab") == f
    w = "abba"
    assert evaluate(f, w).tolist() == evaluate_linear(f, w).tolist()


@FUZZ
@given(st.integers(1, 400), st.sampled_from(["!", "Y ", "O ", "("]))
def test_deep_nesting_is_an_error_or_a_formula(n, op):
    text = op * n + "a" + (")" * n if op == "(" else "")
    try:
        parse_formula(text, "ab")
    except SSMError as e:
        assert "deeper" in str(e) or "deep" in str(e)
