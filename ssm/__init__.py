"""Selective state space models (PyTorch) for formal-language experiments.

Importing this package loads torch but never mamba_ssm or triton (those load lazily, on CUDA).
The library's front door:

>>> from ssm import ExperimentConfig, ModelConfig, build_model, family_of, train
>>> cfg = ModelConfig(arch="mamba", gate="signed", layers=1, width=8, vocab_size=3, n_outputs=3)
>>> family_of(cfg), type(build_model(cfg, device="cpu")).__name__
('ssm_signed', 'LanguageModel')

Extension points: :func:`register_architecture` (``ssm.architectures``), :func:`register_task`
(``ssm.tasks``); docs/extending.md has worked examples.

Importing this package sets ``OMP_WAIT_POLICY=PASSIVE`` unless the variable is set already, before
torch is first imported (it only takes effect when ``ssm`` is imported before torch): with
OpenMP's default spin-waiting, idle threads burn the cores the working threads need, and on a
busy 2-core machine the chunked scan at 2 threads took 88.6 s where it took 7.5 s with PASSIVE
(``python -m benchmarks.scan --lengths 256 --threads 1 2``, docs/benchmarks.md).
"""
import ssm.omp_policy  # noqa: F401  (first: sets OMP_WAIT_POLICY before torch is imported)
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
