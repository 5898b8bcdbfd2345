"""String-disjoint splits, held-out bins, unseen-prefix and non-local strata."""
from __future__ import annotations

import numpy as np
import pytest

from automata.dfa import DFA
from automata.languages import get_language
from probing.errors import SplitError
from probing.splits import (
    kgram_image_sizes,
    local_mask,
    string_disjoint_split,
    unseen_prefix_mask,
)
from probing.targets import position_index


def test_split_is_string_disjoint_and_seeded():
    lengths = np.r_[np.arange(1, 51).repeat(4), np.arange(51, 201)]
    s = string_disjoint_split(lengths, (1, 50), random_state=3)
    parts = [set(s.train), set(s.val), set(s.test)]
    assert not (parts[0] & parts[1]) and not (parts[0] & parts[2]) and not (parts[1] & parts[2])
    assert set().union(*parts) == set(np.flatnonzero(lengths <= 50))
    assert list(s.bins) == ["in_range", "len_51_100", "len_101_200"]
    assert (lengths[s.bins["len_101_200"]] > 100).all()
    again = string_disjoint_split(lengths, (1, 50), random_state=3)
    other = string_disjoint_split(lengths, (1, 50), random_state=4)
    assert np.array_equal(s.train, again.train) and not np.array_equal(s.train, other.train)
    sid, _ = position_index(lengths)
    tr = s.position_mask("train", sid)
    te = s.position_mask("test", sid)
    assert not (tr & te).any()                    # no string has positions on both sides
    assert set(sid[tr]) == set(s.train)


def test_split_errors():
    with pytest.raises(SplitError, match="only 2 strings"):
        string_disjoint_split([3, 4, 90], (1, 50), random_state=0)
    with pytest.raises(SplitError, match="overlaps"):
        string_disjoint_split([3, 4, 5, 6], (1, 50), random_state=0, bins={"x": (40, 60)})


def test_unseen_prefix_mask():
    codes = [np.array(c) for c in ([0, 1, 1], [0, 1, 0, 0], [1, 1], [0, 0])]
    m = unseen_prefix_mask(codes, np.array([0]))
    # string 1 shares the prefix 0 1 with string 0, then leaves it; string 2 starts differently
    assert m.tolist() == [False, False, False, False, False, True, True, True, True, False, True]


def test_local_mask_flip_flop():
    ff = get_language("flip_flop")
    w = "w1i0i1r1i0w0i1r0i1"
    loc = local_mask(ff.dfa, [ff.dfa.encode(w)])
    #       w  1  i  0  i  1  r  1  i  0  w  0  i  1  r  0  i  1
    want = [1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0]
    assert loc.astype(int).tolist() == want


def test_local_mask_brute_force():
    # local <=> some suffix of length k <= 3 sends all live states to <= 1 live state
    d = get_language("tomita4").dfa
    rng = np.random.default_rng(0)
    live = d.coreachable_mask()
    for _ in range(20):
        c = rng.integers(0, d.n_symbols, size=8)
        loc = local_mask(d, [c])
        for t in range(8):
            want = t < 3
            for k in range(1, 4):
                if k <= t + 1:
                    ends = {d.run([d.alphabet[a] for a in c[t - k + 1:t + 1]], start=q)
                            for q in d.reachable_states() if live[q]}
                    want |= len({q for q in ends if live[q]}) <= 1
            assert loc[t] == want


def test_parity_is_never_local_after_window():
    parity = DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0])
    assert (kgram_image_sizes(parity, 3) == 2).all()
    loc = local_mask(parity, [np.zeros(10, dtype=int)])
    assert loc.tolist() == [True] * 3 + [False] * 7


def test_far_stratum_flip_flop():
    from probing.splits import distance_since_local

    ff = get_language("flip_flop")
    w = "w1" + "i0" * 8 + "r1"
    c = ff.dfa.encode(w)
    loc = local_mask(ff.dfa, [c])
    d = distance_since_local(loc, [len(c)])
    # 'i b' pairs never fix the state: the distance grows until the read's bit
    assert d[:3].tolist() == [0, 0, 0] and d[3:18].tolist() == list(range(1, 16))
    assert d[-1] == 0 and d[-2] == 16
