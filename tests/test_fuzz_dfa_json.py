"""Fuzzing ``DFA.from_json`` (issue 17): any bytes, any JSON document and any mutation of a
valid one give a DFA or an AutomatonError naming the file, never another exception.

Fixed budget (well under a minute); ``--runslow`` runs ten times more examples.
"""
from __future__ import annotations

import json
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automata.dfa import DFA
from automata.errors import AutomatonError
from tests.automata.strategies import dfas

SCALE = 10 if "--runslow" in sys.argv else 1
FUZZ = settings(max_examples=200 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

GOOD = {"alphabet": ["a", "b"], "states": ["q0", "q1"], "initial": "q0", "accepting": ["q0"],
        "transitions": {"q0": {"a": "q1", "b": "q0"}, "q1": {"a": "q0"}}}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=4),
    max_leaves=12)


def _read(source, tmp_path=None):
    try:
        d = DFA.from_json(source)
    except AutomatonError as e:
        if tmp_path is not None:
            assert str(tmp_path) in str(e) or "DFA file" in str(e)
        return None
    assert isinstance(d, DFA)
    return d


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_in_a_file(tmp_path, data):
    p = tmp_path / "fuzz.json"
    p.write_bytes(data)
    _read(p, tmp_path)


@FUZZ
@given(doc=JSON)
def test_any_json_document(doc):
    _read(json.dumps(doc) if isinstance(doc, dict) else "[" + json.dumps(doc) + "]")


@FUZZ
@given(key=st.sampled_from(sorted(GOOD) + ["name", "extra"]), value=JSON)
def test_any_mutation_of_a_valid_document(key, value):
    doc = dict(GOOD)
    doc[key] = value
    _read(json.dumps(doc))
    _read(doc)


@FUZZ
@given(d=dfas(max_states=6, alphabet="ab"))
def test_round_trip(d):
    text = json.dumps(d.to_json())
    back = DFA.from_json(text)
    assert back.same_structure(d)
    dup = text.replace('"alphabet"', '"alphabet": ["a"], "alphabet"', 1)
    try:
        DFA.from_json(dup)
    except AutomatonError as e:
        assert "duplicate key 'alphabet'" in str(e)
    else:
        raise AssertionError("a duplicate key was accepted")
