"""Per-prefix labels: alignment (position t = after token t) and next-symbol sets against brute force."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from automata.errors import UnknownSymbolError
from automata.labels import MachineLabeler, prefix_labels, prefix_labels_batch
from automata.languages import get_language
from tests.automata.test_languages import ORACLES


def prefixes_of_members(alphabet, oracle, max_len):
    """Every prefix of every member of length <= max_len (brute force over all words)."""
    live = set()
    for n in range(max_len + 1):
        for w in map("".join, itertools.product(alphabet, repeat=n)):
            if oracle(w):
                live.update(w[:i] for i in range(n + 1))
    return live


# (language, N = longest member enumerated, P = longest word labelled); every live prefix of
# length <= P + 1 of these languages has a completion within N symbols.
BRUTE = [("tomita3", 12, 6), ("tomita4", 10, 6), ("parity", 10, 6), ("d2", 12, 7),
         ("012_02", 8, 5), ("abcde_star", 7, 2), ("ab_d_bc", 7, 4), ("dyck1", 14, 6),
         ("shuffle2", 8, 3), ("dyck_2_3", 8, 3), ("abab_star", 10, 5), ("tomita7", 10, 6)]


@pytest.mark.parametrize("name,N,P", BRUTE)
def test_next_allowed_is_prefix_closure_of_members(name, N, P):
    lang = get_language(name)
    oracle = ORACLES[name]
    A = lang.alphabet
    live = prefixes_of_members(A, oracle, N)
    for n in range(1, P + 1):
        for w in map("".join, itertools.product(A, repeat=n)):
            lab = prefix_labels(lang, w)
            for t in range(n):
                p = w[:t + 1]
                want = [p + s in live for s in A] + [oracle(p)]
                assert lab.next_allowed[t].tolist() == want, (name, w, t)
                assert lab.membership[t] == oracle(p)


def test_alignment_position_t_is_after_token_t():
    lang = get_language("tomita2")           # (10)*
    lab = prefix_labels(lang, "1010")
    # after '1' only '0' may follow; after '10' the prefix is a member, '1' may follow
    assert lab.membership.tolist() == [False, True, False, True]
    assert lab.next_allowed.astype(int).tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 1, 1]]
    assert lab.states == lang.trace("1010")[1:]
    assert len(lab) == 4 and lab.next_allowed.shape == (4, 3)


@pytest.mark.parametrize("name", ["boolean3", "boolean5", "anbncn", "anbncndn", "dyck_8_10",
                                  "flip_flop", "word_problem_s3", "shuffle6"])
def test_next_allowed_special_oracles(name):
    lang = get_language(name)
    A = lang.alphabet
    oracle = ORACLES.get(name)

    if name.startswith("boolean"):
        # a prefix of an expression is completed by appending operands 0, if it can be at all
        def live(p):
            return any(oracle(p + "0" * j) for j in range(0, 4 * len(p) + 2))
    elif name.startswith("anbn"):
        def live(p):
            return any(("".join(ch * n for ch in A)).startswith(p) for n in range(len(p) + 1))
    elif name == "dyck_8_10":
        opens, closes = "([{<abcd", ")]}>ABCD"

        def live(p):
            stack = []
            for ch in p:
                if ch in opens:
                    stack.append(ch)
                    if len(stack) > 10:
                        return False
                elif not stack or opens.index(stack.pop()) != closes.index(ch):
                    return False
            return True
    elif name == "flip_flop":
        def live(p):  # members have even length: p is live iff p or p + one bit is a member
            return oracle(p) or oracle(p + "0") or oracle(p + "1")
    elif name == "shuffle6":
        def live(p):
            return all(p.count(c) <= p.count(o) and all(
                q.count(c) <= q.count(o) for q in (p[:i] for i in range(len(p) + 1)))
                for o, c in ["()", "[]", "{}", "<>", "+-", "ab"])
    else:  # a group: every prefix can be completed
        from tests.automata.test_languages import _group_oracle

        oracle = _group_oracle(name)

        def live(p):
            return True

    rng = np.random.default_rng(3)
    from automata.sampling import sample_members
    words = [w for n in (6, 8, 12) for w in sample_members(lang, n, 10, seed=n)
             if lang.accepts(w)] if name not in ("anbncn", "anbncndn") else \
        ["".join(ch * n for ch in A) for n in range(1, 5)]
    words += ["".join(rng.choice(list(A), size=int(rng.integers(1, 10)))) for _ in range(60)]
    for w in words:
        lab = prefix_labels(lang, w)
        for t in range(len(w)):
            p = w[:t + 1]
            want = [live(p) and live(p + s) for s in A] + [oracle(p)]
            assert lab.next_allowed[t].tolist() == want, (name, w, t)


def test_batch_equals_single():
    lang = get_language("d4")
    rng = np.random.default_rng(0)
    words = rng.integers(0, 2, size=(50, 12))
    states, memb, allowed = prefix_labels_batch(lang, words)
    for i, row in enumerate(words):
        lab = prefix_labels(lang, lang.decode(row))
        assert states[i].tolist() == lab.states
        assert memb[i].tolist() == lab.membership.tolist()
        assert (allowed[i] == lab.next_allowed).all()
    with pytest.raises(TypeError):
        prefix_labels_batch(get_language("dyck1"), words)


def test_machine_labeler_cache_is_transparent():
    lang = get_language("shuffle2")
    lab = MachineLabeler(lang)
    for w in ["([)]", "(((", "([)]", "])"]:
        a = lab.labels(lang.encode(w))
        b = prefix_labels(lang, w)
        assert a.states == b.states and (a.next_allowed == b.next_allowed).all()


def test_counter_states_and_to_dict():
    lab = prefix_labels("anbn", "aabb")
    assert lab.states == [(0, 1), (0, 2), (1, 1), (1, 0)]
    d = json.loads(json.dumps(lab.to_dict()))
    assert d["states"] == [[0, 1], [0, 2], [1, 1], [1, 0]]
    assert d["membership"] == [False, False, False, True]
    assert d["next_allowed"][-1] == [0, 0, 1]
    assert d["next_allowed"][1] == [1, 1, 0]


def test_empty_word_and_bad_symbol():
    lab = prefix_labels("parity", "")
    assert lab.next_allowed.shape == (0, 3) and lab.membership.shape == (0,)
    with pytest.raises(UnknownSymbolError):
        prefix_labels("parity", "012")
    with pytest.raises(UnknownSymbolError):
        prefix_labels("dyck1", "(a")
