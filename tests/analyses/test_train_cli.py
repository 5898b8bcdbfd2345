"""python -m analyses.train: --json object, defaults, resume, one-line errors."""
from __future__ import annotations

import json

from analyses.train import build_parser, config_from_args, default_out, main

TINY = ["model.d_state=4", "data.n_train=32", "data.n_eval=6", "data.train_max_length=6",
        "data.eval_bins=[[1, 6], [7, 9]]", "train.max_epochs=2", "train.batch_size=16"]


def _argv(out, *extra):
    return ["tomita4", "--gate", "signed", "--layers", "1", "--width", "8", "--seed", "3",
            "--out", str(out), *[x for o in TINY for x in ("--set", o)], *extra]


def test_json_object(tmp_path, capsys):
    assert main(_argv(tmp_path, "--json", "--quiet")) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["language"], out["model"], out["gate"], out["layers"], out["width"]) == (
        "tomita4", "mamba", "signed", 1, 8)
    assert out["task"] == "char" and out["seed"] == 3 and out["steps"] == 4
    assert 0.0 <= out["train_string_accuracy"] <= 1.0 and out["seconds"] > 0
    assert [(b["min_length"], b["max_length"]) for b in out["bins"]] == [(1, 6), (7, 9)]
    assert all(0.0 <= b["string_accuracy"] <= 1.0 for b in out["bins"])
    cfg = json.loads((tmp_path / "config.json").read_text())["config"]
    assert cfg["train"]["seed_data"] == cfg["train"]["seed_init"] == 3

    # the same command again: the stored result, identical
    assert main(_argv(tmp_path, "--json", "--quiet")) == 0
    again = json.loads(capsys.readouterr().out)
    assert again == out


def test_table_output(tmp_path, capsys):
    assert main(_argv(tmp_path)) == 0
    text = capsys.readouterr().out
    assert "tomita4  mamba/signed  layers=1 width=8" in text and "bin_7_9" in text


def test_defaults_and_task_choice():
    args = build_parser().parse_args(["flip_flop"])
    assert (args.model, args.gate, args.layers, args.width, args.seed) == ("mamba", "nonnegative", 2, 64, 0)
    assert str(default_out(args)) == "runs/flip_flop-mamba-nonnegative-L2-W64-s0"
    assert config_from_args(args).resolved_task == "flip_flop"
    assert config_from_args(build_parser().parse_args(["dyck_8_10"])).resolved_task == "dyck"
    assert config_from_args(build_parser().parse_args(["tomita3"])).resolved_task == "char"
    t = config_from_args(build_parser().parse_args(["parity", "--model", "transformer"]))
    assert t.model.positional == "sinusoidal"


def test_errors_are_one_line(tmp_path, capsys):
    assert main(["tomita33", "--out", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("python -m analyses.train: error: unknown language 'tomita33'")
    assert "\n" not in err
    assert main(["parity", "--set", "train.lr=fast", "--out", str(tmp_path / "b")]) == 1
    assert "train.lr must be a number" in capsys.readouterr().err
    assert main(["parity", "--set", "model.gates=signed", "--out", str(tmp_path / "c")]) == 1
    assert "unknown config key 'model.gates'" in capsys.readouterr().err


def test_flip_flop_and_dyck_tasks_end_to_end(tmp_path, capsys):
    common = ["--layers", "1", "--width", "8", "--set", "model.d_state=4", "--set", "train.max_epochs=1",
              "--json", "--quiet"]
    assert main(["flip_flop", "--out", str(tmp_path / "ff"), *common, "--set", "data.n_train=16",
                 "--set", "data.task_options.length=32", "--set", "data.task_options.eval_reads=200"]) == 0
    ff = json.loads(capsys.readouterr().out)
    assert ff["task"] == "flip_flop" and [b["split"] for b in ff["bins"]] == ["ffl_0.8", "ffl_0.98"]
    for b in ff["bins"]:
        assert b["n_positions"] >= 200 and b["error_rate"] == b["n_errors"] / b["n_positions"]
    assert main(["dyck_2_3", "--out", str(tmp_path / "dy"), *common, "--set", "data.n_train=16",
                 "--set", "data.n_eval=4", "--set", "data.train_max_length=10",
                 "--set", "data.eval_bins=[[1, 10], [11, 20]]"]) == 0
    dy = json.loads(capsys.readouterr().out)
    assert dy["task"] == "dyck" and [b["max_length"] for b in dy["bins"]] == [10, 20]
    assert all(b["n_positions"] > 0 for b in dy["bins"])


PLUGINS = __import__("pathlib").Path(__file__).resolve().parents[1] / "plugins"


def test_failed_run_never_blocks_its_corrected_rerun(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(_argv(out, "--set", "train.device=tpu", "--quiet")) == 1
    assert "unknown device 'tpu'" in capsys.readouterr().err and not out.exists()
    assert main(_argv(out, "--set", "train.seed_data=-1", "--quiet")) == 1
    assert not out.exists()
    assert main(_argv(out, "--quiet")) == 0


def test_changed_config_is_refused_or_rerun(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(_argv(out, "--quiet")) == 0
    assert main(_argv(out, "--set", "train.lr=0.01", "--quiet")) == 1
    err = capsys.readouterr().err
    assert "differs in: train.lr" in err and err.count("\n") == 1
    assert main(_argv(out, "--set", "train.lr=0.01", "--rerun", "--json", "--quiet")) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["out"] != str(out) and res["out"].startswith(str(out) + "-") and res["lr"] == 0.01


def test_regex_language_and_dfa_file(tmp_path, capsys):
    from automata.regex import regex_to_dfa

    common = ["--layers", "1", "--width", "8", *[x for o in TINY for x in ("--set", o)],
              "--json", "--quiet"]
    assert main(["--regex", "(ab)*", "--alphabet", "ab", "--out", str(tmp_path / "re"), *common]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["language"] == "regex" and r["task"] == "char" and r["family"] == "ssm_nonnegative"
    cfg = json.loads((tmp_path / "re" / "config.json").read_text())["config"]
    assert cfg["language_def"] == {"regex": "(ab)*", "alphabet": ["a", "b"]}
    regex_to_dfa("a*b", "ab").to_json(tmp_path / "astar_b.json")
    assert main(["--dfa", str(tmp_path / "astar_b.json"), "--out", str(tmp_path / "d"), *common]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "astar_b"
    assert main(["--regex", "a", "--alphabet", "a,,b", "--out", str(tmp_path / "x")]) == 1
    assert "symbol 2 is empty" in capsys.readouterr().err


def test_plugin_file_language_architecture_and_task(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SSM_EXPRESSIVITY_PLUGINS", raising=False)  # restored afterwards
    argv = ["no_bb", "--plugin", str(PLUGINS / "toy_language.py"),
            "--plugin", str(PLUGINS / "toy_arch.py"), "--plugin", str(PLUGINS / "toy_task.py"),
            "--model", "toy_rnn", "--task", "membership", "--layers", "1", "--width", "8",
            "--out", str(tmp_path / "p"), *[x for o in TINY for x in ("--set", o)], "--json", "--quiet"]
    assert main(argv) == 0
    r = json.loads(capsys.readouterr().out)
    assert (r["language"], r["model"], r["task"], r["family"]) == ("no_bb", "toy_rnn", "membership",
                                                                  "ssm_nonnegative")
    assert main(["x", "--plugin", str(tmp_path / "missing.py")]) == 1
    assert "plugin file" in capsys.readouterr().err
