"""benchmarks.large_inputs: the families are the groups they claim, and a small run's rows."""
from __future__ import annotations

import json

from benchmarks import large_inputs as bench


def test_families_have_the_groups_they_are_named_for():
    from automata.classify import classify

    assert [g.name for g in classify(bench.cycle(12)).groups] == ["Z_12"]
    assert [g.name for g in classify(bench.dihedral(7)).groups][-1] == "D_7"
    assert [g.name for g in classify(bench.torus(4, 6)).groups][-1] == "Z_2×Z_12"
    ds = bench.random_dfas()
    assert len(ds) == 40 and bench.random_dfas()[5].delta.tolist() == ds[5].delta.tolist()


def test_a_filtered_run_prints_one_row_per_case(capsys):
    assert bench.main(["--json", "--cases", "cycle_1000,dihedral_300"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["case"] for r in rows] == ["cycle_1000", "dihedral_300"]
    assert rows[0]["groups"] == ["Z_1000"] and rows[0]["states"] == 1000
    assert rows[1]["groups"][-1] == "D_300" and rows[1]["seconds"] > 0
    assert all(r["budget"] is None for r in rows)


def test_an_unknown_case_is_refused_in_one_line(capsys):
    assert bench.main(["--cases", "nothing,"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--cases 'nothing,': no case starts with it" in err
