"""Our Mamba block against ``mamba_ssm.Mamba`` on copied weights (CUDA and mamba-ssm only)."""
from __future__ import annotations

import pytest
import torch

from ssm.layers.mamba import Mamba
from tests.ssm.helpers import assert_close

pytestmark = pytest.mark.gpu


@pytest.fixture(scope="module")
def mamba_ssm_cls():
    pytest.importorskip("mamba_ssm", reason="mamba-ssm is not installed (pip install -e '.[gpu]')")
    from ssm.scan.mamba_backend import load_mamba_module
    return load_mamba_module("cuda")


def _pair(mamba_ssm_cls, scan: str, seed: int = 0):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        theirs = mamba_ssm_cls(d_model=64, d_state=16, d_conv=4, expand=2).cuda()
    ours = Mamba(64, d_state=16, d_conv=4, expand=2, scan=scan).cuda()
    ours.load_state_dict(theirs.state_dict(), strict=True)
    return ours, theirs


@pytest.mark.parametrize("scan", ["chunked", "reference", "mamba_ssm"])
def test_same_outputs_and_gradients_on_copied_weights(mamba_ssm_cls, scan):
    ours, theirs = _pair(mamba_ssm_cls, scan)
    x = torch.randn(4, 200, 64, device="cuda", generator=torch.Generator("cuda").manual_seed(1))
    y_ours, y_theirs = ours(x), theirs(x)
    assert_close(y_ours, y_theirs, dtype=torch.float32, scale=20)
    g_ours = torch.autograd.grad(y_ours.pow(2).sum(), list(ours.parameters()))
    g_theirs = dict(zip([n for n, _ in theirs.named_parameters()],
                        torch.autograd.grad(y_theirs.pow(2).sum(), list(theirs.parameters()))))
    for (name, _), g in zip(ours.named_parameters(), g_ours):
        assert_close(g, g_theirs[name], dtype=torch.float32, scale=100, msg=name)


def test_state_dict_moves_both_ways(mamba_ssm_cls):
    ours, theirs = _pair(mamba_ssm_cls, "chunked")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        fresh = mamba_ssm_cls(d_model=64, d_state=16, d_conv=4, expand=2).cuda()
    fresh.load_state_dict(ours.state_dict(), strict=True)
    x = torch.randn(2, 50, 64, device="cuda")
    assert_close(fresh(x), theirs(x), dtype=torch.float32)


def test_auto_picks_the_fused_kernel_for_nonnegative_gates():
    pytest.importorskip("mamba_ssm")
    from ssm.scan import select_scan
    assert select_scan("auto", "cuda", "nonnegative").name == "mamba_ssm"
    assert select_scan("auto", "cuda", "signed").name in ("triton", "chunked")
