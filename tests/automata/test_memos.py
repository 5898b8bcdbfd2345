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


def test_recent_cache_keeps_the_newest_within_its_bounds():
    from automata.memos import _CLEARERS, RecentCache

    c = RecentCache(3, 100)
    try:
        for i in range(5):
            c.put(i, str(i), 10)
        assert len(c) == 3 and [c.get(i) for i in range(5)] == [None, None, "2", "3", "4"]
        c.put(2, "two", 10)                     # put again: newest, bytes counted once
        c.put(5, "5", 75)                       # 10 + 10 + 75 <= 100: only the oldest (3) goes
        assert [c.get(i) for i in (2, 3, 4, 5)] == ["two", None, "4", "5"]
        c.put(6, "6", 80)                       # 80 + anything else > 100: alone
        assert len(c) == 1 and c.get(6) == "6"
        c.put(7, "7", 101)                      # over the bound alone: not kept, nothing lost
        assert c.get(7) is None and c.get(6) == "6"
        clear_all()
        assert len(c) == 0 and c.get(6) is None
        c.put(8, "8", 100)                      # the running total was reset by clear
        assert c.get(8) == "8"
    finally:
        _CLEARERS.remove(c.clear)


def test_clear_caches_empties_the_recent_enumerations():
    from automata import froidure_pin, monoid

    C.classify(get_language("parity").dfa)
    assert len(froidure_pin._RECENT) and len(monoid._RECENT)
    clear_caches()
    assert len(froidure_pin._RECENT) == 0 and len(monoid._RECENT) == 0
