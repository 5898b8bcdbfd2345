"""python -m analyses.probe on a tiny run directory, and its calibration mode."""
from __future__ import annotations

import json

from analyses.probe import main
from tests.probing.conftest import make_run_dir


def test_probe_cli_json(tmp_path, capsys):
    run = make_run_dir(tmp_path / "run", language="flip_flop", arch="lstm")
    rc = main([str(run), "--out", str(tmp_path / "out"), "--json", "--quiet", "--n-strings", "40",
               "--max-positions", "600", "--targets", "state", "bit", "--sites", "layers.1.h",
               "layers.1.out", "--no-plots"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert {(r["site"], r["target"]) for r in d["sites"]} == {
        ("layers.1.h", "state"), ("layers.1.h", "bit"), ("layers.1.out", "state"),
        ("layers.1.out", "bit")}
    r = d["sites"][0]
    assert r["layer"] == 1 and set(r["by_bin"]) == {"in_range", "len_32_32", "len_64_64"}
    assert 0 <= r["accuracy"] <= 1 and r["untrained_accuracy"] is not None
    assert "far_accuracy" in r and "untrained_far_accuracy" in r
    for row in d["sites"]:     # string-level bootstrap intervals bracket the point estimates
        lo, hi = row["accuracy_ci"]
        assert lo <= row["accuracy"] <= hi
    assert (tmp_path / "out" / "report.md").is_file()
    # side by side (here the same report twice)
    rc = main(["--compare", str(tmp_path / "out"), str(tmp_path / "out"), "--out",
               str(tmp_path / "cmp"), "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rc == 0 and len(rows) == 2 and rows[0]["language"] == "flip_flop"
    assert rows[0]["site"] in ("layers.1.h", "layers.1.out")
    table = [ln for ln in (tmp_path / "cmp" / "comparison.md").read_text().splitlines()
             if ln.startswith("|")]
    assert "| flip_flop |" in table[2]
    assert len({ln.count("|") for ln in table}) == 1          # header, rule and rows agree
    assert main(["--compare", str(tmp_path), "--out", str(tmp_path / "c2")]) == 1
    assert "no report.json" in capsys.readouterr().err


def test_probe_cli_errors(tmp_path, capsys):
    assert main([str(tmp_path), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    assert "config.json is missing" in capsys.readouterr().err
    run = make_run_dir(tmp_path / "run")
    assert main([str(run), "--out", str(tmp_path / "o"), "--sites", "layers.5.out", "--quiet"]) == 1
    assert "unknown site" in capsys.readouterr().err
    assert main([str(run), "--out", str(tmp_path / "o"), "--targets", "bit", "--quiet"]) == 1
    assert "does not apply" in capsys.readouterr().err
    assert main(["--out", str(tmp_path / "o")]) == 1
    assert "RUN_DIR is required" in capsys.readouterr().err


def test_calibrate_mode(tmp_path, capsys):
    rc = main(["--calibrate", "tomita2", "--out", str(tmp_path / "cal"), "--json"])
    d = json.loads(capsys.readouterr().out)
    assert rc == 0 and all(d["passed"].values())
    assert d["onehot_noise"]["in_range"] >= 0.99
    assert (tmp_path / "cal" / "calibration.md").is_file()
