"""The optional fla backend without a GPU: refused cleanly off CUDA, layout and dtype rules."""
from __future__ import annotations

import pytest
import torch

from ssm.errors import BackendUnavailableError
from ssm.layers.deltanet import DeltaNet, select_delta_scan
from ssm.scan import fla_backend


def test_fla_is_refused_off_cuda_with_the_install_command():
    for load in (fla_backend.load_fla_delta_rule, fla_backend.load_fla_delta_product):
        with pytest.raises(BackendUnavailableError, match="flash-linear-attention"):
            load("cpu")


def test_auto_never_picks_fla_on_cpu():
    assert select_delta_scan("auto", "cpu")[0] == "chunked"
    assert select_delta_scan("auto", "cpu", n_householder=3)[0] == "chunked"


def test_auto_hands_only_half_precision_layers_with_fitting_heads_to_fla():
    layer = DeltaNet(64, num_heads=2)                       # head dims 32
    assert not layer._fla_fits(torch.float32)               # fla's kernels refuse float32
    assert layer._fla_fits(torch.bfloat16) and layer._fla_fits(torch.float16)
    assert not DeltaNet(24, num_heads=2)._fla_fits(torch.bfloat16)   # head dim 12


def test_head_first_is_passed_only_where_the_installed_fla_has_it():
    def old(q, k, v, beta, scale=None, initial_state=None, output_final_state=False,
            head_first=True):
        pass

    def new(q, k, v, beta, scale=None, initial_state=None, output_final_state=False):
        pass

    assert fla_backend._layout_kwargs(old) == {"head_first": False}
    assert fla_backend._layout_kwargs(new) == {}
