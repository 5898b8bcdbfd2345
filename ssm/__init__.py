"""Selective state space models (PyTorch) for formal-language experiments.

Importing this package loads torch but never mamba_ssm or triton (those load lazily, on CUDA).
"""
