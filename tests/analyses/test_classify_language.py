"""The classify_language command line."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analyses.classify_language import main
from automata.languages import PAPER_SUITE
from automata.verdicts import FAMILIES, FAMILY_STATEMENTS

KEYS = {"language", "regular", "states", "monoid_size", "aperiodic", "star_free", "groups",
        "varieties", "witness", "predictions", "ac0", "families"}
PRED_KEYS = {"model", "expressible", "min_layers", "max_layers", "status", "reason", "reference"}


def test_json_object(capsys):
    assert main(["tomita5", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert KEYS <= set(d)
    assert d["groups"] == [{"order": 4, "name": "Z_2×Z_2", "abelian": True, "solvable": True,
                            "cyclic": False, "derived_length": 1}]
    assert [p["model"] for p in d["predictions"]] == list(FAMILIES)
    assert set(d["families"]) == set(FAMILIES) and all(d["families"].values())
    assert all(PRED_KEYS <= set(p) for p in d["predictions"])
    assert d["ac0"]["ac0"] is False and len(d["ac0"]["word"]) == d["ac0"]["stable_index"]
    ti = next(p for p in d["predictions"] if p["model"] == "ssm_time_invariant")
    assert ti["expressible"] == "no" and ti["witness"]["block_length"] == 2


def test_regex_and_dfa_file(tmp_path, capsys):
    assert main(["--regex", "~(.*aa.*)", "--alphabet", "ab", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["star_free"] is True and d["states"] == 3
    from automata.dfa import DFA

    path = tmp_path / "p.json"
    DFA("01", [[0, 1], [1, 0]], 0, [0]).to_json(path)
    assert main(["--dfa", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["aperiodic"] is False and d["witness"]["period"] == 2


def test_suite_labels_agree_with_the_paper(capsys):
    assert main(["--suite", "paper", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 27
    assert all(r["label"] == PAPER_SUITE[r["language"]] for r in rows)
    assert all(r["families"] == FAMILY_STATEMENTS for r in rows)


def test_suite_table(capsys):
    assert main(["--suite", "paper"]) == 0
    out = capsys.readouterr().out
    assert "T-pe" in out and "transformer_hard_pe" in out and "AC0" in out


def test_table_output(capsys):
    assert main(["parity"]) == 0
    out = capsys.readouterr().out
    assert "ssm_signed" in out and "Grazzi" in out
    assert "model class" in out and "(UHAT)" in out     # the family statements


def test_regex_verdicts_from_the_issue(capsys):
    # (aa)* style languages: not star-free but in AC0
    for pattern in ("((a|b)(a|b))*", "(aa|b)*"):
        assert main(["--regex", pattern, "--alphabet", "ab", "--json"]) == 0
        d = json.loads(capsys.readouterr().out)
        p = {x["model"]: x for x in d["predictions"]}
        assert d["ac0"]["ac0"] is True and d["star_free"] is False
        assert p["transformer_hard_pe"]["expressible"] == "yes"
        assert p["transformer_masked_hard"]["expressible"] == "no"
        assert d["language"] == pattern


@pytest.mark.parametrize("argv", [["no_such_language"], ["--dfa", "/no/such/file.json"],
                                  ["--regex", "a(b", "--alphabet", "ab"], ["--regex", "ab"]])
def test_errors_one_line_exit_1(argv):
    r = subprocess.run([sys.executable, "-m", "analyses.classify_language", *argv],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "error" in r.stderr


def test_budget_exceeded_exit_1(tmp_path):
    import numpy as np

    from automata.dfa import DFA

    n = 7
    gens = np.array([[(i + 1) % n for i in range(n)], [1, 0] + list(range(2, n)),
                     [1] + list(range(1, n))])
    path = tmp_path / "t7.json"
    DFA(["c", "t", "e"], gens.T, 0, [0]).to_json(path)
    r = subprocess.run([sys.executable, "-m", "analyses.classify_language", "--dfa", str(path),
                        "--max-orbit", "5"], capture_output=True, text=True)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, words", [
    (["--regex", "a*", "--alphabet", "a,,b"], "--alphabet 'a,,b': symbol 2 is empty"),
    (["--regex", "a*", "--alphabet", "a,b,"], "--alphabet 'a,b,': symbol 3 is empty"),
    (["--regex", "a*", "--alphabet", ","], "symbol 1 is empty"),
    (["--regex", "a*", "--alphabet", ""], "--alphabet is empty"),
    (["--regex", "a*", "--alphabet", "aab"], "repeats symbol(s) ['a']"),
    (["--regex", "a*", "--alphabet", "x,y,x"], "repeats symbol(s) ['x']"),
    (["--regex", "a*c", "--alphabet", "ab"], "symbol 'c' at column 3 of 'a*c' is not in the alphabet"),
    (["parity", "--alphabet", "ab"], "--alphabet applies to --regex only"),
    (["parity", "--max-size", "-1"], "--max-size must be at least 1, got -1"),
    (["parity", "--max-size", "0"], "--max-size must be at least 1, got 0"),
    (["parity", "--max-orbit", "0"], "--max-orbit must be at least 1, got 0"),
    (["parity", "--max-seconds", "0"], "--max-seconds must be a positive number of seconds"),
    (["parity", "--max-seconds", "nan"], "--max-seconds must be a positive number of seconds"),
    (["parity", "--max-seconds", "inf"], "--max-seconds must be a positive number of seconds"),
])
def test_strict_alphabet_and_budgets_refused_before_work(argv, words, capsys):
    """Empty or repeated symbols, letters outside the alphabet, an alphabet without a regex and
    budgets out of range: one line, exit 1, before any classification starts."""
    import time

    t = time.monotonic()
    assert main([*argv, "--json"]) == 1
    seconds = time.monotonic() - t
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and words in err, err
    assert seconds < 5, f"took {seconds:.1f} s"
