"""The registry and every registered language against an independent Python oracle."""
from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from automata import DFA
from automata.counter import CounterAutomaton
from automata.errors import AutomatonError, InvalidAutomatonError, UnknownLanguageError, UnknownSymbolError
from automata.languages import (PAPER_SUITE, Language, get_language, list_languages,
                                register_language)
from automata.languages import registry as registry_module


# ------------------------------------------------------------------ oracles
def runs(w):
    return [(m.group(0)[0], len(m.group(0))) for m in re.finditer(r"0+|1+", w)]


def tomita3(w):
    r = runs(w)
    return not any(a == ("1", a[1]) and a[1] % 2 and b[0] == "0" and b[1] % 2
                   for a, b in zip(r, r[1:]))


def depth_ok(w, opens, closes, max_depth=None):
    stack = []
    for ch in w:
        if ch in opens:
            stack.append(opens.index(ch))
            if max_depth is not None and len(stack) > max_depth:
                return False
        else:
            if not stack or stack.pop() != closes.index(ch):
                return False
    return not stack


def shuffle_ok(w, pairs):
    for o, c in pairs:
        depth = 0
        for ch in w:
            depth += (ch == o) - (ch == c)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def boolean_ok(w, arity):
    # recursive descent: expr := operand | op expr^arity(op)
    def parse(i):
        if i >= len(w):
            return None
        ch = w[i]
        if ch in "01":
            return i + 1
        j = i + 1
        for _ in range(arity[ch]):
            j = parse(j)
            if j is None:
                return None
        return j

    return parse(0) == len(w)


def letters_power(w, letters):
    n, r = divmod(len(w), len(letters))
    return r == 0 and w == "".join(ch * n for ch in letters)


def flip_flop_ok(w):
    if len(w) % 2:
        return False
    mem = None
    for t in range(0, len(w), 2):
        ins, bit = w[t], w[t + 1]
        if ins not in "wri" or bit not in "01":
            return False
        if t == 0 and ins != "w":
            return False
        if ins == "w":
            mem = bit
        elif ins == "r" and bit != mem:
            return False
    return True


def group_ok(w, gens):
    from sympy.combinatorics import Permutation

    size = gens[0].size
    x = Permutation(list(range(size)))
    for ch in w:
        x = x * gens["ab".index(ch)]
    return x.is_Identity


def rx(p):
    return lambda w: re.fullmatch(p, w) is not None


ORACLES = {
    "tomita1": rx("1*"), "tomita2": rx("(10)*"), "tomita3": tomita3,
    "tomita4": lambda w: "000" not in w,
    "tomita5": lambda w: w.count("0") % 2 == 0 and w.count("1") % 2 == 0,
    "tomita6": lambda w: (w.count("0") - w.count("1")) % 3 == 0,
    "tomita7": rx("0*1*0*1*"),
    "parity": lambda w: w.count("1") % 2 == 0,
    "aa_star": rx("(aa)*"), "aaaa_star": rx("(aaaa)*"), "abab_star": rx("(abab)*"),
    "d2": lambda w: depth_ok(w, "a", "b", 2), "d3": lambda w: depth_ok(w, "a", "b", 3),
    "d4": lambda w: depth_ok(w, "a", "b", 4), "d12": lambda w: depth_ok(w, "a", "b", 12),
    "abcde_star": rx("a+b+c+d+e+"), "ab_d_bc": rx("[ab]*d[bc]*"), "012_02": rx("[012]*02*"),
    "dyck1": lambda w: depth_ok(w, "(", ")"),
    "shuffle2": lambda w: shuffle_ok(w, ["()", "[]"]),
    "shuffle4": lambda w: shuffle_ok(w, ["()", "[]", "{}", "<>"]),
    "shuffle6": lambda w: shuffle_ok(w, ["()", "[]", "{}", "<>", "+-", "ab"]),
    "boolean3": lambda w: boolean_ok(w, {"~": 1, "+": 2, ">": 3}),
    "boolean5": lambda w: boolean_ok(w, {"~": 1, "+": 2, ">": 3, "*": 4, "^": 5}),
    "anbn": lambda w: letters_power(w, "ab"), "anbncn": lambda w: letters_power(w, "abc"),
    "anbncndn": lambda w: letters_power(w, "abcd"),
    "flip_flop": flip_flop_ok,
    "dyck_2_3": lambda w: depth_ok(w, "([", ")]", 3),
    "dyck_2_4": lambda w: depth_ok(w, "([", ")]", 4),
    "dyck_8_10": lambda w: depth_ok(w, "([{<abcd", ")]}>ABCD", 10),
    **{f"mod_{m}": (lambda w, m=m: w.count("a") % m == 0) for m in range(2, 8)},
    "no_aa": lambda w: "aa" not in w, "ends_ab": rx("[ab]*ab"),
    "contains_abc": rx("[abc]*abc[abc]*"), "a_then_b_only": rx("a*b*"),
    "first_last_same": lambda w: w == "" or w[0] == w[-1],
}


def _group_oracle(name):
    from automata.languages.word_problems import group_generators

    gens = group_generators(name.split("_")[-1])
    return lambda w: group_ok(w, gens)


def words_for(lang, rng, budget=3000):
    """All words while the total stays under budget, then random words up to length 12."""
    k = len(lang.alphabet)
    out = []
    for n in itertools.count():
        if len(out) + k ** n > budget or n > 14:
            break
        out += ["".join(p) for p in itertools.product(lang.alphabet, repeat=n)]
    for _ in range(300):
        n = int(rng.integers(0, 13))
        out.append("".join(rng.choice(list(lang.alphabet), size=n)))
    return out


@pytest.mark.parametrize("name", list_languages())
def test_membership_matches_oracle(name):
    lang = get_language(name)
    oracle = ORACLES.get(name) or (_group_oracle(name) if name.startswith("word_problem") else None)
    assert oracle is not None, f"no oracle for {name}"
    rng = np.random.default_rng(0)
    n_members = 0
    for w in words_for(lang, rng):
        got = lang.accepts(w)
        assert got == oracle(w), (name, w)
        n_members += got
    # the language's own samplers produce members
    from automata.sampling import count_members, sample_members
    for n in range(0, 14):
        if count_members(lang, n):
            for w in sample_members(lang, n, 5, seed=n):
                assert oracle(w), (name, w)
            n_members += 1
    assert n_members > 0


def test_registry_lists_the_issue_names():
    names = set(list_languages())
    required = ({f"tomita{i}" for i in range(1, 8)} | set(PAPER_SUITE) | {"flip_flop", "dyck_8_10"}
                | {f"mod_{m}" for m in range(2, 8)}
                | {f"word_problem_{g}" for g in ["z2", "z3", "z4", "z5", "z6", "z7", "s3", "d4",
                                                 "q8", "a4", "s4", "a5", "s5"]})
    assert required <= names
    assert len(list_languages()) == len(names)


def test_paper_suite_groups():
    assert len(PAPER_SUITE) == 27
    counts = {g: sum(v == g for v in PAPER_SUITE.values()) for g in set(PAPER_SUITE.values())}
    assert counts == {"star-free": 11, "non-star-free": 7, "counter": 9}
    for name, group in PAPER_SUITE.items():
        lang = get_language(name)
        assert lang.paper_group == group
        assert (lang.kind == "counter") == (group == "counter")
    assert list_languages(group="counter") == [n for n in list_languages() if PAPER_SUITE.get(n) == "counter"]


@pytest.mark.parametrize("alias,name", [
    ("Tomita-3", "tomita3"), ("TOMITA-7", "tomita7"), ("D-2", "d2"), ("D-12", "d12"),
    ("AAStar", "aa_star"), ("AAAAStar", "aaaa_star"), ("ABABStar", "abab_star"),
    ("Dyck1", "dyck1"), ("Shuffle2", "shuffle2"), ("Boolean3", "boolean3"),
    ("012Star_0_2Star", "012_02"), ("ABStar_D_BCStar", "ab_d_bc"),
    ("AAStarBBStarCCStarDDStarEEStar", "abcde_star"), ("Parity", "parity"),
    ("anbncndn", "anbncndn"), ("word_problem_S5", "word_problem_s5"),
])
def test_aliases(alias, name):
    assert get_language(alias) is get_language(name)
    assert get_language(alias).name == name


def test_every_reference_folder_name_resolves():
    from pathlib import Path

    ref = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "reference_suite"
    if not ref.is_dir():
        pytest.skip(f"reference suite not found at {ref}")
    folders = sorted(p.name for p in ref.iterdir() if p.is_dir())
    assert len(folders) == 27
    assert {get_language(f).name for f in folders} == set(PAPER_SUITE)


def test_patterns():
    assert get_language("mod_11").dfa.n_states == 11
    assert get_language("dyck_3_2").dfa is not None         # 1 + 3 + 9 states: explicit DFA
    big = get_language("dyck_4_9")
    assert big.kind == "counter" and big.is_regular
    assert get_language("d7").accepts("a" * 7 + "b" * 7) and not get_language("d7").accepts("a" * 8 + "b" * 8)
    assert get_language("word_problem_z9").dfa.n_states == 9
    with pytest.raises(UnknownLanguageError, match="mod_m needs"):
        get_language("mod_1")


def test_unknown_name_lists_close_matches():
    with pytest.raises(UnknownLanguageError) as e:
        get_language("tomita9")
    msg = str(e.value)
    assert "tomita9" in msg and "tomita7" in msg and "\n" not in msg
    with pytest.raises(UnknownLanguageError, match="list_languages"):
        get_language("zzzzzzzzzz")
    assert isinstance(e.value, ValueError) and isinstance(e.value, AutomatonError)


def test_register_language(monkeypatch):
    monkeypatch.setattr(registry_module, "_FACTORIES", dict(registry_module._FACTORIES))
    monkeypatch.setattr(registry_module, "_ALIASES", dict(registry_module._ALIASES))
    monkeypatch.setattr(registry_module, "_CACHE", dict(registry_module._CACHE))
    d = DFA.from_transitions("ab", {0: {"a": 1, "b": 0}, 1: {"a": 0, "b": 1}}, 0, [0])
    calls = []

    def factory():
        calls.append(1)
        return Language("whatever", d, description="even a's")

    register_language("even_a", factory, aliases=["EvenA"])
    assert calls == []                      # lazy
    lang = get_language("evena")
    assert lang.name == "even_a" and lang.accepts("abab") and not lang.accepts("ab")
    assert get_language("even_a") is lang and calls == [1]   # cached
    assert "even_a" in list_languages()
    with pytest.raises(InvalidAutomatonError, match="already registered"):
        register_language("EVEN_A", Language("x", d))
    with pytest.raises(InvalidAutomatonError, match="already registered"):
        register_language("tomita1", Language("x", d))
    register_language("even_a", Language("even_a", ~d), overwrite=True)
    assert get_language("even_a").accepts("ab")
    with pytest.raises(InvalidAutomatonError):
        register_language("bad", 42)
    with pytest.raises(InvalidAutomatonError):
        register_language("", Language("x", d))


def test_language_validation_and_views():
    d = DFA.from_transitions("ab", {0: {"a": 0}}, 0, [0])
    lang = Language("a_star", d)
    assert lang.kind == "regular" and lang.dfa.n_states == 2 and lang.is_regular
    assert lang.trace("ab") == [lang.dfa.initial, lang.dfa.initial, lang.dfa.run("ab")]
    with pytest.raises(InvalidAutomatonError, match="paper_group"):
        Language("x", d, paper_group="regular")
    with pytest.raises(InvalidAutomatonError, match="lacks"):
        Language("x", object())
    with pytest.raises(UnknownSymbolError):
        lang.accepts("abc")
    with pytest.raises(UnknownSymbolError):
        get_language("dyck1").accepts("(x)")
    assert lang.decode(lang.encode("aab")) == "aab"


@pytest.mark.parametrize("name", list_languages())
def test_to_dict_is_json(name):
    lang = get_language(name)
    d = json.loads(json.dumps(lang.to_dict()))
    assert d["name"] == name and d["alphabet"] == list(lang.alphabet)
    assert d["kind"] in ("regular", "counter")
    assert d["description"]
    if lang.kind == "regular":
        assert lang.dfa == lang.dfa.minimize() and lang.dfa.n_states == lang.dfa.minimize().n_states


def _check_counter_languages_trim(small: int, large: int) -> None:
    for name in list_languages():
        lang = get_language(name)
        if isinstance(lang.automaton, CounterAutomaton):
            lang.automaton.check_trim(small if len(lang.alphabet) <= 7 else large)


def test_counter_languages_are_trim():
    _check_counter_languages_trim(6, 3)


@pytest.mark.slow
def test_counter_languages_are_trim_to_depth_8():
    """Depths 8 / 4 took 16 s on the loaded 2-core machine."""
    _check_counter_languages_trim(8, 4)


def test_word_problem_sizes_and_identity():
    orders = {"z2": 2, "z3": 3, "z5": 5, "z7": 7, "s3": 6, "d4": 8, "q8": 8, "a4": 12, "s4": 24,
              "a5": 60, "s5": 120}
    for g, order in orders.items():
        lang = get_language(f"word_problem_{g}")
        assert lang.dfa.n_states == order          # the Cayley graph is already minimal
        assert lang.accepts("")
    q8 = get_language("word_problem_q8")
    assert q8.accepts("aaaa") and not q8.accepts("aa")          # i^4 = 1, i^2 = -1
    # i j = k, so (ij)^2 = k^2 = -1 and (ij)^4 = 1
    assert not q8.accepts("abab") and q8.accepts("abababab")
    # non-abelian: ab != ba in S3
    s3 = get_language("word_problem_s3")
    assert s3.dfa.run("ab") != s3.dfa.run("ba")


def test_bounded_dyck_machine_agrees_with_explicit_dfa():
    from automata.languages.dyck_bounded import BoundedDyckMachine, dyck_count

    small = get_language("dyck_2_3")
    m = BoundedDyckMachine(2, 3)
    rng = np.random.default_rng(1)
    for _ in range(2000):
        w = "".join(rng.choice(list(small.alphabet), size=int(rng.integers(0, 11))))
        assert m.accepts(w) == small.accepts(w)
    from automata.sampling import count_members
    for n in range(0, 13):
        assert dyck_count(2, 3, n) == count_members(small, n)
    tr = get_language("dyck_8_10").trace("(a")
    assert tr[-1] == (0, 2, 1, 5) + (0,) * 8    # depth 2, stack: '(' (type 0), 'a' (type 4)


def test_flip_flop_sampler_statistics():
    lang = get_language("flip_flop")
    assert lang.sampler_defaults == {"p_ignore": 0.8}
    rng = np.random.default_rng(0)
    for p in (0.5, 0.98):
        arr = lang.member_sampler(200, 2000, rng, p_ignore=p)
        instr = arr[:, 2::2]                     # all instructions after the first
        frac_ignore = (instr == 2).mean()
        assert abs(frac_ignore - p) < 0.01
        assert (arr[:, 0] == 0).all()
        assert all(lang.accepts(lang.decode(r)) for r in arr[:50])
    with pytest.raises(AutomatonError, match="p_ignore"):
        lang.member_sampler(10, 1, rng, p_ignore=1.5)


def test_docs_table_lists_every_language():
    from pathlib import Path

    import subprocess
    import sys

    # a fresh interpreter: the built-in registry, not languages other tests' plugins registered
    names = subprocess.run([sys.executable, "-c", "from automata.languages import list_languages; "
                            "print(' '.join(list_languages()))"], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).resolve().parents[2]).stdout.split()
    doc = (Path(__file__).resolve().parents[2] / "docs" / "languages.md").read_text()
    missing = [n for n in names if f"| `{n}` |" not in doc]
    assert not missing, f"docs/languages.md lacks {missing}"


# ------------------------------------------------------------ family budgets (issue 17)
@pytest.mark.parametrize("name", ["mod_100000", "mod_" + "9" * 5000, "word_problem_z5000",
                                  "d20000", "dyck_1_100000000", "dyck_5000_2"])
def test_parametric_families_are_refused_before_they_are_built(name):
    import time

    from automata.errors import BudgetExceededError

    t = time.monotonic()
    with pytest.raises(BudgetExceededError, match="max_modulus"):
        get_language(name)
    assert time.monotonic() - t < 2


def test_family_bounds_still_hold():
    assert get_language("mod_1000").dfa.n_states == 1000
    with pytest.raises(UnknownLanguageError, match=">= 2"):
        get_language("mod_1")
