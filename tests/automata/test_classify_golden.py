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
from automata.languages import get_language, list_languages

GOLDEN = Path(__file__).parent / "data" / "classify_golden.json.gz"


def _golden() -> dict:
    with gzip.open(GOLDEN, "rt") as fh:
        return json.load(fh)


def _with_dfa() -> list[str]:
    return [n for n in list_languages() if get_language(n).dfa is not None]


def test_golden_covers_every_registry_language_with_a_dfa():
    assert sorted(_golden()) == sorted(_with_dfa())


@pytest.mark.parametrize("name", _with_dfa())
def test_classify_is_unchanged(name):
    clear_caches()
    got = classify(name).to_dict()
    got.pop("families")
    # through JSON, as the golden was stored (tuples become lists)
    assert json.loads(json.dumps(got)) == _golden()[name]
