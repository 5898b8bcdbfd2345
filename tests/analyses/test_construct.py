"""The construct command line: JSON report, text report, refusals and bad input."""
from __future__ import annotations

import json

import pytest

from analyses.construct import main


def _json(capsys, argv):
    assert main(argv + ["--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    return json.loads(out[0])


def test_json_report_has_the_contract_keys(capsys):
    d = _json(capsys, ["dyck_8_10", "--check-length", "2000", "--strings", "5"])
    for key in ("language", "layers", "width", "gates", "check_length", "strings", "accuracy"):
        assert key in d
    assert (d["language"], d["layers"], d["width"], d["gates"]) == ("dyck_8_10", 2, 31, [0.0, 1.0])
    assert (d["check_length"], d["strings"], d["accuracy"]) == (2000, 5, 1.0)


def test_ltl_and_complex_gates(capsys):
    d = _json(capsys, ["--ltl", "a S Y b", "--alphabet", "abc", "--check-length", "300",
                       "--strings", "4"])
    assert d["language"] == "ltl: (a S Y b)" and d["layers"] == 2 and d["accuracy"] == 1.0
    assert d["gates"] == [0.0, 0.25, 1.0]
    d = _json(capsys, ["mod3", "--check-length", "300", "--strings", "3", "--dtype", "float64"])
    assert d["dtype"] == "float64" and {"re", "im"} <= set(d["gates"][0])


def test_precision_and_demo(capsys):
    d = _json(capsys, ["anbn", "--check-length", "100", "--strings", "2", "--precision"])
    assert [p["measured"] for p in d["precision_limit"]] == [2 ** 25 + 1, 2 ** 54 + 1]
    assert main(["parity", "--check-length", "50", "--strings", "2", "--nonnegative-demo"]) == 0
    out = capsys.readouterr().out
    assert "accuracy 100.00%" in out and "max_sign_changes_nonnegative': 0" in out


def test_text_report(capsys):
    assert main(["flip_flop", "--check-length", "500", "--strings", "3",
                 "--param", "p_ignore=0.98"]) == 0
    out = capsys.readouterr().out
    assert "layers: 2" in out and "gates: 0, 1" in out and "accuracy 100.00%" in out


@pytest.mark.parametrize("argv,msg", [
    (["parity", "--gate", "nonnegative"], "non-negative gates"),
    (["nosuch"], "unknown construction"),
    ([], "exactly one of"),
    (["--regex", "(aa)*", "--alphabet", "a"], "not star-free"),
    (["star_free", "--param", "language=tomita4", "--param", "method=partial_order"],
     "method='general'"),
    (["parity", "--ltl", "a"], "exactly one of"),
    (["--ltl", "a S"], "expected a formula"),
    (["dyck", "--param", "K"], "KEY=VALUE"),
    (["parity", "--strings", "0"], "--strings must be at least 1"),
    (["parity", "--check-length", "10", "--strings", "1", "--precision"], "counter"),
])
def test_errors_print_one_line_and_exit_1(capsys, argv, msg):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0] and err[0].startswith("python -m analyses.construct: error:")


def test_param_values_keep_names_that_look_like_numbers(capsys):
    d = _json(capsys, ["star_free", "--param", "language=012_02", "--check-length", "200",
                       "--strings", "3"])
    assert d["language"] == "012_02" and d["accuracy"] == 1.0
    d = _json(capsys, ["flip_flop", "--param", "p_ignore=0.5", "--check-length", "50", "--strings", "2"])
    assert d["info"]["p_ignore"] == 0.5
