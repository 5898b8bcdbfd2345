"""Past LTL: random formulas compiled into non-negative-gate SSMs agree with the definitional
evaluator at every position; the depth is the temporal nesting depth."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ssm.constructions.errors import ConstructionError
from ssm.constructions.ltl import (And, Atom, Const, FormulaSyntaxError, Historically, Not, Once,
                                   Or, Since, Yesterday, build_ltl, evaluate, evaluate_linear,
                                   parse_formula, since_depth, temporal_depth)

ALPHABET = "abc"

leaves = st.one_of(st.sampled_from([Atom(s) for s in ALPHABET]), st.sampled_from([Const(True), Const(False)]))


def _formulas(with_y: bool):
    def extend(children):
        unary = [Not, Once, Historically] + ([Yesterday] if with_y else [])
        return st.one_of(
            st.builds(lambda op, f: op(f), st.sampled_from(unary), children),
            st.builds(lambda op, f, g: op(f, g), st.sampled_from([And, Or, Since]), children, children))
    return st.recursive(leaves, extend, max_leaves=8)


words = st.text(alphabet=ALPHABET, min_size=0, max_size=25)


@settings(max_examples=150, deadline=None)
@given(_formulas(True), st.lists(words, min_size=1, max_size=4))
def test_compiled_model_equals_definition(f, ws):
    c = build_ltl(f, ALPHABET)
    assert c.layers == temporal_depth(f) == len(c.model.layers)
    assert set(c.gates) <= {0.0, 0.25, 1.0}
    preds = c.predict(ws)
    for w, p in zip(ws, preds):
        expect = evaluate(f, w)
        np.testing.assert_array_equal(np.asarray(p, dtype=bool), expect, err_msg=f"{f} on {w!r}")
        np.testing.assert_array_equal(evaluate_linear(f, w), expect)


@settings(max_examples=60, deadline=None)
@given(_formulas(False))
def test_depth_is_since_nesting_without_y(f):
    c = build_ltl(f, ALPHABET)
    assert c.layers == since_depth(f) == temporal_depth(f)
    assert set(c.gates) <= {0.0, 1.0}


@settings(max_examples=100, deadline=None)
@given(_formulas(True))
def test_print_parse_round_trip(f):
    assert parse_formula(str(f), ALPHABET) == f


def test_y_is_exact_on_its_hardest_inputs_at_length_10000():
    # long runs of 'a' followed by a single 'b' make the fading channel's binary tail longest
    rng = np.random.default_rng(0)
    runs = rng.integers(1, 60, size=400)
    w = "".join("a" * int(r) + "b" for r in runs)[:10_000]
    for formula in ("Y a", "Y Y Y a", "Y (a S Y b)", "H (b -> Y a)"):
        c = build_ltl(formula, "ab")
        assert c.check(0, 0, words=[w]).accuracy == 1.0, formula
    c32 = build_ltl("Y a & Y Y b", "ab", dtype=torch.float32)
    assert c32.check(10_000, 5, seed=1).accuracy == 1.0


def test_examples_and_depths():
    assert build_ltl("a", "ab").layers == 0
    f = parse_formula("O (a & O (b & Y c))", ALPHABET)
    assert temporal_depth(f) == 3 and since_depth(f) == 2
    assert build_ltl(f, ALPHABET).layer_widths == (1, 1, 1)
    # shared subformulas share one channel
    assert build_ltl("(a S b) & !(a S b) | O (a S b)", ALPHABET).layer_widths == (1, 1)
    assert str(parse_formula("'S' S a", ("S", "a"))) == "('S' S a)"
    assert parse_formula("a -> b -> c") == Or(Not(Atom("a")), Or(Not(Atom("b")), Atom("c")))


@pytest.mark.parametrize("text", ["", "a S", "a & & b", "(a", "a b", "x", "a $ b", "Y"])
def test_parse_errors(text):
    with pytest.raises(FormulaSyntaxError) as e:
        parse_formula(text, ALPHABET)
    assert isinstance(e.value, ValueError) and isinstance(e.value, ConstructionError)


def test_bad_alphabet():
    with pytest.raises(ConstructionError):
        build_ltl("a", "aa")
    with pytest.raises(FormulaSyntaxError, match="not in the alphabet"):
        build_ltl(Atom("z"), "ab")
