"""make_dataset's outputs (issue 17): validated before anything is written, written atomically,
no stale files from an earlier dataset, --overwrite replaces only a dataset."""
from __future__ import annotations

import json

import pytest

from analyses.make_dataset import main
from automata.dataset import Dataset, check_output_dir, make_dataset
from automata.errors import AutomatonFormatError, BudgetExceededError

SMALL = ["--n-train", "6", "--n-test", "3", "--train-lengths", "2-6", "--quiet"]


def _err(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_overwrite_leaves_no_stale_bins(tmp_path, capsys):
    out = tmp_path / "ds"
    assert main(["parity", "--out", str(out), "--bins", "7-8,9-10", *SMALL]) == 0
    assert (out / "bin_9_10.jsonl").exists()
    assert main(["parity", "--out", str(out), "--bins", "7-8", *SMALL]) == 1
    assert "already holds a dataset; pass --overwrite" in _err(capsys)
    assert main(["parity", "--out", str(out), "--bins", "7-8", "--overwrite", *SMALL]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["bin_7_8.jsonl", "meta.json", "train.jsonl"]
    assert Dataset.read_jsonl(out).sizes() == {"train": 6, "bin_7_8": 3}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temporaries left


def test_foreign_files_are_never_overwritten(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["parity", "--out", str(tmp_path), "--overwrite", *SMALL]) == 1
    assert "holds files that are not a dataset (notes.txt)" in _err(capsys)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    (tmp_path / "f").write_text("x")
    assert main(["parity", "--out", str(tmp_path / "f"), *SMALL]) == 1
    assert "is not a directory" in _err(capsys)


def test_bad_values_write_nothing(tmp_path, capsys):
    out = tmp_path / "ds"
    for argv, msg in [
        (["--train-lengths", "1-10000000", "--n-train", "5"], "--max-length"),
        (["--n-train", "100000000"], "--max-positions"),
        (["--bins", "7-8,,9-10"], "an empty bin"),
        (["--max-length", "0"], "--max-length must be at least 1"),
        (["--seed", "-1"], "--seed must be at least 0"),
        (["--n-train", "0"], "--n-train must be at least 1"),
        (["--n-test", "-1"], "--n-test must be at least 1"),
        (["--param", "p_ignore=nan"], "not a finite number"),
    ]:
        assert main(["flip_flop", "--out", str(out), "--quiet", *argv]) == 1
        assert msg in _err(capsys)
        assert not out.exists()


def test_raised_budgets_let_a_larger_dataset_through(tmp_path):
    with pytest.raises(BudgetExceededError, match="max_length"):
        make_dataset("parity", train_lengths=(25_000, 25_000), test_bins=(), n_train=1)
    ds = make_dataset("parity", train_lengths=(25_000, 25_000), test_bins=(), n_train=1,
                      max_length=25_000)
    assert len(ds.records[0]["string"]) == 25_000


def test_a_failed_write_keeps_the_previous_dataset(tmp_path, monkeypatch):
    ds = make_dataset("parity", train_lengths=(2, 4), test_bins=((5, 6),), n_train=4, n_test=2)
    ds.write_jsonl(tmp_path / "ds")
    before = (tmp_path / "ds" / "meta.json").read_text()
    new = make_dataset("parity", train_lengths=(2, 4), test_bins=(), n_train=3, n_test=2, seed=1)
    monkeypatch.setattr(json, "dumps", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "full")))
    with pytest.raises(AutomatonFormatError, match="cannot write the dataset"):
        new.write_jsonl(tmp_path / "ds", overwrite=True)
    monkeypatch.undo()
    assert (tmp_path / "ds" / "meta.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_check_output_dir_accepts_new_and_empty(tmp_path):
    assert check_output_dir(tmp_path / "new") == tmp_path / "new"
    assert check_output_dir(tmp_path) == tmp_path
