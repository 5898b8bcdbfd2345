"""Targets line up with automata.labels (position t = after token t) and are computed right."""
from __future__ import annotations

import numpy as np
import pytest

from automata.dfa import DFA
from automata.labels import prefix_labels
from automata.languages import get_language
from probing.errors import ProbingError, UnknownTargetError
from probing.targets import available_targets, compute_targets, dfa_transformations, encode_words

PARITY = DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0])


@pytest.mark.parametrize("name", ["parity", "tomita3", "flip_flop", "d2"])
def test_state_membership_next_match_prefix_labels(name):
    lang = get_language(name)
    rng = np.random.default_rng(1)
    words = []
    for L in (1, 2, 5, 9):
        # random walks that stay live, so next_allowed is non-trivial
        live = lang.dfa.coreachable_mask()
        q, w = lang.dfa.initial, []
        for _ in range(L):
            a = int(rng.choice(np.flatnonzero(live[lang.dfa.delta[q]])))
            w.append(lang.alphabet[a])
            q = int(lang.dfa.delta[q, a])
        words.append(w)
    t = compute_targets(lang, words, ["state", "membership", "next"])
    states, member, nxt = [], [], []
    for w in words:
        lab = prefix_labels(lang, w)
        states += [int(s) for s in lab.states]
        member += lab.membership.astype(int).tolist()
        nxt += [tuple(r) for r in lab.next_allowed.astype(int).tolist()]
    assert t["state"].labels.tolist() == states
    assert t["membership"].labels.tolist() == member
    # class ids of `next` are a bijection with the label rows
    pairs = set(zip(t["next"].labels.tolist(), nxt))
    assert len(pairs) == len(set(nxt)) == len(set(t["next"].labels.tolist()))


def test_alignment_no_bos_offset():
    # after the first token '1' parity is odd (state 1); the empty prefix is never a position
    t = compute_targets(PARITY, ["1", "10", "0"], ["state"])
    assert t["state"].labels.tolist() == [1, 1, 1, 0]
    assert t.lengths.tolist() == [1, 2, 1]


def test_monoid_is_incremental_transformation():
    d = get_language("tomita3").dfa
    words = ["0110", "1", "11100"]
    codes = encode_words(words, d.alphabet)
    f = dfa_transformations(d, codes)
    row = 0
    for w in words:
        for t in range(len(w)):
            expect = [d.run(w[:t + 1], start=q) for q in range(d.n_states)]
            assert f[row].tolist() == expect
            row += 1
    t = compute_targets(get_language("tomita3"), words, ["monoid", "state"])
    # the monoid element determines the state: f(initial)
    m = t["monoid"]
    for y, s in zip(m.labels, t["state"].labels):
        assert int(m.class_names[y].split()[d.initial]) == s


def test_parity_monoid_has_two_elements():
    t = compute_targets(PARITY, ["0101", "1110"], ["monoid"])
    assert t["monoid"].class_names == ("0 1", "1 0")


def test_flip_flop_bit():
    lang = get_language("flip_flop")
    assert "bit" in available_targets(lang)
    t = compute_targets(lang, ["w1i0r1w0i1"], ["bit"])
    # w 1 -> stored 1 from position 1 on; w 0 at positions 6-7
    assert t["bit"].labels.tolist() == [2, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    assert "bit" not in available_targets(PARITY)


def test_counter_targets():
    lang = get_language("dyck1")
    names = available_targets(lang)
    assert "counter0" in names and "monoid" not in names
    t = compute_targets(lang, ["(()", "()"], ["counter0", "membership"])
    depth = [int(t["counter0"].class_names[y]) for y in t["counter0"].labels]
    assert depth == [1, 2, 1, 1, 0]
    assert t["membership"].labels.tolist() == [0, 0, 0, 0, 1]


def test_bad_input():
    with pytest.raises(UnknownTargetError, match="monoid"):
        compute_targets(get_language("dyck1"), ["()"], ["monoid"])
    with pytest.raises(ProbingError, match="symbol 'x'"):
        compute_targets(PARITY, ["01x"])
    with pytest.raises(ProbingError, match="empty"):
        compute_targets(PARITY, ["01", ""])
