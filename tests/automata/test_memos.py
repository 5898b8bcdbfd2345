"""clear_caches forgets every memo, the classification's witness memo included, so that a
benchmark's repeated call times a first classification."""
import sys

from automata.froidure_pin import clear_caches
from automata.languages import get_language
from automata.memos import clear_all, on_clear

import automata.classify  # noqa: F401  (the module, not the function of the same name)

C = sys.modules["automata.classify"]


def test_clear_caches_forgets_the_witness_memo():
    d = get_language("parity").dfa.minimize()
    first = C.classify(d)
    assert C._LAST[0] is d and C._LAST[1].get("witnesses")
    clear_caches()
    assert C._LAST[0] is None and C._LAST[1] == {}
    assert C.classify(d).to_dict() == first.to_dict()


def test_registered_clearers_run_once_each_in_order():
    ran = []
    a, b = (lambda: ran.append("a")), (lambda: ran.append("b"))
    on_clear(a)
    on_clear(b)
    on_clear(a)
    try:
        clear_all()
        assert ran == ["a", "b"]
    finally:
        from automata import memos
        memos._CLEARERS.remove(a)
        memos._CLEARERS.remove(b)
