"""automata.classify: fields, witnesses verified by running the DFA, budgets, speed."""
from __future__ import annotations

import json
import math
import time

import pytest
from hypothesis import given, settings

from automata.classify import Budget, classify
from automata.dfa import DFA
from automata.regex import regex_to_dfa
from automata.languages import PAPER_SUITE, list_languages
from tests.automata._algebra_oracle import brute_green, full_transformation_gens
from tests.automata.strategies import dfas

KEYS = {"language", "regular", "states", "monoid_size", "aperiodic", "star_free", "groups",
        "varieties", "witness", "predictions", "idempotents", "d_classes", "aperiodicity_index",
        "ac0", "families"}


def _check_witness(d: DFA, w: dict):
    u, x, v, p = w["u"], w["w"], w["v"], w["period"]
    assert p > 1
    seq = [d.accepts(u + x * k + v) for k in range(3 * p)]
    least = next(q for q in range(1, 3 * p) if all(seq[i] == seq[i + q] for i in range(3 * p - q)))
    assert least == p


@pytest.mark.parametrize("name", sorted(PAPER_SUITE))
def test_paper_labels_agree(name):
    c = classify(name)
    assert c.label == PAPER_SUITE[name]
    d = c.to_dict()
    assert KEYS <= set(d)
    json.dumps(d)
    for p in d["predictions"]:
        assert {"model", "expressible", "min_layers", "max_layers", "layers", "reason",
                "reference", "status", "witness"} <= set(p)
        assert p["layers"] == p["max_layers"]                  # the deprecated alias
        lo, hi = p["min_layers"], p["max_layers"]
        assert lo is None or hi is None or lo <= hi


@pytest.mark.parametrize("name", ["parity", "tomita3", "tomita5", "tomita6", "abab_star",
                                  "aaaa_star", "word_problem_a5"])
def test_nonstar_free_witnesses_hold(name):
    from automata.languages import get_language

    c = classify(name)
    _check_witness(get_language(name).dfa, c.witness)


@settings(max_examples=40, deadline=None)
@given(dfas(max_states=5, alphabet="ab"))
def test_random_dfas(d):
    c = classify(d)
    size, n_d, n_idem, aperiodic, _ = brute_green(d.minimize().delta.T)
    assert (c.monoid_size, c.d_classes, c.idempotents, c.aperiodic) == (size, n_d, n_idem, aperiodic)
    if not aperiodic:
        _check_witness(d, c.witness)
    else:
        assert c.witness["aperiodicity_index"] == c.aperiodicity_index >= 1


def test_every_registry_language_is_fast():
    slow = []
    for name in list_languages():
        t = time.perf_counter()
        classify(name)
        dt = time.perf_counter() - t
        if dt > 2.0:                     # target 0.5 s; slack for a loaded test machine
            slow.append((name, dt))
    assert not slow


def test_big_monoid_without_enumeration():
    d = DFA(["c", "t", "e"], full_transformation_gens(8).T, 0, [0])
    c = classify(d, budget=Budget(enumerate_max_size=100_000))
    assert c.monoid_size == 8 ** 8 and c.aperiodic is False
    # the idempotents come from Green's structure (transversal image / kernel pairs), exact
    assert c.idempotents == sum(math.comb(8, k) * k ** (8 - k) for k in range(1, 9))
    assert [g.name for g in c.groups] == ["Z_2", "S_3", "S_4", "S_5", "S_6", "S_7", "S_8"]
    assert any("enumeration skipped" in n for n in c.notes)


def test_star_free_index_and_counter():
    c = classify(DFA("a", [[1], [2], [3], [3]], 0, [3]))          # a^{>=3}
    assert c.aperiodic and c.aperiodicity_index == 3
    assert classify("dyck1").regular is False and classify("dyck1").monoid_size is None


def test_bad_input():
    from automata.errors import AutomatonError

    with pytest.raises(AutomatonError):
        classify("no_such_language")
    with pytest.raises(TypeError):
        classify(42)
    with pytest.raises(AutomatonError):
        classify(regex="(aa)*")                              # no alphabet
    with pytest.raises(AutomatonError):
        classify(regex="a(b", alphabet="ab")                 # syntax error
    with pytest.raises(TypeError):
        classify("parity", regex="(aa)*", alphabet="a")
    with pytest.raises(AutomatonError):
        classify("parity").prediction("transformer")         # retired family name


def test_regex_api_matches_dfa():
    a = classify(regex="(a(a|b))*", alphabet="ab")
    b = classify(regex_to_dfa("(a(a|b))*", "ab"))
    assert a.language == "(a(a|b))*" and b.language == "dfa"
    assert a.to_dict()["predictions"] == b.to_dict()["predictions"]
    assert a.ac0 == b.ac0 and a.ac0["ac0"] is True


def test_docs_example_runs():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "classification.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/classification.md", "exec"), {"__name__": "docs_example"})


def test_over_budget_degrades_to_unknown():
    d = DFA(["c", "t", "e"], full_transformation_gens(7).T, 0, [0])
    c = classify(d, budget=Budget(orbit_max=5, enumerate_max_size=1000))
    assert c.aperiodic is False and c.monoid_size is None and c.groups == ()
    _check_witness(d, c.witness)                       # the cheap short-word witness still holds
    p = {x.model: x.expressible for x in c.predictions}
    assert p["ssm_nonnegative"] == "no" and p["ssm_signed"] == "unknown"
    assert p["lstm"] == "yes" and len(c.notes) >= 2
    assert c.prediction("ssm_nonnegative").witness["period"] > 1
    from automata.errors import BudgetExceededError

    with pytest.raises(BudgetExceededError):
        classify(d, budget=Budget(orbit_max=5), strict=True)


@pytest.mark.parametrize("image_orbit_fails", [False, True])
def test_greens_structure_over_budget_is_not_tried_again(monkeypatch, image_orbit_fails):
    """When Green's structure is over the classification's budget, the varieties take what
    the budget left (the image orbit, or nothing) instead of recomputing it with their own,
    larger defaults: Green's structure is computed twice (with, then without the D-classes)
    and never by the varieties."""
    import importlib

    from automata.errors import BudgetExceededError

    cl = importlib.import_module("automata.classify")      # the modules, not the functions
    va = importlib.import_module("automata.varieties")

    calls = []
    real = cl.green_structure

    def over_budget(d, **kw):
        calls.append(kw.get("d_classes", True))
        if kw.get("d_classes", True) or image_orbit_fails:
            raise BudgetExceededError("more than 1 D-classes (a test's budget)")
        return real(d, **kw)

    def refuse(*a, **kw):
        raise AssertionError("the varieties computed Green's structure again")

    monkeypatch.setattr(cl, "green_structure", over_budget)
    monkeypatch.setattr(va, "green_structure", refuse)
    d = DFA(["c", "t", "e"], full_transformation_gens(4).T, 0, [0])
    out = classify(d)
    assert calls == [True, False]
    assert out.aperiodic is False                   # a short word with a cycle says so
    v = out.varieties
    assert (v.r_trivial, v.l_trivial, v.j_trivial) == (None, None, None)
    assert v.aperiodic == (None if image_orbit_fails else False)
    assert any("Green's structure: more than 1 D-classes" in n for n in out.notes)


def test_count_budgets_scale_with_the_states():
    """The enumeration and AC0 budgets count transformations of n entries each: past 128
    states they allow limit × 128 entries, and the note says how they were scaled."""
    b = Budget()
    assert b.per_states(1_000_000, 128) == 1_000_000
    assert b.per_states(200_000, 1_000) == 25_600
    out = classify("d300", budget=Budget(orbit_max=10_000))
    assert out.aperiodic is None and out.monoid_size is None
    assert any("4,238 sets of 302 states" in n for n in out.notes)
    assert any("max_size 1,000,000 for 302 states: 423,841 transformations" in n
               for n in out.notes)
