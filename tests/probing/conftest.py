"""A tiny training-run directory in the training helper's format (config.json + checkpoint.pt)."""
from __future__ import annotations

from pathlib import Path

import pytest


def make_run_dir(path: Path, language: str = "parity", arch: str = "mamba", gate: str = "signed",
                 seed: int = 1) -> Path:
    """Save an (untrained) model's resolved config and state dict as ``analyses.train`` does."""
    import torch

    from automata.languages import get_language
    from ssm.config import ModelConfig
    from ssm.experiment_config import DataConfig, ExperimentConfig, save_config
    from ssm.model import build_model

    lang = get_language(language)
    n_out = 2 if lang.task == "flip_flop" else len(lang.alphabet) + 1
    cfg = ExperimentConfig(
        language=language,
        model=ModelConfig(arch=arch, gate=gate, layers=2, width=12, d_state=4,
                          vocab_size=len(lang.alphabet) + 1, n_outputs=n_out,
                          scan="reference" if arch != "lstm" else "auto"),
        data=DataConfig(train_max_length=12, eval_bins=((1, 12), (13, 24)),
                        task_options={"length": 16} if lang.task == "flip_flop" else {}))
    path.mkdir(parents=True, exist_ok=True)
    save_config(cfg, path / "config.json")
    torch.save({"model": build_model(cfg.model, seed=seed, device="cpu").state_dict()},
               path / "checkpoint.pt")
    return path


@pytest.fixture
def tiny_run(tmp_path) -> Path:
    return make_run_dir(tmp_path / "run")
