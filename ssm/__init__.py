"""Selective state space models (PyTorch) for formal-language experiments.

Importing this package loads torch but never mamba_ssm or triton (those load lazily, on CUDA).
The library's front door:

>>> from ssm import ExperimentConfig, ModelConfig, build_model, family_of, train
>>> cfg = ModelConfig(arch="mamba", gate="signed", layers=1, width=8, vocab_size=3, n_outputs=3)
>>> family_of(cfg), type(build_model(cfg, device="cpu")).__name__
('ssm_signed', 'LanguageModel')

Extension points: :func:`register_architecture` (``ssm.architectures``), :func:`register_task`
(``ssm.tasks``); docs/extending.md has worked examples.
"""
from ssm.architectures import (family_of, get_architecture, list_architectures,
                               register_architecture)
from ssm.config import ModelConfig
from ssm.errors import ConfigError, SSMError
from ssm.experiment_config import ExperimentConfig, apply_overrides, load_config
from ssm.model import LanguageModel, build_model
from ssm.tasks import Task, get_task, list_tasks, make_task, register_task
from ssm.train import TrainResult, load_result, train

__all__ = ["ModelConfig", "ExperimentConfig", "apply_overrides", "load_config", "build_model",
           "LanguageModel", "train", "TrainResult", "load_result", "register_architecture",
           "get_architecture", "list_architectures", "family_of", "Task", "register_task",
           "get_task", "list_tasks", "make_task", "SSMError", "ConfigError"]
