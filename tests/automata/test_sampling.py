"""Exact counting, uniform sampling (chi-square), determinism, distinctness, bins, datasets."""
from __future__ import annotations

import itertools
import json
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automata.dataset import Dataset, make_dataset
from automata.errors import AutomatonError, AutomatonFormatError, EmptyLengthError
from automata.labels import prefix_labels
from automata.languages import get_language
from automata.languages.dyck_bounded import dyck_sampler
from automata.sampling import (count_members, count_nonmembers, enumerate_members,
                               sample_distinct, sample_members, sample_members_encoded,
                               sample_nonmembers)
from tests.automata.test_languages import ORACLES


def brute(name, n):
    if name.startswith("word_problem"):
        from tests.automata.test_languages import _group_oracle
        oracle = _group_oracle(name)
    else:
        oracle = ORACLES[name]
    return [w for w in map("".join, itertools.product(get_language(name).alphabet, repeat=n))
            if oracle(w)]


@pytest.mark.parametrize("name,lengths", [
    ("tomita3", range(0, 11)), ("d3", range(0, 11)), ("dyck1", range(0, 13)),
    ("boolean3", range(0, 7)), ("anbncn", range(0, 10)), ("shuffle2", range(0, 8)),
    ("flip_flop", range(0, 7)), ("dyck_2_3", range(0, 9)), ("word_problem_s3", range(0, 9)),
])
def test_counts_match_brute_force(name, lengths):
    for n in lengths:
        assert count_members(name, n) == len(brute(name, n)), (name, n)
        assert count_nonmembers(name, n) == len(get_language(name).alphabet) ** n - len(brute(name, n))


def test_closed_form_counts():
    # Catalan numbers for Dyck-1, 2^(n-1) for parity, shuffle/dyck closed forms vs tables
    assert [count_members("dyck1", 2 * m) for m in range(8)] == [1, 1, 2, 5, 14, 42, 132, 429]
    assert count_members("parity", 150) == 2 ** 149
    assert count_members("dyck_8_10", 4) == 2 * 8 * 8           # (()) and ()() shapes
    from automata.languages.counter_languages import shuffle_automaton
    from automata.languages import Language
    plain = Language("s2_plain", shuffle_automaton(2))     # counted over configurations
    for n in range(0, 21, 2):
        assert count_members(plain, n) == count_members("shuffle2", n)


def chi_square_ok(samples, population, alpha_z=3.29):
    """Chi-square goodness of fit against uniform; Wilson-Hilferty quantile at p ~ 0.0005."""
    assert set(samples) <= set(population)
    cnt = Counter(samples)
    k = len(population)
    exp = len(samples) / k
    stat = sum((cnt.get(x, 0) - exp) ** 2 / exp for x in population)
    df = k - 1
    crit = df * (1 - 2 / (9 * df) + alpha_z * math.sqrt(2 / (9 * df))) ** 3
    return stat < crit, stat, crit


@pytest.mark.parametrize("name,n", [("dyck1", 10), ("d2", 10), ("tomita3", 7), ("boolean3", 5),
                                    ("shuffle2", 6), ("flip_flop", 6), ("abcde_star", 8),
                                    ("word_problem_a4", 6)])
def test_member_sampling_is_uniform(name, n):
    pop = brute(name, n)
    samples = sample_members(name, n, 200 * len(pop), seed=11, uniform=True)
    ok, stat, crit = chi_square_ok(samples, pop)
    assert ok, (name, stat, crit)


def test_dyck_bounded_sampler_is_uniform():
    from automata.languages.dyck_bounded import BoundedDyckMachine
    m = BoundedDyckMachine(2, 2)
    pop = ["".join(w) for w in itertools.product(m.alphabet, repeat=6) if m.accepts("".join(w))]
    arr = dyck_sampler(2, 2)(6, 100 * len(pop), np.random.default_rng(5))
    ok, stat, crit = chi_square_ok(["".join(m.alphabet[i] for i in r) for r in arr], pop)
    assert ok, (stat, crit)


def test_nonmember_sampling_is_uniform():
    for name, n in [("parity", 5), ("dyck1", 6), ("ab_d_bc", 3)]:
        oracle = ORACLES[name]
        pop = [w for w in map("".join, itertools.product(get_language(name).alphabet, repeat=n))
               if not oracle(w)]
        samples = sample_nonmembers(name, n, 100 * len(pop), seed=2)
        ok, stat, crit = chi_square_ok(samples, pop)
        assert ok, (name, stat, crit)


def test_chi_square_detects_a_biased_sampler():
    # the check itself can fail: a sampler that never emits one member is rejected
    pop = brute("dyck1", 8)
    biased = [w for w in sample_members("dyck1", 8, 3000, seed=0) if w != pop[0]]
    assert not chi_square_ok(biased, pop)[0]


def test_determinism_and_seeds():
    a = sample_members("dyck1", 40, 50, seed=7)
    assert a == sample_members("dyck1", 40, 50, seed=7)
    assert a != sample_members("dyck1", 40, 50, seed=8)
    g = np.random.default_rng(3)
    x = sample_members_encoded("tomita5", 30, 5, g)
    y = sample_members_encoded("tomita5", 30, 5, g)
    assert not np.array_equal(x, y)                      # a Generator advances


def test_long_lengths_and_members():
    for name in ("tomita6", "dyck1", "boolean5", "shuffle6", "dyck_8_10", "anbncndn"):
        lang = get_language(name)
        n = 148 if name == "anbncndn" else 150
        words = sample_members(lang, n, 20, seed=1)
        assert all(len(w) == n and lang.accepts(w) for w in words), name


def test_empty_lengths_raise():
    with pytest.raises(EmptyLengthError, match="no member of length 3"):
        sample_members("aa_star", 3, 1, seed=0)
    with pytest.raises(EmptyLengthError, match="no non-member of length 2"):
        sample_nonmembers("tomita4", 2, 1, seed=0)
    with pytest.raises(EmptyLengthError):
        sample_members("dyck1", 7, 1, seed=0)
    with pytest.raises(AutomatonError, match="non-negative int"):
        sample_members("dyck1", -1, 1, seed=0)
    with pytest.raises(AutomatonError, match="unexpected sampler parameter"):
        sample_members("dyck1", 4, 1, seed=0, p_ignore=0.5)


def test_sample_distinct_caps_and_excludes():
    rng = np.random.default_rng(0)
    got = sample_distinct("dyck1", 8, 100, rng)
    assert len(got) == 14 and len({r.tobytes() for r in got}) == 14
    ex = {got[0].tobytes(), got[1].tobytes()}
    again = sample_distinct("dyck1", 8, 100, rng, exclude=ex)
    assert len(again) == 12 and not ({r.tobytes() for r in again} & ex)
    big = sample_distinct("tomita5", 40, 500, rng)
    assert len({r.tobytes() for r in big}) == 500
    assert len(enumerate_members("dyck1", 10)) == 42
    nm = sample_distinct("tomita1", 3, 100, rng, members=False)
    assert len(nm) == 7


def test_make_dataset_bins_dedup_labels():
    ds = make_dataset("d3", train_lengths=(1, 18), test_bins=((19, 22), (23, 26)),
                      n_train=300, n_test=50, seed=4)
    assert ds.splits() == ["train", "bin_19_22", "bin_23_26"]
    assert ds.sizes() == {"train": 300, "bin_19_22": 50, "bin_23_26": 50}
    strings = [r["string"] for r in ds.records]
    assert len(set(strings)) == len(strings)
    lang = get_language("d3")
    for r in ds.records:
        lo, hi = (1, 18) if r["split"] == "train" else map(int, r["split"].split("_")[1:])
        assert lo <= r["length"] <= hi and r["length"] == len(r["string"]) and r["length"] % 2 == 0
        assert r["member"] and lang.accepts(r["string"])
        lab = prefix_labels(lang, r["string"]).to_dict()
        assert r["states"] == lab["states"] and r["next_allowed"] == lab["next_allowed"]
        assert r["membership"] == lab["membership"]
    # lengths are drawn uniformly over the lengths that have members
    lens = Counter(r["length"] for r in ds.split("train"))
    assert set(lens) <= set(range(2, 19, 2))
    # short lengths have few strings (2: 1, 4: 2, 6: 5); the shortfall moves to longer lengths
    assert (lens[2], lens[4], lens[6]) == (1, 2, 5) and min(lens[n] for n in range(10, 19, 2)) > 20


def test_make_dataset_caps_at_existing_strings_and_seeds():
    ds = make_dataset("aa_star", train_lengths=(1, 10), test_bins=((11, 20),), n_train=100,
                      n_test=100, seed=0)
    assert ds.sizes() == {"train": 5, "bin_11_20": 5}
    a = make_dataset("tomita3", train_lengths=(1, 20), test_bins=((21, 30),), n_train=50, n_test=20, seed=3)
    b = make_dataset("tomita3", train_lengths=(1, 20), test_bins=((21, 30), (31, 40)), n_train=50,
                     n_test=20, seed=3)
    assert a.split("train") == b.split("train")          # train does not depend on the bins
    c = make_dataset("tomita3", train_lengths=(1, 20), test_bins=((21, 30),), n_train=50, n_test=20, seed=4)
    assert a.split("train") != c.split("train")
    with pytest.raises(EmptyLengthError, match=r"no member with length in \[3, 3\]"):
        make_dataset("aa_star", train_lengths=(3, 3), test_bins=(), n_train=5)
    with pytest.raises(AutomatonError, match="length range"):
        make_dataset("aa_star", train_lengths=(5, 3))


def test_make_dataset_with_nonmembers_and_counter_states():
    ds = make_dataset("anbn", train_lengths=(1, 12), test_bins=(), n_train=40, seed=1,
                      members_only=False)
    mem = [r for r in ds.records if r["member"]]
    non = [r for r in ds.records if not r["member"]]
    assert len(mem) == 6 and len(non) == 20   # only 6 members of length <= 12 exist
    lang = get_language("anbn")
    assert all(not lang.accepts(r["string"]) for r in non)
    assert all(isinstance(s, list) and len(s) == 2 for r in ds.records for s in r["states"])


def test_flip_flop_dataset_parameters():
    sparse = make_dataset("flip_flop", train_lengths=(40, 40), test_bins=(), n_train=300,
                          seed=0, p_ignore=0.98)
    frac = np.mean([w == "i" for r in sparse.records for w in r["string"][2::2]])
    assert frac > 0.95
    assert sparse.params["sampler_params"] == {"p_ignore": 0.98}
    uni = make_dataset("flip_flop", train_lengths=(40, 40), test_bins=(), n_train=300, seed=0,
                       uniform=True)
    frac_u = np.mean([w == "i" for r in uni.records for w in r["string"][2::2]])
    assert 0.3 < frac_u < 0.5         # uniform members: i and w pairs each have 2 bits, r has 1
    with pytest.raises(AutomatonError, match="p_ignore must lie"):
        make_dataset("flip_flop", train_lengths=(2, 2), test_bins=(), n_train=1, p_ignore=1.5)
    with pytest.raises(AutomatonError, match=r"unexpected sampler parameter\(s\) \['foo'\]"):
        make_dataset("dyck1", n_train=1, foo=1)


def test_dataset_jsonl_round_trip(tmp_path):
    ds = make_dataset("dyck1", train_lengths=(1, 10), test_bins=((11, 14),), n_train=30,
                      n_test=10, seed=0)
    paths = ds.write_jsonl(tmp_path / "out")
    assert sorted(p.name for p in paths) == ["bin_11_14.jsonl", "meta.json", "train.jsonl"]
    line = json.loads((tmp_path / "out" / "train.jsonl").read_text().splitlines()[0])
    assert set(line) == {"string", "length", "member", "split", "states", "membership", "next_allowed"}
    back = Dataset.read_jsonl(tmp_path / "out")
    assert back.records == ds.records and back.language == "dyck1" and back.alphabet == ("(", ")")
    assert back.params == json.loads(json.dumps(ds.params))
    with pytest.raises(AutomatonFormatError, match="meta.json"):
        Dataset.read_jsonl(tmp_path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_states=st.integers(1, 6), seed=st.integers(0, 10_000), length=st.integers(0, 7))
def test_random_dfas_count_sample_and_label(n_states, seed, length):
    from automata.languages import Language
    from automata.random_dfa import random_dfa

    dfa = random_dfa(n_states, "ab", seed=seed)
    lang = Language("rand", dfa)
    words = ["".join(p) for p in itertools.product("ab", repeat=length)]
    members = [w for w in words if dfa.accepts(w)]
    assert count_members(lang, length) == len(members)
    if members:
        assert all(dfa.accepts(w) for w in sample_members(lang, length, 20, seed=seed))
    else:
        with pytest.raises(EmptyLengthError):
            sample_members(lang, length, 1, seed=seed)
    if len(members) < len(words):
        assert not any(dfa.accepts(w) for w in sample_nonmembers(lang, length, 20, seed=seed))
    # next_allowed = "some completion of length <= n_states exists" (a live state reaches
    # acceptance within n_states steps)
    if length:
        w = words[seed % len(words)]
        lab = prefix_labels(lang, w)
        for t in range(length):
            p = w[:t + 1]
            for i, s in enumerate("ab"):
                want = any(dfa.accepts(p + s + "".join(u)) for m in range(n_states + 1)
                           for u in itertools.product("ab", repeat=m))
                assert lab.next_allowed[t, i] == want
            assert lab.next_allowed[t, 2] == dfa.accepts(p)


# ------------------------------------------------------------ budgets (issue 17)
def test_sampling_sizes_are_checked_before_work():
    from automata.errors import BudgetExceededError
    from automata.sampling import sample_distinct

    with pytest.raises(BudgetExceededError, match="max_length"):
        sample_members("parity", 10_000_000, 1)
    with pytest.raises(BudgetExceededError, match="max_sample_symbols"):
        sample_nonmembers("parity", 1000, 10**8)
    with pytest.raises(BudgetExceededError, match="max_sample_symbols"):
        sample_distinct("parity", 1000, 10**8, np.random.default_rng(0))
    with pytest.raises(AutomatonError, match="non-negative int"):
        sample_members("parity", 5, -1)
