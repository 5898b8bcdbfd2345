"""``classify`` gives, on every registry language with a DFA, exactly the dictionary it gave
before the speed-ups of issue 18 (commit b527fb0, the golden in ``data/``; the constant
``families`` statements left out).

The golden was written by the code of that commit::

    {name: classify(name).to_dict() minus "families"} for every registry language with a DFA

A deliberate change of the output must regenerate it (and say so in the commit).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from automata.classify import classify
from automata.froidure_pin import clear_caches
from automata.languages import (counter_languages, dyck_bounded, flip_flop, get_language, modular,
                                paper_regular, star_free_textbook, tomita, word_problems)

GOLDEN = Path(__file__).parent / "data" / "classify_golden.json.gz"


def _golden() -> dict:
    with gzip.open(GOLDEN, "rt") as fh:
        return json.load(fh)


def _with_dfa() -> list[str]:
    """The built-in registry's languages with a DFA. Not ``list_languages()``: other tests
    register plugin languages and pattern-built names (``word_problem_z7``) in the same
    process, which would make this test depend on the order tests run in."""
    modules = (tomita, paper_regular, counter_languages, flip_flop, dyck_bounded, modular,
               word_problems, star_free_textbook)
    names = [entry[0] for module in modules for entry in module.BUILTINS]
    return [n for n in names if get_language(n).dfa is not None]


def test_golden_covers_every_registry_language_with_a_dfa():
    assert sorted(_golden()) == sorted(_with_dfa())


@pytest.mark.parametrize("name", _with_dfa())
def test_classify_is_unchanged(name):
    clear_caches()
    got = classify(name).to_dict()
    got.pop("families")
    # through JSON, as the golden was stored (tuples become lists)
    assert json.loads(json.dumps(got)) == _golden()[name]
