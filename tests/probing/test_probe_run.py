"""probing.probe_run: the library's one call from a run directory to a report."""
from __future__ import annotations

import pytest

from probing import ProbingError, probe_run
from tests.probing.conftest import make_run_dir


def test_probe_run_reports_and_writes(tmp_path):
    run = make_run_dir(tmp_path / "run")
    report = probe_run(run, tmp_path / "out", n_strings=30, max_positions_per_bin=400,
                       targets=("state",), sites=("layers.0.out",), controls=False,
                       untrained=False, causal=False)
    row = report["sites"][0]
    assert (row["site"], row["target"]) == ("layers.0.out", "state") and 0 <= row["accuracy"] <= 1
    assert (tmp_path / "out" / "report.md").is_file()
    with pytest.raises(ProbingError, match="unknown probe option"):
        probe_run(run, n_string=3)
