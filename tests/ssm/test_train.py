"""The trainer: resumption is exact, early stop, files, atomic checkpoints, run-dir checks."""
from __future__ import annotations

import json
import shutil
import sys

import pytest
import torch

from ssm.experiment_config import ExperimentConfig, apply_overrides
from ssm.train import CHECKPOINT, RunDirError, load_result, make_splits, train

train_mod = sys.modules["ssm.train"]  # the package's ``ssm.train`` attribute is the function

TINY = ["model.width=8", "model.d_state=4", "model.layers=1", "model.gate=signed",
        "data.n_train=64", "data.n_eval=8", "data.train_max_length=8",
        "data.eval_bins=[[1, 8], [9, 12]]", "train.max_epochs=4", "train.batch_size=24",
        "train.eval_every=2", "train.checkpoint_every=5", "train.early_stop=false"]
# 64 strings / batch 24 -> 3 steps per epoch (24, 24, 16), 12 steps; evaluations at even steps,
# checkpoints at 5, 10, at every epoch end (3, 6, 9, 12) and at the end.


def tiny(language="parity", *extra):
    return apply_overrides(ExperimentConfig(language=language), [*TINY, *extra])


def _metrics(path):
    return [{k: v for k, v in json.loads(line).items() if k != "seconds"}
            for line in (path / "metrics.jsonl").read_text().splitlines()]


def _weights(path):
    return torch.load(path / CHECKPOINT, weights_only=False)["model"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    state = torch.get_rng_state()
    res = train(tiny(), out, progress=False)
    assert torch.equal(state, torch.get_rng_state())  # global RNG untouched
    return out, res


def _same_as_reference(out, res, reference):
    ref_out, ref = reference
    a, b = _weights(ref_out), _weights(out)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert _metrics(out) == _metrics(ref_out)
    assert res.rows == ref.rows and res.steps == ref.steps == 12 and res.train == ref.train


def test_files_of_a_finished_run(reference):
    out, res = reference
    assert res.stopped == "max_epochs" and res.epochs == 4 and res.finished
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["config"]["model"]["vocab_size"] == 3 and cfg["config"]["task"] == "char"
    assert cfg["versions"]["torch"] == torch.__version__
    lines = _metrics(out)
    assert [m["step"] for m in lines] == [2, 4, 6, 8, 10, 12]
    assert all(0.0 <= m["train_string_accuracy"] <= 1.0 and m["loss"] > 0 for m in lines)
    rows = [json.loads(x) for x in (out / "eval.jsonl").read_text().splitlines()]
    assert [r["split"] for r in rows if r["kind"] == "bin"] == ["bin_1_8", "bin_9_12"]
    assert load_result(out).to_dict() == res.to_dict()
    assert not list(out.glob("*.tmp"))


def test_pause_interrupt_resume_is_exact(tmp_path, reference):
    cfg = tiny()
    paused = train(cfg, tmp_path, progress=False, step_budget=4)
    assert paused.stopped == "budget" and paused.steps == 4 and not (tmp_path / "result.json").exists()

    def interrupt(step):
        if step == 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(cfg, tmp_path, progress=False, on_step=interrupt)
    assert torch.load(tmp_path / CHECKPOINT, weights_only=False)["state"]["step"] == 7
    res = train(cfg, tmp_path, progress=False)
    _same_as_reference(tmp_path, res, reference)


def test_hard_kill_loses_nothing(tmp_path, reference):
    """A crash without a final checkpoint: metrics written after the last checkpoint are dropped
    and the steps replayed."""
    cfg = tiny()

    def crash(step):
        if step == 8:  # after the evaluation line of step 8; last checkpoint at step 6
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        train(cfg, tmp_path, progress=False, on_step=crash)
    assert [m["step"] for m in _metrics(tmp_path)] == [2, 4, 6, 8]
    assert torch.load(tmp_path / CHECKPOINT, weights_only=False)["state"]["step"] == 6
    res = train(cfg, tmp_path, progress=False)
    _same_as_reference(tmp_path, res, reference)


def test_checkpoint_write_is_atomic(tmp_path, monkeypatch, reference):
    cfg = tiny()
    train(cfg, tmp_path, progress=False, step_budget=3)  # checkpoint at step 3 (epoch end)
    before = (tmp_path / CHECKPOINT).read_bytes()

    def torn_save(obj, f):
        f.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(train_mod.torch, "save", torn_save)
    with pytest.raises(OSError):
        train(cfg, tmp_path, progress=False, step_budget=5)
    assert (tmp_path / CHECKPOINT).read_bytes() == before  # old checkpoint intact
    monkeypatch.undo()
    res = train(cfg, tmp_path, progress=False)
    _same_as_reference(tmp_path, res, reference)


def test_early_stop_when_training_set_is_solved(tmp_path):
    cfg = tiny("tomita1", "train.early_stop=true", "train.max_epochs=40", "train.lr=0.02",
               "train.eval_every=0")
    res = train(cfg, tmp_path, progress=False)
    assert res.stopped == "solved" and res.train["string_accuracy"] == 1.0
    assert res.epochs < 40 and res.steps == 3 * res.epochs
    assert _metrics(tmp_path)[-1]["train_string_accuracy"] == 1.0


def test_finished_runs_are_loaded_and_foreign_dirs_refused(tmp_path, reference, monkeypatch):
    ref_out, ref = reference
    copy = tmp_path / "copy"
    shutil.copytree(ref_out, copy)
    monkeypatch.setattr(train_mod, "build_seeded_model", lambda cfg: pytest.fail("retrained"))
    assert train(tiny(), copy, progress=False).to_dict() == ref.to_dict()
    with pytest.raises(RunDirError, match="different config"):
        train(tiny("parity", "train.lr=0.01"), copy, progress=False)


def test_splits_are_seeded_and_held_out():
    cfg = tiny()
    from automata.languages import get_language

    lang = get_language("parity")
    a, b = make_splits(cfg, lang), make_splits(cfg, lang)
    assert [r["string"] for r in a["train"][0]] == [r["string"] for r in b["train"][0]]
    assert not {r["string"] for r in a["train"][0]} & {r["string"] for r in a["bin_1_8"][0]}
    c = make_splits(apply_overrides(cfg, ["train.seed_data=1"]), lang)
    assert [r["string"] for r in c["train"][0]] != [r["string"] for r in a["train"][0]]


def test_flip_flop_eval_covers_enough_reads():
    cfg = apply_overrides(ExperimentConfig(language="flip_flop"),
                          ["data.n_train=4", "data.task_options.length=64", "data.task_options.eval_reads=300",
                           "data.task_options.eval_p_ignore=[0.8, 0.98]"])
    from automata.languages import get_language

    splits = make_splits(cfg, get_language("flip_flop"))
    assert set(splits) == {"train", "ffl_0.8", "ffl_0.98"}
    for name in ("ffl_0.8", "ffl_0.98"):
        recs, lo, hi, meta = splits[name]
        assert meta["n_reads"] >= 300 and lo == hi == 64
        assert sum(w["string"][t] == "r" for w in recs for t in range(63)) == meta["n_reads"]


def test_optimizer_skips_weight_decay_on_marked_parameters():
    from ssm.config import ModelConfig
    from ssm.model import build_model
    from ssm.train import make_optimizer

    model = build_model(ModelConfig(arch="mamba", gate="complex", layers=1, width=8, d_state=2,
                                    vocab_size=3, n_outputs=3))
    opt = make_optimizer(model, 1e-3, 0.1)
    marked = {id(p) for p in model.parameters() if getattr(p, "_no_weight_decay", False)}
    assert marked, "Mamba marks A_log, D and A_theta"
    for g in opt.param_groups:
        ids = {id(p) for p in g["params"]}
        assert g["weight_decay"] == (0.0 if ids <= marked else 0.1)
        assert ids <= marked or not ids & marked
    assert sum(len(g["params"]) for g in opt.param_groups) == len(list(model.parameters()))


# ---------------------------------------------------------------------------------------------
# validate-then-write, provenance, RNG restore, safe loading (issues 11 and 17)

@pytest.mark.parametrize("bad", ["train.device=tpu", "model.scan=mamba_ssm"])
def test_invalid_config_writes_nothing_and_never_blocks_the_rerun(tmp_path, bad):
    out = tmp_path / "run"
    with pytest.raises(ValueError):
        train(tiny("parity", bad), out, progress=False, step_budget=1)
    assert not out.exists()
    assert train(tiny(), out, progress=False, step_budget=1).steps == 1


def test_config_records_hash_and_code_version(reference):
    from ssm.run_dir import config_hash

    out, res = reference
    payload = json.loads((out / "config.json").read_text())
    assert payload["config_hash"] == config_hash(payload["config"]) == config_hash(res.config)
    assert "git_commit" in payload["versions"]


def test_other_config_is_refused_naming_the_key_and_rerun_dir(tmp_path, reference):
    from ssm.run_dir import fresh_run_dir

    ref_out, _ = reference
    other = tiny("parity", "train.lr=0.01")
    with pytest.raises(RunDirError, match=r"differs in: train\.lr"):
        train(other, ref_out, progress=False)
    cfg = train_mod.resolve_config(other, other.resolve_language()).to_dict()
    fresh = fresh_run_dir(ref_out, cfg)
    assert fresh != ref_out and fresh.name.startswith(ref_out.name + "-")
    assert fresh_run_dir(ref_out, json.loads((ref_out / "config.json").read_text())["config"]) == ref_out


def test_resume_restores_rng_states(tmp_path, capfd):
    """A model that draws random numbers while training (dropout) resumes bit-identically."""
    import tests.plugins.toy_arch  # noqa: F401 - registers toy_rnn

    cfg = tiny("parity", "model.arch=toy_rnn", "model.gate=nonnegative", "model.options.dropout=0.3")
    ref = train(cfg, tmp_path / "ref", progress=False)
    train(cfg, tmp_path / "resumed", progress=False, step_budget=4)
    capfd.readouterr()
    res = train(cfg, tmp_path / "resumed", progress=False)
    assert "resuming from step 4" in capfd.readouterr().err
    a, b = _weights(tmp_path / "ref"), _weights(tmp_path / "resumed")
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert res.rows == ref.rows and _metrics(tmp_path / "ref") == _metrics(tmp_path / "resumed")


def test_checkpoints_are_loaded_without_pickle(tmp_path):
    """A checkpoint carrying a pickled object (code) is refused, naming the file."""
    cfg = tiny()
    train(cfg, tmp_path, progress=False, step_budget=1)
    ck = torch.load(tmp_path / CHECKPOINT, weights_only=True)

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    ck["state"]["evil"] = Evil()
    torch.save(ck, tmp_path / CHECKPOINT)
    with pytest.raises(RunDirError, match="cannot read checkpoint .*checkpoint.pt"):
        train(cfg, tmp_path, progress=False)


def test_state_tracking_task_trains():
    cfg = tiny("word_problem_s3", "task=state", "train.max_epochs=1")
    res = train(cfg, progress=False)
    assert res.config["task"] == "state" and res.config["model"]["n_outputs"] == 6
    b = res.bins()[-1]
    assert b["n_positions"] == sum(r["length"] * r["n_strings"] for r in res.rows
                                   if r["kind"] == "length" and r["split"] == b["split"]) > 0


def test_task_plugin_trains_and_scores():
    import tests.plugins.toy_task  # noqa: F401 - registers "membership"

    res = train(tiny("parity", "task=membership", "train.max_epochs=1"), progress=False)
    assert res.config["model"]["n_outputs"] == 2 and res.bins()[0]["n_strings"] > 0
