"""The demo (the README's main job) runs end to end; training is exercised by test_train_cli."""
from __future__ import annotations

import re

from analyses import demo


def test_demo_without_training_prints_every_section(capsys):
    assert demo.main(["--no-train"]) == 0
    out = capsys.readouterr().out
    assert "1. Predict" in out and "2. Construct" in out and "3. Train" not in out
    # every construction row ends with its measured accuracy, and all are exact
    rows = [line for line in out.splitlines()
            if line.split() and line.split()[0] in {n for n, _ in demo.CONSTRUCTIONS}
            and "refused" not in line]
    assert len(rows) == len(demo.CONSTRUCTIONS)
    assert all(re.search(r"\s1\.000$", r) for r in rows), rows
    assert "refused (exit 1)" in out
