"""benchmarks.scan: the Blelloch peer against a sequential loop, the thread options, a tiny run."""
import json

import pytest
import torch

from benchmarks import scan


@pytest.mark.parametrize("length", [1, 2, 5, 8, 13])
def test_blelloch_scan_matches_the_recurrence(length):
    gen = torch.Generator().manual_seed(length)
    a = torch.rand(3, length, 4, 2, generator=gen, dtype=torch.float64) * 2 - 1
    b = torch.randn(3, length, 4, 2, generator=gen, dtype=torch.float64)
    h0 = torch.randn(3, 4, 2, generator=gen, dtype=torch.float64)
    h, want = h0, []
    for t in range(length):
        h = a[:, t] * h + b[:, t]
        want.append(h)
    torch.testing.assert_close(scan.blelloch_scan(a, b, h0), torch.stack(want, dim=1))


def test_a_negative_spin_count_is_refused_in_one_line(capsys):
    assert scan.main(["--gomp-spincount", "-1", "--lengths", "4", "--json"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--gomp-spincount must be >= 0" in err[0]


def test_a_tiny_run_reports_threads_peer_and_spin_count(capsys):
    rc = scan.main(["--lengths", "3", "--batch", "2", "--width", "8", "--layers", "1",
                    "--repeats", "1", "--threads", "1", "2", "--skip-reference",
                    "--no-sequential", "--gomp-spincount", "100", "--json"])
    assert rc == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["length"] == 3 and row["gomp_spincount"] == 100
    assert set(row["chunked_s_by_threads"]) == {"1", "2"}
    assert set(row["blelloch_s_by_threads"]) == {"1", "2"}
    assert row["chunked_s"] == row["chunked_s_by_threads"]["1"] > 0
    assert row["threads_ratio"] == pytest.approx(
        row["chunked_s_by_threads"]["2"] / row["chunked_s_by_threads"]["1"], rel=0.1)  # 4 digits
