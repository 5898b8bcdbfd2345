"""The frozen DFA: validation, JSON and networkx round trips, operators, language equality."""
from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from automata import (
    DFA,
    AutomatonError,
    AutomatonFormatError,
    InvalidAutomatonError,
    UnknownStateError,
    UnknownSymbolError,
)
from automata.random_dfa import random_dfa
from automata.regex import regex_to_dfa

from .strategies import accepted_words, all_words, dfas, words

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# the issue's example: q0 accepting, a toggles q0/q1, b loops at q0; q1 has no b-transition
ISSUE_DOC = {"alphabet": ["a", "b"], "states": ["q0", "q1"], "initial": "q0", "accepting": ["q0"],
             "transitions": {"q0": {"a": "q1", "b": "q0"}, "q1": {"a": "q0"}}}


def issue_dfa() -> DFA:
    return DFA.from_json(ISSUE_DOC)


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("build, error, needle", [
    (lambda: DFA([], np.zeros((1, 0)), 0, []), InvalidAutomatonError, "alphabet is empty"),
    (lambda: DFA("", [[0]], 0, []), InvalidAutomatonError, "alphabet is empty"),
    (lambda: DFA.from_json({**ISSUE_DOC, "alphabet": []}), InvalidAutomatonError, "alphabet is empty"),
    (lambda: DFA("aa", [[0, 0]], 0, []), InvalidAutomatonError, "repeats symbol"),
    (lambda: DFA(["a", ""], [[0, 0]], 0, []), InvalidAutomatonError, "non-empty strings"),
    (lambda: DFA("ab", [[0, 1]], 0, []), UnknownStateError, "unknown state 1"),
    (lambda: DFA("ab", [[0, -1]], 0, []), UnknownStateError, "unknown state -1"),
    (lambda: DFA("ab", [[0, 0]], 3, []), UnknownStateError, "initial state 3"),
    (lambda: DFA("ab", [[0, 0]], 0, [2]), UnknownStateError, "accepting state 2"),
    (lambda: DFA("ab", [[0, 0, 0]], 0, []), InvalidAutomatonError, "shape"),
    (lambda: DFA("ab", [[0, 0], [0]], 0, []), InvalidAutomatonError, "different lengths"),
    (lambda: DFA("ab", [[0, 0.5]], 0, []), InvalidAutomatonError, "integers"),
    (lambda: DFA("ab", [[0, 0]], 0, [], ["x", "y"]), InvalidAutomatonError, "2 state names"),
    (lambda: DFA("ab", [[1, 1], [0, 0]], 0, [], ["x", "x"]), InvalidAutomatonError, "repeat"),
    (lambda: DFA.from_json({**ISSUE_DOC, "initial": "q9"}), UnknownStateError, "'q9'"),
    (lambda: DFA.from_json({**ISSUE_DOC, "accepting": ["q7"]}), UnknownStateError, "'q7'"),
    (lambda: DFA.from_json({**ISSUE_DOC, "transitions": {"q0": {"a": "q5"}}}),
     UnknownStateError, "'q5'"),
    (lambda: DFA.from_json({**ISSUE_DOC, "transitions": {"q3": {"a": "q0"}}}),
     UnknownStateError, "'q3'"),
    (lambda: DFA.from_json({**ISSUE_DOC, "transitions": {"q0": {"c": "q0"}}}),
     UnknownSymbolError, "'c'"),
    (lambda: DFA.from_json({**ISSUE_DOC, "transitions": {"q0": ["a"]}}),
     AutomatonFormatError, "mapping"),
    (lambda: DFA.from_json({**ISSUE_DOC, "transitions": {"q0": {"a": ["q1"]}}}),
     AutomatonFormatError, "hashable"),
    (lambda: DFA.from_json({**ISSUE_DOC, "states": ["q0", "q0"]}), InvalidAutomatonError, "repeat"),
    (lambda: DFA.from_json({**ISSUE_DOC, "states": []}), InvalidAutomatonError, "empty"),
    (lambda: DFA.from_json({k: v for k, v in ISSUE_DOC.items() if k != "initial"}),
     AutomatonFormatError, "initial"),
    (lambda: DFA.from_json({**ISSUE_DOC, "colour": "red"}), AutomatonFormatError, "colour"),
    (lambda: DFA.from_json({**ISSUE_DOC, "alphabet": "ab"}), AutomatonFormatError, "alphabet"),
    (lambda: DFA.from_json('{"alphabet": ["a"], "states": '), AutomatonFormatError, "invalid JSON"),
    (lambda: DFA.from_json("[1, 2]"), AutomatonFormatError, "must be an object"),
    (lambda: DFA.from_json(42), AutomatonFormatError, "int"),
    (lambda: DFA.from_json("/nonexistent/dfa.json"), AutomatonFormatError, "cannot read"),
    (lambda: issue_dfa().accepts("abc"), UnknownSymbolError, "'c'"),
    (lambda: issue_dfa().run("a", start=7), UnknownStateError, "start state 7"),
    (lambda: DFA(["ab", "c"], [[0, 0]], 0, []).accepts("abc"), UnknownSymbolError, "list of symbols"),
])
def test_bad_input_raises_specific_error(build, error, needle):
    with pytest.raises(error) as info:
        build()
    assert isinstance(info.value, AutomatonError) and isinstance(info.value, ValueError)
    message = str(info.value)
    assert needle in message
    assert "\n" not in message


def test_invalid_json_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"alphabet": ["a",]}')
    with pytest.raises(AutomatonFormatError, match="invalid JSON at line 1"):
        DFA.from_json(p)


def test_dfa_is_immutable():
    d = issue_dfa()
    with pytest.raises(AttributeError):
        d.initial = 1
    with pytest.raises(ValueError):
        d.delta[0, 0] = 1


# ------------------------------------------------------------------ semantics
def test_letter_maps_are_the_transposed_table_made_once_and_read_only():
    d = DFA("abc", [[1, 2, 0], [0, 0, 1], [2, 1, 1]], 0, [0])
    g = d.letter_maps
    assert g.shape == (3, 3) and g.flags.c_contiguous and not g.flags.writeable
    assert (g == np.asarray(d.delta).T).all() and d.letter_maps is g
    with pytest.raises(ValueError):
        g[0, 0] = 1


def test_issue_example_semantics():
    d = issue_dfa()
    assert d.n_states == 3                              # q0, q1 and the added sink
    assert d.state_names == ("q0", "q1", "sink")
    # accepted: (b | a a)* — an even run of a's between b's
    for w in all_words("ab", 7):
        expected = all(len(run) % 2 == 0 for run in w.split("b"))
        assert d.accepts(w) == expected, w


@SETTINGS
@given(d=dfas(max_states=6), w=words("ab", 15))
def test_trace_has_empty_prefix_first(d, w):
    tr = d.trace(w)
    assert len(tr) == len(w) + 1
    assert tr[0] == d.initial
    for t in range(len(w)):
        assert tr[t + 1] == d.run(w[: t + 1])
        assert tr[t + 1] == d.delta[tr[t], d.symbol_index(w[t])]
    assert d.accepts(w) == (tr[-1] in d.accepting) == (w in d)
    assert d.encode(w).tolist() == ["ab".index(c) for c in w]


def test_multi_character_symbols():
    d = DFA(["push", "pop"], [[1, 2], [2, 0], [2, 2]], 0, [0])
    assert d.accepts(["push", "pop", "push", "pop"])
    assert not d.accepts(["pop"])
    assert d.trace(["push", "pop"]) == [0, 1, 0]
    with pytest.raises(UnknownSymbolError, match="'peek'"):
        d.accepts(["push", "peek"])


@SETTINGS
@given(d=dfas(max_states=6))
def test_coreachable_and_emptiness_against_brute_force(d):
    live = d.coreachable_mask()
    n = d.n_states
    for q in range(n):   # q is live iff some word of length < n leads from q to acceptance
        brute = any(d.run(w, start=q) in d.accepting for w in all_words("ab", n - 1))
        assert live[q] == brute
    assert d.is_empty() == (not accepted_words(d, n - 1))
    assert set(d.reachable_states().tolist()) == {d.run(w) for w in all_words("ab", n - 1)}


# ------------------------------------------------------------------ JSON
def test_json_round_trip_in_the_issue_format(tmp_path):
    d = issue_dfa()
    doc = d.to_json()
    assert list(doc) == ["alphabet", "states", "initial", "accepting", "transitions"]
    assert doc == {
        "alphabet": ["a", "b"], "states": ["q0", "q1", "sink"], "initial": "q0",
        "accepting": ["q0"],
        "transitions": {"q0": {"a": "q1", "b": "q0"}, "q1": {"a": "q0", "b": "sink"},
                        "sink": {"a": "sink", "b": "sink"}},
    }
    back = DFA.from_json(doc)
    assert back.same_structure(d) and back.state_names == d.state_names
    # through text and through a file
    assert DFA.from_json(json.dumps(doc)).same_structure(d)
    path = tmp_path / "d.json"
    d.to_json(path)
    assert json.loads(path.read_text()) == doc
    assert DFA.from_json(path).same_structure(d)
    assert DFA.from_json(str(path)).same_structure(d)


@SETTINGS
@given(d=dfas(max_states=6, alphabet="xyz"))
def test_json_round_trip_random(d):
    doc = json.loads(json.dumps(d.to_json()))
    back = DFA.from_json(doc)
    assert back.same_structure(d)
    assert back.state_names == d.state_names


def test_complete_json_adds_no_sink():
    d = DFA.from_json({"alphabet": ["a"], "states": ["even", "odd"], "initial": "even",
                       "accepting": ["even"], "transitions": {"even": {"a": "odd"},
                                                              "odd": {"a": "even"}}})
    assert d.n_states == 2 and d.accepts("aa") and not d.accepts("a")


def test_sink_name_does_not_collide():
    d = DFA.from_json({"alphabet": ["a"], "states": ["sink"], "initial": "sink",
                       "accepting": ["sink"], "transitions": {}})
    assert d.state_names == ("sink", "sink_")
    assert d.accepts("") and not d.accepts("a")


# ------------------------------------------------------------------ networkx
@SETTINGS
@given(d=dfas(max_states=6))
def test_networkx_round_trip(d):
    g = d.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == d.n_states
    assert g.number_of_edges() == d.n_states * d.n_symbols
    assert [q for q, a in g.nodes(data=True) if a["initial"]] == [d.initial]
    assert {q for q, a in g.nodes(data=True) if a["accepting"]} == set(d.accepting)
    for u, v, a in g.edges(data=True):
        assert d.delta[u, d.symbol_index(a["symbol"])] == v
    back = DFA.from_networkx(g)
    assert back.same_structure(d)
    assert back.state_names == d.state_names


def test_networkx_user_graph_with_missing_edges():
    g = nx.MultiDiGraph()
    g.add_node("start", initial=True)
    g.add_node("seen_a", accepting=True)
    g.add_edge("start", "seen_a", symbol="a")
    g.add_edge("seen_a", "seen_a", symbol="b")
    d = DFA.from_networkx(g)
    assert d.alphabet == ("a", "b")                     # sorted edge symbols
    assert d.n_states == 3                              # plus the sink
    assert d.accepts("abbb") and not d.accepts("aa") and not d.accepts("b")
    assert d.state_names[:2] == ("start", "seen_a")


def test_networkx_errors():
    g = nx.MultiDiGraph()
    g.add_node(0)
    with pytest.raises(InvalidAutomatonError, match="exactly one initial"):
        DFA.from_networkx(g)
    g.nodes[0]["initial"] = True
    g.add_edge(0, 0, symbol="a")
    g.add_edge(0, 1, symbol="a")
    with pytest.raises(InvalidAutomatonError, match="not deterministic"):
        DFA.from_networkx(g)
    h = nx.DiGraph()
    h.add_node(0, initial=True)
    h.add_edge(0, 0)
    with pytest.raises(AutomatonFormatError, match="no 'symbol'"):
        DFA.from_networkx(h)
    with pytest.raises(AutomatonFormatError, match="networkx graph"):
        DFA.from_networkx({"not": "a graph"})


# ------------------------------------------------------------------ operators
OPS = {
    "and": (lambda x, y: x & y, lambda p, q: p and q),
    "or": (lambda x, y: x | y, lambda p, q: p or q),
    "diff": (lambda x, y: x - y, lambda p, q: p and not q),
    "xor": (lambda x, y: x ^ y, lambda p, q: p != q),
}


@pytest.mark.parametrize("op", sorted(OPS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d1=dfas(max_states=5), d2=dfas(max_states=5))
def test_boolean_operators_against_brute_force(op, d1, d2):
    build, truth = OPS[op]
    r = build(d1, d2)
    for w in all_words("ab", 7):
        assert r.accepts(w) == truth(d1.accepts(w), d2.accepts(w)), w


@SETTINGS
@given(d=dfas(max_states=6))
def test_complement(d):
    c = ~d
    assert all(c.accepts(w) != d.accepts(w) for w in all_words("ab", 7))
    assert ~c == d
    assert (d & c).is_empty() and (~(d | c)).is_empty()


def test_operators_match_symbols_by_name():
    d1 = DFA("ab", [[1, 0], [1, 0]], 0, [1])        # ends in a
    d2 = DFA("ba", [[0, 1], [0, 1]], 0, [1])        # ends in a, columns swapped
    assert d1 == d2
    assert (d1 ^ d2).is_empty()
    assert hash(d1) == hash(d2)
    assert (d1 & d2).alphabet == ("a", "b")
    with pytest.raises(InvalidAutomatonError, match="alphabets differ"):
        d1 & DFA("abc", [[0, 0, 0]], 0, [])
    with pytest.raises(TypeError):
        d1 & "ab"


def test_large_product():
    d1 = random_dfa(700, "ab", seed=1)
    d2 = random_dfa(600, "ab", seed=2)
    p = d1 & d2                                       # 420,000 pairs: only reachable ones built
    assert p.n_states == len(p.reachable_states())
    rng = np.random.default_rng(3)
    for _ in range(100):
        w = "".join(rng.choice(["a", "b"], size=30))
        assert p.accepts(w) == (d1.accepts(w) and d2.accepts(w))


# ------------------------------------------------------------------ equality
@SETTINGS
@given(d1=dfas(max_states=4), d2=dfas(max_states=4))
def test_equality_is_same_language(d1, d2):
    same = accepted_words(d1, 6) == accepted_words(d2, 6)   # 6 = 4 + 4 - 2 suffices
    assert (d1 == d2) == same
    assert (d1 != d2) == (not same)
    if same:
        assert hash(d1) == hash(d2)
    assert d1 == d1.minimize() and hash(d1) == hash(d1.minimize())


def test_equality_with_other_types_and_alphabets():
    d = issue_dfa()
    assert d != "not a dfa"
    assert d != DFA("abc", [[0, 0, 0]], 0, [0])
    assert len({d, d.minimize(), DFA.from_json(d.to_json())}) == 1


def test_docs_examples_run():
    import doctest
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "docs" / "automata.md"
    result = doctest.testfile(str(path), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 20
    assert result.failed == 0


def reference_bfs(delta, initial):
    from collections import deque

    ids, order, queue = {initial}, [initial], deque([initial])
    while queue:
        for t in delta[queue.popleft()].tolist():
            if t not in ids:
                ids.add(t)
                order.append(t)
                queue.append(t)
    return order


@pytest.mark.parametrize("d", [
    random_dfa(5000, "abc", seed=11),                      # wide frontiers: the numpy path
    random_dfa(3000, "ab", seed=12, accept_prob=0.1),
    DFA("ab", np.stack([np.minimum(np.arange(300) + 1, 299), np.arange(300)], axis=1), 0, [299]),
    DFA("ab", np.stack([(np.arange(500) + 1) % 500, np.maximum(np.arange(500) - 1, 0)], axis=1),
        7, [0]),                                           # deep: more than 64 small levels
], ids=["wide3", "wide2", "chain", "deep"])
def test_bfs_order_matches_queue_bfs(d):
    from automata.reachability import bfs_order

    assert bfs_order(d.delta, d.initial).tolist() == reference_bfs(d.delta, d.initial)


@SETTINGS
@given(d=dfas(max_states=8, alphabet="abc"))
def test_bfs_order_small(d):
    from automata.reachability import bfs_order

    assert bfs_order(d.delta, d.initial).tolist() == reference_bfs(d.delta, d.initial)


# ------------------------------------------------------------ strict JSON (issue 17)
_GOOD_JSON = ('{"alphabet": ["a", "b"], "states": ["q0", "q1"], "initial": "q0", '
              '"accepting": ["q0"], "transitions": {"q0": {"a": "q1", "b": "q0"}, '
              '"q1": {"a": "q0", "b": "q1"}}}')


@pytest.mark.parametrize("text,match", [
    (_GOOD_JSON.replace('"b": "q1"}', '"b": "q1", "a": "q1"}'), "duplicate key 'a'"),
    (_GOOD_JSON.replace('"initial": "q0"', '"initial": "q0", "initial": "q1"'),
     "duplicate key 'initial'"),
    (_GOOD_JSON[:-1] + ', "name": ' + "1" * 5000 + "}", "integer literal is too long"),
    (_GOOD_JSON[:-1] + ', "name": NaN}', "NaN is not valid JSON"),
    ('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_from_json_is_strict(tmp_path, text, match):
    from automata.errors import AutomatonFormatError

    with pytest.raises(AutomatonFormatError, match=match):
        DFA.from_json(text)
    path = tmp_path / "doc.json"
    path.write_text(text)
    with pytest.raises(AutomatonFormatError, match=match) as info:
        DFA.from_json(path)
    assert str(path) in str(info.value)


def test_from_json_file_errors_name_the_file(tmp_path):
    from automata.errors import AutomatonError, AutomatonFormatError

    bad = tmp_path / "latin1.json"
    bad.write_bytes(_GOOD_JSON.replace("q0", "q\xe9").encode("latin-1"))
    with pytest.raises(AutomatonFormatError, match=r"latin1.json' is not UTF-8"):
        DFA.from_json(bad)
    with pytest.raises(AutomatonFormatError, match="embedded null byte"):
        DFA.from_json("dfa\x00.json")
    missing = tmp_path / "keys.json"
    missing.write_text('{"alphabet": ["a"]}')
    with pytest.raises(AutomatonFormatError, match=r"keys.json': DFA JSON lacks"):
        DFA.from_json(missing)
    empty_symbol = tmp_path / "empty.json"
    empty_symbol.write_text(_GOOD_JSON.replace('["a", "b"]', '["a", ""]'))
    with pytest.raises(AutomatonError, match="empty.json"):
        DFA.from_json(empty_symbol)
    assert DFA.from_json(_GOOD_JSON).n_states == 2


def test_from_json_states_budget(monkeypatch):
    from automata.errors import BudgetExceededError

    monkeypatch.setenv("AUTOMATA_MAX_DFA_STATES", "1")
    with pytest.raises(BudgetExceededError, match="max_dfa_states"):
        DFA.from_json(_GOOD_JSON)


def test_product_budget():
    from automata.errors import BudgetExceededError

    a = regex_to_dfa("(a|b)*a(a|b){3}", "ab")
    b = regex_to_dfa("(a|b)*b(a|b){4}", "ab")
    assert a.product(b, "and").n_states == 47
    with pytest.raises(BudgetExceededError, match="max_states=N"):
        a.product(b, "and", max_states=46)


def test_to_json_writes_atomically(tmp_path):
    d = DFA.from_json(_GOOD_JSON)
    d.to_json(tmp_path / "d.json")
    assert DFA.from_json(tmp_path / "d.json").same_structure(d)
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]
