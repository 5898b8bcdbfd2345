"""python -m analyses.list_languages"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analyses.list_languages import main
from automata.languages import list_languages

ROOT = Path(__file__).resolve().parents[2]


def test_one_name_per_line(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == list_languages()
    assert "tomita3" in out and "dyck_8_10" in out and "word_problem_a5" in out


def test_json_details(capsys):
    assert main(["--json", "--group", "non-star-free"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(d["name"] for d in data) == sorted(
        ["parity", "aa_star", "aaaa_star", "abab_star", "tomita3", "tomita5", "tomita6"])
    assert all(d["kind"] == "regular" and d["paper_group"] == "non-star-free" for d in data)
    assert all(isinstance(d["n_states"], int) and d["alphabet"] for d in data)


def test_bad_group_is_a_usage_error(capsys):
    import pytest

    with pytest.raises(SystemExit) as e:
        main(["--group", "nonsense"])
    assert e.value.code == 2


def test_module_runs_as_a_script():
    r = subprocess.run([sys.executable, "-m", "analyses.list_languages"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "tomita1"
    assert "torch" not in r.stderr
