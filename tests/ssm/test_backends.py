"""Backend selection, the lazy GPU backends' errors, and the Triton kernel under its interpreter."""
from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from ssm.errors import BackendUnavailableError, ConfigError, SSMError
from ssm.scan import _select, available_scans, select_scan

ROOT = Path(__file__).resolve().parents[2]
HAS_TRITON = importlib.util.find_spec("triton") is not None
HAS_CUDA = torch.cuda.is_available()


def test_explicit_cpu_backends():
    assert select_scan("reference", "cpu", "signed").name == "reference"
    assert select_scan("chunked", torch.device("cpu"), "complex").name == "chunked"


@pytest.mark.skipif(HAS_CUDA, reason="checks the CPU choice")
def test_auto_on_cpu_is_chunked_and_logged_once(caplog):
    _select.cache_clear()
    import ssm.scan as scan_pkg
    scan_pkg._announced.clear()
    with caplog.at_level(logging.INFO, logger="ssm.scan"):
        first = select_scan("auto", "cpu", "signed")
        second = select_scan("auto", "cpu", "signed")
    assert first.name == second.name == "chunked"
    messages = [r.getMessage() for r in caplog.records if r.name == "ssm.scan"]
    assert len(messages) == 1 and "chunked" in messages[0]


def test_available_scans_on_cpu():
    names = available_scans("cpu", "nonnegative")
    assert names[:2] == ["chunked", "reference"] and "mamba_ssm" not in names


@pytest.mark.skipif(HAS_CUDA, reason="checks the error without CUDA")
def test_mamba_ssm_without_cuda_names_the_install_command():
    with pytest.raises(BackendUnavailableError) as info:
        select_scan("mamba_ssm", "cpu", "nonnegative")
    msg = str(info.value)
    assert isinstance(info.value, SSMError) and "\n" not in msg
    assert "pip install" in msg and "mamba-ssm" in msg


def test_mamba_ssm_refuses_negative_and_complex_gates():
    for gate in ("signed", "complex"):
        with pytest.raises(BackendUnavailableError, match="only takes gates in"):
            select_scan("mamba_ssm", "cuda", gate)


@pytest.mark.skipif(HAS_CUDA, reason="checks the error without CUDA")
def test_triton_without_cuda_or_interpreter_is_unavailable(monkeypatch):
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    with pytest.raises(BackendUnavailableError, match="pip install 'triton"):
        select_scan("triton", "cpu", "signed")


def test_unknown_backend_and_device():
    with pytest.raises(ConfigError, match="unknown scan 'cuda_magic'"):
        select_scan("cuda_magic", "cpu", "signed")
    with pytest.raises(ConfigError, match="unknown device 'gpu7'"):
        select_scan("chunked", "gpu7", "signed")


def test_importing_the_backend_modules_loads_neither_package():
    code = ("import sys, ssm.scan, ssm.scan.triton_kernel, ssm.scan.mamba_backend, ssm.model; "
            "print('triton' in sys.modules, 'mamba_ssm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


TRITON_CHECK = textwrap.dedent("""
    import torch
    from ssm.scan.reference import linear_scan_ref
    from ssm.scan.triton_kernel import triton_scan
    from ssm.scan import select_scan
    from tests.ssm.helpers import assert_close
    from tests.ssm.test_scan import _inputs
    assert select_scan("triton", "cpu", "signed").name == "triton"
    for kind, dtype in [("signed", torch.float32), ("exact", torch.float64),
                        ("near_one", torch.float32), ("complex", torch.complex64),
                        ("unit_circle", torch.complex128), ("nonnegative", torch.float32)]:
        for with_h0 in (False, True):
            a, b, h0 = _inputs(kind, dtype, batch=2, length=23, state=(2, 40), h0=with_h0)
            leaves = [t.clone().requires_grad_() for t in (a, b) + ((h0,) if with_h0 else ())]
            w = torch.randn(b.shape, generator=torch.Generator().manual_seed(1),
                            dtype=torch.float64).to(dtype)
            outs = []
            for scan in (linear_scan_ref, triton_scan):
                h = scan(*leaves)
                loss = (h * w).real.sum() + h[:, -1].abs().pow(2).sum()
                outs.append((h, torch.autograd.grad(loss, leaves)))
            (h_ref, g_ref), (h_tri, g_tri) = outs
            assert_close(h_tri, h_ref, dtype=dtype)
            for got, want in zip(g_tri, g_ref):
                assert_close(got, want, dtype=dtype, scale=10)
    print("TRITON-OK")
""")


@pytest.mark.skipif(not HAS_TRITON, reason="triton is not installed (pip install -e '.[gpu]'); "
                                           "the Triton kernel then runs on CUDA only")
def test_triton_kernel_matches_reference_under_interpreter():
    env = dict(os.environ, TRITON_INTERPRET="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", TRITON_CHECK], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "TRITON-OK" in out.stdout


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_TRITON, reason="triton is not installed")
def test_triton_kernel_on_cuda_matches_reference():
    from ssm.scan.reference import linear_scan_ref
    from ssm.scan.triton_kernel import triton_scan
    from tests.ssm.helpers import assert_close
    from tests.ssm.test_scan import _inputs
    for kind, dtype in [("signed", torch.float32), ("complex", torch.complex64)]:
        a, b, _ = _inputs(kind, dtype, batch=4, length=300, state=(8, 16))
        a, b = a.cuda().requires_grad_(), b.cuda().requires_grad_()
        h = triton_scan(a, b)
        ref = linear_scan_ref(a, b)
        assert_close(h, ref, dtype=dtype)
        g1 = torch.autograd.grad(h.real.sum(), (a, b))
        g2 = torch.autograd.grad(ref.real.sum(), (a, b))
        for x, y in zip(g1, g2):
            assert_close(x, y, dtype=dtype, scale=10)


def test_mamba_ssm_reference_missing_package_is_one_line(monkeypatch):
    import sys

    from ssm.scan.mamba_backend import load_selective_scan_ref

    monkeypatch.setitem(sys.modules, "mamba_ssm", None)      # import of it now fails
    monkeypatch.setitem(sys.modules, "mamba_ssm.ops", None)
    monkeypatch.setitem(sys.modules, "mamba_ssm.ops.selective_scan_interface", None)
    with pytest.raises(BackendUnavailableError, match="does not import") as info:
        load_selective_scan_ref()
    assert "\n" not in str(info.value) and "pip install 'mamba-ssm" in str(info.value)
