"""The report: files, tables, plots, and a reproducible report.json."""
from __future__ import annotations

import json

import numpy as np

from probing.pipeline import ProbeOptions, load_run, run_probing
from probing.report import render_markdown, write_report

OPTS = ProbeOptions(n_strings=60, max_positions_per_bin=800, long_factor=4,
                    sites=("layers.0.out", "layers.1.state"), targets=("state", "monoid"))


def test_report_files_and_reproducibility(tiny_run, tmp_path):
    run = load_run(tiny_run)
    report, saved = run_probing(run, OPTS)
    files = write_report(report, saved, tmp_path / "a")
    report2, saved2 = run_probing(load_run(tiny_run), OPTS)
    write_report(report2, saved2, tmp_path / "b")
    a = (tmp_path / "a" / "report.json").read_text()
    assert a == (tmp_path / "b" / "report.json").read_text()          # same numbers on CPU
    for name in files:
        assert (tmp_path / "a" / name).is_file()
    d = json.loads(a)
    assert {r["site"] for r in d["sites"]} == set(OPTS.sites)
    row = d["sites"][0]
    for key in ("site", "layer", "target", "accuracy", "nonlocal_accuracy",
                "unseen_prefix_accuracy", "untrained_accuracy", "control_accuracy",
                "selectivity", "by_bin"):
        assert key in row
    assert list(row["by_bin"]) == ["in_range", "len_13_24", "len_25_48"]
    assert row["selectivity"] == row["accuracy"] - row["control_accuracy"]
    # parity: state and monoid are the same partition, computed once
    mono = [r for r in d["sites"] if r["target"] == "monoid"]
    assert all(r.get("same_partition_as") == "state" for r in mono)
    # predictions line up with labels, -1 off the evaluated strings
    pred = np.load(tmp_path / "a" / "predictions.npz")
    p, y, ev = pred["pred/layers.0.out/state"], pred["labels/state"], pred["eval"]
    assert ((p >= 0) == ev).all()
    acc = float((p[ev] == y[ev]).mean())
    ins = ev & np.isin(pred["string_id"], json.loads((tmp_path / "a" / "splits.json").read_text())["test"])
    assert abs(float((p[ins] == y[ins]).mean()) - row["accuracy"]) < 1e-12
    assert 0 <= acc <= 1
    w = np.load(tmp_path / "a" / "probes.npz")
    assert "layers.0.out/state/coef" in w.files
    assert len(d["plots"]) >= 4 and all((tmp_path / "a" / p).is_file() for p in d["plots"])
    md = render_markdown(d)
    assert "## Target `state`" in md and "Baselines" in md and "kgram3" in md
    assert "Causal check" in md and d["causal"][0]["site"] == "layers.0.out"
    strings = (tmp_path / "a" / "strings.jsonl").read_text().splitlines()
    roles = {json.loads(s)["role"] for s in strings}
    assert {"train", "val", "test_in_range", "len_13_24"} <= roles
