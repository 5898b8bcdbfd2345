"""Every command refuses out-of-range counts, seeds, budgets and malformed alphabets in one line,
exit 1, before any work and before writing anything (issue 17: "validate, then write")."""
from __future__ import annotations

import time

import pytest

from analyses import classify_language, construct, make_dataset, probe, train


def _refused(capsys, main, argv, words, tmp_path):
    t = time.monotonic()
    assert main(argv) == 1
    seconds = time.monotonic() - t
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and ": error: " in err[0], err
    assert seconds < 10, f"{argv}: refused only after {seconds:.1f} s"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("main, argv, words", [
    (construct.main, ["parity", "--seed", "-1"], "--seed must be at least 0, got -1"),
    (construct.main, ["parity", "--check-length", "0"], "--check-length must be at least 1"),
    (construct.main, ["--ltl", "a", "--alphabet", "a,,b"], "--alphabet 'a,,b': symbol 2 is empty"),
    (construct.main, ["--ltl", "a", "--alphabet", ""], "--alphabet is empty"),
    (probe.main, ["{tmp}/run", "--out", "{tmp}/out", "--threads", "0"], "--threads must be at least 1"),
    (probe.main, ["--calibrate", "parity", "--out", "{tmp}/out", "--long-factor", "0"],
     "--long-factor must be at least 1"),
    (probe.main, ["{tmp}/run", "--out", "{tmp}/out", "--seed", "-2"], "--seed must be at least 0"),
    (make_dataset.main, ["parity", "--out", "{tmp}/out", "--max-positions", "0"],
     "--max-positions must be at least 1"),
    (make_dataset.main, ["parity", "--out", "{tmp}/out", "--alphabet", "ab"],
     "--alphabet applies to --regex only"),
    (make_dataset.main, ["--regex", "a*", "--alphabet", "a,a", "--out", "{tmp}/out"],
     "repeats symbol(s) ['a']"),
    (train.main, ["parity", "--out", "{tmp}/out", "--alphabet", "ab"],
     "--alphabet applies to --regex only"),
    (train.main, ["--regex", "a*", "--alphabet", "a,,b", "--out", "{tmp}/out"],
     "symbol 2 is empty"),
    (classify_language.main, ["parity", "--max-orbit", "-5"], "--max-orbit must be at least 1"),
])
def test_out_of_range_values_are_one_line_errors(tmp_path, capsys, main, argv, words):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    _refused(capsys, main, argv, words, tmp_path)
