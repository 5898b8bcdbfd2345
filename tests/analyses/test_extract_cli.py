"""python -m analyses.extract, and analyses.probe --runs over seeds, on tiny run directories."""
from __future__ import annotations

import json

import pytest

from analyses.extract import main
from tests.probing.conftest import make_run_dir

SMALL = ["--n-strings", "30", "--max-positions", "400", "--ks", "2", "4"]


@pytest.mark.slow
def test_extract_cli_json_and_files(tmp_path, capsys):
    run = make_run_dir(tmp_path / "run", language="parity", arch="lstm")
    out = tmp_path / "out"
    assert main([str(run), "--out", str(out), "--json", *SMALL]) == 0
    d = json.loads(capsys.readouterr().out)
    for key in ("site", "method", "states", "minimal_states", "equals_minimal_dfa",
                "counterexample", "purity", "agreement"):
        assert key in d
    assert d["site"] == "layers.1.out" and d["method"] == "cluster" and d["minimal_states"] == 2
    assert [a["min_length"] for a in d["agreement"]] == [1, 13, 25]
    assert all({"with_model", "with_language", "max_length"} <= set(a) for a in d["agreement"])
    assert d["equals_minimal_dfa"] == (d["counterexample"] is None)
    for name in ("extraction.json", "extraction.md", "extracted_dfa.json", "automata.png"):
        assert (out / name).is_file()
    assert main([str(run), "--out", str(tmp_path / "l"), "--method", "lstar", "--json",
                 "--no-plot", *SMALL[:4]]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["method"] == "lstar" and d["site"] is None and d["states"] >= 1


@pytest.mark.parametrize("argv, msg", [
    (["--site", "layers.9.out"], "unknown site"),
    (["--method", "lstar", "--site", "layers.0.out"], "cluster method only"),
    (["--ks", "0"], "--ks"),
    (["--n-strings", "0"], "--n-strings"),
])
def test_extract_cli_errors_are_one_line(tmp_path, capsys, argv, msg):
    run = make_run_dir(tmp_path / "run", language="parity", arch="lstm")
    assert main([str(run), "--out", str(tmp_path / "o"), *argv]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0]


def test_extract_cli_refuses_a_counter_language(tmp_path, capsys):
    from automata.languages import get_language, list_languages

    name = next(n for n in list_languages() if get_language(n).dfa is None)
    try:
        run = make_run_dir(tmp_path / "run", language=name, arch="lstm")
    except Exception:  # noqa: BLE001 - a counter language without a default task
        pytest.skip(f"cannot build a run for {name}")
    assert main([str(run), "--out", str(tmp_path / "o"), *SMALL]) == 1
    assert "regular language" in capsys.readouterr().err


def test_probe_runs_aggregates_over_seeds(tmp_path, capsys):
    from analyses.probe import main as probe

    runs = [make_run_dir(tmp_path / "rep" / f"s{i}", language="parity", arch="lstm", seed=i)
            for i in range(2)]
    common = ["--out", str(tmp_path / "agg"), "--quiet", "--n-strings", "30",
              "--max-positions", "300", "--targets", "state", "--no-controls", "--no-untrained",
              "--no-plots", "--sites", "layers.1.out", "--interchange-pairs", "10"]
    assert probe(["--runs", str(tmp_path / "rep"), *common]) == 0
    agg = json.loads((tmp_path / "agg" / "seeds.json").read_text())
    assert agg["n_seeds"] == 2 and agg["runs"] == [str(r) for r in runs]
    fig = agg["sites"][0]["figures"]["accuracy"]
    assert fig["n"] == 2 and len(fig["values"]) == 2
    assert agg["interchange"] and (tmp_path / "agg" / "seeds.md").is_file()
    assert probe(["--runs", str(runs[0]), *common]) == 1
    assert "at least 2" in capsys.readouterr().err
