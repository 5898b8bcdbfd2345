"""The regex compiler against Python's ``re`` and brute force, plus its error reporting."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automata import DFA, InvalidAutomatonError, RegexSyntaxError, UnknownSymbolError
from automata.regex import MAX_COUNT, MAX_DEPTH, regex_to_dfa

from .strategies import all_words

ALPHA = "abc"
WORDS = all_words(ALPHA, 5)                      # 364 words, every one up to length 5
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def agrees_with(d: DFA, truth, words=WORDS) -> None:
    for w in words:
        assert d.accepts(w) == truth(w), repr(w)


def re_truth(pattern: str):
    compiled = re.compile(pattern)
    return lambda w: compiled.fullmatch(w) is not None


# Patterns written in the syntax both we and Python's re share.
LEAVES = ["a", "b", "c", ".", "[ab]", "[^a]", "[a-b]", "[b-c]", "()"]


def shared_regexes():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
            st.tuples(inner, inner).map(lambda t: f"({t[0]}|{t[1]})"),
            inner.map(lambda r: f"({r})*"),
            inner.map(lambda r: f"({r})+"),
            inner.map(lambda r: f"({r})?"),
            st.tuples(inner, st.integers(0, 3)).map(lambda t: f"({t[0]}){{{t[1]}}}"),
            st.tuples(inner, st.integers(0, 2)).map(lambda t: f"({t[0]}){{{t[1]},}}"),
            st.tuples(inner, st.integers(0, 2), st.integers(0, 2)).map(
                lambda t: f"({t[0]}){{{t[1]},{t[1] + t[2]}}}"),
        )
    return st.recursive(st.sampled_from(LEAVES), extend, max_leaves=7)


# ------------------------------------------------------------------ agreement with re
@pytest.mark.parametrize("pattern", [
    "a", "abc", "a|b", "(a|b)*c", "a+b?", "(ab)*", "[ab]*c[bc]+", "[^a]*", "[a-b]{2}",
    ".*a.{2}", "(a|b){1,3}", "a{0}", "a{2,}", "(a*b*)*", "()", "(()|a)b", "((a|b)c)+",
    "a{0,0}b", "c{1,1}", "(.)?a*",
])
def test_fixed_patterns_agree_with_re(pattern):
    agrees_with(regex_to_dfa(pattern, ALPHA), re_truth(pattern))


@SETTINGS
@given(pattern=shared_regexes(),
       extra=st.lists(st.text(alphabet=ALPHA, min_size=6, max_size=14), max_size=10))
def test_random_regexes_agree_with_re(pattern, extra):
    d = regex_to_dfa(pattern, ALPHA)
    agrees_with(d, re_truth(pattern), all_words(ALPHA, 4) + extra)


@SETTINGS
@given(r=shared_regexes(), s=shared_regexes())
def test_complement_and_intersection_against_brute_force(r, s):
    in_r, in_s = re_truth(r), re_truth(s)
    words = all_words(ALPHA, 4)
    agrees_with(regex_to_dfa(f"~({r})", ALPHA), lambda w: not in_r(w), words)
    agrees_with(regex_to_dfa(f"({r})&({s})", ALPHA), lambda w: in_r(w) and in_s(w), words)
    agrees_with(regex_to_dfa(f"~({r})&({s})|~({s})", ALPHA),
                lambda w: (not in_r(w) and in_s(w)) or not in_s(w), words)
    agrees_with(regex_to_dfa(f"(~({r}))({s})", ALPHA),
                lambda w: any(not in_r(w[:i]) and in_s(w[i:]) for i in range(len(w) + 1)), words)


def test_star_free_examples():
    no_aa = regex_to_dfa("~(.*aa.*)", "ab")
    agrees_with(no_aa, lambda w: "aa" not in w, all_words("ab", 8))
    assert no_aa.n_states == 3
    # (ab)* is star-free: ~( b.* | .*a | .*aa.* | .*bb.* ) — and it equals the starred form
    star_free = regex_to_dfa("~(b.*|.*a|.*aa.*|.*bb.*)", "ab")
    assert star_free == regex_to_dfa("(ab)*", "ab")
    assert star_free.same_structure(regex_to_dfa("(ab)*", "ab"))
    # complement of the empty string, intersections of three
    agrees_with(regex_to_dfa("~()", "ab"), lambda w: w != "", all_words("ab", 6))
    agrees_with(regex_to_dfa(".*a.*&.*b.*&~(.*c.*)", ALPHA),
                lambda w: "a" in w and "b" in w and "c" not in w)
    agrees_with(regex_to_dfa("~~a", ALPHA), lambda w: w == "a")
    agrees_with(regex_to_dfa("a&b", ALPHA), lambda w: False)


@pytest.mark.parametrize("ours, meaning", [
    ("a|b&c", lambda w: w == "a"),                         # & binds tighter than |
    ("(a|b)&b", lambda w: w == "b"),
    ("ab&a.", lambda w: w == "ab"),                        # concatenation tighter than &
    ("~a*", lambda w: not re.fullmatch("a*", w)),          # ~ takes the repeated atom
    ("(~a)*", lambda w: w != "a"),                         # "a" is no product of non-"a"s
    ("~ab", lambda w: len(w) >= 1 and w[-1] == "b" and w[:-1] != "a"),   # (~a)b
    ("~(ab)", lambda w: w != "ab"),
    ("a~b", lambda w: w.startswith("a") and w[1:] != "b"),
])
def test_precedence(ours, meaning):
    agrees_with(regex_to_dfa(ours, ALPHA), meaning)


# ------------------------------------------------------------------ features
def test_result_is_minimal_and_canonical():
    forms = ["(a|b|c)*", "[abc]*", ".*", "[a-c]*", "~(~(.*))", "(a*b*c*)*", "()|.+", "~(a&b)"]
    dfas = [regex_to_dfa(p, ALPHA) for p in forms]
    assert all(d.n_states == 1 for d in dfas)
    assert all(d.same_structure(dfas[0]) for d in dfas)
    d = regex_to_dfa("(a|b)*a(a|b){3}", "ab")                 # 4th symbol from the end is a
    assert d.n_states == 16 and d.minimize().same_structure(d)


def test_counted_repetition_bounds():
    d = regex_to_dfa(f"a{{{MAX_COUNT}}}", "a")
    assert d.n_states == MAX_COUNT + 2
    assert d.accepts("a" * MAX_COUNT) and not d.accepts("a" * (MAX_COUNT - 1))
    agrees_with(regex_to_dfa("a{,2}", "ab"), lambda w: w in ("", "a", "aa"), all_words("ab", 4))
    with pytest.raises(RegexSyntaxError, match="above"):
        regex_to_dfa(f"a{{{MAX_COUNT + 1}}}", "a")


def test_escapes_for_metacharacters():
    alphabet = ["(", ")", "*", "a", "|", "\\"]
    d = regex_to_dfa(r"\(a\*\)|\|\\", alphabet)
    assert d.accepts("(a*)") and d.accepts("|\\")
    assert not d.accepts("a") and not d.accepts("(a)")
    assert regex_to_dfa(r"[\(\)]+", alphabet).accepts("()(")
    assert regex_to_dfa(r"[^\(]", alphabet).accepts("|")


def test_alphabet_forms_and_column_order():
    d1 = regex_to_dfa("a*b", "ab")
    d2 = regex_to_dfa("a*b", ["b", "a"])
    assert d1 == d2 and d2.alphabet == ("b", "a")
    assert regex_to_dfa("a*b", "ab").same_structure(d1)
    assert regex_to_dfa("[a-z]", "ab").accepts("b")         # a range keeps alphabet symbols only


def test_deep_nesting_is_an_error_not_a_crash():
    ok = "(" * 50 + "a" + ")" * 50
    assert regex_to_dfa(ok, "a").accepts("a")
    with pytest.raises(RegexSyntaxError, match="nesting"):
        regex_to_dfa("(" * (MAX_DEPTH + 5) + "a" + ")" * (MAX_DEPTH + 5), "a")
    with pytest.raises(RegexSyntaxError, match="repetition operators"):
        regex_to_dfa("a" + "*" * (MAX_DEPTH + 5), "a")
    with pytest.raises(RegexSyntaxError, match="nesting"):
        regex_to_dfa("~" * (MAX_DEPTH + 5) + "a", "a")


def test_long_patterns_compile():
    rng = np.random.default_rng(0)
    word = "".join(rng.choice(list("ab"), size=300))
    d = regex_to_dfa(".*" + word + ".*", "ab")              # KMP-like automaton, 301 states
    assert d.n_states == 301 and d.accepts("b" + word + "a") and not d.accepts(word[1:])


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("pattern, column, needle", [
    ("", 1, "empty pattern"),
    ("(", 1, "never closed"),
    ("(ab", 1, "never closed"),
    ("a(b|c", 2, "never closed"),
    ("ab)", 3, "unmatched ')'"),
    ("a]", 2, "unmatched ']'"),
    ("a}", 2, "unmatched '}'"),
    ("*a", 1, "nothing to repeat"),
    ("a|+", 3, "nothing to repeat"),
    ("a(*)", 3, "nothing to repeat"),
    ("a|", 3, "empty alternative"),
    ("|a", 1, "empty alternative"),
    ("a||b", 3, "empty alternative"),
    ("(|a)", 2, "empty alternative"),
    ("a&", 3, "'&' needs"),
    ("&a", 1, "'&' needs"),
    ("a&&b", 3, "'&' needs"),
    ("a|~", 4, "'~' needs"),
    ("~)", 2, "'~' needs"),
    ("ab[ab", 3, "never closed"),
    ("a[]", 2, "empty character class"),
    ("[^]", 1, "empty character class"),
    ("[c-a]", 2, "reversed"),
    ("ab{2", 3, "closing '}'"),
    ("a{2,1}", 2, "maximum below"),
    ("a{x}", 2, "bad repetition"),
    ("a{1,2,3}", 2, "bad repetition"),
    ("a{,}", 2, "bad repetition"),
    ("a{}", 2, "bad repetition"),
    ("ab\\", 3, "end of the pattern"),
])
def test_syntax_errors_report_the_column(pattern, column, needle):
    with pytest.raises(RegexSyntaxError) as info:
        regex_to_dfa(pattern, ALPHA)
    err = info.value
    assert err.column == column
    assert f"column {column}" in str(err)
    assert needle in str(err)
    assert "\n" not in str(err)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("pattern, symbol, column", [
    ("abd", "d", 3), ("[ax]", "x", 3), ("[^z]", "z", 3), ("a\\x", "x", 3), (" a", " ", 1),
])
def test_unknown_symbols_are_named(pattern, symbol, column):
    with pytest.raises(UnknownSymbolError) as info:
        regex_to_dfa(pattern, ALPHA)
    assert repr(symbol) in str(info.value)
    assert f"column {column}" in str(info.value)


@pytest.mark.parametrize("alphabet, needle", [
    ("", "empty"), (["ab", "c"], "one-character"), ("aa", "repeats"), ([1, 2], "one-character"),
    (7, "a str or a sequence"),
])
def test_bad_alphabets(alphabet, needle):
    with pytest.raises(InvalidAutomatonError, match=needle):
        regex_to_dfa("a", alphabet)


def test_non_string_pattern():
    with pytest.raises(RegexSyntaxError, match="must be a str"):
        regex_to_dfa(["a"], "a")


# ------------------------------------------------------------ budgets (issue 17)
def test_budgets_refuse_before_the_work():
    import time

    from automata.errors import BudgetExceededError

    for pattern in ["(a{1000}){1000}", "((a|b){1000}){1000}", "(a{500}b{500}){600}"]:
        t = time.monotonic()
        with pytest.raises(BudgetExceededError, match="max_regex_nfa_states"):
            regex_to_dfa(pattern, "ab")
        assert time.monotonic() - t < 1.0          # estimated from the parse tree, not built
    with pytest.raises(BudgetExceededError, match="max_states=N"):
        regex_to_dfa("~(.*a(a|b){12})", "ab", max_states=1000)
    with pytest.raises(BudgetExceededError, match="max_nfa_states=N"):
        regex_to_dfa("(~(a{300}))*", "ab", max_nfa_states=400)    # a spliced subterm
    with pytest.raises(BudgetExceededError, match="max_seconds"):
        regex_to_dfa("~(.*a(a|b){16})", "ab", max_seconds=1e-9)
    assert regex_to_dfa("~(.*a(a|b){12})", "ab").n_states == 2 ** 13


def test_long_repetition_counts_are_syntax_errors():
    with pytest.raises(RegexSyntaxError, match="above 1000"):
        regex_to_dfa("a{" + "9" * 5000 + "}", "a")
    with pytest.raises(RegexSyntaxError, match="above 1000"):
        regex_to_dfa("a{1," + "9" * 20 + "}", "a")


@pytest.mark.slow   # 12.6 s on the loaded 2-core machine (the bitmask path is quadratic)
def test_large_nfas_use_sets_and_agree_with_small_ones():
    from automata import regex as rx

    p = "(a|b)*a(a|b){3}" + "b" * (rx.BITMASK_MAX + 10)
    big = regex_to_dfa(p, "ab")
    words = ["aaaa" + "b" * (rx.BITMASK_MAX + 10), "babb" + "b" * (rx.BITMASK_MAX + 10),
             "b" * (rx.BITMASK_MAX + 14)]
    assert [big.accepts(w) for w in words] == [True, False, False]
    old, rx.BITMASK_MAX = rx.BITMASK_MAX, 10 ** 9
    try:
        assert regex_to_dfa(p, "ab") == big
    finally:
        rx.BITMASK_MAX = old


def test_parse_alphabet_is_strict():
    from automata.regex import parse_alphabet

    assert parse_alphabet("abc") == ("a", "b", "c")
    assert parse_alphabet("x,yy,z") == ("x", "yy", "z")
    for text, match in [("a,,b", "symbol 2 is empty"), ("a,b,", "symbol 3 is empty"),
                        ("", "is empty"), ("a,a", "repeats"), ("aa", "repeats")]:
        with pytest.raises(InvalidAutomatonError, match=match):
            parse_alphabet(text)
