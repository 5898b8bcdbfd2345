"""ExperimentConfig: documented defaults, type-checked dotted overrides, JSON round trip."""
from __future__ import annotations

import json

import pytest

from ssm.config import ModelConfig
from ssm.errors import ConfigError
from ssm.experiment_config import (DataConfig, ExperimentConfig, TrainConfig, apply_overrides,
                                   load_config, save_config, task_for_language)


def test_defaults_are_the_documented_ones():
    cfg = ExperimentConfig()
    assert (cfg.train.lr, cfg.train.weight_decay, cfg.train.batch_size) == (1e-3, 0.1, 32)
    assert cfg.train.early_stop is True and cfg.train.max_epochs == 50
    assert (cfg.data.n_train, cfg.data.n_eval) == (10_000, 2_000)
    assert cfg.data.eval_bins == ((1, 50), (51, 100), (101, 150))
    assert (cfg.data.p_ignore, cfg.data.eval_p_ignore, cfg.data.eval_reads) == (0.8, (0.8, 0.98), 10_000)
    assert cfg.model == ModelConfig()


def test_overrides_are_typed_and_nested():
    cfg = apply_overrides(ExperimentConfig(), [
        "train.lr=3e-4", "train.early_stop=false", "data.n_train=12", "model.gate=signed",
        "data.eval_bins=[[1, 5], [6, 9]]", "model.dt_rank=none", "train.weight_decay=0",
        "language=tomita3"])
    assert cfg.train.lr == 3e-4 and cfg.train.early_stop is False and cfg.data.n_train == 12
    assert cfg.model.gate == "signed" and cfg.model.dt_rank is None
    assert cfg.data.eval_bins == ((1, 5), (6, 9))
    assert isinstance(cfg.train.weight_decay, float) and cfg.language == "tomita3"


@pytest.mark.parametrize("item, words", [
    ("train.lr=fast", "train.lr must be a number"),
    ("data.n_train=1.5", "data.n_train must be an integer"),
    ("train.early_stop=maybe", "train.early_stop must be true or false"),
    ("train.learning_rate=1", "unknown config key 'train.learning_rate'"),
    ("optim.lr=1", "unknown config key 'optim.lr'"),
    ("train=3", "is a section"),
    ("train.lr", "must look like key=value"),
    ("model.gate=negative", "unknown gate"),
    ("data.n_train=0", "data.n_train and data.n_eval must be >= 1"),
    ("data.eval_bins=[[5, 1]]", "empty"),
])
def test_bad_overrides_raise_one_line(item, words):
    with pytest.raises(ConfigError) as e:
        apply_overrides(ExperimentConfig(), [item])
    assert words in str(e.value) and "\n" not in str(e.value)


def test_round_trip_and_files(tmp_path):
    cfg = apply_overrides(ExperimentConfig(language="tomita5"), ["data.eval_bins=[[1, 3]]", "model.width=8"])
    d = cfg.to_dict()
    json.dumps(d)  # serializable
    assert ExperimentConfig.from_dict(d) == cfg
    save_config(cfg, tmp_path / "config.json", {"versions": {"torch": "x"}})
    assert load_config(tmp_path / "config.json") == cfg
    assert not list(tmp_path.glob("*.tmp"))
    d["train"]["momentum"] = 0.9
    with pytest.raises(ConfigError, match="unknown config key 'train.momentum'"):
        ExperimentConfig.from_dict(d)


def test_frozen_and_validated():
    cfg = ExperimentConfig()
    with pytest.raises(AttributeError):
        cfg.language = "x"  # type: ignore[misc]
    with pytest.raises(ConfigError):
        TrainConfig(lr=0)
    with pytest.raises(ConfigError):
        DataConfig(p_ignore=1.0)
    with pytest.raises(ConfigError):
        ExperimentConfig(task="sorting")


def test_task_from_language_name():
    assert task_for_language("flip_flop") == "flip_flop"
    assert task_for_language("dyck_8_10") == "dyck"
    assert task_for_language("dyck1") == "char"
    assert ExperimentConfig(language="dyck_2_3").resolved_task == "dyck"
    assert ExperimentConfig(language="dyck_2_3", task="char").resolved_task == "char"
