"""analyses.groups_figure: the groups x models matrix from a reproduce summary."""
from __future__ import annotations

import json

from analyses import groups_figure as gf


def _summary():
    def row(lang, cell, b2):
        return {"language": lang, "cell": cell, "bins": [{"string_accuracy": 1.0},
                                                          {"string_accuracy": b2}]}
    sel = [row("word_problem_a5", "deltanet-b02-L1", 0.95), row("word_problem_z2", "deltanet-b02-L1", 1.0),
           row("word_problem_z2", "deltanet-b01-L1", 0.95)]
    cells = [{"language": "word_problem_a5", "cell": "deltanet-b02-L1", "verdict": "yes",
              "agrees": None},
             {"language": "word_problem_z2", "cell": "deltanet-b02-L1", "verdict": "yes",
              "agrees": True},
             {"language": "word_problem_z2", "cell": "deltanet-b01-L1", "verdict": "no",
              "agrees": False}]
    return {"selected": sel, "agreement": {"cells": cells}}


def test_rows_follow_solvability_and_disagreements_are_bold():
    m = gf.frontier_matrix(_summary(), 1)
    assert m["languages"] == ["word_problem_z2", "word_problem_a5"]       # Z_2 before A_5
    md = gf.markdown_matrix(m)
    assert "| Z2 | 100 (Y) | **95 (N)** |" in md                         # b01 learnt parity: disagrees
    assert "| A5 | 95 (Y*) | – |" in md                                   # undecided: not bold


def test_command_writes_the_png_and_refuses_a_missing_summary(tmp_path, capsys):
    assert gf.main([str(tmp_path)]) == 1
    assert "summary.json does not exist" in capsys.readouterr().err
    (tmp_path / "summary.json").write_text(json.dumps(_summary()))
    assert gf.main([str(tmp_path), "--markdown"]) == 0
    assert (tmp_path / "groups_matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| group |" in capsys.readouterr().out
    assert gf.main([str(tmp_path), "--bin", "0"]) == 1


def test_several_bins_in_one_figure_and_any_suite_keeps_the_run_order(tmp_path):
    def row(lang, cell, b2, group):
        return {"language": lang, "cell": cell, "group": group,
                "bins": [{"string_accuracy": 1.0}, {"string_accuracy": b2}]}
    summary = {"selected": [row("tomita2", "lstm-L1", 1.0, "star-free"),
                            row("parity", "lstm-L1", 0.4, "non-star-free"),
                            row("anbn", "lstm-L1", None, "counter")],
               "agreement": {"cells": [{"language": "parity", "cell": "lstm-L1",
                                        "verdict": "yes", "agrees": False}]}}
    m = gf.frontier_matrix(summary, 1)
    assert m["languages"] == ["tomita2", "parity", "anbn"]            # not re-sorted
    assert m["groups"]["parity"] == "non-star-free"
    assert "| parity | **40 (Y)** |" in gf.markdown_matrix(m)          # names kept as they are
    path = tmp_path / "m.png"
    gf.write_matrix_figure([("bin 1", gf.frontier_matrix(summary, 0)), ("bin 2", m)], path, "t")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
