"""Probing someone else's run directory never runs code from it (issue 17, "safe loading"): a
checkpoint whose pickle would execute a call is refused in one line naming the file, and the
call never happens."""
from __future__ import annotations

import os

import torch

from analyses import probe
from tests.probing.conftest import make_run_dir


class _Evil:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):                  # unpickling would create the marker file
        return (os.mknod, (self.marker,))


def test_probe_refuses_a_checkpoint_that_would_run_code(tmp_path, capsys):
    run = make_run_dir(tmp_path / "run")
    marker = tmp_path / "pwned"
    ck = torch.load(run / "checkpoint.pt", weights_only=True)
    ck["extra"] = _Evil(str(marker))
    torch.save(ck, run / "checkpoint.pt")
    assert probe.main([str(run), "--out", str(tmp_path / "out"), "--quiet", "--no-plots"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot read" in err[0] and "checkpoint.pt" in err[0], err
    assert not marker.exists(), "the checkpoint's pickle ran code"
    assert not (tmp_path / "out").exists()
