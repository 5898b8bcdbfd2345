"""benchmarks.monoid: the peer routes skip Konieczny above degree 64 (it crashed on S_5)."""
from __future__ import annotations

import pytest

from automata.languages import get_language
from automata.monoid import generators_of
from benchmarks import monoid as bench

ls = pytest.importorskip("libsemigroups_pybind11")


def test_konieczny_is_skipped_above_degree_64_with_a_reason():
    gens = generators_of(get_language("word_problem_s5").dfa)
    assert gens.shape[1] == 120 > bench.KONIECZNY_MAX_DEGREE
    skipped: list[str] = []
    seconds, route = bench._peer_routes(ls, gens, 1, skipped=skipped)
    assert route == "froidure_pin" and seconds > 0
    assert len(skipped) == 1 and "degree 120 > 64" in skipped[0]


def test_small_degree_keeps_both_routes():
    skipped: list[str] = []
    _, route = bench._peer_routes(ls, bench._tn(4), 1, skipped=skipped)
    assert route in ("froidure_pin", "konieczny") and skipped == []


def test_cases_filter_runs_only_the_named_cases(capsys):
    rows = bench.against_libsemigroups(repeats=1, cases=["T_5", "word_problem_s5"])
    assert [r["case"] for r in rows] == ["T_5", "word_problem_s5"]
    s5 = rows[1]
    assert s5["peer"] == "froidure_pin" and "skipped" in s5 and s5["ratio"] > 0


def test_batch_sweep_times_both_tools_per_acceptor():
    dfas = [get_language(name).dfa.minimize() for name in ("parity", "tomita3", "tomita5")]
    row = bench._batch_sweep(ls, dfas, 2)
    assert row["case"] == "mlregtest_batch_3" and row["acceptors"] == 3 and row["repeats"] == 2
    assert row["ours_s"] > 0 and row["libsemigroups_s"] > 0
    assert abs(row["ratio"] - row["ours_s"] / row["libsemigroups_s"]) < 0.05 * row["ratio"]
