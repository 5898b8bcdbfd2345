"""python -m analyses.make_dataset"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analyses.make_dataset import main, parse_range
from automata.dataset import Dataset
from automata.languages import get_language

ROOT = Path(__file__).resolve().parents[2]


def test_writes_splits(tmp_path, capsys):
    out = tmp_path / "ds"
    rc = main(["Tomita-3", "--out", str(out), "--n-train", "40", "--n-test", "8",
               "--train-lengths", "1-10", "--bins", "11-20,21-30", "--seed", "3"])
    assert rc == 0
    cap = capsys.readouterr()
    assert "wrote 56 strings of tomita3" in cap.out
    assert "bin_21_30 lengths 21-30" in cap.err          # progress lines
    assert sorted(p.name for p in out.iterdir()) == ["bin_11_20.jsonl", "bin_21_30.jsonl",
                                                     "meta.json", "train.jsonl"]
    ds = Dataset.read_jsonl(out)
    assert ds.sizes() == {"train": 40, "bin_11_20": 8, "bin_21_30": 8}
    lang = get_language("tomita3")
    assert all(lang.accepts(r["string"]) for r in ds.records)
    assert json.loads((out / "meta.json").read_text())["params"]["seed"] == 3
    # the same seed writes the same files
    main(["tomita3", "--out", str(tmp_path / "again"), "--n-train", "40", "--n-test", "8",
          "--train-lengths", "1-10", "--bins", "11-20,21-30", "--seed", "3", "--quiet"])
    assert (out / "train.jsonl").read_text() == (tmp_path / "again" / "train.jsonl").read_text()


def test_nonmembers_and_params(tmp_path, capsys):
    rc = main(["flip_flop", "--out", str(tmp_path), "--n-train", "20", "--n-test", "4",
               "--param", "p_ignore=0.98", "--with-nonmembers", "--quiet"])
    assert rc == 0
    ds = Dataset.read_jsonl(tmp_path)
    assert sum(r["member"] for r in ds.records) == 10 + 2 + 2
    assert ds.params["sampler_params"] == {"p_ignore": 0.98}


@pytest.mark.parametrize("argv,msg", [
    (["tomita33"], "unknown language 'tomita33'; close matches: tomita3"),
    (["aa_star", "--train-lengths", "3-3", "--bins", ""], "no member with length in [3, 3]"),
    (["dyck1", "--train-lengths", "10-5"], "bad length range '10-5'"),
    (["dyck1", "--bins", "a-b"], "bad length range 'a-b'"),
    (["dyck1", "--param", "p_ignore=0.5"], "dyck1 has no sampler parameter(s) ['p_ignore']"),
    (["flip_flop", "--param", "p_ignore=x"], "is not a number"),
    (["flip_flop", "--param", "p_ignore=2"], "p_ignore must lie in [0, 1]"),
])
def test_errors_are_one_line(tmp_path, capsys, argv, msg):
    rc = main(argv + ["--out", str(tmp_path / "o"), "--n-train", "5", "--n-test", "2", "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 1
    assert len(err) == 1 and err[0].startswith("python -m analyses.make_dataset: error: ")
    assert msg in err[0]


def test_parse_range():
    assert parse_range("51-100") == (51, 100) and parse_range("7") == (7, 7)


def test_module_runs_as_a_script(tmp_path):
    r = subprocess.run([sys.executable, "-m", "analyses.make_dataset", "nope", "--out",
                        str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "unknown language" in r.stderr
