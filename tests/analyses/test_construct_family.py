"""analyses.construct --family: certificates, refusals with theorem and witness, --dfa, --list."""
from __future__ import annotations

import json

import pytest

from analyses.construct import main
from automata import get_language

KEYS = {"language", "family", "layers", "width", "gates", "components", "check_length",
        "strings", "dtype", "accuracy", "min_layers"}


def _json(capsys, argv):
    assert main(argv + ["--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    return json.loads(out[0])


def test_certificate_json_contract(capsys):
    d = _json(capsys, ["word_problem_s3", "--family", "ssm_complex", "--check-length", "300",
                       "--strings", "3"])
    assert KEYS <= set(d)
    assert (d["language"], d["family"], d["layers"], d["min_layers"], d["accuracy"]) == \
        ("word_problem_s3", "ssm_complex", 2, 2, 1.0)
    assert d["components"][0]["group"] == "S_3"


def test_regex_and_dfa_file(capsys, tmp_path):
    d = _json(capsys, ["--regex", "(ab)*", "--alphabet", "ab", "--family", "ssm_nonnegative",
                       "--check-length", "200", "--strings", "3", "--dtype", "float64"])
    assert d["language"] == "regex: (ab)*" and d["dtype"] == "float64" and d["accuracy"] == 1.0
    path = tmp_path / "t3.json"
    get_language("tomita3").dfa.to_json(path)
    d = _json(capsys, ["--dfa", str(path), "--family", "lstm", "--check-length", "200",
                       "--strings", "2"])
    assert d["layers"] == 1 and d["accuracy"] == 1.0


def test_text_report_and_list(capsys):
    assert main(["tomita4", "--family", "ssm_nonnegative", "--check-length", "200",
                 "--strings", "2"]) == 0
    out = capsys.readouterr().out
    assert "classifier min_layers: 1" in out and "accuracy 100.00%" in out
    assert main(["--list"]) == 0
    assert "ssm_time_invariant" in capsys.readouterr().out


@pytest.mark.parametrize("argv,msg", [
    (["parity", "--family", "ssm_nonnegative"], "witness"),
    (["tomita4", "--family", "ssm_time_invariant"], "verdict is 'unknown'"),
    (["parity", "--family", "transformer_soft"], "--family must be one of"),
    (["--dfa", "x.json"], "--dfa needs --family"),
    (["parity", "--regex", "a", "--family", "lstm"], "exactly one of"),
    (["--regex", "a*", "--family", "lstm"], "needs --alphabet"),
    (["parity", "--family", "lstm", "--gate", "signed"], "takes no"),
])
def test_refusals_and_errors_exit_1_with_one_line(capsys, argv, msg):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0]


def test_classify_language_certify(capsys):
    from analyses.classify_language import main as classify_main
    assert classify_main(["parity", "--certify", "--certify-length", "200",
                          "--certify-strings", "2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    fams = {c["family"]: c for c in d["certificates"]}
    assert set(fams) == {"ssm_signed", "ssm_complex", "lrnn_householder", "lstm"}
    assert all(c["certified"] for c in fams.values())
    assert classify_main(["tomita4", "--certify", "--certify-length", "100",
                          "--certify-strings", "1"]) == 0
    assert "ssm_nonnegative: yes — certified by construction (5 layers, width 15" in \
        capsys.readouterr().out
    assert classify_main(["parity", "--certify", "--certify-strings", "0"]) == 1


def test_householder_text_report(capsys):
    assert main(["word_problem_s3", "--family", "lrnn_householder", "--check-length", "100",
                 "--strings", "1"]) == 0
    out = capsys.readouterr().out
    assert "construction: householder" in out and "kind householder" in out
